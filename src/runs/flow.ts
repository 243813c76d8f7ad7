/**
 * The whole flow in one step (root action.yml):
 *
 *   submit-job → metric-gate → register-model (only when the gate passed) → deploy (on the
 *   default branch, or with deploy: true) → the champion alias moved → pr-summary (always)
 *
 * Each stage is the same module as the separate action (submitJobMain, metricGateMain,
 * registerModelMain, deployMain, prSummaryMain), run in this process over an InputReader whose
 * source maps the root inputs onto the stage's (src/runs/flow/stages.ts), plus what an earlier stage
 * produced (the job name, the model reference). Each stage writes its own output file; its
 * outputs are published under namespaced names. A stage that fails stops the stages that depend
 * on it, pr-summary still reports, and the step then fails with the first error. The post step
 * runs submit-job's post (cancel the job) and deploy's post (roll back the traffic).
 */
import * as core from '@actions/core';
import { createAzureContext, readAzureInputs } from '../azure/context.js';
import { deployPost, deployMain } from './deploy.js';
import { ConfigurationError, errorLocation, errorMessage, isUserError } from '../core/errors.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import { createInputReader, recordInputSource, type InputReader, type InputSource } from '../core/inputs.js';
import { StateKeys, type FlowState, type PostState } from '../core/state.js';
import { submitJobMain, submitJobPost } from './submit-job.js';
import { metricGateMain } from './metric-gate.js';
import { registerModelMain } from './register-model.js';
import { moveAliases, workspaceModelStore } from '../models/versions.js';
import { prSummaryMain } from './pr-summary.js';
import { captureOutputs } from './flow/outputs.js';
import { readFlowInputs, type FlowSettings } from './inputs/flow.js';
import { rootOutputName, STAGE_INPUTS, STAGES, stageInputs, type Stage } from './flow/stages.js';

