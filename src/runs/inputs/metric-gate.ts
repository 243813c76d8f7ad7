/** The only reader of metric-gate's own inputs (the connection inputs: src/azure/context.ts). */
import * as core from '@actions/core';
import { parseBaselineSpec, type BaselineSpec, type MlflowBaselineServer } from '../../metrics/baseline.js';
import type { MlflowAuth } from '../../metrics/mlflow.js';
import { resolveMlflowServer } from '../../metrics/mlflow-platforms.js';
import { metricsOf, parseRules, RuleSyntaxError, type Rule } from '../../metrics/rules.js';
import { ConfigurationError } from '../../core/errors.js';
import type { InputReader } from '../../core/inputs.js';

export type GateSourceSettings =
  | { kind: 'job'; jobName: string; child?: string }
  | { kind: 'mlflow'; trackingUri: string; runId: string; auth: MlflowAuth; trackingUriFrom: 'input' | 'MLFLOW_TRACKING_URI' }
  | { kind: 'file'; path: string }
  | { kind: 'monitor'; monitor: string };

export interface MetricGateSettings {
  source: GateSourceSettings;
  rules: Rule[];
  baseline?: BaselineSpec;
  requireBaseline: boolean;
  missingMetric: 'fail' | 'skip';
  failOnViolation: boolean;
}

export interface ReadMetricGateOptions {
  env?: Record<string, string | undefined>;
  /** Masks secrets taken from the environment (inputs are masked by the reader). Default core.setSecret. */
  setSecret?: (secret: string) => void;
}

const SOURCES_HINT =
  "Give one of: job-name (an Azure ML job), mlflow-tracking-uri with run-id (any MLflow server), metrics-file (a JSON or CSV file, or an MLflow metrics folder), or source: monitor:<name> (a model monitor's latest results; also job:<name>, file:<path>).";

/** `source`: `monitor:<name>`, or `job:<name>` / `file:<path>` (the same as job-name / metrics-file, written as baseline writes them). */
function parseSource(text: string): GateSourceSettings {
  const m = /^(monitor|job|file):(.+)$/.exec(text.trim());
  const rest = m?.[2].trim();
  if (!m || !rest) {
    throw new ConfigurationError(`Input 'source': '${text}' is not a metric source`, {
      input: 'source',
      hint: 'write monitor:<name>, job:<name> or file:<path>',
    });
  }
  if (m[1] === 'monitor') {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(rest))
      throw new ConfigurationError(`Input 'source': '${rest}' is not a monitor name`, {
        input: 'source',
        hint: "a schedule name: letters, digits, '-' and '_'",
      });
    return { kind: 'monitor', monitor: rest };
  }
  return m[1] === 'job' ? { kind: 'job', jobName: rest } : { kind: 'file', path: rest };
}

/** Parses the `rules` input; a syntax error names the line and column and shows where. */
export function readRules(text: string, input = 'rules'): Rule[] {
  let rules: Rule[];
  try {
    rules = parseRules(text);
  } catch (error) {
    if (error instanceof RuleSyntaxError) {
      const lines = text.split(/\r?\n/);
      const raw = lines[error.line - 1] ?? '';
      const indent = raw.length - raw.trimStart().length;
      const shown = raw.trim();
      const caret = ' '.repeat(Math.max(0, error.column - 1 - indent)) + '^';
      throw new ConfigurationError(`Input '${input}', line ${error.line}, column ${error.column}: ${error.message}\n    ${shown}\n    ${caret}`, {
        input,
        line: error.line,
        column: error.column,
        hint: 'One rule per line, e.g. accuracy >= 0.9, val_loss <= baseline.val_loss * 1.02 or max(auc) >= 0.8 # label; quote unusual names with backticks.',
        cause: error,
      });
    }
    throw error;
  }
  if (rules.length === 0) {
    throw new ConfigurationError(`Input '${input}' holds no rule.`, { input, hint: 'Write one rule per line, e.g. accuracy >= 0.9.' });
  }
  return rules;
}

