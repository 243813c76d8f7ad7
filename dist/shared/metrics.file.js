const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { existsSync, readdirSync, readFileSync, statSync } = require("node:fs");
const { extname, isAbsolute, join, relative, resolve, sep } = require("node:path");
import {
  isCloudUri,
  parseCloudUri
} from "./clouds.uri.js";
import {
  createAzureMlJobSource,
  createMlflowClient,
  createMlflowRunSource,
  createStaticSource,
  decodeMetricValue,
  sortHistory
} from "./metrics.mlflow.js";
import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import {
  withAzureOperation
} from "./azure.errors.js";
import {
  setSecret
} from "./actions.js";
import {
  ConfigurationError
} from "./core.errors.js";

// src/metrics/file.ts

// src/metrics/json-positions.ts
var JsonSyntaxError = class extends Error {
  constructor(message, line, column) {
    super(message);
    this.line = line;
    this.column = column;
  }
  line;
  column;
  name = "JsonSyntaxError";
};
var MAX_DEPTH = 256;
function parseJsonWithPositions(text) {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  if (text.charCodeAt(0) === 65279) i = 1;
  const at = () => ({ line, column: i - lineStart + 1 });
  const fail = (message, pos = at()) => {
    throw new JsonSyntaxError(message, pos.line, pos.column);
  };
  const describe = () => {
    if (i >= text.length) return "the end of the file";
    const c = text[i];
    return /\s/.test(c) ? "a space" : `'${c}'`;
  };
  function skip() {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
  }
  function literal(word) {
    if (text.startsWith(word, i)) {
      const after = text.charCodeAt(i + word.length);
      if (!(after >= 65 && after <= 90) && !(after >= 97 && after <= 122) && !(after >= 48 && after <= 57) && after !== 95) {
        i += word.length;
        return true;
      }
    }
    return false;
  }
  function value(depth) {
    if (depth > MAX_DEPTH) fail(`the document nests deeper than ${MAX_DEPTH} levels`);
    skip();
    const pos = at();
    const c = text[i];
    if (c === "{") return object(depth, pos);
    if (c === "[") return array(depth, pos);
    if (c === '"') return { type: "string", value: string(), at: pos };
    if (c === "-" || c >= "0" && c <= "9") {
      if (c === "-" && text.startsWith("-Infinity", i)) {
        i += 9;
        return { type: "number", value: -Infinity, at: pos };
      }
      return { type: "number", value: number(), at: pos };
    }
    if (literal("true")) return { type: "boolean", value: true, at: pos };
    if (literal("false")) return { type: "boolean", value: false, at: pos };
    if (literal("null")) return { type: "null", at: pos };
    if (literal("NaN")) return { type: "number", value: NaN, at: pos };
    if (literal("Infinity")) return { type: "number", value: Infinity, at: pos };
    if (c === "'") return fail('strings must use double quotes ("), not single quotes');
    return fail(`expected a value, found ${describe()}`);
  }
  function object(depth, pos) {
    i++;
    const entries = [];
    skip();
    if (text[i] === "}") {
      i++;
      return { type: "object", entries, at: pos };
    }
    for (; ; ) {
      skip();
      const keyAt = at();
      if (text[i] !== '"') {
        fail(
          text[i] === "}" ? "a comma before } is not allowed in JSON" : text[i] === "'" ? 'keys must use double quotes ("), not single quotes' : `expected a quoted key, found ${describe()}`
        );
      }
      const key = string();
      skip();
      if (text[i] !== ":") fail(`expected ':' after the key "${key}", found ${describe()}`);
      i++;
      const v = value(depth + 1);
      entries.push({ key, keyAt, value: v });
      skip();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return { type: "object", entries, at: pos };
      }
      fail(`expected ',' or '}' after the value of "${key}", found ${describe()}`);
    }
  }
  function array(depth, pos) {
    i++;
    const items = [];
    skip();
    if (text[i] === "]") {
      i++;
      return { type: "array", items, at: pos };
    }
    for (; ; ) {
      skip();
      if (text[i] === "]") fail("a comma before ] is not allowed in JSON");
      items.push(value(depth + 1));
      skip();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return { type: "array", items, at: pos };
      }
      fail(`expected ',' or ']' in the list, found ${describe()}`);
    }
  }
  function number() {
    const start = i;
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (text[i] >= "1" && text[i] <= "9") while (text[i] >= "0" && text[i] <= "9") i++;
    else fail(`expected a digit, found ${describe()}`);
    if (text[i] === ".") {
      i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail(`expected a digit after '.', found ${describe()}`);
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail(`expected a digit in the exponent, found ${describe()}`);
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    return Number(text.slice(start, i));
  }
  function string() {
    const open = at();
    i++;
    let out = "";
    let chunk = i;
    for (; ; ) {
      if (i >= text.length) fail("this string is never closed", open);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c === 10 || c === 13) fail("a string cannot span lines (write \\n)", open);
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const map = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "	" };
        if (e in map) {
          out += map[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail(`invalid escape '\\${e ?? ""}' in a string`);
        }
        chunk = i;
        continue;
      }
      i++;
    }
  }
  const root = value(0);
  skip();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the document`);
  return root;
}

// src/metrics/file.ts
var FileErrors = class {
  constructor(display, input) {
    this.display = display;
    this.input = input;
  }
  display;
  input;
  at(message, line, column, hint, file = this.display) {
    const where = line ? `${file}:${line}${column ? `:${column}` : ""}` : file;
    throw new ConfigurationError(`${where}: ${message}`, { input: this.input, file, line, column, hint });
  }
};
function displayPath(path, root) {
  if (!root) return path;
  const rel = relative(root, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}
function readMetricsFile(path, options = {}) {
  const input = options.input ?? "metrics-file";
  const full = isAbsolute(path) || !options.displayRoot ? resolve(path) : resolve(options.displayRoot, path);
  const display = displayPath(full, options.displayRoot);
  if (!existsSync(full)) {
    throw new ConfigurationError(`The metrics file '${display}' does not exist.`, {
      input,
      hint: "Give a path relative to the repository root (GITHUB_WORKSPACE) of a file written by an earlier step, e.g. outputs/metrics.json."
    });
  }
  const errors = new FileErrors(display, input);
  if (statSync(full).isDirectory()) {
    const { metrics, files } = readMlflowFolder(full, display, errors);
    return { format: "mlflow-folder", metrics, display, files };
  }
  return readMetricsText(readFileSync(full, "utf8"), extname(full).toLowerCase(), errors);
}
function readMetricsText(text, ext, errors) {
  const format = ext === ".json" ? "json" : ext === ".csv" || ext === ".tsv" || ext === ".txt" ? "csv" : /^\uFEFF?\s*[[{]/.test(text) ? "json" : "csv";
  const metrics = format === "json" ? readJsonMetrics(text, errors) : readCsvMetrics(text, errors, ext === ".tsv" ? "	" : void 0);
  return { format, metrics, display: errors.display, files: 1 };
}
async function readCloudMetrics(uriText, options = {}) {
  const input = options.input ?? "metrics-file";
  const uri = parseCloudUri(uriText, input);
  const cloud = options.cloud ?? {};
  const [{ openCloudStore }, { readAll }] = await Promise.all([import("./open.js"), import("./objects.js")]);
  const store = await openCloudStore(uri, {
    env: cloud.env ?? process.env,
    setSecret: (secret) => cloud.setSecret ? cloud.setSecret(secret) : setSecret(secret),
    input,
    info: (m) => cloud.info?.(m),
    ...cloud.abortSignal ? { abortSignal: cloud.abortSignal } : {}
  });
  const listing = await store.list(uri);
  const text = async (o) => (await readAll(await store.open(uri, o), MAX_CLOUD_FILE_BYTES, `${uri.cloud}://${uri.bucket}/${o.key}`)).toString("utf8");
  if (listing.isFile) {
    const o = listing.objects[0];
    return readMetricsText(await text(o), extname(o.key).toLowerCase(), new FileErrors(uri.uri, input));
  }
  const display = uri.uri.replace(/\/+$/, "");
  const errors = new FileErrors(display, input);
  const visible = listing.objects.filter((o) => !o.path.split("/").some((part) => part.startsWith(".")));
  const nested = visible.filter((o) => o.path.startsWith("metrics/"));
  const chosen = nested.length > 0 ? nested.map((o) => ({ o, name: o.path.slice("metrics/".length) })) : visible.map((o) => ({ o, name: o.path }));
  const rootDisplay = nested.length > 0 ? `${display}/metrics` : display;
  if (chosen.length === 0) {
    errors.at(
      "the folder holds no metric files",
      void 0,
      void 0,
      "Give an MLflow run folder (mlruns/<experiment>/<run>) or its metrics/ folder: one file per metric with lines 'timestamp value step'."
    );
  }
  const metrics = /* @__PURE__ */ new Map();
  const texts = await mapWithConcurrency(chosen, 8, ({ o }) => text(o));
  chosen.forEach(({ name }, i) => metrics.set(name, readMlflowMetricFile(texts[i], `${rootDisplay}/${name}`, errors)));
  return { format: "mlflow-folder", metrics, display, files: chosen.length };
}
var MAX_CLOUD_FILE_BYTES = 64 * 1024 * 1024;
function createFileSource(path, options = {}) {
  let loaded;
  let loading;
  const load = () => loading ??= (async () => {
    const file = isCloudUri(path) ? await readCloudMetrics(path, options) : readMetricsFile(path, options);
    const label = file.format === "mlflow-folder" ? "MLflow metrics folder" : `${file.format.toUpperCase()} file`;
    loaded = { file, source: createStaticSource("file", `${label} ${file.display}`, file.metrics) };
    return loaded;
  })();
  return {
    kind: "file",
    get description() {
      return loaded?.source.description ?? `metrics file ${path}`;
    },
    load: async () => (await load()).file,
    names: async () => (await load()).source.names(),
    fetch: async (names) => (await load()).source.fetch(names),
    stats: () => {
      const s = loaded?.source.stats() ?? { requests: 0, points: 0, histories: 0 };
      return { ...s, requests: loaded?.file.files ?? 0 };
    }
  };
}
var NAME_KEYS = ["name", "metric", "key", "metric_name"];
function readJsonMetrics(text, errors) {
  let root;
  try {
    root = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) errors.at(`not valid JSON: ${e.message}`, e.line, e.column);
    throw e;
  }
  const metrics = /* @__PURE__ */ new Map();
  const add = (name, points, at) => {
    if (name.trim() === "") errors.at("a metric name is empty", at.line, at.column);
    const existing = metrics.get(name);
    if (existing) existing.push(...points);
    else metrics.set(name, points);
  };
  if (root.type === "array") {
    root.items.forEach((item, index) => {
      if (item.type !== "object")
        errors.at(
          `item ${index + 1} of the list must be an object like {"name": "accuracy", "value": 0.9, "step": 1}, found ${describeNode(item)}`,
          item.at.line,
          item.at.column
        );
      const nameEntry = item.entries.find((e) => NAME_KEYS.includes(e.key));
      if (!nameEntry || nameEntry.value.type !== "string") {
        errors.at(`item ${index + 1} of the list has no "name" (the metric's name as a string)`, item.at.line, item.at.column);
      }
      const point = pointOf(item, index, errors, ["name", ...NAME_KEYS]);
      add(nameEntry.value.value, point ? [point] : [], nameEntry.value.at);
    });
  } else if (root.type === "object") {
    walkObject(root, "", add, errors);
  } else {
    errors.at(
      `the file must hold a JSON object of metrics ({"accuracy": 0.93}) or a list of records, found ${describeNode(root)}`,
      root.at.line,
      root.at.column
    );
  }
  for (const [name, h] of metrics) metrics.set(name, sortHistory(h));
  return metrics;
}
function describeNode(n) {
  switch (n.type) {
    case "object":
      return "an object";
    case "array":
      return "a list";
    case "string":
      return `the string "${n.value.length > 40 ? `${n.value.slice(0, 40)}\u2026` : n.value}"`;
    case "boolean":
      return String(n.value);
    case "null":
      return "null";
    case "number":
      return String(n.value);
  }
}
function numberOf(node, what, errors) {
  if (node.type === "number") return node.value;
  if (node.type === "null") return void 0;
  if (node.type === "string") {
    const v = decodeMetricValue(node.value);
    if (v !== void 0) return v;
  }
  return errors.at(`${what} must be a number, found ${describeNode(node)}`, node.at.line, node.at.column);
}
function stepOf(node, what, errors) {
  const v = numberOf(node, what, errors);
  if (v === void 0 || !Number.isInteger(v)) errors.at(`${what} must be a whole number, found ${describeNode(node)}`, node.at.line, node.at.column);
  return v;
}
var VALUE_KEYS = ["value", "val", "v"];
var STEP_KEYS = ["step", "epoch", "iteration", "iter"];
var TIME_KEYS = ["timestamp", "time", "ts"];
var SERIES_KEYS = ["values", "history"];
function pointOf(obj, index, errors, ignore = []) {
  const get = (keys) => obj.entries.find((e) => keys.includes(e.key.toLowerCase()));
  const known = [...VALUE_KEYS, ...STEP_KEYS, ...TIME_KEYS, ...ignore];
  const other = obj.entries.find((e) => !known.includes(e.key.toLowerCase()));
  const v = get(VALUE_KEYS);
  if (!v || other) {
    const what = other ? `this point has the unknown key "${other.key}"` : 'this point has no "value"';
    const at = other ? other.keyAt : obj.at;
    errors.at(`${what}; write {"step": ${index}, "value": 0.9} (optionally with "timestamp")`, at.line, at.column);
  }
  const value = numberOf(v.value, `the value of "${v.key}"`, errors);
  if (value === void 0) return void 0;
  const s = get(STEP_KEYS);
  const t = get(TIME_KEYS);
  const step = s ? stepOf(s.value, `"${s.key}"`, errors) : index;
  const timestamp = t ? numberOf(t.value, `"${t.key}"`, errors) : void 0;
  return timestamp === void 0 ? { step, value } : { step, value, timestamp };
}
function seriesOf(items, name, errors) {
  const out = [];
  items.forEach((item, index) => {
    if (item.type === "object") {
      const p = pointOf(item, index, errors);
      if (p) out.push(p);
      return;
    }
    if (item.type === "array") {
      errors.at(`the history of '${name}' holds a list inside the list; write numbers or {"step": \u2026, "value": \u2026} objects`, item.at.line, item.at.column);
    }
    const value = numberOf(item, `value ${index + 1} of '${name}'`, errors);
    if (value !== void 0) out.push({ step: index, value });
  });
  return out;
}
function isPointObject(o) {
  const keys = o.entries.map((e) => e.key.toLowerCase());
  return keys.some((k) => VALUE_KEYS.includes(k)) && keys.every((k) => [...VALUE_KEYS, ...STEP_KEYS, ...TIME_KEYS].includes(k));
}
function walkObject(obj, prefix, add, errors) {
  for (const { key, keyAt, value } of obj.entries) {
    const name = prefix ? `${prefix}.${key}` : key;
    switch (value.type) {
      case "number":
        add(name, [{ step: 0, value: value.value }], keyAt);
        break;
      case "null":
        add(name, [], keyAt);
        break;
      case "string": {
        const v = numberOf(value, `the value of '${name}'`, errors);
        add(name, v === void 0 ? [] : [{ step: 0, value: v }], keyAt);
        break;
      }
      case "boolean":
        errors.at(`the value of '${name}' must be a number, found ${value.value}`, value.at.line, value.at.column);
        break;
      case "array":
        add(name, seriesOf(value.items, name, errors), keyAt);
        break;
      case "object": {
        if (isPointObject(value)) {
          const p = pointOf(value, 0, errors);
          add(name, p ? [p] : [], keyAt);
          break;
        }
        const series = value.entries.find((e) => SERIES_KEYS.includes(e.key.toLowerCase()) && e.value.type === "array");
        if (series && value.entries.length === 1) {
          add(name, seriesOf(series.value.items, name, errors), keyAt);
          break;
        }
        walkObject(value, name, add, errors);
      }
    }
  }
}
function parseCsv(text, delimiter, errors) {
  const rows = [];
  let i = text.charCodeAt(0) === 65279 ? 1 : 0;
  let line = 1;
  let lineStart = i;
  while (i < text.length) {
    const row = { line, cells: [] };
    let endOfRow = false;
    while (!endOfRow) {
      const column = i - lineStart + 1;
      let cell = "";
      if (text[i] === '"') {
        const openLine = line;
        i++;
        for (; ; ) {
          if (i >= text.length) errors.at("a quoted field is never closed", openLine, column);
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === "\n") {
            line++;
            lineStart = i + 1;
          }
          cell += text[i++];
        }
        while (text[i] === " " || text[i] === "	" && delimiter !== "	") i++;
        if (i < text.length && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          errors.at(`unexpected '${text[i]}' after a quoted field`, line, i - lineStart + 1);
        }
      } else {
        const start = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") i++;
        cell = text.slice(start, i);
      }
      row.cells.push({ text: cell.trim(), column });
      if (text[i] === delimiter) {
        i++;
      } else {
        if (text[i] === "\r") i++;
        if (text[i] === "\n") i++;
        line++;
        lineStart = i;
        endOfRow = true;
      }
    }
    if (row.cells.some((c) => c.text !== "") && !row.cells[0].text.startsWith("#")) rows.push(row);
  }
  return rows;
}
function sniffDelimiter(text) {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
  const count = (c) => first.split(c).length - 1;
  const candidates = [
    [",", count(",")],
    ["	", count("	")],
    [";", count(";")]
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][1] > 0 ? candidates[0][0] : ",";
}
var LONG_NAME = ["name", "metric", "key", "metric_name"];
var LONG_VALUE = ["value", "val"];
var WIDE_STEP = ["step", "epoch", "iteration", "iter"];
var WIDE_TIME = ["timestamp", "time", "ts"];
function isNumberCell(text) {
  return decodeMetricValue(text) !== void 0;
}
function readCsvMetrics(text, errors, delimiter) {
  const rows = parseCsv(text, delimiter ?? sniffDelimiter(text), errors);
  if (rows.length === 0) errors.at("the file holds no rows", 1);
  const header = rows[0];
  const lower = header.cells.map((c) => c.text.toLowerCase());
  const metrics = /* @__PURE__ */ new Map();
  const cellValue = (row, index, what) => {
    const cell = row.cells[index];
    if (!cell || cell.text === "") return void 0;
    const v = decodeMetricValue(cell.text);
    if (v === void 0) errors.at(`${what} must be a number, found '${cell.text}'`, row.line, cell.column);
    return v;
  };
  const cellStep = (row, index, what, fallback) => {
    const cell = row.cells[index];
    if (!cell || cell.text === "") return fallback;
    const v = decodeMetricValue(cell.text);
    if (v === void 0 || !Number.isInteger(v)) errors.at(`${what} must be a whole number, found '${cell.text}'`, row.line, cell.column);
    return v;
  };
  const nameCol = lower.findIndex((h) => LONG_NAME.includes(h));
  const valueCol = lower.findIndex((h) => LONG_VALUE.includes(h));
  const headerless = header.cells.length >= 2 && header.cells.length <= 4 && !isNumberCell(header.cells[0].text) && isNumberCell(header.cells[1].text);
  if (rows.length === 1 && !headerless) {
    errors.at(
      "the CSV file has a header but no rows of values",
      header.line,
      1,
      "Write one metric value per row under a name,value[,step] header, or one column per metric under step,<metric>,\u2026 ."
    );
  }
  if (nameCol >= 0 && valueCol >= 0 || headerless) {
    const cols = headerless ? { name: 0, value: 1, step: header.cells.length >= 3 ? 2 : -1, time: header.cells.length >= 4 ? 3 : -1 } : { name: nameCol, value: valueCol, step: lower.findIndex((h) => WIDE_STEP.includes(h)), time: lower.findIndex((h) => WIDE_TIME.includes(h)) };
    const counts = /* @__PURE__ */ new Map();
    for (const row of headerless ? rows : rows.slice(1)) {
      const nameCell = row.cells[cols.name];
      if (!nameCell || nameCell.text === "") errors.at("the metric name is empty", row.line, nameCell?.column ?? 1);
      const name = nameCell.text;
      const index = counts.get(name) ?? 0;
      counts.set(name, index + 1);
      const value = cellValue(row, cols.value, `the value of '${name}'`);
      const step = cols.step >= 0 ? cellStep(row, cols.step, "the step", index) : index;
      const timestamp = cols.time >= 0 ? cellValue(row, cols.time, "the timestamp") : void 0;
      const history = metrics.get(name) ?? [];
      metrics.set(name, history);
      if (value !== void 0) history.push(timestamp === void 0 ? { step, value } : { step, value, timestamp });
    }
  } else {
    if (header.cells.every((c) => isNumberCell(c.text))) {
      errors.at(
        "the CSV file has no header",
        header.line,
        1,
        "Start the file with a header: either name,value[,step] (one metric value per row) or step,<metric>,<metric>,\u2026 (one column per metric)."
      );
    }
    const stepCol = lower.findIndex((h) => WIDE_STEP.includes(h));
    const timeCol = lower.findIndex((h) => WIDE_TIME.includes(h));
    const metricCols = header.cells.map((c, idx) => ({ name: c.text, idx, column: c.column })).filter((c) => c.idx !== stepCol && c.idx !== timeCol);
    const seen = /* @__PURE__ */ new Set();
    for (const c of metricCols) {
      if (c.name === "") errors.at(`column ${c.idx + 1} has no name in the header`, header.line, c.column);
      if (seen.has(c.name)) errors.at(`the column '${c.name}' appears twice in the header`, header.line, c.column);
      seen.add(c.name);
      metrics.set(c.name, []);
    }
    rows.slice(1).forEach((row, index) => {
      if (row.cells.length > header.cells.length) {
        const extra = row.cells[header.cells.length];
        errors.at(`this row has ${row.cells.length} cells but the header has ${header.cells.length}`, row.line, extra.column);
      }
      const step = stepCol >= 0 ? cellStep(row, stepCol, `'${header.cells[stepCol].text}'`, index) : index;
      const timestamp = timeCol >= 0 ? cellValue(row, timeCol, `'${header.cells[timeCol].text}'`) : void 0;
      for (const c of metricCols) {
        const value = cellValue(row, c.idx, `'${c.name}'`);
        if (value !== void 0) metrics.get(c.name).push(timestamp === void 0 ? { step, value } : { step, value, timestamp });
      }
    });
  }
  for (const [name, h] of metrics) metrics.set(name, sortHistory(h));
  return metrics;
}
function readMlflowFolder(dir, display, errors) {
  const nested = join(dir, "metrics");
  const root = existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
  const rootDisplay = root === dir ? display : `${display.replace(/\/+$/, "")}/metrics`;
  const metrics = /* @__PURE__ */ new Map();
  let files = 0;
  const walk = (folder, prefix) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(path, name);
        continue;
      }
      if (!entry.isFile()) continue;
      files++;
      metrics.set(name, readMlflowMetricFile(readFileSync(path, "utf8"), `${rootDisplay}/${name}`, errors));
    }
  };
  walk(root, "");
  if (files === 0 && root === dir) {
    errors.at(
      "the folder holds no metric files",
      void 0,
      void 0,
      "Give an MLflow run folder (mlruns/<experiment>/<run>) or its metrics/ folder: one file per metric with lines 'timestamp value step'."
    );
  }
  return { metrics, files };
}
function readMlflowMetricFile(text, fileDisplay, errors) {
  const points = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const parts = line.split(/\s+/);
    if (parts.length < 2 || parts.length > 3) {
      errors.at(`expected 'timestamp value step' (MLflow's metric file format), found '${line.slice(0, 60)}'`, index + 1, 1, void 0, fileDisplay);
    }
    const timestamp = Number(parts[0]);
    if (!Number.isInteger(timestamp)) errors.at(`the timestamp '${parts[0]}' is not a whole number of milliseconds`, index + 1, 1, void 0, fileDisplay);
    const value = decodeMetricValue(parts[1]);
    if (value === void 0) errors.at(`the value '${parts[1]}' is not a number`, index + 1, raw.indexOf(parts[1]) + 1, void 0, fileDisplay);
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if (!Number.isInteger(step)) errors.at(`the step '${parts[2]}' is not a whole number`, index + 1, raw.lastIndexOf(parts[2]) + 1, void 0, fileDisplay);
    points.push({ step, value, timestamp });
  });
  return sortHistory(points);
}

