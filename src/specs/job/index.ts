/**
 * `az ml job create -f` YAML (command, sweep, pipeline) → the ARM `JobBase` wire body of
 * api-version 2024-10-01, plus the work that must happen first: local folders to upload under
 * their content hash, and anonymous code / environment / component versions to register.
 *
 * Every field is translated or refused by name with its file and line: nothing is dropped.
 * One module per job type (command.ts, sweep.ts, pipeline.ts) on a typed field reader
 * (../fields.ts) and the parts job types share (common.ts, assets.ts, io.ts, components.ts);
 * a new job type is a new module listed in {@link JOB_TYPES}.
 */
import type { SpecDocument } from '../document.js';
import { didYouMean } from '../fields.js';
import { isObj } from '../../core/obj.js';
import { PlanContext, type PlanOptions } from '../plan.js';
import { automlJob } from './automl.js';
import { commandJob } from './command.js';
import { pipelineJob } from './pipeline.js';
import { sparkJob } from './spark.js';
import { sweepJob } from './sweep.js';
import type { JobPlan, JobTypeTranslator } from './types.js';

export type { AssetResolver, PlannedAsset, PlannedUpload, PlanOptions } from '../plan.js';
export { stableJson, versionHash } from '../plan.js';
export type { JobPlan, JobTypeTranslator } from './types.js';

/** The job types azureml-actions translates, by their YAML `type`. */
export const JOB_TYPES: readonly JobTypeTranslator[] = [commandJob, sweepJob, pipelineJob, automlJob, sparkJob];

/** Job types of the CLI that are refused as not supported yet (rather than as unknown). */
const NOT_YET = ['import'];

function translatorFor(doc: SpecDocument, type: string): JobTypeTranslator {
  const found = JOB_TYPES.find((t) => t.type === type);
  if (found) return found;
  const valid = JOB_TYPES.map((t) => t.type);
  // az ml submits parallel jobs as pipeline steps only (azure-ai-ml: a ParallelJob is a node built by parallel_run_function).
  if (type === 'parallel')
    throw doc.error(['type'], "a 'parallel' job runs as a step of a pipeline job", 'write type: pipeline with the parallel step under jobs:');
  if (NOT_YET.includes(type)) throw doc.error(['type'], `'${type}' jobs are not supported by azureml-actions yet`, `supported job types: ${valid.join(', ')}`);
  throw doc.error(['type'], `'${type}' is not a job type${didYouMean(type, valid)}`, `valid: ${valid.join(', ')}`);
}

/** Translates a job YAML document (after `set` overrides) into a plan. */
export async function planJob(doc: SpecDocument, fileOnDisk: string, spec: unknown, options: PlanOptions): Promise<JobPlan> {
  if (!isObj(spec)) throw doc.error([], 'a job file must be a YAML map (command, sweep or pipeline job)');
  const ctx = new PlanContext(doc, fileOnDisk, options);
  const type = spec.type === undefined ? 'command' : ctx.str(spec.type, ['type']);
  const translator = translatorFor(doc, type);
  const properties = await translator.translate(ctx, spec);
  const yamlName = typeof spec.name === 'string' ? spec.name : undefined;
  return { jobType: translator.jobType, yamlName, body: { properties }, uploads: ctx.uploads, assets: ctx.assets };
}
