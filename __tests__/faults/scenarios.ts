/**
 * The scenarios the fault matrix runs: one action (its real bundle, through the runner harness)
 * against an emulator of its own, with what the scenario needs set up beforehand, and a check of
 * what the run left behind (no duplicate job, model version or deployment; for deploy, the
 * endpoint's traffic and deployments).
 */
import { commandJob, waitForJob } from '../metrics/gate-emulator.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction, type RunResult } from '../harness/index.js';
import {
  checkout,
  deploymentsOf,
  endpointOf,
  jobsOfRun,
  modelVersions,
  registryVersions,
  servingEndpoint,
  SMOKE_REQUEST,
  stateOf,
  trafficOf,
  trafficOnHalfMade,
  type Json,
} from './support.js';

export type ScenarioName = 'submit' | 'submit-timeout' | 'gate' | 'register' | 'promote' | 'deploy' | 'deploy-provision-fails';

/** What the run left: a problem list (empty = the invariants hold) and facts for the outcome. */
export interface Aftermath {
  problems: string[];
  /** The run reached its goal (job Completed, gate passed, version registered, new deployment serving 100 %). */
  goal: boolean;
  facts: string[];
  /** Reached the goal without a best-effort part (the log tail, deleting an old deployment). */
  degraded?: string;
}

export interface Scenario {
  action: 'submit-job' | 'metric-gate' | 'register-model' | 'deploy';
  /** Endpoint faults (stuck Updating "now") need the endpoint before the run. */
  setup(em: RunningEmulator): Promise<void>;
  files: Record<string, string>;
  inputs: Record<string, string>;
  check(em: RunningEmulator, run: RunResult, runId: string): Promise<Aftermath>;
}

export const ENDPOINT = 'fx-ep';

const JOB_YAML = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
type: command
code: ./src
command: python hello.py
environment: azureml:AzureML-sklearn-1.5@latest
compute: azureml:cpu-cluster
`;

const SLOW_JOB_YAML = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
type: command
code: ./src
command: python -c "import time; time.sleep(300)"
environment: azureml:AzureML-sklearn-1.5@latest
compute: azureml:cpu-cluster
`;

const DEPLOY_INPUTS: Record<string, string> = {
  endpoint: ENDPOINT,
  model: 'azureml:iris:1',
  'deployment-name': 'green',
  strategy: 'canary',
  'canary-percent': '50',
  'bake-time': '1s',
  'check-interval': '1s',
  'allow-no-traffic': 'true',
  'smoke-request': SMOKE_REQUEST,
  'max-duration': '4m',
  'metrics-delay': '500ms',
};

async function jobChecks(em: RunningEmulator, runId: string, wantStatus: string | undefined): Promise<Aftermath> {
  const jobs = await jobsOfRun(em, runId);
  const problems = jobs.length > 1 ? [`${jobs.length} jobs submitted for one run attempt`] : [];
  const status = jobs[0] ? String((jobs[0].properties as Json).status) : 'none';
  return { problems, goal: wantStatus !== undefined && status === wantStatus, facts: [`jobs=${jobs.length}`, `status=${status}`] };
}

