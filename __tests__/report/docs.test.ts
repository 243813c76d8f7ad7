/**
 * docs/pr-comment.md: the comment pr-summary posts for a realistic run (the iris training job, a
 * gate against the champion, a registered model, a canary rollout), rendered from the fixtures.
 * The file must match what the renderer makes; regenerate it with
 *   UPDATE_DOCS=1 npx vitest run __tests__/report/docs.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderReport } from '../../src/report/comment.js';
import { collectReportData } from '../../src/report/data.js';
import { repoRoot } from '../harness/index.js';
import { NOW, realisticLedger, RUN } from './fixtures.js';
import { inertProblems } from './inert.js';

it('docs/pr-comment.md is the rendered realistic comment', async () => {
  const { body } = renderReport(collectReportData(await realisticLedger()), { header: 'mlops/train', run: RUN, now: NOW });
  expect(inertProblems(body)).toEqual([]);
  const path = join(repoRoot, 'docs', 'pr-comment.md');
  if (process.env.UPDATE_DOCS === '1' || !existsSync(path)) {
    mkdirSync(join(repoRoot, 'docs'), { recursive: true });
    writeFileSync(path, body);
  }
  expect(readFileSync(path, 'utf8'), 'docs/pr-comment.md is stale: run UPDATE_DOCS=1 npx vitest run __tests__/report/docs.test.ts').toBe(body);
});
