/**
 * deploy on a Kubernetes online endpoint, through the built bundle against the emulator: the
 * azureml-examples cli/endpoints/online/kubernetes sample (endpoint with `compute:
 * azureml:inferencecompute`, blue and green `type: kubernetes` deployments, sample-request.json) on
 * a Kubernetes compute attached over ARM as `az ml compute attach --type Kubernetes` does. Health is
 * judged on the rollout's own probes (Azure Monitor is never asked: it has no request metrics for
 * these endpoints), which the log and the timeline say; a new model that errors is rolled back;
 * bad input (mirror, an unknown compute, no probe-rps, a managed deployment file, Azure Monitor
 * health rules) is refused with one clear `::error` before any change.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Annotation } from '../harness/index.js';
import { armWait } from '../emulator/endpoints-support.js';
import { requestLog, wsPath } from '../emulator/support.js';
import {
  armRequestsSince,
  BLUE,
  deploy,
  endpointState,
  GREEN,
  logMark,
  logs,
  mutations,
  nonZero,
  predictions,
  primaryKey,
  QUICK,
  sampleWorkspace,
  startDeployEmulator,
  timelineOf,
} from './deploy-support.js';
import { score } from '../emulator/endpoints-support.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'azureml-examples', 'endpoints', 'online', 'kubernetes');
const K8S = 'endpoints/online/kubernetes';
const EP = 'my-endpoint';
/** The sample's request, and probes from it (Azure Monitor is not asked on Kubernetes). */
const K8S_QUICK: Record<string, string> = { ...QUICK, 'smoke-request': `${K8S}/sample-request.json` };

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = sampleWorkspace();
  cpSync(fixtures, join(ws, K8S), { recursive: true });
  // `az ml compute attach --type Kubernetes --name inferencecompute` (no instance types: defaultinstancetype).
  const attached = await armWait(em, 'PUT', `${wsPath(em)}/computes/inferencecompute`, {
    location: 'eastus',
    properties: {
      computeType: 'Kubernetes',
      resourceId: `/subscriptions/${em.defaults.subscriptionId}/resourceGroups/k8s-rg/providers/Microsoft.ContainerService/managedClusters/aks-inference`,
      properties: { namespace: 'azureml' },
    },
  });
  if (attached.status !== 'Succeeded') throw new Error(JSON.stringify(attached));
});
afterAll(async () => {
  await em?.close();
});

function write(rel: string, text: string): string {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
  return rel;
}

/** The sample's green deployment under another name, with extra lines. */
function greenVariant(name: string, extra: string[]): string {
  const text = readFileSync(join(ws, K8S, 'kubernetes-green-deployment.yml'), 'utf8').replace(/^name: green$/m, `name: ${name}`);
  return write(`${K8S}/${name}.yml`, `${text.trimEnd()}\n${extra.join('\n')}\n`);
}

const metricsQueries = async (mark: number) => (await requestLog(em)).filter((e) => e.seq > mark && /Microsoft\.Insights\/metrics/i.test(e.path));

describe('deploy on a Kubernetes online endpoint', () => {
  it('creates the endpoint from the sample YAML on the attached compute and rolls out blue', async () => {
    const r = await deploy(
      { em, workspace: ws },
      { ...K8S_QUICK, endpoint: `${K8S}/kubernetes-endpoint.yml`, 'deployment-file': `${K8S}/kubernetes-blue-deployment.yml` },
    );
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    const state = await endpointState(em, EP);
    expect(nonZero(state.traffic)).toEqual({ blue: 100 });
    const key = await primaryKey(em, EP);
    const answer = await score(state.scoringUri!, key, { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] });
    expect(answer).toMatchObject({ status: 200, deployment: 'blue', body: predictions(BLUE, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) });
  });

  it('green: canary with probes, judged on the probes only (Azure Monitor never asked), promoted', async () => {
    const mark = await logMark(em);
    const r = await deploy({ em, workspace: ws }, { ...K8S_QUICK, endpoint: EP, 'deployment-file': `${K8S}/kubernetes-green-deployment.yml` });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.main.log).toMatch(
      /Kubernetes online endpoint \(compute 'inferencecompute'\): Azure Monitor publishes no request metrics for it, so health is judged only on the probe and smoke requests this rollout sends \(rules: probe\.error_rate < 1%; probe\.latency_p99 < 1000\); probes at \d+\/s/,
    );
    const timeline = timelineOf(r);
    expect(timeline.events.some((e) => /Kubernetes online endpoint: Azure Monitor publishes no request metrics/.test(e.message))).toBe(true);
    expect(timeline.stages.map((s) => s.weight)).toEqual([10, 100]);
    const checks = timeline.stages.flatMap((s) => s.checks);
    expect(checks.length).toBeGreaterThan(0);
    expect(
      checks.every((c) => (c.rules ?? []).every((rule) => rule.rule.startsWith('probe.'))),
      JSON.stringify(checks),
    ).toBe(true);
    expect(await metricsQueries(mark), 'no Azure Monitor query').toEqual([]);
    const state = await endpointState(em, EP);
    expect(state.traffic).toEqual({ green: 100 });
    expect(state.deployments.map((d) => d.name)).toEqual(['green']);
    const answer = await score(state.scoringUri!, await primaryKey(em, EP), { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] });
    expect(answer).toMatchObject({ status: 200, deployment: 'green', body: predictions(GREEN, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) });
  });

  it('a new model whose run() starts raising: the probes see 502s, rolled back to green, the new deployment deleted', async () => {
    const file = greenVariant('green-bad', ['environment_variables:', '  MODEL_FAIL_AFTER: "3"']);
    const r = await deploy({ em, workspace: ws }, { ...K8S_QUICK, endpoint: EP, 'deployment-file': file });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(r.main.log).toMatch(/probe\.error_rate/);
    const state = await endpointState(em, EP);
    expect(nonZero(state.traffic)).toEqual({ green: 100 });
    expect(state.deployments.map((d) => d.name)).toEqual(['green']);
  });
});

