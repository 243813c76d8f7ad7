const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { isAbsolute, relative, resolve } = require("node:path");
const { createHash } = require("node:crypto");
const { existsSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { createHash: createHash2 } = require("node:crypto");
import {
  COMMON_KEYS,
  FieldReader,
  LITERAL_TYPES,
  PlanContext,
  SpecDocument,
  automlJob,
  checkCommandRefs,
  codeId,
  commandLimits,
  commonProperties,
  computeId,
  didYouMean,
  distribution,
  environmentId,
  jobInputs,
  jobOutputs,
  pipelineSteps,
  printUntrusted,
  resources,
  scopeOf,
  sparkJob,
  stableJson,
  sweepJob
} from "./specs.js";
import {
  createBlobStore,
  createDryRun,
  createSnapshotUploader,
  createWorkspaceApi,
  formatBytes,
  prepareJob,
  require_dist,
  submitPlannedJob
} from "./yaml.js";
import {
  closest,
  createArmClient,
  createAzureContext,
  createWorkspaceMlflowClient,
  readAzureInputs,
  trackingUriOf,
  withAzureOperation,
  workspaceResourceId
} from "./azure+metrics.js";
import {
  ConfigurationError,
  appendLedger,
  escapeText,
  isObj,
  lineageTags,
  link,
  readWorkflowRun,
  setSecret
} from "./actions+core.js";
import {
  __toESM
} from "./esbuild-runtime.js";

// src/runs/inputs/submit-job.ts

// src/specs/names.ts
var JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
function slug(s, max) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "");
}
function deterministicJobName(run, jobFile2, extra = "") {
  const repo = slug(run.repository.split("/").pop() ?? run.repository, 40) || "repo";
  const stem = slug(
    jobFile2.replace(/\\/g, "/").split("/").pop()?.replace(/\.ya?ml$/i, "") ?? "job",
    40
  ) || "job";
  const hash = createHash("sha256").update(`${run.repository}\0${jobFile2}\0${run.runId}\0${run.runAttempt}\0${extra}`).digest("hex").slice(0, 8);
  return `${repo}-${stem}-${slug(run.runId, 20)}-${slug(run.runAttempt, 4)}-${hash}`;
}

// src/runs/inputs/submit-job.ts
function readSubmitJobInputs(reader, workspace) {
  const file = reader.required("job-file");
  const jobFile2 = isAbsolute(file) ? file : resolve(workspace, file);
  const rel = relative(workspace, jobFile2);
  const name = reader.optional("name");
  if (name !== void 0 && !JOB_NAME.test(name)) {
    throw new ConfigurationError(`Input 'name': '${name}' is not a valid job name.`, {
      input: "name",
      hint: "letters, digits, - and _, starting with a letter or digit, at most 255 characters"
    });
  }
  return {
    jobFile: jobFile2,
    jobFileDisplay: rel.startsWith("..") ? file : rel,
    set: reader.optional("set") ?? "",
    name,
    experimentName: reader.optional("experiment-name"),
    displayName: reader.optional("display-name"),
    tags: reader.keyValues("tags"),
    wait: reader.boolean("wait", true),
    timeoutMs: reader.duration("timeout"),
    cancelOnTimeout: reader.boolean("cancel-on-timeout", true),
    dryRun: reader.boolean("dry-run", false),
    scheduleEnabled: reader.optional("schedule-enabled") === void 0 ? void 0 : reader.boolean("schedule-enabled", true)
  };
}

// src/specs/job/command.ts
var COMMAND_KEYS = [...COMMON_KEYS, "command", "code", "environment", "environment_variables", "inputs", "outputs", "resources", "limits", "distribution"];
async function translate(ctx, spec, at = []) {
  ctx.checkKeys(spec, COMMAND_KEYS, at, "command job");
  const p = commonProperties(ctx, spec, "Command", at);
  if (spec.command === void 0) ctx.fail(at, "a command job needs 'command'");
  p.command = ctx.str(spec.command, [...at, "command"]).trim();
  const code = await codeId(ctx, spec.code, [...at, "code"]);
  if (code) p.codeId = code;
  p.environmentId = await environmentId(ctx, spec.environment, [...at, "environment"]);
  const env = ctx.stringMap(spec.environment_variables, [...at, "environment_variables"]);
  if (env) p.environmentVariables = env;
  const inputs = await jobInputs(ctx, spec.inputs, [...at, "inputs"]);
  if (inputs) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  checkCommandRefs(ctx, p.command, [...at, "command"], scopeOf(inputs, outputs));
  const res = resources(ctx, spec.resources, [...at, "resources"]);
  if (res) p.resources = res;
  const limits = commandLimits(ctx, spec.limits, [...at, "limits"]);
  if (limits) p.limits = limits;
  const dist = distribution(ctx, spec.distribution, [...at, "distribution"]);
  if (dist) p.distribution = dist;
  return p;
}
var commandJob = { type: "command", jobType: "Command", translate };

// src/specs/job/pipeline.ts
var PIPELINE_KEYS = [...COMMON_KEYS, "inputs", "outputs", "settings", "jobs"];
async function translate2(ctx, spec, at = []) {
  ctx.checkKeys(spec, PIPELINE_KEYS, at, "pipeline job");
  const p = commonProperties(ctx, spec, "Pipeline", at);
  const declared = isObj(spec.inputs) ? Object.keys(spec.inputs) : [];
  const inputs = await jobInputs(ctx, withValues(spec.inputs), [...at, "inputs"]);
  if (inputs && Object.keys(inputs).length) p.inputs = inputs;
  const outputs = jobOutputs(ctx, spec.outputs, [...at, "outputs"]);
  if (outputs) p.outputs = outputs;
  p.settings = await settings(ctx, spec.settings, [...at, "settings"]);
  if (spec.jobs === void 0) ctx.fail(at, "a pipeline job needs at least one step under jobs");
  p.jobs = await pipelineSteps(ctx, spec.jobs, [...at, "jobs"], {
    inputs: declared,
    outputs: Object.keys(outputs ?? {}),
    defaultEnvironment: isObj(spec.settings) && Boolean(spec.settings.default_environment)
  });
  return p;
}
function withValues(v) {
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.entries(v).filter(([, x]) => {
      if (x === null || x === "") return false;
      if (!isObj(x)) return true;
      const type = typeof x.type === "string" ? x.type : "uri_folder";
      return LITERAL_TYPES.includes(type) ? (x.value ?? x.default) !== void 0 : x.path !== void 0;
    })
  );
}
var SETTINGS_KEYS = ["default_compute", "default_datastore", "continue_on_step_failure", "force_rerun", "default_environment"];
async function settings(ctx, v, path2) {
  const out = {};
  if (v !== void 0 && v !== null) {
    const st = ctx.map(v, path2);
    for (const [k, x] of Object.entries(st)) {
      if (SETTINGS_KEYS.includes(k)) continue;
      if (isObj(x) || Array.isArray(x)) ctx.fail([...path2, k], `'${k}' is not a pipeline setting azureml-actions knows, and its value is not a plain value`);
      out[k] = x;
    }
    if (st.default_compute !== void 0) {
      const c = computeId(ctx, st.default_compute, [...path2, "default_compute"]);
      if (c) out.default_compute = c;
    }
    if (st.default_datastore !== void 0) {
      const ds = ctx.str(st.default_datastore, [...path2, "default_datastore"]).replace(/^azureml:/, "");
      out.default_datastore = ds.startsWith("/subscriptions/") ? ds : `${ctx.o.workspaceId}/datastores/${ds}`;
    }
    if (st.continue_on_step_failure !== void 0) out.continue_on_step_failure = Boolean(st.continue_on_step_failure);
    if (st.force_rerun !== void 0) out.force_rerun = Boolean(st.force_rerun);
    if (st.default_environment !== void 0) out.default_environment = await environmentId(ctx, st.default_environment, [...path2, "default_environment"]);
  }
  out._source = "YAML.JOB";
  return out;
}
var pipelineJob = { type: "pipeline", jobType: "Pipeline", translate: translate2 };

