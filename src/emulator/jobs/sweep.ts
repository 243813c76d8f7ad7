/**
 * A sweep job: samples `searchSpace`, runs `trial` (a command job body) once per point as child
 * jobs `<sweep>_0`, `<sweep>_1`, … (at most `limits.maxConcurrentTrials` at once, at most
 * `limits.maxTotalTrials` in all), substituting `${{search_space.x}}`. The best trial by
 * `objective` (its latest value of `primaryMetric`) is recorded as HyperDrive does, in the
 * parent's properties `best_child_run_id`, `score`, `best_metric_status` (run history and the job
 * resource) and the MLflow tag `best_child_run_id`; the sweep's outputs point at the best
 * trial's. Early termination policies are accepted but not applied (a warning says so).
 */
import { parseDurationMs, parseJobId, pick, pickString, stringMap } from '../data/resources.js';
import { BindingError, substituteSearchSpace } from './bindings.js';
import { createChildJob, ParentLog, queueThenRun, runChild } from './children.js';
import { addDefaultOutput, fail, finishStopped, JobFailure } from './command.js';
import type { RunWarning } from '../mlflow/tracking.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { formatValue, parseSamplingAlgorithm, parseSearchSpace, planTrials, SearchSpaceError, type SearchSpace } from './search-space.js';
import { errorOf } from './status.js';
import { asObj } from '../obj.js';

interface SweepPlan {
  space: SearchSpace;
  algorithm: string;
  seed?: number;
  points: Array<Record<string, string>>;
  commands: string[];
  primaryMetric: string;
  goal: 'maximize' | 'minimize';
  maxConcurrent: number;
  timeoutMs?: number;
  trialTimeout?: string;
  warnings: RunWarning[];
}

function describe(space: SearchSpace): string {
  return Object.entries(space)
    .map(([k, d]) => {
      const args = Object.entries(d)
        .filter(([key]) => key !== 'kind')
        .map(([, v]) => JSON.stringify(v))
        .join(', ');
      return `${k}: ${d.kind}(${args})`;
    })
    .join('; ');
}

function planSweep(name: string, props: Record<string, unknown>): SweepPlan {
  const trial = asObj(props.trial);
  if (!trial) throw new JobFailure(`The sweep job has no 'trial' (the command job each trial runs)`, 'InvalidSweep');
  const command = pickString(trial, 'command');
  if (!command) throw new JobFailure(`The sweep's trial has no command`, 'InvalidSweep');
  const objective = asObj(props.objective);
  const primaryMetric = pickString(objective, 'primaryMetric', 'primary_metric');
  const goalRaw = pickString(objective, 'goal')?.toLowerCase();
  if (!primaryMetric || (goalRaw !== 'maximize' && goalRaw !== 'minimize')) {
    throw new JobFailure(`The sweep's objective needs primaryMetric and goal (Maximize or Minimize)`, 'InvalidSweep');
  }
  const warnings: RunWarning[] = [];
  let space: SearchSpace;
  let algorithm: ReturnType<typeof parseSamplingAlgorithm>;
  let points: Array<Record<string, unknown>>;
  const limits = asObj(props.limits);
  const maxTotalRaw = pick(limits, 'maxTotalTrials', 'max_total_trials');
  const maxTotal = typeof maxTotalRaw === 'number' && maxTotalRaw > 0 ? Math.floor(maxTotalRaw) : undefined;
  try {
    space = parseSearchSpace(pick(props, 'searchSpace', 'search_space'));
    algorithm = parseSamplingAlgorithm(pick(props, 'samplingAlgorithm', 'sampling_algorithm') ?? 'random');
    points = planTrials(space, algorithm, maxTotal, name).points;
  } catch (err) {
    if (err instanceof SearchSpaceError) throw new JobFailure(err.message, 'InvalidSearchSpace');
    throw err;
  }
  if (points.length === 0) throw new JobFailure(`The search space yields no trials`, 'InvalidSearchSpace');
  if (algorithm.type === 'bayesian') {
    warnings.push({ source: 'azureml-emulator', message: 'Bayesian sampling is run as random sampling by the local emulator.' });
  }
  const early = asObj(pick(props, 'earlyTermination', 'early_termination'));
  if (early) {
    const policy = pickString(early, 'policyType', 'type') ?? 'unknown';
    warnings.push({
      source: 'azureml-emulator',
      message: `The early termination policy '${policy}' is accepted but not applied by the local emulator: every trial runs to its end.`,
    });
  }
  const formatted = points.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, formatValue(v)])));
  let commands: string[];
  try {
    commands = formatted.map((p) => substituteSearchSpace(command, p));
  } catch (err) {
    if (err instanceof BindingError) throw new JobFailure(`Invalid trial command: ${err.message}`, 'InvalidCommand');
    throw err;
  }
  const maxConcRaw = pick(limits, 'maxConcurrentTrials', 'max_concurrent_trials');
  const maxConcurrent = typeof maxConcRaw === 'number' && maxConcRaw > 0 ? Math.floor(maxConcRaw) : points.length;
  return {
    space,
    algorithm: algorithm.type,
    seed: algorithm.seed,
    points: formatted,
    commands,
    primaryMetric,
    goal: goalRaw,
    maxConcurrent,
    timeoutMs: parseDurationMs(pick(limits, 'timeout')),
    trialTimeout: pickString(limits, 'trialTimeout', 'trial_timeout'),
    warnings,
  };
}