describe('deploy on a Kubernetes online endpoint: cancelled', () => {
  it('SIGTERM during the canary stage: the prior traffic comes back, the post step has nothing left to do', async () => {
    const file = greenVariant('green-cancel', []);
    const r = await deploy(
      { em, workspace: ws },
      { ...K8S_QUICK, 'bake-time': '20s', endpoint: EP, 'deployment-file': file },
      { signal: { pattern: /\[Progressing\] traffic .*green-cancel=10\b/, signal: 'SIGTERM' } },
    );
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs.status).toBe('rolled-back');
    expect(r.main.log).toContain('traffic restored and read back: green=100');
    expect(r.post?.exitCode, logs(r)).toBe(0);
    const state = await endpointState(em, EP);
    expect(nonZero(state.traffic)).toEqual({ green: 100 });
  });
});

describe('deploy on a Kubernetes online endpoint: bad input is refused before anything changes', () => {
  async function refused(inputs: Record<string, string>, endpoint = EP): Promise<Annotation> {
    const mark = await logMark(em);
    const run = await deploy(
      { em, workspace: ws },
      { ...K8S_QUICK, endpoint: EP, 'deployment-file': greenVariant('green-two', []), ...inputs },
      { timeoutMs: 30_000 },
    );
    expect(run.main.exitCode, logs(run)).toBe(1);
    const errors = run.main.annotations.filter((a) => a.level === 'error');
    expect(errors, logs(run)).toHaveLength(1);
    expect(errors[0]!.properties.title).toBe('deploy: configuration error');
    expect(mutations(await armRequestsSince(em, mark)), 'no mutating ARM request').toEqual([]);
    const state = await endpointState(em, endpoint);
    if (endpoint === EP) {
      expect(nonZero(state.traffic)).toEqual({ green: 100 });
      expect(state.deployments.map((d) => d.name)).toEqual(['green']);
    } else expect(state.exists).toBe(false);
    return errors[0]!;
  }

  it('mirror-percent: Azure ML does not mirror on Kubernetes endpoints', async () => {
    const error = await refused({ 'mirror-percent': '10' });
    expect(error.message).toMatch(
      /^Input 'mirror-percent': endpoint my-endpoint is a Kubernetes online endpoint \(compute 'inferencecompute'\), and Azure ML does not mirror traffic/,
    );
  });

  it('an endpoint YAML naming a compute that does not exist: its file and line', async () => {
    const file = write(`${K8S}/missing-compute-endpoint.yml`, 'name: k8s-missing\ncompute: azureml:nocompute\nauth_mode: key\n');
    const dep = greenVariant('green-missing', []);
    write(dep, readFileSync(join(ws, dep), 'utf8').replace('endpoint_name: my-endpoint', 'endpoint_name: k8s-missing'));
    const error = await refused({ endpoint: file, 'deployment-file': dep }, 'k8s-missing');
    expect(error.properties, JSON.stringify(error)).toMatchObject({ file: `${K8S}/missing-compute-endpoint.yml`, line: '2' });
    expect(error.message).toMatch(/'compute' compute 'nocompute' does not exist in workspace/);
  });

  it('no probe-rps: refused, naming probe-rps and why', async () => {
    const error = await refused({ 'probe-rps': '0' });
    expect(error.message).toMatch(
      /^Input 'probe-rps' is needed: endpoint my-endpoint is a Kubernetes online endpoint .*Azure Monitor publishes no request metrics/,
    );
  });

  it('a managed deployment file, and health rules on Azure Monitor signals', async () => {
    const managed = write(`${K8S}/managed.yml`, 'name: green-two\nmodel:\n  path: ../model-2/model/\ninstance_type: Standard_DS3_v2\n');
    expect((await refused({ 'deployment-file': managed })).message).toMatch(/must be a Kubernetes online deployment \(type: kubernetes\), not a managed one/);
    expect((await refused({ 'health-rules': 'error_rate < 1%' })).message).toMatch(
      /^Input 'health-rules' line 1: 'error_rate < 1%' reads Azure Monitor signals/,
    );
    const unknownType = greenVariant('green-gpu', []);
    write(unknownType, readFileSync(join(ws, unknownType), 'utf8').replace('instance_type: defaultinstancetype', 'instance_type: gpu-large'));
    expect((await refused({ 'deployment-file': unknownType })).message).toMatch(
      /instance type 'gpu-large' is not defined on Kubernetes compute 'inferencecompute'/,
    );
  });
});

describe('deploy on a Kubernetes online endpoint without probes (last: it replaces green)', () => {
  it('allow-no-traffic and no probe-rps: promoted on the smoke test alone, and the log says so', async () => {
    const file = greenVariant('green-quiet', []);
    const r = await deploy({ em, workspace: ws }, { ...K8S_QUICK, 'probe-rps': '0', 'allow-no-traffic': 'true', endpoint: EP, 'deployment-file': file });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs.status).toBe('promoted');
    expect(r.main.log).toMatch(/no probes \(allow-no-traffic\): promoted on the smoke test/);
    expect(r.main.log).toMatch(/Smoke test of green-quiet: \S*sample-request\.json → HTTP 200/);
    expect(
      timelineOf(r)
        .stages.flatMap((s) => s.checks)
        .every((c) => c.verdict === 'no-traffic-allowed'),
    ).toBe(true);
    const state = await endpointState(em, EP);
    expect(state.traffic).toEqual({ 'green-quiet': 100 });
    expect(state.deployments.map((d) => d.name)).toEqual(['green-quiet']);
  });
});