// src/specs/job/index.ts
var JOB_TYPES = [commandJob, sweepJob, pipelineJob, automlJob, sparkJob];
var NOT_YET = ["import"];
function translatorFor(doc, type) {
  const found = JOB_TYPES.find((t) => t.type === type);
  if (found) return found;
  const valid = JOB_TYPES.map((t) => t.type);
  if (type === "parallel")
    throw doc.error(["type"], "a 'parallel' job runs as a step of a pipeline job", "write type: pipeline with the parallel step under jobs:");
  if (NOT_YET.includes(type)) throw doc.error(["type"], `'${type}' jobs are not supported by azureml-actions yet`, `supported job types: ${valid.join(", ")}`);
  throw doc.error(["type"], `'${type}' is not a job type${didYouMean(type, valid)}`, `valid: ${valid.join(", ")}`);
}
async function planJob(doc, fileOnDisk, spec, options) {
  if (!isObj(spec)) throw doc.error([], "a job file must be a YAML map (command, sweep or pipeline job)");
  const ctx = new PlanContext(doc, fileOnDisk, options);
  const type = spec.type === void 0 ? "command" : ctx.str(spec.type, ["type"]);
  const translator = translatorFor(doc, type);
  const properties = await translator.translate(ctx, spec);
  const yamlName = typeof spec.name === "string" ? spec.name : void 0;
  return { jobType: translator.jobType, yamlName, body: { properties }, uploads: ctx.uploads, assets: ctx.assets };
}

// src/specs/schedule.ts

