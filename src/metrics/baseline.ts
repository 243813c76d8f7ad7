/**
 * The champion a gate compares against (`baseline` input):
 *
 *   model:<name>:<version>   a registered model version
 *   model:<name>:latest      its latest version
 *   model:<name>:@<alias>    the version holding an alias (tag `alias.<alias>`, else `stage`)
 *   job:<name>               another Azure ML job (a pipeline step is chosen like the gate's `child`)
 *   file:<path>              a metrics file (same formats as metrics-file)
 *   mlflow-model:<name>@<alias>   a version of a model registered on any MLflow server (Databricks,
 *   mlflow-model:<name>/<version> SageMaker, a plain server): the metrics of the run that produced it
 *
 * The MLflow server of `mlflow-model:` is given by the inputs (baseline-tracking-uri, else the
 * gate's own MLflow server) and travels in the spec (`server`).
 *
 * A model version's metrics are its `metric.<name>` tags (written by register-model, see the
 * constants below); a version without them is read through the job that produced it (its
 * `jobName`, else its `azureml.source_job` tag or property).
 *
 * "No baseline yet" (the model has no versions, nobody holds the alias) is a normal outcome: the
 * rules that read `baseline.` are skipped unless `require-baseline` is true. A baseline that is
 * named but does not exist (an unknown job, a missing file, a version that is not there) is a
 * {@link ConfigurationError}.
 */
import { withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import type { MetricPoint, MetricSet } from './evaluate.js';
import { createAzureMlJobSource, type AzureMlConnection, type AzureMlJobSourceOptions } from './azureml.js';
import { createFileSource } from './file.js';
import { createMlflowClient, createMlflowRunSource, decodeMetricValue, type MlflowAuth } from './mlflow.js';
import { createStaticSource, type MetricSource } from './source.js';
import type { ArmObject } from '../azure/workspace-api.js';

/** Tag prefix of the metrics stored on a model version: `metric.accuracy` = `0.93`. */
export const MODEL_METRIC_TAG_PREFIX = 'metric.';
/** Tag (or property) naming the job that produced a model version when `jobName` is not set. */
export const MODEL_SOURCE_JOB_TAG = 'azureml.source_job';
/** Tag prefix marking the holder of an alias: `alias.champion` = `true`. */
export const MODEL_ALIAS_TAG_PREFIX = 'alias.';

/** The tags register-model writes for `metrics` (numbers as MLflow prints them: NaN, Infinity). */
export function modelMetricTags(metrics: Record<string, number>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(metrics)) tags[`${MODEL_METRIC_TAG_PREFIX}${name}`] = String(value);
  return tags;
}

/** The metrics stored in a model version's tags (unparseable values are returned apart). */
export function metricsFromModelTags(tags: Record<string, unknown> | undefined): { metrics: MetricSet; invalid: string[] } {
  const metrics: MetricSet = new Map();
  const invalid: string[] = [];
  for (const [key, raw] of Object.entries(tags ?? {})) {
    if (!key.startsWith(MODEL_METRIC_TAG_PREFIX) || key.length === MODEL_METRIC_TAG_PREFIX.length) continue;
    const value = decodeMetricValue(raw);
    const name = key.slice(MODEL_METRIC_TAG_PREFIX.length);
    if (value === undefined) {
      invalid.push(key);
      continue;
    }
    const point: MetricPoint = { step: 0, value };
    metrics.set(name, [point]);
  }
  return { metrics, invalid };
}

/** The tag key marking the holder of `alias`. */
export function modelAliasTag(alias: string): string {
  return `${MODEL_ALIAS_TAG_PREFIX}${alias}`;
}

export type BaselineSpec =
  | { kind: 'model'; text: string; name: string; selector: { version: string } | { latest: true } | { alias: string } }
  | { kind: 'job'; text: string; name: string }
  | { kind: 'file'; text: string; path: string }
  | { kind: 'mlflow-model'; text: string; name: string; selector: { alias: string } | { version: string }; server?: MlflowBaselineServer };

/** The MLflow server holding an `mlflow-model:` baseline. */
export interface MlflowBaselineServer {
  trackingUri: string;
  auth: MlflowAuth;
  /** The input it came from (errors name it). */
  input?: string;
}

