/**
 * The whole flow (root action.yml → dist/flow) through the runner harness, against the emulator
 * (jobs really train, deployments really score) and the loopback fake of GitHub's API:
 *   - a pull request: the job is trained, gated, registered; no rollout (not the default
 *     branch), the champion alias stays; the sticky comment is posted on the PR;
 *   - a push to the default branch: the same, plus the canary rollout; the endpoint is read back
 *     and scored, and @champion moves to the version that now serves;
 *   - a failing gate (on a PR, with deploy: true): no registration, no deployment, the step fails
 *     and the comment says why;
 *   - a workflow cancelled during the canary: the prior traffic is back, @champion stays.
 *
 * Needs `node scripts/build.mjs flow` (npm test checks that dist is fresh).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';
import { inertProblems } from '../report/inert.js';
import { versionsOf } from './register-model-support.js';
import { armGet, emulatorEnv, FAST_TIMINGS, workspaceWithExamples } from './support.js';

const OWNER = 'octo-org';
const REPO = 'ml-repo';
const MARKER = '<!-- azureml-actions:pr-summary:mlops/train -->';

let em: RunningEmulator;
let fake: GitHubFake;
let workspace: string;

beforeAll(async () => {
  // Azure Monitor's one-minute delay on a shorter clock (500 ms minutes, reported one minute late); deploy reads it with a matching metrics-delay.
  [em, fake] = await Promise.all([
    startEmulator({ timings: FAST_TIMINGS, metricsDelay: 500, endpoints: { sampleIntervalMs: 200, metricsMinuteMs: 500 } }),
    startGitHubFake(),
  ]);
  workspace = workspaceWithExamples();
});
afterAll(async () => {
  await Promise.all([em?.close(), fake?.close()]);
});
afterEach(() => {
  const violations = [...fake.violations];
  fake.resetLog();
  expect(violations).toEqual([]);
});

const repository = { full_name: `${OWNER}/${REPO}`, default_branch: 'main' };

function prEvent(number: number) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { ref: 'feature', sha: 'f'.repeat(40), repo: { full_name: `${OWNER}/${REPO}` } },
      base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository,
  };
}

/** The inputs of a workflow using the root action on the iris example. */
const FLOW_INPUTS = {
  'job-file': 'examples/iris/job.yml',
  set: 'inputs.epochs=60',
  rules: 'accuracy >= 0.7   # quality bar\nf1_macro >= baseline.f1_macro - 0.05',
  'model-name': 'iris-classifier',
  'model-type': 'mlflow_model',
  endpoint: 'examples/iris/endpoint.yml',
  'deployment-file': 'examples/iris/deployment.yml',
  'smoke-request': 'examples/iris/sample-request.json',
  'smoke-expect': '{"classes": ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]}',
  strategy: 'canary',
  'bake-time': '3s',
  'check-interval': '1s',
  'probe-rps': '10',
  'min-requests': '3',
  'metrics-delay': '500ms',
  'github-token': 'ghs_actions',
};

function flow(o: {
  inputs?: Record<string, string>;
  eventName: string;
  event: unknown;
  runId: string;
  signal?: { pattern: RegExp; signal: NodeJS.Signals };
}): Promise<RunResult> {
  return runAction({
    signal: o.signal,
    action: '.',
    inputs: { ...FLOW_INPUTS, ...o.inputs },
    env: { ...emulatorEnv(em), GITHUB_API_URL: fake.baseUrl, GITHUB_GRAPHQL_URL: `${fake.baseUrl}/graphql` },
    eventName: o.eventName,
    event: o.event,
    workspace,
    repository: `${OWNER}/${REPO}`,
    runId: o.runId,
    timeoutMs: 180_000,
  });
}

const stageResults = (r: RunResult) => JSON.parse(r.outputs['stage-results']) as Record<string, { status: string; reason?: string }>;
const statuses = (r: RunResult) => Object.fromEntries(Object.entries(stageResults(r)).map(([k, v]) => [k, v.status]));

