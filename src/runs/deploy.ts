/**
 * deploy: main and post steps. Translates the endpoint and deployment files, checks everything
 * before any change (endpoint state, prior traffic as the rollback point, names, traffic
 * arithmetic), then drives the staged rollout (src/rollout) over the Azure providers
 * (src/runs/deploy/rollout-adapters.ts). The post step rolls back a rollout the workflow cancelled.
 */
import { join } from 'node:path';
import { createBlobStore } from '../azure/blob.js';
import { createAzureContext, readAzureInputs, type AzureContext, type AzureSettings } from '../azure/context.js';
import { DEFAULT_READY_TIMEOUT_IN_MS, OnlineEndpoints, trafficOf, type ArmResource } from '../azure/endpoints.js';
import { scoringAuth, scoringScope } from '../azure/scoring.js';
import { createSnapshotUploader, createWorkspaceApi } from '../azure/workspace.js';
import { ConfigurationError, errorMessage } from '../core/errors.js';
import { withAzureOperation } from '../azure/errors.js';
import { readDeployInputs, type DeploySettings } from './inputs/deploy.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import type { InputReader } from '../core/inputs.js';
import { escapeText, htmlTable } from '../core/escape.js';
import type { ActionIO, ActionLog } from '../core/io.js';
import { ensureAsset } from '../jobs/submit.js';
import { printUntrusted } from '../core/untrusted-log.js';
import { appendLedger } from '../core/ledger.js';
import { fileStatusStore, rollbackOnCancel, runRollout, type RolloutResult } from '../rollout/run.js';
import type { RolloutProviders } from '../rollout/providers.js';
import { assertRoomForBakes, readRolloutPlan, type RolloutPlan } from '../rollout/strategy.js';
import { buildTimeline, formatTimeline } from '../rollout/timeline.js';
import { createRolloutStatus, isTerminal } from '../rollout/machine.js';
import { recoverInterruptedRollout, rolloutTags, type Recovery } from './deploy/resume.js';
import {
  createDeploymentOps,
  createMonitorSignals,
  createProbeDriver,
  createProvisioner,
  createSmokeTester,
  createTrafficRouter,
} from './deploy/rollout-adapters.js';
import { assertValidTraffic, formatTrafficState, trafficPercent, type TrafficState } from '../rollout/traffic.js';
import {
  checkDeclaredTraffic,
  checkDeploymentName,
  planDeployment,
  planEndpoint,
  setEndpointCompute,
  type DeploymentPlan,
  type EndpointPlan,
} from '../specs/deployment.js';
import { verifyDeploymentManifest } from './deploy/manifest.js';
import { batchMachineOf, deployBatchMain, deployBatchPost, isBatchEndpointName, type BatchHooks, type BatchRolloutResult } from './deploy/batch.js';
import { endpointKindOf } from '../specs/batch.js';
import { checkKubernetesTarget, kubernetesHealthNote, kubernetesSignals, type KubernetesTarget } from './deploy/kubernetes.js';
import { applyMonitor, checkMonitor, registerCollectedData } from './deploy/monitor.js';
import { SpecDocument } from '../specs/document.js';
import { parseReference } from '../specs/references.js';
import { MODEL_ALIAS_TAG_PREFIX } from '../metrics/baseline.js';

export interface DeployDeps {
  reader: InputReader;
  io: ActionIO;
  env?: Record<string, string | undefined>;
  abortSignal?: AbortSignal;
}

interface Target {
  io: ActionIO;
  ctx: AzureContext;
  eps: OnlineEndpoints;
  endpointName: string;
  endpointPlan?: EndpointPlan;
}

async function connect(
  reader: InputReader,
  env: Record<string, string | undefined>,
  log: ActionLog,
  override?: Partial<AzureSettings>,
): Promise<{ ctx: AzureContext; azure: AzureSettings }> {
  const azure = { ...(await readAzureInputs(reader, { env })), ...(override ?? {}) };
  const ctx = await createAzureContext(azure, { actionName: 'deploy', info: (m) => log.info(m) });
  return { ctx, azure };
}

