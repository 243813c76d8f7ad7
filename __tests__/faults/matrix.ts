/**
 * The fault matrix: every Azure operation the actions call (a row, run in the scenario that
 * calls it) × the faults Azure has on a bad day (the columns), each injected once (transient)
 * and on every call (persistent) through the emulator's admin API, from outside the actions.
 *
 * Expected: transient → the step succeeds, with no duplicate resource; persistent → the step
 * fails with one clear error (no stack trace), no duplicate resource, and for deploy the prior
 * traffic is back and read back. Best-effort calls (the log tail, deleting old deployments after
 * a promotion) degrade instead of failing; those cells say so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runScenario, SCENARIOS, ENDPOINT, type ScenarioName } from './scenarios.js';
import { clearFaults, faultHits, injectEndpointFault, injectFault, reportDir, scenarioEmulator, type CoreFault } from './support.js';

export const FAULTS = ['429', '500', '503', 'reset', 'stall', 'lroFailed', 'stuckUpdating', 'operationCanceled'] as const;
export type FaultName = (typeof FAULTS)[number];
export type Mode = 'transient' | 'persistent';

export const FAULT_TITLES: Record<FaultName, string> = {
  '429': '429 + Retry-After',
  '500': '500',
  '503': '503',
  reset: 'connection reset',
  stall: '30 s stall',
  lroFailed: 'LRO ends Failed',
  stuckUpdating: 'endpoint stuck Updating',
  operationCanceled: 'OperationCanceled (409)',
};

const GENERIC: FaultName[] = ['429', '500', '503', 'reset', 'stall'];

export interface Row {
  /** What the table shows. */
  label: string;
  /** The fault rule's operation (and method) filter. */
  operation: string;
  method: string;
  scenario: ScenarioName;
  /** A write: 500, reset and stall hit after the service did the work (the answer is lost). */
  write?: boolean;
  /** Extra columns for this row (endpoint faults and conflicts). */
  extra?: FaultName[];
  /** Columns that do not apply to this operation (said in the row's note). */
  skip?: FaultName[];
  /** Endpoint fault rule for the `lroFailed` column. */
  lroFault?: Record<string, unknown>;
  /** Expected outcomes that differ from transient → ok, persistent → error. */
  expect?: Partial<Record<`${FaultName}:${Mode}` | `*:${Mode}`, Outcome>>;
  note?: string;
}

export type Outcome = 'ok' | 'ok-degraded' | 'error' | 'broken' | 'not-exercised';

