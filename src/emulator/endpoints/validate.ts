/**
 * Request validation of online endpoints and deployments, as the 2024-10-01 swagger defines the
 * bodies and Azure ML enforces the rules: names, `authMode`, `traffic` (integers, sum 0 or 100,
 * existing deployments that can serve), `mirrorTraffic` (one deployment, at most 50, never one
 * with live traffic), deployment settings (durations, probes, request settings, sku, scale).
 * Pure functions: they throw the ARM error Azure would answer with.
 */
import { checkRequestsWithinLimits, checkResourceSettings, DEFAULT_INSTANCE_TYPE, instanceTypesOf } from '../arm/computes.js';
import type { ArmResource } from '../types.js';
import { EndpointErrors } from './errors.js';
import { AUTH_MODES, COMPUTE_TYPES, type AuthMode } from './ids.js';
import { isObj, type Obj } from '../obj.js';

const NAME_RE = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
const ISO_DURATION_RE = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
/** Azure's ceiling for `request_timeout_ms`. */
export const MAX_REQUEST_TIMEOUT_MS = 180_000;

function fail(target: string, message: string): never {
  throw EndpointErrors.invalid(target, message);
}

export function checkEndpointName(name: string): void {
  if (!NAME_RE.test(name) || name.includes('--')) {
    fail('name', `Endpoint name '${name}' is invalid: use 3 to 32 letters, digits and '-', start with a letter and end with a letter or digit.`);
  }
}

export function checkDeploymentName(name: string): void {
  if (!NAME_RE.test(name)) {
    fail('name', `Deployment name '${name}' is invalid: use 3 to 32 letters, digits and '-', start with a letter and end with a letter or digit.`);
  }
}

/** ISO 8601 duration (`PT5S`, `PT0.5S`, `P1DT2H`) → milliseconds; throws naming `target`. */
export function durationMs(v: unknown, target: string): number {
  const m = typeof v === 'string' ? ISO_DURATION_RE.exec(v.trim()) : null;
  if (!m || v === 'P' || /T$/i.test(String(v))) fail(target, `'${String(v)}' is not an ISO 8601 duration (e.g. PT5S, PT0.5S, PT1M).`);
  const [d, h, mi, s] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  return Math.round((((d * 24 + h) * 60 + mi) * 60 + s) * 1000);
}

function optDuration(o: Obj, key: string, at: string): void {
  if (o[key] !== undefined && o[key] !== null) durationMs(o[key], `${at}.${key}`);
}

function optInt(o: Obj, key: string, at: string, min: number, max = 1_000_000): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(`${at}.${key}`, `'${key}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`);
}

function optString(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'string') fail(`${at}.${key}`, `'${key}' must be a string.`);
}

function optStringMap(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (!isObj(v)) fail(`${at}.${key}`, `'${key}' must be an object of strings.`);
  for (const [k, x] of Object.entries(v)) {
    if (x !== null && typeof x !== 'string') fail(`${at}.${key}.${k}`, `'${key}.${k}' must be a string, got ${JSON.stringify(x)}.`);
  }
}

function optEnum(o: Obj, key: string, at: string, allowed: readonly string[]): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || !allowed.includes(v)) fail(`${at}.${key}`, `${key} '${String(v)}' is not valid; expected one of ${allowed.join(', ')}.`);
}

// --- endpoints -----------------------------------------------------------------------------------

export interface EndpointInput {
  authMode?: AuthMode;
  traffic?: Record<string, number> | null;
  mirrorTraffic?: Record<string, number> | null;
}

/** Checks the `properties` of an endpoint PUT; `creating` makes `authMode` required. */
export function validateEndpointProperties(p: Obj, creating: boolean): void {
  const at = 'properties';
  if (p.authMode === undefined || p.authMode === null) {
    if (creating) fail(`${at}.authMode`, `The property 'authMode' is required: one of ${AUTH_MODES.join(', ')}.`);
  } else {
    // Azure takes the enum in any case and answers its own spelling (`aadToken` → `AADToken`,
    // azure-recordings README observation 13, batch-endpoint-create-delete entry 2).
    const canonical = typeof p.authMode === 'string' ? AUTH_MODES.find((m) => m.toLowerCase() === (p.authMode as string).toLowerCase()) : undefined;
    if (canonical) p.authMode = canonical;
    optEnum(p, 'authMode', at, AUTH_MODES);
  }
  optString(p, 'description', at);
  optString(p, 'compute', at);
  optStringMap(p, 'properties', at);
  optEnum(p, 'publicNetworkAccess', at, ['Enabled', 'Disabled']);
  for (const key of ['traffic', 'mirrorTraffic'] as const) {
    const v = p[key];
    if (v === undefined || v === null) continue;
    if (!isObj(v)) fail(`${at}.${key}`, `'${key}' must be an object of deployment names to percentages.`);
    for (const [name, pct] of Object.entries(v)) {
      if (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100) {
        fail(`${at}.${key}.${name}`, `${key} of deployment '${name}' must be an integer percentage from 0 to 100, got ${JSON.stringify(pct)}.`);
      }
    }
  }
  if (p.keys !== undefined && p.keys !== null) {
    if (!isObj(p.keys)) fail(`${at}.keys`, "'keys' must be an object with primaryKey and secondaryKey.");
    optString(p.keys, 'primaryKey', `${at}.keys`);
    optString(p.keys, 'secondaryKey', `${at}.keys`);
  }
}

