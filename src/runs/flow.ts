/**
 * The whole flow in one step (root action.yml):
 *
 *   submit-job → metric-gate → register-model (only when the gate passed) → deploy (on the
 *   default branch, or with deploy: true) → the champion alias moved → pr-summary (always)
 *
 * Each stage is the same module as the separate action (submitJobMain, metricGateMain,
 * registerModelMain, deployMain, prSummaryMain), run in this process over an InputReader whose
 * source maps the root inputs onto the stage's (src/runs/flow/stages.ts), plus what an earlier stage
 * produced (the job name, the model reference). Each stage gets its own {@link stageIO}: its
 * outputs stay with the flow, which publishes them under namespaced names. A stage that fails stops the stages that depend
 * on it, pr-summary still reports, and the step then fails with the first error. The post step
 * runs submit-job's post (cancel the job) and deploy's post (roll back the traffic).
 */
import { ConfigurationError, errorLocation, errorMessage, isUserError } from '../core/errors.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import { createInputReader, recordInputSource, type InputReader, type InputSource } from '../core/inputs.js';
import { StateKeys, type FlowState } from '../core/state.js';
import { stageIO, type ActionIO, type ActionLog } from '../core/io.js';
import { readFlowInputs, type FlowSettings } from './inputs/flow.js';
import { rootOutputName, STAGE_INPUTS, STAGES, stageInputs, type Stage } from './flow/stages.js';

/*
 * The stages are loaded when they run (import()): a flow refused on its inputs, or one that
 * stops early, does not parse the modules of the stages it never reaches (cold start).
 */
const stageModules = {
  'submit-job': () => import('./submit-job.js'),
  'metric-gate': () => import('./metric-gate.js'),
  'register-model': () => import('./register-model.js'),
  deploy: () => import('./deploy.js'),
  'pr-summary': () => import('./pr-summary.js'),
};

export interface FlowDeps {
  /** The root action's inputs (default: `@actions/core`). */
  source: InputSource;
  io: ActionIO;
  env?: NodeJS.ProcessEnv;
  abortSignal?: AbortSignal;
}

export type StageStatus = 'succeeded' | 'failed' | 'skipped';

export interface StageResult {
  status: StageStatus;
  /** Why a stage was skipped or what failed. */
  reason?: string;
  outputs: Record<string, string>;
  durationMs?: number;
}

export interface FlowOutcome {
  stages: Record<Stage, StageResult>;
  /** The root outputs published. */
  outputs: Record<string, string>;
}

/** A stage's error in the root action's terms: the stage named, its inputs renamed to the root's. */
export function inFlowTerms(stage: Stage, error: unknown): Error {
  let message = errorMessage(error);
  const where = errorLocation(error);
  let input = where.input;
  for (const [own, root] of Object.entries(STAGE_INPUTS[stage])) {
    if (own === root) continue;
    message = message.split(`'${own}'`).join(`'${root}'`);
    if (input === own) input = root;
  }
  if (isUserError(error)) {
    return new ConfigurationError(`${stage}: ${message}`, { input, file: where.file, line: where.line, column: where.column, hint: where.hint, cause: error });
  }
  return new Error(`${stage}: ${message}`, { cause: error });
}

function stageReader(stage: Stage, source: InputSource, forwarded: Record<string, string> | undefined): InputReader {
  return createInputReader(recordInputSource(stageInputs(stage, source, forwarded)));
}