export const ROWS: Row[] = [
  // submit-job
  { label: 'Entra token (client credentials)', operation: 'OAuth2_TokenV2', method: 'POST', scenario: 'submit' },
  { label: 'job GET (exists? / status polling)', operation: 'Jobs_Get', method: 'GET', scenario: 'submit' },
  { label: 'job PUT (submit)', operation: 'Jobs_CreateOrUpdate', method: 'PUT', scenario: 'submit', write: true },
  { label: 'asset version GET (code)', operation: 'CodeVersions_Get', method: 'GET', scenario: 'submit' },
  { label: 'asset version PUT (code)', operation: 'CodeVersions_CreateOrUpdate', method: 'PUT', scenario: 'submit', write: true },
  // Code goes up through the SAS startPendingUpload issues (issue 12, defect 9); listSecrets is only its fallback.
  { label: 'code start pending upload (SAS)', operation: 'CodeVersions_CreateOrGetStartPendingUpload', method: 'POST', scenario: 'submit', write: true },
  {
    label: 'blob upload (code snapshot)',
    operation: 'BlockBlob_*',
    method: 'PUT',
    scenario: 'submit',
    write: true,
    skip: ['429'],
    // Block uploads have a per-try limit of 300 s (several MiB per block): a 30 s stall slows them, it does not fail them.
    expect: { 'stall:persistent': 'ok' },
    note: 'Azure Storage throttles with 503 ServerBusy or 500 OperationTimeout (both here), never 429; blob requests get 300 s per try, so a 30 s stall on every request slows the upload without failing it',
  },
  {
    label: 'run history (log tail)',
    operation: 'RunHistory_GetRunDetails',
    method: 'GET',
    scenario: 'submit',
    expect: { '*:persistent': 'ok-degraded' },
    note: 'the log tail is best effort: the step succeeds without it',
  },
  {
    label: 'job cancel (on timeout)',
    operation: 'Jobs_Cancel',
    method: 'POST',
    scenario: 'submit-timeout',
    write: true,
    expect: { '*:transient': 'error' },
    note: 'the step fails by design (timeout); transient: the job still ends Canceled',
  },
  // metric-gate
  { label: 'MLflow run GET', operation: 'MLflow_GetRun', method: 'GET', scenario: 'gate' },
  { label: 'MLflow metric history', operation: 'MLflow_GetMetricHistory', method: 'GET', scenario: 'gate' },
  // register-model
  { label: 'model versions list', operation: 'ModelVersions_List', method: 'GET', scenario: 'register' },
  { label: 'model version PUT', operation: 'ModelVersions_CreateOrUpdate', method: 'PUT', scenario: 'register', write: true },
  {
    label: 'registry: start pending upload',
    operation: 'RegistryModelVersions_CreateOrGetStartPendingUpload',
    method: 'POST',
    scenario: 'promote',
    write: true,
  },
  { label: 'registry: model version PUT', operation: 'RegistryModelVersions_CreateOrUpdate', method: 'PUT', scenario: 'promote', write: true },
  // deploy
  { label: 'model version GET (the model input)', operation: 'ModelVersions_Get', method: 'GET', scenario: 'deploy' },
  { label: 'endpoint GET', operation: 'OnlineEndpoints_Get', method: 'GET', scenario: 'deploy' },
  {
    label: 'endpoint PUT (traffic)',
    operation: 'OnlineEndpoints_CreateOrUpdate',
    method: 'PUT',
    scenario: 'deploy',
    write: true,
    extra: ['lroFailed', 'stuckUpdating', 'operationCanceled'],
    lroFault: { kind: 'updateFailure', endpoint: ENDPOINT, code: 'InternalServerError', message: 'Failed to update the endpoint traffic (injected).' },
  },
  { label: 'LRO status polling', operation: 'OperationStatus_Get', method: 'GET', scenario: 'deploy' },
  {
    label: 'deployment PUT (provision)',
    operation: 'OnlineDeployments_CreateOrUpdate',
    method: 'PUT',
    scenario: 'deploy',
    write: true,
    extra: ['lroFailed', 'operationCanceled'],
    lroFault: {
      kind: 'provisioningFailure',
      endpoint: ENDPOINT,
      deployment: 'green',
      code: 'InternalServerError',
      message: 'Internal error while creating the deployment (injected).',
    },
  },
  { label: 'deployment GET', operation: 'OnlineDeployments_Get', method: 'GET', scenario: 'deploy' },
  {
    label: 'deployment DELETE (old one, after promotion)',
    operation: 'OnlineDeployments_Delete',
    method: 'DELETE',
    scenario: 'deploy',
    write: true,
    extra: ['lroFailed', 'operationCanceled'],
    lroFault: { kind: 'deleteFailure', endpoint: ENDPOINT, deployment: 'blue' },
    // 500, reset and stall hit after the delete was done (a lost answer): the old deployment is gone.
    expect: { '*:persistent': 'ok-degraded', '500:persistent': 'ok', 'reset:persistent': 'ok', 'stall:persistent': 'ok' },
    note: 'after the promotion is confirmed, an old deployment that cannot be deleted is a warning (it keeps 0 %); a delete whose answer is lost (500, reset, stall after the work) is done',
  },
  {
    label: 'deployment getLogs (provisioning failed)',
    operation: 'OnlineDeployments_GetLogs',
    method: 'POST',
    scenario: 'deploy-provision-fails',
    expect: { '*:transient': 'error' },
    note: 'provisioning fails by design here (the rollout is rolled back either way); transient: the logs are still shown',
  },
  { label: 'endpoint list keys', operation: 'OnlineEndpoints_ListKeys', method: 'POST', scenario: 'deploy' },
  { label: 'Azure Monitor metrics', operation: 'Metrics_List', method: 'GET', scenario: 'deploy' },
  { label: 'scoring (smoke test, confirmation)', operation: 'OnlineEndpoint_Score', method: 'POST', scenario: 'deploy' },
];

export interface Cell {
  row: Row;
  fault: FaultName;
  mode: Mode;
}

