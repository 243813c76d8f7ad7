/**
 * The bad-input corpus (cases.ts) through the real bundles, as the runner runs them (Node 24,
 * INPUT_* variables, file commands, the post step where the action has one). Every case must end
 * with ONE `::error` annotation, classified as a configuration error, whose message names the
 * input (or the file and field the input points at) and says what is wrong; no stack trace outside
 * the debug log; the post step (when there is one) succeeds quietly. Across the whole corpus the
 * emulator must see no request that changes Azure state (its request log) and the GitHub fake no
 * write.
 *
 * The cases run in a pool of processes (validation happens before any request, so most need no
 * emulator round trip); those that read the workspace share one emulator.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry, RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../actions/support.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';
import { mutatingRequests, requestLog, stackTraceLines } from '../security/support.js';
import { corpus, type BadCase } from './cases.js';

/** Step processes at a time: one per core and one more (they mostly wait on process start-up). */
const POOL = Number(process.env.BAD_INPUT_POOL ?? Math.max(2, availableParallelism() + 1));
/** Only the cases whose id matches (to rerun a few while working on them). */
const ONLY = process.env.BAD_INPUT_ONLY ? new RegExp(process.env.BAD_INPUT_ONLY) : undefined;
const selected = ONLY ? corpus.filter((c) => ONLY.test(c.id)) : corpus;
/**
 * The post step (submit-job, deploy) runs after every third case: after a refused input it has
 * nothing to undo, and checking that on a third of the cases keeps the file fast.
 */
const withPost = (c: BadCase) => Number(c.id.slice(-3)) % 3 === 0;

let em: RunningEmulator;
let github: GitHubFake;
let workspace: string;
const results = new Map<string, RunResult | Error>();
let azureLog: RequestLogEntry[] = [];
let elapsedMs = 0;

function resolveInputs(c: BadCase): Record<string, string> {
  return Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, v.replace(/@\//g, `${c.id}/`)]));
}

async function runCase(c: BadCase): Promise<RunResult> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'aml-bad-'));
  if (c.ledger !== undefined) {
    mkdirSync(join(runnerTemp, 'azureml-actions'), { recursive: true });
    writeFileSync(join(runnerTemp, 'azureml-actions', 'ledger.jsonl'), c.ledger);
  }
  return runAction({
    action: c.action,
    inputs: resolveInputs(c),
    workspace,
    runnerTemp,
    ...(c.event !== undefined ? { event: c.event } : {}),
    ...(c.eventName ? { eventName: c.eventName } : {}),
    repository: 'octo-org/ml-repo',
    post: withPost(c) ? undefined : false,
    env: {
      GITHUB_API_URL: github.baseUrl,
      GITHUB_GRAPHQL_URL: `${github.baseUrl}/graphql`,
      ...((c.mode ?? 'emulator') === 'emulator' ? { AZUREML_EMULATOR_HOST: em.host } : {}),
    },
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  em = await startTestEmulator();
  github = await startGitHubFake();
  workspace = mkdtempSync(join(tmpdir(), 'aml-bad-ws-'));
  for (const c of selected) {
    mkdirSync(join(workspace, c.id), { recursive: true });
    for (const [rel, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(workspace, c.id, rel)), { recursive: true });
      writeFileSync(join(workspace, c.id, rel), text);
    }
  }
  await fetch(`${em.baseUrl}/.emulator/requests`, { method: 'DELETE' });
  const started = Date.now();
  const queue = [...selected];
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          results.set(c.id, await runCase(c));
        } catch (error) {
          results.set(c.id, error as Error);
        }
      }
    }),
  );
  elapsedMs = Date.now() - started;
  azureLog = await requestLog(em);
  if (process.env.BAD_INPUT_DUMP) {
    const dump = selected.map((c) => {
      const r = results.get(c.id);
      if (!r || r instanceof Error) return { id: c.id, failed: String(r) };
      return {
        id: c.id,
        inputs: c.inputs,
        expected: String(c.error),
        exit: r.main.exitCode,
        ms: r.main.durationMs + (r.post?.durationMs ?? 0),
        annotations: r.main.annotations.filter((a) => a.level !== 'debug'),
        stack: stackTraceLines(r.main.log),
      };
    });
    writeFileSync(process.env.BAD_INPUT_DUMP, JSON.stringify(dump, null, 1));
  }
}, 900_000);

