/** The plan of a job file, and what a translator of one job type provides. */
import { type Obj } from '../../core/obj.js';
import type { SpecPath } from '../document.js';
import type { PlanContext, PlannedAsset, PlannedUpload } from '../plan.js';

export interface JobPlan {
  jobType: 'Command' | 'Sweep' | 'Pipeline' | 'AutoML' | 'Spark';
  /** Name from the YAML, when it sets one. */
  yamlName?: string;
  body: { properties: Record<string, unknown> };
  uploads: PlannedUpload[];
  assets: PlannedAsset[];
}

/**
 * One job type (`type:` of the YAML) → the `properties` of the ARM JobBase body. Every field of
 * the YAML is translated or refused by name at its position (through `ctx`): nothing is dropped.
 * A new job type is a module exporting one of these, listed in the dispatcher (index.ts).
 */
export interface JobTypeTranslator {
  /** The `type:` of the YAML. */
  type: string;
  /** The ARM `jobType`. */
  jobType: JobPlan['jobType'];
  /**
   * `at` is where `spec` sits in the file: `[]` for a job file; a pipeline step passes
   * `['jobs', '<step>']` so that every error points at the step's own lines.
   */
  translate(ctx: PlanContext, spec: Obj, at?: SpecPath): Promise<Obj>;
}
