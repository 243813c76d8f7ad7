/**
 * `az ml schedule create -f` YAML → the ARM `Schedule` body of api-version 2024-10-01
 * (`ScheduleProperties` with a `CronTrigger` or `RecurrenceTrigger` and a `JobScheduleAction`
 * whose `jobDefinition` is the job body planJob makes), plus what the job needs uploaded and
 * registered first.
 *
 * The YAML is azure-ai-ml's `JobScheduleSchema` (_schema/schedule/schedule.py, trigger.py,
 * create_job.py); the wire is its `JobSchedule._to_rest_object` (entities/_schedule/schedule.py,
 * trigger.py) as the recording schedules/schedule-command-job-create-get-disable.json shows it.
 * `create_job` is a job file (relative to the schedule YAML), `azureml:<job>` (an existing job:
 * `sourceJobId`), a map `{ type, job: <file>, <overrides> }` whose top-level keys replace the job
 * file's (azure-ai-ml BaseCreateJobSchema: `{**job_dict, **raw_data}`), or an inline job (a map
 * without `job:`, what azure-ai-ml sends for `JobSchedule(create_job=<Job>)`).
 * Every field is translated or refused by name with its file and line.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SpecDocument, type SpecPath } from './document.js';
import { didYouMean, FieldReader } from './fields.js';
import { isObj, type Obj } from '../core/obj.js';
import { planJob, type JobPlan, type PlanOptions } from './job/index.js';
import { parseCron, parseTriggerTime, SCHEDULE_TIME_ZONES, WEEK_DAYS, type WireTrigger } from './schedule-times.js';

export interface SchedulePlan {
  /** `name` of the YAML, when it sets one. */
  yamlName?: string;
  /** The PUT body: `{ properties: ScheduleProperties }` (isEnabled set by the caller's choice). */
  body: { properties: Obj };
  /** The job the schedule creates: its type, uploads and asset versions (its body is `action.jobDefinition`). */
  job: JobPlan;
  /** Things Azure takes but ignores (cron DAYS and MONTHS), said once each. */
  warnings: string[];
}

const SCHEDULE_KEYS = ['$schema', 'name', 'display_name', 'description', 'tags', 'properties', 'trigger', 'create_job', 'is_enabled'];
const TRIGGER_COMMON = ['type', 'start_time', 'end_time', 'time_zone'];
const CRON_KEYS = [...TRIGGER_COMMON, 'expression'];
const RECURRENCE_KEYS = [...TRIGGER_COMMON, 'frequency', 'interval', 'schedule'];
const PATTERN_KEYS = ['hours', 'minutes', 'week_days', 'month_days'];
/** What a `create_job: { job: ... }` map may override (azure-ai-ml _schema/schedule/create_job.py). */
const OVERRIDE_KEYS: Record<string, string[]> = {
  base: ['type', 'job', 'compute', 'inputs', 'outputs', 'identity', 'description', 'tags', 'experiment_name', 'properties'],
  pipeline: ['settings'],
  command: ['limits', 'environment_variables', 'resources', 'distribution', 'environment'],
};
const FREQUENCIES: Record<string, string> = { minute: 'Minute', hour: 'Hour', day: 'Day', week: 'Week', month: 'Month' };
/** Schedule names as Azure ML takes them (the job name rule: letters, digits, '-', '_'). */
const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

/** Translates a schedule YAML document (after `set` overrides) into a plan. */
export async function planSchedule(doc: SpecDocument, fileOnDisk: string, value: unknown, options: PlanOptions): Promise<SchedulePlan> {
  const r = new FieldReader(doc);
  const spec = r.map(value, [], 'a schedule file must be a YAML map (trigger, create_job, …)');
  r.checkKeys(spec, SCHEDULE_KEYS, [], 'schedule');
  if (spec.create_job === undefined) r.fail([], "a schedule needs 'create_job': a job file, azureml:<job-name> or a map with 'job'");
  const { yamlName, properties: p, warnings } = scheduleCommon(r, spec);
  const job = await createJob(doc, fileOnDisk, spec.create_job, options);
  p.action = { actionType: 'CreateJob', jobDefinition: job.body.properties };
  return { yamlName, body: { properties: p }, job, warnings };
}

