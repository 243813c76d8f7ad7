/**
 * Secret hygiene: one workflow job of the whole suite — submit-job, metric-gate, register-model,
 * deploy (key auth) and pr-summary, each through its real bundle, sharing RUNNER_TEMP (the ledger)
 * — run with known secret values: a client secret, the GitHub token, every access token the
 * emulator's token endpoint hands out, the endpoint keys, the datastore account key and the SAS
 * signatures of the job's log files. Then everything that leaves the runner is scanned for each of
 * them, as is and in base64, base64url, URL-encoded and JSON-escaped forms: every step's log (the
 * `::add-mask::` commands aside), outputs, saved state, GITHUB_ENV, the job summary, the ledger,
 * the body file, and the PR comment on the GitHub fake. Every obtained token and key must also
 * have been registered with `core.setSecret` (an `::add-mask::` line) by the step that got it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVSTORE_ACCOUNT_KEY } from '../../src/emulator/config.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, FAST_TIMINGS, workspaceArmId, workspaceWithExamples } from '../actions/support.js';
import { runAction, type RunResult, type StepResult } from '../harness/index.js';
import { startGitHubFake, type GitHubFake } from '../helpers/github-fake.js';
import { findLeaks, stepTexts } from './support.js';

const OWNER = 'octo-org';
const REPO = 'ml-repo';
const PR = 21;
const CLIENT_ID = '3c9d1e7a-55b2-4f60-9a8e-7d21c4b0f6e3';
const CLIENT_SECRET = 'Sx7~Qe2.Lm9_Vb4-Nk8zPw1cRt6yHg3jDf5a';
const GITHUB_TOKEN = 'ghs_actions';

let em: RunningEmulator;
let github: GitHubFake;
let workspace: string;
let runnerTemp: string;
const issued: Array<{ token: string; clientId: string }> = [];
const steps: Record<string, RunResult> = {};

const azure = () => ({ 'client-id': CLIENT_ID, 'tenant-id': em.defaults.tenantId, 'client-secret': CLIENT_SECRET });

function step(action: string, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({
    action,
    inputs,
    env: { ...emulatorEnv(em), GITHUB_API_URL: github.baseUrl, GITHUB_GRAPHQL_URL: `${github.baseUrl}/graphql` },
    workspace,
    runnerTemp,
    runId: '9301',
    repository: `${OWNER}/${REPO}`,
    eventName: 'pull_request',
    event: {
      action: 'synchronize',
      number: PR,
      pull_request: {
        number: PR,
        head: { ref: 'feature', sha: 'f'.repeat(40), repo: { full_name: `${OWNER}/${REPO}` } },
        base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      },
    },
    timeoutMs: 180_000,
  });
}

async function armPost<T>(path: string): Promise<T> {
  const res = await fetch(`${em.baseUrl}${path}?api-version=2024-10-01`, { method: 'POST', headers: { authorization: `Bearer ${em.issueToken()}` } });
  return (await res.json()) as T;
}

beforeAll(async () => {
  [em, github] = await Promise.all([
    startEmulator({
      timings: FAST_TIMINGS,
      // Azure Monitor's one-minute delay on a shorter clock; deploy reads it with a matching metrics-delay.
      metricsDelay: 500,
      endpoints: { sampleIntervalMs: 200, metricsMinuteMs: 500 },
      auth: { clientSecrets: { [CLIENT_ID]: CLIENT_SECRET }, onTokenIssued: (token, clientId) => issued.push({ token, clientId }) },
    }),
    startGitHubFake(),
  ]);
  github.addIssue(OWNER, REPO, PR);
  workspace = workspaceWithExamples();
  runnerTemp = mkdtempSync(join(tmpdir(), 'aml-secrets-'));

  steps['submit-job'] = await step('submit-job', { 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=40', ...azure() });
  const job = steps['submit-job'].outputs['job-name'] ?? '';
  steps['metric-gate'] = await step('metric-gate', { 'job-name': job, rules: 'accuracy >= 0.5', ...azure() });
  steps['register-model'] = await step('register-model', { name: 'iris-classifier', 'job-name': job, output: 'model', type: 'mlflow_model', ...azure() });
  steps.deploy = await step('deploy', {
    endpoint: 'examples/iris/endpoint.yml',
    'deployment-file': 'examples/iris/deployment.yml',
    model: `azureml:iris-classifier:${steps['register-model'].outputs['model-version'] ?? '1'}`,
    'smoke-request': 'examples/iris/sample-request.json',
    strategy: 'blue-green',
    'bake-time': '3s',
    'check-interval': '1s',
    'probe-rps': '10',
    'min-requests': '3',
    'metrics-delay': '500ms',
    ...azure(),
  });
  steps['pr-summary'] = await step('pr-summary', { 'github-token': GITHUB_TOKEN });
}, 600_000);

afterAll(async () => {
  await Promise.all([em?.close(), github?.close()]);
});

/** The secrets a step could have seen, by name. */
async function knownSecrets(): Promise<Record<string, string>> {
  const secrets: Record<string, string> = { 'client secret': CLIENT_SECRET, 'GitHub token': GITHUB_TOKEN, 'datastore account key': DEVSTORE_ACCOUNT_KEY };
  issued.forEach((t, i) => (secrets[`access token ${i + 1}`] = t.token));
  const endpointId = `${workspaceArmId(em)}/onlineEndpoints/iris-endpoint`;
  const keys = await armPost<{ primaryKey?: string; secondaryKey?: string }>(`${endpointId}/listKeys`);
  if (keys.primaryKey) secrets['endpoint primary key'] = keys.primaryKey;
  if (keys.secondaryKey) secrets['endpoint secondary key'] = keys.secondaryKey;
  for (const [i, sig] of (await logSignatures()).entries()) secrets[`log SAS signature ${i + 1}`] = sig;
  return secrets;
}