export function readMetricGateInputs(reader: InputReader, options: ReadMetricGateOptions = {}): MetricGateSettings {
  const env = options.env ?? process.env;
  const setSecret = options.setSecret ?? ((s: string) => core.setSecret(s));
  const jobName = reader.optional('job-name');
  const child = reader.optional('child');
  const trackingUriInput = reader.optional('mlflow-tracking-uri');
  const runId = reader.optional('run-id');
  const metricsFile = reader.optional('metrics-file');
  const token = reader.secret('mlflow-token');
  const username = reader.optional('mlflow-username');
  const password = reader.secret('mlflow-password');

  const sourceText = reader.optional('source');
  const given = [
    sourceText !== undefined ? 'source' : undefined,
    jobName !== undefined ? 'job-name' : undefined,
    trackingUriInput !== undefined || runId !== undefined ? (trackingUriInput !== undefined ? 'mlflow-tracking-uri' : 'run-id') : undefined,
    metricsFile !== undefined ? 'metrics-file' : undefined,
  ].filter((g): g is string => g !== undefined);
  if (given.length === 0) throw new ConfigurationError('No metric source is given.', { hint: SOURCES_HINT });
  if (given.length > 1) {
    throw new ConfigurationError(`Give only one metric source; got ${given.join(' and ')}.`, { input: given[1], hint: SOURCES_HINT });
  }
  const parsed = sourceText !== undefined ? parseSource(sourceText) : undefined;
  if (child !== undefined && jobName === undefined && parsed?.kind !== 'job') {
    throw new ConfigurationError("Input 'child' selects a step or trial of the job named by job-name, which is not given.", { input: 'child' });
  }

  let source: GateSourceSettings;
  if (parsed !== undefined) {
    source = parsed.kind === 'job' ? { ...parsed, child } : parsed;
  } else if (jobName !== undefined) {
    source = { kind: 'job', jobName, child };
  } else if (metricsFile !== undefined) {
    source = { kind: 'file', path: metricsFile };
  } else {
    const fromEnv = env.MLFLOW_TRACKING_URI?.trim() || undefined;
    const trackingUri = trackingUriInput ?? fromEnv;
    if (trackingUri === undefined) {
      throw new ConfigurationError("Input 'run-id' needs the MLflow server: give mlflow-tracking-uri (or set MLFLOW_TRACKING_URI).", {
        input: 'mlflow-tracking-uri',
      });
    }
    if (runId === undefined) {
      throw new ConfigurationError("Input 'mlflow-tracking-uri' needs 'run-id': the id of the MLflow run to gate.", { input: 'run-id' });
    }
    const trackingUriFrom = trackingUriInput !== undefined ? 'input' : 'MLFLOW_TRACKING_URI';
    // Databricks (PAT or OAuth M2M) and SageMaker (SigV4) are recognised from the URI itself.
    const server = resolveMlflowServer(trackingUri, { token, username, password }, env, {
      input: trackingUriFrom === 'input' ? 'mlflow-tracking-uri' : undefined,
      mask: setSecret,
    });
    for (const secret of server.secrets) setSecret(secret);
    source = { kind: 'mlflow', trackingUri: server.trackingUri, runId, auth: server.auth, trackingUriFrom };
  }

  const rules = readRules(reader.required('rules'));
  const baselineText = reader.optional('baseline');
  if (baselineText === undefined) {
    const user = rules.find((r) => metricsOf(r.expr).some((m) => m.baseline));
    if (user) {
      throw new ConfigurationError(`The rule on line ${user.line} of 'rules' (${user.text}) reads baseline metrics, but no baseline is given.`, {
        input: 'baseline',
        hint: 'Set baseline to model:<name>:<version|latest|@alias>, job:<name> or file:<path>.',
      });
    }
  }
  const baseline = baselineText !== undefined ? parseBaselineSpec(baselineText) : undefined;
  const baselineUri = reader.optional('baseline-tracking-uri');
  const baselineToken = reader.secret('baseline-mlflow-token');
  if (baseline?.kind === 'mlflow-model') {
    baseline.server = baselineServer(baselineUri, baselineToken, source, env, setSecret);
  } else if (baselineUri !== undefined || baselineToken !== undefined) {
    throw new ConfigurationError(
      `Input '${baselineUri !== undefined ? 'baseline-tracking-uri' : 'baseline-mlflow-token'}' is for an mlflow-model: baseline${baseline ? `, not '${baseline.text}'` : ', and no baseline is given'}.`,
      {
        input: baselineUri !== undefined ? 'baseline-tracking-uri' : 'baseline-mlflow-token',
        hint: 'Set baseline to mlflow-model:<name>@<alias> or mlflow-model:<name>/<version>, or remove it.',
      },
    );
  }
  return {
    source,
    rules,
    baseline,
    requireBaseline: reader.boolean('require-baseline', false),
    missingMetric: reader.choice('missing-metric', ['fail', 'skip'] as const, 'fail'),
    failOnViolation: reader.boolean('fail-on-violation', true),
  };
}

/**
 * The MLflow server of an `mlflow-model:` baseline: baseline-tracking-uri (its credentials from
 * baseline-mlflow-token or the environment, as for mlflow-tracking-uri), else the server of the
 * gated MLflow run (same credentials), else MLFLOW_TRACKING_URI.
 */
function baselineServer(
  uri: string | undefined,
  token: string | undefined,
  source: GateSourceSettings,
  env: Record<string, string | undefined>,
  setSecret: (s: string) => void,
): MlflowBaselineServer {
  const resolve = (trackingUri: string, input: string | undefined): MlflowBaselineServer => {
    if (/^azureml:/i.test(trackingUri.trim())) {
      throw new ConfigurationError('An mlflow-model: baseline cannot be read from an Azure ML workspace tracking URI.', {
        input,
        hint: 'For a model registered in the workspace, write model:<name>:@<alias> or model:<name>:<version>.',
      });
    }
    const server = resolveMlflowServer(trackingUri, { token }, env, { input, tokenInput: 'baseline-mlflow-token', mask: setSecret });
    for (const secret of server.secrets) setSecret(secret);
    return { trackingUri: server.trackingUri, auth: server.auth, input };
  };
  if (uri !== undefined) return resolve(uri, 'baseline-tracking-uri');
  if (token !== undefined) {
    throw new ConfigurationError("Input 'baseline-mlflow-token' needs baseline-tracking-uri (the gated run's server uses its own credentials).", {
      input: 'baseline-tracking-uri',
    });
  }
  if (source.kind === 'mlflow') {
    if (/^azureml:/i.test(source.trackingUri)) return resolve(source.trackingUri, 'mlflow-tracking-uri');
    return { trackingUri: source.trackingUri, auth: source.auth, input: source.trackingUriFrom === 'input' ? 'mlflow-tracking-uri' : undefined };
  }
  const fromEnv = env.MLFLOW_TRACKING_URI?.trim();
  if (fromEnv) return resolve(fromEnv, undefined);
  throw new ConfigurationError('The mlflow-model: baseline needs the MLflow server its model is registered on.', {
    input: 'baseline-tracking-uri',
    hint: 'Give baseline-tracking-uri (e.g. databricks, https://mlflow.example.com or a SageMaker tracking server ARN), or set MLFLOW_TRACKING_URI.',
  });
}