/**
 * What every schedule YAML has whatever it creates (azure-ai-ml _schema/schedule/schedule.py
 * ScheduleSchema: name, display_name, description, tags, properties, trigger, is_enabled) → the
 * ScheduleProperties without `action`. The caller checks the keys of its kind of schedule first.
 */
export function scheduleCommon(r: FieldReader, spec: Obj): { yamlName?: string; properties: Obj; trigger: WireTrigger; warnings: string[] } {
  const yamlName = r.optStr(spec, 'name', []);
  if (yamlName !== undefined && !SCHEDULE_NAME.test(yamlName)) {
    r.fail(['name'], `'${yamlName}' is not a valid schedule name`, "letters, digits, '-' and '_', starting with a letter or digit");
  }
  const warnings: string[] = [];
  if (spec.trigger === undefined) r.fail([], "a schedule needs a 'trigger' (type: cron or recurrence)");
  const trigger = translateTrigger(r, spec.trigger, ['trigger'], warnings);
  const p: Obj = {};
  const s = (k: string) => r.optStr(spec, k, []);
  if (s('display_name') !== undefined) p.displayName = s('display_name');
  if (s('description') !== undefined) p.description = s('description');
  // azure-ai-ml sends tags and properties even when empty (recording entry 4: `"tags": {}`).
  p.tags = r.stringMap(spec.tags, ['tags']) ?? {};
  p.properties = r.stringMap(spec.properties, ['properties']) ?? {};
  if (spec.is_enabled !== undefined) {
    if (typeof spec.is_enabled !== 'boolean') r.fail(['is_enabled'], 'must be true or false');
    p.isEnabled = spec.is_enabled;
  }
  p.trigger = trigger;
  return { yamlName, properties: p, trigger, warnings };
}

// --- trigger ---------------------------------------------------------------------------------

function timeOf(r: FieldReader, t: Obj, key: string, path: SpecPath, zone: string): string | undefined {
  if (t[key] === undefined || t[key] === null) return undefined;
  // YAML 1.1 readers turn unquoted timestamps into dates; keep the text Azure takes.
  const text = t[key] instanceof Date ? t[key].toISOString().replace(/\.000Z$/, '') : r.str(t[key], [...path, key]);
  if (parseTriggerTime(text, zone) === undefined) {
    r.fail(
      [...path, key],
      `'${text}' is not a date and time`,
      'write YYYY-MM-DDThh:mm:ss (wall-clock time in time_zone), optionally with an offset such as -04:00',
    );
  }
  return text;
}

