/**
 * Provisioning a deployment for real: the "storage initializer" downloads the model version's
 * files (its `modelUri`: `azureml://datastores/…`, `azureml://jobs/<job>/outputs/…`, a blob URL or
 * `runs:/…`) and the code version from Azurite into a revision folder, then the scoring process
 * is started with `AZUREML_MODEL_DIR` pointing at the model, as Azure lays it out
 * (`azureml-models/<model>/<version>/<folder of the model's path>`). A deployment without scoring
 * code serves an MLflow model through its `python_function` loader module.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseWorkspaceChildId } from '../arm/ids.js';
import { workspaceRef } from '../data/resources.js';
import type { BlobIO } from '../data/blob-io.js';
import { baseEnvironment } from '../jobs/process.js';
import { DataResolutionError, DataResolver } from '../data/uris.js';
import type { ArmResource, BlobEndpoint, ResourceStore } from '../types.js';
import { DeploymentFailure } from './errors.js';
import type { DeploymentLogs } from './logs.js';
import { listRelative, type LaunchSpec } from './process.js';
import { durationMs } from './validate.js';
import { isObj, type Obj } from '../obj.js';

export interface ProvisionContext {
  store: ResourceStore;
  blobEndpoint: BlobEndpoint;
  blob: BlobIO;
  python: string;
  serverScript: string;
  /** Folder of this revision (model, code, port files). */
  revisionDir: string;
  /** The revision's logs (created by the caller, so a failure before the launch is logged too). */
  logs: DeploymentLogs;
  pollMs: number;
  /** Upper bound of the readiness budget, whatever the probe says. */
  maxStartupMs: number;
  signal?: AbortSignal;
}

export interface Prepared {
  spec: LaunchSpec;
  logs: DeploymentLogs;
}

function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The readiness budget of a deployment: initial delay + failure threshold × period of its readiness probe. */
export function readinessBudgetMs(props: Obj, cap: number): number {
  const probe = isObj(props.readinessProbe) ? props.readinessProbe : {};
  const d = (v: unknown, fallback: number) => (typeof v === 'string' ? durationMs(v, 'properties.readinessProbe') : fallback);
  const initial = d(probe.initialDelay, 10_000);
  const period = d(probe.period, 10_000);
  const failures = typeof probe.failureThreshold === 'number' ? probe.failureThreshold : 30;
  return Math.max(1000, Math.min(cap, initial + failures * Math.max(period, 1000)));
}

async function findFile(dir: string, name: string, depth = 4): Promise<string | undefined> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const hit = entries.find((e) => e.isFile() && e.name === name);
  if (hit) return join(dir, hit.name);
  if (depth <= 0) return undefined;
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const found = await findFile(join(dir, e.name), name, depth - 1);
    if (found) return found;
  }
  return undefined;
}

interface MlflowServing {
  loader: string;
  data: string;
  code: string[];
}

/** How to serve an MLflow model without scoring code: its `python_function` flavor. */
async function mlflowServing(modelDir: string, label: string): Promise<MlflowServing> {
  const mlmodel = await findFile(modelDir, 'MLmodel');
  if (!mlmodel) {
    throw new DeploymentFailure(
      'BadArgument',
      `Deployment ${label} has no scoring script (codeConfiguration) and its model is not an MLflow model (no MLmodel file under the model's files): give a scoring script or register the model as an MLflow model.`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(mlmodel, 'utf8'));
  } catch (err) {
    throw new DeploymentFailure('BadArgument', `The MLmodel file of deployment ${label} cannot be read: ${(err as Error).message}`);
  }
  const flavors = isObj(doc) && isObj(doc.flavors) ? doc.flavors : {};
  const pyfunc = isObj(flavors.python_function) ? flavors.python_function : undefined;
  if (!pyfunc || typeof pyfunc.loader_module !== 'string') {
    throw new DeploymentFailure(
      'BadArgument',
      `The MLflow model of deployment ${label} has no python_function flavor with a loader_module (flavors: ${Object.keys(flavors).join(', ') || 'none'}); the emulator serves MLflow models through that flavor only. Give a scoring script instead.`,
    );
  }
  const root = resolve(mlmodel, '..');
  const inside = (p: string) => {
    const abs = resolve(root, p);
    if (abs !== root && !abs.startsWith(root + sep))
      throw new DeploymentFailure('BadArgument', `The MLmodel file of deployment ${label} points outside the model folder ('${p}').`);
    return abs;
  };
  const code = typeof pyfunc.code === 'string' ? [inside(pyfunc.code)] : [];
  return { loader: pyfunc.loader_module, data: typeof pyfunc.data === 'string' ? inside(pyfunc.data) : root, code };
}