export function cellsOf(rows: Row[], quick: boolean): Cell[] {
  const cells: Cell[] = [];
  for (const row of rows) {
    for (const fault of [...GENERIC, ...(row.extra ?? [])].filter((f) => !row.skip?.includes(f))) {
      for (const mode of ['transient', 'persistent'] as const) {
        // Quick mode: every row and column once, alternating transient and persistent.
        if (quick && (FAULTS.indexOf(fault) + ROWS.indexOf(row)) % 2 === (mode === 'transient' ? 1 : 0)) continue;
        cells.push({ row, fault, mode });
      }
    }
  }
  return cells;
}

export function expected(cell: Cell): Outcome {
  const e = cell.row.expect ?? {};
  return e[`${cell.fault}:${cell.mode}`] ?? e[`*:${cell.mode}`] ?? (cell.mode === 'transient' ? 'ok' : 'error');
}

async function inject(em: RunningEmulator, cell: Cell): Promise<void> {
  const { row, fault, mode } = cell;
  const count = mode === 'transient' ? { count: 1 } : {};
  const base: CoreFault = { operation: row.operation, method: row.method, kind: 'status', ...count };
  const afterWork = row.write ? 'afterHandler' : 'beforeHandler';
  switch (fault) {
    case '429':
      return void (await injectFault(em, { ...base, status: 429, retryAfter: 1, position: 'beforeHandler' }));
    case '500':
      return void (await injectFault(em, { ...base, status: 500, position: afterWork }));
    case '503':
      return void (await injectFault(em, { ...base, status: 503, position: 'beforeHandler' }));
    case 'reset':
      return void (await injectFault(em, { ...base, kind: 'reset', position: afterWork }));
    case 'stall':
      return void (await injectFault(em, { ...base, kind: 'delay', ms: 30_000, position: afterWork }));
    case 'operationCanceled':
      return void (await injectFault(em, {
        ...base,
        status: 409,
        code: 'OperationCanceled',
        message: 'The operation was canceled because another operation on the same entity started (injected).',
        position: 'beforeHandler',
      }));
    case 'lroFailed':
      return void (await injectEndpointFault(em, { ...row.lroFault, ...count }));
    case 'stuckUpdating':
      // Transient: the traffic write's own operation takes 4 s. Persistent: the endpoint is
      // Updating (someone else's operation) for ten minutes from before the step starts.
      return void (await injectEndpointFault(
        em,
        mode === 'transient'
          ? { kind: 'stuckUpdating', endpoint: ENDPOINT, when: 'nextOperation', ms: 4000, count: 1 }
          : { kind: 'stuckUpdating', endpoint: ENDPOINT, when: 'now', ms: 600_000 },
      ));
  }
}

export interface CellResult {
  label: string;
  operation: string;
  action: string;
  fault: FaultName;
  mode: Mode;
  expected: Outcome;
  outcome: Outcome;
  seconds: number;
  pass: boolean;
  detail: string;
}

