/**
 * metric-gate: reads the inputs, reads the run's metrics (and the baseline's), evaluates the
 * rules, and reports: outputs `passed`, `report`, `metrics`; the verdict table in the job
 * summary; an `::error` per failed rule (a warning when `fail-on-violation` is false); a ledger
 * entry. The step fails when a rule fails and `fail-on-violation` is true.
 */
import * as core from '@actions/core';
import { createAzureContext, readAzureInputs, type AzureContextDeps } from '../azure/context.js';
import { ConfigurationError, errorLocation, isUserError } from '../core/errors.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import { readMetricGateInputs, type MetricGateSettings } from './inputs/metric-gate.js';
import type { InputReader } from '../core/inputs.js';
import { appendLedger } from '../core/ledger.js';
import { compactHistories } from '../report/chart.js';
import { directionsFromRules } from '../report/metrics-table.js';
import { createAzureMlJobSource, createWorkspaceMlflowClient, type AzureMlConnection, type AzureMlJobSource } from '../metrics/azureml.js';
import { resolveBaseline, type BaselineResolution } from '../metrics/baseline.js';
import { evaluateRules, type MetricSet } from '../metrics/evaluate.js';
import { createFileSource } from '../metrics/file.js';
import { createMlflowClient, createMlflowRunSource, type MlflowClientOptions } from '../metrics/mlflow.js';
import { buildGateReport, explainRule, formatValue, lastValues, renderGateSummary, toJson, type GateReport } from '../metrics/report.js';
import { metricsOf } from '../metrics/rules.js';
import { closestNames, nameListForMessage, quoteList, type MetricSource } from '../metrics/source.js';

/** The slice of `@actions/core` the gate uses (injectable for tests). */
export interface GateLog {
  info(message: string): void;
  warning(message: string, properties?: core.AnnotationProperties): void;
  error(message: string, properties?: core.AnnotationProperties): void;
  debug(message: string): void;
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  writeSummary(html: string): Promise<void>;
}

export const actionsGateLog: GateLog = {
  info: (m) => core.info(m),
  warning: (m, p) => core.warning(m, p),
  error: (m, p) => core.error(m, p),
  debug: (m) => core.debug(m),
  startGroup: (n) => core.startGroup(n),
  endGroup: () => core.endGroup(),
  setOutput: (n, v) => core.setOutput(n, v),
  writeSummary: async (html) => {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(html, true).write();
  },
};

export interface MetricGateDeps {
  reader: InputReader;
  env?: Record<string, string | undefined>;
  log?: GateLog;
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

export async function metricGateMain(deps: MetricGateDeps): Promise<GateOutcome> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? actionsGateLog;
  const now = deps.now ?? Date.now;
  const run = readWorkflowRun(env);
  const settings = readMetricGateInputs(deps.reader, { env });
  const mlflowOptions = { ...deps.mlflow, abortSignal: deps.abortSignal };