const FORMS = 'model:<name>:<version|latest|@alias>, job:<job name>, file:<path> or mlflow-model:<name>@<alias> / mlflow-model:<name>/<version>';
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function parseBaselineSpec(text: string, input = 'baseline'): BaselineSpec {
  const value = text.trim();
  const fail = (message: string): never => {
    throw new ConfigurationError(`Input '${input}': ${message}`, { input, hint: `Write ${FORMS}.` });
  };
  const colon = value.indexOf(':');
  if (colon < 0) fail(`'${value}' does not say what the baseline is`);
  const kind = value.slice(0, colon).trim().toLowerCase();
  const rest = value.slice(colon + 1).trim();
  switch (kind) {
    case 'model': {
      const sep = rest.lastIndexOf(':');
      if (sep < 0) fail(`'${value}' names no version: write model:${rest}:latest, model:${rest}:<version> or model:${rest}:@<alias>`);
      const name = rest.slice(0, sep).trim();
      const sel = rest.slice(sep + 1).trim();
      if (!ASSET_NAME.test(name)) fail(`'${name}' is not a valid model name`);
      if (sel === '') fail(`'${value}' names no version`);
      if (sel.toLowerCase() === 'latest') return { kind, text: value, name, selector: { latest: true } };
      if (sel.startsWith('@')) {
        const alias = sel.slice(1);
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(alias)) fail(`'${sel}' is not a valid alias`);
        return { kind, text: value, name, selector: { alias } };
      }
      if (!ASSET_NAME.test(sel)) fail(`'${sel}' is not a valid model version`);
      return { kind, text: value, name, selector: { version: sel } };
    }
    case 'job':
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(rest)) fail(`'${rest}' is not a valid job name`);
      return { kind, text: value, name: rest };
    case 'file':
      if (rest === '') fail('file: needs a path');
      return { kind, text: value, path: rest };
    case 'mlflow-model': {
      // MLflow names may hold dots (Unity Catalog: catalog.schema.model), spaces and more: split at the last @ or /.
      const at = rest.lastIndexOf('@');
      const slash = rest.lastIndexOf('/');
      if (at > 0 && at > slash) {
        const name = rest.slice(0, at).trim();
        const alias = rest.slice(at + 1).trim();
        if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(alias)) fail(`'${alias}' is not a valid MLflow alias`);
        return { kind, text: value, name, selector: { alias } };
      }
      if (slash > 0) {
        const name = rest.slice(0, slash).trim();
        const version = rest.slice(slash + 1).trim();
        if (!/^[1-9][0-9]*$/.test(version)) fail(`'${version}' is not an MLflow model version (a number)`);
        return { kind, text: value, name, selector: { version } };
      }
      return fail(`'${value}' names no alias or version: write mlflow-model:${rest || '<name>'}@<alias> or mlflow-model:${rest || '<name>'}/<version>`);
    }
    default:
      return fail(`'${kind}:' is not a kind of baseline`);
  }
}

export type BaselineResolution =
  | {
      found: true;
      spec: BaselineSpec;
      /** e.g. `model iris-classifier:3 (metric tags)`. */
      description: string;
      source: MetricSource;
      /** Resolved version, when the baseline is a model. */
      modelVersion?: string;
      /** The job whose metrics are read, when there is one. */
      jobName?: string;
    }
  | { found: false; spec: BaselineSpec; reason: string };

export interface BaselineDeps {
  /** The workspace connection; created only when a baseline needs it. Absent: no workspace inputs. */
  azure?: () => Promise<AzureMlConnection>;
  /** Folder relative file paths resolve against (the workspace). */
  workspace: string;
  /** The gate's `child`: a pipeline baseline job is read at the same step. */
  child?: string;
  mlflow?: AzureMlJobSourceOptions['mlflow'];
  info?: (message: string) => void;
  warning?: (message: string) => void;
  input?: string;
}

