/**
 * When the emulator's schedules fire: the next trigger time of a stored ARM trigger
 * (`CronTrigger` / `RecurrenceTrigger`, api-version 2024-10-01), found by walking the trigger's
 * Windows time zone minute by minute. Written apart from the actions' own next-run computation
 * (the emulator shares no code with them), so that each checks the other.
 *
 * Rules (learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job and
 * reference-yaml-schedule): cron has five fields, DAYS and MONTHS "ignored and treated as *",
 * days of week 0-6 (0 = Sunday) or names; recurrence minute/hour fires every `interval` units from
 * the start, day/week/month every `interval` days/weeks (Sunday-first)/months at the pattern's
 * hours × minutes (the start's time of day without one), on its week days / month days; start
 * and end times are wall-clock in the time zone unless they carry an offset; without a start
 * time the first job runs at creation.
 */

/** Windows time zone names (azure-ai-ml constants.TimeZone) → IANA, after CLDR windowsZones.xml (territory 001). */
export const WINDOWS_ZONES: Readonly<Record<string, string>> = {
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

export interface StoredTrigger {
  triggerType?: unknown;
  expression?: unknown;
  frequency?: unknown;
  interval?: unknown;
  schedule?: { hours?: unknown; minutes?: unknown; weekDays?: unknown; monthDays?: unknown } | null;
  startTime?: unknown;
  endTime?: unknown;
  timeZone?: unknown;
}

const DOW = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MON = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The set a cron field allows, or an error message. */
function field(text: string, lo: number, hi: number, names: string[] = []): Set<number> | string {
  const set = new Set<number>();
  const num = (s: string): number => {
    const n = names.indexOf(s.toLowerCase());
    return n >= 0 ? n + lo : /^\d+$/.test(s) ? Number(s) : NaN;
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `bad step in '${item}'`;
    let a = lo;
    let b = hi;
    if (range !== '*') {
      const ends = range.split('-');
      if (ends.length > 2) return `bad range '${range}'`;
      a = num(ends[0]);
      b = ends.length === 2 ? num(ends[1]) : stepText === undefined ? a : hi;
    }
    if (!(a >= lo && b <= hi && a <= b)) return `'${item}' is out of range ${lo}-${hi}`;
    for (let v = a; v <= b; v += step) set.add(v);
  }
  return set;
}

/** Checks a cron expression as the service would; returns a message when it is not one. */
export function cronProblem(expression: string): string | undefined {
  const f = expression.trim().split(/\s+/);
  if (f.length !== 5) return `a cron expression has 5 fields, got ${f.length}`;
  const checks = [field(f[0], 0, 59), field(f[1], 0, 23), field(f[2], 1, 31), field(f[3], 1, 12, MON), field(f[4], 0, 6, DOW)];
  const bad = checks.find((c) => typeof c === 'string');
  return typeof bad === 'string' ? bad : undefined;
}

interface Wall {
  day: number; // days since 1970-01-01 of the local date
  dow: number;
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

const fmt = new Map<string, Intl.DateTimeFormat>();

function wall(t: number, zone: string): Wall {
  let f = fmt.get(zone);
  if (!f)
    fmt.set(
      zone,
      (f = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })),
    );
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const y = Number(p.year);
  const mo = Number(p.month);
  const d = Number(p.day);
  const day = Math.round(Date.UTC(y, mo - 1, d) / 86_400_000);
  return { day, dow: (((day + 4) % 7) + 7) % 7, y, mo, d, h: Number(p.hour), mi: Number(p.minute) };
}

/** A trigger time as an instant: with an offset as written, else wall-clock in the zone. */
export function triggerInstant(text: unknown, zone: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (m[7]) return m[7] === 'Z' ? utc : utc - (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(-2))) * 60_000;
  // Wall-clock: find the instant whose local reading is this one (two corrections cover DST).
  let t = utc;
  for (let i = 0; i < 3; i++) {
    const w = wall(t, zone);
    const seen = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, Number(m[6] ?? 0));
    if (seen === utc) break;
    t += utc - seen;
  }
  return t;
}

