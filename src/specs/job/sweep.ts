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

/** Search space distributions and their parameters. */
const DISTRIBUTIONS: Record<string, string[]> = {
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

async function translate(ctx: PlanContext, spec: Obj): Promise<Obj> {
  ctx.checkKeys(spec, SWEEP_KEYS, [], 'sweep job');
  const p = commonProperties(ctx, spec, 'Sweep');
  const trial = await trialOf(ctx, spec.trial);
  p.trial = trial;
  const inputs = await jobInputs(ctx, spec.inputs, ['inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ['outputs']);
  if (outputs) p.outputs = outputs;
  if (spec.search_space === undefined) ctx.fail([], "a sweep job needs 'search_space'");
  const space = searchSpace(ctx, spec.search_space, ['search_space']);
  p.searchSpace = space;
  checkCommandRefs(ctx, trial.command as string, ['trial', 'command'], scopeOf(inputs, outputs, space));
  p.samplingAlgorithm = samplingAlgorithm(ctx, spec.sampling_algorithm, space);
  p.objective = objective(ctx, spec.objective);
  if (spec.early_termination !== undefined && spec.early_termination !== null) p.earlyTermination = earlyTermination(ctx, spec.early_termination);
  if (spec.limits !== undefined && spec.limits !== null) p.limits = sweepLimits(ctx, spec.limits);
  return p;
}

async function trialOf(ctx: PlanContext, v: unknown): Promise<Obj> {
  const t = ctx.map(v, ['trial'], 'a sweep job needs a trial (command, code, environment)');
  ctx.checkKeys(t, TRIAL_KEYS, ['trial'], 'sweep trial');
  if (t.command === undefined) ctx.fail(['trial'], "the trial needs 'command'");
  const trial: Obj = { command: ctx.str(t.command, ['trial', 'command']).trim() };
  const code = await codeId(ctx, t.code, ['trial', 'code']);
  if (code) trial.codeId = code;
  trial.environmentId = await environmentId(ctx, t.environment, ['trial', 'environment']);
  const env = ctx.stringMap(t.environment_variables, ['trial', 'environment_variables']);
  if (env) trial.environmentVariables = env;
  const res = resources(ctx, t.resources, ['trial', 'resources']);
  if (res) trial.resources = res;
  const dist = distribution(ctx, t.distribution, ['trial', 'distribution']);
  if (dist) trial.distribution = dist;
  return trial;
}

function searchSpace(ctx: PlanContext, v: unknown, path: SpecPath): Obj {
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
function samplingAlgorithm(ctx: PlanContext, sa: unknown, space: Obj): Obj {
  if (sa === undefined) ctx.fail([], "a sweep job needs 'sampling_algorithm' (random, grid or bayesian)");
  const saObj = isObj(sa) ? sa : { type: sa };
  if (isObj(sa)) ctx.checkKeys(sa, ['type', 'seed', 'rule'], ['sampling_algorithm'], 'sampling algorithm');
  const saType = ctx.str(saObj.type, isObj(sa) ? ['sampling_algorithm', 'type'] : ['sampling_algorithm']).toLowerCase();
  const algo: Obj = { samplingAlgorithmType: ctx.oneOf(saType, ['sampling_algorithm'], SAMPLING, 'a sampling algorithm') };
  if (saObj.seed !== undefined) algo.seed = ctx.int(saObj.seed, ['sampling_algorithm', 'seed']);
  if (saObj.rule !== undefined) {
    const rule = ctx.str(saObj.rule, ['sampling_algorithm', 'rule']).toLowerCase();
    if (rule !== 'random' && rule !== 'sobol') ctx.fail(['sampling_algorithm', 'rule'], "must be 'random' or 'sobol'");
    algo.rule = rule === 'sobol' ? 'Sobol' : 'Random';
  }
  if ((algo.seed !== undefined || algo.rule !== undefined) && saType !== 'random')
    ctx.fail(['sampling_algorithm'], 'seed and rule apply to random sampling only');
  if (saType === 'grid') {
    for (const [name, d] of Object.entries(space)) {
      if ((d as unknown[])[0] !== 'choice') ctx.fail(['search_space', name], 'grid sampling needs choice distributions only');
    }
  }
  return algo;
}

function objective(ctx: PlanContext, v: unknown): Obj {
  const obj = ctx.map(v, ['objective'], 'a sweep job needs an objective with goal and primary_metric');
  ctx.checkKeys(obj, ['goal', 'primary_metric'], ['objective'], 'objective');
  const goal = ctx.str(obj.goal, ['objective', 'goal']).toLowerCase();
  if (goal !== 'minimize' && goal !== 'maximize') ctx.fail(['objective', 'goal'], "must be 'minimize' or 'maximize'");
  return { goal: goal === 'minimize' ? 'Minimize' : 'Maximize', primaryMetric: ctx.str(obj.primary_metric, ['objective', 'primary_metric']) };
}

/** `early_termination`: a bandit, median stopping or truncation selection policy. */
function earlyTermination(ctx: PlanContext, v: unknown): Obj {
  const path = ['early_termination'];
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

function sweepLimits(ctx: PlanContext, v: unknown): Obj {
  const l = ctx.map(v, ['limits']);
  ctx.checkKeys(l, ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'], ['limits'], 'sweep limits section');
  const limits: Obj = { jobLimitsType: 'Sweep' };
  if (l.max_total_trials !== undefined) limits.maxTotalTrials = ctx.int(l.max_total_trials, ['limits', 'max_total_trials'], 1);
  if (l.max_concurrent_trials !== undefined) limits.maxConcurrentTrials = ctx.int(l.max_concurrent_trials, ['limits', 'max_concurrent_trials'], 1);
  if (l.timeout !== undefined) limits.timeout = `PT${ctx.int(l.timeout, ['limits', 'timeout'], 1)}S`;
  if (l.trial_timeout !== undefined) limits.trialTimeout = `PT${ctx.int(l.trial_timeout, ['limits', 'trial_timeout'], 1)}S`;
  return limits;
}

export const sweepJob: JobTypeTranslator = { type: 'sweep', jobType: 'Sweep', translate };