/** The SAS URLs run history hands out for the job's log files (signed anew on every read). */
async function logFiles(): Promise<Record<string, string>> {
  const job = steps['submit-job']?.outputs['job-name'];
  const res = await fetch(`${em.baseUrl}/history/v1.0${workspaceArmId(em)}/runs/${job}/details`, { headers: { authorization: `Bearer ${em.issueToken()}` } });
  if (!res.ok) return {};
  return ((await res.json()) as { logFiles?: Record<string, string> }).logFiles ?? {};
}

/** The `sig` of every log-file SAS URL: the test's own reads and the ones the action masked. */
async function logSignatures(): Promise<string[]> {
  const urls = [...Object.values(await logFiles()), ...allSteps().flatMap(([, s]) => s.secretsMasked.filter((m) => /^https?:\/\/.*[?&]sig=/.test(m)))];
  return [
    ...new Set(
      urls
        .map((u) => /[?&]sig=([^&]+)/.exec(u)?.[1])
        .filter((s): s is string => Boolean(s))
        .map((s) => decodeURIComponent(s)),
    ),
  ];
}

function allSteps(): Array<[string, StepResult]> {
  return Object.entries(steps).flatMap(([name, r]) => [
    [name, r.main] as [string, StepResult],
    ...(r.post ? [[`${name} (post)`, r.post] as [string, StepResult]] : []),
  ]);
}

describe('secret hygiene across the whole suite', () => {
  it('every scenario ran', () => {
    for (const [name, r] of Object.entries(steps)) expect(r.main.exitCode, `${name}\n${r.main.log.slice(-3000)}`).toBe(0);
    expect(steps['submit-job']!.outputs.status).toBe('Completed');
    expect(steps['metric-gate']!.outputs.passed).toBe('true');
    expect(steps.deploy!.outputs.status).toBe('promoted');
    expect(steps['pr-summary']!.outputs['mode-used']).toBe('create');
    expect(github.commentsOf(OWNER, REPO, PR)).toHaveLength(1);
  });

  it('no secret, in any encoding, in logs, outputs, state, env, summaries, the ledger, the body file or the PR comment', async () => {
    const secrets = await knownSecrets();
    expect(Object.keys(secrets).filter((k) => k.startsWith('access token')).length).toBeGreaterThanOrEqual(4);
    expect(secrets['endpoint primary key']).toBeDefined();
    const texts: Record<string, string> = {};
    for (const [name, s] of allSteps()) {
      Object.assign(texts, stepTexts(name, s), { [`${name} env`]: JSON.stringify(s.env) });
    }
    const ledger = join(runnerTemp, 'azureml-actions', 'ledger.jsonl');
    expect(existsSync(ledger)).toBe(true);
    texts.ledger = readFileSync(ledger, 'utf8');
    const bodyPath = steps['pr-summary']!.outputs['body-path'];
    if (bodyPath && existsSync(bodyPath)) texts['body file'] = readFileSync(bodyPath, 'utf8');
    for (const c of github.commentsOf(OWNER, REPO, PR)) texts[`PR comment ${c.id}`] = c.body;
    texts['GitHub requests'] = JSON.stringify(github.requests.map((q) => q.body));
    const leaks = findLeaks(secrets, texts);
    console.log(
      `secret scan: ${Object.keys(secrets).length} secrets × ${Object.keys(texts).length} texts (${Object.values(texts).reduce((n, t) => n + t.length, 0)} characters): ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
  });

  it('every token, key and signature an action obtained was registered with core.setSecret by that action', async () => {
    const masked = new Set(allSteps().flatMap(([, s]) => s.secretsMasked));
    const unmasked = issued.filter((t) => !masked.has(t.token)).map((t, i) => `access token ${i + 1} (client ${t.clientId})`);
    expect(unmasked).toEqual([]);
    expect(steps['submit-job']!.main.secretsMasked).toContain(CLIENT_SECRET);
    expect(steps.deploy!.main.secretsMasked).toContain((await knownSecrets())['endpoint primary key']);
    // the steps that uploaded or read blobs with the datastore's account key masked it
    expect(steps['submit-job']!.main.secretsMasked).toContain(DEVSTORE_ACCOUNT_KEY);
    // the job's log files were read through SAS URLs (run history signs a new one on every read):
    // each log file's URL is masked, and so is the signature inside it
    const sasUrls = steps['submit-job']!.main.secretsMasked.filter((m) => /^https?:\/\/.*[?&]sig=/.test(m));
    const logPaths = Object.values(await logFiles()).map((u) => u.split('?')[0]);
    expect(logPaths.length).toBeGreaterThan(0);
    expect(logPaths.filter((p) => !sasUrls.some((u) => u.split('?')[0] === p))).toEqual([]);
    expect(sasUrls.map((u) => /[?&]sig=([^&]+)/.exec(u)![1]!).filter((sig) => !masked.has(sig))).toEqual([]);
    expect(steps['pr-summary']!.main.secretsMasked).toContain(GITHUB_TOKEN);
  });
});