function props(o: ArmObject | undefined): Record<string, unknown> {
  return o?.properties ?? {};
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export async function resolveBaseline(spec: BaselineSpec, deps: BaselineDeps): Promise<BaselineResolution> {
  const input = deps.input ?? 'baseline';
  const warning = deps.warning ?? deps.info ?? (() => undefined);
  if (spec.kind === 'file') {
    const source = createFileSource(spec.path, { input, displayRoot: deps.workspace });
    const file = await source.load(); // fails now, clearly, when the file is missing or malformed
    return { found: true, spec, description: `file ${file.display}`, source };
  }
  if (spec.kind === 'mlflow-model') return resolveMlflowModelBaseline(spec, deps);
  if (!deps.azure) {
    throw new ConfigurationError(`The baseline '${spec.text}' is in an Azure ML workspace, but no workspace is configured.`, {
      input,
      hint: 'Give subscription-id, resource-group and workspace-name (and a credential), or use a file: baseline.',
    });
  }
  const conn = await deps.azure();

  const jobSource = async (jobName: string) =>
    createAzureMlJobSource({
      ...conn,
      jobName,
      child: deps.child,
      childIfApplicable: true,
      input,
      mlflow: deps.mlflow,
      info: deps.info,
      warning,
      role: 'baseline',
    });

  if (spec.kind === 'job') {
    const source = await jobSource(spec.name);
    return {
      found: true,
      spec,
      description: `job ${spec.name}${source.details.selected ? ` (${source.details.selected.name})` : ''}`,
      source,
      jobName: spec.name,
    };
  }

  // model:<name>:<selector>
  const enc = encodeURIComponent;
  const container = await withAzureOperation(`reading model '${spec.name}'`, () => conn.arm.tryGet<ArmObject>(`models/${enc(spec.name)}`));
  let version: ArmObject | undefined;
  const sel = spec.selector;
  if ('version' in sel) {
    version = await withAzureOperation(`reading model '${spec.name}' version ${sel.version}`, () =>
      conn.arm.tryGet<ArmObject>(`models/${enc(spec.name)}/versions/${enc(sel.version)}`),
    );
    if (!version) {
      const latest = container ? (props(container).latestVersion as string | undefined) : undefined;
      throw new ConfigurationError(
        container
          ? `The baseline model '${spec.name}' has no version ${sel.version}${latest ? ` (its latest version is ${latest})` : ''}.`
          : `The baseline model '${spec.name}' does not exist in the workspace, so it has no version ${sel.version}.`,
        { input, hint: `Use model:${spec.name}:latest to compare with the newest version, or model:${spec.name}:@<alias>.` },
      );
    }
  } else if ('latest' in sel) {
    if (!container) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
    let latest = props(container).latestVersion as string | undefined;
    if (typeof latest !== 'string' || latest === '') {
      for await (const v of conn.arm.list<ArmObject>(`models/${enc(spec.name)}/versions`, { query: { $orderBy: 'createdtime desc', $top: 1 } })) {
        latest = v.name;
        break;
      }
    }
    if (!latest) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
    version = await withAzureOperation(`reading model '${spec.name}' version ${latest}`, () =>
      conn.arm.tryGet<ArmObject>(`models/${enc(spec.name)}/versions/${enc(latest)}`),
    );
    if (!version) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
  } else {
    if (!container) return { found: false, spec, reason: `model '${spec.name}' has no versions yet, so none holds @${sel.alias}` };
    const tag = modelAliasTag(sel.alias);
    const holders: ArmObject[] = [];
    const byStage: ArmObject[] = [];
    for await (const v of conn.arm.list<ArmObject>(`models/${enc(spec.name)}/versions`, { query: { $orderBy: 'createdtime desc' } })) {
      const tags = stringRecord(props(v).tags);
      if (tag in tags && tags[tag].toLowerCase() !== 'false') holders.push(v);
      else if (typeof props(v).stage === 'string' && (props(v).stage as string).toLowerCase() === sel.alias.toLowerCase()) byStage.push(v);
    }
    const found = holders.length > 0 ? holders : byStage;
    if (found.length === 0) return { found: false, spec, reason: `no version of model '${spec.name}' holds @${sel.alias} (tag ${tag} or stage ${sel.alias})` };
    if (found.length > 1) {
      warning(
        `${found.length} versions of model '${spec.name}' hold @${sel.alias} (${found.map((v) => v.name).join(', ')}); the newest, ${found[0].name}, is the baseline.`,
      );
    }
    version = found[0];
  }

  const versionName = String(version.name ?? '');
  const p = props(version);
  const tags = stringRecord(p.tags);
  const { metrics, invalid } = metricsFromModelTags(tags);
  if (invalid.length > 0) warning(`Model ${spec.name}:${versionName}: tag(s) ${invalid.join(', ')} do not hold numbers and are ignored.`);
  if (metrics.size > 0) {
    return {
      found: true,
      spec,
      description: `model ${spec.name}:${versionName} (${metrics.size} metric tag(s))`,
      source: createStaticSource('model', `model ${spec.name}:${versionName}`, metrics),
      modelVersion: versionName,
    };
  }
  const jobName = (typeof p.jobName === 'string' && p.jobName) || tags[MODEL_SOURCE_JOB_TAG] || stringRecord(p.properties)[MODEL_SOURCE_JOB_TAG];
  if (!jobName) {
    throw new ConfigurationError(
      `The baseline model ${spec.name}:${versionName} has no metric tags (${MODEL_METRIC_TAG_PREFIX}<name>) and names no job that produced it, so it has no metrics to compare with.`,
      {
        input,
        hint: 'Register models with register-model (it stores the gate metrics as tags), or use job:<name> as the baseline.',
      },
    );
  }
  const source = await jobSource(jobName);
  return {
    found: true,
    spec,
    description: `model ${spec.name}:${versionName} (metrics of job ${jobName})`,
    source,
    modelVersion: versionName,
    jobName,
  };
}

/** `mlflow-model:<name>@<alias>` / `<name>/<version>`: the model version → its run → the run's metrics. */
async function resolveMlflowModelBaseline(spec: Extract<BaselineSpec, { kind: 'mlflow-model' }>, deps: BaselineDeps): Promise<BaselineResolution> {
  const input = deps.input ?? 'baseline';
  if (!spec.server) {
    throw new ConfigurationError(`The baseline '${spec.text}' is on an MLflow server, but none is given.`, {
      input: 'baseline-tracking-uri',
      hint: 'Give baseline-tracking-uri (or gate an MLflow run with mlflow-tracking-uri: its server is then used).',
    });
  }
  const client = createMlflowClient({ ...deps.mlflow, trackingUri: spec.server.trackingUri, auth: spec.server.auth, input: spec.server.input });
  const sel = spec.selector;
  const shown = 'alias' in sel ? `${spec.name}@${sel.alias}` : `${spec.name}/${sel.version}`;
  const unityCatalog = spec.server.auth.platform?.id === 'databricks' && spec.name.split('.').length === 3;
  const lookup = await client.getModelVersion(spec.name, sel, { unityCatalog });
  if (!lookup.found) {
    if (!lookup.modelExists) {
      throw new ConfigurationError(`The baseline model '${spec.name}' is not registered on ${client.trackingUri}.`, {
        input,
        hint: 'Check the registered model name (Unity Catalog models are named <catalog>.<schema>.<model>) and baseline-tracking-uri.',
      });
    }
    if ('version' in sel) {
      throw new ConfigurationError(`The baseline model '${spec.name}' has no version ${sel.version} on ${client.trackingUri}.`, {
        input,
        hint: `Use mlflow-model:${spec.name}@<alias> to follow the version an alias points at.`,
      });
    }
    // As for model:<name>:@<alias>: nobody holds the alias yet is "no baseline yet", not an error.
    return { found: false, spec, reason: `no version of MLflow model '${spec.name}' on ${client.trackingUri} holds @${sel.alias} (${lookup.message})` };
  }
  const mv = lookup.version;
  if (!mv.runId) {
    throw new ConfigurationError(
      `The baseline model ${shown} (version ${mv.version}) on ${client.trackingUri} names no run, so it has no metrics to compare with.`,
      {
        input,
        hint: 'Register the model from an MLflow run (mlflow.register_model("runs:/<run id>/model", ...)), or use file: or job: as the baseline.',
      },
    );
  }
  const description = `MLflow model ${shown} (version ${mv.version}, run ${mv.runId}) at ${client.trackingUri}`;
  const source = createMlflowRunSource(client, mv.runId, { kind: 'mlflow', description });
  await source.run(); // an unknown or deleted run fails here, clearly
  return { found: true, spec, description, source, modelVersion: mv.version };
}