/**
 * Downloads the model and code of a deployment and builds the scoring process's launch spec.
 * Every step is written to the StorageInitializer log; failures are {@link DeploymentFailure}s.
 */
export async function prepareDeployment(ctx: ProvisionContext, deployment: ArmResource, endpointName: string): Promise<Prepared> {
  const props = (deployment.properties ?? {}) as Obj;
  const label = `'${deployment.name}' of endpoint '${endpointName}'`;
  const logs = ctx.logs;
  const log = (text: string) => logs.line('StorageInitializer', text);
  log(`Storage initializer of deployment ${label} started.`);
  const parsed = parseWorkspaceChildId(deployment.id);
  if (!parsed) throw new DeploymentFailure('InternalServerError', `'${deployment.id}' is not a deployment id`);
  const ws = workspaceRef(parsed.scope.subscriptionId, parsed.scope.resourceGroup, parsed.scope.workspaceName);
  const resolver = new DataResolver(ctx.store, ws, ctx.blobEndpoint);

  const failStorage = (code: string, message: string): never => {
    log(`ERROR: ${message}`);
    throw new DeploymentFailure(code, message);
  };

  // --- the model ---------------------------------------------------------------------------
  let modelDir: string | undefined;
  let modelType = '';
  const model = typeof props.model === 'string' && props.model.trim() !== '' ? props.model : undefined;
  if (model) {
    if (/^azureml:\/\/registries\//i.test(model)) {
      failStorage(
        'ResourceNotFound',
        `Model '${model}' is in an Azure ML registry; the local emulator has no registries. Register the model in the workspace and deploy that version.`,
      );
    }
    let version: { id: string; resource: Obj };
    try {
      version = await resolver.assetVersion('models', model);
    } catch (err) {
      if (err instanceof DataResolutionError) failStorage('ResourceNotFound', `Model '${model}' could not be found: ${err.message}.`);
      throw err;
    }
    const vprops = (version.resource.properties ?? {}) as Obj;
    modelType = typeof vprops.modelType === 'string' ? vprops.modelType : '';
    const modelUri = typeof vprops.modelUri === 'string' ? vprops.modelUri : '';
    const parts = version.id.split('/');
    const [modelName, modelVersion] = [parts[parts.length - 3] ?? 'model', parts[parts.length - 1] ?? '1'];
    modelDir = join(ctx.revisionDir, 'azureml-models', safeSegment(modelName), safeSegment(modelVersion));
    await mkdir(modelDir, { recursive: true });
    log(`Model ${modelName}:${modelVersion} (type ${modelType || 'custom_model'}), modelUri ${modelUri}`);
    let loc;
    try {
      loc = await resolver.resolve(modelUri, 'models');
    } catch (err) {
      if (err instanceof DataResolutionError)
        failStorage('ResourceNotFound', `The files of model ${modelName}:${modelVersion} could not be located: ${err.message}.`);
      throw err;
    }
    const single = await ctx.blob.exists(loc);
    const folderName = posix.basename(loc.path.replace(/\/+$/, '')) || 'model';
    const dest = single ? modelDir : join(modelDir, folderName);
    log(`Downloading ${ctx.blob.url(loc)} to ${dest}`);
    let count: number;
    try {
      count = (await ctx.blob.download(loc, dest, { abortSignal: ctx.signal })).count;
    } catch (err) {
      if (ctx.signal?.aborted) throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment ${label} was canceled.`);
      failStorage('ResourceNotReady', `Downloading model ${modelName}:${modelVersion} failed: ${(err as Error).message}`);
    }
    if (count! === 0) failStorage('ResourceNotFound', `Model ${modelName}:${modelVersion} has no files at ${ctx.blob.url(loc)} (modelUri ${modelUri}).`);
    log(`Model: ${count!} file(s) downloaded; AZUREML_MODEL_DIR=${modelDir}`);
  }

  // --- the code ----------------------------------------------------------------------------
  let codeDir = join(ctx.revisionDir, 'code');
  await mkdir(codeDir, { recursive: true });
  let scriptArgs: string[];
  let entryScript = '';
  const code = isObj(props.codeConfiguration) ? props.codeConfiguration : undefined;
  if (code && typeof code.codeId === 'string') {
    const scoringScript = String(code.scoringScript ?? '');
    let loc;
    try {
      loc = await resolver.codeLocation(code.codeId);
    } catch (err) {
      if (err instanceof DataResolutionError) failStorage('ResourceNotFound', `Code '${code.codeId}' could not be found: ${err.message}.`);
      throw err;
    }
    log(`Downloading code ${ctx.blob.url(loc)} to ${codeDir}`);
    let count: number;
    try {
      count = (await ctx.blob.download(loc, codeDir, { abortSignal: ctx.signal })).count;
    } catch (err) {
      if (ctx.signal?.aborted) throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment ${label} was canceled.`);
      failStorage('ResourceNotReady', `Downloading the code of deployment ${label} failed: ${(err as Error).message}`);
    }
    if (count! === 0)
      failStorage('ResourceNotFound', `Code '${code.codeId}' has no files at ${ctx.blob.url(loc)}; upload the code folder before creating the deployment.`);
    log(`Code: ${count!} file(s) downloaded.`);
    const script = resolve(codeDir, scoringScript);
    if (script !== codeDir && !script.startsWith(codeDir + sep))
      failStorage('BadArgument', `The scoring script '${scoringScript}' is outside the code folder.`);
    if (!existsSync(script) || !(await stat(script)).isFile()) {
      const files = listRelative(codeDir);
      failStorage(
        'BadArgument',
        `The scoring script '${scoringScript}' of deployment ${label} was not found in its code (${files.length ? `files: ${files.join(', ')}` : 'the code folder is empty'}).`,
      );
    }
    entryScript = relative(codeDir, script).split(sep).join('/');
    scriptArgs = ['--script', script];
  } else {
    if (!modelDir) failStorage('BadArgument', `Deployment ${label} has neither a model nor scoring code.`);
    const serving = await mlflowServing(modelDir!, label).catch((err: unknown) => {
      if (err instanceof DeploymentFailure) log(`ERROR: ${err.message}`);
      throw err;
    });
    if (modelType && !/mlflow/i.test(modelType)) {
      log(`Model type '${modelType}' is not mlflow_model, but the model folder holds an MLmodel file: serving it as an MLflow model.`);
    }
    log(`No scoring script: serving the MLflow model through its python_function flavor (loader_module ${serving.loader}).`);
    scriptArgs = ['--mlflow-loader', serving.loader, '--mlflow-data', serving.data, ...serving.code.flatMap((c) => ['--mlflow-code', c])];
    codeDir = modelDir!;
  }
  log('Storage initializer completed.');

  const env: Record<string, string> = {
    ...baseEnvironment(),
    ...Object.fromEntries(
      Object.entries(isObj(props.environmentVariables) ? props.environmentVariables : {}).filter(([, v]) => typeof v === 'string') as [string, string][],
    ),
    AZUREML_MODEL_DIR: modelDir ?? '',
    AML_APP_ROOT: codeDir,
    AZUREML_ENTRY_SCRIPT: entryScript,
    AZUREML_EMULATOR: '1',
    AZUREML_ENDPOINT_NAME: endpointName,
    AZUREML_DEPLOYMENT_NAME: deployment.name,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  // Like Azure's inference server: WORKER_COUNT (default 1) run() calls at a time.
  const workers = Math.max(1, Number(env.WORKER_COUNT ?? 1) || 1);
  const environmentId = typeof props.environmentId === 'string' ? props.environmentId : '(none)';
  logs.line(
    'InferenceServer',
    `Starting the inference server of deployment ${label} with ${ctx.python}. Environment ${environmentId}: the emulator runs the scoring code with the local Python; the environment's image and conda/pip dependencies are not installed.`,
  );
  const spec: LaunchSpec = {
    label,
    python: ctx.python,
    serverScript: ctx.serverScript,
    args: [...scriptArgs, '--workers', String(workers), '--name', String(deployment.name)],
    cwd: codeDir,
    env,
    logs,
    runDir: ctx.revisionDir,
    readinessTimeoutMs: readinessBudgetMs(props, ctx.maxStartupMs),
    pollMs: ctx.pollMs,
  };
  return { spec, logs };
}