// src/specs/schedule-times.ts
var SCHEDULE_TIME_ZONES = {
  "Dateline Standard Time": "Etc/GMT+12",
  "UTC-11": "Etc/GMT+11",
  "Aleutian Standard Time": "America/Adak",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Marquesas Standard Time": "Pacific/Marquesas",
  "Alaskan Standard Time": "America/Anchorage",
  "UTC-09": "Etc/GMT+9",
  "Pacific Standard Time (Mexico)": "America/Tijuana",
  "UTC-08": "Etc/GMT+8",
  "Pacific Standard Time": "America/Los_Angeles",
  "US Mountain Standard Time": "America/Phoenix",
  "Mountain Standard Time (Mexico)": "America/Mazatlan",
  "Mountain Standard Time": "America/Denver",
  "Central America Standard Time": "America/Guatemala",
  "Central Standard Time": "America/Chicago",
  "Easter Island Standard Time": "Pacific/Easter",
  "Central Standard Time (Mexico)": "America/Mexico_City",
  "Canada Central Standard Time": "America/Regina",
  "SA Pacific Standard Time": "America/Bogota",
  "Eastern Standard Time (Mexico)": "America/Cancun",
  "Eastern Standard Time": "America/New_York",
  "Haiti Standard Time": "America/Port-au-Prince",
  "Cuba Standard Time": "America/Havana",
  "US Eastern Standard Time": "America/Indianapolis",
  "Paraguay Standard Time": "America/Asuncion",
  "Atlantic Standard Time": "America/Halifax",
  "Venezuela Standard Time": "America/Caracas",
  "Central Brazilian Standard Time": "America/Cuiaba",
  "SA Western Standard Time": "America/La_Paz",
  "Pacific SA Standard Time": "America/Santiago",
  "Turks And Caicos Standard Time": "America/Grand_Turk",
  "Newfoundland Standard Time": "America/St_Johns",
  "Tocantins Standard Time": "America/Araguaina",
  "E. South America Standard Time": "America/Sao_Paulo",
  "SA Eastern Standard Time": "America/Cayenne",
  "Argentina Standard Time": "America/Buenos_Aires",
  "Greenland Standard Time": "America/Godthab",
  "Montevideo Standard Time": "America/Montevideo",
  "Saint Pierre Standard Time": "America/Miquelon",
  "Bahia Standard Time": "America/Bahia",
  "UTC-02": "Etc/GMT+2",
  "Mid-Atlantic Standard Time": "Etc/GMT+2",
  "Azores Standard Time": "Atlantic/Azores",
  "Cape Verde Standard Time": "Atlantic/Cape_Verde",
  UTC: "UTC",
  "Morocco Standard Time": "Africa/Casablanca",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Central Europe Standard Time": "Europe/Budapest",
  "Romance Standard Time": "Europe/Paris",
  "Central European Standard Time": "Europe/Warsaw",
  "W. Central Africa Standard Time": "Africa/Lagos",
  "Namibia Standard Time": "Africa/Windhoek",
  "Jordan Standard Time": "Asia/Amman",
  "GTB Standard Time": "Europe/Bucharest",
  "Middle East Standard Time": "Asia/Beirut",
  "Egypt Standard Time": "Africa/Cairo",
  "E. Europe Standard Time": "Europe/Chisinau",
  "Syria Standard Time": "Asia/Damascus",
  "West Bank Standard Time": "Asia/Hebron",
  "South Africa Standard Time": "Africa/Johannesburg",
  "FLE Standard Time": "Europe/Kiev",
  "Turkey Standard Time": "Europe/Istanbul",
  "Israel Standard Time": "Asia/Jerusalem",
  "Kaliningrad Standard Time": "Europe/Kaliningrad",
  "Libya Standard Time": "Africa/Tripoli",
  "Arabic Standard Time": "Asia/Baghdad",
  "Arab Standard Time": "Asia/Riyadh",
  "Belarus Standard Time": "Europe/Minsk",
  "Russian Standard Time": "Europe/Moscow",
  "E. Africa Standard Time": "Africa/Nairobi",
  "Iran Standard Time": "Asia/Tehran",
  "Arabian Standard Time": "Asia/Dubai",
  "Astrakhan Standard Time": "Europe/Astrakhan",
  "Azerbaijan Standard Time": "Asia/Baku",
  "Russia Time Zone 3": "Europe/Samara",
  "Mauritius Standard Time": "Indian/Mauritius",
  "Georgian Standard Time": "Asia/Tbilisi",
  "Caucasus Standard Time": "Asia/Yerevan",
  "Afghanistan Standard Time": "Asia/Kabul",
  "West Asia Standard Time": "Asia/Tashkent",
  "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
  "Pakistan Standard Time": "Asia/Karachi",
  "India Standard Time": "Asia/Calcutta",
  "Sri Lanka Standard Time": "Asia/Colombo",
  "Nepal Standard Time": "Asia/Katmandu",
  "Central Asia Standard Time": "Asia/Bishkek",
  "Bangladesh Standard Time": "Asia/Dhaka",
  "N. Central Asia Standard Time": "Asia/Novosibirsk",
  "Myanmar Standard Time": "Asia/Rangoon",
  "SE Asia Standard Time": "Asia/Bangkok",
  "Altai Standard Time": "Asia/Barnaul",
  "W. Mongolia Standard Time": "Asia/Hovd",
  "North Asia Standard Time": "Asia/Krasnoyarsk",
  "Tomsk Standard Time": "Asia/Tomsk",
  "China Standard Time": "Asia/Shanghai",
  "North Asia East Standard Time": "Asia/Irkutsk",
  "Singapore Standard Time": "Asia/Singapore",
  "W. Australia Standard Time": "Australia/Perth",
  "Taipei Standard Time": "Asia/Taipei",
  "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
  "North Korea Standard Time": "Asia/Pyongyang",
  "Aus Central W. Standard Time": "Australia/Eucla",
  "Transbaikal Standard Time": "Asia/Chita",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Korea Standard Time": "Asia/Seoul",
  "Yakutsk Standard Time": "Asia/Yakutsk",
  "Cen. Australia Standard Time": "Australia/Adelaide",
  "AUS Central Standard Time": "Australia/Darwin",
  "E. Australia Standard Time": "Australia/Brisbane",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "West Pacific Standard Time": "Pacific/Port_Moresby",
  "Tasmania Standard Time": "Australia/Hobart",
  "Vladivostok Standard Time": "Asia/Vladivostok",
  "Lord Howe Standard Time": "Australia/Lord_Howe",
  "Bougainville Standard Time": "Pacific/Bougainville",
  "Russia Time Zone 10": "Asia/Srednekolymsk",
  "Magadan Standard Time": "Asia/Magadan",
  "Norfolk Standard Time": "Pacific/Norfolk",
  "Sakhalin Standard Time": "Asia/Sakhalin",
  "Central Pacific Standard Time": "Pacific/Guadalcanal",
  "Russia Time Zone 11": "Asia/Kamchatka",
  "New Zealand Standard Time": "Pacific/Auckland",
  "UTC+12": "Etc/GMT-12",
  "Fiji Standard Time": "Pacific/Fiji",
  "Kamchatka Standard Time": "Asia/Kamchatka",
  "Chatham Islands Standard Time": "Pacific/Chatham",
  "Tonga Standard Time": "Pacific/Tongatapu",
  "Samoa Standard Time": "Pacific/Apia",
  "Line Islands Standard Time": "Pacific/Kiritimati"
};
var WEEK_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
var DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
var MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
function cronField(text, what, min, max, names) {
  const value = (s) => {
    const i = names?.indexOf(s.toLowerCase()) ?? -1;
    if (i >= 0) return i + min;
    if (!/^\d+$/.test(s)) throw new Error(`'${s}' in the ${what} field is not a number${names ? " or a name" : ""}`);
    const n = Number(s);
    if (n < min || n > max) throw new Error(`${n} in the ${what} field is out of range ${min}-${max}`);
    return n;
  };
  const out = /* @__PURE__ */ new Set();
  for (const part of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`'${part}' in the ${what} field is not a value, a range a-b, a list or a step */n`);
    const step = m[2] === void 0 ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`the step in '${part}' (${what}) must be at least 1`);
    let lo = min;
    let hi = max;
    if (m[1] !== "*") {
      const [a, b] = m[1].split("-");
      lo = value(a);
      hi = b === void 0 ? m[2] === void 0 ? lo : max : value(b);
      if (hi < lo) throw new Error(`the range '${m[1]}' in the ${what} field runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}
function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`a cron expression has five fields (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK), '${expression}' has ${parts.length}`);
  }
  const [mi, h, d, mo, dw] = parts;
  const minutes = cronField(mi, "minutes", 0, 59);
  const hours = cronField(h, "hours", 0, 23);
  cronField(d, "days", 1, 31);
  cronField(mo, "months", 1, 12, MONTH_NAMES);
  const weekDays = cronField(dw, "days-of-week", 0, 6, DOW_NAMES);
  return { minutes, hours, days: d, months: mo, weekDays };
}
var formatters = /* @__PURE__ */ new Map();
function localOf(t, zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    });
    formatters.set(zone, f);
  }
  const p = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}
function instantOf(l, zone) {
  const wall = Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s);
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const got = localOf(t, zone);
    const diff = wall - Date.UTC(got.y, got.mo - 1, got.d, got.h, got.mi, got.s);
    if (diff === 0) return t;
    t += diff;
  }
  return void 0;
}
function parseTriggerTime(text, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return void 0;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return void 0;
  if (m[7]) {
    const off = m[7] === "Z" ? 0 : (m[7][0] === "-" ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(-2)));
    return Date.UTC(y, mo - 1, d, h, mi, s) - off * 6e4;
  }
  return instantOf({ y, mo, d, h, mi, s }, zone) ?? instantOf({ y, mo, d, h: h + 1, mi, s }, zone);
}
var DAY_MS = 864e5;
var HORIZON_DAYS = 4 * 366;
function dayNumber(y, mo, d) {
  return Math.floor(Date.UTC(y, mo - 1, d) / DAY_MS);
}
function calendarOf(day) {
  const t = new Date(day * DAY_MS);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), dow: t.getUTCDay() };
}
function nextRunTimes(trigger, o) {
  const zoneName = trigger.timeZone ?? "UTC";
  const zone = SCHEDULE_TIME_ZONES[zoneName];
  if (!zone) throw new Error(`'${zoneName}' is not a time zone Azure ML schedules take`);
  const start = trigger.startTime ? parseTriggerTime(trigger.startTime, zone) : o.createdAt.getTime();
  if (start === void 0) throw new Error(`start time '${trigger.startTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const end = trigger.endTime ? parseTriggerTime(trigger.endTime, zone) : void 0;
  if (trigger.endTime && end === void 0) throw new Error(`end time '${trigger.endTime}' is not a date and time (YYYY-MM-DDThh:mm:ss)`);
  const after = o.after.getTime();
  const out = [];
  if (!trigger.startTime && start > after) out.push(start);
  const accept = (t) => {
    if (end !== void 0 && t > end) return false;
    if (t >= start && t > after && !out.includes(t)) out.push(t);
    return out.length < o.count;
  };
  if (trigger.triggerType === "Recurrence" && (trigger.frequency === "Minute" || trigger.frequency === "Hour")) {
    const step = (trigger.interval ?? 1) * (trigger.frequency === "Minute" ? 6e4 : 36e5);
    let k = Math.max(0, Math.ceil((after + 1 - start) / step));
    while (out.length < o.count && (end === void 0 || start + k * step <= end)) {
      if (!accept(start + k * step)) break;
      k++;
    }
    return out.slice(0, o.count).map((t) => new Date(t));
  }
  const startLocal = localOf(start, zone);
  const startDay = dayNumber(startLocal.y, startLocal.mo, startLocal.d);
  const fromLocal = localOf(Math.max(after, start), zone);
  const fromDay = dayNumber(fromLocal.y, fromLocal.mo, fromLocal.d) - 1;
  const { times, dayMatches } = trigger.triggerType === "Cron" ? cronPlan(trigger) : recurrencePlan(trigger, startLocal, startDay);
  for (let day = fromDay; day < fromDay + HORIZON_DAYS && out.length < o.count; day++) {
    const c = calendarOf(day);
    if (!dayMatches(day, c)) continue;
    let more = true;
    for (const [h, mi] of times) {
      const t = instantOf({ y: c.y, mo: c.mo, d: c.d, h, mi, s: 0 }, zone);
      if (t === void 0) continue;
      if (end !== void 0 && t > end) return out.map((x) => new Date(x));
      if (!(more = accept(t))) break;
    }
    if (!more) break;
  }
  return out.sort((a, b) => a - b).slice(0, o.count).map((t) => new Date(t));
}
function cross(hours, minutes) {
  const out = [];
  for (const h of [...hours].sort((a, b) => a - b)) for (const m of [...minutes].sort((a, b) => a - b)) out.push([h, m]);
  return out;
}
function cronPlan(trigger) {
  const f = parseCron(trigger.expression ?? "");
  return { times: cross(f.hours, f.minutes), dayMatches: (_d, c) => f.weekDays.includes(c.dow) };
}
function recurrencePlan(trigger, startLocal, startDay) {
  const interval = Math.max(1, trigger.interval ?? 1);
  const pattern = trigger.schedule ?? { hours: [], minutes: [] };
  const hours = pattern.hours?.length ? pattern.hours : [startLocal.h];
  const minutes = pattern.minutes?.length ? pattern.minutes : [startLocal.mi];
  const times = cross(hours, minutes);
  const startCal = calendarOf(startDay);
  const weekDays = pattern.weekDays?.length ? pattern.weekDays.map((w) => WEEK_DAYS.findIndex((x) => x.toLowerCase() === w.toLowerCase())) : void 0;
  switch (trigger.frequency) {
    case "Day":
      return { times, dayMatches: (day) => (day - startDay) % interval === 0 && day >= startDay };
    case "Week": {
      const startWeek = startDay - startCal.dow;
      const days = weekDays ?? [startCal.dow];
      return { times, dayMatches: (day, c) => day >= startWeek && Math.floor((day - startWeek) / 7) % interval === 0 && days.includes(c.dow) };
    }
    case "Month": {
      const monthDays = pattern.monthDays?.length ? pattern.monthDays : weekDays ? void 0 : [startCal.d];
      const startMonth = startCal.y * 12 + startCal.mo - 1;
      return {
        times,
        dayMatches: (_day, c) => {
          const m = c.y * 12 + c.mo - 1;
          if (m < startMonth || (m - startMonth) % interval !== 0) return false;
          if (monthDays && !monthDays.includes(c.d)) return false;
          return !weekDays || weekDays.includes(c.dow);
        }
      };
    }
    default:
      throw new Error(`'${String(trigger.frequency)}' is not a recurrence frequency`);
  }
}

// src/specs/schedule.ts
var SCHEDULE_KEYS = ["$schema", "name", "display_name", "description", "tags", "properties", "trigger", "create_job", "is_enabled"];
var TRIGGER_COMMON = ["type", "start_time", "end_time", "time_zone"];
var CRON_KEYS = [...TRIGGER_COMMON, "expression"];
var RECURRENCE_KEYS = [...TRIGGER_COMMON, "frequency", "interval", "schedule"];
var PATTERN_KEYS = ["hours", "minutes", "week_days", "month_days"];
var OVERRIDE_KEYS = {
  base: ["type", "job", "compute", "inputs", "outputs", "identity", "description", "tags", "experiment_name", "properties"],
  pipeline: ["settings"],
  command: ["limits", "environment_variables", "resources", "distribution", "environment"]
};
var FREQUENCIES = { minute: "Minute", hour: "Hour", day: "Day", week: "Week", month: "Month" };
var SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
async function planSchedule(doc, fileOnDisk, value, options) {
  const r = new FieldReader(doc);
  const spec = r.map(value, [], "a schedule file must be a YAML map (trigger, create_job, \u2026)");
  r.checkKeys(spec, SCHEDULE_KEYS, [], "schedule");
  const yamlName = r.optStr(spec, "name", []);
  if (yamlName !== void 0 && !SCHEDULE_NAME.test(yamlName)) {
    r.fail(["name"], `'${yamlName}' is not a valid schedule name`, "letters, digits, '-' and '_', starting with a letter or digit");
  }
  const warnings = [];
  if (spec.trigger === void 0) r.fail([], "a schedule needs a 'trigger' (type: cron or recurrence)");
  if (spec.create_job === void 0) r.fail([], "a schedule needs 'create_job': a job file, azureml:<job-name> or a map with 'job'");
  const trigger = translateTrigger(r, spec.trigger, ["trigger"], warnings);
  const job = await createJob(doc, fileOnDisk, spec.create_job, options);
  const p = {};
  const s = (k) => r.optStr(spec, k, []);
  if (s("display_name") !== void 0) p.displayName = s("display_name");
  if (s("description") !== void 0) p.description = s("description");
  p.tags = r.stringMap(spec.tags, ["tags"]) ?? {};
  p.properties = r.stringMap(spec.properties, ["properties"]) ?? {};
  if (spec.is_enabled !== void 0) {
    if (typeof spec.is_enabled !== "boolean") r.fail(["is_enabled"], "must be true or false");
    p.isEnabled = spec.is_enabled;
  }
  p.trigger = trigger;
  p.action = { actionType: "CreateJob", jobDefinition: job.body.properties };
  return { yamlName, body: { properties: p }, job, warnings };
}
function timeOf(r, t, key, path2, zone) {
  if (t[key] === void 0 || t[key] === null) return void 0;
  const text = t[key] instanceof Date ? t[key].toISOString().replace(/\.000Z$/, "") : r.str(t[key], [...path2, key]);
  if (parseTriggerTime(text, zone) === void 0) {
    r.fail(
      [...path2, key],
      `'${text}' is not a date and time`,
      "write YYYY-MM-DDThh:mm:ss (wall-clock time in time_zone), optionally with an offset such as -04:00"
    );
  }
  return text;
}
function translateTrigger(r, v, path2, warnings) {
  const t = r.map(v, path2, "must be a map with a type (cron or recurrence)");
  if (t.type === void 0) r.fail(path2, "a trigger needs 'type': cron or recurrence");
  const type = r.str(t.type, [...path2, "type"]).toLowerCase();
  if (type !== "cron" && type !== "recurrence")
    r.fail([...path2, "type"], `'${String(t.type)}' is not a trigger type${didYouMean(type, ["cron", "recurrence"])}`, "valid: cron, recurrence");
  r.checkKeys(t, type === "cron" ? CRON_KEYS : RECURRENCE_KEYS, path2, `${type} trigger`);
  const timeZone = t.time_zone === void 0 ? "UTC" : r.str(t.time_zone, [...path2, "time_zone"]);
  if (!Object.hasOwn(SCHEDULE_TIME_ZONES, timeZone)) {
    r.fail(
      [...path2, "time_zone"],
      `'${timeZone}' is not a time zone Azure ML schedules take${didYouMean(timeZone, Object.keys(SCHEDULE_TIME_ZONES))}`,
      "use a Windows time zone name such as UTC, Pacific Standard Time, W. Europe Standard Time"
    );
  }
  const zone = SCHEDULE_TIME_ZONES[timeZone];
  const out = { triggerType: type === "cron" ? "Cron" : "Recurrence" };
  if (type === "cron") {
    if (t.expression === void 0) r.fail(path2, "a cron trigger needs 'expression' (MINUTES HOURS DAYS MONTHS DAYS-OF-WEEK)");
    const expression = r.str(t.expression, [...path2, "expression"]).trim();
    try {
      const f = parseCron(expression);
      if (f.days !== "*" || f.months !== "*") {
        warnings.push(
          `${doclessWhere(r, [...path2, "expression"])}: Azure ML ignores the DAYS and MONTHS fields of a cron expression and treats them as * (learn.microsoft.com/azure/machine-learning/how-to-schedule-pipeline-job)`
        );
      }
    } catch (err) {
      r.fail([...path2, "expression"], `'${expression}' is not a cron expression: ${err.message}`);
    }
    out.expression = expression;
  } else {
    recurrence(r, t, path2, out);
  }
  const start = timeOf(r, t, "start_time", path2, zone);
  const end = timeOf(r, t, "end_time", path2, zone);
  if (start !== void 0) out.startTime = start;
  if (end !== void 0) out.endTime = end;
  if (start !== void 0 && end !== void 0 && parseTriggerTime(end, zone) <= parseTriggerTime(start, zone))
    r.fail([...path2, "end_time"], `the end time ${end} is not after the start time ${start}`);
  out.timeZone = timeZone;
  return out;
}
function doclessWhere(r, path2) {
  const at = r.doc.locate(path2);
  return at.line ? `${at.file}:${at.line}` : at.file;
}
function recurrence(r, t, path2, out) {
  if (t.frequency === void 0) r.fail(path2, "a recurrence trigger needs 'frequency': minute, hour, day, week or month");
  if (t.interval === void 0) r.fail(path2, "a recurrence trigger needs 'interval' (every how many frequency units)");
  const frequency = r.oneOf(r.str(t.frequency, [...path2, "frequency"]).toLowerCase(), [...path2, "frequency"], FREQUENCIES, "a recurrence frequency");
  out.frequency = frequency;
  out.interval = r.int(t.interval, [...path2, "interval"], 1);
  out.schedule = { hours: [], minutes: [] };
  if (t.schedule === void 0 || t.schedule === null) return;
  const sp = [...path2, "schedule"];
  if (frequency === "Minute" || frequency === "Hour")
    r.fail(sp, `a recurrence pattern applies to day, week and month frequencies, not '${String(t.frequency)}'`, "use a cron trigger for minutes within hours");
  const s = r.map(t.schedule, sp);
  r.checkKeys(s, PATTERN_KEYS, sp, "recurrence pattern");
  const ints = (k, max) => {
    const v = s[k];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x, i) => {
      const n = r.int(x, Array.isArray(v) ? [...sp, k, i] : [...sp, k]);
      if (n > max) r.fail(Array.isArray(v) ? [...sp, k, i] : [...sp, k], `${n} is out of range 0-${max}`);
      return n;
    });
  };
  if (s.hours === void 0 || s.minutes === void 0) r.fail(sp, "a recurrence pattern needs 'hours' and 'minutes'");
  const pattern = { hours: ints("hours", 23), minutes: ints("minutes", 59) };
  if (s.week_days !== void 0 && s.week_days !== null) {
    if (frequency === "Day") r.fail([...sp, "week_days"], "week days apply to week and month frequencies");
    const list = Array.isArray(s.week_days) ? s.week_days : [s.week_days];
    pattern.weekDays = list.map((w, i) => {
      const at = Array.isArray(s.week_days) ? [...sp, "week_days", i] : [...sp, "week_days"];
      const name = r.str(w, at);
      const found = WEEK_DAYS.find((d) => d.toLowerCase() === name.toLowerCase());
      return found ?? r.fail(
        at,
        `'${name}' is not a week day${didYouMean(
          name.toLowerCase(),
          WEEK_DAYS.map((d) => d.toLowerCase())
        )}`,
        "valid: monday \u2026 sunday"
      );
    });
  }
  if (s.month_days !== void 0 && s.month_days !== null) {
    if (frequency !== "Month") r.fail([...sp, "month_days"], "month days apply to the month frequency");
    pattern.monthDays = ints("month_days", 31).map((d, i) => d >= 1 ? d : r.fail([...sp, "month_days", i], "month days run 1-31"));
  }
  out.schedule = pattern;
}
function documentView(base, value, route) {
  return new Proxy(base, {
    get(target, prop) {
      if (prop === "value") return value;
      if (prop === "error") {
        return (path2, message, hint) => {
          const to = route(path2);
          return to.doc.error(to.path, message, hint);
        };
      }
      if (prop === "locate") {
        return (path2) => {
          const to = route(path2);
          return to.doc.locate(to.path);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    }
  });
}
var SCHEDULE_EXPRESSIONS = [
  [/\$\{\{\s*name\s*\}\}/g, "zzazuremlactionsschedulenamezz", "${{name}}"],
  [/\$\{\{\s*creation_context\.trigger_time\s*\}\}/g, "zzazuremlactionsscheduletriggertimezz", "${{creation_context.trigger_time}}"]
];
function mapStrings(v, f) {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}
async function planScheduledJob(doc, file, spec, options) {
  const hide = (s) => SCHEDULE_EXPRESSIONS.reduce((acc, [re, token]) => acc.replace(re, token), s);
  const show = (s) => SCHEDULE_EXPRESSIONS.reduce((acc, [, token, text]) => acc.split(token).join(text), s);
  const hidden = isObj(spec) ? { ...spec, ...spec.inputs ? { inputs: mapStrings(spec.inputs, hide) } : {}, ...spec.outputs ? { outputs: mapStrings(spec.outputs, hide) } : {} } : spec;
  const plan2 = await planJob(doc, file, hidden, options);
  return { ...plan2, body: { properties: mapStrings(plan2.body.properties, show) } };
}
async function createJob(doc, fileOnDisk, v, options) {
  const r = new FieldReader(doc);
  const at = ["create_job"];
  if (typeof v === "string") {
    if (v.startsWith("azureml:")) return remoteJob(r, v, at, options);
    return jobFile(doc, fileOnDisk, v, at, void 0, options);
  }
  const m = r.map(v, at, "must be a job file path, azureml:<job-name> or a map with 'type' and 'job'");
  if (m.job === void 0) {
    const view = documentView(doc, m, (path2) => ({ doc, path: [...at, ...path2] }));
    return planScheduledJob(view, fileOnDisk, m, options);
  }
  const type = m.type === void 0 ? void 0 : r.str(m.type, [...at, "type"]).toLowerCase();
  const allowed = [...OVERRIDE_KEYS.base, ...type ? OVERRIDE_KEYS[type] ?? [] : [...OVERRIDE_KEYS.pipeline, ...OVERRIDE_KEYS.command]];
  r.checkKeys(m, allowed, at, `create_job${type ? ` ${type}` : ""} map (a job and what it overrides)`);
  const ref = r.str(m.job, [...at, "job"]);
  if (ref.startsWith("azureml:")) {
    const extra = Object.keys(m).filter((k) => k !== "job" && k !== "type");
    if (extra.length > 0)
      r.fail(
        [...at, extra[0]],
        "overriding fields of an existing job (azureml:<job>) is not supported by azureml-actions yet",
        "schedule a local job file instead"
      );
    return remoteJob(r, ref, [...at, "job"], options);
  }
  const overrides = {};
  for (const [k, val] of Object.entries(m)) if (k !== "job") overrides[k] = val;
  return jobFile(doc, fileOnDisk, ref, [...at, "job"], { values: overrides, at }, options);
}
async function jobFile(doc, fileOnDisk, rel, path2, overrides, options) {
  const r = new FieldReader(doc);
  const abs = join(dirname(fileOnDisk), rel);
  if (!existsSync(abs)) r.fail(path2, `job file '${rel}' does not exist (resolved to ${abs})`, "paths are relative to the folder of the schedule YAML");
  const jobDoc = SpecDocument.load(abs, join(dirname(doc.file), rel), doc.input);
  if (!overrides) return planScheduledJob(jobDoc, abs, jobDoc.value, options);
  const base = isObj(jobDoc.value) ? jobDoc.value : {};
  const fileType = typeof base.type === "string" ? base.type.toLowerCase() : "command";
  const oType = overrides.values.type;
  if (typeof oType === "string" && oType.toLowerCase() !== fileType) {
    r.fail([...overrides.at, "type"], `'${oType}' does not match the job file, a ${fileType} job`);
  }
  const merged = { ...base, ...overrides.values };
  if (base.type === void 0) delete merged.type;
  else merged.type = base.type;
  const view = documentView(
    jobDoc,
    merged,
    (p) => typeof p[0] === "string" && p[0] !== "type" && Object.hasOwn(overrides.values, p[0]) ? { doc, path: [...overrides.at, ...p] } : { doc: jobDoc, path: p }
  );
  return planScheduledJob(view, abs, merged, options);
}
function remoteJob(r, ref, path2, options) {
  const name = ref.slice("azureml:".length);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) r.fail(path2, `'${ref}' is not a job reference`, "write azureml:<job-name>");
  return {
    jobType: "Pipeline",
    body: { properties: { jobType: "Pipeline", sourceJobId: `${options.workspaceId}/jobs/${name}`, experimentName: "" } },
    uploads: [],
    assets: []
  };
}
function isScheduleSpec(spec) {
  if (!isObj(spec)) return false;
  if (typeof spec.$schema === "string" && /\/schedule\.schema\.json$/i.test(spec.$schema)) return true;
  return spec.trigger !== void 0 && spec.create_job !== void 0;
}

// src/runs/submit-job/schedule.ts

// src/azure/schedules.ts
var path = (name) => `schedules/${encodeURIComponent(name)}`;
function createSchedulesApi(arm) {
  return {
    getSchedule: (name) => withAzureOperation(`reading schedule '${name}'`, () => arm.tryGet(path(name))),
    putSchedule: (name, body) => withAzureOperation(`creating or updating schedule '${name}'`, async () => {
      const poller = await arm.beginPut(path(name), body);
      const done = await poller.pollUntilDone();
      return done ?? await arm.get(path(name));
    })
  };
}

// src/jobs/estimate.ts
var JOB_FILE_TAG = "azureml-actions.job_file";
var HISTORY_RUNS = 5;
function estimateFromDurations(durations) {
  const ok = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (ok.length === 0) return void 0;
  const mid = ok.length >> 1;
  const medianMs = ok.length % 2 === 1 ? ok[mid] : (ok[mid - 1] + ok[mid]) / 2;
  const spreadMs = Math.max(...ok.map((d) => Math.abs(d - medianMs)));
  return { medianMs, spreadMs, samples: ok.length };
}
var DEFAULT_ESTIMATE_TUNING = {
  minWindowMs: 3e3,
  maxWindowMs: 6e4,
  nearMs: 1500,
  capDivisor: 6,
  floorMs: 15e3,
  ceilingMs: 6e4
};
function endEstimate(createdAt, d, t = DEFAULT_ESTIMATE_TUNING) {
  const windowMs = Math.min(t.maxWindowMs, Math.max(t.minWindowMs, d.spreadMs * 1.5, d.medianMs * 0.02));
  const maxMs = Math.min(t.ceilingMs, Math.max(t.floorMs, d.medianMs / t.capDivisor));
  return { endAt: createdAt + d.medianMs, windowMs, maxMs, nearMs: t.nearMs };
}
function durationsOf(runs) {
  return runs.filter((r) => r.status === void 0 || r.status === "FINISHED").filter((r) => typeof r.start_time === "number" && typeof r.end_time === "number").sort((a, b) => b.start_time - a.start_time).map((r) => r.end_time - r.start_time);
}
function literal(value) {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function pastRunsFilter(jobFileKey2) {
  return `tags.\`${JOB_FILE_TAG}\` = ${literal(jobFileKey2)}`;
}
var SEARCHED_RUNS = 4 * HISTORY_RUNS;
async function estimateJobEnd(reader, jobName2, jobFileKey2, createdAt, tuning) {
  const run = await reader.getRun(jobName2);
  const past = await reader.searchRuns([run.info.experiment_id], {
    filter: pastRunsFilter(jobFileKey2),
    // `start_time` as a run field: the ordering the support matrix lists as supported on Azure ML.
    orderBy: ["start_time DESC"],
    maxResults: SEARCHED_RUNS
  });
  const basis = estimateFromDurations(durationsOf(past.filter((r) => r.info.run_id !== jobName2).map((r) => r.info)).slice(0, HISTORY_RUNS));
  if (!basis) return void 0;
  return { estimate: endEstimate(createdAt, basis, tuning), basis };
}

// src/specs/overrides.ts
var import_yaml = __toESM(require_dist(), 1);
var OPEN_MAPS = /* @__PURE__ */ new Set(["tags", "properties", "environment_variables", "inputs", "outputs", "settings"]);
function parseOverrides(text, input = "set") {
  const out = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) {
      throw new ConfigurationError(`input '${input}' line ${i + 1}: '${line}' is not path=value`, {
        input,
        hint: "one override per line, e.g. inputs.epochs=20"
      });
    }
    const pathText = line.slice(0, eq).trim();
    const path2 = [];
    for (const seg of pathText.split(".")) {
      const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(seg);
      if (!m)
        throw new ConfigurationError(`input '${input}' line ${i + 1}: '${pathText}' is not a valid path`, {
          input,
          hint: "dotted keys with optional [index], e.g. jobs.train.inputs.lr or search_space.lr.values[0]"
        });
      path2.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) path2.push(Number(idx[1]));
    }
    let value;
    const valueText = line.slice(eq + 1).trim();
    try {
      value = valueText === "" ? "" : (0, import_yaml.parse)(valueText);
    } catch {
      value = valueText;
    }
    out.push({ path: path2, value, line: i + 1, text: line });
  });
  return out;
}
function applyOverrides(spec, overrides, input = "set") {
  const root = structuredClone(spec);
  for (const o of overrides) {
    let node = root;
    for (let i = 0; i < o.path.length - 1; i++) {
      const seg = o.path[i];
      const next = node?.[seg];
      if (typeof next !== "object" || next === null) {
        throw notFound(o, i, node, input);
      }
      node = next;
    }
    const last = o.path[o.path.length - 1];
    const parentKey = o.path[o.path.length - 2];
    if (Array.isArray(node)) {
      if (typeof last !== "number" || last >= node.length) throw notFound(o, o.path.length - 1, node, input);
      node[last] = o.value;
      continue;
    }
    const obj = node;
    if (!(String(last) in obj) && !(typeof parentKey === "string" && OPEN_MAPS.has(parentKey))) {
      throw notFound(o, o.path.length - 1, node, input);
    }
    obj[String(last)] = o.value;
  }
  return root;
}
function notFound(o, depth, node, input) {
  const shown = o.path.slice(0, depth + 1).map((p) => typeof p === "number" ? `[${p}]` : p).join(".").replace(/\.\[/g, "[");
  const keys = typeof node === "object" && node !== null && !Array.isArray(node) ? Object.keys(node) : [];
  const near = typeof o.path[depth] === "string" ? closest(String(o.path[depth]), keys) : void 0;
  return new ConfigurationError(`input '${input}' line ${o.line}: '${shown}' does not exist in the job file${near ? ` (did you mean '${near}'?)` : ""}`, {
    input,
    hint: keys.length ? `keys there: ${keys.join(", ")}` : "set can change existing fields and add entries to tags, properties, environment_variables, inputs and outputs"
  });
}

// src/runs/submit-job/schedule.ts
var SPEC_DIGEST_PROPERTY = "azureml-actions.spec_sha256";
var NEXT_RUNS = 5;
function refuseJobInputs(s) {
  const jobOnly = [
    ["experiment-name", s.experimentName],
    ["display-name", s.displayName]
  ];
  for (const [input, value] of jobOnly) {
    if (value !== void 0) {
      throw new ConfigurationError(`Input '${input}' applies to a job file; ${s.jobFileDisplay} is a schedule`, {
        input,
        hint: "set it in the schedule YAML instead (create_job's experiment_name, the schedule's display_name), or with the set input"
      });
    }
  }
}
async function plan(step, workspaceId, api) {
  const { settings: settings2, run, doc } = step;
  refuseJobInputs(settings2);
  const spec = applyOverrides(doc.value, parseOverrides(settings2.set));
  const p = await planSchedule(doc, settings2.jobFile, spec, { workspaceId, resolver: api });
  for (const w of p.warnings) step.io.warning(w);
  const name = settings2.name ?? p.yamlName;
  if (!name) {
    throw new ConfigurationError(`${settings2.jobFileDisplay}: a schedule needs a name (the YAML 'name' or the name input)`, {
      input: "job-file",
      hint: "a schedule keeps its name across runs: that is how a second run finds and updates it"
    });
  }
  const props = structuredClone(p.body.properties);
  props.isEnabled = settings2.scheduleEnabled ?? props.isEnabled ?? true;
  props.tags = { ...props.tags, ...settings2.tags };
  const def = props.action.jobDefinition;
  if (typeof def.sourceJobId !== "string") def.tags = { ...isObj(def.tags) ? def.tags : {}, [JOB_FILE_TAG]: `${run.repository}:${settings2.jobFileDisplay}` };
  const digest = createHash2("sha256").update(stableJson(props)).digest("hex");
  props.properties = { ...props.properties, [SPEC_DIGEST_PROPERTY]: digest };
  return { name, plan: p, body: { properties: props } };
}
function holds(actual, wanted) {
  if (wanted === null || wanted === void 0) return actual === null || actual === void 0;
  if (Array.isArray(wanted)) return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => holds(actual[i], w));
  if (isObj(wanted)) return isObj(actual) && Object.entries(wanted).every(([k, w]) => holds(actual[k], w));
  return actual === wanted;
}
function unchanged(existing, body) {
  if (!existing?.properties) return false;
  const stored = existing.properties.properties;
  return stored?.[SPEC_DIGEST_PROPERTY] === body.properties.properties[SPEC_DIGEST_PROPERTY] && holds(existing.properties, body.properties);
}
function nextRuns(props, createdAt, justCreated) {
  if (props.isEnabled === false) return [];
  const after = justCreated ? new Date(createdAt.getTime() - 1) : /* @__PURE__ */ new Date();
  return nextRunTimes(props.trigger, { after, createdAt, count: NEXT_RUNS }).map((d) => d.toISOString());
}
async function upload(api, uploader, p, io) {
  const stats = await prepareJob(api, uploader, p.job, io);
  if (stats.files > 0 || stats.reused > 0)
    io.info(`Job files: uploaded ${stats.files} files (${formatBytes(stats.bytes)}), reused ${stats.reused} unchanged upload(s)`);
}
function publish(io, name, status, runs) {
  io.setOutput("schedule-name", name);
  io.setOutput("schedule-next-runs", JSON.stringify(runs));
  io.setOutput("schedule-status", status);
}
async function dryRun(step) {
  const { azure, io } = step;
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({ endpoint: azure.cloud.armEndpoint, workspaceId, sendRequest: () => Promise.reject(new Error("a dry run sends nothing")) });
  const recorder = createDryRun(arm);
  const { name, plan: p, body } = await plan(step, workspaceId, recorder.api);
  await upload(recorder.api, recorder.uploader, p, io);
  recorder.requests.push({ method: "GET", url: arm.url(`schedules/${encodeURIComponent(name)}`), body: null });
  recorder.requests.push({ method: "PUT", url: arm.url(`schedules/${encodeURIComponent(name)}`), body });
  io.info(`Dry run: schedule ${name} (${p.job.jobType} job), ${recorder.requests.length} requests (nothing sent)`);
  await io.group("Requests the schedule would make", async () => {
    for (const r of recorder.requests) io.info("upload" in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
    io.info(JSON.stringify(body, null, 2));
  });
  publish(io, name, "dry-run", nextRuns(body.properties, /* @__PURE__ */ new Date(), true));
  io.setOutput("status", "DryRun");
  io.setOutput("requests", JSON.stringify(recorder.requests));
}
async function submitSchedule(step) {
  if (step.settings.dryRun) return dryRun(step);
  const { io, azure } = step;
  const ctx = await createAzureContext(azure, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const schedules = createSchedulesApi(ctx.arm);
  const { name, plan: p, body } = await plan(step, ctx.workspaceId, api);
  const existing = await schedules.getSchedule(name);
  let status;
  let result;
  if (unchanged(existing, body)) {
    status = "unchanged";
    result = existing;
    io.info(`Schedule ${name} is already as ${step.settings.jobFileDisplay} describes it: unchanged, nothing sent`);
  } else {
    await upload(
      api,
      createSnapshotUploader(() => createBlobStore(ctx)),
      p,
      io
    );
    io.info(`${existing ? "Updating" : "Creating"} schedule ${name} (${p.job.jobType} job) in workspace ${azure.workspaceName}`);
    result = await schedules.putSchedule(name, body);
    status = existing ? "updated" : "created";
    io.info(`Schedule ${name} ${status} (${String(result.properties?.provisioningState ?? "Succeeded")})`);
  }
  const createdAt = new Date(String(result.systemData?.createdAt ?? (/* @__PURE__ */ new Date()).toISOString()));
  const runs = nextRuns(result.properties ?? body.properties, createdAt, status === "created");
  io.info(runs.length ? `Next runs: ${runs.join(", ")}` : `Schedule ${name} is disabled: no runs`);
  publish(io, name, status, runs);
  io.setOutput("status", result.properties?.isEnabled === false ? "ScheduleDisabled" : "Scheduled");
  await io.appendSummary(
    `<h3>Azure ML schedule ${escapeText(name)}</h3>
${escapeText(status)}${runs.length ? `; next runs: ${runs.map(escapeText).join(", ")}` : "; disabled"}
`
  ).catch(() => void 0);
}

// src/jobs/logs.ts
var PREFERRED = ["user_logs/std_log.txt", "azureml-logs/70_driver_log.txt", "user_logs/std_log_process_0.txt"];
function historyBase(job, insecure = false) {
  const services = job.properties?.services;
  const tracking = services?.Tracking?.endpoint ?? Object.values(services ?? {}).find((s) => s.jobServiceType === "Tracking")?.endpoint;
  if (!tracking) return void 0;
  const m = /^(?:azureml|https?):\/\/([^/]+)\/mlflow\/v1\.0(\/subscriptions\/.+)$/i.exec(tracking.replace(/\/+$/, ""));
  if (!m) return void 0;
  return `${insecure ? "http" : "https"}://${m[1]}/history/v1.0${m[2]}`;
}
async function fetchRunDetails(job, deps) {
  const base = historyBase(job, deps.insecure);
  const name = job.name;
  if (!base || !name) return void 0;
  const doFetch = deps.fetch ?? fetch;
  const token = await deps.credential.getToken(deps.scope);
  const res = await fetchWithRetry(doFetch, `${base}/runs/${encodeURIComponent(name)}/details`, {
    headers: token ? { authorization: `Bearer ${token.token}` } : {}
  });
  if (!res.ok) return void 0;
  const details = await res.json();
  const setSecret2 = deps.setSecret ?? ((v) => setSecret(v));
  for (const url of Object.values(details.logFiles ?? {})) {
    if (typeof url !== "string") continue;
    const sig = /[?&]sig=([^&]+)/.exec(url)?.[1];
    if (sig) {
      setSecret2(url);
      setSecret2(sig);
      const decoded = decodeURIComponent(sig);
      if (decoded !== sig) setSecret2(decoded);
    }
  }
  return details;
}
var RETRY_STATUS = /* @__PURE__ */ new Set([429, 500, 502, 503, 504]);
async function fetchWithRetry(doFetch, url, init, tries = 3, tryTimeoutInMs = 2e4) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(tryTimeoutInMs) });
      if (!RETRY_STATUS.has(res.status) || attempt >= tries) return res;
      await res.body?.cancel();
    } catch (err) {
      if (attempt >= tries) throw err;
    }
    await new Promise((r) => setTimeout(r, 1e3 * attempt));
  }
}
function runErrorMessage(details) {
  const e = details?.error;
  return e?.error?.message ?? e?.message;
}
async function fetchLogTail(details, deps, maxBytes = 16 * 1024) {
  const doFetch = deps.fetch ?? fetch;
  const files = details?.logFiles ?? {};
  const logName = PREFERRED.find((p) => files[p]) ?? Object.keys(files).sort()[0];
  if (!logName) return void 0;
  const head = await fetchWithRetry(doFetch, files[logName], { method: "HEAD", headers: { "x-ms-version": "2021-08-06" } });
  if (!head.ok) return void 0;
  const total = Number(head.headers.get("content-length") ?? 0);
  const from = Math.max(0, total - maxBytes);
  const blob = await fetchWithRetry(doFetch, files[logName], { headers: { "x-ms-range": `bytes=${from}-`, "x-ms-version": "2021-08-06" } });
  if (!blob.ok) return void 0;
  let text = await blob.text();
  if (from > 0) text = text.slice(text.indexOf("\n") + 1);
  return { name: logName, text, truncated: from > 0 };
}

