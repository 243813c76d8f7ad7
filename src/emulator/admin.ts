/**
 * Anonymous routes of the emulator itself:
 * - `/.emulator/*` (never logged, never faulted): `info` (blob endpoint, tenant, defaults,
 *   version), `faults` (GET / POST / DELETE, `DELETE /.emulator/faults/{id}`), `requests`
 *   (GET the request log, DELETE to clear it);
 * - `GET /discovery` (what a workspace's `discoveryUrl` points at);
 * - `GET /studio/runs/{name}?wsid=…` — a tiny page for a job's Studio link.
 */
import { ArmError, ArmErrors } from './arm/errors.js';
import type { EmulatorDefaults } from './arm/deps.js';
import { childId, parseWorkspaceChildId } from './arm/ids.js';
import { presentJob } from './arm/jobs.js';
import { EMULATOR_VERSION } from './config.js';
import { validateFaultRules, type FaultInjector } from './faults.js';
import type { RequestLog } from './http/request-log.js';
import type { BlobEndpoint, EmulatorRequest, EmulatorResponse, ResourceStore, Route } from './types.js';

export interface AdminDeps {
  faults: FaultInjector;
  log: RequestLog;
  blob: BlobEndpoint;
  defaults: EmulatorDefaults;
  store: ResourceStore;
}

export function adminRoutes(d: AdminDeps): Route[] {
  const info = (req: EmulatorRequest): EmulatorResponse => ({
    status: 200,
    body: {
      version: EMULATOR_VERSION,
      baseUrl: req.ctx.baseUrl,
      emulatorHost: req.ctx.baseUrl.replace(/^https?:\/\//, ''),
      blobEndpoint: d.blob.url,
      blobAccountName: d.blob.accountName,
      tenantId: d.defaults.tenantId,
      tokenEndpoint: `${req.ctx.baseUrl}/${d.defaults.tenantId}/oauth2/v2.0/token`,
      defaults: {
        subscriptionId: d.defaults.subscriptionId,
        resourceGroup: d.defaults.resourceGroup,
        workspaceName: d.defaults.workspaceName,
        tenantId: d.defaults.tenantId,
        location: d.defaults.location,
      },
    },
  });

  const addFaults = (req: EmulatorRequest): EmulatorResponse => {
    if (req.body === undefined) throw ArmErrors.badRequest('POST /.emulator/faults needs a JSON rule, an array of rules or {"rules": [...]}.');
    let added;
    try {
      added = validateFaultRules(req.body, 'body').map((r) => d.faults.add(r));
    } catch (err) {
      throw ArmErrors.badRequest((err as Error).message);
    }
    return { status: 201, body: { rules: added } };
  };

  return [
    { method: 'GET', pattern: '/.emulator/info', operation: 'Emulator_Info', auth: 'none', handler: info },
    {
      method: 'GET',
      pattern: '/.emulator/faults',
      operation: 'Emulator_ListFaults',
      auth: 'none',
      handler: () => ({ status: 200, body: { rules: d.faults.list() } }),
    },
    { method: 'POST', pattern: '/.emulator/faults', operation: 'Emulator_AddFaults', auth: 'none', handler: addFaults },
    {
      method: 'DELETE',
      pattern: '/.emulator/faults',
      operation: 'Emulator_ClearFaults',
      auth: 'none',
      handler: () => {
        const n = d.faults.list().length;
        d.faults.clear();
        return { status: 200, body: { removed: n } };
      },
    },
    {
      method: 'DELETE',
      pattern: '/.emulator/faults/{id}',
      operation: 'Emulator_RemoveFault',
      auth: 'none',
      handler: (req) => {
        if (!d.faults.remove(req.params.id)) throw new ArmError(404, 'NotFound', `There is no fault rule '${req.params.id}'.`);
        return { status: 200, body: { removed: 1 } };
      },
    },
    {
      method: 'GET',
      pattern: '/.emulator/requests',
      operation: 'Emulator_ListRequests',
      auth: 'none',
      handler: () => ({ status: 200, body: { requests: d.log.list() } }),
    },
    {
      method: 'DELETE',
      pattern: '/.emulator/requests',
      operation: 'Emulator_ClearRequests',
      auth: 'none',
      handler: () => ({ status: 200, body: { removed: d.log.clear() } }),
    },
  ];
}

/** Public anonymous pages: discovery document and the Studio job page. */
export function publicRoutes(d: AdminDeps): Route[] {
  const discovery = (req: EmulatorRequest): EmulatorResponse => {
    const b = req.ctx.baseUrl;
    return {
      status: 200,
      body: {
        api: b,
        catalog: b,
        experimentation: b,
        gallery: b,
        history: b,
        hyperdrive: b,
        labeling: b,
        modelmanagement: b,
        pipelines: b,
        studio: `${b}/studio`,
      },
    };
  };

  const studioRun = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const wsid = req.query.get('wsid') ?? '';
    const name = req.params.name;
    const parsed = parseWorkspaceChildId(`${wsid}/jobs/${encodeURIComponent(name)}`);
    const job = parsed ? await d.store.get(childId(parsed.scope, 'jobs', name)) : undefined;
    if (!job) {
      return {
        status: 404,
        raw: page(`Job ${name}`, `<p>No job <code>${esc(name)}</code> in workspace <code>${esc(wsid)}</code>.</p>`),
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      };
    }
    const shown = presentJob(job, req.ctx, d.defaults.tenantId);
    const p = shown.properties as Record<string, unknown>;
    const rows = ['status', 'jobType', 'displayName', 'experimentName', 'computeId', 'environmentId', 'codeId', 'command']
      .filter((k) => p[k] !== undefined && p[k] !== null)
      .map((k) => `<tr><th>${esc(k)}</th><td><code>${esc(String(p[k]))}</code></td></tr>`)
      .join('');
    const body = `<table>${rows}</table><h2>Resource</h2><pre>${esc(JSON.stringify(shown, null, 2))}</pre>`;
    return { status: 200, raw: page(`Job ${name} — ${String(p.status)}`, body), headers: { 'Content-Type': 'text/html; charset=utf-8' } };
  };

  return [
    { method: 'GET', pattern: '/discovery', operation: 'Discovery_Get', auth: 'none', handler: discovery },
    { method: 'GET', pattern: '/studio/runs/{name}', operation: 'Studio_Run', auth: 'none', handler: studioRun },
  ];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)} · Azure ML emulator</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}th{text-align:left;padding-right:1em}pre{background:#f4f4f4;padding:1em;overflow:auto}</style>
</head><body><h1>${esc(title)}</h1>${body}<p><small>Azure ML emulator — this page stands in for ml.azure.com.</small></p></body></html>`;
}