export interface FlowDeps {
  /** The root action's inputs (default: `@actions/core`). */
  source: InputSource;
  state: PostState;
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

export async function flowMain(deps: FlowDeps): Promise<FlowOutcome> {
  const env = deps.env ?? process.env;
  const run = readWorkflowRun(env);
  const settings: FlowSettings = readFlowInputs(createInputReader(deps.source), run);
  const abortSignal = deps.abortSignal;
  const forwarded: FlowState['forwarded'] = {};
  const results = {} as Record<Stage, StageResult>;
  const published: Record<string, string> = {};
  let firstError: Error | undefined;

  const publish = (stage: Stage, outputs: Record<string, string>) => {
    for (const [name, value] of Object.entries(outputs)) {
      const root = rootOutputName(stage, name);
      if (root === undefined) continue;
      published[root] = value;
      core.setOutput(root, value);
    }
  };
  const skip = (stage: Stage, reason: string) => {
    results[stage] = { status: 'skipped', reason, outputs: {} };
    core.info(`⏭️ ${stage}: skipped — ${reason}.`);
  };
  const runStage = async <T>(stage: Stage, fn: (reader: InputReader) => Promise<T>, stageForwarded: Record<string, string> = {}): Promise<StageResult & { value?: T }> => {
    forwarded[stage] = stageForwarded;
    deps.state.save(StateKeys.flow, { forwarded });
    core.info('');
    core.info(`━━━ ${stage} ━━━`);
    const started = Date.now();
    const captured = await captureOutputs(() => fn(stageReader(stage, deps.source, stageForwarded)), env.RUNNER_TEMP);
    publish(stage, captured.outputs);
    const durationMs = Date.now() - started;
    if (captured.failed) {
      const error = inFlowTerms(stage, captured.error);
      firstError ??= error;
      // The error is reported once, at the end (after pr-summary); say here that the stage failed.
      core.info(`❌ ${stage} failed after ${formatMs(durationMs)}: ${error.message}`);
      results[stage] = { status: 'failed', reason: error.message, outputs: captured.outputs, durationMs };
      return results[stage];
    }
    core.info(`✅ ${stage} done in ${formatMs(durationMs)}`);
    results[stage] = { status: 'succeeded', outputs: captured.outputs, durationMs };
    return { ...results[stage], value: captured.value };
  };
  const cancelled = () => abortSignal?.aborted === true;

  core.info(
    `Flow: ${STAGES.map((s) => `${s} ${planOf(settings, s).run ? '▶' : '⏭'}`).join(' → ')}` +
      (settings.defaultBranch ? ` (default branch ${settings.defaultBranch}${settings.onDefaultBranch ? ', this run is on it' : ''})` : ''),
  );

  // ---- submit-job
  let jobName = settings.jobName;
  if (settings.submit.run) {
    const r = await runStage('submit-job', (reader) => submitJobMain({ reader, state: deps.state, env, abortSignal }));
    jobName = r.outputs['job-name'] ?? jobName;
  } else skip('submit-job', settings.submit.reason ?? 'off');
  const jobFailed = results['submit-job'].status === 'failed';

  // ---- metric-gate
  let gatePassed = true;
  if (!settings.gate.run) skip('metric-gate', settings.gate.reason ?? 'off');
  else if (jobFailed || cancelled()) skip('metric-gate', cancelled() ? 'the workflow was cancelled' : 'the job did not complete');
  else {
    const r = await runStage(
      'metric-gate',
      (reader) => metricGateMain({ reader, env, abortSignal }),
      { ...(jobName ? { 'job-name': jobName } : {}), ...(settings.baseline ? { baseline: settings.baseline } : {}) },
    );
    gatePassed = r.status === 'succeeded' && r.outputs.passed === 'true';
    if (r.status === 'succeeded' && !gatePassed) core.warning('The metric gate failed (fail-on-violation is false): the model is not registered nor deployed.', { title: 'azureml-actions: gate failed' });
  }
  const gateOk = results['metric-gate'].status !== 'failed' && gatePassed;

  // ---- register-model
  let model: { name: string; version: string; uri: string } | undefined;
  if (!settings.register.run) skip('register-model', settings.register.reason ?? 'off');
  else if (cancelled()) skip('register-model', 'the workflow was cancelled');
  else if (jobFailed) skip('register-model', 'the job did not complete');
  else if (!gateOk) skip('register-model', 'the metric gate failed');
  else {
    const r = await runStage(
      'register-model',
      (reader) => registerModelMain({ reader, env, abortSignal }),
      !settings.modelPath && jobName ? { 'job-name': jobName } : {},
    );
    if (r.status === 'succeeded' && r.outputs['model-name'] && r.outputs['model-version']) {
      model = { name: r.outputs['model-name'], version: r.outputs['model-version'], uri: r.outputs['model-uri'] ?? `azureml:${r.outputs['model-name']}:${r.outputs['model-version']}` };
    }
  }

  // ---- deploy
  if (!settings.deploy.run) skip('deploy', settings.deploy.reason ?? 'off');
  else if (cancelled()) skip('deploy', 'the workflow was cancelled');
  else if (jobFailed) skip('deploy', 'the job did not complete');
  else if (!gateOk) skip('deploy', 'the metric gate failed');
  else if (settings.register.run && !model) skip('deploy', 'the model was not registered');
  else {
    await runStage('deploy', (reader) => deployMain({ reader, state: deps.state, env, abortSignal }), model ? { model: model.uri } : {});
  }

  // ---- the champion alias
  const promoted = results.deploy.status === 'succeeded' || (results.deploy.status === 'skipped' && settings.onDefaultBranch && !settings.deploy.run);
  if (model && settings.aliases.length > 0) {
    if (promoted && !cancelled()) {
      try {
        const moves = await moveModelAliases(stageReader('register-model', deps.source, {}), env, model, settings.aliases);
        const text = moves.map((m) => `@${m.alias} → ${model!.name}:${model!.version}${m.from.length ? ` (from ${m.from.join(', ')})` : ''}`).join(', ');
        core.info(`Champion: ${text}`);
        published['model-aliases'] = settings.aliases.join(',');
        core.setOutput('model-aliases', published['model-aliases']);
      } catch (error) {
        const e = inFlowTerms('register-model', error);
        firstError ??= e;
        core.info(`❌ moving ${settings.aliases.map((a) => `@${a}`).join(', ')} failed: ${e.message}`);
      }
    } else {
      const why = results.deploy.status === 'failed' ? 'the rollout did not succeed' : settings.pullRequest ? 'a pull request' : 'not the default branch';
      core.info(`${settings.aliases.map((a) => `@${a}`).join(', ')} not moved to ${model.name}:${model.version}: ${why}.`);
    }
  }

  // ---- pr-summary: reports whatever happened before
  if (!settings.summary.run) skip('pr-summary', settings.summary.reason ?? 'off');
  else if (cancelled()) skip('pr-summary', 'the workflow was cancelled');
  else await runStage('pr-summary', (reader) => prSummaryMain({ reader, env }));

  const stageResults = Object.fromEntries(
    STAGES.map((s) => [s, { status: results[s].status, ...(results[s].reason ? { reason: results[s].reason } : {}), ...(results[s].durationMs !== undefined ? { durationMs: results[s].durationMs } : {}) }]),
  );
  published['stage-results'] = JSON.stringify(stageResults);
  core.setOutput('stage-results', published['stage-results']);
  core.info('');
  core.info(`Flow: ${STAGES.map((s) => `${s} ${results[s].status === 'succeeded' ? '✅' : results[s].status === 'failed' ? '❌' : '⏭️'}`).join(' → ')}`);

  if (firstError) throw firstError;
  if (cancelled()) throw new Error('the workflow was cancelled');
  return { stages: results, outputs: published };
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
async function moveModelAliases(reader: InputReader, env: NodeJS.ProcessEnv, model: { name: string; version: string }, aliases: string[]) {
  const azure = await readAzureInputs(reader, { env });
  const ctx = await createAzureContext(azure, { actionName: 'register-model' });
  const models = workspaceModelStore(ctx.arm, azure.workspaceName);
  const version = await models.getVersion(model.name, model.version);
  if (!version) throw new Error(`model ${model.name}:${model.version} is not there any more`);
  const { moves } = await moveAliases(models, model.name, version, aliases, (m) => core.info(m));
  return moves;
}

/**
 * Post step: submit-job's (cancel the job main left running) and deploy's (restore the traffic
 * of a rollout main did not finish), each with the inputs its main step had. Both run; the first
 * error is thrown.
 */
export async function flowPost(deps: FlowDeps): Promise<void> {
  const env = deps.env ?? process.env;
  const forwarded = deps.state.load(StateKeys.flow)?.forwarded ?? {};
  let firstError: Error | undefined;
  const post = async (stage: Stage, fn: (reader: InputReader) => Promise<void>) => {
    try {
      await fn(stageReader(stage, deps.source, forwarded[stage]));
    } catch (error) {
      firstError ??= inFlowTerms(stage, error);
    }
  };
  await post('submit-job', (reader) => submitJobPost({ reader, state: deps.state, env }));
  await post('deploy', (reader) => deployPost({ reader, state: deps.state, env }));
  if (firstError) throw firstError;
}
