/**
 * Schedules (`…/workspaces/{ws}/schedules/{name}`): PUT, GET, list, DELETE — and a scheduler that
 * really creates each enabled schedule's job when its trigger fires.
 *
 * Wire shapes from the recording schedules/schedule-command-job-create-get-disable.json (azure-ai-ml
 * against the live service): a PUT — create or update alike — answers 201 with the body's
 * `properties` only (`provisioningState: Creating`), `Azure-AsyncOperation` (status `Creating` →
 * `Succeeded`), `Location` = the schedule's URL and `x-ms-async-operation-timeout: PT30M`
 * (entries 4-6, 9); a GET answers `name`, `properties` (the job definition with the keys Azure
 * fills in, `null`s included) and `systemData` (entries 7-8). List `listViewType`
 * EnabledOnly/DisabledOnly/All and DELETE (202 + Location) follow the swagger 2024-10-01
 * (Schedules_List, Schedules_Delete).
 *
 * The scheduler: a job per trigger time, named `<schedule>-<YYYYMMDDThhmmssZ>` with that display
 * name ("All the display name of jobs triggered by schedule will have the display name as
 * <schedule_name>-YYYYMMDDThhmmssZ", how-to-schedule-pipeline-job), created through the jobs PUT
 * handler itself; `experimentName` defaults to the schedule's name (reference-yaml-schedule);
 * `${{name}}` and `${{creation_context.trigger_time}}` are resolved (how-to-schedule-pipeline-job,
 * "Expressions supported in schedule"); `sourceJobId` re-runs that job's definition. A time that
 * passed while the emulator was down or the schedule disabled is not caught up: the next one runs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import { checkMonitorDefinition, monitorJobBody } from '../monitoring/definition.js';
import { isObj } from '../obj.js';
import type { ArmResource, EmulatorRequest, EmulatorResponse, Handler, RequestContext, Route } from '../types.js';
import { beginInWorkspace, canonicalJson, propertiesOf, requireWorkspace, type ArmDeps } from './deps.js';
import { ArmErrors } from './errors.js';
import { childId, parseWorkspaceChildId, scopeFromParams, type WorkspaceScope } from './ids.js';
import { validateJob } from './jobs.js';
import { page } from './paging.js';
import { scheduleMarkId, type ScheduleMark } from './schedule-marks.js';
import { cronProblem, nextTriggerTime, triggerInstant, WINDOWS_ZONES, type StoredTrigger } from './schedule-times.js';
import { createdSystemData, modifiedSystemData } from './system-data.js';

const SCHEDULE_TYPE = `${MLS_NAMESPACE}/workspaces/schedules`;
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const FREQUENCIES = ['Minute', 'Hour', 'Day', 'Week', 'Month'];
const WEEK_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Keys of a job the service answers `null` when unset, in a schedule's job definition (recording entry 7). */
const DEFINITION_NULLS = ['description', 'displayName', 'experimentName', 'services', 'computeId', 'identity', 'componentId', 'notificationSetting'];
const COMMAND_NULLS = ['codeId', 'distribution', 'autologgerSettings', 'limits', 'parameters', 'queueSettings'];

/** Where the scheduler's time comes from: the real clock, or a faster one in tests. */
export interface ScheduleClock {
  now(): Date;
}

export interface SchedulesOptions {
  clock?: ScheduleClock;
  /** How often (real ms) the scheduler looks for due schedules (default 1000). */
  tickMs?: number;
  /** The emulator's base URL (for the jobs it creates). */
  baseUrl(): string;
}

function fail(target: string, message: string): never {
  throw ArmErrors.validation(target, message);
}

