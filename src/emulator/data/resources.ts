/**
 * ARM ids and job resources as the executor reads and writes them (2024-10-01 wire shape:
 * `properties.jobType`, `properties.status`, `command`, `codeId`, `inputs`, `outputs`, ...).
 */
import type { ArmResource } from '../types.js';
import { asObj } from '../obj.js';

export const PROVIDER = 'Microsoft.MachineLearningServices';

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  /** `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>` */
  id: string;
}

export function workspaceRef(subscriptionId: string, resourceGroup: string, workspace: string): WorkspaceRef {
  return {
    subscriptionId,
    resourceGroup,
    workspace,
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${PROVIDER}/workspaces/${workspace}`,
  };
}

const WS_RE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)((?:\/.*)?)$/i;

/** Split an id under a workspace into the workspace and the rest (`/jobs/x`, `/codes/a/versions/1`). */
export function parseWorkspaceChild(id: string): { ws: WorkspaceRef; rest: string[] } | undefined {
  const m = WS_RE.exec(id.trim().replace(/\/+$/, ''));
  if (!m) return undefined;
  return {
    ws: workspaceRef(m[1], m[2], m[3]),
    rest: m[4].split('/').filter((s) => s.length > 0),
  };
}

export function parseJobId(id: string): { ws: WorkspaceRef; name: string } {
  const p = parseWorkspaceChild(id);
  if (!p || p.rest.length !== 2 || p.rest[0].toLowerCase() !== 'jobs') {
    throw new TypeError(`'${id}' is not the ARM id of an Azure ML job (…/workspaces/<ws>/jobs/<name>)`);
  }
  return { ws: p.ws, name: p.rest[1] };
}

export function jobId(ws: WorkspaceRef, name: string): string {
  return `${ws.id}/jobs/${name}`;
}

/** The last segment of an ARM id (`…/computes/cpu-cluster` → `cpu-cluster`). */
export function lastSegment(id: string): string {
  const parts = id.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] ?? id;
}

export const TERMINAL_STATUSES = ['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused'] as const;

export type JobStatus =
  | 'NotStarted'
  | 'Starting'
  | 'Provisioning'
  | 'Preparing'
  | 'Queued'
  | 'Running'
  | 'Finalizing'
  | 'CancelRequested'
  | 'Completed'
  | 'Failed'
  | 'Canceled'
  | 'NotResponding'
  | 'Paused'
  | 'Unknown';

export function isTerminal(status: unknown): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Canceled';
}

/** A job resource; properties are read defensively (the body came from a client). */
export type JobResource = ArmResource & { properties: Record<string, unknown> };

/** Read the first present key (camelCase wire name, then the snake_case YAML/SDK spelling). */
export function pick(o: Record<string, unknown> | undefined, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

export function pickString(o: Record<string, unknown> | undefined, ...keys: string[]): string | undefined {
  const v = pick(o, ...keys);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function stringMap(v: unknown): Record<string, string> {
  const o = asObj(v);
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    if (val === undefined || val === null) continue;
    out[k] = typeof val === 'string' ? val : typeof val === 'object' ? JSON.stringify(val) : String(val);
  }
  return out;
}

/** `PT5M`, `P1DT2H`, `PT0.5S` or a number of seconds → milliseconds; undefined when unparseable. */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v * 1000;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
  if (!m || s === 'P' || /T$/i.test(s)) return undefined;
  const [d, h, mi, se] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  const ms = ((d * 24 + h) * 60 + mi) * 60_000 + se * 1000;
  return ms > 0 ? ms : undefined;
}
