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
