/**
 * Parallel steps of a pipeline, really run: the step becomes a child Command job whose command is
 * the emulator's parallel driver (parallel_driver.py, Python standard library) over the step's
 * entry script. The driver splits `input_data` into mini-batches, runs init() / run(mini_batch) in
 * instance_count x max_concurrency_per_instance worker processes with retries, applies the error
 * thresholds and appends what run() returns to the `append_row_to` output
 * (https://learn.microsoft.com/azure/machine-learning/how-to-use-parallel-job-in-pipeline). Code
 * download, inputs, outputs, logs, MLflow and cancel are the command runner's (command.ts).
 *
 * The settings come from the step's REST node as azure-ai-ml sends it (entities/_builders/
 * parallel.py `_to_rest_object`: task, input_data, mini_batch_size, partition_keys, resources,
 * retry_settings, ...) and, where the node sets none, from its parallel component's spec.
 */
import { join } from 'node:path';
import { parseJobId, pick, pickString, stringMap, type JobResource } from '../data/resources.js';
import { inputTypeOf, JobFailure } from './command.js';
import type { Runtime } from './runtime.js';
import { asObj, type Obj } from '../obj.js';
import { findPythonScript } from '../python-scripts.js';

/** What a parallel step runs as: the fields of its child Command job. */
export interface ParallelStepRun {
  command: string;
  codeId?: string;
  environmentId?: string;
  environmentVariables: Record<string, string>;
  /** The step's inputs, `input_data` read by the driver itself (a local copy, never `direct`). */
  inputs: Record<string, unknown>;
}

/** Where parallel_driver.py is (or $AZUREML_EMULATOR_PARALLEL_DRIVER). */
export function findParallelDriver(explicit = process.env.AZUREML_EMULATOR_PARALLEL_DRIVER): string {
  return findPythonScript(join('src', 'emulator', 'jobs', 'parallel_driver.py'), 'AZUREML_EMULATOR_PARALLEL_DRIVER', explicit);
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** mini_batch_size as a number (the node sends an integer; a component spec a string such as "10kb"). */
function miniBatchSize(v: unknown): number | undefined {
  const n = int(v);
  if (n !== undefined) return n;
  const m = typeof v === 'string' ? /^(\d+)\s*([kmg])b$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

/** partition_keys: the node's JSON string (`'["Store", "Brand"]'`) or a component's list. */
function partitionKeys(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim()) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return v.split(',').map((s) => s.trim());
    }
  }
  return [];
}

function stripArmPrefix(v: string | undefined): string | undefined {
  return v && /^azureml:\/subscriptions\//i.test(v) ? v.slice('azureml:'.length) : v;
}

/**
 * A parallel step's REST node (and its component's spec, when it has one) → the Command job it
 * runs as. `inputs` are the step's inputs as the pipeline resolved them (JobInput objects).
 * Throws {@link JobFailure} when the step lacks what it needs to run.
 */
