/** ARM `systemData`: who created/modified a resource and when (time from the request context). */
import type { RequestContext } from '../types.js';

export interface SystemData {
  createdAt: string;
  createdBy: string;
  createdByType: string;
  lastModifiedAt: string;
  lastModifiedBy: string;
  lastModifiedByType: string;
}

/** Who `systemData` names when the emulator itself creates something (seeding). */
export const EMULATOR_ACTOR = { name: 'azureml-emulator', type: 'Application' } as const;

function actor(ctx: RequestContext | undefined): { name: string; type: string } {
  return ctx?.principal ? { name: ctx.principal.name, type: ctx.principal.type } : EMULATOR_ACTOR;
}

export function createdSystemData(ctx: RequestContext | undefined, now: Date): SystemData {
  const a = actor(ctx);
  const t = now.toISOString();
  return { createdAt: t, createdBy: a.name, createdByType: a.type, lastModifiedAt: t, lastModifiedBy: a.name, lastModifiedByType: a.type };
}

export function modifiedSystemData(existing: unknown, ctx: RequestContext | undefined, now: Date): SystemData {
  const a = actor(ctx);
  const base = (existing && typeof existing === 'object' ? existing : createdSystemData(ctx, now)) as SystemData;
  return { ...base, lastModifiedAt: now.toISOString(), lastModifiedBy: a.name, lastModifiedByType: a.type };
}
