/** The only reader of deploy's own inputs (rollout and health inputs: src/rollout; connection: src/azure). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import type { InputReader } from '../../core/inputs.js';
import { parseCompareRules } from '../../rollout/batch-compare.js';
import { readRolloutPlan, type RolloutPlan } from '../../rollout/strategy.js';
import { checkDeploymentName, checkEndpointName } from '../../specs/deployment.js';

export interface DeploySettings {
  /** Endpoint name, or undefined when `endpointFile` names it. */
  endpointName?: string;
  endpointFile?: { path: string; display: string };
  deploymentFile?: { path: string; display: string };
  model?: string;
  instanceType: string;
  instanceCount: number;
  deploymentName?: string;
  manifest?: unknown;
  smokeRequests: Array<{ name: string; body: string }>;
  smokeExpect?: unknown;
  smokeMaxLatencyMs?: number;
  /** An `az ml schedule` YAML with `create_monitor`: applied to the deployment a promotion leaves serving. */
  monitorFile?: { path: string; display: string };
  plan: RolloutPlan;
  /** Batch endpoints: the test batch's input (a local path, an azureml:// URI or a data asset) and its expected rows. */
  testInput?: string;
  testRows?: number;
  /** Batch endpoints: rules of the shadow comparison with the current default (text, checked). */
  compareRules?: string;
}

function file(workspace: string, p: string): { path: string; display: string } {
  const path = isAbsolute(p) ? p : resolve(workspace, p);
  const rel = relative(workspace, path);
  return { path, display: rel.startsWith('..') ? p : rel };
}

function jsonOrFile(reader: InputReader, input: string, text: string, workspace: string, what: string): { name: string; body: string } {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return { name: 'inline JSON', body: JSON.stringify(JSON.parse(t)) };
    } catch (err) {
      throw new ConfigurationError(`Input '${input}': the inline ${what} is not valid JSON: ${(err as Error).message}`, { input });
    }
  }
  const f = file(workspace, t);
  if (!existsSync(f.path) || !statSync(f.path).isFile()) {
    throw new ConfigurationError(`Input '${input}': ${f.display} does not exist`, { input, hint: `give inline JSON or the path of a JSON file (${what})` });
  }
  const body = readFileSync(f.path, 'utf8');
  try {
    JSON.parse(body);
  } catch (err) {
    throw new ConfigurationError(`Input '${input}': ${f.display} is not valid JSON: ${(err as Error).message}`, { input, file: f.display });
  }
  void reader;
  return { name: f.display, body };
}

export function readDeployInputs(reader: InputReader, workspace: string): DeploySettings {
  const endpoint = reader.required('endpoint');
  const s: Partial<DeploySettings> = {};
  if (/\.ya?ml$/i.test(endpoint)) {
    s.endpointFile = file(workspace, endpoint);
    if (!existsSync(s.endpointFile.path))
      throw new ConfigurationError(`Input 'endpoint': ${s.endpointFile.display} does not exist`, {
        input: 'endpoint',
        hint: 'an endpoint name, or the path of an az ml online-endpoint YAML',
      });
  } else {
    const bad = checkEndpointName(endpoint);
    if (bad) throw new ConfigurationError(`Input 'endpoint': '${endpoint}' is not a valid endpoint name`, { input: 'endpoint', hint: bad });
    s.endpointName = endpoint;
  }
  const deploymentFile = reader.optional('deployment-file');
  const model = reader.optional('model');
  if (!deploymentFile && !model) {
    throw new ConfigurationError("Give the new deployment: 'deployment-file', 'model', or both (the model then replaces the file's)", {
      input: 'deployment-file',
    });
  }
  if (deploymentFile) {
    s.deploymentFile = file(workspace, deploymentFile);
    if (!existsSync(s.deploymentFile.path))
      throw new ConfigurationError(`Input 'deployment-file': ${s.deploymentFile.display} does not exist`, { input: 'deployment-file' });
  }
  if (model && !/^azureml:/.test(model))
    throw new ConfigurationError(`Input 'model': '${model}' is not a model reference`, {
      input: 'model',
      hint: 'azureml:<name>:<version> or azureml:<name>@<alias>',
    });
  s.model = model;
  s.instanceType = reader.optional('instance-type') ?? 'Standard_DS3_v2';
  s.instanceCount = reader.int('instance-count', { min: 1, max: 100, default: 1 });
  const name = reader.optional('deployment-name');
  if (name) {
    const bad = checkDeploymentName(name);
    if (bad) throw new ConfigurationError(`Input 'deployment-name': '${name}' is not a valid deployment name`, { input: 'deployment-name', hint: bad });
  }
  s.deploymentName = name;
  const manifest = reader.optional('manifest');
  if (manifest) s.manifest = JSON.parse(jsonOrFile(reader, 'manifest', manifest, workspace, 'manifest').body);
  const smoke = reader.optional('smoke-request');
  s.smokeRequests = smoke
    ? smoke
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((l) => jsonOrFile(reader, 'smoke-request', l, workspace, 'request'))
    : [];
  const expect = reader.optional('smoke-expect');
  if (expect) s.smokeExpect = JSON.parse(jsonOrFile(reader, 'smoke-expect', expect, workspace, 'expected response').body);
  s.smokeMaxLatencyMs = reader.duration('smoke-max-latency');
  const monitor = reader.optional('monitor-file');
  if (monitor) {
    s.monitorFile = file(workspace, monitor);
    if (!existsSync(s.monitorFile.path) || !statSync(s.monitorFile.path).isFile())
      throw new ConfigurationError(`Input 'monitor-file': ${s.monitorFile.display} does not exist`, {
        input: 'monitor-file',
        hint: 'the path of an az ml schedule YAML with create_monitor, relative to the repository root',
      });
  }
  // Whether max-duration holds the bakes is checked once the endpoint is known to be online (deployMain).
  s.plan = readRolloutPlan(reader, { checkBakeRoom: false });
  s.testInput = reader.optional('test-input');
  s.testRows = reader.int('test-rows', { min: 1, max: 100_000_000 });
  const compare = reader.optional('compare-rules');
  if (compare) {
    parseCompareRules(compare);
    s.compareRules = compare;
  }
  if (s.plan.probeRps > 0 && s.smokeRequests.length === 0) {
    throw new ConfigurationError("Input 'probe-rps': probe traffic is made from the smoke requests, and 'smoke-request' is empty", { input: 'probe-rps' });
  }
  return s as DeploySettings;
}
