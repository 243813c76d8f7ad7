/**
 * What the PR report shows, gathered from the run ledger (earlier steps of the same job) and from
 * the JSON outputs of other jobs given as inputs (`jobs`, `gate-reports`, `models`, `rollouts`).
 *
 * Everything here is read defensively: the ledger is written by other actions and the inputs by
 * users, so every field is checked and anything unusable is dropped (a ledger line) or reported
 * with the input's name and the expected shape (an input). Strings stay raw: the renderers escape.
 */
import { ConfigurationError } from '../core/errors.js';
import type { GateReport, GateRuleReport, MetricSummary } from '../metrics/report.js';
import type { RolloutTimeline } from '../rollout/timeline.js';
import type { BatchRolloutRecord, LedgerEntry } from '../core/ledger.js';
import { isObj, type Obj } from '../core/obj.js';

export interface ReportJob {
  name: string;
  type?: string;
  status: string;
  studioUrl?: string;
  experiment?: string;
  jobFile?: string;
  error?: string;
  dryRun?: boolean;
  reattached?: boolean;
  /** AutoML jobs: child runs, the best child and the primary metric. */
  children?: number;
  bestChild?: string;
  primaryMetric?: string;
}

export interface ReportGate {
  passed: boolean;
  /** Description of what was gated (a job, an MLflow run, a file). */
  source?: string;
  /** Description of the baseline. */
  baseline?: string;
  report: GateReport;
  histories?: Record<string, Array<{ step: number; value: number }>>;
}

export interface ReportModel {
  name: string;
  version: string;
  id?: string;
  /** False when an identical version already existed and was reused. */
  created?: boolean;
  studioUrl?: string;
}

export interface ReportRollout {
  endpoint?: string;
  deployment: string;
  /** `promoted`, `rolled-back`, `failed` or another status word. */
  status: string;
  timeline?: RolloutTimeline;
  /** A batch endpoint's rollout: its stages, test batch and comparison (no traffic timeline). */
  batch?: BatchRolloutRecord;
  /** The model monitor deploy pointed at this deployment after promoting it (ledger entry `monitor`). */
  monitor?: { name: string; signals: string[]; created: boolean; previousDeployment?: string };
}

/** A schedule submit-job created or updated (ledger entry `schedule`). */
export interface ReportSchedule {
  name: string;
  jobType?: string;
  status: string;
  enabled: boolean;
  trigger?: string;
  nextRuns: string[];
  jobFile?: string;
}

export interface ReportData {
  jobs: ReportJob[];
  gates: ReportGate[];
  models: ReportModel[];
  rollouts: ReportRollout[];
  /** Only from the ledger (no input carries schedules); absent in data built before they were reported. */
  schedules?: ReportSchedule[];
}

export type ReportInputName = 'jobs' | 'gate-reports' | 'models' | 'rollouts';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);

/** A number as JSON carries it: a number, null (NaN through JSON.stringify) or the strings MLflow uses. */
export function jsonNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null) return NaN;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity' || v === '∞') return Infinity;
    if (v === '-Infinity' || v === '−∞') return -Infinity;
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return Number(v);
  }
  return undefined;
}

