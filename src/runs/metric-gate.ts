/**
 * metric-gate: reads the inputs, reads the run's metrics (and the baseline's), evaluates the
 * rules, and reports: outputs `passed`, `report`, `metrics`; the verdict table in the job
 * summary; an `::error` per failed rule (a warning when `fail-on-violation` is false); a ledger
 * entry. The step fails when a rule fails and `fail-on-violation` is true.
 */
import { createAzureContext, readAzureInputs, type AzureContextDeps } from '../azure/context.js';
import { ConfigurationError, errorLocation, isUserError } from '../core/errors.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import { readMetricGateInputs, type MetricGateSettings } from './inputs/metric-gate.js';
import type { InputReader } from '../core/inputs.js';
import type { ActionIO, ActionLog } from '../core/io.js';
import { appendLedger } from '../core/ledger.js';
import { compactHistories } from '../report/chart.js';
import { directionsFromRules } from '../report/metrics-table.js';
import { createAzureMlJobSource, createWorkspaceMlflowClient, type AzureMlConnection, type AzureMlJobSource } from '../metrics/azureml.js';
import { resolveBaseline, type BaselineResolution } from '../metrics/baseline.js';
import { evaluateRules, type MetricSet } from '../metrics/evaluate.js';
import { createFileSource } from '../metrics/file.js';
import { createMonitorSource } from '../metrics/monitor.js';
import { createMlflowClient, createMlflowRunSource, type MlflowClientOptions } from '../metrics/mlflow.js';
import { buildGateReport, explainRule, formatValue, lastValues, renderGateSummary, toJson, type GateReport } from '../metrics/report.js';
import { metricsOf } from '../metrics/rules.js';
import { closestNames, nameListForMessage, quoteList, type MetricSource } from '../metrics/source.js';

export interface MetricGateDeps {
  reader: InputReader;
  io: ActionIO;
  env?: Record<string, string | undefined>;
  abortSignal?: AbortSignal;
  /** Tracking-client settings (page size, concurrency, retries). */
  mlflow?: Pick<MlflowClientOptions, 'concurrency' | 'historyPageSize' | 'retry'>;
  /** Test hooks for the Azure connection (credential, retry timings). */
  azure?: AzureContextDeps;
  now?: () => number;
}

/** The gate's verdict when rules failed and `fail-on-violation` is true. */
export class GateFailedError extends Error {
  override readonly name = 'GateFailedError';
  constructor(
    message: string,
    readonly report: GateReport,
  ) {
    super(message);
  }
}

export interface GateOutcome {
  passed: boolean;
  report: GateReport;
  metrics: MetricSet;
  baseline?: MetricSet;
}

const WORKSPACE_INPUTS = ['subscription-id', 'resource-group', 'workspace-name'];

type Env = Record<string, string | undefined>;
type Connect = (purpose: string) => Promise<AzureMlConnection>;
type MlflowOptions = MetricGateDeps['mlflow'] & { abortSignal?: AbortSignal };

interface RunMetrics {
  source: MetricSource;
  metrics: MetricSet;
  reads: GateReport['reads'];
}

interface Baseline {
  resolution?: BaselineResolution;
  metrics?: MetricSet;
  names: string[];
}

export async function metricGateMain(deps: MetricGateDeps): Promise<GateOutcome> {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings = readMetricGateInputs(deps.reader, { env, setSecret: (s) => io.setSecret(s) });
  const mlflow = { ...deps.mlflow, abortSignal: deps.abortSignal };
  const azure = workspaceConnection(deps, env);

  const runMetrics = await readRunMetrics(settings, run.workspace, azure, mlflow, io, deps.now ?? Date.now);
  const baseline = await readBaseline(settings, run.workspace, azure, mlflow, io);
  const report = judge(settings, runMetrics, baseline);
  logVerdicts(report, settings.failOnViolation, io);
  await publish(report, runMetrics, baseline, io, env);
  return conclude(report, settings.failOnViolation, runMetrics.metrics, baseline.metrics, io);
}

