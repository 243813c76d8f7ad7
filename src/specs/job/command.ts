/** `type: command` jobs → CommandJob. */
import { type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commandLimits, commonProperties, COMMON_KEYS, distribution, resources } from './common.js';
import { checkCommandRefs, jobInputs, jobOutputs, scopeOf } from './io.js';
import type { JobTypeTranslator } from './types.js';

const COMMAND_KEYS = [...COMMON_KEYS, 'command', 'code', 'environment', 'environment_variables', 'inputs', 'outputs', 'resources', 'limits', 'distribution'];

async function translate(ctx: PlanContext, spec: Obj): Promise<Obj> {
  ctx.checkKeys(spec, COMMAND_KEYS, [], 'command job');
  const p = commonProperties(ctx, spec, 'Command');
  if (spec.command === undefined) ctx.fail([], "a command job needs 'command'");
  p.command = ctx.str(spec.command, ['command']).trim();
  const code = await codeId(ctx, spec.code, ['code']);
  if (code) p.codeId = code;
  p.environmentId = await environmentId(ctx, spec.environment, ['environment']);
  const env = ctx.stringMap(spec.environment_variables, ['environment_variables']);
  if (env) p.environmentVariables = env;
  const inputs = await jobInputs(ctx, spec.inputs, ['inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, ['outputs']);
  if (outputs) p.outputs = outputs;
  checkCommandRefs(ctx, p.command as string, ['command'], scopeOf(inputs, outputs));
  const res = resources(ctx, spec.resources, ['resources']);
  if (res) p.resources = res;
  const limits = commandLimits(ctx, spec.limits, ['limits']);
  if (limits) p.limits = limits;
  const dist = distribution(ctx, spec.distribution, ['distribution']);
  if (dist) p.distribution = dist;
  return p;
}

export const commandJob: JobTypeTranslator = { type: 'command', jobType: 'Command', translate };