/** The first of `keys` that `o` has as a usable string. */
function pick(o: Obj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = str(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A string that holds JSON (an action output passed on as is) becomes its value. */
function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/** `{ outputs: {...} }` (a `needs.<job>` object) becomes its outputs. */
function unwrapOutputs(o: Obj): Obj {
  return isObj(o.outputs) ? { ...o.outputs } : o;
}

// ---------------------------------------------------------------------------------------------
// One item of each kind, from a ledger entry or an input item

export function toReportSchedule(v: unknown): ReportSchedule | undefined {
  if (!isObj(v)) return undefined;
  const name = str(v.name);
  const status = str(v.status);
  if (!name || !status) return undefined;
  const jobType = str(v.jobType);
  const trigger = str(v.trigger);
  const jobFile = str(v.jobFile);
  return {
    name,
    status,
    enabled: v.enabled !== false,
    nextRuns: Array.isArray(v.nextRuns) ? v.nextRuns.map(str).filter((x): x is string => x !== undefined) : [],
    ...(jobType ? { jobType } : {}),
    ...(trigger ? { trigger } : {}),
    ...(jobFile ? { jobFile } : {}),
  };
}

export function toReportJob(v: unknown): ReportJob | undefined {
  if (!isObj(v)) return undefined;
  const o = unwrapOutputs(v);
  const name = pick(o, 'jobName', 'job-name', 'name');
  if (!name) return undefined;
  return {
    name,
    type: pick(o, 'jobType', 'job-type', 'type'),
    status: pick(o, 'status') ?? 'Unknown',
    studioUrl: pick(o, 'studioUrl', 'studio-url'),
    experiment: pick(o, 'experimentName', 'experiment-name'),
    jobFile: pick(o, 'jobFile', 'job-file'),
    error: pick(o, 'error'),
    dryRun: bool(o.dryRun) ?? (o.status === 'DryRun' ? true : undefined),
    reattached: bool(o.reattached),
    ...(typeof o.children === 'number' && o.children >= 0 ? { children: o.children } : {}),
    ...(pick(o, 'bestChild', 'best-child') ? { bestChild: pick(o, 'bestChild', 'best-child') } : {}),
    ...(pick(o, 'primaryMetric', 'primary-metric') ? { primaryMetric: pick(o, 'primaryMetric', 'primary-metric') } : {}),
  };
}

function toSummary(v: unknown): MetricSummary | undefined {
  if (!isObj(v)) return undefined;
  const count = typeof v.count === 'number' && v.count >= 0 ? v.count : 0;
  const out: MetricSummary = { count };
  const last = jsonNumber(v.last);
  if (last !== undefined && count > 0) out.last = last;
  const lastStep = jsonNumber(v.lastStep);
  if (lastStep !== undefined && Number.isFinite(lastStep)) out.lastStep = lastStep;
  const min = jsonNumber(v.min);
  if (min !== undefined && count > 0) out.min = min;
  const max = jsonNumber(v.max);
  if (max !== undefined && count > 0) out.max = max;
  return out;
}

function toSummaries(v: unknown): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  if (!isObj(v)) return out;
  for (const [name, s] of Object.entries(v)) {
    const m = toSummary(s);
    if (m) out[name] = m;
  }
  return out;
}

const VERDICTS = new Set(['passed', 'failed', 'skipped']);
const OPS = new Set(['>=', '>', '<=', '<', '==', '!=']);

function toRuleReport(v: unknown, index: number): GateRuleReport | undefined {
  if (!isObj(v) || typeof v.rule !== 'string' || !VERDICTS.has(v.verdict as string)) return undefined;
  const comparisons = (Array.isArray(v.comparisons) ? v.comparisons : [])
    .filter(isObj)
    .filter((c) => typeof c.text === 'string' && VERDICTS.has(c.verdict as string))
    .map((c) => ({
      text: c.text as string,
      verdict: c.verdict as GateRuleReport['verdict'],
      left: jsonNumber(c.left),
      right: jsonNumber(c.right),
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      ...(OPS.has(c.op as string) ? { op: c.op as GateRuleReport['op'] } : {}),
    }));
  return {
    rule: v.rule,
    ...(typeof v.label === 'string' ? { label: v.label } : {}),
    line: typeof v.line === 'number' ? v.line : index + 1,
    verdict: v.verdict as GateRuleReport['verdict'],
    left: jsonNumber(v.left),
    right: jsonNumber(v.right),
    ...(OPS.has(v.op as string) ? { op: v.op as GateRuleReport['op'] } : {}),
    ...(typeof v.reason === 'string' ? { reason: v.reason } : {}),
    comparisons,
  };
}

/** A metric-gate report (the `report` output or a ledger entry's `report`), checked field by field. */
export function toGateReport(v: unknown): GateReport | undefined {
  const o = parseMaybeJson(v);
  if (!isObj(o) || !Array.isArray(o.rules)) return undefined;
  const rules = o.rules.map(toRuleReport).filter((r): r is GateRuleReport => r !== undefined);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of rules) counts[r.verdict]++;
  const source = isObj(o.source) ? o.source : {};
  const settings = isObj(o.settings) ? o.settings : {};
  const b = isObj(o.baseline) ? o.baseline : undefined;
  const passed = typeof o.passed === 'boolean' ? o.passed : counts.failed === 0;
  return {
    version: 1,
    passed,
    enforced: typeof o.enforced === 'boolean' ? o.enforced : true,
    counts,
    source: { kind: str(source.kind) ?? 'unknown', description: str(source.description) ?? '' },
    ...(b
      ? {
          baseline: {
            spec: str(b.spec) ?? '',
            found: b.found === true,
            ...(str(b.description) ? { description: str(b.description) } : {}),
            ...(str(b.reason) ? { reason: str(b.reason) } : {}),
            ...(isObj(b.metrics) ? { metrics: toSummaries(b.metrics) } : {}),
          },
        }
      : {}),
    settings: {
      missingMetric: settings.missingMetric === 'skip' ? 'skip' : 'fail',
      requireBaseline: settings.requireBaseline === true,
      failOnViolation: settings.failOnViolation !== false,
    },
    rules,
    metrics: toSummaries(o.metrics),
  };
}