  let connection: Promise<AzureMlConnection> | undefined;
  const azure = (purpose: string) =>
    (connection ??= (async () => {
      const s = await readAzureInputs(deps.reader, { env });
      const ctx = await createAzureContext(s, { actionName: 'metric-gate', info: (m) => log.info(m), ...deps.azure });
      return { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
    })()).catch((error: unknown) => {
      const input = errorLocation(error).input;
      if (isUserError(error) && input && WORKSPACE_INPUTS.includes(input)) {
        throw new ConfigurationError(`${purpose} needs the Azure ML workspace: ${(error as Error).message}`, { input, hint: errorLocation(error).hint, cause: error });
      }
      throw error;
    });

  // ---- the run's metrics
  const source = await createSource(settings, run.workspace, azure, mlflowOptions, log);
  const started = now();
  const metrics = await source.fetch();
  const stats = source.stats();
  const readMs = now() - started;
  log.startGroup(`Metrics of ${source.description}: ${metrics.size}`);
  for (const [name, h] of [...metrics].sort(([a], [b]) => a.localeCompare(b))) {
    const last = h[h.length - 1];
    log.info(h.length === 0 ? `${name}: no values` : `${name}: ${formatValue(last.value)} at step ${last.step} (${h.length} value${h.length === 1 ? '' : 's'})`);
  }
  log.endGroup();
  log.info(
    `Read ${stats.histories} metric histor${stats.histories === 1 ? 'y' : 'ies'} (${stats.points.toLocaleString('en-US')} values) ` +
      `of ${source.description} with ${stats.requests} ${source.kind === 'file' ? 'file read' : 'request'}${stats.requests === 1 ? '' : 's'} in ${(readMs / 1000).toFixed(2)} s`,
  );

  // ---- the baseline
  const ruleNames = [...new Set(settings.rules.flatMap((r) => metricsOf(r.expr).map((m) => m.name)))];
  let baseline: BaselineResolution | undefined;
  let baselineMetrics: MetricSet | undefined;
  let baselineNames: string[] = [];
  if (settings.baseline) {
    baseline = await resolveBaseline(settings.baseline, {
      azure: () => azure(`The baseline '${settings.baseline!.text}'`),
      workspace: run.workspace,
      child: settings.source.kind === 'job' ? settings.source.child : undefined,
      mlflow: mlflowOptions,
      info: (m) => log.info(m),
      warning: (m) => log.warning(m),
    });
    if (baseline.found) {
      baselineMetrics = await baseline.source.fetch(ruleNames);
      baselineNames = await baseline.source.names();
      log.info(`Baseline: ${baseline.description} (${baselineMetrics.size} of the rules' metrics)`);
    } else {
      log.info(
        `No baseline yet: ${baseline.reason}. ${settings.requireBaseline ? 'require-baseline is true: rules that read baseline metrics fail.' : 'Rules that read baseline metrics are skipped.'}`,
      );
    }
  }

  // ---- the verdict
  const runNames = [...metrics.keys()];
  const { passed, results } = evaluateRules(settings.rules, metrics, {
    baseline: baselineMetrics,
    missingMetric: settings.missingMetric,
    requireBaseline: settings.requireBaseline,
    missingHint: (name, isBaseline) => {
      const pool = isBaseline ? baselineNames : runNames;
      const near = closestNames(name, pool);
      if (near.length > 0) return `did you mean ${quoteList(near)}?`;
      return pool.length > 0 ? `its metrics: ${nameListForMessage(pool, 10)}` : 'it has no metrics';
    },
  });
  const report = buildGateReport({
    rules: settings.rules,
    results,
    metrics,
    source: { kind: source.kind, description: source.description, ...('details' in source ? { details: (source as AzureMlJobSource).details } : {}) },
    baseline: baseline
      ? baseline.found
        ? { spec: baseline.spec.text, found: true, description: baseline.description, metrics: baselineMetrics }
        : { spec: baseline.spec.text, found: false, reason: baseline.reason }
      : undefined,
    settings: { missingMetric: settings.missingMetric, requireBaseline: settings.requireBaseline, failOnViolation: settings.failOnViolation },
    reads: { requests: stats.requests, histories: stats.histories, points: stats.points, durationMs: readMs },
  });

  for (const r of report.rules) {
    const mark = r.verdict === 'passed' ? '✅' : r.verdict === 'failed' ? '❌' : '⏭️';
    const why = explainRule(r) || r.reason || '';
    log.info(`${mark} ${r.verdict.padEnd(7)} line ${r.line}: ${r.rule}${r.label ? ` # ${r.label}` : ''}${why ? ` — ${why}` : ''}`);
  }
  for (const r of report.rules.filter((x) => x.verdict === 'failed')) {
    const message = `Gate rule failed: ${r.rule} — ${explainRule(r) || r.reason || 'false'}`;
    const properties = { title: r.label ?? r.rule };
    if (settings.failOnViolation) log.error(message, properties);
    else log.warning(message, properties);
  }

  log.setOutput('passed', String(passed));
  log.setOutput('report', toJson(report));
  log.setOutput('metrics', toJson(lastValues(metrics)));
  await log.writeSummary(renderGateSummary(report)).catch((e: unknown) => log.warning(`Could not write the job summary: ${(e as Error).message}`));
  appendLedger(
    {
      kind: 'gate',
      action: 'metric-gate',
      passed,
      source: source.description,
      ...(baseline ? { baseline: baseline.found ? baseline.description : `${baseline.spec.text} (none yet)` } : {}),
      report,
      histories: compactHistories(metrics, { prefer: [...directionsFromRules(report.rules).keys()] }),
    },
    env,
  );
  const rss = process.resourceUsage().maxRSS;
  log.debug(`metric-gate: peak RSS ${(rss / 1024).toFixed(1)} MiB`);

  const { counts } = report;
  const summary = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  if (passed) {
    log.info(`Metric gate passed (${summary}).`);
  } else if (settings.failOnViolation) {
    const failed = report.rules.filter((r) => r.verdict === 'failed').map((r) => r.label ?? r.rule);
    throw new GateFailedError(`The metric gate failed: ${counts.failed} of ${report.rules.length} rule(s) failed (${failed.join('; ')}).`, report);
  } else {
    log.warning(`The metric gate failed (${summary}), but fail-on-violation is false: the step passes.`);
  }
  return { passed, report, metrics, baseline: baselineMetrics };
}

async function createSource(
  settings: MetricGateSettings,
  workspace: string,
  azure: (purpose: string) => Promise<AzureMlConnection>,
  mlflow: MetricGateDeps['mlflow'] & { abortSignal?: AbortSignal },
  log: GateLog,
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
      log.info(`MLflow run ${r.info.run_id}${r.info.run_name ? ` (${r.info.run_name})` : ''} at ${client.trackingUri}: ${r.info.status ?? 'status unknown'}, ${r.metrics.length} metric(s)`);
      if (r.info.status && r.info.status !== 'FINISHED') log.warning(`MLflow run ${r.info.run_id} is ${r.info.status}, not FINISHED: its metrics may be incomplete.`);
      return source;
    }
    case 'file':
      return createFileSource(s.path, { input: 'metrics-file', displayRoot: workspace });
  }
}