// src/jobs/status.ts
var TERMINAL_STATUSES = ["Completed", "Failed", "Canceled", "NotResponding", "Paused"];
function isTerminal(status) {
  return status !== void 0 && TERMINAL_STATUSES.includes(status);
}
var ALMOST_DONE = /* @__PURE__ */ new Set(["Finalizing", "CancelRequested"]);
var DEFAULT_POLL_SCHEDULE = { initialMs: 2e3, maxMs: 15e3, factor: 1.5, finalizingMs: 1e3 };
function nextPollDelay(s, schedule = DEFAULT_POLL_SCHEDULE) {
  const backoff = (cap) => Math.min(cap, schedule.initialMs * schedule.factor ** s.pollsSinceChange);
  let delay;
  if (ALMOST_DONE.has(s.status)) {
    delay = schedule.finalizingMs;
  } else if (s.estimate && s.now !== void 0 && s.now <= s.estimate.endAt + s.estimate.windowMs) {
    const opens = s.estimate.endAt - s.estimate.windowMs;
    delay = s.now >= opens ? s.estimate.nearMs : Math.max(Math.min(backoff(s.estimate.maxMs), opens - s.now), 250);
  } else {
    delay = backoff(schedule.maxMs);
  }
  if (s.retryAfterMs !== void 0 && s.retryAfterMs > delay) delay = s.retryAfterMs;
  return Math.round(delay);
}

