/** The only reader of submit-job's own inputs (the connection inputs: src/azure/context.ts). */
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import type { InputReader } from '../../core/inputs.js';
import { JOB_NAME } from '../../specs/names.js';

export interface SubmitJobSettings {
  /** Absolute path of the job YAML. */
  jobFile: string;
  /** As shown in messages and annotations: relative to the workspace. */
  jobFileDisplay: string;
  set: string;
  name?: string;
  experimentName?: string;
  displayName?: string;
  tags: Record<string, string>;
  wait: boolean;
  timeoutMs?: number;
  cancelOnTimeout: boolean;
  dryRun: boolean;
  /** For a schedule YAML: enable or disable it (absent: the YAML's is_enabled, else enabled). */
  scheduleEnabled?: boolean;
}

export function readSubmitJobInputs(reader: InputReader, workspace: string): SubmitJobSettings {
  const file = reader.required('job-file');
  const jobFile = isAbsolute(file) ? file : resolve(workspace, file);
  const rel = relative(workspace, jobFile);
  const name = reader.optional('name');
  if (name !== undefined && !JOB_NAME.test(name)) {
    throw new ConfigurationError(`Input 'name': '${name}' is not a valid job name.`, {
      input: 'name',
      hint: 'letters, digits, - and _, starting with a letter or digit, at most 255 characters',
    });
  }
  return {
    jobFile,
    jobFileDisplay: rel.startsWith('..') ? file : rel,
    set: reader.optional('set') ?? '',
    name,
    experimentName: reader.optional('experiment-name'),
    displayName: reader.optional('display-name'),
    tags: reader.keyValues('tags'),
    wait: reader.boolean('wait', true),
    timeoutMs: reader.duration('timeout'),
    cancelOnTimeout: reader.boolean('cancel-on-timeout', true),
    dryRun: reader.boolean('dry-run', false),
    scheduleEnabled: reader.optional('schedule-enabled') === undefined ? undefined : reader.boolean('schedule-enabled', true),
  };
}