/** The Azure ML workspace, connected once on first use (a file or MLflow gate may never need it). */
function workspaceConnection(deps: MetricGateDeps, env: Env): Connect {
  let connection: Promise<AzureMlConnection> | undefined;
  return (purpose) =>
    (connection ??= (async () => {
      const s = await readAzureInputs(deps.reader, { env });
      const ctx = await createAzureContext(s, { actionName: 'metric-gate', info: (m) => deps.io.info(m), ...deps.azure });
      return { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
    })()).catch((error: unknown) => {
      const input = errorLocation(error).input;
      if (isUserError(error) && input && WORKSPACE_INPUTS.includes(input)) {
        throw new ConfigurationError(`${purpose} needs the Azure ML workspace: ${(error as Error).message}`, {
          input,
          hint: errorLocation(error).hint,
          cause: error,
        });
      }
      throw error;
    });
}

/** Phase 1: the run's metrics, listed in a log group. */
async function readRunMetrics(
  settings: MetricGateSettings,
  workspace: string,
  azure: Connect,
  mlflow: MlflowOptions,
  io: ActionIO,
  now: () => number,
): Promise<RunMetrics> {
  const source = await createSource(settings, workspace, azure, mlflow, io);
  const started = now();
  const metrics = await source.fetch();
  const stats = source.stats();
  const readMs = now() - started;
  await io.group(`Metrics of ${source.description}: ${metrics.size}`, async () => {
    for (const [name, h] of [...metrics].sort(([a], [b]) => a.localeCompare(b))) {
      const last = h[h.length - 1];
      io.info(
        h.length === 0 ? `${name}: no values` : `${name}: ${formatValue(last.value)} at step ${last.step} (${h.length} value${h.length === 1 ? '' : 's'})`,
      );
    }
  });
  io.info(
    `Read ${stats.histories} metric histor${stats.histories === 1 ? 'y' : 'ies'} (${stats.points.toLocaleString('en-US')} values) ` +
      `of ${source.description} with ${stats.requests} ${source.kind === 'file' ? 'file read' : 'request'}${stats.requests === 1 ? '' : 's'} in ${(readMs / 1000).toFixed(2)} s`,
  );
  return { source, metrics, reads: { requests: stats.requests, histories: stats.histories, points: stats.points, durationMs: readMs } };
}

/** Phase 2: the baseline (the champion), when the inputs name one. */
async function readBaseline(settings: MetricGateSettings, workspace: string, azure: Connect, mlflow: MlflowOptions, log: ActionLog): Promise<Baseline> {
  if (!settings.baseline) return { names: [] };
  const ruleNames = [...new Set(settings.rules.flatMap((r) => metricsOf(r.expr).map((m) => m.name)))];
  const spec = settings.baseline;
  const resolution = await resolveBaseline(spec, {
    azure: () => azure(`The baseline '${spec.text}'`),
    workspace,
    child: settings.source.kind === 'job' ? settings.source.child : undefined,
    mlflow,
    info: (m) => log.info(m),
    warning: (m) => log.warning(m),
  });
  if (!resolution.found) {
    log.info(
      `No baseline yet: ${resolution.reason}. ${settings.requireBaseline ? 'require-baseline is true: rules that read baseline metrics fail.' : 'Rules that read baseline metrics are skipped.'}`,
    );
    return { resolution, names: [] };
  }
  const metrics = await resolution.source.fetch(ruleNames);
  const names = await resolution.source.names();
  log.info(`Baseline: ${resolution.description} (${metrics.size} of the rules' metrics)`);
  return { resolution, metrics, names };
}

/** Phase 3: the rules evaluated over the run's and the baseline's metrics. */
function judge(settings: MetricGateSettings, run: RunMetrics, baseline: Baseline): GateReport {
  const { source, metrics } = run;
  const runNames = [...metrics.keys()];
  const { results } = evaluateRules(settings.rules, metrics, {
    baseline: baseline.metrics,
    missingMetric: settings.missingMetric,
    requireBaseline: settings.requireBaseline,
    missingHint: (name, isBaseline) => {
      const pool = isBaseline ? baseline.names : runNames;
      const near = closestNames(name, pool);
      if (near.length > 0) return `did you mean ${quoteList(near)}?`;
      return pool.length > 0 ? `its metrics: ${nameListForMessage(pool, 10)}` : 'it has no metrics';
    },
  });
  const b = baseline.resolution;
  return buildGateReport({
    rules: settings.rules,
    results,
    metrics,
    source: { kind: source.kind, description: source.description, ...('details' in source ? { details: (source as AzureMlJobSource).details } : {}) },
    baseline: b
      ? b.found
        ? { spec: b.spec.text, found: true, description: b.description, metrics: baseline.metrics }
        : { spec: b.spec.text, found: false, reason: b.reason }
      : undefined,
    settings: { missingMetric: settings.missingMetric, requireBaseline: settings.requireBaseline, failOnViolation: settings.failOnViolation },
    reads: run.reads,
  });
}

/** One log line per rule, and an annotation per failed rule (an error, or a warning when violations do not fail). */
function logVerdicts(report: GateReport, failOnViolation: boolean, log: ActionLog): void {
  for (const r of report.rules) {
    const mark = r.verdict === 'passed' ? '✅' : r.verdict === 'failed' ? '❌' : '⏭️';
    const why = explainRule(r) || r.reason || '';
    log.info(`${mark} ${r.verdict.padEnd(7)} line ${r.line}: ${r.rule}${r.label ? ` # ${r.label}` : ''}${why ? ` — ${why}` : ''}`);
  }
  for (const r of report.rules.filter((x) => x.verdict === 'failed')) {
    const message = `Gate rule failed: ${r.rule} — ${explainRule(r) || r.reason || 'false'}`;
    const properties = { title: r.label ?? r.rule };
    if (failOnViolation) log.error(message, properties);
    else log.warning(message, properties);
  }
}

/** Phase 4: outputs, the job summary, the ledger entry pr-summary reads. */
async function publish(report: GateReport, run: RunMetrics, baseline: Baseline, io: ActionIO, env: Env): Promise<void> {
  io.setOutput('passed', String(report.passed));
  io.setOutput('report', toJson(report));
  io.setOutput('metrics', toJson(lastValues(run.metrics)));
  await io.appendSummary(renderGateSummary(report)).catch((e: unknown) => io.warning(`Could not write the job summary: ${(e as Error).message}`));
  const b = baseline.resolution;
  appendLedger(
    {
      kind: 'gate',
      action: 'metric-gate',
      passed: report.passed,
      source: run.source.description,
      ...(b ? { baseline: b.found ? b.description : `${b.spec.text} (none yet)` } : {}),
      report,
      histories: compactHistories(run.metrics, { prefer: [...directionsFromRules(report.rules).keys()] }),
    },
    env,
  );
  io.debug(`metric-gate: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
}

/** Phase 5: the verdict — the step fails when a rule failed and violations fail it. */
function conclude(report: GateReport, failOnViolation: boolean, metrics: MetricSet, baseline: MetricSet | undefined, log: ActionLog): GateOutcome {
  const { counts, passed } = report;
  const summary = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  if (passed) {
    log.info(`Metric gate passed (${summary}).`);
  } else if (failOnViolation) {
    const failed = report.rules.filter((r) => r.verdict === 'failed').map((r) => r.label ?? r.rule);
    throw new GateFailedError(`The metric gate failed: ${counts.failed} of ${report.rules.length} rule(s) failed (${failed.join('; ')}).`, report);
  } else {
    log.warning(`The metric gate failed (${summary}), but fail-on-violation is false: the step passes.`);
  }
  return { passed, report, metrics, baseline };
}

async function createSource(
  settings: MetricGateSettings,
  workspace: string,
  azure: (purpose: string) => Promise<AzureMlConnection>,
  mlflow: MlflowOptions,
  log: ActionLog,
): Promise<MetricSource> {
  const s = settings.source;
  switch (s.kind) {
    case 'job': {
      const source = await createAzureMlJobSource({
        ...(await azure(`job-name '${s.jobName}'`)),
        jobName: s.jobName,
        child: s.child,
        mlflow,
        info: (m) => log.info(m),
        warning: (m) => log.warning(m),
      });
      const d = source.details;
      log.info(`Job ${d.jobName} (${d.jobType}, ${d.status ?? 'status unknown'})${d.selected ? `: ${d.selected.reason} → run ${d.selected.runId}` : ''}`);
      if (d.steps) log.info(`Steps: ${Object.keys(d.steps).join(', ') || 'none'} (metrics named <step>.<metric>)`);
      return source;
    }
    case 'mlflow': {
      const input = s.trackingUriFrom === 'input' ? 'mlflow-tracking-uri' : undefined;
      const client = /^azureml:\/\//i.test(s.trackingUri)
        ? createWorkspaceMlflowClient(await azure(`The tracking URI '${s.trackingUri}'`), s.trackingUri, { ...mlflow, input })
        : createMlflowClient({ ...mlflow, trackingUri: s.trackingUri, auth: s.auth, input });
      const source = createMlflowRunSource(client, s.runId, { kind: 'mlflow' });
      const r = await source.run();
      log.info(
        `MLflow run ${r.info.run_id}${r.info.run_name ? ` (${r.info.run_name})` : ''} at ${client.trackingUri}: ${r.info.status ?? 'status unknown'}, ${r.metrics.length} metric(s)`,
      );
      if (r.info.status && r.info.status !== 'FINISHED')
        log.warning(`MLflow run ${r.info.run_id} is ${r.info.status}, not FINISHED: its metrics may be incomplete.`);
      return source;
    }
    case 'file':
      return createFileSource(s.path, { input: 'metrics-file', displayRoot: workspace });
    case 'monitor':
      return monitorSource(s.monitor, azure, mlflow, log);
  }
}

/** `source: monitor:<name>`: the latest finished run of a model monitor, each signal judged. */
async function monitorSource(monitor: string, azure: Connect, mlflow: MlflowOptions, log: ActionLog): Promise<MetricSource> {
  const source = await createMonitorSource({
    ...(await azure(`source 'monitor:${monitor}'`)),
    monitor,
    mlflow,
    info: (m) => log.info(m),
    warning: (m) => log.warning(m),
  });
  const d = source.details;
  log.info(
    `Monitor ${d.monitor}${d.target ? ` of ${d.target.replace(/^.*\/onlineEndpoints\//, '').replace('/deployments/', ':')}` : ''}: run ${d.jobName} at ${d.runTime} (${d.status})`,
  );
  for (const sig of d.signals)
    log.info(
      `Signal ${sig.name}${sig.type ? ` (${sig.type})` : ''}: ${sig.metrics} metric(s), ${sig.passed ? 'passed' : `breached: ${sig.breached.join(', ')}`}`,
    );
  return source;
}