export function parallelStepRun(node: Obj, component: Obj | undefined, inputs: Record<string, unknown>, driver = findParallelDriver()): ParallelStepRun {
  const stepName = pickString(node, 'name') ?? 'parallel step';
  const get = (k: string): unknown => pick(node, k) ?? pick(component, k);
  const task = asObj(get('task'));
  if (!task) throw new JobFailure(`Parallel step '${stepName}' has no task (neither on the node nor in its component)`, 'InvalidPipeline');
  const taskType = pickString(task, 'type') ?? 'run_function';
  if (taskType !== 'run_function')
    throw new JobFailure(`Parallel step '${stepName}': tasks of type '${taskType}' are not run by the local emulator (run_function only)`, 'UnsupportedStep');
  const entry = pickString(task, 'entry_script');
  if (!entry) throw new JobFailure(`Parallel step '${stepName}': the task has no entry_script`, 'InvalidPipeline');
  const inputData = pickString(node, 'input_data') ?? pickString(component, 'input_data');
  const m = inputData ? /^\s*\$\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(inputData) : null;
  if (!m) throw new JobFailure(`Parallel step '${stepName}': input_data must be \${{inputs.<name>}} (got '${inputData ?? ''}')`, 'InvalidPipeline');
  const dataName = m[1];
  if (!(dataName in inputs))
    throw new JobFailure(`Parallel step '${stepName}': input_data names the input '${dataName}', which the step does not have`, 'InvalidBinding');

  // The driver reads input_data itself, as the parallel job does (run() receives file paths or
  // rows, never the URI): it gets a downloaded copy whatever mode the step asked for.
  const runInputs = structuredClone(inputs);
  const data = asObj(runInputs[dataName]);
  if (data && typeof data.mode === 'string' && /^(direct|eval_mount|eval_download|evalmount|evaldownload)$/i.test(data.mode)) data.mode = 'Download';
  const declared = asObj(asObj(component?.inputs)?.[dataName]);
  const inputType = (data ? inputTypeOf(data) : undefined) ?? pickString(declared, 'type') ?? '';

  const retry = asObj(get('retry_settings'));
  const resources = asObj(get('resources'));
  const args: string[] = [
    'python3',
    quote(driver),
    '--entry-script',
    quote(entry),
    '--input-data',
    `\${{inputs.${dataName}}}`,
    '--input-type',
    quote(inputType.toLowerCase()),
  ];
  const opt = (flag: string, v: number | undefined) => {
    if (v !== undefined) args.push(flag, String(v));
  };
  opt('--mini-batch-size', miniBatchSize(get('mini_batch_size')));
  const keys = partitionKeys(get('partition_keys'));
  if (keys.length) args.push('--partition-keys', quote(keys.join(',')));
  opt('--instance-count', int(pick(resources, 'instance_count', 'instanceCount')));
  opt('--max-concurrency-per-instance', int(get('max_concurrency_per_instance')));
  opt('--max-retries', int(pick(retry, 'max_retries')));
  opt('--timeout', int(pick(retry, 'timeout')));
  opt('--error-threshold', int(get('error_threshold')));
  opt('--mini-batch-error-threshold', int(get('mini_batch_error_threshold')));
  const appendTo = pickString(task, 'append_row_to');
  if (appendTo) args.push('--append-row-to', appendTo.trim());
  const level = pickString(node, 'logging_level') ?? pickString(component, 'logging_level');
  if (level) args.push('--logging-level', quote(level));
  const programArgs = pickString(task, 'program_arguments');
  if (programArgs) args.push('--', programArgs.trim());

  return {
    command: args.join(' '),
    codeId: stripArmPrefix(pickString(task, 'code')),
    environmentId: stripArmPrefix(pickString(task, 'environment')),
    environmentVariables: { ...stringMap(pick(component, 'environment_variables')), ...stringMap(pick(node, 'environment_variables')) },
    inputs: runInputs,
  };
}

/**
 * Output paths may name `${{default_datastore}}` (azureml-examples cli/jobs/parallel/
 * 2a_iris_batch_prediction/pipeline.yml): the pipeline's settings.default_datastore, else the
 * workspace's default datastore.
 */
export async function expandDefaultDatastore(
  rt: Runtime,
  parent: JobResource,
  parentId: string,
  outputs: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const PLACEHOLDER = /\$\{\{\s*default_datastore\s*\}\}/g;
  if (!Object.values(outputs).some((o) => /\$\{\{\s*default_datastore\s*\}\}/.test(pickString(asObj(o), 'uri', 'path') ?? ''))) return outputs;
  const fromSettings = pickString(asObj(parent.properties.settings), 'default_datastore', 'defaultDatastore')?.split('/').pop();
  const ds = fromSettings ?? (await rt.resolver(parseJobId(parentId).ws).defaultDatastore());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) {
    const o = asObj(v);
    const uri = pickString(o, 'uri');
    out[k] = o && uri ? { ...o, uri: uri.replace(PLACEHOLDER, ds) } : v;
  }
  return out;
}