// src/metrics/baseline.ts
var MODEL_METRIC_TAG_PREFIX = "metric.";
var MODEL_SOURCE_JOB_TAG = "azureml.source_job";
var MODEL_ALIAS_TAG_PREFIX = "alias.";
function modelMetricTags(metrics) {
  const tags = {};
  for (const [name, value] of Object.entries(metrics)) tags[`${MODEL_METRIC_TAG_PREFIX}${name}`] = String(value);
  return tags;
}
function metricsFromModelTags(tags) {
  const metrics = /* @__PURE__ */ new Map();
  const invalid = [];
  for (const [key, raw] of Object.entries(tags ?? {})) {
    if (!key.startsWith(MODEL_METRIC_TAG_PREFIX) || key.length === MODEL_METRIC_TAG_PREFIX.length) continue;
    const value = decodeMetricValue(raw);
    const name = key.slice(MODEL_METRIC_TAG_PREFIX.length);
    if (value === void 0) {
      invalid.push(key);
      continue;
    }
    const point = { step: 0, value };
    metrics.set(name, [point]);
  }
  return { metrics, invalid };
}
function modelAliasTag(alias) {
  return `${MODEL_ALIAS_TAG_PREFIX}${alias}`;
}
var FORMS = "model:<name>:<version|latest|@alias>, job:<job name>, file:<path> or mlflow-model:<name>@<alias> / mlflow-model:<name>/<version>";
var ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
function parseBaselineSpec(text, input = "baseline") {
  const value = text.trim();
  const fail = (message) => {
    throw new ConfigurationError(`Input '${input}': ${message}`, { input, hint: `Write ${FORMS}.` });
  };
  const colon = value.indexOf(":");
  if (colon < 0) fail(`'${value}' does not say what the baseline is`);
  const kind = value.slice(0, colon).trim().toLowerCase();
  const rest = value.slice(colon + 1).trim();
  switch (kind) {
    case "model": {
      const sep2 = rest.lastIndexOf(":");
      if (sep2 < 0) fail(`'${value}' names no version: write model:${rest}:latest, model:${rest}:<version> or model:${rest}:@<alias>`);
      const name = rest.slice(0, sep2).trim();
      const sel = rest.slice(sep2 + 1).trim();
      if (!ASSET_NAME.test(name)) fail(`'${name}' is not a valid model name`);
      if (sel === "") fail(`'${value}' names no version`);
      if (sel.toLowerCase() === "latest") return { kind, text: value, name, selector: { latest: true } };
      if (sel.startsWith("@")) {
        const alias = sel.slice(1);
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(alias)) fail(`'${sel}' is not a valid alias`);
        return { kind, text: value, name, selector: { alias } };
      }
      if (!ASSET_NAME.test(sel)) fail(`'${sel}' is not a valid model version`);
      return { kind, text: value, name, selector: { version: sel } };
    }
    case "job":
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(rest)) fail(`'${rest}' is not a valid job name`);
      return { kind, text: value, name: rest };
    case "file":
      if (rest === "") fail("file: needs a path");
      return { kind, text: value, path: rest };
    case "mlflow-model": {
      const at = rest.lastIndexOf("@");
      const slash = rest.lastIndexOf("/");
      if (at > 0 && at > slash) {
        const name = rest.slice(0, at).trim();
        const alias = rest.slice(at + 1).trim();
        if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(alias)) fail(`'${alias}' is not a valid MLflow alias`);
        return { kind, text: value, name, selector: { alias } };
      }
      if (slash > 0) {
        const name = rest.slice(0, slash).trim();
        const version = rest.slice(slash + 1).trim();
        if (!/^[1-9][0-9]*$/.test(version)) fail(`'${version}' is not an MLflow model version (a number)`);
        return { kind, text: value, name, selector: { version } };
      }
      return fail(`'${value}' names no alias or version: write mlflow-model:${rest || "<name>"}@<alias> or mlflow-model:${rest || "<name>"}/<version>`);
    }
    default:
      return fail(`'${kind}:' is not a kind of baseline`);
  }
}
function props(o) {
  return o?.properties ?? {};
}
function stringRecord(v) {
  const out = {};
  if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  }
  return out;
}
async function resolveBaseline(spec, deps) {
  const input = deps.input ?? "baseline";
  const warning = deps.warning ?? deps.info ?? (() => void 0);
  if (spec.kind === "file") {
    const source2 = createFileSource(spec.path, { input, displayRoot: deps.workspace });
    const file = await source2.load();
    return { found: true, spec, description: `file ${file.display}`, source: source2 };
  }
  if (spec.kind === "mlflow-model") return resolveMlflowModelBaseline(spec, deps);
  if (!deps.azure) {
    throw new ConfigurationError(`The baseline '${spec.text}' is in an Azure ML workspace, but no workspace is configured.`, {
      input,
      hint: "Give subscription-id, resource-group and workspace-name (and a credential), or use a file: baseline."
    });
  }
  const conn = await deps.azure();
  const jobSource = async (jobName2) => createAzureMlJobSource({
    ...conn,
    jobName: jobName2,
    child: deps.child,
    childIfApplicable: true,
    input,
    mlflow: deps.mlflow,
    info: deps.info,
    warning,
    role: "baseline"
  });
  if (spec.kind === "job") {
    const source2 = await jobSource(spec.name);
    return {
      found: true,
      spec,
      description: `job ${spec.name}${source2.details.selected ? ` (${source2.details.selected.name})` : ""}`,
      source: source2,
      jobName: spec.name
    };
  }
  const enc = encodeURIComponent;
  const container = await withAzureOperation(`reading model '${spec.name}'`, () => conn.arm.tryGet(`models/${enc(spec.name)}`));
  let version;
  const sel = spec.selector;
  if ("version" in sel) {
    version = await withAzureOperation(
      `reading model '${spec.name}' version ${sel.version}`,
      () => conn.arm.tryGet(`models/${enc(spec.name)}/versions/${enc(sel.version)}`)
    );
    if (!version) {
      const latest = container ? props(container).latestVersion : void 0;
      throw new ConfigurationError(
        container ? `The baseline model '${spec.name}' has no version ${sel.version}${latest ? ` (its latest version is ${latest})` : ""}.` : `The baseline model '${spec.name}' does not exist in the workspace, so it has no version ${sel.version}.`,
        { input, hint: `Use model:${spec.name}:latest to compare with the newest version, or model:${spec.name}:@<alias>.` }
      );
    }
  } else if ("latest" in sel) {
    if (!container) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
    let latest = props(container).latestVersion;
    if (typeof latest !== "string" || latest === "") {
      for await (const v of conn.arm.list(`models/${enc(spec.name)}/versions`, { query: { $orderBy: "createdtime desc", $top: 1 } })) {
        latest = v.name;
        break;
      }
    }
    if (!latest) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
    version = await withAzureOperation(
      `reading model '${spec.name}' version ${latest}`,
      () => conn.arm.tryGet(`models/${enc(spec.name)}/versions/${enc(latest)}`)
    );
    if (!version) return { found: false, spec, reason: `model '${spec.name}' has no versions yet` };
  } else {
    if (!container) return { found: false, spec, reason: `model '${spec.name}' has no versions yet, so none holds @${sel.alias}` };
    const tag = modelAliasTag(sel.alias);
    const holders = [];
    const byStage = [];
    for await (const v of conn.arm.list(`models/${enc(spec.name)}/versions`, { query: { $orderBy: "createdtime desc" } })) {
      const tags2 = stringRecord(props(v).tags);
      if (tag in tags2 && tags2[tag].toLowerCase() !== "false") holders.push(v);
      else if (typeof props(v).stage === "string" && props(v).stage.toLowerCase() === sel.alias.toLowerCase()) byStage.push(v);
    }
    const found = holders.length > 0 ? holders : byStage;
    if (found.length === 0) return { found: false, spec, reason: `no version of model '${spec.name}' holds @${sel.alias} (tag ${tag} or stage ${sel.alias})` };
    if (found.length > 1) {
      warning(
        `${found.length} versions of model '${spec.name}' hold @${sel.alias} (${found.map((v) => v.name).join(", ")}); the newest, ${found[0].name}, is the baseline.`
      );
    }
    version = found[0];
  }
  const versionName = String(version.name ?? "");
  const p = props(version);
  const tags = stringRecord(p.tags);
  const { metrics, invalid } = metricsFromModelTags(tags);
  if (invalid.length > 0) warning(`Model ${spec.name}:${versionName}: tag(s) ${invalid.join(", ")} do not hold numbers and are ignored.`);
  if (metrics.size > 0) {
    return {
      found: true,
      spec,
      description: `model ${spec.name}:${versionName} (${metrics.size} metric tag(s))`,
      source: createStaticSource("model", `model ${spec.name}:${versionName}`, metrics),
      modelVersion: versionName
    };
  }
  const jobName = typeof p.jobName === "string" && p.jobName || tags[MODEL_SOURCE_JOB_TAG] || stringRecord(p.properties)[MODEL_SOURCE_JOB_TAG];
  if (!jobName) {
    throw new ConfigurationError(
      `The baseline model ${spec.name}:${versionName} has no metric tags (${MODEL_METRIC_TAG_PREFIX}<name>) and names no job that produced it, so it has no metrics to compare with.`,
      {
        input,
        hint: "Register models with register-model (it stores the gate metrics as tags), or use job:<name> as the baseline."
      }
    );
  }
  const source = await jobSource(jobName);
  return {
    found: true,
    spec,
    description: `model ${spec.name}:${versionName} (metrics of job ${jobName})`,
    source,
    modelVersion: versionName,
    jobName
  };
}
async function resolveMlflowModelBaseline(spec, deps) {
  const input = deps.input ?? "baseline";
  if (!spec.server) {
    throw new ConfigurationError(`The baseline '${spec.text}' is on an MLflow server, but none is given.`, {
      input: "baseline-tracking-uri",
      hint: "Give baseline-tracking-uri (or gate an MLflow run with mlflow-tracking-uri: its server is then used)."
    });
  }
  const client = createMlflowClient({ ...deps.mlflow, trackingUri: spec.server.trackingUri, auth: spec.server.auth, input: spec.server.input });
  const sel = spec.selector;
  const shown = "alias" in sel ? `${spec.name}@${sel.alias}` : `${spec.name}/${sel.version}`;
  const unityCatalog = spec.server.auth.platform?.id === "databricks" && spec.name.split(".").length === 3;
  const lookup = await client.getModelVersion(spec.name, sel, { unityCatalog });
  if (!lookup.found) {
    if (!lookup.modelExists) {
      throw new ConfigurationError(`The baseline model '${spec.name}' is not registered on ${client.trackingUri}.`, {
        input,
        hint: "Check the registered model name (Unity Catalog models are named <catalog>.<schema>.<model>) and baseline-tracking-uri."
      });
    }
    if ("version" in sel) {
      throw new ConfigurationError(`The baseline model '${spec.name}' has no version ${sel.version} on ${client.trackingUri}.`, {
        input,
        hint: `Use mlflow-model:${spec.name}@<alias> to follow the version an alias points at.`
      });
    }
    return { found: false, spec, reason: `no version of MLflow model '${spec.name}' on ${client.trackingUri} holds @${sel.alias} (${lookup.message})` };
  }
  const mv = lookup.version;
  if (!mv.runId) {
    throw new ConfigurationError(
      `The baseline model ${shown} (version ${mv.version}) on ${client.trackingUri} names no run, so it has no metrics to compare with.`,
      {
        input,
        hint: 'Register the model from an MLflow run (mlflow.register_model("runs:/<run id>/model", ...)), or use file: or job: as the baseline.'
      }
    );
  }
  const description = `MLflow model ${shown} (version ${mv.version}, run ${mv.runId}) at ${client.trackingUri}`;
  const source = createMlflowRunSource(client, mv.runId, { kind: "mlflow", description });
  await source.run();
  return { found: true, spec, description, source, modelVersion: mv.version };
}

export {
  createFileSource,
  MODEL_SOURCE_JOB_TAG,
  MODEL_ALIAS_TAG_PREFIX,
  modelMetricTags,
  modelAliasTag,
  parseBaselineSpec,
  resolveBaseline
};
