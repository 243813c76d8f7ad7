/** `type: sweep` jobs → SweepJob: a command trial run over a search space. */
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commonProperties, COMMON_KEYS, distribution, resources } from './common.js';
import { checkCommandRefs, jobInputs, jobOutputs, scopeOf } from './io.js';
import type { JobTypeTranslator } from './types.js';

const SWEEP_KEYS = [...COMMON_KEYS, 'trial', 'inputs', 'outputs', 'search_space', 'sampling_algorithm', 'objective', 'early_termination', 'limits'];
const TRIAL_KEYS = ['command', 'code', 'environment', 'environment_variables', 'resources', 'distribution'];

/** Search space distributions and their parameters (sweep jobs and AutoML image search spaces alike). */
export const DISTRIBUTIONS: Record<string, string[]> = {
  choice: ['values'],
  randint: ['upper'],
  uniform: ['min_value', 'max_value'],
  loguniform: ['min_value', 'max_value'],
  quniform: ['min_value', 'max_value', 'q'],
  qloguniform: ['min_value', 'max_value', 'q'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
};
const SAMPLING: Record<string, string> = { random: 'Random', grid: 'Grid', bayesian: 'Bayesian' };

async function translate(ctx: PlanContext, spec: Obj, at: SpecPath = []): Promise<Obj> {
  ctx.checkKeys(spec, SWEEP_KEYS, at, 'sweep job');
  const p = commonProperties(ctx, spec, 'Sweep', at);
  const trial = await trialOf(ctx, spec.trial, [...at, 'trial']);
  p.trial = trial;
  const inputs = await jobInputs(ctx, spec.inputs, [...at, 'inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, 'outputs']);
  if (outputs) p.outputs = outputs;
  const space = sweepSettings(ctx, spec, at);
  p.searchSpace = space.searchSpace;
  checkCommandRefs(ctx, trial.command as string, [...at, 'trial', 'command'], scopeOf(inputs, outputs, space.searchSpace));
  p.samplingAlgorithm = space.samplingAlgorithm;
  p.objective = space.objective;
  if (space.earlyTermination) p.earlyTermination = space.earlyTermination;
  if (space.limits) p.limits = space.limits;
  return p;
}

/** The sweep settings a sweep job and a sweep step share, checked, as the SweepJob body has them. */
export interface SweepSettings {
  searchSpace: Obj;
  samplingAlgorithm: Obj;
  objective: Obj;
  earlyTermination?: Obj;
  limits?: Obj;
}

/** `search_space`, `sampling_algorithm`, `objective`, `early_termination` and `limits` of `spec` (at `at`). */
export function sweepSettings(ctx: PlanContext, spec: Obj, at: SpecPath): SweepSettings {
  if (spec.search_space === undefined) ctx.fail(at, "a sweep needs 'search_space'");
  const searchSpace = searchSpaceOf(ctx, spec.search_space, [...at, 'search_space']);
  const out: SweepSettings = {
    searchSpace,
    samplingAlgorithm: samplingAlgorithm(ctx, spec.sampling_algorithm, searchSpace, at),
    objective: objective(ctx, spec.objective, at),
  };
  if (spec.early_termination !== undefined && spec.early_termination !== null) out.earlyTermination = earlyTermination(ctx, spec.early_termination, at);
  if (spec.limits !== undefined && spec.limits !== null) out.limits = sweepLimits(ctx, spec.limits, at);
  return out;
}

async function trialOf(ctx: PlanContext, v: unknown, tp: SpecPath): Promise<Obj> {
  const t = ctx.map(v, tp, 'a sweep job needs a trial (command, code, environment)');
  ctx.checkKeys(t, TRIAL_KEYS, tp, 'sweep trial');
  if (t.command === undefined) ctx.fail(tp, "the trial needs 'command'");
  const trial: Obj = { command: ctx.str(t.command, [...tp, 'command']).trim() };
  const code = await codeId(ctx, t.code, [...tp, 'code']);
  if (code) trial.codeId = code;
  trial.environmentId = await environmentId(ctx, t.environment, [...tp, 'environment']);
  const env = ctx.stringMap(t.environment_variables, [...tp, 'environment_variables']);
  if (env) trial.environmentVariables = env;
  const res = resources(ctx, t.resources, [...tp, 'resources']);
  if (res) trial.resources = res;
  const dist = distribution(ctx, t.distribution, [...tp, 'distribution']);
  if (dist) trial.distribution = dist;
  return trial;
}

function searchSpaceOf(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
  if (!isObj(v) || Object.keys(v).length === 0) return ctx.fail(path, 'must be a map of parameter names to distributions');
  const out: Obj = {};
  for (const [name, d] of Object.entries(v)) out[name] = parameter(ctx, d, [...path, name]);
  return out;
}

/** One parameter of the search space → `[distribution, [arguments]]`. */
function parameter(ctx: PlanContext, v: unknown, p: SpecPath): unknown[] {
  const d = ctx.map(v, p, 'must be a map with a type (choice, uniform, ...)');
  const type = ctx.str(d.type, [...p, 'type']).toLowerCase();
  const keys = ctx.oneOf(type, [...p, 'type'], DISTRIBUTIONS, 'a search space distribution');
  ctx.checkKeys(d, ['type', ...keys], p, `${type} distribution`);
  if (type === 'choice') {
    if (!Array.isArray(d.values) || d.values.length === 0) ctx.fail([...p, 'values'], 'must be a non-empty list');
    for (const [i, x] of (d.values as unknown[]).entries()) {
      if (isObj(x) || Array.isArray(x)) ctx.fail([...p, 'values', i], 'nested search spaces are not supported; give plain values');
    }
    return ['choice', [d.values]];
  }
  if (type === 'randint') return ['randint', [ctx.int(d.upper, [...p, 'upper'], 1)]];
  const args = keys.map((k) => ctx.num(d[k], [...p, k]));
  if (type.includes('uniform') && args[0] >= args[1]) ctx.fail([...p, 'max_value'], 'must be greater than min_value');
  return [type, args];
}

/** `sampling_algorithm`: a name, or a map with type (and seed / rule for random sampling). */
function samplingAlgorithm(ctx: PlanContext, sa: unknown, space: Obj, at: SpecPath): Obj {
  const sp: SpecPath = [...at, 'sampling_algorithm'];
  if (sa === undefined) ctx.fail(at, "a sweep needs 'sampling_algorithm' (random, grid or bayesian)");
  const saObj = isObj(sa) ? sa : { type: sa };
  if (isObj(sa)) ctx.checkKeys(sa, ['type', 'seed', 'rule'], sp, 'sampling algorithm');
  const saType = ctx.str(saObj.type, isObj(sa) ? [...sp, 'type'] : sp).toLowerCase();
  const algo: Obj = { samplingAlgorithmType: ctx.oneOf(saType, sp, SAMPLING, 'a sampling algorithm') };
  if (saObj.seed !== undefined) algo.seed = ctx.int(saObj.seed, [...sp, 'seed']);
  if (saObj.rule !== undefined) {
    const rule = ctx.str(saObj.rule, [...sp, 'rule']).toLowerCase();
    if (rule !== 'random' && rule !== 'sobol') ctx.fail([...sp, 'rule'], "must be 'random' or 'sobol'");
    algo.rule = rule === 'sobol' ? 'Sobol' : 'Random';
  }
  if ((algo.seed !== undefined || algo.rule !== undefined) && saType !== 'random') ctx.fail(sp, 'seed and rule apply to random sampling only');
  if (saType === 'grid') {
    for (const [name, d] of Object.entries(space)) {
      if ((d as unknown[])[0] !== 'choice') ctx.fail([...at, 'search_space', name], 'grid sampling needs choice distributions only');
    }
  }
  return algo;
}

function objective(ctx: PlanContext, v: unknown, at: SpecPath): Obj {
  const op: SpecPath = [...at, 'objective'];
  const obj = ctx.map(v, op, 'a sweep needs an objective with goal and primary_metric');
  ctx.checkKeys(obj, ['goal', 'primary_metric'], op, 'objective');
  const goal = ctx.str(obj.goal, [...op, 'goal']).toLowerCase();
  if (goal !== 'minimize' && goal !== 'maximize') ctx.fail([...op, 'goal'], "must be 'minimize' or 'maximize'");
  return { goal: goal === 'minimize' ? 'Minimize' : 'Maximize', primaryMetric: ctx.str(obj.primary_metric, [...op, 'primary_metric']) };
}

/** `early_termination`: a bandit, median stopping or truncation selection policy. */
function earlyTermination(ctx: PlanContext, v: unknown, at: SpecPath): Obj {
  const path: SpecPath = [...at, 'early_termination'];
  const et = ctx.map(v, path, 'must be a map with a type');
  const t = ctx.str(et.type, [...path, 'type']).toLowerCase();
  const common = ['type', 'evaluation_interval', 'delay_evaluation'];
  const policy: Obj = {};
  if (t === 'bandit') {
    ctx.checkKeys(et, [...common, 'slack_factor', 'slack_amount'], path, 'bandit policy');
    policy.policyType = 'Bandit';
    if (et.slack_factor !== undefined) policy.slackFactor = ctx.num(et.slack_factor, [...path, 'slack_factor']);
    if (et.slack_amount !== undefined) policy.slackAmount = ctx.num(et.slack_amount, [...path, 'slack_amount']);
  } else if (t === 'median_stopping') {
    ctx.checkKeys(et, common, path, 'median stopping policy');
    policy.policyType = 'MedianStopping';
  } else if (t === 'truncation_selection') {
    ctx.checkKeys(et, [...common, 'truncation_percentage'], path, 'truncation selection policy');
    policy.policyType = 'TruncationSelection';
    if (et.truncation_percentage !== undefined) policy.truncationPercentage = ctx.int(et.truncation_percentage, [...path, 'truncation_percentage']);
  } else {
    ctx.fail([...path, 'type'], `'${t}' is not an early termination policy`, 'valid: bandit, median_stopping, truncation_selection');
  }
  if (et.evaluation_interval !== undefined) policy.evaluationInterval = ctx.int(et.evaluation_interval, [...path, 'evaluation_interval']);
  if (et.delay_evaluation !== undefined) policy.delayEvaluation = ctx.int(et.delay_evaluation, [...path, 'delay_evaluation']);
  return policy;
}

function sweepLimits(ctx: PlanContext, v: unknown, at: SpecPath): Obj {
  const lp: SpecPath = [...at, 'limits'];
  const l = ctx.map(v, lp);
  ctx.checkKeys(l, ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'], lp, 'sweep limits section');
  const limits: Obj = { jobLimitsType: 'Sweep' };
  if (l.max_total_trials !== undefined) limits.maxTotalTrials = ctx.int(l.max_total_trials, [...lp, 'max_total_trials'], 1);
  if (l.max_concurrent_trials !== undefined) limits.maxConcurrentTrials = ctx.int(l.max_concurrent_trials, [...lp, 'max_concurrent_trials'], 1);
  if (l.timeout !== undefined) limits.timeout = `PT${ctx.int(l.timeout, [...lp, 'timeout'], 1)}S`;
  if (l.trial_timeout !== undefined) limits.trialTimeout = `PT${ctx.int(l.trial_timeout, [...lp, 'trial_timeout'], 1)}S`;
  return limits;
}

export const sweepJob: JobTypeTranslator = { type: 'sweep', jobType: 'Sweep', translate };