/** What traffic validation needs to know of each deployment of the endpoint. */
export interface DeploymentForTraffic {
  name: string;
  /** Whether it can take live traffic: provisioned (or still serving an earlier revision). */
  canServe: boolean;
  state: string;
}

/**
 * Azure's traffic rules for an endpoint: every name is an existing deployment, live traffic sums
 * to 0 or 100 and goes only to deployments that can serve; mirrored traffic goes to at most one
 * deployment, sums to at most 50 and never to a deployment that also has live traffic.
 */
export function validateTraffic(endpoint: string, traffic: Record<string, number>, mirror: Record<string, number>, deployments: DeploymentForTraffic[]): void {
  const byName = new Map(deployments.map((d) => [d.name.toLowerCase(), d]));
  for (const [key, map] of [
    ['traffic', traffic],
    ['mirrorTraffic', mirror],
  ] as const) {
    const unknown = Object.keys(map).filter((n) => !byName.has(n.toLowerCase()));
    if (unknown.length > 0) {
      const known = deployments.map((d) => d.name);
      fail(
        `properties.${key}`,
        `${key === 'traffic' ? 'Traffic' : 'Mirror traffic'} cannot be allocated to ${unknown.map((n) => `'${n}'`).join(', ')}: no such deployment in endpoint '${endpoint}'${known.length ? ` (deployments: ${known.join(', ')})` : ' (it has no deployments yet)'}.`,
      );
    }
  }
  const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (sum !== 0 && sum !== 100) {
    fail('properties.traffic', `The traffic values of endpoint '${endpoint}' must sum to 0 or 100; they sum to ${sum} (${describe(traffic)}).`);
  }
  for (const [name, pct] of Object.entries(traffic)) {
    const d = byName.get(name.toLowerCase())!;
    if (pct > 0 && !d.canServe) {
      fail(
        `properties.traffic.${name}`,
        `Traffic cannot be allocated to deployment '${d.name}' of endpoint '${endpoint}' while its provisioning state is '${d.state}': wait until it has been provisioned.`,
      );
    }
  }
  const mirrored = Object.entries(mirror).filter(([, pct]) => pct > 0);
  if (mirrored.length > 1) {
    fail(
      'properties.mirrorTraffic',
      `Mirror traffic can go to only one deployment; endpoint '${endpoint}' asks for ${mirrored.map(([n]) => `'${n}'`).join(', ')}.`,
    );
  }
  const mirrorSum = mirrored.reduce((a, [, pct]) => a + pct, 0);
  if (mirrorSum > 50) {
    fail('properties.mirrorTraffic', `Mirror traffic of endpoint '${endpoint}' can be at most 50 percent; it is ${mirrorSum} (${describe(mirror)}).`);
  }
  for (const [name, pct] of mirrored) {
    const live = Object.entries(traffic).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
    if (live > 0) {
      fail(
        `properties.mirrorTraffic.${name}`,
        `Deployment '${name}' of endpoint '${endpoint}' cannot receive both live traffic (${live}%) and mirrored traffic (${pct}%): a deployment takes either live or mirrored traffic.`,
      );
    }
    const d = byName.get(name.toLowerCase())!;
    if (!d.canServe) {
      fail(`properties.mirrorTraffic.${name}`, `Traffic cannot be mirrored to deployment '${d.name}' while its provisioning state is '${d.state}'.`);
    }
  }
}

function describe(map: Record<string, number>): string {
  const parts = Object.entries(map).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(', ') : 'empty';
}

// --- deployments ---------------------------------------------------------------------------------

function checkProbe(p: unknown, at: string): void {
  if (p === undefined || p === null) return;
  if (!isObj(p)) fail(at, `'${at}' must be an object (initialDelay, period, timeout, successThreshold, failureThreshold).`);
  optDuration(p, 'initialDelay', at);
  optDuration(p, 'period', at);
  optDuration(p, 'timeout', at);
  optInt(p, 'successThreshold', at, 1);
  optInt(p, 'failureThreshold', at, 1);
}