/** The endpoint after a deploy run: only blue/green, never traffic on a half-made deployment. */
async function deployChecks(em: RunningEmulator, run: RunResult): Promise<Aftermath> {
  const problems: string[] = [];
  const ep = await endpointOf(em, ENDPOINT);
  const traffic = trafficOf(ep);
  const deps = (await deploymentsOf(em, ENDPOINT)).map((d) => `${String(d.name)}:${stateOf(d)}`).sort();
  const names = deps.map((d) => d.split(':')[0]);
  const extra = names.filter((n) => n !== 'blue' && n !== 'green');
  if (extra.length > 0) problems.push(`unexpected deployments ${extra.join(', ')}`);
  const half = await trafficOnHalfMade(em, ENDPOINT);
  if (half.length > 0) problems.push(`traffic on deployments that are not Succeeded: ${half.join(', ')}`);
  const t = JSON.stringify(traffic);
  const promoted = t === '{"green":100}';
  const prior = t === '{"blue":100}';
  if (run.main.exitCode === 0 && !promoted) problems.push(`the step succeeded but traffic is ${t}`);
  if (run.main.exitCode !== 0) {
    if (!prior) problems.push(`the step failed and traffic is ${t}, not the prior blue=100`);
    // The action read the prior traffic back itself, or failed before changing anything.
    const confirmed =
      /traffic restored and read back|traffic unchanged, read back|Nothing was changed|rollback point recorded/i.test(run.main.log) ||
      !/\[Initializing\] rollback point recorded/.test(run.main.log);
    if (!confirmed) problems.push('the log does not show the prior traffic read back');
  }
  const degraded = run.main.exitCode === 0 && names.includes('blue') ? 'old deployment blue kept at 0 %' : undefined;
  return { problems, goal: promoted, facts: [`traffic=${t}`, `deployments=${deps.join(',')}`], ...(degraded ? { degraded } : {}) };
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  submit: {
    action: 'submit-job',
    setup: async () => undefined,
    files: { 'job/job.yml': JOB_YAML, 'job/src/hello.py': 'print("hello from the fault matrix")\n' },
    inputs: { 'job-file': 'job/job.yml', timeout: '4m' },
    check: async (em, run, runId) => {
      const a = await jobChecks(em, runId, 'Completed');
      // The job prints one line; the step shows it in the log tail.
      return run.main.exitCode === 0 && !run.main.log.includes('hello from the fault matrix') ? { ...a, degraded: 'no log tail' } : a;
    },
  },
  'submit-timeout': {
    action: 'submit-job',
    setup: async () => undefined,
    files: { 'job/slow.yml': SLOW_JOB_YAML, 'job/src/hello.py': 'print("slow")\n' },
    inputs: { 'job-file': 'job/slow.yml', timeout: '3s', 'cancel-on-timeout': 'true' },
    check: async (em, _run, runId) => {
      // The goal here is the cancel: the step fails by design (timeout) and the job is Canceled.
      const a = await jobChecks(em, runId, undefined);
      const jobs = await jobsOfRun(em, runId);
      const status = jobs[0] ? String((jobs[0].properties as Json).status) : 'none';
      return { ...a, goal: status === 'Canceled' || status === 'CancelRequested' };
    },
  },
  gate: {
    action: 'metric-gate',
    setup: async (em) => {
      await commandJob(em, 'gate-src', { accuracy: [0.5, 0.93], loss: [0.9, 0.21] });
      await waitForJob(em, 'gate-src');
    },
    files: {},
    inputs: { 'job-name': 'gate-src', rules: 'accuracy >= 0.8\nloss < 0.5' },
    check: async (_em, run) => ({ problems: [], goal: run.outputs.passed === 'true', facts: [`passed=${run.outputs.passed ?? '-'}`] }),
  },
  register: {
    action: 'register-model',
    setup: async () => undefined,
    files: { 'model/weights.bin': 'w'.repeat(40_000), 'model/labels.txt': 'setosa\nversicolor\nvirginica\n' },
    inputs: { name: 'fx-model', path: 'model' },
    check: async (em) => {
      const v = await modelVersions(em, 'fx-model');
      return { problems: v.length > 1 ? [`${v.length} model versions for one content`] : [], goal: v.length === 1, facts: [`versions=${v.length}`] };
    },
  },
  promote: {
    action: 'register-model',
    setup: async () => undefined,
    files: { 'model/weights.bin': 'p'.repeat(40_000), 'model/labels.txt': 'a\nb\n' },
    inputs: { name: 'fx-model', path: 'model', 'promote-to-registry': 'shared-registry' },
    check: async (em) => {
      const w = await modelVersions(em, 'fx-model');
      const r = await registryVersions(em, 'fx-model');
      const problems = [...(w.length > 1 ? [`${w.length} workspace versions`] : []), ...(r.length > 1 ? [`${r.length} registry versions`] : [])];
      const ok = r.length === 1 && stateOf(r[0]!) === 'Succeeded';
      return { problems, goal: w.length === 1 && ok, facts: [`versions=${w.length}`, `registry=${r.map((x) => stateOf(x)).join(',') || 0}`] };
    },
  },
  deploy: {
    action: 'deploy',
    setup: (em) => servingEndpoint(em, ENDPOINT),
    files: {},
    inputs: DEPLOY_INPUTS,
    check: (em, run) => deployChecks(em, run),
  },
  'deploy-provision-fails': {
    action: 'deploy',
    setup: (em) => servingEndpoint(em, ENDPOINT),
    files: {},
    inputs: DEPLOY_INPUTS,
    check: async (em, run) => {
      const a = await deployChecks(em, run);
      // The step fails by design (provisioning fails); the goal is the rollback with the logs shown.
      return { ...a, goal: /--- StorageInitializer ---|--- InferenceServer ---/.test(run.main.log) };
    },
  },
};

export interface ScenarioRun {
  run: RunResult;
  aftermath: Aftermath;
  seconds: number;
}

/**
 * Runs the scenario's action once (main and post step) with the given run id; `beforeCheck` runs
 * between the step and the check of what it left (e.g. to lift persistent faults first).
 */
export async function runScenario(
  em: RunningEmulator,
  s: Scenario,
  runId: string,
  extraInputs: Record<string, string> = {},
  beforeCheck?: () => Promise<void>,
): Promise<ScenarioRun> {
  const workspace = checkout(s.files);
  const started = Date.now();
  const run = await runAction({
    action: s.action,
    inputs: { ...s.inputs, ...extraInputs },
    env: { AZUREML_EMULATOR_HOST: em.host },
    workspace,
    runId,
    timeoutMs: 420_000,
  });
  const seconds = (Date.now() - started) / 1000;
  await beforeCheck?.();
  const aftermath = await s.check(em, run, runId);
  return { run, aftermath, seconds };
}