function formatMs(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One run of the flow: the stages' results so far, and the outputs published. */
class FlowRun {
  readonly results = {} as Record<Stage, StageResult>;
  readonly published: Record<string, string> = {};
  readonly forwarded: FlowState['forwarded'] = {};
  firstError: Error | undefined;

  constructor(
    readonly deps: FlowDeps,
    readonly settings: FlowSettings,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get io(): ActionIO {
    return this.deps.io;
  }

  cancelled(): boolean {
    return this.deps.abortSignal?.aborted === true;
  }

  publish(name: string, value: string): void {
    this.published[name] = value;
    this.io.setOutput(name, value);
  }

  skip(stage: Stage, reason: string): void {
    this.results[stage] = { status: 'skipped', reason, outputs: {} };
    this.io.info(`⏭️ ${stage}: skipped — ${reason}.`);
  }

  /** Runs a stage over its own inputs and IO; a failure is kept (reported once, at the end), not thrown. */
  async run(stage: Stage, fn: (reader: InputReader, io: ActionIO) => Promise<unknown>, stageForwarded: Record<string, string> = {}): Promise<StageResult> {
    this.forwarded[stage] = stageForwarded;
    this.io.state.save(StateKeys.flow, { forwarded: this.forwarded });
    this.io.info('');
    this.io.info(`━━━ ${stage} ━━━`);
    const started = Date.now();
    const outputs: Record<string, string> = {};
    let error: unknown;
    let failed = false;
    try {
      await fn(stageReader(stage, this.deps.source, stageForwarded), stageIO(this.io, outputs));
    } catch (e) {
      error = e;
      failed = true;
    }
    for (const [name, value] of Object.entries(outputs)) {
      const root = rootOutputName(stage, name);
      if (root !== undefined) this.publish(root, value);
    }
    const durationMs = Date.now() - started;
    if (failed) {
      const e = inFlowTerms(stage, error);
      this.firstError ??= e;
      // The error is reported once, at the end (after pr-summary); say here that the stage failed.
      this.io.info(`❌ ${stage} failed after ${formatMs(durationMs)}: ${e.message}`);
      this.results[stage] = { status: 'failed', reason: e.message, outputs, durationMs };
    } else {
      this.io.info(`✅ ${stage} done in ${formatMs(durationMs)}`);
      this.results[stage] = { status: 'succeeded', outputs, durationMs };
    }
    return this.results[stage];
  }
}

export async function flowMain(deps: FlowDeps): Promise<FlowOutcome> {
  const env = deps.env ?? process.env;
  const settings: FlowSettings = readFlowInputs(createInputReader(deps.source), readWorkflowRun(env));
  const f = new FlowRun(deps, settings, env);
  deps.io.info(
    `Flow: ${STAGES.map((s) => `${s} ${planOf(settings, s).run ? '▶' : '⏭'}`).join(' → ')}` +
      (settings.defaultBranch ? ` (default branch ${settings.defaultBranch}${settings.onDefaultBranch ? ', this run is on it' : ''})` : ''),
  );
  const jobName = await submitStage(f);
  const gateOk = await gateStage(f, jobName);
  const model = await registerStage(f, jobName, gateOk);
  await deployStage(f, gateOk, model);
  await championStage(f, model);
  // pr-summary reports whatever happened before.
  if (!settings.summary.run) f.skip('pr-summary', settings.summary.reason ?? 'off');
  else if (f.cancelled()) f.skip('pr-summary', 'the workflow was cancelled');
  else
    await f.run('pr-summary', async (reader, io) => (await stageModules['pr-summary']()).prSummaryMain({ reader, io, env, abortSignal: f.deps.abortSignal }));
  return conclude(f);
}

async function submitStage(f: FlowRun): Promise<string | undefined> {
  const { settings, env } = f;
  if (!settings.submit.run) {
    f.skip('submit-job', settings.submit.reason ?? 'off');
    return settings.jobName;
  }
  const r = await f.run('submit-job', async (reader, io) =>
    (await stageModules['submit-job']()).submitJobMain({ reader, io, env, abortSignal: f.deps.abortSignal, jobsOnly: true }),
  );
  return r.outputs['job-name'] ?? settings.jobName;
}

/** True when the model may go on: the gate passed (or was off). */
async function gateStage(f: FlowRun, jobName: string | undefined): Promise<boolean> {
  const { settings, env } = f;
  if (!settings.gate.run) f.skip('metric-gate', settings.gate.reason ?? 'off');
  else if (jobFailed(f) || f.cancelled()) f.skip('metric-gate', f.cancelled() ? 'the workflow was cancelled' : 'the job did not complete');
  else {
    const forwarded = { ...(jobName ? { 'job-name': jobName } : {}), ...(settings.baseline ? { baseline: settings.baseline } : {}) };
    const r = await f.run(
      'metric-gate',
      async (reader, io) => (await stageModules['metric-gate']()).metricGateMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      forwarded,
    );
    const passed = r.status === 'succeeded' && r.outputs.passed === 'true';
    if (r.status === 'succeeded' && !passed)
      f.io.warning('The metric gate failed (fail-on-violation is false): the model is not registered nor deployed.', { title: 'azureml-actions: gate failed' });
    return r.status !== 'failed' && passed;
  }
  return f.results['metric-gate'].status !== 'failed';
}

function jobFailed(f: FlowRun): boolean {
  return f.results['submit-job'].status === 'failed';
}

type ModelRef = { name: string; version: string; uri: string };

async function registerStage(f: FlowRun, jobName: string | undefined, gateOk: boolean): Promise<ModelRef | undefined> {
  const { settings, env } = f;
  if (!settings.register.run) f.skip('register-model', settings.register.reason ?? 'off');
  else if (f.cancelled()) f.skip('register-model', 'the workflow was cancelled');
  else if (jobFailed(f)) f.skip('register-model', 'the job did not complete');
  else if (!gateOk) f.skip('register-model', 'the metric gate failed');
  else {
    const r = await f.run(
      'register-model',
      async (reader, io) => (await stageModules['register-model']()).registerModelMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      !settings.modelPath && jobName ? { 'job-name': jobName } : {},
    );
    const { outputs } = r;
    if (r.status === 'succeeded' && outputs['model-name'] && outputs['model-version']) {
      return {
        name: outputs['model-name'],
        version: outputs['model-version'],
        uri: outputs['model-uri'] ?? `azureml:${outputs['model-name']}:${outputs['model-version']}`,
      };
    }
  }
  return undefined;
}

async function deployStage(f: FlowRun, gateOk: boolean, model: ModelRef | undefined): Promise<void> {
  const { settings, env } = f;
  if (!settings.deploy.run) f.skip('deploy', settings.deploy.reason ?? 'off');
  else if (f.cancelled()) f.skip('deploy', 'the workflow was cancelled');
  else if (jobFailed(f)) f.skip('deploy', 'the job did not complete');
  else if (!gateOk) f.skip('deploy', 'the metric gate failed');
  else if (settings.register.run && !model) f.skip('deploy', 'the model was not registered');
  else
    await f.run(
      'deploy',
      async (reader, io) => (await stageModules.deploy()).deployMain({ reader, io, env, abortSignal: f.deps.abortSignal }),
      model ? { model: model.uri } : {},
    );
}

/** The champion alias moves to the model once it is promoted (deployed, or on the default branch without a deploy). */
async function championStage(f: FlowRun, model: ModelRef | undefined): Promise<void> {
  const { settings, results } = f;
  if (!model || settings.aliases.length === 0) return;
  const promoted = results.deploy.status === 'succeeded' || (results.deploy.status === 'skipped' && settings.onDefaultBranch && !settings.deploy.run);
  if (!promoted || f.cancelled()) {
    const why = results.deploy.status === 'failed' ? 'the rollout did not succeed' : settings.pullRequest ? 'a pull request' : 'not the default branch';
    f.io.info(`${settings.aliases.map((a) => `@${a}`).join(', ')} not moved to ${model.name}:${model.version}: ${why}.`);
    return;
  }
  try {
    const moves = await moveModelAliases(stageReader('register-model', f.deps.source, {}), f.env, model, settings.aliases, f.io);
    const text = moves.map((m) => `@${m.alias} → ${model.name}:${model.version}${m.from.length ? ` (from ${m.from.join(', ')})` : ''}`).join(', ');
    f.io.info(`Champion: ${text}`);
    f.publish('model-aliases', settings.aliases.join(','));
  } catch (error) {
    const e = inFlowTerms('register-model', error);
    f.firstError ??= e;
    f.io.info(`❌ moving ${settings.aliases.map((a) => `@${a}`).join(', ')} failed: ${e.message}`);
  }
}

/** The stage results as an output and a line; the step fails with the first stage error. */
function conclude(f: FlowRun): FlowOutcome {
  const { results } = f;
  const stageResults = Object.fromEntries(
    STAGES.map((s) => [
      s,
      {
        status: results[s].status,
        ...(results[s].reason ? { reason: results[s].reason } : {}),
        ...(results[s].durationMs !== undefined ? { durationMs: results[s].durationMs } : {}),
      },
    ]),
  );
  f.publish('stage-results', JSON.stringify(stageResults));
  f.io.info('');
  f.io.info(`Flow: ${STAGES.map((s) => `${s} ${results[s].status === 'succeeded' ? '✅' : results[s].status === 'failed' ? '❌' : '⏭️'}`).join(' → ')}`);
  if (f.firstError) throw f.firstError;
  if (f.cancelled()) throw new Error('the workflow was cancelled');
  return { stages: results, outputs: f.published };
}

function planOf(s: FlowSettings, stage: Stage) {
  switch (stage) {
    case 'submit-job':
      return s.submit;
    case 'metric-gate':
      return s.gate;
    case 'register-model':
      return s.register;
    case 'deploy':
      return s.deploy;
    case 'pr-summary':
      return s.summary;
  }
}

/** Moves the aliases (e.g. `champion`) to the promoted version, as register-model's `alias` does. */
async function moveModelAliases(reader: InputReader, env: NodeJS.ProcessEnv, model: { name: string; version: string }, aliases: string[], log: ActionLog) {
  const [{ createAzureContext, readAzureInputs }, { moveAliases, workspaceModelStore }] = await Promise.all([
    import('../azure/context.js'),
    import('../models/versions.js'),
  ]);
  const azure = await readAzureInputs(reader, { env });
  const ctx = await createAzureContext(azure, { actionName: 'register-model', info: (m) => log.info(m) });
  const models = workspaceModelStore(ctx.arm, azure.workspaceName);
  const version = await models.getVersion(model.name, model.version);
  if (!version) throw new Error(`model ${model.name}:${model.version} is not there any more`);
  const { moves } = await moveAliases(models, model.name, version, aliases, (m) => log.info(m));
  return moves;
}

/**
 * Post step: submit-job's (cancel the job main left running) and deploy's (restore the traffic
 * of a rollout main did not finish), each with the inputs its main step had. Both run; the first
 * error is thrown.
 */
export async function flowPost(deps: FlowDeps): Promise<void> {
  const env = deps.env ?? process.env;
  const forwarded = deps.io.state.load(StateKeys.flow)?.forwarded ?? {};
  let firstError: Error | undefined;
  const post = async (stage: Stage, fn: (reader: InputReader) => Promise<void>) => {
    try {
      await fn(stageReader(stage, deps.source, forwarded[stage]));
    } catch (error) {
      firstError ??= inFlowTerms(stage, error);
    }
  };
  await post('submit-job', async (reader) => (await stageModules['submit-job']()).submitJobPost({ reader, io: deps.io, env }));
  await post('deploy', async (reader) => (await stageModules.deploy()).deployPost({ reader, io: deps.io, env }));
  if (firstError) throw firstError;
}
