/**
 * The only reader of the root action's own inputs: which stages run (`submit-job`,
 * `metric-gate`, `register-model`, `deploy`: `auto`, `true` or `false`; `pr-summary`: a boolean),
 * the champion alias, and the facts the decisions rest on (is this the default branch, a PR).
 * Each stage's own inputs are read by that stage's reader (src/runs/flow/stages.ts maps them).
 */
import { ConfigurationError } from '../../core/errors.js';
import type { WorkflowRun } from '../../core/workflow-run.js';
import type { InputReader } from '../../core/inputs.js';
import { checkName } from '../../models/names.js';

export const SWITCH_VALUES = ['auto', 'true', 'false'] as const;
export type Switch = (typeof SWITCH_VALUES)[number];

/** Whether a stage is meant to run in this flow, and why not when it is not. */
export interface StagePlan {
  run: boolean;
  /** Why the stage does not run (when `run` is false). */
  reason?: string;
}

export interface FlowSettings {
  submit: StagePlan;
  gate: StagePlan;
  register: StagePlan;
  deploy: StagePlan;
  summary: StagePlan;
  /** The existing job to gate and register when submit-job does not run. */
  jobName?: string;
  modelName?: string;
  /** True when `model-path` names the model files (register-model then does not read the job). */
  modelPath: boolean;
  /** Aliases moved to the registered version once it is promoted. */
  aliases: string[];
  /** The gate's baseline: the input, else the champion (`model:<model-name>:@<first alias>`). */
  baseline?: string;
  defaultBranch?: string;
  onDefaultBranch: boolean;
  pullRequest: boolean;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The repository's default branch, from the event payload (`repository.default_branch`). */
export function defaultBranchOf(run: WorkflowRun): string | undefined {
  const repo = run.event.repository as { default_branch?: unknown } | undefined;
  return typeof repo?.default_branch === 'string' && repo.default_branch !== '' ? repo.default_branch : undefined;
}

export function readFlowInputs(reader: InputReader, run: WorkflowRun): FlowSettings {
  const sw = (name: string): Switch => reader.choice(name, SWITCH_VALUES, 'auto');
  const submitSwitch = sw('submit-job');
  const gateSwitch = sw('metric-gate');
  const registerSwitch = sw('register-model');
  const deploySwitch = sw('deploy');
  const summaryOn = reader.boolean('pr-summary', true);

  const jobFile = reader.optional('job-file');
  const jobName = reader.optional('job-name');
  const rules = reader.optional('rules');
  const modelName = reader.optional('model-name');
  const modelPath = reader.optional('model-path') !== undefined;
  const endpoint = reader.optional('endpoint');
  const aliases = reader.list('model-alias').map((a) => checkName('alias', a.replace(/^@/, ''), 'model-alias'));

  const pullRequest = PR_EVENTS.has(run.eventName ?? '') || run.event.pull_request !== undefined;
  const defaultBranch = defaultBranchOf(run);
  const onDefaultBranch = !pullRequest && defaultBranch !== undefined && run.ref === `refs/heads/${defaultBranch}`;

  const plan = (sw: Switch, given: boolean, missing: string): StagePlan =>
    sw === 'false' ? { run: false, reason: 'switched off' } : sw === 'true' || given ? { run: true } : { run: false, reason: missing };

  const submit = plan(submitSwitch, jobFile !== undefined, 'no job-file given');
  const gate = plan(gateSwitch, rules !== undefined, 'no rules given');
  const register = plan(registerSwitch, modelName !== undefined, 'no model-name given');
  let deploy: StagePlan;
  if (deploySwitch === 'false') deploy = { run: false, reason: 'switched off' };
  else if (deploySwitch === 'true') deploy = { run: true };
  else if (endpoint === undefined) deploy = { run: false, reason: 'no endpoint given' };
  else if (pullRequest) deploy = { run: false, reason: 'a pull request: deploy runs on the default branch (or with deploy: true)' };
  else if (defaultBranch === undefined) deploy = { run: false, reason: 'the event does not name the default branch (set deploy: true to deploy anyway)' };
  else if (!onDefaultBranch)
    deploy = { run: false, reason: `${run.ref ?? 'this ref'} is not the default branch ${defaultBranch} (set deploy: true to deploy anyway)` };
  else deploy = { run: true };

  if (!submit.run && jobName === undefined && (gate.run || (register.run && !modelPath))) {
    throw new ConfigurationError(
      `The ${gate.run ? 'metric gate' : 'registration'} needs a job: give job-file (the job to submit) or job-name (an existing job).`,
      { input: 'job-file', hint: submitSwitch === 'false' ? 'submit-job is false: name the job to read with job-name.' : undefined },
    );
  }

  const baselineInput = reader.optional('baseline');
  const baseline = baselineInput ?? (modelName !== undefined && aliases.length > 0 ? `model:${modelName}:@${aliases[0]}` : undefined);

  return {
    submit,
    gate,
    register,
    deploy,
    summary: summaryOn ? { run: true } : { run: false, reason: 'switched off' },
    jobName,
    modelName,
    modelPath,
    aliases,
    baseline,
    defaultBranch,
    onDefaultBranch,
    pullRequest,
  };
}