function validateTrigger(t: unknown): StoredTrigger {
  if (!isObj(t)) fail('properties.trigger', "The property 'trigger' is required: a Cron or Recurrence trigger.");
  const type = typeof t.triggerType === 'string' ? ['Cron', 'Recurrence'].find((x) => x.toLowerCase() === String(t.triggerType).toLowerCase()) : undefined;
  if (!type) fail('properties.trigger.triggerType', `triggerType '${String(t.triggerType)}' is not valid; expected Cron or Recurrence.`);
  const out: StoredTrigger & Record<string, unknown> = { ...t, triggerType: type };
  const zone = out.timeZone ?? 'UTC';
  if (typeof zone !== 'string' || !Object.hasOwn(WINDOWS_ZONES, zone))
    fail('properties.trigger.timeZone', `timeZone '${String(zone)}' is not a supported time zone.`);
  out.timeZone = zone;
  for (const k of ['startTime', 'endTime'] as const) {
    if (out[k] !== undefined && out[k] !== null && triggerInstant(out[k], WINDOWS_ZONES[zone]) === undefined) {
      fail(`properties.trigger.${k}`, `${k} '${String(out[k])}' is not an ISO 8601 date and time.`);
    }
  }
  if (type === 'Cron') {
    if (typeof out.expression !== 'string' || out.expression.trim() === '')
      fail('properties.trigger.expression', "The property 'expression' is required for a Cron trigger.");
    const problem = cronProblem(out.expression);
    if (problem) fail('properties.trigger.expression', `The cron expression '${out.expression}' is invalid: ${problem}.`);
    return out;
  }
  const freq = FREQUENCIES.find((f) => f.toLowerCase() === String(out.frequency).toLowerCase());
  if (!freq) fail('properties.trigger.frequency', `frequency '${String(out.frequency)}' is not valid; expected one of ${FREQUENCIES.join(', ')}.`);
  out.frequency = freq;
  if (typeof out.interval !== 'number' || !Number.isInteger(out.interval) || out.interval < 1)
    fail('properties.trigger.interval', "'interval' must be an integer >= 1.");
  const s: unknown = out.schedule;
  if (s !== undefined && s !== null) {
    if (!isObj(s)) fail('properties.trigger.schedule', "'schedule' must be an object with 'hours' and 'minutes'.");
    const ints = (k: string, lo: number, hi: number) => {
      const v = s[k];
      if (v === undefined || v === null) return;
      if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi))
        fail(`properties.trigger.schedule.${k}`, `'${k}' must be a list of integers ${lo}-${hi}.`);
    };
    ints('hours', 0, 23);
    ints('minutes', 0, 59);
    ints('monthDays', 1, 31);
    if (Array.isArray(s.weekDays)) {
      s.weekDays = s.weekDays.map(
        (w) =>
          WEEK_DAYS.find((d) => d.toLowerCase() === String(w).toLowerCase()) ??
          fail('properties.trigger.schedule.weekDays', `'${String(w)}' is not a week day.`),
      );
    }
  }
  return out;
}

/** A job definition as a schedule answers it: Azure's defaults and `null`s filled in (recording entry 7). */
function presentDefinition(def: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(def);
  for (const k of DEFINITION_NULLS) out[k] ??= null;
  out.tags ??= {};
  out.properties ??= {};
  out.isArchived ??= false;
  out.status = 'NotStarted';
  if (out.jobType === 'Command') {
    out.resources = {
      instanceCount: 1,
      instanceType: null,
      locations: null,
      properties: null,
      shmSize: '2g',
      dockerArgs: null,
      ...(isObj(out.resources) ? out.resources : {}),
    };
    for (const k of COMMAND_NULLS) out[k] ??= null;
    out.environmentVariables ??= {};
    out.outputs ??= {};
  }
  if (isObj(out.inputs)) {
    for (const input of Object.values(out.inputs)) {
      if (!isObj(input)) continue;
      input.description ??= null;
      if (input.jobInputType !== 'literal') input.mode ??= 'ReadOnlyMount';
    }
  }
  return out;
}

/** The wire shape of a stored schedule. */
function present(s: ArmResource): ArmResource {
  const out = structuredClone(s);
  const p = out.properties as Record<string, unknown>;
  p.description ??= null;
  p.displayName ??= null;
  p.tags ??= {};
  p.properties ??= {};
  if (isObj(p.trigger)) p.trigger.endTime ??= null;
  const action = p.action as Record<string, unknown>;
  if (isObj(action.jobDefinition)) action.jobDefinition = presentDefinition(action.jobDefinition);
  return out;
}