/** A predicate on a local minute, from the trigger (start's local reading for defaults). */
function matcher(tr: StoredTrigger, start: Wall): ((w: Wall) => boolean) | string {
  if (tr.triggerType === 'Cron') {
    const f = String(tr.expression ?? '')
      .trim()
      .split(/\s+/);
    const problem = cronProblem(String(tr.expression ?? ''));
    if (problem) return problem;
    const [mins, hours, , , dows] = [field(f[0], 0, 59), field(f[1], 0, 23), 0, 0, field(f[4], 0, 6, DOW)] as Set<number>[];
    return (w) => mins.has(w.mi) && hours.has(w.h) && dows.has(w.dow);
  }
  const n = Number(tr.interval);
  const every = Number.isInteger(n) && n >= 1 ? n : 1;
  const list = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
  const hours = list(tr.schedule?.hours);
  const minutes = list(tr.schedule?.minutes);
  const dows = (Array.isArray(tr.schedule?.weekDays) ? tr.schedule.weekDays : []).map((x) => WEEKDAY_NAMES.indexOf(String(x).toLowerCase()));
  const mdays = list(tr.schedule?.monthDays);
  const atTime = (w: Wall) => (hours.length ? hours.includes(w.h) : w.h === start.h) && (minutes.length ? minutes.includes(w.mi) : w.mi === start.mi);
  switch (tr.frequency) {
    case 'Day':
      return (w) => w.day >= start.day && (w.day - start.day) % every === 0 && atTime(w);
    case 'Week': {
      const week0 = start.day - start.dow;
      const days = dows.length ? dows : [start.dow];
      return (w) => w.day >= week0 && Math.floor((w.day - week0) / 7) % every === 0 && days.includes(w.dow) && atTime(w);
    }
    case 'Month': {
      const m0 = start.y * 12 + start.mo - 1;
      const days = mdays.length ? mdays : dows.length ? undefined : [start.d];
      return (w) => {
        const m = w.y * 12 + w.mo - 1;
        return m >= m0 && (m - m0) % every === 0 && (!days || days.includes(w.d)) && (!dows.length || dows.includes(w.dow)) && atTime(w);
      };
    }
    default:
      return `'${String(tr.frequency)}' is not a recurrence frequency`;
  }
}

/** How far the walk looks ahead (a pattern that never fires: no next time). */
const HORIZON_MS = 3 * 366 * 86_400_000;

/**
 * The first trigger time strictly after `after` (ms), or undefined (ended, or never). `createdAt`
 * stands for the start when the trigger has none — and is then itself the first trigger time.
 */
export function nextTriggerTime(tr: StoredTrigger, after: number, createdAt: number): number | undefined {
  const zone = WINDOWS_ZONES[String(tr.timeZone ?? 'UTC')] ?? 'UTC';
  const start = tr.startTime ? triggerInstant(tr.startTime, zone) : createdAt;
  const end = tr.endTime ? triggerInstant(tr.endTime, zone) : undefined;
  if (start === undefined) return undefined;
  const within = (t: number | undefined) => (t !== undefined && (end === undefined || t <= end) ? t : undefined);
  if (!tr.startTime && createdAt > after) return within(createdAt);
  if (tr.triggerType === 'Recurrence' && (tr.frequency === 'Minute' || tr.frequency === 'Hour')) {
    const step = Math.max(1, Number(tr.interval) || 1) * (tr.frequency === 'Minute' ? 60_000 : 3_600_000);
    return within(start + Math.max(0, Math.floor((after - start) / step) + 1) * step);
  }
  const match = matcher(tr, wall(start, zone));
  if (typeof match === 'string') return undefined;
  // Walk whole minutes from the later of start and after.
  let t = Math.floor(Math.max(after + 1, start) / 60_000) * 60_000;
  if (t < Math.max(after + 1, start)) t += 60_000;
  const limit = t + HORIZON_MS;
  let lastDay = NaN;
  let dayCanMatch = true;
  while (t < limit) {
    if (end !== undefined && t > end) return undefined;
    const w = wall(t, zone);
    if (w.day !== lastDay) {
      lastDay = w.day;
      // A day none of whose minutes match is skipped whole (every hour and minute of it probed).
      dayCanMatch = [...Array(24).keys()].some((h) => [...Array(60).keys()].some((mi) => match({ ...w, h, mi })));
    }
    if (dayCanMatch && match(w)) return t;
    t += dayCanMatch ? 60_000 : 3_600_000;
  }
  return undefined;
}