/** `azureml:name:version` or `azureml:name@alias` (alias: the version tagged alias.<alias>, `latest`: the newest). */
async function resolveModel(ctx: AzureContext, ref: string): Promise<{ id: string; name: string; version: string }> {
  const r = parseReference(ref);
  if (r.kind === 'arm-id') {
    const m = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(r.id);
    if (!m) throw new ConfigurationError(`Input 'model': '${ref}' is not a model version id`, { input: 'model' });
    return { id: r.id, name: m[1], version: m[2] };
  }
  if (r.kind !== 'asset')
    throw new ConfigurationError(`Input 'model': '${ref}' is not a workspace model reference`, {
      input: 'model',
      hint: 'azureml:<name>:<version> or azureml:<name>@<alias>',
    });
  const base = `models/${encodeURIComponent(r.name)}`;
  if (r.version) {
    const v = await withAzureOperation(`reading model ${r.name}:${r.version}`, () =>
      ctx.arm.tryGet<ArmResource>(`${base}/versions/${encodeURIComponent(r.version!)}`),
    );
    if (!v) throw new ConfigurationError(`Input 'model': model ${r.name} has no version ${r.version}`, { input: 'model' });
    return { id: String(v.id), name: r.name, version: r.version };
  }
  const label = r.label ?? 'latest';
  let best: ArmResource | undefined;
  await withAzureOperation(`listing the versions of model '${r.name}'`, async () => {
    for await (const v of ctx.arm.list<ArmResource>(`${base}/versions`)) {
      if (label === 'latest') {
        if (!best || Number(v.name) > Number(best.name)) best = v;
      } else if ((v.properties?.tags as Record<string, string> | undefined)?.[`${MODEL_ALIAS_TAG_PREFIX}${label}`] !== undefined) {
        best = v;
      }
    }
  });
  if (!best)
    throw new ConfigurationError(`Input 'model': no version of model ${r.name} ${label === 'latest' ? 'exists' : `holds the alias @${label}`}`, {
      input: 'model',
    });
  return { id: String(best.id), name: r.name, version: String(best.name) };
}

