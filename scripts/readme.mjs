#!/usr/bin/env node
// Generates the inputs/outputs tables of every action in README.md from its action.yml,
// between the markers <!-- action:NAME:start --> and <!-- action:NAME:end -->.
//   node scripts/readme.mjs          rewrite README.md
//   node scripts/readme.mjs --check  exit 1 when README.md is not up to date
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const cell = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .trim();

export function actionTable(file) {
  const doc = parse(readFileSync(file, 'utf8'));
  const lines = [];
  lines.push('| input | required | default | description |', '| --- | --- | --- | --- |');
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const def = spec.default === undefined ? '' : `\`${cell(spec.default)}\``;
    lines.push(`| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${def} | ${cell(spec.description)} |`);
  }
  lines.push('', '| output | description |', '| --- | --- |');
  for (const [name, spec] of Object.entries(doc.outputs ?? {})) lines.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return lines.join('\n');
}

export function actionFiles() {
  const out = [];
  if (existsSync(join(root, 'action.yml'))) out.push({ name: 'root', file: join(root, 'action.yml') });
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const f = join(root, 'actions', name, 'action.yml');
    if (existsSync(f)) out.push({ name, file: f });
  }
  return out;
}

export function render(readme) {
  let text = readme;
  const missing = [];
  for (const { name, file } of actionFiles()) {
    const start = `<!-- action:${name}:start -->`;
    const end = `<!-- action:${name}:end -->`;
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) {
      missing.push(name);
      continue;
    }
    text = `${text.slice(0, a + start.length)}\n${actionTable(file)}\n${text.slice(b)}`;
  }
  return { text, missing };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const { text, missing } = render(readme);
  if (missing.length) {
    console.error(`README.md has no table markers for: ${missing.join(', ')} (add <!-- action:NAME:start --> <!-- action:NAME:end -->)`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    if (text !== readme) {
      console.error('::error title=readme::README.md inputs/outputs tables are out of date with action.yml: run `node scripts/readme.mjs`');
      process.exit(1);
    }
    console.log('README tables match action.yml');
  } else {
    writeFileSync(path, text);
    console.log('README.md tables updated');
  }
}