/** Two trigger times are the same run: the job name derives from the time. */
function stamp(t: number): string {
  return new Date(t)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function resolveExpressions(v: unknown, jobName: string, triggerTime: string): unknown {
  if (typeof v === 'string') return v.replace(/\$\{\{\s*name\s*\}\}/g, jobName).replace(/\$\{\{\s*creation_context\.trigger_time\s*\}\}/g, triggerTime);
  if (Array.isArray(v)) return v.map((x) => resolveExpressions(x, jobName, triggerTime));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveExpressions(x, jobName, triggerTime)]));
  return v;
}

/** What the scheduler keeps per schedule. */
interface SchedulerState {
  /** Digest of the trigger the next time was computed for (an update recomputes it). */
  trigger: string;
  next?: number;
  jobs: string[];
  /** The scheduler clock's time when the last PUT finished provisioning: the first time is the next one after it. */
  armedAt?: number;
}

function stateId(scheduleId: string): string {
  return `${scheduleId}/.emulator-scheduler`;
}

/** The schedules the scheduler watches (ids), kept in the store so that a restart finds them. */
const INDEX_ID = '/.emulator/schedules';

export interface Schedules {
  routes(): Route[];
  /** Looks for due schedules once (the timer does it every `tickMs`; tests may call it). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** The ids of the schedules the scheduler watches, kept in the store so that a restart finds them. */
interface ScheduleIndex {
  ids(): Promise<string[]>;
  update(f: (ids: string[]) => string[]): Promise<void>;
}

function scheduleIndex(deps: ArmDeps): ScheduleIndex {
  const ids = async (): Promise<string[]> => (await deps.store.get<{ ids: string[] }>(INDEX_ID))?.ids ?? [];
  return {
    ids,
    update: (f) =>
      deps.store.withLock(INDEX_ID, async () => {
        await deps.store.put(INDEX_ID, { ids: f(await ids()) });
      }),
  };
}

function scheduleRoutes(deps: ArmDeps, index: ScheduleIndex, armed: (id: string) => Promise<void>): Route[] {
  const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/schedules`;
  const setIndex = (f: (ids: string[]) => string[]) => index.update(f);

  const put = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const name = req.params.name;
    if (!NAME_RE.test(name)) fail('name', `Schedule name '${name}' is invalid: start with a letter or digit; use letters, digits, '-' and '_'.`);
    const input = propertiesOf(req.body, 'schedule');
    const trigger = validateTrigger(input.trigger);
    const action = input.action;
    if (!isObj(action)) fail('properties.action', "The property 'action' is required.");
    const actionType = ['CreateJob', 'CreateMonitor'].find((t) => t.toLowerCase() === String(action.actionType).toLowerCase());
    if (!actionType) {
      fail(
        'properties.action.actionType',
        `actionType '${String(action.actionType)}' is not supported by the Azure ML emulator; it runs CreateJob and CreateMonitor schedules.`,
      );
    }
    let storedAction: Record<string, unknown>;
    if (actionType === 'CreateMonitor') {
      // swagger 2024-10-01 CreateMonitorAction: checked (target deployment, signals, thresholds) and stored as sent.
      for (const k of Object.keys(action))
        if (!['actionType', 'monitorDefinition'].includes(k)) fail(`properties.action.${k}`, `'${k}' is not a property of a CreateMonitor action.`);
      await checkMonitorDefinition({ store: deps.store, blobEndpoint: deps.blob.endpoint }, scope, action.monitorDefinition);
      storedAction = { actionType, monitorDefinition: action.monitorDefinition };
    } else {
      if (!isObj(action.jobDefinition)) fail('properties.action.jobDefinition', "The property 'jobDefinition' is required for a CreateJob action.");
      // Checked as a job PUT would check it (references must resolve); stored as sent (recording entry 7 keeps `azureml:` ids).
      const check = { ...action.jobDefinition };
      if (check.experimentName === '') delete check.experimentName; // azureml:<job>: "MFE will add default" (entities/_schedule/schedule.py)
      await validateJob(deps, scope, check);
      storedAction = { actionType: 'CreateJob', jobDefinition: action.jobDefinition };
    }
    if (input.isEnabled !== undefined && input.isEnabled !== null && typeof input.isEnabled !== 'boolean')
      fail('properties.isEnabled', "'isEnabled' must be a boolean.");
    const id = childId(scope, 'schedules', name);
    const props: Record<string, unknown> = {
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
      ...(typeof input.displayName === 'string' ? { displayName: input.displayName } : {}),
      tags: isObj(input.tags) ? input.tags : {},
      properties: isObj(input.properties) ? input.properties : {},
      isEnabled: input.isEnabled ?? true, // swagger: isEnabled default true
      trigger,
      action: storedAction,
      provisioningState: 'Creating',
    };
    const schedule = await deps.store.withLock(id, async () => {
      const existing = await deps.store.get(id);
      const s: ArmResource = {
        id,
        name,
        type: SCHEDULE_TYPE,
        properties: props,
        systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
      };
      await deps.store.put(id, s);
      return s;
    });
    await setIndex((ids) => (ids.some((x) => x.toLowerCase() === id.toLowerCase()) ? ids : [...ids, id]));
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'Schedules_CreateOrUpdate',
      resourceId: id,
      runningStatus: 'Creating',
      work: async () => {
        await deps.store.withLock(id, async () => {
          const s = await deps.store.get(id);
          if (!s) return;
          (s.properties as Record<string, unknown>).provisioningState = 'Succeeded';
          await deps.store.put(id, s);
        });
        await armed(id);
      },
    });
    // 201 (create and update alike), the body's properties only, Azure-AsyncOperation + Location = the schedule + PT30M (entries 4, 9).
    return deps.lro.accepted(op, req, {
      status: 201,
      poll: 'async',
      body: { properties: present(schedule).properties },
      resourceLocation: id,
      timeout: 'PT30M',
    });
  };

  const get = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const s = await deps.store.get(childId(scope, 'schedules', req.params.name));
    if (!s) throw ArmErrors.notFound('schedule', req.params.name, scope.workspaceName);
    return { status: 200, body: present(s) };
  };

  const list = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    await requireWorkspace(deps, scope);
    const view = (req.query.get('listViewType') ?? 'EnabledOnly').toLowerCase();
    if (!['enabledonly', 'disabledonly', 'all'].includes(view)) {
      throw ArmErrors.badRequest(`listViewType '${req.query.get('listViewType')}' is not valid; expected EnabledOnly, DisabledOnly or All.`, 'listViewType');
    }
    let items = await deps.store.list(childId(scope, 'schedules'));
    items = items.filter((s) => s.type === SCHEDULE_TYPE);
    if (view !== 'all') items = items.filter((s) => (s.properties as Record<string, unknown>).isEnabled === (view === 'enabledonly'));
    items.sort((a, b) => a.name.localeCompare(b.name));
    return { status: 200, body: page(items.map(present), req, { pageSize: deps.pageSize }) };
  };

  const del = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const id = childId(scope, 'schedules', req.params.name);
    const s = await deps.store.get(id);
    if (!s) return { status: 204 };
    // "A schedule must be disabled to be deleted." (how-to-schedule-pipeline-job, Delete a schedule; the error code is not documented.)
    if ((s.properties as Record<string, unknown>).isEnabled !== false) {
      throw ArmErrors.badRequest(`Schedule '${s.name}' is enabled: disable it before deleting it.`, 'isEnabled');
    }
    const op = beginInWorkspace(deps, req, scope, ws, {
      operation: 'Schedules_Delete',
      resourceId: id,
      work: async () => {
        await deps.store.withLock(id, async () => {
          await deps.store.delete(id);
          await deps.store.delete(stateId(id));
        });
        await setIndex((ids) => ids.filter((x) => x.toLowerCase() !== id.toLowerCase()));
      },
    });
    // 202 + Location + x-ms-async-operation-timeout (swagger 2024-10-01 Schedules_Delete), as the jobs' delete.
    return deps.lro.accepted(op, req, { status: 202, poll: 'both', timeout: 'PT1H' });
  };

  return [
    { method: 'GET', pattern: base, operation: 'Schedules_List', handler: list },
    { method: 'GET', pattern: `${base}/{name}`, operation: 'Schedules_Get', handler: get },
    { method: 'PUT', pattern: `${base}/{name}`, operation: 'Schedules_CreateOrUpdate', handler: put },
    { method: 'DELETE', pattern: `${base}/{name}`, operation: 'Schedules_Delete', handler: del },
  ];
}

/** The scheduler: every `tickMs`, each enabled schedule whose time has come creates its job. */
function createScheduler(
  deps: ArmDeps,
  jobPut: Handler,
  o: SchedulesOptions,
  index: ScheduleIndex,
): Omit<Schedules, 'routes'> & { armed: (id: string) => Promise<void> } {
  const clock = o.clock ?? { now: () => new Date() };
  const setIndex = (f: (ids: string[]) => string[]) => index.update(f);
  let closed = false;
  let running: Promise<void> | undefined;

  const fire = async (s: ArmResource, at: number): Promise<string> => {
    const parsed = parseWorkspaceChildId(s.id)!;
    const scope: WorkspaceScope = parsed.scope;
    const p = s.properties as Record<string, unknown>;
    const action = p.action as Record<string, unknown>;
    const jobName = `${s.name}-${stamp(at)}`;
    if (action.actionType === 'CreateMonitor') return fireMonitor(s, scope, jobName, at);
    const def = structuredClone(action.jobDefinition) as Record<string, unknown>;
    let body: Record<string, unknown> = def;
    if (typeof def.sourceJobId === 'string') {
      // azureml:<job>: the source job's definition with what the schedule sets over it (entities/_schedule/schedule.py).
      const source = await deps.store.get(def.sourceJobId);
      if (!source) throw ArmErrors.jobNotFound(def.sourceJobId.split('/').pop() ?? def.sourceJobId);
      const sp = structuredClone(source.properties as Record<string, unknown>);
      for (const k of ['status', 'services', 'parameters']) delete sp[k];
      for (const [k, v] of Object.entries(def)) if (v !== null && v !== '' && k !== 'sourceJobId') sp[k] = v;
      body = sp;
    }
    for (const [k, v] of Object.entries(body)) if (v === null) delete body[k];
    delete body.status;
    const triggerTime = new Date(at).toISOString();
    body = resolveExpressions(body, jobName, triggerTime) as Record<string, unknown>;
    if (typeof body.experimentName !== 'string' || body.experimentName === '') body.experimentName = s.name;
    body.displayName = jobName;
    return createScheduledJob(s, scope, jobName, triggerTime, body);
  };

  /** A monitor run: the pipeline job of a CreateMonitor schedule (monitoring/definition.ts monitorJobBody). */
  const fireMonitor = (s: ArmResource, scope: WorkspaceScope, jobName: string, at: number): Promise<string> => {
    const triggerTime = new Date(at).toISOString();
    const tags = (s.properties as Record<string, unknown>).tags;
    return createScheduledJob(s, scope, jobName, triggerTime, monitorJobBody(s.name, jobName, triggerTime, isObj(tags) ? tags : {}));
  };

  /** Creates a schedule's job through the jobs PUT handler, marked as the schedule's (schedule-marks.ts). */
  const createScheduledJob = async (
    s: ArmResource,
    scope: WorkspaceScope,
    jobName: string,
    triggerTime: string,
    body: Record<string, unknown>,
  ): Promise<string> => {
    const jobId = childId(scope, 'jobs', jobName);
    const mark: ScheduleMark = { scheduleName: s.name, scheduleId: s.id, triggerTime };
    await deps.store.put(scheduleMarkId(jobId), mark);
    const sd = s.systemData as { createdBy?: string; createdByType?: string } | undefined;
    const ctx: RequestContext = {
      requestId: randomUUID(),
      now: clock.now(),
      baseUrl: o.baseUrl(),
      operation: 'Jobs_CreateOrUpdate',
      principal: {
        oid: '',
        tenantId: deps.defaults.tenantId,
        name: sd?.createdBy ?? 'azureml-emulator',
        type: sd?.createdByType === 'User' ? 'User' : 'Application',
        audience: '',
      },
    };
    const res = await jobPut({
      method: 'PUT',
      params: { subscriptionId: scope.subscriptionId, resourceGroupName: scope.resourceGroup, workspaceName: scope.workspaceName, id: jobName },
      query: new URLSearchParams({ 'api-version': '2024-10-01' }),
      headers: {},
      body: { properties: body },
      rawBody: Buffer.from(JSON.stringify({ properties: body })),
      ctx,
    });
    if (res.status >= 300) throw new Error(`job ${jobName}: ${res.status} ${JSON.stringify(res.body)}`);
    return jobName;
  };

  /** One schedule: fire when due, then compute the next time. */
  const visit = async (id: string, now: number): Promise<void> => {
    const s = await deps.store.get(id);
    if (!s) return setIndex((ids) => ids.filter((x) => x !== id));
    const p = s.properties as Record<string, unknown>;
    if (p.provisioningState !== 'Succeeded') return;
    const sid = stateId(id);
    const trigger = p.trigger as StoredTrigger;
    const digest = createHash('sha256')
      .update(canonicalJson({ trigger, enabled: p.isEnabled }))
      .digest('hex');
    const state = (await deps.store.get<SchedulerState>(sid)) ?? { trigger: '', jobs: [] };
    if (p.isEnabled !== true) {
      // Disabled: nothing runs, and a time that passes meanwhile is not caught up.
      if (state.trigger !== digest || state.next !== undefined) await deps.store.put(sid, { ...state, trigger: digest, next: undefined });
      return;
    }
    const createdAt = Date.parse(String((s.systemData as { createdAt?: string } | undefined)?.createdAt ?? '')) || now;
    if (state.trigger !== digest) {
      // New or changed (or re-enabled): the next time after the PUT took effect (not after this tick, which may come
      // late) — at creation itself when there is no start time.
      const first = state.trigger === '' && !trigger.startTime ? createdAt - 1 : Math.min(state.armedAt ?? now, now);
      state.trigger = digest;
      state.next = nextTriggerTime(trigger, first, createdAt);
    }
    delete state.armedAt;
    if (state.next !== undefined && state.next <= now) {
      const at = state.next;
      state.jobs.push(await fire(s, at));
      state.next = nextTriggerTime(trigger, Math.max(now, at), createdAt);
    }
    await deps.store.put(sid, state);
  };

  const tick = async (): Promise<void> => {
    if (closed) return;
    const now = clock.now().getTime();
    for (const id of await index.ids()) {
      try {
        await deps.store.withLock(stateId(id), () => visit(id, now));
      } catch {
        // A schedule whose job cannot be created (its compute or environment is gone) tries again at its next time.
        await deps.store.withLock(stateId(id), async () => {
          const st = await deps.store.get<SchedulerState>(stateId(id));
          const s = await deps.store.get(id);
          if (st && s) {
            const createdAt = Date.parse(String((s.systemData as { createdAt?: string } | undefined)?.createdAt ?? '')) || now;
            st.next = nextTriggerTime((s.properties as Record<string, unknown>).trigger as StoredTrigger, now, createdAt);
            await deps.store.put(stateId(id), st);
          }
        });
      }
    }
  };

  const timer = setInterval(() => {
    if (running || closed) return;
    running = tick().finally(() => (running = undefined));
  }, o.tickMs ?? 1000);
  timer.unref();

  return {
    armed: (id) =>
      deps.store.withLock(stateId(id), async () => {
        const st = (await deps.store.get<SchedulerState>(stateId(id))) ?? { trigger: '', jobs: [] };
        await deps.store.put(stateId(id), { ...st, armedAt: clock.now().getTime() });
      }),
    tick: async () => {
      while (running) await running;
      await tick();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}

export function createSchedules(deps: ArmDeps, jobPut: Handler, o: SchedulesOptions): Schedules {
  const index = scheduleIndex(deps);
  const { armed, ...scheduler } = createScheduler(deps, jobPut, o, index);
  return { routes: () => scheduleRoutes(deps, index, armed), ...scheduler };
}
