/**
 * When a schedule's jobs run: the next run times of an Azure ML schedule trigger (the ARM
 * `CronTrigger` / `RecurrenceTrigger` of api-version 2024-10-01), in the trigger's Windows time zone.
 *
 * Semantics, as Microsoft documents them (learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job
 * and reference-yaml-schedule):
 * - cron: five fields `MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK` (NCrontab); DAYS and MONTHS "are not
 *   supported: the value is ignored and treated as `*`"; days of week 0-6 (0 = Sunday) or names;
 * - recurrence: `frequency` minute/hour repeat every `interval` units from the start; day/week/month
 *   repeat every `interval` days/weeks/months at the pattern's hours × minutes (the start's time of
 *   day without a pattern), on its week days (week) or month days (month; a day a month lacks,
 *   such as the 31st, does not trigger);
 * - `start_time` / `end_time` are wall-clock times in `time_zone` (UTC by default) unless they
 *   carry an offset; without a start time the first job runs at once (at creation) and the next
 *   ones as the trigger says; a start time in the past runs the first job at the next calculated time.
 */

/** Windows time zone names Azure ML schedules take (azure-ai-ml `constants.TimeZone`) → IANA zone. */
// IANA zones: CLDR common/supplemental/windowsZones.xml (territory 001). 'Mid-Atlantic Standard Time'
// and 'Kamchatka Standard Time' are retired Windows zones CLDR no longer maps: UTC-2 and Asia/Kamchatka.
export const SCHEDULE_TIME_ZONES: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'UTC-11': 'Etc/GMT+11',
  'Aleutian Standard Time': 'America/Adak',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Marquesas Standard Time': 'Pacific/Marquesas',
  'Alaskan Standard Time': 'America/Anchorage',
  'UTC-09': 'Etc/GMT+9',
  'Pacific Standard Time (Mexico)': 'America/Tijuana',
  'UTC-08': 'Etc/GMT+8',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time (Mexico)': 'America/Mazatlan',
  'Mountain Standard Time': 'America/Denver',
  'Central America Standard Time': 'America/Guatemala',
  'Central Standard Time': 'America/Chicago',
  'Easter Island Standard Time': 'Pacific/Easter',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'SA Pacific Standard Time': 'America/Bogota',
  'Eastern Standard Time (Mexico)': 'America/Cancun',
  'Eastern Standard Time': 'America/New_York',
  'Haiti Standard Time': 'America/Port-au-Prince',
  'Cuba Standard Time': 'America/Havana',
  'US Eastern Standard Time': 'America/Indianapolis',
  'Paraguay Standard Time': 'America/Asuncion',
  'Atlantic Standard Time': 'America/Halifax',
  'Venezuela Standard Time': 'America/Caracas',
  'Central Brazilian Standard Time': 'America/Cuiaba',
  'SA Western Standard Time': 'America/La_Paz',
  'Pacific SA Standard Time': 'America/Santiago',
  'Turks And Caicos Standard Time': 'America/Grand_Turk',
  'Newfoundland Standard Time': 'America/St_Johns',
  'Tocantins Standard Time': 'America/Araguaina',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'SA Eastern Standard Time': 'America/Cayenne',
  'Argentina Standard Time': 'America/Buenos_Aires',
  'Greenland Standard Time': 'America/Godthab',
  'Montevideo Standard Time': 'America/Montevideo',
  'Saint Pierre Standard Time': 'America/Miquelon',
  'Bahia Standard Time': 'America/Bahia',
  'UTC-02': 'Etc/GMT+2',
  'Mid-Atlantic Standard Time': 'Etc/GMT+2',
  'Azores Standard Time': 'Atlantic/Azores',
  'Cape Verde Standard Time': 'Atlantic/Cape_Verde',
  UTC: 'UTC',
  'Morocco Standard Time': 'Africa/Casablanca',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'Namibia Standard Time': 'Africa/Windhoek',
  'Jordan Standard Time': 'Asia/Amman',
  'GTB Standard Time': 'Europe/Bucharest',
  'Middle East Standard Time': 'Asia/Beirut',
  'Egypt Standard Time': 'Africa/Cairo',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'Syria Standard Time': 'Asia/Damascus',
  'West Bank Standard Time': 'Asia/Hebron',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'FLE Standard Time': 'Europe/Kiev',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Kaliningrad Standard Time': 'Europe/Kaliningrad',
  'Libya Standard Time': 'Africa/Tripoli',
  'Arabic Standard Time': 'Asia/Baghdad',
  'Arab Standard Time': 'Asia/Riyadh',
  'Belarus Standard Time': 'Europe/Minsk',
  'Russian Standard Time': 'Europe/Moscow',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Astrakhan Standard Time': 'Europe/Astrakhan',
  'Azerbaijan Standard Time': 'Asia/Baku',
  'Russia Time Zone 3': 'Europe/Samara',
  'Mauritius Standard Time': 'Indian/Mauritius',
  'Georgian Standard Time': 'Asia/Tbilisi',
  'Caucasus Standard Time': 'Asia/Yerevan',
  'Afghanistan Standard Time': 'Asia/Kabul',
  'West Asia Standard Time': 'Asia/Tashkent',
  'Ekaterinburg Standard Time': 'Asia/Yekaterinburg',
  'Pakistan Standard Time': 'Asia/Karachi',
  'India Standard Time': 'Asia/Calcutta',
  'Sri Lanka Standard Time': 'Asia/Colombo',
  'Nepal Standard Time': 'Asia/Katmandu',
  'Central Asia Standard Time': 'Asia/Bishkek',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'N. Central Asia Standard Time': 'Asia/Novosibirsk',
  'Myanmar Standard Time': 'Asia/Rangoon',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'Altai Standard Time': 'Asia/Barnaul',
  'W. Mongolia Standard Time': 'Asia/Hovd',
  'North Asia Standard Time': 'Asia/Krasnoyarsk',
  'Tomsk Standard Time': 'Asia/Tomsk',
  'China Standard Time': 'Asia/Shanghai',
  'North Asia East Standard Time': 'Asia/Irkutsk',
  'Singapore Standard Time': 'Asia/Singapore',
  'W. Australia Standard Time': 'Australia/Perth',
  'Taipei Standard Time': 'Asia/Taipei',
  'Ulaanbaatar Standard Time': 'Asia/Ulaanbaatar',
  'North Korea Standard Time': 'Asia/Pyongyang',
  'Aus Central W. Standard Time': 'Australia/Eucla',
  'Transbaikal Standard Time': 'Asia/Chita',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'Yakutsk Standard Time': 'Asia/Yakutsk',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'West Pacific Standard Time': 'Pacific/Port_Moresby',
  'Tasmania Standard Time': 'Australia/Hobart',
  'Vladivostok Standard Time': 'Asia/Vladivostok',
  'Lord Howe Standard Time': 'Australia/Lord_Howe',
  'Bougainville Standard Time': 'Pacific/Bougainville',
  'Russia Time Zone 10': 'Asia/Srednekolymsk',
  'Magadan Standard Time': 'Asia/Magadan',
  'Norfolk Standard Time': 'Pacific/Norfolk',
  'Sakhalin Standard Time': 'Asia/Sakhalin',
  'Central Pacific Standard Time': 'Pacific/Guadalcanal',
  'Russia Time Zone 11': 'Asia/Kamchatka',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'UTC+12': 'Etc/GMT-12',
  'Fiji Standard Time': 'Pacific/Fiji',
  'Kamchatka Standard Time': 'Asia/Kamchatka',
  'Chatham Islands Standard Time': 'Pacific/Chatham',
  'Tonga Standard Time': 'Pacific/Tongatapu',
  'Samoa Standard Time': 'Pacific/Apia',
  'Line Islands Standard Time': 'Pacific/Kiritimati',
};