/** Checks the `properties` (and `sku`) of a deployment PUT. References are resolved elsewhere. */
export function validateDeploymentBody(p: Obj, sku: unknown): void {
  const at = 'properties';
  if (p.endpointComputeType === undefined || p.endpointComputeType === null) {
    fail(`${at}.endpointComputeType`, `The property 'endpointComputeType' is required: one of ${COMPUTE_TYPES.join(', ')}.`);
  }
  optEnum(p, 'endpointComputeType', at, COMPUTE_TYPES);
  if (p.endpointComputeType === 'AzureMLCompute') {
    fail(
      `${at}.endpointComputeType`,
      "endpointComputeType 'AzureMLCompute' is not supported for online deployments by the emulator; use Managed or Kubernetes.",
    );
  }
  for (const k of ['description', 'model', 'environmentId', 'instanceType', 'modelMountPath']) optString(p, k, at);
  optStringMap(p, 'environmentVariables', at);
  optStringMap(p, 'properties', at);
  if (p.appInsightsEnabled !== undefined && p.appInsightsEnabled !== null && typeof p.appInsightsEnabled !== 'boolean') {
    fail(`${at}.appInsightsEnabled`, "'appInsightsEnabled' must be true or false.");
  }
  optEnum(p, 'egressPublicNetworkAccess', at, ['Enabled', 'Disabled']);
  const code = p.codeConfiguration;
  if (code !== undefined && code !== null) {
    if (!isObj(code)) fail(`${at}.codeConfiguration`, "'codeConfiguration' must be an object with codeId and scoringScript.");
    if (typeof code.scoringScript !== 'string' || !/[a-zA-Z0-9_]/.test(code.scoringScript)) {
      fail(`${at}.codeConfiguration.scoringScript`, "The property 'scoringScript' is required (e.g. score.py).");
    }
    if (code.codeId !== undefined && code.codeId !== null && typeof code.codeId !== 'string')
      fail(`${at}.codeConfiguration.codeId`, "'codeId' must be a string.");
    if (typeof code.codeId !== 'string' || code.codeId.trim() === '') {
      fail(`${at}.codeConfiguration.codeId`, 'A deployment with a scoring script needs the code asset that holds it (codeConfiguration.codeId).');
    }
    if (typeof p.environmentId !== 'string' || p.environmentId.trim() === '') {
      fail(`${at}.environmentId`, 'A deployment with scoring code needs an environment (environmentId).');
    }
  }
  if ((typeof p.model !== 'string' || p.model.trim() === '') && !isObj(code)) {
    fail(`${at}.model`, "A deployment needs a model ('model') or scoring code ('codeConfiguration').");
  }
  const rs = p.requestSettings;
  if (rs !== undefined && rs !== null) {
    if (!isObj(rs)) fail(`${at}.requestSettings`, "'requestSettings' must be an object.");
    optInt(rs, 'maxConcurrentRequestsPerInstance', `${at}.requestSettings`, 1, 1000);
    optDuration(rs, 'maxQueueWait', `${at}.requestSettings`);
    optDuration(rs, 'requestTimeout', `${at}.requestSettings`);
    if (rs.requestTimeout !== undefined && rs.requestTimeout !== null) {
      const ms = durationMs(rs.requestTimeout, `${at}.requestSettings.requestTimeout`);
      if (ms <= 0 || ms > MAX_REQUEST_TIMEOUT_MS) {
        fail(
          `${at}.requestSettings.requestTimeout`,
          `requestTimeout must be more than 0 and at most ${MAX_REQUEST_TIMEOUT_MS / 1000} seconds, got ${String(rs.requestTimeout)}.`,
        );
      }
    }
  }
  checkProbe(p.livenessProbe, `${at}.livenessProbe`);
  checkProbe(p.readinessProbe, `${at}.readinessProbe`);
  checkProbe(p.startupProbe, `${at}.startupProbe`);
  const ss = p.scaleSettings;
  if (ss !== undefined && ss !== null) {
    if (!isObj(ss)) fail(`${at}.scaleSettings`, "'scaleSettings' must be an object with scaleType.");
    optEnum(ss, 'scaleType', `${at}.scaleSettings`, ['Default', 'TargetUtilization']);
    if (ss.scaleType === undefined) fail(`${at}.scaleSettings.scaleType`, "The property 'scaleType' is required: Default or TargetUtilization.");
    if (ss.scaleType === 'TargetUtilization') {
      optInt(ss, 'minInstances', `${at}.scaleSettings`, 0, 1000);
      optInt(ss, 'maxInstances', `${at}.scaleSettings`, 1, 1000);
      optInt(ss, 'targetUtilizationPercentage', `${at}.scaleSettings`, 1, 100);
      optDuration(ss, 'pollingInterval', `${at}.scaleSettings`);
      const min = typeof ss.minInstances === 'number' ? ss.minInstances : 1;
      const max = typeof ss.maxInstances === 'number' ? ss.maxInstances : 1;
      if (min > max) fail(`${at}.scaleSettings.minInstances`, `minInstances (${min}) cannot exceed maxInstances (${max}).`);
    }
  }
  validateSku(sku, 'sku');
}

