/**
 * Spark jobs (ARM SparkJob, 2024-10-01): run with the local `spark-submit` when one is on the
 * emulator's PATH (master `local[*]`), through the command runner (code download, inputs, outputs,
 * log, MLflow, cancel). Azure runs them on serverless Spark or an attached Synapse pool
 * (https://learn.microsoft.com/azure/machine-learning/how-to-submit-spark-jobs); without
 * spark-submit the job fails and says so.
 *
 * The spark-submit line carries what SparkJob names: the entry (`file`, or `className` with the
 * first of `jars` as the application jar), `pyFiles`, `jars`, `files`, `archives` (comma-separated
 * lists, as spark-submit's options take them), every `conf` entry as `--conf k=v`, then `args`
 * (https://spark.apache.org/docs/latest/submitting-applications.html).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseJobId, pick, pickString, stringMap } from '../data/resources.js';
import { fail, JobFailure, runCommandJob } from './command.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { asObj, type Obj } from '../obj.js';

/** The spark-submit on `PATH`, or undefined. */
export function findSparkSubmit(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'spark-submit');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The spark-submit command line of a SparkJob's properties (`${{inputs.x}}` left for the command runner). */
export function sparkSubmitCommand(props: Obj, sparkSubmit: string, jobName: string): string {
  const entry = asObj(props.entry);
  const file = pickString(entry, 'file');
  const className = pickString(entry, 'className', 'class_name');
  const jars = list(pick(props, 'jars'));
  const parts = [quote(sparkSubmit), '--master', quote('local[*]'), '--name', quote(jobName)];
  const opt = (flag: string, values: string[]) => {
    if (values.length) parts.push(flag, quote(values.join(',')));
  };
  opt('--py-files', list(pick(props, 'pyFiles', 'py_files')));
  opt('--jars', className ? jars.slice(1) : jars);
  opt('--files', list(pick(props, 'files')));
  opt('--archives', list(pick(props, 'archives')));
  for (const [k, v] of Object.entries(stringMap(props.conf))) parts.push('--conf', quote(`${k}=${v}`));
  if (file) parts.push(quote(file));
  else if (className) {
    if (!jars.length) throw new JobFailure(`A Spark job with entry className '${className}' needs its application jar in 'jars'`, 'InvalidSparkJob');
    parts.push('--class', quote(className), quote(jars[0]));
  } else throw new JobFailure('The Spark job has no entry (file or className)', 'InvalidSparkJob');
  const args = pickString(props, 'args');
  if (args) parts.push(args.trim());
  return parts.join(' ');
}

/**
 * Runs a Spark job. Its `direct` inputs are handed to spark-submit as local copies (Spark here
 * reads local files, not the storage URLs Azure's Spark reads).
 */
export async function runSparkJob(rt: Runtime, jobId: string, active: ActiveJob, parent?: ParentLink): Promise<Outcome> {
  const sparkSubmit = findSparkSubmit();
  if (!sparkSubmit) {
    const job = await rt.loadJob(jobId);
    if (job) await rt.ensureRun(jobId, job, parent);
    return fail(
      rt,
      jobId,
      new JobFailure(
        'The local Azure ML emulator has no Spark: spark-submit was not found on its PATH. Install Apache Spark (with spark-submit on PATH) to run Spark jobs locally, or run this job on Azure Machine Learning serverless Spark or an attached Synapse Spark pool.',
        'SparkNotAvailable',
      ),
    );
  }
  const { name } = parseJobId(jobId);
  return runCommandJob(rt, jobId, active, parent, (props) => {
    const inputs: Obj = {};
    for (const [k, v] of Object.entries(asObj(props.inputs) ?? {})) {
      const spec = asObj(v);
      inputs[k] = spec && typeof spec.mode === 'string' && spec.mode.toLowerCase() === 'direct' ? { ...spec, mode: 'Download' } : v;
    }
    return { ...props, inputs, command: sparkSubmitCommand(props, sparkSubmit, name) };
  });
}

function stripArmPrefix(v: string | undefined): string | undefined {
  return v && /^azureml:\/subscriptions\//i.test(v) ? v.slice('azureml:'.length) : v;
}

/** conf values as SparkJob carries them (strings; Python's str() of a boolean, as msrest sends it). */
function confStrings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asObj(v) ?? {})) out[k] = typeof x === 'boolean' ? (x ? 'True' : 'False') : String(x);
  return out;
}

/**
 * A spark step's REST node (src/specs/job/spark.ts `sparkStep`, as azure-ai-ml's Spark node sends
 * it: entry, py_files, jars, files, archives, args, conf, resources, identity in snake case) and its
 * component's spec → the properties of the SparkJob child it runs as.
 */
export function sparkStepProperties(node: Obj, component: Obj | undefined, inputs: Record<string, unknown>, outputs: Record<string, unknown>): Obj {
  const get = (k: string): unknown => pick(node, k) ?? pick(component, k);
  const entry = asObj(get('entry'));
  const file = pickString(entry, 'file');
  const className = pickString(entry, 'class_name', 'className');
  const props: Obj = {
    jobType: 'Spark',
    entry: file ? { sparkJobEntryType: 'SparkJobPythonEntry', file } : { sparkJobEntryType: 'SparkJobScalaEntry', className },
    conf: confStrings(get('conf')),
    inputs,
    outputs,
  };
  const code = stripArmPrefix(pickString(component, 'code') ?? pickString(node, 'code'));
  if (code) props.codeId = code;
  const env = stripArmPrefix(pickString(component, 'environment'));
  if (env) props.environmentId = env;
  for (const [from, to] of [
    ['py_files', 'pyFiles'],
    ['jars', 'jars'],
    ['files', 'files'],
    ['archives', 'archives'],
  ] as const) {
    const l = list(get(from));
    if (l.length) props[to] = l;
  }
  const args = pickString(node, 'args') ?? pickString(component, 'args');
  if (args) props.args = args;
  const res = asObj(node.resources);
  if (res) props.resources = { instanceType: pickString(res, 'instance_type'), runtimeVersion: pickString(res, 'runtime_version') };
  const compute = pickString(node, 'computeId');
  if (compute) props.computeId = compute;
  return props;
}
