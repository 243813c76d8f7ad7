/** `type: command` jobs → CommandJob. */
import type { SpecPath } from '../document.js';
import { type Obj } from '../../core/obj.js';
import type { PlanContext } from '../plan.js';
import { codeId, environmentId } from './assets.js';
import { commandLimits, commonProperties, COMMON_KEYS, distribution, resources } from './common.js';
import { checkCommandRefs, jobInputs, jobOutputs, scopeOf } from './io.js';
import type { JobTypeTranslator } from './types.js';

const COMMAND_KEYS = [...COMMON_KEYS, 'command', 'code', 'environment', 'environment_variables', 'inputs', 'outputs', 'resources', 'limits', 'distribution'];

async function translate(ctx: PlanContext, spec: Obj, at: SpecPath = []): Promise<Obj> {
  ctx.checkKeys(spec, COMMAND_KEYS, at, 'command job');
  const p = commonProperties(ctx, spec, 'Command', at);
  if (spec.command === undefined) ctx.fail(at, "a command job needs 'command'");
  p.command = ctx.str(spec.command, [...at, 'command']).trim();
  const code = await codeId(ctx, spec.code, [...at, 'code']);
  if (code) p.codeId = code;
  p.environmentId = await environmentId(ctx, spec.environment, [...at, 'environment']);
  const env = ctx.stringMap(spec.environment_variables, [...at, 'environment_variables']);
  if (env) p.environmentVariables = env;
  const inputs = await jobInputs(ctx, spec.inputs, [...at, 'inputs']);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, 'outputs']);
  if (outputs) p.outputs = outputs;
  checkCommandRefs(ctx, p.command as string, [...at, 'command'], scopeOf(inputs, outputs));
  const res = resources(ctx, spec.resources, [...at, 'resources']);
  if (res) p.resources = res;
  const limits = commandLimits(ctx, spec.limits, [...at, 'limits']);
  if (limits) p.limits = limits;
  const dist = distribution(ctx, spec.distribution, [...at, 'distribution']);
  if (dist) p.distribution = dist;
  return p;
}

export const commandJob: JobTypeTranslator = { type: 'command', jobType: 'Command', translate };