/** Runs a sweep job; `link` when it is the child of a pipeline's sweep step. */
export async function runSweepJob(rt: Runtime, jobId: string, active: ActiveJob, link?: ParentLink): Promise<Outcome> {
  const { ws, name } = parseJobId(jobId);
  const signal = active.signal;
  const job = await rt.loadJob(jobId);
  if (!job) return { status: 'Failed' };
  await rt.ensureRun(jobId, job, link);
  // A sweep has its own default output, its run's artifact folder (recording jobs/sweep-job-create-get.json Entries[2]).
  await addDefaultOutput(rt, jobId, name);
  const scope = rt.scopeOf(ws);
  const props = job.properties;
  const experimentName = pickString(props, 'experimentName') ?? 'Default';

  await rt.recorder.transition(jobId, 'Starting');
  await rt.step(signal);
  if (signal.aborted) return finishStopped(rt, jobId, active);
  await rt.recorder.transition(jobId, 'Preparing');
  let plan: SweepPlan;
  try {
    plan = planSweep(name, props);
  } catch (err) {
    return fail(rt, jobId, err);
  }
  const log = new ParentLog(rt, jobId);
  await log.open();
  if (plan.warnings.length > 0) await rt.tracking.updateHistory(scope, name, { warnings: plan.warnings });
  await log.write(`sweep ${name}: search space ${describe(plan.space)}`);
  await log.write(
    `sampling ${plan.algorithm}${plan.seed !== undefined ? ` (seed ${plan.seed})` : ''}: ${plan.points.length} trial(s), at most ${plan.maxConcurrent} at once; objective: ${plan.goal} ${plan.primaryMetric}`,
  );
  for (const w of plan.warnings) await log.write(`warning: ${w.message}`);
  if (!(await queueThenRun(rt, jobId, signal, log))) return finishStopped(rt, jobId, active);

  let timer: NodeJS.Timeout | undefined;
  if (plan.timeoutMs !== undefined) {
    timer = setTimeout(() => rt.requestStop(jobId, 'timeout'), plan.timeoutMs);
    timer.unref();
  }

  const trial = asObj(props.trial) ?? {};
  const results: Array<{ name: string; outcome?: Outcome }> = plan.points.map((_, i) => ({ name: `${name}_${i}` }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.points.length && !signal.aborted) {
      const i = next++;
      const childName = results[i].name;
      const outputs = structuredClone(asObj(props.outputs) ?? {});
      for (const [k, v] of Object.entries(outputs)) {
        const o = asObj(v);
        // Each trial writes its own folder unless the path is per-job (${{name}}).
        if (o && typeof o.uri === 'string' && !/\$\{\{\s*name\s*\}\}/.test(o.uri)) delete o.uri;
        if (k === 'default') delete outputs[k];
      }
      const childId = await createChildJob(rt, job, jobId, childName, {
        displayName: childName,
        experimentName,
        command: plan.commands[i],
        codeId: pick(trial, 'codeId', 'code'),
        environmentId: pick(trial, 'environmentId', 'environment'),
        environmentVariables: stringMap(pick(trial, 'environmentVariables', 'environment_variables')),
        resources: pick(trial, 'resources'),
        distribution: pick(trial, 'distribution'),
        computeId: pick(props, 'computeId'),
        inputs: structuredClone(asObj(props.inputs) ?? {}),
        outputs,
        ...(plan.trialTimeout ? { limits: { jobLimitsType: 'Command', timeout: plan.trialTimeout } } : {}),
        tags: {},
        properties: { 'azureml.parentrunid': name, hyperparameters: JSON.stringify(plan.points[i]) },
      });
      await log.write(`trial ${childName} started: ${JSON.stringify(plan.points[i])}`);
      const outcome = await runChild(rt, active, childId, { name, kind: 'sweep', experimentName });
      results[i].outcome = outcome;
      const run = await rt.tracking.findRun(scope, childName);
      const metric = run?.latest[plan.primaryMetric];
      await log.write(
        `trial ${childName} ${outcome.status}` +
          (metric ? `: ${plan.primaryMetric} = ${metric.value}` : outcome.status === 'Completed' ? `: ${plan.primaryMetric} was not logged` : '') +
          (outcome.error ? ` (${outcome.error.error.message.split('\n')[0]})` : ''),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.maxConcurrent, plan.points.length) }, worker));
  if (timer) clearTimeout(timer);

  if (signal.aborted) {
    await log.write(`sweep stopped (${active.reason ?? 'cancel'}); ${results.filter((r) => r.outcome).length} trial(s) ran`);
    await log.close();
    return finishStopped(rt, jobId, active);
  }

  await rt.recorder.transition(jobId, 'Finalizing');
  const completed = results.filter((r) => r.outcome?.status === 'Completed');
  let best: { name: string; value: number } | undefined;
  for (const r of completed) {
    const v = (await rt.tracking.findRun(scope, r.name))?.latest[plan.primaryMetric]?.value;
    if (v === undefined || Number.isNaN(v)) continue;
    if (!best || (plan.goal === 'maximize' ? v > best.value : v < best.value)) best = { name: r.name, value: v };
  }

  if (completed.length === 0) {
    const first = results.find((r) => r.outcome?.error);
    await log.write(`all ${results.length} trial(s) failed`);
    await log.close();
    const error = errorOf(
      'UserError',
      `All ${results.length} trial(s) of the sweep failed.` + (first ? ` First failure (${first.name}): ${first.outcome!.error!.error.message}` : ''),
      'AllTrialsFailed',
      rt.host.now(),
    );
    await rt.recorder.transition(jobId, 'Failed', { error });
    return { status: 'Failed', error };
  }

  if (best) {
    const properties = { best_child_run_id: best.name, score: String(best.value), best_metric_status: 'Succeeded' };
    await rt.tracking.updateHistory(scope, name, { properties });
    await rt.tracking.setTags(scope, name, { best_child_run_id: best.name });
    const bestJob = await rt.loadJob(`${ws.id}/jobs/${best.name}`);
    const bestOutputs = asObj(bestJob?.properties.outputs) ?? {};
    await rt.recorder.patch(jobId, (j) => {
      j.properties.properties = { ...stringMap(j.properties.properties), ...properties };
      const outputs = asObj(j.properties.outputs) ?? {};
      for (const [k, v] of Object.entries(outputs)) {
        // The sweep's default output stays its own artifact folder; azure-ai-ml downloads the best
        // trial's outputs from the trial (JobOperations.download reads best_child_run_id).
        if (k === 'default') continue;
        const uri = pickString(asObj(bestOutputs[k]), 'uri');
        const o = asObj(v);
        if (uri && o) o.uri = uri;
      }
    });
    await log.write(`best trial: ${best.name} (${plan.primaryMetric} = ${best.value}, ${plan.goal})`);
  } else {
    const warning = {
      source: 'azureml-emulator',
      message: `No completed trial logged the primary metric '${plan.primaryMetric}'; no best trial was chosen.`,
    };
    await rt.tracking.updateHistory(scope, name, { warnings: [warning], properties: { best_metric_status: 'Failed' } });
    await log.write(`warning: ${warning.message}`);
  }
  await log.close();
  await rt.step(signal);
  await rt.recorder.transition(jobId, 'Completed');
  return { status: 'Completed' };
}
