#!/usr/bin/env node
// The longest functions (declarations, methods, arrow functions; lines from start to end) of the
// TypeScript files under the given folders. For keeping flows in short named phases.
// Usage: node scripts/function-lengths.mjs [--top N] [--exclude PREFIX] DIR...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const take = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const top = Number(take('--top', '10'));
const exclude = take('--exclude', undefined);
const files = (dir) =>
  readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const rows = [];
for (const file of args.flatMap(files).filter((f) => !exclude || !f.startsWith(exclude))) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (n) => {
    if (
      (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n)) &&
      n.body
    ) {
      const a = src.getLineAndCharacterOfPosition(n.getStart()).line;
      const b = src.getLineAndCharacterOfPosition(n.end).line;
      const name = n.name?.getText() ?? (n.parent && ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : '(anonymous)');
      rows.push({ lines: b - a + 1, where: `${file}:${a + 1}`, name });
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}
rows.sort((x, y) => y.lines - x.lines || x.where.localeCompare(y.where));
for (const r of rows.slice(0, top)) console.log(`${String(r.lines).padStart(4)}  ${r.name}  ${r.where}`);