function translateTrigger(r: FieldReader, v: unknown, path: SpecPath, warnings: string[]): WireTrigger {
  const t = r.map(v, path, 'must be a map with a type (cron or recurrence)');
  if (t.type === undefined) r.fail(path, "a trigger needs 'type': cron or recurrence");
  const type = r.str(t.type, [...path, 'type']).toLowerCase();
  if (type !== 'cron' && type !== 'recurrence')
    r.fail([...path, 'type'], `'${String(t.type)}' is not a trigger type${didYouMean(type, ['cron', 'recurrence'])}`, 'valid: cron, recurrence');
  r.checkKeys(t, type === 'cron' ? CRON_KEYS : RECURRENCE_KEYS, path, `${type} trigger`);
  const timeZone = t.time_zone === undefined ? 'UTC' : r.str(t.time_zone, [...path, 'time_zone']);
  if (!Object.hasOwn(SCHEDULE_TIME_ZONES, timeZone)) {
    r.fail(
      [...path, 'time_zone'],
      `'${timeZone}' is not a time zone Azure ML schedules take${didYouMean(timeZone, Object.keys(SCHEDULE_TIME_ZONES))}`,
      'use a Windows time zone name such as UTC, Pacific Standard Time, W. Europe Standard Time',
    );
  }
  const zone = SCHEDULE_TIME_ZONES[timeZone];
  const out: WireTrigger = { triggerType: type === 'cron' ? 'Cron' : 'Recurrence' };
  if (type === 'cron') {
    if (t.expression === undefined) r.fail(path, "a cron trigger needs 'expression' (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK)");
    const expression = r.str(t.expression, [...path, 'expression']).trim();
    try {
      const f = parseCron(expression);
      if (f.days !== '*' || f.months !== '*') {
        warnings.push(
          `${doclessWhere(r, [...path, 'expression'])}: Azure ML ignores the DAYS and MONTHS fields of a cron expression and treats them as * (learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job)`,
        );
      }
    } catch (err) {
      r.fail([...path, 'expression'], `'${expression}' is not a cron expression: ${(err as Error).message}`);
    }
    out.expression = expression;
  } else {
    recurrence(r, t, path, out);
  }
  const start = timeOf(r, t, 'start_time', path, zone);
  const end = timeOf(r, t, 'end_time', path, zone);
  if (start !== undefined) out.startTime = start;
  if (end !== undefined) out.endTime = end;
  if (start !== undefined && end !== undefined && parseTriggerTime(end, zone)! <= parseTriggerTime(start, zone)!)
    r.fail([...path, 'end_time'], `the end time ${end} is not after the start time ${start}`);
  out.timeZone = timeZone;
  return out;
}

function doclessWhere(r: FieldReader, path: SpecPath): string {
  const at = r.doc.locate(path);
  return at.line ? `${at.file}:${at.line}` : at.file;
}

function recurrence(r: FieldReader, t: Obj, path: SpecPath, out: WireTrigger): void {
  if (t.frequency === undefined) r.fail(path, "a recurrence trigger needs 'frequency': minute, hour, day, week or month");
  if (t.interval === undefined) r.fail(path, "a recurrence trigger needs 'interval' (every how many frequency units)");
  const frequency = r.oneOf(r.str(t.frequency, [...path, 'frequency']).toLowerCase(), [...path, 'frequency'], FREQUENCIES, 'a recurrence frequency');
  out.frequency = frequency;
  out.interval = r.int(t.interval, [...path, 'interval'], 1);
  // azure-ai-ml sends an empty pattern when there is none: "schedule is required in rest model" (entities/_schedule/trigger.py).
  out.schedule = { hours: [], minutes: [] };
  if (t.schedule === undefined || t.schedule === null) return;
  const sp = [...path, 'schedule'];
  // The pattern applies to day (hours, minutes), week and month (also week days) frequencies (how-to-schedule-pipeline-job).
  if (frequency === 'Minute' || frequency === 'Hour')
    r.fail(sp, `a recurrence pattern applies to day, week and month frequencies, not '${String(t.frequency)}'`, 'use a cron trigger for minutes within hours');
  const s = r.map(t.schedule, sp);
  r.checkKeys(s, PATTERN_KEYS, sp, 'recurrence pattern');
  const ints = (k: string, max: number): number[] => {
    const v = s[k];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x, i) => {
      const n = r.int(x, Array.isArray(v) ? [...sp, k, i] : [...sp, k]);
      if (n > max) r.fail(Array.isArray(v) ? [...sp, k, i] : [...sp, k], `${n} is out of range 0-${max}`);
      return n;
    });
  };
  if (s.hours === undefined || s.minutes === undefined) r.fail(sp, "a recurrence pattern needs 'hours' and 'minutes'");
  const pattern: NonNullable<WireTrigger['schedule']> = { hours: ints('hours', 23), minutes: ints('minutes', 59) };
  if (s.week_days !== undefined && s.week_days !== null) {
    if (frequency === 'Day') r.fail([...sp, 'week_days'], 'week days apply to week and month frequencies');
    const list = Array.isArray(s.week_days) ? s.week_days : [s.week_days];
    pattern.weekDays = list.map((w, i) => {
      const at = Array.isArray(s.week_days) ? [...sp, 'week_days', i] : [...sp, 'week_days'];
      const name = r.str(w, at);
      const found = WEEK_DAYS.find((d) => d.toLowerCase() === name.toLowerCase());
      return (
        found ??
        r.fail(
          at,
          `'${name}' is not a week day${didYouMean(
            name.toLowerCase(),
            WEEK_DAYS.map((d) => d.toLowerCase()),
          )}`,
          'valid: monday … sunday',
        )
      );
    });
  }
  if (s.month_days !== undefined && s.month_days !== null) {
    if (frequency !== 'Month') r.fail([...sp, 'month_days'], 'month days apply to the month frequency');
    pattern.monthDays = ints('month_days', 31).map((d, i) => (d >= 1 ? d : r.fail([...sp, 'month_days', i], 'month days run 1-31')));
  }
  out.schedule = pattern;
}