function derivedName(model: string, version: string, taken: Record<string, number>): string {
  const base = `${model}-v${version}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, 'm-')
    .replace(/-+/g, '-');
  let name = base.slice(0, 32).replace(/-+$/, '');
  if ((taken[name] ?? 0) > 0) name = `${name.slice(0, 28)}-new`.replace(/-+/g, '-');
  return name.length >= 3 ? name : `${name}-dep`;
}

async function planNewDeployment(t: Target, s: DeploySettings): Promise<DeploymentPlan & { deploymentName: string }> {
  const api = createWorkspaceApi(t.ctx.arm);
  let plan: DeploymentPlan;
  if (s.deploymentFile) {
    const doc = SpecDocument.load(s.deploymentFile.path, s.deploymentFile.display, 'deployment-file');
    // With a `model` input too, the file is a template: its model is replaced by the one given.
    const m = s.model ? await resolveModel(t.ctx, s.model) : undefined;
    const spec = m && typeof doc.value === 'object' && doc.value !== null ? { ...(doc.value as Record<string, unknown>), model: `azureml:${m.id}` } : doc.value;
    const templated = doc.withValue(spec);
    plan = await planDeployment(templated, s.deploymentFile.path, { workspaceId: t.ctx.workspaceId, resolver: api, endpointName: t.endpointName });
    if (m && !plan.name) plan.name = derivedName(m.name, m.version, {});
  } else {
    const m = await resolveModel(t.ctx, s.model as string);
    plan = {
      name: undefined,
      body: { sku: { name: 'Default', capacity: s.instanceCount }, properties: { endpointComputeType: 'Managed', model: m.id, instanceType: s.instanceType } },
      uploads: [],
      assets: [],
      modelId: m.id,
    };
    plan.name = derivedName(m.name, m.version, {});
  }
  const deploymentName = s.deploymentName ?? plan.name ?? derivedName('model', '1', {});
  const bad = checkDeploymentName(deploymentName);
  if (bad) throw new ConfigurationError(`deployment name '${deploymentName}' is not valid`, { input: 'deployment-name', hint: bad });
  return { ...plan, deploymentName };
}

/** Per-try timeout of scoring requests: 20 s, or the deployment's own request timeout plus 5 s when longer. */
function scoringTimeout(deploymentBody: ArmResource | undefined): number {
  const iso = String(((deploymentBody?.properties?.requestSettings ?? {}) as { requestTimeout?: unknown }).requestTimeout ?? '');
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(iso);
  const ms = m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 : 0;
  return Math.max(20_000, ms + 5000);
}

/** The endpoint client of a rollout: waits for a busy endpoint at most max-duration. */
function endpointsFor(ctx: AzureContext, plan: RolloutPlan, log: ActionLog): OnlineEndpoints {
  return new OnlineEndpoints(ctx.arm, { log: (m) => log.info(m), readyTimeoutInMs: Math.min(DEFAULT_READY_TIMEOUT_IN_MS, plan.maxDurationInMs) });
}

/** Timeline events in the log; warnings as annotations. */
function eventLogger(log: ActionLog): (e: { phase: string; kind: string; message: string }) => void {
  return (e) => {
    if (e.kind === 'warning') log.warning(`[${e.phase}] ${e.message}`);
    else log.info(`[${e.phase}] ${e.message}`);
  };
}

function statusPath(env: Record<string, string | undefined>, endpoint: string, deployment: string): string {
  return join(env.RUNNER_TEMP ?? process.cwd(), 'azureml-actions', `rollout-${endpoint}-${deployment}.json`);
}

function providersFor(
  t: Target,
  s: DeploySettings,
  plan: RolloutPlan,
  ep: ArmResource,
  deploymentBody: ArmResource | undefined,
  abortSignal?: AbortSignal,
): RolloutProviders {
  const authMode = String(ep.properties?.authMode ?? 'Key');
  // aad_token endpoints are scored with the workflow's own Entra token for https://ml.azure.com.
  const auth = scoringAuth(t.eps, t.endpointName, authMode, (secret) => t.io.setSecret(secret), {
    credential: t.ctx.credential,
    scope: scoringScope(t.ctx.cloud.name),
  });
  let scoringUri = String(ep.properties?.scoringUri ?? '');
  const uri = async () => {
    if (!scoringUri) scoringUri = String((await t.eps.getEndpoint(t.endpointName))?.properties?.scoringUri ?? '');
    return scoringUri;
  };
  const probeBody = s.smokeRequests[0]?.body;
  const scoring = { tryTimeoutInMs: scoringTimeout(deploymentBody) };
  // Kubernetes online endpoints have no request metrics in Azure Monitor: the probes decide (deploy/kubernetes.ts).
  const kubernetes = typeof ep.properties?.compute === 'string' && ep.properties.compute !== '';
  const providers: RolloutProviders = {
    router: createTrafficRouter(t.eps, t.endpointName, abortSignal),
    signals: kubernetes ? kubernetesSignals(plan.probeRps > 0) : createMonitorSignals(t.eps, String(ep.id), { delayMs: plan.metricsDelayInMs }),
    deployments: createDeploymentOps(t.eps, t.endpointName, uri, auth, probeBody, scoring),
  };
  if (deploymentBody) providers.provisioner = createProvisioner(t.eps, t.endpointName, deploymentBody, (m) => t.io.info(m));
  if (s.smokeRequests.length > 0)
    providers.smoke = createSmokeTester(
      uri,
      auth,
      { requests: s.smokeRequests, expect: s.smokeExpect, maxLatencyMs: s.smokeMaxLatencyMs },
      (m) => t.io.info(m),
      scoring,
    );
  if (plan.probeRps > 0 && probeBody) providers.probe = createProbeDriver(uri, auth, probeBody);
  return providers;
}

function missingEndpoint(t: Target): never {
  throw new ConfigurationError(`endpoint '${t.endpointName}' does not exist in workspace ${t.ctx.workspace.workspaceName}`, {
    input: 'endpoint',
    hint: 'give the path of an az ml online-endpoint YAML to create it, or the name of an existing endpoint',
  });
}

async function ensureEndpoint(t: Target, abortSignal?: AbortSignal): Promise<ArmResource> {
  const ep = await t.eps.getEndpoint(t.endpointName);
  if (!ep) {
    if (!t.endpointPlan) missingEndpoint(t);
    const ws = await t.ctx.arm.get<ArmResource>('');
    t.io.info(`Creating endpoint ${t.endpointName} (auth ${String(t.endpointPlan.body.properties.authMode)})`);
    await t.eps.createEndpoint(t.endpointName, { location: ws.location, ...t.endpointPlan.body });
  }
  return t.eps.waitReady(t.endpointName, abortSignal);
}

/** What preflight found: the deployment to roll out, the rollback point, and where the rollout's status is kept. */
interface Preflight {
  planned: DeploymentPlan & { deploymentName: string };
  existing?: ArmResource;
  prior: TrafficState;
  path: string;
  /** A Kubernetes online endpoint: its compute and the rollout plan for it (probe health rules). */
  k8s?: KubernetesTarget;
  /** An earlier try of this workflow run promoted the deployment already. */
  promotedEarlier?: Extract<Recovery, { kind: 'promoted' }>;
}

export async function deployMain(deps: DeployDeps): Promise<RolloutResult | BatchRolloutResult> {
  const env = deps.env ?? process.env;
  const { io } = deps;
  const run = readWorkflowRun(env);
  const s = readDeployInputs(deps.reader, run.workspace);
  const endpointDoc = s.endpointFile ? SpecDocument.load(s.endpointFile.path, s.endpointFile.display, 'endpoint') : undefined;
  // A batch endpoint (its file's $schema, or the service's answer for a name) has its own rollout (deploy/batch.ts).
  const batchFile = endpointDoc !== undefined && endpointKindOf(endpointDoc.value) === 'batch';
  const endpointPlan = endpointDoc && !batchFile ? planEndpoint(endpointDoc) : undefined;
  const { ctx, azure } = await connect(deps.reader, env, io);
  if (batchFile || (!endpointDoc && (await isBatchEndpointName(ctx, s.endpointName as string)))) {
    const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
    return deployBatchMain({ ctx, io, s, run, workspace, abortSignal: deps.abortSignal }, endpointDoc, s.endpointName, batchHooks);
  }
  assertRoomForBakes(s.plan);
  if (endpointPlan) setEndpointCompute(endpointPlan, ctx.workspaceId);
  const eps = endpointsFor(ctx, s.plan, io);
  const t: Target = { io, ctx, eps, endpointName: endpointPlan?.name ?? (s.endpointName as string), endpointPlan };

  // Everything that can be refused is checked before anything changes.
  const pre = await io.group('Preflight', () => preflight(t, s, env, run, endpointDoc, deps.abortSignal));
  const monitor = await checkMonitor(ctx, s, t.endpointName, pre.planned, io);
  if (pre.promotedEarlier && pre.existing) {
    const done = await finishPromotedEarlier(t, s, pre.planned.deploymentName, pre.promotedEarlier, pre.existing);
    if (monitor) await applyMonitor(ctx, eps, monitor, t.endpointName, done.deployment, io);
    return done;
  }
  const ep = await ensureEndpoint(t, deps.abortSignal);
  await createAssets(t, pre.planned);
  await registerCollectedData(ctx, pre.planned, t.endpointName, io);

  const workspace = { subscriptionId: azure.subscriptionId, resourceGroup: azure.resourceGroup, workspaceName: azure.workspaceName };
  const saved = {
    workspace,
    endpointName: t.endpointName,
    priorTraffic: pre.prior.traffic,
    priorMirrorTraffic: pre.prior.mirror,
    deploymentName: pre.planned.deploymentName,
    machine: { statusPath: pre.path },
  };
  io.state.saveRollout({ ...saved, settled: false });
  // The run and the rollback point go on the new deployment, for a re-run after a dead runner (resume.ts).
  const deploymentBody: ArmResource = {
    location: ep.location,
    ...pre.planned.body,
    tags: { ...((pre.planned.body as ArmResource).tags ?? {}), ...rolloutTags(run, pre.prior) },
  };
  const plan = pre.k8s?.plan ?? s.plan;
  const providers = providersFor(t, s, plan, ep, deploymentBody, deps.abortSignal);
  const result = await runRollout(plan, providers, {
    deployment: pre.planned.deploymentName,
    kubernetes: pre.k8s !== undefined,
    store: fileStatusStore(pre.path),
    abortSignal: deps.abortSignal,
    onEvent: eventLogger(io),
  });
  io.state.saveRollout({ ...saved, settled: true });
  await report(result, t, ep);
  if (result.outcome !== 'promoted') {
    throw new Error(
      `rollout of ${pre.planned.deploymentName} on ${t.endpointName} ${result.outcome === 'rolled-back' ? 'was rolled back' : 'failed'}: ${result.reason ?? 'no reason given'}${result.traffic ? ` (traffic now ${formatTrafficState(result.traffic)})` : ''}`,
    );
  }
  if (monitor) await applyMonitor(ctx, eps, monitor, t.endpointName, result.deployment, io);
  return result;
}

/** The checks before any change: the deployment planned, the endpoint's traffic as the rollback point, an interrupted rollout of this run resumed. */
async function preflight(
  t: Target,
  s: DeploySettings,
  env: Record<string, string | undefined>,
  run: ReturnType<typeof readWorkflowRun>,
  endpointDoc: SpecDocument | undefined,
  abortSignal?: AbortSignal,
): Promise<Preflight> {
  const { io, eps, endpointPlan } = t;
  const planned = await planNewDeployment(t, s);
  if (s.manifest !== undefined) io.info(await verifyDeploymentManifest(t.ctx, s.manifest, planned, abortSignal));
  const existing = await eps.getEndpoint(t.endpointName);
  if (!existing && !endpointPlan) missingEndpoint(t);
  let prior: TrafficState = existing ? trafficOf(existing) : { traffic: {}, mirror: {} };
  const path = statusPath(env, t.endpointName, planned.deploymentName);
  const takesTraffic = (p: TrafficState) => trafficPercent(p.traffic, planned.deploymentName) > 0 || trafficPercent(p.mirror ?? {}, planned.deploymentName) > 0;
  // The new deployment takes traffic already: an interrupted rollout of this workflow run?
  if (takesTraffic(prior)) {
    const stored = await fileStatusStore(path).load();
    if (stored && stored.deployment === planned.deploymentName && !isTerminal(stored.phase) && stored.prior) {
      io.info(`Resuming the interrupted rollout of ${planned.deploymentName} (${path}); its rollback point: ${formatTrafficState(stored.prior)}`);
      prior = stored.prior;
    } else {
      const recovered = await recoverInterruptedRollout(eps, t.endpointName, planned.deploymentName, run, prior, (m) => io.info(m));
      if (recovered?.kind === 'restored') prior = recovered.prior;
      else if (recovered && existing) return { planned, existing, prior, path, promotedEarlier: recovered };
    }
  }
  if (endpointDoc && endpointPlan?.declaredTraffic) {
    const names = existing ? (await eps.listDeployments(t.endpointName)).map((d) => String(d.name)) : [];
    checkDeclaredTraffic(endpointDoc, endpointPlan, prior, names, planned.deploymentName);
  }
  const k8s = await checkKubernetesTarget({
    ctx: t.ctx,
    endpointName: t.endpointName,
    endpointDoc,
    endpointPlan,
    existing,
    planned,
    fromModelOnly: !s.deploymentFile,
    plan: s.plan,
  });
  assertValidTraffic(prior, { kubernetes: k8s !== undefined });
  if (takesTraffic(prior)) {
    throw new ConfigurationError(
      `deployment '${planned.deploymentName}' holds traffic on endpoint ${t.endpointName} (${formatTrafficState(prior)}): a rollout never replaces the deployment that serves`,
      {
        input: s.deploymentName ? 'deployment-name' : s.deploymentFile ? 'deployment-file' : 'model',
        hint: 'give the new deployment another name (deployment-name)',
      },
    );
  }
  io.info(`Endpoint ${t.endpointName}: ${existing ? `traffic ${formatTrafficState(prior)} (the rollback point)` : 'not there yet: it will be created'}`);
  io.info(`New deployment ${planned.deploymentName}: model ${planned.modelId}`);
  if (k8s) io.info(kubernetesHealthNote(k8s));
  return { planned, existing, prior, path, ...(k8s ? { k8s } : {}) };
}

const batchHooks: BatchHooks = {
  resolveModel,
  createAssets: (ctx, io, planned) => createAssets({ ctx, io }, planned),
  derivedName: (model, version) => derivedName(model, version, {}),
};

/** Uploads and anonymous assets (model, code, environment) the deployment points at. */
async function createAssets(t: Pick<Target, 'ctx' | 'io'>, planned: Pick<DeploymentPlan, 'uploads' | 'assets'>): Promise<void> {
  const api = createWorkspaceApi(t.ctx.arm);
  const uploader = createSnapshotUploader(() => createBlobStore(t.ctx));
  for (const up of planned.uploads) {
    if (planned.assets.some((a) => a.upload === up)) continue;
    if (!(await uploader.hasSnapshot(up.datastorePath, up.snapshot))) await uploader.upload(up.datastorePath, up.snapshot);
  }
  const stats = { files: 0, bytes: 0, reused: 0 };
  const order = { codes: 0, environments: 1, models: 1, components: 2 } as const;
  for (const a of [...planned.assets].sort((x, y) => order[x.kind] - order[y.kind])) await ensureAsset(api, uploader, a, t.io, stats);
}

/**
 * The StorageInitializer and InferenceServer tails fetched when provisioning failed. Container
 * output is not ours: workflow commands in it (`::set-output`, `::add-mask` …) are switched off
 * while it prints.
 */
async function showProvisionLogs(result: RolloutResult, io: ActionIO): Promise<void> {
  const text = result.status.provisionLogs;
  if (!text) return;
  await printUntrusted(io, `Logs of ${result.deployment} (getLogs)`, text);
}

/** The re-run of a rollout that had promoted before its runner died: old deployments left are cleaned up, the promotion stands. */
async function finishPromotedEarlier(
  t: Target,
  s: DeploySettings,
  deployment: string,
  r: Extract<Recovery, { kind: 'promoted' }>,
  ep: ArmResource,
): Promise<RolloutResult> {
  const now = Date.now();
  const status = createRolloutStatus(deployment, now);
  Object.assign(status, { phase: 'Succeeded', outcome: 'promoted', prior: r.prior, expected: r.traffic, written: true, weight: 100, endedAt: now });
  status.timeline.push({
    at: now,
    phase: 'Succeeded',
    kind: 'promote',
    message: `'${deployment}' was promoted by an earlier try of this workflow run (its runner stopped before the step ended)`,
  });
  if (s.plan.oldDeployments.mode === 'delete') {
    const ops = createDeploymentOps(t.eps, t.endpointName, async () => '', { header: async () => undefined });
    for (const name of r.leftovers) {
      await ops.delete(name).then(
        () => status.timeline.push({ at: Date.now(), phase: 'Succeeded', kind: 'cleanup', message: `deleted old deployment '${name}'` }),
        (e: unknown) => t.io.warning(`could not delete old deployment '${name}': ${errorMessage(e)}`),
      );
    }
  }
  const result: RolloutResult = {
    outcome: 'promoted',
    phase: 'Succeeded',
    deployment,
    prior: r.prior,
    traffic: r.traffic,
    timeline: buildTimeline(status),
    status,
  };
  await report(result, t, ep);
  return result;
}

async function report(result: RolloutResult, t: Target, ep: ArmResource): Promise<void> {
  const { io } = t;
  await showProvisionLogs(result, io);
  const scoring = String(ep.properties?.scoringUri ?? '');
  io.setOutput('status', result.outcome);
  io.setOutput('deployment-name', result.deployment);
  io.setOutput('scoring-uri', scoring);
  io.setOutput('traffic', JSON.stringify(result.traffic ?? {}));
  io.setOutput('timeline', JSON.stringify(result.timeline));
  await io.group('Rollout timeline', async () => {
    for (const line of formatTimeline(result.timeline)) io.info(line);
  });
  appendLedger({
    kind: 'rollout',
    action: 'deploy',
    endpoint: t.endpointName,
    deployment: result.deployment,
    status: result.outcome,
    timeline: result.timeline,
  });
  const rows = result.timeline.stages.map((st) => [
    escapeText(st.name),
    `${st.weight}%${st.mirrorPercent ? ` (+${st.mirrorPercent}% mirror)` : ''}`,
    String(st.checks.length),
    escapeText(st.result),
  ]);
  const table = htmlTable(['stage', 'weight', 'checks', 'result'], rows);
  await io
    .appendSummary(
      `<h3>${escapeText(`Rollout of ${result.deployment} on ${t.endpointName}: ${result.outcome}`)}</h3>\n${table}\n${result.reason ? `Reason: ${escapeText(result.reason)}` : ''}\n`,
    )
    .catch(() => undefined);
}

/** Post step: roll back a rollout the workflow cancelled (or whose main step died). */
export async function deployPost(deps: DeployDeps): Promise<void> {
  const { io } = deps;
  const saved = io.state.loadRollout();
  if (!saved || saved.settled) return;
  const env = deps.env ?? process.env;
  const batch = batchMachineOf(saved);
  const path = (saved.machine as { statusPath?: string } | undefined)?.statusPath;
  if (!path && !batch) return;
  const s = readDeployInputs(deps.reader, readWorkflowRun(env).workspace);
  const { ctx } = await connect(deps.reader, env, io, saved.workspace);
  if (batch) return deployBatchPost(ctx, io, s, saved, batch);
  if (!path) return;
  const eps = endpointsFor(ctx, s.plan, io);
  const t: Target = { io, ctx, eps, endpointName: saved.endpointName };
  const ep = await eps.getEndpoint(saved.endpointName);
  if (!ep) return;
  const plan = readRolloutPlan(deps.reader);
  io.info(`The workflow stopped during the rollout of ${saved.deploymentName} on ${saved.endpointName}: restoring the prior traffic.`);
  const result = await rollbackOnCancel(plan, providersFor(t, s, plan, ep, undefined), { store: fileStatusStore(path), onEvent: eventLogger(io) });
  if (!result) return;
  await report(result, t, ep);
  io.info(`Rollout ${result.outcome}: traffic ${result.traffic ? formatTrafficState(result.traffic) : 'unknown'}`);
}