/** Histories as stored (`name → [step, value][]`), checked; points with no usable number dropped. */
export function toHistories(v: unknown): ReportGate['histories'] {
  if (!isObj(v)) return undefined;
  const out: NonNullable<ReportGate['histories']> = {};
  for (const [name, points] of Object.entries(v)) {
    if (!Array.isArray(points)) continue;
    const h: Array<{ step: number; value: number }> = [];
    for (const p of points) {
      const step = Array.isArray(p) ? jsonNumber(p[0]) : isObj(p) ? jsonNumber(p.step) : undefined;
      const value = Array.isArray(p) ? jsonNumber(p[1]) : isObj(p) ? jsonNumber(p.value) : undefined;
      if (step === undefined || value === undefined || !Number.isFinite(step)) continue;
      h.push({ step, value });
    }
    if (h.length > 0) out[name] = h;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function toReportGate(v: unknown): ReportGate | undefined {
  const o = parseMaybeJson(v);
  if (!isObj(o)) return undefined;
  const outer = unwrapOutputs(o);
  // a ledger entry or `{ passed, report, histories }`, or the report itself
  const report = toGateReport(outer.report ?? outer);
  if (!report) return undefined;
  const passed = bool(outer.passed) ?? report.passed;
  const inner = parseMaybeJson(outer.report);
  return {
    passed,
    source: pick(outer, 'source') ?? (report.source.description || undefined),
    baseline: pick(outer, 'baseline') ?? report.baseline?.description,
    report,
    histories: toHistories(outer.histories ?? (isObj(inner) ? inner.histories : undefined)),
  };
}

export function toReportModel(v: unknown): ReportModel | undefined {
  if (!isObj(v)) return undefined;
  const o = unwrapOutputs(v);
  const name = pick(o, 'name', 'model-name', 'modelName');
  const version = pick(o, 'version', 'model-version', 'modelVersion');
  if (!name || !version) return undefined;
  return {
    name,
    version,
    id: pick(o, 'id', 'model-id', 'modelId', 'asset-id', 'assetId'),
    created: bool(o.created),
    studioUrl: pick(o, 'studioUrl', 'studio-url'),
  };
}

function isTimeline(v: unknown): v is RolloutTimeline {
  return isObj(v) && typeof v.deployment === 'string' && Array.isArray(v.stages) && typeof v.phase === 'string';
}

/** A rollout timeline as deploy writes it, checked: stages and events without the right shape are dropped. */
export function toTimeline(v: unknown): RolloutTimeline | undefined {
  const o = parseMaybeJson(v);
  if (!isTimeline(o)) return undefined;
  const stages = o.stages.filter((s) => isObj(s) && typeof s.name === 'string' && typeof s.weight === 'number');
  const events = (Array.isArray(o.events) ? o.events : []).filter((e) => isObj(e) && typeof e.message === 'string');
  return {
    ...o,
    stages: stages.map((s) => ({
      ...s,
      traffic: isObj(s.traffic) ? s.traffic : {},
      mirror: isObj(s.mirror) ? s.mirror : {},
      checks: Array.isArray(s.checks) ? s.checks.filter(isObj) : [],
    })),
    events,
  };
}

export function toReportRollout(v: unknown): ReportRollout | undefined {
  const o0 = parseMaybeJson(v);
  if (!isObj(o0)) return undefined;
  const o = unwrapOutputs(o0);
  const timeline = toTimeline(o.timeline) ?? toTimeline(o);
  const deployment = pick(o, 'deployment', 'deployment-name', 'deploymentName') ?? timeline?.deployment;
  if (!deployment) return undefined;
  const status = pick(o, 'outcome', 'status') ?? timeline?.outcome ?? (timeline ? timeline.phase : undefined) ?? 'unknown';
  const batch = toBatchRecord(o.batch) ?? batchFromOutputs(o);
  return { endpoint: pick(o, 'endpoint', 'endpoint-name', 'endpointName'), deployment, status, timeline, ...(batch ? { batch } : {}) };
}

/** deploy's outputs of a batch rollout (`timeline` of kind batch, `default-deployment`, `test-job`, `comparison`) as a record. */
function batchFromOutputs(o: Obj): BatchRolloutRecord | undefined {
  const t = parseMaybeJson(o.timeline);
  if (!isObj(t) || t.kind !== 'batch') return undefined;
  const comparison = parseMaybeJson(o.comparison);
  const record = toBatchRecord({ stages: t.stages, ...(isObj(comparison) ? { comparison } : {}) });
  if (!record) return undefined;
  const dflt = pick(o, 'default-deployment', 'defaultDeployment');
  const job = pick(o, 'test-job', 'testJob');
  const output = pick(o, 'test-output', 'testOutput');
  return { ...record, ...(dflt ? { defaultDeployment: dflt } : {}), ...(job ? { testJob: job } : {}), ...(output ? { testOutput: output } : {}) };
}

/** A batch rollout's record as deploy writes it in the ledger, checked: stages without a name and result are dropped. */
function toBatchRecord(v: unknown): BatchRolloutRecord | undefined {
  if (!isObj(v) || !Array.isArray(v.stages)) return undefined;
  const stages = v.stages.filter((st): st is BatchRolloutRecord['stages'][number] => isObj(st) && typeof st.name === 'string' && typeof st.result === 'string');
  const c = v.comparison;
  const comparison =
    isObj(c) && typeof c.rows === 'number' && typeof c.baselineRows === 'number' && typeof c.matched === 'number' && Array.isArray(c.rules)
      ? (c as unknown as NonNullable<BatchRolloutRecord['comparison']>)
      : undefined;
  return { ...(v as unknown as BatchRolloutRecord), stages, ...(comparison ? { comparison } : { comparison: undefined }) };
}

// ---------------------------------------------------------------------------------------------
// Inputs and the ledger

const INPUT_SHAPES: Record<ReportInputName, { convert: (v: unknown) => unknown; expected: string }> = {
  jobs: {
    convert: toReportJob,
    expected: `submit-job's outputs, e.g. {"job-name": "...", "status": "Completed", "studio-url": "https://..."}`,
  },
  'gate-reports': {
    convert: toReportGate,
    expected: `metric-gate's 'report' output (an object with 'rules' and 'metrics'), or {"passed": ..., "report": ...}`,
  },
  models: {
    convert: toReportModel,
    expected: `register-model's outputs, e.g. {"model-name": "...", "model-version": "3", "studio-url": "https://..."}`,
  },
  rollouts: {
    convert: toReportRollout,
    expected: `deploy's outputs, e.g. {"endpoint": "...", "deployment": "...", "status": "promoted", "timeline": {...}}, or the timeline itself`,
  },
};

/**
 * Items of a JSON input: one item or an array of them (a JSON string item is parsed first). An
 * item that does not fit is a {@link ConfigurationError} naming the input, the item and the shape
 * expected.
 */
export function parseReportInput<T>(name: ReportInputName, value: unknown): T[] {
  if (value === undefined || value === null) return [];
  const shape = INPUT_SHAPES[name];
  const list = Array.isArray(value) ? value : [value];
  return list.map((raw, i) => {
    const item = shape.convert(parseMaybeJson(raw)) as T | undefined;
    if (item === undefined) {
      const where = Array.isArray(value) ? ` item ${i + 1}` : '';
      throw new ConfigurationError(
        `Input '${name}'${where} is not a ${name === 'gate-reports' ? 'gate report' : name.replace(/s$/, '')} this action can read.`,
        {
          input: name,
          hint: `Expected ${shape.expected}, or an array of them.`,
        },
      );
    }
    return item;
  });
}

/** Items from the inputs, already read with {@link parseReportInput}. */
export interface ReportInputs {
  jobs?: ReportJob[];
  gates?: ReportGate[];
  models?: ReportModel[];
  rollouts?: ReportRollout[];
}

/**
 * The report's data: the ledger's entries (in the order they were written), then the inputs'
 * items. The same job, model version or rollout seen twice is shown once, with the later record
 * winning (a job is recorded when submitted and again when it ends).
 */
export function collectReportData(ledger: LedgerEntry[], inputs: ReportInputs = {}): ReportData {
  const jobs: ReportJob[] = [];
  const gates: ReportGate[] = [];
  const models: ReportModel[] = [];
  const rollouts: ReportRollout[] = [];
  const schedules: ReportSchedule[] = [];
  for (const entry of ledger) {
    switch (entry.kind) {
      case 'schedule': {
        const sc = toReportSchedule(entry);
        if (sc) schedules.push(sc);
        break;
      }
      case 'job': {
        const j = toReportJob(entry);
        if (j) jobs.push(j);
        break;
      }
      case 'gate': {
        const g = toReportGate(entry);
        if (g) gates.push(g);
        break;
      }
      case 'model': {
        const m = toReportModel(entry);
        if (m) models.push(m);
        break;
      }
      case 'rollout': {
        const r = toReportRollout(entry);
        if (r) rollouts.push(r);
        break;
      }
      case 'monitor': {
        const r = [...rollouts].reverse().find((x) => x.deployment === entry.deployment && (x.endpoint ?? entry.endpoint) === entry.endpoint);
        if (r && typeof entry.name === 'string')
          r.monitor = {
            name: entry.name,
            signals: Array.isArray(entry.signals) ? entry.signals.map(String) : [],
            created: entry.created === true,
            previousDeployment: entry.previousDeployment,
          };
        break;
      }
      default:
        // an entry kind from a newer version of the suite: not shown
        break;
    }
  }
  jobs.push(...(inputs.jobs ?? []));
  gates.push(...(inputs.gates ?? []));
  models.push(...(inputs.models ?? []));
  rollouts.push(...(inputs.rollouts ?? []));
  return {
    jobs: dedupe(
      jobs,
      (j) => j.name,
      (a, b) => ({ ...a, ...dropUndefined(b) }),
    ),
    gates: dedupe(gates, (g) => JSON.stringify([g.report.source, g.report.rules.map((r) => [r.rule, r.verdict, r.left]), g.passed])),
    models: dedupe(
      models,
      (m) => `${m.name}:${m.version}`,
      (a, b) => ({ ...a, ...dropUndefined(b) }),
    ),
    rollouts: dedupe(rollouts, (r) => `${r.endpoint ?? ''}/${r.deployment}/${r.timeline?.startedAt ?? ''}`),
    schedules: dedupe(
      schedules,
      (sc) => sc.name,
      (_a, b) => b,
    ),
  };
}

export function isEmptyReport(d: ReportData): boolean {
  return d.jobs.length + d.gates.length + d.models.length + d.rollouts.length + (d.schedules?.length ?? 0) === 0;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Keeps the first position of each key, with the records merged (default: the later one wins). */
function dedupe<T>(items: T[], key: (t: T) => string, merge: (a: T, b: T) => T = (_a, b) => b): T[] {
  const index = new Map<string, number>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(item);
    } else {
      out[at] = merge(out[at], item);
    }
  }
  return out;
}