afterAll(async () => {
  await github?.close();
  await em?.close();
});

function resultOf(c: BadCase): RunResult {
  const r = results.get(c.id);
  if (!r) throw new Error(`${c.id} did not run`);
  if (r instanceof Error) throw r;
  return r;
}

function describeRun(c: BadCase, r: RunResult): string {
  const shown = r.main.log
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('::debug::') && !l.startsWith('::add-mask::'))
    .slice(-15)
    .join('\n');
  return `${c.id} ${c.action} ${JSON.stringify(c.inputs)}\n--- exit ${r.main.exitCode}\n${shown}`;
}

describe('bad-input corpus', () => {
  it.skipIf(ONLY)(`has at least 300 cases across every action`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const per: Record<string, number> = {};
    for (const c of corpus) per[c.action] = (per[c.action] ?? 0) + 1;
    for (const action of ['submit-job', 'metric-gate', 'register-model', 'deploy', 'pr-summary']) expect(per[action] ?? 0, action).toBeGreaterThan(20);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
    console.log(
      `bad-input corpus: ${corpus.length} cases (${Object.entries(per)
        .map(([a, n]) => `${a} ${n}`)
        .join(', ')}) in ${(elapsedMs / 1000).toFixed(1)} s with ${POOL} processes at a time`,
    );
  });

  it.each(selected.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = resultOf(c);
    const what = describeRun(c, r);
    const errors = r.main.annotations.filter((a) => a.level === 'error');
    expect(stackTraceLines(r.main.log), what).toEqual([]);
    if (r.post) {
      expect(r.post.exitCode, `post step of ${what}\n${r.post.log}`).toBe(0);
      expect(
        r.post.annotations.filter((a) => a.level === 'error'),
        'post step',
      ).toEqual([]);
      expect(stackTraceLines(r.post.log), 'post step').toEqual([]);
    }
    if ((c.outcome ?? 'error') === 'fallback') {
      expect(r.main.exitCode, what).toBe(0);
      expect(errors, what).toEqual([]);
      const said = r.main.annotations
        .filter((a) => a.level === 'notice' || a.level === 'warning')
        .map((a) => a.message)
        .join('\n');
      expect(said, what).toMatch(c.error);
      return;
    }
    expect(r.main.exitCode, what).toBe(1);
    expect(errors, what).toHaveLength(1);
    const error = errors[0]!;
    expect(error.properties.title, what).toBe(`${c.action}: configuration error`);
    expect(error.message, what).toMatch(c.error);
    const names = (c.names ?? `'${Object.keys(c.inputs)[0]}'`).replace(/@\//g, `${c.id}/`);
    expect(error.message.includes(names) || (error.properties.file ?? '').includes(names), `${what}\nshould name ${names}`).toBe(true);
  });

  it('no case sent a request that changes Azure state, or wrote to GitHub', () => {
    const changed = mutatingRequests(azureLog);
    expect(changed.map((e) => `${e.method} ${e.path} (${e.operation})`)).toEqual([]);
    expect(github.requests.filter((q) => q.method !== 'GET' && !(q.method === 'POST' && q.path === '/graphql')).map((q) => `${q.method} ${q.path}`)).toEqual(
      [],
    );
    console.log(
      `bad-input corpus: ${azureLog.length} requests reached the emulator, ${azureLog.filter((e) => e.method === 'GET').length} of them GET, none changing state`,
    );
  });
});