/**
 * A deployment against its endpoint's compute: a Kubernetes endpoint takes Kubernetes deployments
 * only and a managed endpoint managed ones; on Kubernetes `instanceType` is one of the compute's
 * instance types (none: the compute's default, `defaultinstancetype` unless the compute says
 * otherwise: MicrosoftDocs/azure-docs articles/machine-learning/how-to-manage-kubernetes-instance-types.md)
 * and `containerResourceRequirements` are Kubernetes quantities with requests within limits
 * (swagger KubernetesOnlineDeployment, ContainerResourceRequirements, ContainerResourceSettings).
 * Sets the instance type the deployment runs on. Azure's wording of these 400s is not recorded.
 */
export function validateDeploymentForCompute(p: Obj, endpoint: string, compute: ArmResource | undefined): void {
  const at = 'properties';
  const type = p.endpointComputeType;
  if (!compute) {
    if (type === 'Kubernetes') {
      fail(
        `${at}.endpointComputeType`,
        `Endpoint '${endpoint}' is a managed online endpoint (no compute): it takes Managed deployments only; a Kubernetes deployment needs an endpoint created with 'compute' naming a Kubernetes compute.`,
      );
    }
    if (p.containerResourceRequirements !== undefined && p.containerResourceRequirements !== null) {
      fail(
        `${at}.containerResourceRequirements`,
        "'containerResourceRequirements' is a property of Kubernetes deployments; a managed deployment's resources come from its instanceType.",
      );
    }
    return;
  }
  if (type !== 'Kubernetes') {
    fail(
      `${at}.endpointComputeType`,
      `Endpoint '${endpoint}' runs on Kubernetes compute '${compute.name}': it takes Kubernetes deployments only (endpointComputeType 'Kubernetes'), not '${String(type)}'.`,
    );
  }
  const { names, defaultType } = instanceTypesOf(compute);
  if (p.instanceType === undefined || p.instanceType === null) p.instanceType = defaultType || DEFAULT_INSTANCE_TYPE;
  else if (typeof p.instanceType === 'string' && !names.some((n) => n.toLowerCase() === (p.instanceType as string).toLowerCase())) {
    fail(
      `${at}.instanceType`,
      `Instance type '${p.instanceType}' is not defined on Kubernetes compute '${compute.name}'; its instance types are ${names.join(', ') || 'none'} (default '${defaultType}').`,
    );
  }
  const rr = p.containerResourceRequirements;
  if (rr === undefined || rr === null) return;
  const rat = `${at}.containerResourceRequirements`;
  if (!isObj(rr)) fail(rat, "'containerResourceRequirements' must be an object (containerResourceRequests, containerResourceLimits).");
  for (const k of Object.keys(rr)) {
    if (k !== 'containerResourceRequests' && k !== 'containerResourceLimits')
      fail(`${rat}.${k}`, `'${k}' is not a property of containerResourceRequirements; expected containerResourceRequests, containerResourceLimits.`);
  }
  const keys = ['cpu', 'memory', 'gpu'];
  const requests = checkResourceSettings(rr.containerResourceRequests, `${rat}.containerResourceRequests`, keys);
  const limits = checkResourceSettings(rr.containerResourceLimits, `${rat}.containerResourceLimits`, keys);
  checkRequestsWithinLimits(requests, limits, `${rat}.containerResourceRequests`);
}

export function validateSku(sku: unknown, at: string): void {
  if (sku === undefined || sku === null) return;
  if (!isObj(sku)) fail(at, `'${at}' must be an object (name, tier, capacity).`);
  optString(sku, 'name', at);
  optEnum(sku, 'tier', at, ['Free', 'Basic', 'Standard', 'Premium']);
  optInt(sku, 'capacity', at, 1, 1000);
}

/** The ARM `identity` of a request, with the ids Azure adds (principal, tenant, user-assigned ids). */
export function presentIdentity(input: unknown, tenantId: string, seed: (s: string) => string): Obj | undefined {
  if (!isObj(input)) return undefined;
  const type = typeof input.type === 'string' ? input.type : 'None';
  const out: Obj = { type };
  if (/SystemAssigned/i.test(type)) {
    out.principalId = seed('principal');
    out.tenantId = tenantId;
  }
  if (isObj(input.userAssignedIdentities) && /UserAssigned/i.test(type)) {
    out.userAssignedIdentities = Object.fromEntries(
      Object.keys(input.userAssignedIdentities).map((id) => [id, { principalId: seed(`uai-principal:${id}`), clientId: seed(`uai-client:${id}`) }]),
    );
  }
  return out;
}