/** The wire trigger (ARM CronTrigger / RecurrenceTrigger properties). */
export interface WireTrigger {
  triggerType: 'Cron' | 'Recurrence';
  expression?: string;
  frequency?: string;
  interval?: number;
  schedule?: { hours: number[]; minutes: number[]; weekDays?: string[] | null; monthDays?: number[] | null } | null;
  startTime?: string | null;
  endTime?: string | null;
  timeZone?: string;
}

/**
 * A trigger in a few words for reports: `cron 0 2 * * 1-5 (Pacific Standard Time)`, `every 2 weeks
 * on Monday, Friday at 06:30 (UTC)`, `every 15 minutes`.
 */
export function describeTrigger(trigger: WireTrigger): string {
  const zone = trigger.timeZone && trigger.timeZone !== 'UTC' ? ` (${trigger.timeZone})` : ' (UTC)';
  if (trigger.triggerType === 'Cron') return `cron ${trigger.expression ?? '?'}${zone}`;
  const interval = trigger.interval ?? 1;
  const unit = String(trigger.frequency ?? '').toLowerCase() || 'period';
  const parts = [`every ${interval === 1 ? unit : `${interval} ${unit}s`}`];
  const at = trigger.schedule;
  if (at) {
    if (at.weekDays?.length) parts.push(`on ${at.weekDays.join(', ')}`);
    if (at.monthDays?.length) parts.push(`on day ${at.monthDays.join(', ')}`);
    if (at.hours.length && at.minutes.length) {
      const times = at.hours.flatMap((h) => at.minutes.map((m) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`));
      parts.push(`at ${times.slice(0, 6).join(', ')}${times.length > 6 ? ', …' : ''}`);
    }
  }
  return parts.join(' ') + zone;
}

export const WEEK_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

// --- cron ------------------------------------------------------------------------------------

export interface CronFields {
  minutes: number[];
  hours: number[];
  /** As written; Azure ignores them (treated as `*`). */
  days: string;
  months: string;
  weekDays: number[];
}

const DOW_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** One cron field → its sorted values; throws an Error saying what is wrong. */
function cronField(text: string, what: string, min: number, max: number, names?: string[]): number[] {
  const value = (s: string): number => {
    const i = names?.indexOf(s.toLowerCase()) ?? -1;
    if (i >= 0) return i + min;
    if (!/^\d+$/.test(s)) throw new Error(`'${s}' in the ${what} field is not a number${names ? ' or a name' : ''}`);
    const n = Number(s);
    if (n < min || n > max) throw new Error(`${n} in the ${what} field is out of range ${min}-${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`'${part}' in the ${what} field is not a value, a range a-b, a list or a step */n`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`the step in '${part}' (${what}) must be at least 1`);
    let lo = min;
    let hi = max;
    if (m[1] !== '*') {
      const [a, b] = m[1].split('-');
      lo = value(a);
      hi = b === undefined ? (m[2] === undefined ? lo : max) : value(b);
      if (hi < lo) throw new Error(`the range '${m[1]}' in the ${what} field runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses a five-field cron expression (NCrontab); throws an Error naming the bad part. */
export function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`a cron expression has five fields (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK), '${expression}' has ${parts.length}`);
  }
  const [mi, h, d, mo, dw] = parts;
  const minutes = cronField(mi, 'minutes', 0, 59);
  const hours = cronField(h, 'hours', 0, 23);
  cronField(d, 'days', 1, 31);
  cronField(mo, 'months', 1, 12, MONTH_NAMES);
  const weekDays = cronField(dw, 'days-of-week', 0, 6, DOW_NAMES);
  return { minutes, hours, days: d, months: mo, weekDays };
}

// --- wall-clock time in a zone ----------------------------------------------------------------

interface Local {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localOf(t: number, zone: string): Local {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

/**
 * The instant of a wall-clock time in a zone; undefined for a time the zone skips (the hour a
 * daylight-saving change jumps over: no run then — how Azure treats it is not documented).
 */
export function instantOf(l: Local, zone: string): number | undefined {
  const wall = Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s);
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const got = localOf(t, zone);
    const diff = wall - Date.UTC(got.y, got.mo - 1, got.d, got.h, got.mi, got.s);
    if (diff === 0) return t;
    t += diff;
  }
  return undefined;
}

/** A trigger's start or end time: wall-clock in the zone, or an instant when it carries an offset. */
export function parseTriggerTime(text: string, zone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  if (m[7]) {
    const off = m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(-2)));
    return Date.UTC(y, mo - 1, d, h, mi, s) - off * 60_000;
  }
  // A start or end in the skipped hour of a daylight-saving change: the same wall time an hour later.
  return instantOf({ y, mo, d, h, mi, s }, zone) ?? instantOf({ y, mo, d, h: h + 1, mi, s }, zone);
}

// --- next run times ---------------------------------------------------------------------------

export interface NextRunOptions {
  /** Runs strictly after this instant. */
  after: Date;
  /** When the schedule was (or is being) created: the start when the trigger has none. */
  createdAt: Date;
  count: number;
}

const DAY_MS = 86_400_000;
/** How far ahead to look for the next runs (a pattern that never fires ends the search). */
const HORIZON_DAYS = 4 * 366;

/** Days since 1970-01-01 of a calendar date. */
function dayNumber(y: number, mo: number, d: number): number {
  return Math.floor(Date.UTC(y, mo - 1, d) / DAY_MS);
}

function calendarOf(day: number): { y: number; mo: number; d: number; dow: number } {
  const t = new Date(day * DAY_MS);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), dow: t.getUTCDay() };
}

/**
 * The next `count` run times of a trigger after `after` (fewer when the end time comes first).
 * Throws an Error when the trigger is invalid (bad cron, unknown time zone, unreadable times).
 */
export function nextRunTimes(trigger: WireTrigger, o: NextRunOptions): Date[] {
  const zoneName = trigger.timeZone ?? 'UTC';
  const zone = SCHEDULE_TIME_ZONES[zoneName];
  if (!zone) throw new Error(`'${zoneName}' is not a time zone Azure ML schedules take`);
  const start = trigger.startTime ? parseTriggerTime(trigger.startTime, zone) : o.createdAt.getTime();
  if (start === undefined) throw new Error(`start time '${trigger.startTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const end = trigger.endTime ? parseTriggerTime(trigger.endTime, zone) : undefined;
  if (trigger.endTime && end === undefined) throw new Error(`end time '${trigger.endTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const after = o.after.getTime();
  const out: number[] = [];
  // Without a start time the first job runs at once (reference-yaml-schedule: start_time).
  if (!trigger.startTime && start > after) out.push(start);
  const accept = (t: number): boolean => {
    if (end !== undefined && t > end) return false;
    if (t >= start && t > after && !out.includes(t)) out.push(t);
    return out.length < o.count;
  };
  if (trigger.triggerType === 'Recurrence' && (trigger.frequency === 'Minute' || trigger.frequency === 'Hour')) {
    const step = (trigger.interval ?? 1) * (trigger.frequency === 'Minute' ? 60_000 : 3_600_000);
    let k = Math.max(0, Math.ceil((after + 1 - start) / step));
    while (out.length < o.count && (end === undefined || start + k * step <= end)) {
      if (!accept(start + k * step)) break;
      k++;
    }
    return out.slice(0, o.count).map((t) => new Date(t));
  }
  const startLocal = localOf(start, zone);
  const startDay = dayNumber(startLocal.y, startLocal.mo, startLocal.d);
  const fromLocal = localOf(Math.max(after, start), zone);
  const fromDay = dayNumber(fromLocal.y, fromLocal.mo, fromLocal.d) - 1;
  const { times, dayMatches } = trigger.triggerType === 'Cron' ? cronPlan(trigger) : recurrencePlan(trigger, startLocal, startDay);
  for (let day = fromDay; day < fromDay + HORIZON_DAYS && out.length < o.count; day++) {
    const c = calendarOf(day);
    if (!dayMatches(day, c)) continue;
    let more = true;
    for (const [h, mi] of times) {
      const t = instantOf({ y: c.y, mo: c.mo, d: c.d, h, mi, s: 0 }, zone);
      if (t === undefined) continue;
      if (end !== undefined && t > end) return out.map((x) => new Date(x));
      if (!(more = accept(t))) break;
    }
    if (!more) break;
  }
  return out
    .sort((a, b) => a - b)
    .slice(0, o.count)
    .map((t) => new Date(t));
}

type DayMatch = (day: number, c: { y: number; mo: number; d: number; dow: number }) => boolean;

function cross(hours: number[], minutes: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const h of [...hours].sort((a, b) => a - b)) for (const m of [...minutes].sort((a, b) => a - b)) out.push([h, m]);
  return out;
}

function cronPlan(trigger: WireTrigger): { times: Array<[number, number]>; dayMatches: DayMatch } {
  const f = parseCron(trigger.expression ?? '');
  // DAYS and MONTHS are ignored by Azure ML (how-to-schedule-pipeline-job: "treated as *").
  return { times: cross(f.hours, f.minutes), dayMatches: (_d, c) => f.weekDays.includes(c.dow) };
}

function recurrencePlan(trigger: WireTrigger, startLocal: Local, startDay: number): { times: Array<[number, number]>; dayMatches: DayMatch } {
  const interval = Math.max(1, trigger.interval ?? 1);
  const pattern = trigger.schedule ?? { hours: [], minutes: [] };
  const hours = pattern.hours?.length ? pattern.hours : [startLocal.h];
  const minutes = pattern.minutes?.length ? pattern.minutes : [startLocal.mi];
  const times = cross(hours, minutes);
  const startCal = calendarOf(startDay);
  const weekDays = pattern.weekDays?.length ? pattern.weekDays.map((w) => WEEK_DAYS.findIndex((x) => x.toLowerCase() === w.toLowerCase())) : undefined;
  switch (trigger.frequency) {
    case 'Day':
      return { times, dayMatches: (day) => (day - startDay) % interval === 0 && day >= startDay };
    case 'Week': {
      // Weeks run Sunday to Saturday (days of week 0-6, 0 = Sunday, as in the cron fields).
      const startWeek = startDay - startCal.dow;
      const days = weekDays ?? [startCal.dow];
      return { times, dayMatches: (day, c) => day >= startWeek && Math.floor((day - startWeek) / 7) % interval === 0 && days.includes(c.dow) };
    }
    case 'Month': {
      const monthDays = pattern.monthDays?.length ? pattern.monthDays : weekDays ? undefined : [startCal.d];
      const startMonth = startCal.y * 12 + startCal.mo - 1;
      return {
        times,
        dayMatches: (_day, c) => {
          const m = c.y * 12 + c.mo - 1;
          if (m < startMonth || (m - startMonth) % interval !== 0) return false;
          if (monthDays && !monthDays.includes(c.d)) return false;
          return !weekDays || weekDays.includes(c.dow);
        },
      };
    }
    default:
      throw new Error(`'${String(trigger.frequency)}' is not a recurrence frequency`);
  }
}