/** Runs one cell on an emulator of its own. */
export async function runCell(cell: Cell, index: number): Promise<CellResult> {
  const s = SCENARIOS[cell.row.scenario];
  const em = await scenarioEmulator();
  const want = expected(cell);
  let outcome: Outcome = 'broken';
  let detail = '';
  let seconds = 0;
  try {
    await s.setup(em);
    if (cell.row.scenario === 'deploy-provision-fails') {
      await injectEndpointFault(em, {
        kind: 'provisioningFailure',
        endpoint: ENDPOINT,
        deployment: 'green',
        code: 'ResourceNotReady',
        message: 'User container has crashed or terminated (injected).',
      });
    }
    await inject(em, cell);
    const extra: Record<string, string> = cell.fault === 'stuckUpdating' && cell.mode === 'persistent' ? { 'max-duration': '30s' } : {};
    let hits = 0;
    // The fault fired? Then lift it, so the check reads the state through the same operations.
    const r = await runScenario(em, s, `9${String(index).padStart(4, '0')}`, extra, async () => {
      hits = await faultHits(em);
      await clearFaults(em);
    });
    seconds = r.seconds;
    const errors = r.run.main.annotations.filter((a) => a.level === 'error');
    const a = r.aftermath;
    if (hits === 0) {
      outcome = 'not-exercised';
      detail = 'the fault never fired';
    } else if (a.problems.length > 0) {
      outcome = 'broken';
      detail = a.problems.join('; ');
    } else if (r.run.main.signal || r.run.main.exitCode === null) {
      outcome = 'broken';
      detail = `the step did not end (${r.run.main.signal ?? 'timeout'})`;
    } else if (r.run.main.exitCode === 0) {
      if (!a.goal) {
        outcome = 'broken';
        detail = `succeeded without reaching its goal (${a.facts.join(', ')})`;
      } else {
        const degraded = a.degraded;
        outcome = degraded ? 'ok-degraded' : 'ok';
        detail = degraded ?? a.facts.join(', ');
      }
    } else {
      const message = errors[0]?.message ?? '';
      if (errors.length === 0) {
        outcome = 'broken';
        detail = `failed (exit ${r.run.main.exitCode}) without an ::error annotation`;
      } else if (/\n\s+at \S+/.test(message)) {
        outcome = 'broken';
        detail = `the error carries a stack trace: ${message.slice(0, 200)}`;
      } else if (want === 'error' && cell.mode === 'transient' && !a.goal) {
        // Cells that fail by design must still reach their goal on a transient fault.
        outcome = 'broken';
        detail = `failed without reaching its goal (${a.facts.join(', ')}): ${message.slice(0, 200)}`;
      } else {
        outcome = 'error';
        detail = message.replace(/\s+/g, ' ').slice(0, 240);
      }
    }
    if (outcome !== want && process.env.FAULTS_VERBOSE === '1')
      console.log(
        `--- ${cell.row.label} × ${cell.fault} (${cell.mode}): ${outcome}\n${r.run.main.log
          .split('\n')
          .filter((l) => !l.startsWith('::debug') && !l.startsWith('::add-mask'))
          .join('\n')}`,
      );
  } catch (err) {
    outcome = 'broken';
    detail = `the cell could not run: ${(err as Error).message}`;
  } finally {
    await em.close();
  }
  return {
    label: cell.row.label,
    operation: cell.row.operation,
    action: s.action,
    fault: cell.fault,
    mode: cell.mode,
    expected: want,
    outcome,
    seconds: Math.round(seconds * 10) / 10,
    pass: outcome === want,
    detail,
  };
}

/** Writes one part of the matrix (a test file's rows) for the report at the end of the run. */
export function writePart(name: string, results: CellResult[], wallSeconds: number): void {
  writeFileSync(join(reportDir(), `matrix-${name}.json`), JSON.stringify({ wallSeconds, results }, null, 2));
}

const SHORT: Record<Outcome, string> = {
  ok: 'ok',
  'ok-degraded': 'ok (degraded)',
  error: 'clear error',
  broken: '**BROKEN**',
  'not-exercised': '**not exercised**',
};

/** The matrix as Markdown: rows = operations, columns = faults, cell = transient · persistent. */
export function renderMatrix(results: CellResult[]): string {
  const columns = FAULTS.filter((f) => results.some((r) => r.fault === f));
  const labels = ROWS.map((r) => r.label).filter((l) => results.some((r) => r.label === l));
  const notes = ROWS.filter((r) => r.note && labels.includes(r.label)).map((r) => r.note!);
  const lines: string[] = [];
  lines.push(`| operation (action) | ${columns.map((c) => FAULT_TITLES[c]).join(' | ')} |`);
  lines.push(`|---|${columns.map(() => '---').join('|')}|`);
  for (const label of labels) {
    const row = ROWS.find((r) => r.label === label)!;
    const action = results.find((r) => r.label === label)!.action;
    const cells = columns.map((c) => {
      const parts = (['transient', 'persistent'] as const).map((m) => {
        const r = results.find((x) => x.label === label && x.fault === c && x.mode === m);
        if (!r) return undefined;
        return `${m === 'transient' ? 'T' : 'P'}: ${SHORT[r.outcome]} ${r.seconds}s${r.pass ? '' : ` (expected ${SHORT[r.expected]})`}`;
      });
      const shown = parts.filter(Boolean);
      return shown.length ? shown.join('<br>') : row.skip?.includes(c) ? 'n/a' : '—';
    });
    const mark = row.note ? ` [${notes.indexOf(row.note) + 1}]` : '';
    lines.push(`| ${label} (${action})${mark} | ${cells.join(' | ')} |`);
  }
  lines.push('', "T = injected once (transient), P = on every call (persistent); seconds = the step's run time (main and post).");
  notes.forEach((n, i) => lines.push(`[${i + 1}] ${n}`));
  return lines.join('\n');
}
