/**
 * The real Azure ML recordings in ../shared/fixtures/azure-recordings (Microsoft's azure-ai-ml SDK
 * against the live service; provenance in that folder's README): loading, classifying and
 * re-scoping their requests. Shared by the emulator conformance suite (replay requests against the
 * emulator) and the client suite (serve recorded responses to our client).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedFixtures } from '../helpers/swagger.js';

export const recordingsDir = join(sharedFixtures, 'azure-recordings');

/** True when ../shared holds the recordings (CI lays it beside the checkout). */
export const haveRecordings = existsSync(join(recordingsDir, 'README.md'));

export interface RecordedEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders?: Record<string, string>;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string>;
  ResponseBody: unknown;
}

export interface Recording {
  /** Path relative to the recordings folder, e.g. `jobs/sweep-job-create-get.json`. */
  file: string;
  source: { repo: string; path: string; commit: string; note?: string };
  entries: RecordedEntry[];
  variables: Record<string, string>;
}

/** Where a recorded request went. */
export type EntryKind = 'arm' | 'blob' | 'scoring' | 'dataplane' | 'other';

export function loadRecording(file: string): Recording {
  const raw = JSON.parse(readFileSync(join(recordingsDir, file), 'utf8')) as {
    source: Recording['source'];
    Entries: RecordedEntry[];
    Variables?: Record<string, string>;
  };
  return { file, source: raw.source, entries: raw.Entries, variables: raw.Variables ?? {} };
}

/** Every recording, in a stable order. */
export function loadRecordings(): Recording[] {
  if (!haveRecordings) return [];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) files.push(relative(recordingsDir, p));
    }
  };
  walk(recordingsDir);
  return files.sort().map(loadRecording);
}

export function entryKind(e: RecordedEntry): EntryKind {
  const u = new URL(e.RequestUri);
  if (/\.blob\.core\.windows\.net$/i.test(u.hostname)) return 'blob';
  if (/\.inference\.ml\.azure\.com$/i.test(u.hostname)) return 'scoring';
  if (/^\/subscriptions\//i.test(u.pathname) && /management\.azure\.com$/i.test(u.hostname)) return 'arm';
  if (/\.api\.azureml\.ms$/i.test(u.hostname) || /\/mferp\/managementfrontend\//i.test(u.pathname)) return 'dataplane';
  return 'other';
}

/** The scope the recordings were sanitised to (Microsoft's test proxy). */
export const RECORDED_SCOPE = {
  subscriptionId: '00000000-0000-0000-0000-000000000',
  resourceGroup: '00000',
  workspace: '00000',
};

export interface Scope {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
}

/**
 * Rewrites an ARM request path (and query) from the recorded scope to another one: subscription,
 * resource group and workspace segments are replaced wherever they appear as those segments.
 */
export function rescopePath(pathAndQuery: string, to: Scope): string {
  return pathAndQuery
    .replace(/(\/subscriptions\/)[^/?]+/i, `$1${to.subscriptionId}`)
    .replace(/(\/resourceGroups\/)[^/?]+/i, `$1${to.resourceGroup}`)
    .replace(/(\/workspaces\/)[^/?]+/i, `$1${to.workspace}`);
}

/** Path and query of a recorded request URI. */
export function pathAndQuery(uri: string): string {
  const u = new URL(uri);
  return `${u.pathname}${u.search}`;
}

/** A response header of a recorded entry, whatever its recorded spelling. */
export function recordedHeader(e: RecordedEntry, name: string): string | undefined {
  const key = Object.keys(e.ResponseHeaders ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : e.ResponseHeaders[key];
}

/** The recorded response body as JSON (`"null"` text and empty bodies become `null`). */
export function recordedJson(e: RecordedEntry): unknown {
  const b = e.ResponseBody;
  if (typeof b !== 'string') return b ?? null;
  if (b.trim() === '') return null;
  try {
    return JSON.parse(b) as unknown;
  } catch {
    return b;
  }
}

const RECORDED_WS_PREFIX =
  /\/subscriptions\/00000000-0000-0000-0000-000000000(?![0-9a-f])\/resourceGroups\/00000(?![0-9A-Za-z_-])\/providers\/Microsoft\.MachineLearningServices\/workspaces\/00000(?![0-9A-Za-z_-])/gi;
const RECORDED_SHORT_WS_PREFIX =
  /\/subscriptions\/00000000-0000-0000-0000-000000000(?![0-9a-f])\/resourcegroups\/00000(?![0-9A-Za-z_-])\/workspaces\/00000(?![0-9A-Za-z_-])/gi;

/**
 * Rewrites every recorded workspace reference inside a text (a JSON request body): ARM ids
 * (`/subscriptions/…/resourceGroups/…/providers/…/workspaces/…`) and the short form of
 * `azureml://subscriptions/…/resourcegroups/…/workspaces/…` URIs.
 */
export function rescopeText(text: string, to: Scope): string {
  return text
    .replace(
      RECORDED_WS_PREFIX,
      `/subscriptions/${to.subscriptionId}/resourceGroups/${to.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${to.workspace}`,
    )
    .replace(RECORDED_SHORT_WS_PREFIX, `/subscriptions/${to.subscriptionId}/resourcegroups/${to.resourceGroup}/workspaces/${to.workspace}`);
}

/** True for a request to an ARM operation-status URL (`…/mfeOperationsStatus/…`). */
export function isOperationPoll(e: RecordedEntry): boolean {
  return e.RequestMethod === 'GET' && /\/mfeOperationsStatus\//i.test(new URL(e.RequestUri).pathname);
}

/**
 * One recorded control-plane interaction: a request and its answer, or a run of polls of the same
 * operation-status URL collapsed into one (its distinct status values, in order).
 */
export interface ArmInteraction {
  file: string;
  /** Index of the (first) entry in the recording. */
  index: number;
  entries: RecordedEntry[];
  poll: boolean;
}

/** The ARM interactions of a recording, in order; consecutive polls of one URL are one interaction. */
export function armInteractions(r: Recording): ArmInteraction[] {
  const out: ArmInteraction[] = [];
  r.entries.forEach((e, index) => {
    if (entryKind(e) !== 'arm') return;
    const last = out[out.length - 1];
    if (isOperationPoll(e) && last?.poll && last.entries[0]!.RequestUri === e.RequestUri && last.index + last.entries.length === index) {
      last.entries.push(e);
      return;
    }
    out.push({ file: r.file, index, entries: [e], poll: isOperationPoll(e) });
  });
  return out;
}

/** Distinct consecutive values, in order (`a a b b a` → `a b a`). */
export function distinctRuns<T>(values: T[]): T[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}