// src/jobs/wait.ts
function abortReason(signal) {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : new Error(reason === void 0 ? "aborted" : String(reason));
}
function defaultSleep(ms, signal) {
  return new Promise((resolve2, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve2();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function jobStatus(job) {
  return String(job.properties?.status ?? "Unknown");
}
async function waitForJob(get, first, o = {}) {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const schedule = o.schedule ?? DEFAULT_POLL_SCHEDULE;
  const start = now();
  let job = first;
  let status = jobStatus(job);
  let polls = 0;
  let sinceChange = 0;
  o.onStatus?.(status, job, 0);
  while (!isTerminal(status)) {
    const elapsed = now() - start;
    if (o.timeoutMs !== void 0 && elapsed >= o.timeoutMs) return { job, status, timedOut: true, polls, elapsedMs: elapsed };
    let delay = nextPollDelay({ status, pollsSinceChange: sinceChange, now: now(), estimate: o.estimate }, schedule);
    if (o.timeoutMs !== void 0) delay = Math.min(delay, Math.max(0, o.timeoutMs - elapsed));
    await sleep(delay, o.abortSignal);
    job = await get();
    polls++;
    const next = jobStatus(job);
    if (next !== status) {
      status = next;
      sinceChange = 0;
      o.onStatus?.(status, job, now() - start);
    } else {
      sinceChange++;
    }
  }
  return { job, status, timedOut: false, polls, elapsedMs: now() - start };
}

// src/runs/submit-job.ts
function applyInputsToSpec(spec, s) {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return spec;
  const out = { ...spec };
  if (s.experimentName) out.experiment_name = s.experimentName;
  if (s.displayName) out.display_name = s.displayName;
  return out;
}
async function loadPlan(doc, settings2, workspaceId, api) {
  const spec = applyInputsToSpec(applyOverrides(doc.value, parseOverrides(settings2.set)), settings2);
  return planJob(doc, settings2.jobFile, spec, { workspaceId, resolver: api });
}
function studioUrlOf(job, ctx, name) {
  const services = job.properties?.services;
  return services?.Studio?.endpoint ?? ctx?.studioUrl(`runs/${name}`);
}
function jobName(settings2, plan2, run) {
  return settings2.name ?? plan2.yamlName ?? deterministicJobName(run, settings2.jobFileDisplay);
}
async function dryRun2(doc, settings2, azure, run, io) {
  const workspaceId = workspaceResourceId(azure.subscriptionId, azure.resourceGroup, azure.workspaceName);
  const arm = createArmClient({
    endpoint: azure.cloud.armEndpoint,
    workspaceId,
    sendRequest: () => Promise.reject(new Error("a dry run sends nothing"))
  });
  const recorder = createDryRun(arm);
  const plan2 = await loadPlan(doc, settings2, workspaceId, recorder.api);
  const name = jobName(settings2, plan2, run);
  await submitPlannedJob(recorder.api, recorder.uploader, plan2, name, { ...lineageTags(run), ...settings2.tags }, io);
  io.info(`Dry run: ${plan2.jobType} job ${name}, ${recorder.requests.length} requests (nothing sent)`);
  await io.group("Requests the job would make", async () => {
    for (const r of recorder.requests) io.info("upload" in r ? `UPLOAD ${r.upload} (${r.files} files, ${formatBytes(r.bytes)})` : `${r.method} ${r.url}`);
  });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  io.setOutput("status", "DryRun");
  io.setOutput("requests", JSON.stringify(recorder.requests));
  appendLedger({ kind: "job", action: "submit-job", jobName: name, jobType: plan2.jobType, status: "DryRun", jobFile: settings2.jobFileDisplay, dryRun: true });
}
function jobFileKey(run, settings2) {
  return `${run.repository}:${settings2.jobFileDisplay}`;
}
async function expectedEnd(ctx, job, name, key, log) {
  try {
    const conn = { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator), userAgent: ctx.userAgent };
    const client = createWorkspaceMlflowClient(conn, await trackingUriOf(conn, job), { retry: { maxRetries: 1 } });
    const systemData = job.systemData;
    const createdAt = Date.parse(systemData?.createdAt ?? "");
    const found = await estimateJobEnd(client, name, key, Number.isFinite(createdAt) ? createdAt : Date.now());
    if (!found) {
      log.debug(`No finished run of ${key} yet: polling on the plain schedule.`);
      return void 0;
    }
    const { basis, estimate } = found;
    log.info(
      `Earlier runs of this job file took ${formatElapsed(basis.medianMs)} (median of ${basis.samples}): polling sparsely until about ${formatElapsed(Math.max(0, estimate.endAt - estimate.windowMs - Date.now()))} from now, then every ${(estimate.nearMs / 1e3).toFixed(1)} s`
    );
    return estimate;
  } catch (err) {
    log.debug(`Could not read earlier runs of ${key}: ${err.message}`);
    return void 0;
  }
}
async function submitJobMain(deps) {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const settings2 = readSubmitJobInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  const doc = SpecDocument.load(settings2.jobFile, settings2.jobFileDisplay, "job-file");
  if (isScheduleSpec(doc.value)) {
    if (deps.jobsOnly) {
      throw new ConfigurationError(`${settings2.jobFileDisplay} is a schedule (az ml schedule create -f), and this flow submits one job and follows it`, {
        input: "job-file",
        hint: "create the schedule with the submit-job action; give the flow the job file the schedule names"
      });
    }
    await submitSchedule({ settings: settings2, azure, run, io, doc });
    return void 0;
  }
  if (settings2.dryRun) {
    await dryRun2(doc, settings2, azure, run, io);
    return void 0;
  }
  const ctx = await createAzureContext(azure, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  const plan2 = await loadPlan(doc, settings2, ctx.workspaceId, api);
  const name = jobName(settings2, plan2, run);
  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  io.state.saveSubmittedJob({ workspace, jobName: name, settled: false });
  io.setOutput("job-name", name);
  io.setOutput("run-id", name);
  const submitted = await submit(io, ctx, api, plan2, name, run, settings2, azure.workspaceName);
  if (submitted.createdBy) io.state.saveSubmittedJob({ workspace, jobName: name, settled: true });
  const studioUrl = studioUrlOf(submitted.job, ctx, name);
  if (studioUrl) {
    io.setOutput("studio-url", studioUrl);
    io.info(`Studio: ${studioUrl}`);
  }
  const ledger = {
    kind: "job",
    action: "submit-job",
    jobName: name,
    jobType: plan2.jobType,
    studioUrl,
    experimentName: submitted.job.properties?.experimentName,
    jobFile: settings2.jobFileDisplay,
    reattached: submitted.reattached
  };
  const s = { io, settings: settings2, ctx, api, name, workspace, studioUrl, ledger };
  if (!settings2.wait) {
    const status = jobStatus(submitted.job);
    settle(s);
    io.setOutput("status", status);
    appendLedger({ ...ledger, status });
    return { jobName: name, status, studioUrl, reattached: submitted.reattached };
  }
  const started = Date.now();
  const result = await waitFor(s, submitted.job, jobFileKey(run, settings2), deps.abortSignal);
  io.setOutput("status", result.status);
  if (result.timedOut) return timedOut(s, result.status);
  settle(s);
  await reportEnd(s, result, started);
  return { jobName: name, status: result.status, studioUrl, reattached: submitted.reattached };
}
async function submit(io, ctx, api, plan2, name, run, settings2, workspaceName) {
  const uploader = createSnapshotUploader(() => createBlobStore(ctx));
  io.info(`Submitting ${plan2.jobType.toLowerCase()} job ${name} from ${settings2.jobFileDisplay} to workspace ${workspaceName}`);
  const submitted = await submitPlannedJob(api, uploader, plan2, name, { ...lineageTags(run), [JOB_FILE_TAG]: jobFileKey(run, settings2), ...settings2.tags }, io);
  if (!submitted.reattached) {
    const upl = submitted.uploadedFiles > 0 ? `; uploaded ${submitted.uploadedFiles} files (${formatBytes(submitted.uploadedBytes)})` : "";
    const reuse = submitted.reusedUploads > 0 ? `; reused ${submitted.reusedUploads} unchanged upload(s)` : "";
    io.info(`Submitted job ${name}${upl}${reuse}`);
  }
  return submitted;
}
function settle(s) {
  s.io.state.saveSubmittedJob({ workspace: s.workspace, jobName: s.name, settled: true });
}
async function waitFor(s, job, key, abortSignal) {
  const { io, name } = s;
  const estimate = await expectedEnd(s.ctx, job, name, key, io);
  try {
    return await waitForJob(async () => await s.api.getJob(name) ?? job, job, {
      timeoutMs: s.settings.timeoutMs,
      estimate,
      abortSignal,
      sleep: defaultSleep,
      onStatus: (status, _job, ms) => io.info(`[${formatElapsed(ms)}] ${name}: ${status}`)
    });
  } catch (err) {
    if (abortSignal?.aborted) {
      io.warning(`The workflow was cancelled while job ${name} runs: the post step cancels it.`);
      throw new Error(`cancelled while waiting for job ${name}`, { cause: err });
    }
    throw err;
  }
}
async function timedOut(s, status) {
  const { io, name, studioUrl } = s;
  const limit = formatElapsed(s.settings.timeoutMs ?? 0);
  if (s.settings.cancelOnTimeout) {
    io.info(`Timeout of ${limit} reached: cancelling job ${name}`);
    await s.api.cancelJob(name);
    settle(s);
    io.setOutput("status", "Canceled");
    appendLedger({ ...s.ledger, status: "Canceled", error: `timed out after ${limit}` });
    throw new ConfigurationError(`job ${name} did not finish within the timeout of ${limit} and was cancelled${studioUrl ? ` (${studioUrl})` : ""}`, {
      input: "timeout"
    });
  }
  settle(s);
  appendLedger({ ...s.ledger, status });
  throw new ConfigurationError(
    `job ${name} did not finish within the timeout of ${limit}; it goes on running (cancel-on-timeout is false)${studioUrl ? `: ${studioUrl}` : ""}`,
    { input: "timeout" }
  );
}
async function reportEnd(s, result, started) {
  const { io, name, studioUrl, ctx } = s;
  const { status } = result;
  const logDeps = { credential: ctx.credential, scope: ctx.cloud.armScope, insecure: Boolean(ctx.cloud.emulator) };
  const details = await fetchRunDetails(result.job, logDeps).catch(() => void 0);
  const tail = await fetchLogTail(details, logDeps).catch(() => void 0);
  if (tail) await printUntrusted(io, `${tail.name}${tail.truncated ? " (last lines)" : ""}`, tail.text);
  io.info(`Job ${name} ended ${status} after ${formatElapsed(Date.now() - started)} (${result.polls} status reads)`);
  await io.appendSummary(
    `<h3>Azure ML job ${escapeText(name)}</h3>
Status: <b>${escapeText(status)}</b>${studioUrl ? ` \xB7 ${link("open in studio", studioUrl)}` : ""}
`
  ).catch(() => void 0);
  const error = status === "Completed" ? void 0 : runErrorMessage(details) ?? `the job ended ${status}`;
  appendLedger({ ...s.ledger, status, error, ...automlFacts(result.job) });
  if (status !== "Completed") {
    throw new Error(`job ${name} ${status === "Canceled" ? "was canceled" : `ended ${status}`}: ${error}${studioUrl ? `
Studio: ${studioUrl}` : ""}`);
  }
}
function automlFacts(job) {
  const p = job.properties ?? {};
  if (typeof p.jobType !== "string" || p.jobType.toLowerCase() !== "automl") return {};
  const tags = p.tags ?? {};
  const props = p.properties ?? {};
  const task = p.taskDetails ?? {};
  const n = Number(props.num_iterations);
  const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
  const bestChild = str(tags.automl_best_child_run_id);
  const primaryMetric = str(props.primary_metric) ?? str(task.primaryMetric);
  return {
    ...Number.isInteger(n) && n >= 0 && props.num_iterations !== void 0 ? { children: n } : {},
    ...bestChild ? { bestChild } : {},
    ...primaryMetric ? { primaryMetric } : {}
  };
}
async function submitJobPost(deps) {
  const { io } = deps;
  const saved = io.state.loadSubmittedJob();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const azure = await readAzureInputs(deps.reader, { env });
  const settings2 = { ...azure, ...saved.workspace };
  const ctx = await createAzureContext(settings2, { actionName: "submit-job", info: (m) => io.info(m) });
  const api = createWorkspaceApi(ctx.arm);
  let job;
  try {
    job = await api.getJob(saved.jobName);
  } catch (err) {
    if (err.statusCode !== 404) throw err;
    io.info(`Job ${saved.jobName} was never created (${err.message.split(". ")[0]}): nothing to cancel.`);
    return;
  }
  if (!job) {
    io.info(`Job ${saved.jobName} was never created: nothing to cancel.`);
    return;
  }
  const status = jobStatus(job);
  if (isTerminal(status)) {
    io.info(`Job ${saved.jobName} already ended ${status}.`);
    return;
  }
  io.info(`The workflow stopped while job ${saved.jobName} was ${status}: cancelling it in Azure ML.`);
  await api.cancelJob(saved.jobName);
  const final = await waitForJob(async () => await api.getJob(saved.jobName) ?? job, job, { timeoutMs: 12e4 });
  io.info(`Job ${saved.jobName} is ${final.status}.`);
  appendLedger({
    kind: "job",
    action: "submit-job",
    jobName: saved.jobName,
    jobType: String(job.properties?.jobType ?? ""),
    status: final.status,
    error: "cancelled with the workflow"
  });
}
function formatElapsed(ms) {
  const s = Math.round(ms / 1e3);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${String(s % 60).padStart(2, "0")}s` : ""}`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export {
  submitJobMain,
  submitJobPost
};
