const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { appendFileSync, existsSync, mkdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
import {
  isObj
} from "./core.obj.js";

// src/core/escape.ts
var ZWSP = "&#8203;";
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
  "*": "&#42;",
  _: "&#95;",
  "[": "&#91;",
  "]": "&#93;",
  "(": "&#40;",
  ")": "&#41;",
  "|": "&#124;",
  "\\": "&#92;",
  "~": "&#126;",
  "!": "&#33;",
  $: "&#36;",
  // followed by a zero-width space: mentions, e-mail autolinks
  "@": `&#64;${ZWSP}`
};
var INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var LINE_BREAKS = /[\r\n\t\u2028\u2029\u0085]+/g;
function cleanText(text) {
  return String(text ?? "").replace(LINE_BREAKS, " ").replace(INVISIBLE, "");
}
function truncateText(text, max) {
  if (max <= 0) return "";
  const points = [...text];
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join("") + "\u2026";
}
function escapeText(text, maxLength) {
  let s = cleanText(text);
  if (maxLength !== void 0) s = truncateText(s, maxLength);
  return s.replace(/[&<>"'`*_[\]()|\\~!$@#]|:(?=\/\/)|\bwww\.|\bGH-(?=\d)/gi, (m, offset, all) => {
    if (m === "#") {
      return /\d/.test(all.charAt(offset + 1)) ? `&#35;${ZWSP}` : "&#35;";
    }
    if (m === ":") return `&#58;${ZWSP}`;
    if (m.length === 4 && m.endsWith(".")) return `${m.slice(0, 3)}${ZWSP}.`;
    if (m.length === 3) return `${m}${ZWSP}`;
    return ENTITIES[m];
  });
}
function code(text, maxLength = 200) {
  return `<code>${escapeText(text, maxLength)}</code>`;
}
function safeUrl(url) {
  if (typeof url !== "string" || url.trim() === "" || url.length > 4e3) return void 0;
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    return void 0;
  }
  if (parsed.username || parsed.password) return void 0;
  const loopback = parsed.hostname === "localhost" || parsed.hostname === "127.0.0.1" || parsed.hostname === "[::1]";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) return void 0;
  return parsed.href.replace(/[()<>"'`\s\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
function htmlTable(header, rows) {
  const row = (cells, tag) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
  return `<table>${row(header, "th")}${rows.map((r) => row(r, "td")).join("")}</table>`;
}
function link(textHtml, url) {
  const href = safeUrl(url);
  return href ? `<a href="${href.replace(/&/g, "&amp;")}">${textHtml}</a>` : textHtml;
}
function mermaidLabel(text, maxLength = 60) {
  const s = cleanText(text).replace(/[^\p{L}\p{N} ._\-/+=:%,]/gu, " ").replace(/%{2,}/g, "%").replace(/\s+/g, " ").trim();
  return truncateText(s, maxLength) || "?";
}
function fencedBlock(content, info = "") {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}
${content}
${fence}`;
}

// src/core/ledger.ts
function ledgerPath(env = process.env) {
  const dir = env.RUNNER_TEMP;
  return dir ? join(dir, "azureml-actions", "ledger.jsonl") : void 0;
}
function appendLedger(entry, env = process.env, now = () => /* @__PURE__ */ new Date()) {
  const path = ledgerPath(env);
  if (!path) return;
  mkdirSync(join(path, ".."), { recursive: true });
  appendFileSync(path, JSON.stringify({ ...entry, at: entry.at ?? now().toISOString() }) + "\n");
}
function readLedger(env = process.env) {
  const path = ledgerPath(env);
  if (!path || !existsSync(path)) return [];
  const out = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (isObj(entry) && typeof entry.kind === "string") out.push(entry);
  }
  return out;
}

export {
  cleanText,
  truncateText,
  escapeText,
  code,
  safeUrl,
  htmlTable,
  link,
  mermaidLabel,
  fencedBlock,
  appendLedger,
  readLedger
};