// --- create_job ------------------------------------------------------------------------------

/**
 * A view of `base` whose errors and positions go to `route(path)`: overrides and inline jobs sit
 * in the schedule file, the rest of a job in the job file.
 */
function documentView(base: SpecDocument, value: unknown, route: (path: SpecPath) => { doc: SpecDocument; path: SpecPath }): SpecDocument {
  return new Proxy(base, {
    get(target, prop) {
      if (prop === 'value') return value;
      if (prop === 'error') {
        return (path: SpecPath, message: string, hint?: string) => {
          const to = route(path);
          return to.doc.error(to.path, message, hint);
        };
      }
      if (prop === 'locate') {
        return (path: SpecPath) => {
          const to = route(path);
          return to.doc.locate(to.path);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The expressions a schedule resolves when it triggers a job (how-to-schedule-pipeline-job,
 * "Expressions supported in schedule"): `${{name}}` in output paths, `${{creation_context.trigger_time}}`
 * in string inputs. The job translators refuse bindings outside steps, so they travel as tokens.
 */
const SCHEDULE_EXPRESSIONS: Array<[RegExp, string, string]> = [
  [/\$\{\{\s*name\s*\}\}/g, 'zzazuremlactionsschedulenamezz', '${{name}}'],
  [/\$\{\{\s*creation_context\.trigger_time\s*\}\}/g, 'zzazuremlactionsscheduletriggertimezz', '${{creation_context.trigger_time}}'],
];

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

/** Plans the job with the schedule expressions of its inputs and outputs kept as written. */
async function planScheduledJob(doc: SpecDocument, file: string, spec: unknown, options: PlanOptions): Promise<JobPlan> {
  const hide = (s: string) => SCHEDULE_EXPRESSIONS.reduce((acc, [re, token]) => acc.replace(re, token), s);
  const show = (s: string) => SCHEDULE_EXPRESSIONS.reduce((acc, [, token, text]) => acc.split(token).join(text), s);
  const hidden = isObj(spec)
    ? { ...spec, ...(spec.inputs ? { inputs: mapStrings(spec.inputs, hide) } : {}), ...(spec.outputs ? { outputs: mapStrings(spec.outputs, hide) } : {}) }
    : spec;
  const plan = await planJob(doc, file, hidden, options);
  return { ...plan, body: { properties: mapStrings(plan.body.properties, show) as Obj } };
}

async function createJob(doc: SpecDocument, fileOnDisk: string, v: unknown, options: PlanOptions): Promise<JobPlan> {
  const r = new FieldReader(doc);
  const at: SpecPath = ['create_job'];
  if (typeof v === 'string') {
    if (v.startsWith('azureml:')) return remoteJob(r, v, at, options);
    return jobFile(doc, fileOnDisk, v, at, undefined, options);
  }
  const m = r.map(v, at, "must be a job file path, azureml:<job-name> or a map with 'type' and 'job'");
  if (m.job === undefined) {
    // An inline job: translated as a job file would be, positions in the schedule file.
    const view = documentView(doc, m, (path) => ({ doc, path: [...at, ...path] }));
    return planScheduledJob(view, fileOnDisk, m, options);
  }
  const type = m.type === undefined ? undefined : r.str(m.type, [...at, 'type']).toLowerCase();
  const allowed = [...OVERRIDE_KEYS.base, ...(type ? (OVERRIDE_KEYS[type] ?? []) : [...OVERRIDE_KEYS.pipeline, ...OVERRIDE_KEYS.command])];
  r.checkKeys(m, allowed, at, `create_job${type ? ` ${type}` : ''} map (a job and what it overrides)`);
  const ref = r.str(m.job, [...at, 'job']);
  if (ref.startsWith('azureml:')) {
    const extra = Object.keys(m).filter((k) => k !== 'job' && k !== 'type');
    if (extra.length > 0)
      r.fail(
        [...at, extra[0]],
        'overriding fields of an existing job (azureml:<job>) is not supported by azureml-actions yet',
        'schedule a local job file instead',
      );
    return remoteJob(r, ref, [...at, 'job'], options);
  }
  const overrides: Obj = {};
  for (const [k, val] of Object.entries(m)) if (k !== 'job') overrides[k] = val;
  return jobFile(doc, fileOnDisk, ref, [...at, 'job'], { values: overrides, at }, options);
}

/** A job file named by the schedule, with the top-level keys the schedule overrides. */
async function jobFile(
  doc: SpecDocument,
  fileOnDisk: string,
  rel: string,
  path: SpecPath,
  overrides: { values: Obj; at: SpecPath } | undefined,
  options: PlanOptions,
): Promise<JobPlan> {
  const r = new FieldReader(doc);
  const abs = join(dirname(fileOnDisk), rel);
  if (!existsSync(abs)) r.fail(path, `job file '${rel}' does not exist (resolved to ${abs})`, 'paths are relative to the folder of the schedule YAML');
  const jobDoc = SpecDocument.load(abs, join(dirname(doc.file), rel), doc.input);
  if (!overrides) return planScheduledJob(jobDoc, abs, jobDoc.value, options);
  const base = isObj(jobDoc.value) ? jobDoc.value : {};
  const fileType = typeof base.type === 'string' ? base.type.toLowerCase() : 'command';
  const oType = overrides.values.type;
  if (typeof oType === 'string' && oType.toLowerCase() !== fileType) {
    r.fail([...overrides.at, 'type'], `'${oType}' does not match the job file, a ${fileType} job`);
  }
  const merged: Obj = { ...base, ...overrides.values };
  if (base.type === undefined) delete merged.type;
  else merged.type = base.type;
  const view = documentView(jobDoc, merged, (p) =>
    typeof p[0] === 'string' && p[0] !== 'type' && Object.hasOwn(overrides.values, p[0]) ? { doc, path: [...overrides.at, ...p] } : { doc: jobDoc, path: p },
  );
  return planScheduledJob(view, abs, merged, options);
}

/**
 * `azureml:<job>`: the schedule re-runs an existing pipeline job. azure-ai-ml sends a PipelineJob
 * with only `sourceJobId` and `experimentName: ""` ("MFE will add default if None"; entities/_schedule/schedule.py).
 */
function remoteJob(r: FieldReader, ref: string, path: SpecPath, options: PlanOptions): JobPlan {
  const name = ref.slice('azureml:'.length);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) r.fail(path, `'${ref}' is not a job reference`, 'write azureml:<job-name>');
  return {
    jobType: 'Pipeline',
    body: { properties: { jobType: 'Pipeline', sourceJobId: `${options.workspaceId}/jobs/${name}`, experimentName: '' } },
    uploads: [],
    assets: [],
  };
}

/** True when a YAML document is a schedule (its `$schema`, or `trigger` and `create_job`), not a job. */
export function isScheduleSpec(spec: unknown): boolean {
  if (!isObj(spec)) return false;
  if (typeof spec.$schema === 'string' && /\/schedule\.schema\.json$/i.test(spec.$schema)) return true;
  return spec.trigger !== undefined && spec.create_job !== undefined;
}