describe('the whole flow (root action)', () => {
  it('on a pull request: trains, gates, registers, does not deploy, and comments on the PR', async () => {
    fake.addIssue(OWNER, REPO, 12);
    const r = await flow({ eventName: 'pull_request', event: prEvent(12), runId: '8101' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.post?.exitCode, r.post?.log).toBe(0);
    expect(statuses(r)).toEqual({
      'submit-job': 'succeeded',
      'metric-gate': 'succeeded',
      'register-model': 'succeeded',
      deploy: 'skipped',
      'pr-summary': 'succeeded',
    });
    expect(stageResults(r).deploy.reason).toMatch(/pull request/);

    // Every stage's outputs, namespaced.
    expect(r.outputs).toMatchObject({
      'job-status': 'Completed',
      'gate-passed': 'true',
      'model-name': 'iris-classifier',
      'model-version': '1',
      'model-uri': 'azureml:iris-classifier:1',
      'model-created': 'true',
      'comment-mode-used': 'create',
    });
    expect(r.outputs['job-name']).toMatch(/^ml-repo-/);
    expect(JSON.parse(r.outputs['gate-report'])).toMatchObject({ passed: true, counts: { passed: 1, failed: 0, skipped: 1 } });
    expect(r.outputs['rollout-status']).toBeUndefined();
    expect(r.outputs['model-aliases']).toBeUndefined();
    expect(r.main.log).toContain('@champion not moved to iris-classifier:1: a pull request.');

    // The version is registered with the gate's lineage, and nobody holds @champion yet.
    const [v1] = await versionsOf(em, 'iris-classifier');
    expect(v1.properties.tags['github.pr']).toBe('12');
    expect(v1.properties.tags['metric.accuracy']).toBeDefined();
    expect(v1.properties.tags['alias.champion']).toBeUndefined();
    expect((await armGet(em, 'onlineEndpoints/iris-endpoint')).status).toBe(404);

    // One sticky comment on the PR, the body the action reported.
    const comments = fake.commentsOf(OWNER, REPO, 12);
    expect(comments).toHaveLength(1);
    expect(String(comments[0].id)).toBe(r.outputs['comment-id']);
    expect(comments[0].body).toBe(r.outputs['comment-body']);
    expect(comments[0].body.split('\n')[0]).toBe(MARKER);
    expect(comments[0].body).toContain('**Gate** ✅ passed (1/2 rules passed, 1 skipped)');
    expect(comments[0].body).toContain('**Model** 📦 <code>iris-classifier:1</code>');
    expect(comments[0].body).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta\n/);
    expect(inertProblems(comments[0].body)).toEqual([]);
    expect(r.summary).toContain('## Azure ML report');
  });

  it('on a push to the default branch: rolls the model out, moves @champion, and the endpoint serves it', async () => {
    const r = await flow({ eventName: 'push', event: { ref: 'refs/heads/main', repository }, runId: '8102' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.post?.exitCode, r.post?.log).toBe(0);
    expect(statuses(r)).toEqual({
      'submit-job': 'succeeded',
      'metric-gate': 'succeeded',
      'register-model': 'succeeded',
      deploy: 'succeeded',
      'pr-summary': 'succeeded',
    });

    // A new job, a new version (the PR's version 1 stays as it is); its deployment is named after it.
    expect(r.outputs).toMatchObject({
      'model-version': '2',
      'model-created': 'true',
      'rollout-status': 'promoted',
      'deployment-name': 'iris-classifier-v2',
      'model-aliases': 'champion',
    });
    expect(JSON.parse(r.outputs['rollout-traffic'])).toEqual({ traffic: { 'iris-classifier-v2': 100 }, mirror: {} });
    const timeline = JSON.parse(r.outputs['rollout-timeline']) as { outcome: string; stages: Array<{ weight: number; result: string; checks: unknown[] }> };
    expect(timeline.outcome).toBe('promoted');
    expect(timeline.stages.at(-1)).toMatchObject({ weight: 100, result: 'passed' });
    expect(timeline.stages.at(-1)!.checks.length).toBeGreaterThan(0);
    expect(r.main.log).toMatch(/smoke test passed: examples\/iris\/sample-request\.json → HTTP 200/);
    expect(r.main.log).toContain('probe traffic started');

    // The endpoint, read back: created from endpoint.yml, all traffic on the new deployment,
    // whose model is the registered version.
    const ep = await armGet<{ properties: { traffic: Record<string, number>; scoringUri: string; authMode: string } }>(em, 'onlineEndpoints/iris-endpoint');
    expect(ep.status).toBe(200);
    expect(ep.body.properties.traffic).toEqual({ 'iris-classifier-v2': 100 });
    expect(ep.body.properties.authMode).toBe('Key');
    const dep = await armGet<{ properties: { model: string; provisioningState: string } }>(em, 'onlineEndpoints/iris-endpoint/deployments/iris-classifier-v2');
    expect(dep.body.properties.provisioningState).toBe('Succeeded');
    expect(dep.body.properties.model).toMatch(/\/models\/iris-classifier\/versions\/2$/);
    // It really serves: the sample request scores through the endpoint's traffic split.
    const keys = await fetch(`${em.baseUrl}${(await armGet<{ id: string }>(em, 'onlineEndpoints/iris-endpoint')).body.id}/listKeys?api-version=2024-10-01`, {
      method: 'POST',
      headers: { authorization: `Bearer ${em.issueToken()}` },
    }).then((res) => res.json() as Promise<{ primaryKey: string }>);
    const scored = await fetch(ep.body.properties.scoringUri, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.primaryKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: [[5.1, 3.5, 1.4, 0.2]] }),
    });
    expect(scored.status).toBe(200);
    const answer = (await scored.json()) as { predictions: string[] } | string;
    expect((typeof answer === 'string' ? (JSON.parse(answer) as { predictions: string[] }) : answer).predictions).toEqual(['Iris-setosa']);

    // @champion now marks the version that serves.
    const [v1, v2] = await versionsOf(em, 'iris-classifier');
    expect(v2.properties.tags['alias.champion']).toBe('true');
    expect(v1.properties.tags['alias.champion']).toBeUndefined();

    // A push has no PR: the report goes to the job summary, with the rollout in it.
    expect(r.outputs['comment-mode-used']).toBe('summary-only');
    expect(r.outputs['comment-body']).toContain('**Rollout** ✅ promoted');
    expect(r.summary).toContain('Rollout of <code>iris-classifier-v2</code> on <code>iris-endpoint</code>');
  });

  it('with a failing gate: no registration, no deployment, the step fails and the comment says why', async () => {
    fake.addIssue(OWNER, REPO, 13);
    const before = (await versionsOf(em, 'iris-classifier')).length;
    const r = await flow({
      eventName: 'pull_request',
      event: prEvent(13),
      runId: '8103',
      inputs: { rules: 'accuracy >= 0.99   # far too strict\nf1_macro >= baseline.f1_macro - 0.05', deploy: 'true' },
    });
    expect(r.main.exitCode).toBe(1);
    expect(r.post?.exitCode, r.post?.log).toBe(0);
    expect(statuses(r)).toEqual({
      'submit-job': 'succeeded',
      'metric-gate': 'failed',
      'register-model': 'skipped',
      deploy: 'skipped',
      'pr-summary': 'succeeded',
    });
    expect(stageResults(r)['register-model'].reason).toBe('the metric gate failed');
    expect(stageResults(r).deploy.reason).toBe('the metric gate failed');
    expect(r.outputs['gate-passed']).toBe('false');
    expect(r.outputs['model-version']).toBeUndefined();

    // Nothing registered, nothing deployed: the endpoint still serves what the push rolled out.
    expect(await versionsOf(em, 'iris-classifier')).toHaveLength(before);
    const ep = await armGet<{ properties: { traffic: Record<string, number> } }>(em, 'onlineEndpoints/iris-endpoint');
    expect(ep.body.properties.traffic).toEqual({ 'iris-classifier-v2': 100 });

    // One error for the step, naming the stage; one per failed rule from the gate.
    const errors = r.main.annotations.filter((a) => a.level === 'error');
    expect(errors.map((e) => e.properties.title)).toEqual(['far too strict', 'azureml-actions failed']);
    expect(errors[1].message).toMatch(/^metric-gate: The metric gate failed: 1 of 2 rule\(s\) failed \(far too strict\)/);

    // The comment says why: the failed rule with its value, and what did not happen.
    const [comment] = fake.commentsOf(OWNER, REPO, 13);
    expect(comment.body).toContain('**Gate** ❌ failed (1 of 2 rules failed)');
    expect(comment.body).toContain('**Model** ⛔ not registered: the gate failed');
    expect(comment.body).toContain('**Rollout** ⛔ not deployed');
    expect(comment.body).toMatch(/- ❌ <code>accuracy &gt;= 0\.99<\/code> \(far too strict\): [\d.]+ is not &gt;= 0\.99/);
    expect(comment.body).toContain('Baseline: model iris-classifier:2');
  });

  it('cancelled during the canary: the prior traffic is back, @champion stays, and the step fails', async () => {
    const r = await flow({
      eventName: 'push',
      event: { ref: 'refs/heads/main', repository },
      runId: '8104',
      inputs: { set: 'inputs.epochs=80', 'bake-time': '30s', 'check-interval': '2s' },
      // The runner sends SIGINT to the step when the workflow is cancelled.
      signal: { pattern: /\[Progressing\] traffic iris-classifier-v2=90 iris-classifier-v3=10/, signal: 'SIGINT' },
    });
    expect(r.main.exitCode).toBe(1);
    expect(r.post?.exitCode, r.post?.log).toBe(0);
    expect(stageResults(r).deploy.status).toBe('failed');
    expect(stageResults(r)['pr-summary']).toMatchObject({ status: 'skipped', reason: 'the workflow was cancelled' });
    // Whoever restored it (main on its way out, or the post step), the endpoint is as before.
    const ep = await armGet<{ properties: { traffic: Record<string, number> } }>(em, 'onlineEndpoints/iris-endpoint');
    expect(ep.body.properties.traffic).toEqual({ 'iris-classifier-v2': 100 });
    expect((await armGet(em, 'onlineEndpoints/iris-endpoint/deployments/iris-classifier-v3')).status).toBe(404);
    const versions = await versionsOf(em, 'iris-classifier');
    expect(versions.map((v) => [v.name, v.properties.tags['alias.champion'] ?? null])).toEqual([
      ['1', null],
      ['2', 'true'],
      ['3', null],
    ]);
  });
});
