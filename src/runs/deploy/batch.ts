/**
 * deploy onto a batch endpoint: the rollout in the stages that fit batch scoring.
 *
 * 1. Preflight (nothing changes): the deployment file planned (batch fields only: an online file,
 *    or online fields, are refused with file and line), the endpoint read, its default deployment
 *    taken as the rollback point, the test input found and its files counted, the rules parsed.
 * 2. Create the new deployment — never the default (a batch endpoint runs only its default when an
 *    invocation names none: https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-model-deployments).
 * 3. Test batch: the new deployment invoked by name with `test-input`; its job must end Completed,
 *    its `score` output be there, hold one row per input file (or `test-rows`), and the rows named
 *    by `smoke-expect`. A pipeline-component deployment is invoked with its inputs by name (one data
 *    location, or an inputs YAML: specs/batch-inputs.ts) and passes when its job ends Completed.
 * 4. Shadow comparison (with `compare-rules` and a default to compare with): the same input scored
 *    by the current default; the two outputs compared (src/rollout/batch-compare.ts) and judged.
 * 5. Promote: the endpoint's `defaults.deploymentName` set to the new deployment and read back;
 *    then `old-deployments` applied to the prior default.
 *
 * Any failure (and cancellation) leaves or restores the prior default and deletes the new
 * deployment unless `keep-failed`; the post step does the same when the main step died. A re-run
 * writes the same deployment again (PUT is idempotent), and one whose earlier try promoted already
 * (the default is the new deployment, tagged with this workflow run) only finishes the cleanup.
 */
import {
  BatchEndpoints,
  countDatastoreFiles,
  parseDatastoreUri,
  readDatastoreOutput,
  type BatchInput,
  type BatchInvocation,
  type BatchJobState,
} from '../../azure/batch-endpoints.js';
import { createBlobStore } from '../../azure/blob.js';
import type { AzureContext } from '../../azure/context.js';
import { withAzureOperation } from '../../azure/errors.js';
import type { ArmResource } from '../../azure/endpoints.js';
import { scoringAuth, scoringScope, type ScoringAuth } from '../../azure/scoring.js';
import { createSnapshotUploader, createWorkspaceApi } from '../../azure/workspace.js';
import { armPath } from '../../azure/arm.js';
import { ConfigurationError, errorMessage } from '../../core/errors.js';
import { escapeText, htmlTable } from '../../core/escape.js';
import { localUploadPath, snapshot, type Snapshot } from '../../core/hash.js';
import type { ActionIO } from '../../core/io.js';
import { appendLedger, type BatchRolloutRecord, type BatchStageRecord } from '../../core/ledger.js';
import { isObj } from '../../core/obj.js';
import type { RolloutState, WorkspaceState } from '../../core/state.js';
import type { WorkflowRun } from '../../core/workflow-run.js';
import {
  checkExpectedRows,
  compareOutputs,
  formatRuleResults,
  judgeComparison,
  parseCompareRules,
  parseOutputRows,
  type OutputRow,
} from '../../rollout/batch-compare.js';
import { planBatchDeployment, planBatchEndpoint, type BatchDeploymentPlan, type BatchEndpointPlan } from '../../specs/batch.js';
import { checkDeploymentName } from '../../specs/deployment.js';
import type { SpecDocument } from '../../specs/document.js';
import { SpecDocument as Spec } from '../../specs/document.js';
import type { PlannedAsset, PlannedUpload } from '../../specs/plan.js';
import type { DeploySettings } from '../inputs/deploy.js';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { componentPorts, readInputsFile, singleDataInput, type ComponentPorts, type DataLocation, type PipelineTestInput } from '../../specs/batch-inputs.js';

/** What deploy.ts lends the batch flow (kept there: the online flow uses them too). */
export interface BatchHooks {
  resolveModel(ctx: AzureContext, ref: string): Promise<{ id: string; name: string; version: string }>;
  createAssets(ctx: AzureContext, io: ActionIO, planned: { uploads: PlannedUpload[]; assets: PlannedAsset[] }): Promise<void>;
  /** The deployment name `model` alone gets: `<model>-v<version>`, as for online endpoints. */
  derivedName(model: string, version: string): string;
}

export type BatchOutcome = 'promoted' | 'rolled-back' | 'failed';

export interface BatchRolloutResult {
  kind: 'batch';
  outcome: BatchOutcome;
  endpoint: string;
  deployment: string;
  record: BatchRolloutRecord;
  reason?: string;
}

/** The post step's view of a batch rollout (saved as RolloutState.machine). */
interface BatchMachine {
  kind: 'batch';
  priorDefault: string | null;
  /** Set once the default was switched and read back: the promotion stands. */
  promoted?: boolean;
  /** Test jobs started, cancelled by the post step. */
  jobs: string[];
}

export function batchMachineOf(saved: RolloutState): BatchMachine | undefined {
  const m = saved.machine;
  return isObj(m) && m.kind === 'batch' ? (m as unknown as BatchMachine) : undefined;
}

const REPOSITORY_TAG = 'github.repository';
const RUN_ID_TAG = 'github.run_id';
const RUN_ATTEMPT_TAG = 'github.run_attempt';
/** The rollback point, on the new deployment: the default it replaces. */
const PRIOR_DEFAULT_TAG = 'azureml-actions.prior-default';

/**
 * Is `name` a batch endpoint? Asked of the service: no online endpoint of that name and a batch
 * endpoint there (online first: the online flow is the usual one).
 */
export async function isBatchEndpointName(ctx: AzureContext, name: string): Promise<boolean> {
  const online = await withAzureOperation(`reading endpoint '${name}'`, () => ctx.arm.tryGet(armPath`onlineEndpoints/${name}`));
  if (online) return false;
  return (await new BatchEndpoints(ctx.arm).getEndpoint(name)) !== undefined;
}

interface TestInput {
  /** As the user wrote it. */
  display: string;
  /** A local file or folder, hashed once in preflight and uploaded under that hash. */
  local?: Snapshot;
  input?: BatchInput;
  /** Rows the output should have (input files, or test-rows). */
  expectedRows?: number;
  /** A pipeline-component deployment's test batch: its inputs by name, each data location found. */
  pipeline?: { spec: PipelineTestInput; data: Record<string, TestInput>; invocation?: BatchInvocation };
}

interface Plan {
  endpoint: string;
  endpointPlan?: BatchEndpointPlan;
  existing?: ArmResource;
  planned: BatchDeploymentPlan;
  deployment: string;
  priorDefault?: string;
  test?: TestInput;
  promotedEarlier?: boolean;
}

class BatchFlow {
  readonly record: BatchRolloutRecord = { stages: [] };
  readonly bat: BatchEndpoints;
  /** Test jobs started (cancelled on rollback when still running). */
  readonly jobs: string[] = [];
  /** The stage running now (what a cancellation or an error interrupted). */
  current = 'create';
  private saved?: RolloutState;
  private deadline: number;

  constructor(
    readonly ctx: AzureContext,
    readonly io: ActionIO,
    readonly s: DeploySettings,
    readonly run: WorkflowRun | undefined,
    readonly abortSignal?: AbortSignal,
  ) {
    this.bat = new BatchEndpoints(ctx.arm, { log: (m) => io.info(m), readyTimeoutInMs: Math.min(20 * 60_000, s.plan.maxDurationInMs) });
    this.deadline = Date.now() + s.plan.maxDurationInMs;
  }

  private stage(name: string, result: BatchStageRecord['result'], started: number, detail?: string): void {
    this.record.stages.push({ name, result, ms: Date.now() - started, ...(detail ? { detail } : {}) });
    this.io.info(`[${name}] ${result}${detail ? `: ${detail}` : ''}`);
  }

  /** The stage running now ended by an error or a cancellation. */
  interrupted(result: 'aborted' | 'failed', reason: string): void {
    this.record.stages.push({ name: this.current, result, detail: reason });
    this.io.info(`[${this.current}] ${result}: ${reason}`);
  }

  saveState(workspace: WorkspaceState, p: Plan, settled: boolean, promoted = false): void {
    const machine: BatchMachine = { kind: 'batch', priorDefault: p.priorDefault ?? null, jobs: [...this.jobs], ...(promoted ? { promoted } : {}) };
    this.saved = { workspace, endpointName: p.endpoint, priorTraffic: {}, deploymentName: p.deployment, settled, machine };
    this.io.state.saveRollout(this.saved);
  }

  private updateJobs(): void {
    if (!this.saved) return;
    this.saved = { ...this.saved, machine: { ...(this.saved.machine as BatchMachine), jobs: [...this.jobs] } };
    this.io.state.saveRollout(this.saved);
  }

  /**
   * `model` without a deployment file: the new deployment is the endpoint's current default with
   * the model replaced (its compute, resources, run settings and scoring code kept), as `model`
   * alone reuses the defaults of an online deployment.
   */
  private async planFromDefault(endpoint: string, ref: string, hooks: BatchHooks): Promise<BatchDeploymentPlan> {
    const ep = await this.bat.getEndpoint(endpoint);
    const current = BatchEndpoints.defaultOf(ep);
    const template = current ? await this.bat.getDeployment(endpoint, current) : undefined;
    if (!template)
      throw new ConfigurationError(
        `endpoint '${endpoint}' is a batch endpoint ${ep ? 'without a default deployment' : 'that does not exist yet'}: 'model' alone takes the compute and run settings of its default deployment`,
        { input: 'deployment-file', hint: 'give the new deployment as an az ml batch-deployment YAML (deployment-file)' },
      );
    const props: Record<string, unknown> = { ...(template.properties ?? {}) };
    if (props.deploymentConfiguration !== undefined && props.deploymentConfiguration !== null)
      throw new ConfigurationError(`the default deployment '${current}' of '${endpoint}' deploys a pipeline component: it has no model to replace`, {
        input: 'model',
        hint: 'give the new deployment as an az ml batch-deployment YAML (deployment-file)',
      });
    const m = await hooks.resolveModel(this.ctx, ref);
    delete props.provisioningState;
    props.model = { referenceType: 'Id', assetId: m.id };
    this.io.info(`New deployment from model ${m.name}:${m.version} with the settings of the default deployment '${current}'`);
    return { name: hooks.derivedName(m.name, m.version), type: 'model', body: { properties: props }, uploads: [], assets: [], targetId: m.id };
  }

  /** Inputs of the online rollout's traffic stages have no meaning for a batch endpoint: refused rather than ignored. */
  private refuseOnlineInputs(endpoint: string): void {
    const { s } = this;
    const online: Array<[boolean, string]> = [
      [s.plan.mirrorPercent > 0, 'mirror-percent'],
      [s.plan.probeRps > 0, 'probe-rps'],
      [s.smokeRequests.length > 0, 'smoke-request'],
      // Model monitoring watches the data an online deployment collects (how-to-monitor-model-performance).
      [s.monitorFile !== undefined, 'monitor-file'],
    ];
    for (const [given, input] of online)
      if (given)
        throw new ConfigurationError(`Input '${input}' applies to online endpoints; '${endpoint}' is a batch endpoint`, {
          input,
          hint: 'a batch rollout is tested with test-input (and smoke-expect over its output rows), and compared with compare-rules',
        });
  }

  // --- preflight -------------------------------------------------------------------------------

  async preflight(endpointDoc: SpecDocument | undefined, endpointName: string | undefined, hooks: BatchHooks): Promise<Plan> {
    const { s, io } = this;
    const endpointPlan = endpointDoc ? planBatchEndpoint(endpointDoc) : undefined;
    const endpoint = endpointPlan?.name ?? endpointName;
    if (endpoint === undefined) throw new ConfigurationError('no endpoint given', { input: 'endpoint' });
    this.refuseOnlineInputs(endpoint);
    let planned: BatchDeploymentPlan;
    let doc: SpecDocument | undefined;
    if (s.deploymentFile) {
      doc = Spec.load(s.deploymentFile.path, s.deploymentFile.display, 'deployment-file');
      const m = s.model ? await hooks.resolveModel(this.ctx, s.model) : undefined;
      const value = m && isObj(doc.value) ? { ...doc.value, model: `azureml:${m.id}` } : doc.value;
      planned = await planBatchDeployment(doc.withValue(value), s.deploymentFile.path, {
        workspaceId: this.ctx.workspaceId,
        resolver: createWorkspaceApi(this.ctx.arm),
        endpointName: endpoint,
      });
    } else {
      planned = await this.planFromDefault(endpoint, s.model as string, hooks);
    }
    // The compute cluster must exist: Azure refuses the invocation, not the deployment, when it does not.
    const compute = planned.body.properties.compute;
    if (typeof compute === 'string' && !(await withAzureOperation(`reading compute ${compute}`, () => this.ctx.arm.tryGet(compute)))) {
      const what = `names compute '${compute.split('/').pop() ?? compute}', which does not exist in workspace ${this.ctx.workspace.workspaceName}`;
      const hint = 'create the compute cluster first (az ml compute create --type amlcompute), or name an existing one';
      throw doc ? doc.error(['compute'], what, hint) : new ConfigurationError(`the default deployment ${what}`, { input: 'model', hint });
    }
    const deployment = s.deploymentName ?? planned.name;
    const bad = checkDeploymentName(deployment);
    if (bad) throw new ConfigurationError(`deployment name '${deployment}' is not valid`, { input: 'deployment-name', hint: bad });

    const existing = await this.bat.getEndpoint(endpoint);
    if (!existing && !endpointPlan)
      throw new ConfigurationError(`batch endpoint '${endpoint}' does not exist in workspace ${this.ctx.workspace.workspaceName}`, {
        input: 'endpoint',
        hint: 'give the path of an az ml batch-endpoint YAML to create it, or the name of an existing endpoint',
      });
    const priorDefault = BatchEndpoints.defaultOf(existing);
    const declared = endpointPlan?.body.properties.defaults as { deploymentName?: string } | undefined;
    if (endpointDoc && declared?.deploymentName !== undefined && declared.deploymentName !== priorDefault && declared.deploymentName !== deployment)
      throw endpointDoc.error(
        ['defaults', 'deployment_name'],
        `names '${declared.deploymentName}', but the endpoint's default is ${priorDefault ? `'${priorDefault}'` : 'not set'} and the new deployment is '${deployment}'`,
        'the rollout decides the default deployment: leave defaults out, or state the default the endpoint has now',
      );
    const plan: Plan = { endpoint, endpointPlan, existing, planned, deployment, ...(priorDefault ? { priorDefault } : {}) };
    if (priorDefault === deployment) {
      const current = await this.bat.getDeployment(endpoint, deployment);
      const tags = current?.tags ?? {};
      if (this.run && tags[REPOSITORY_TAG] === this.run.repository && tags[RUN_ID_TAG] === this.run.runId) {
        io.info(`Deployment ${deployment} is the default of ${endpoint} already: an earlier try of this workflow run promoted it.`);
        const earlier = tags[PRIOR_DEFAULT_TAG];
        return { ...plan, promotedEarlier: true, ...(earlier ? { priorDefault: earlier } : {}) };
      }
      throw new ConfigurationError(
        `deployment '${deployment}' is the default deployment of batch endpoint ${endpoint}: a rollout never replaces the deployment that serves`,
        { input: s.deploymentName ? 'deployment-name' : 'deployment-file', hint: 'give the new deployment another name (deployment-name)' },
      );
    }
    if (!s.testInput)
      throw new ConfigurationError(`a batch rollout tests the new deployment with a test batch before it becomes the default: 'test-input' is required`, {
        input: 'test-input',
        hint: 'a local folder or file (uploaded), an azureml://datastores/<name>/paths/<path> URI, or azureml:<data>:<version>',
      });
    if (planned.type === 'pipeline') {
      // A pipeline component writes what its steps write: no rows to count, check or compare.
      const rowInputs: Array<[boolean, string]> = [
        [s.compareRules !== undefined, 'compare-rules'],
        [s.smokeExpect !== undefined, 'smoke-expect'],
        [s.testRows !== undefined, 'test-rows'],
      ];
      for (const [given, input] of rowInputs)
        if (given)
          throw new ConfigurationError(
            `Input '${input}' checks the output rows of a model deployment; '${deployment}' deploys a pipeline component, whose test batch passes when its job ends Completed`,
            { input, hint: `leave '${input}' out for a pipeline deployment` },
          );
    }
    if (s.smokeExpect !== undefined && !isObj(s.smokeExpect))
      throw new ConfigurationError(`Input 'smoke-expect': for a batch endpoint, a JSON object of row keys and the values that follow them`, {
        input: 'smoke-expect',
        hint: '{"0.png": [7]} expects a row "0.png 7 …"',
      });
    if (planned.body.properties.outputAction === 'SummaryOnly' && (s.compareRules || s.smokeExpect !== undefined))
      throw new ConfigurationError("the deployment's output_action is summary_only: its test batch writes no rows to check or compare", {
        input: s.compareRules ? 'compare-rules' : 'smoke-expect',
        hint: 'use output_action: append_row, or leave the row checks out',
      });
    plan.test = planned.type === 'pipeline' ? await this.findPipelineTestInput(planned, s.testInput) : await this.findTestInput(s.testInput);
    if (s.compareRules && !priorDefault) io.warning(`compare-rules: endpoint ${endpoint} has no default deployment to compare with; the comparison is skipped`);
    io.info(
      `Batch endpoint ${endpoint}: ${existing ? `default deployment ${priorDefault ? `'${priorDefault}'` : 'not set'} (the rollback point)` : 'not there yet: it will be created'}`,
    );
    io.info(`New deployment ${deployment}: ${planned.type === 'model' ? 'model' : 'pipeline component'} ${planned.targetId}`);
    io.info(`Test batch: ${plan.test.display}${plan.test.expectedRows !== undefined ? ` (${plan.test.expectedRows} row(s) expected)` : ''}`);
    return plan;
  }

  /** The test input: a local path (counted now, uploaded later), a datastore URI (counted), a data asset, or an https URI (needs test-rows). */
  private async findTestInput(text: string, at: Omit<DataLocation, 'text'> = {}): Promise<TestInput> {
    const { s } = this;
    const rows = s.testRows;
    const bad = (message: string): ConfigurationError =>
      at.fail ? at.fail(message) : new ConfigurationError(`Input 'test-input': ${message}`, { input: 'test-input' });
    if (text.startsWith('azureml://')) {
      if (!parseDatastoreUri(text)) throw bad(`'${text}' is not an azureml://datastores/<name>/paths/<path> URI`);
      const files = await countDatastoreFiles(this.ctx, text, (x) => this.io.setSecret(x));
      if (files === 0) throw bad(`nothing is stored at ${text}`);
      const type = at.type ?? (text.endsWith('/') || files > 1 ? 'UriFolder' : 'UriFile');
      return { display: text, input: { uri: text, type }, expectedRows: rows ?? files };
    }
    if (/^https?:\/\//i.test(text)) {
      if (at.fail) return { display: text, input: { uri: text, type: at.type ?? (text.endsWith('/') ? 'UriFolder' : 'UriFile') } };
      if (rows === undefined)
        throw new ConfigurationError(`Input 'test-input': the files behind ${text} cannot be counted: give 'test-rows', the rows its output should have`, {
          input: 'test-rows',
        });
      return { display: text, input: { uri: text, type: text.endsWith('/') ? 'UriFolder' : 'UriFile' }, expectedRows: rows };
    }
    if (text.startsWith('azureml:')) {
      const m = /^azureml:([^:@/]+)[:@]([^:@/]+)$/.exec(text);
      if (!m) throw bad(`'${text}' is not azureml:<data>:<version>`);
      const v = await withAzureOperation(`reading data ${m[1]}:${m[2]}`, () => this.ctx.arm.tryGet<ArmResource>(armPath`data/${m[1]}/versions/${m[2]}`));
      const uri = String(v?.properties?.dataUri ?? '');
      if (!v || !uri) throw bad(`data ${m[1]}:${m[2]} does not exist`);
      const type = String(v.properties?.dataType ?? '').toLowerCase() === 'uri_file' ? 'UriFile' : 'UriFolder';
      const files = rows ?? (parseDatastoreUri(uri) ? await countDatastoreFiles(this.ctx, uri, (x) => this.io.setSecret(x)) : undefined);
      return { display: text, input: { uri, type }, ...(files !== undefined ? { expectedRows: files } : {}) };
    }
    const path = isAbsolute(text) ? text : resolve(at.base ?? this.run?.workspace ?? process.cwd(), text);
    if (!existsSync(path)) throw bad(`${text} does not exist`);
    // A uri_folder must be a folder, a uri_file a file (azure-ai-ml _batch_endpoint_operations.py _resolve_input).
    if (at.type && statSync(path).isDirectory() !== (at.type === 'UriFolder'))
      throw bad(`${text} is not a ${at.type === 'UriFolder' ? 'folder' : 'file'}, as its type ${at.type === 'UriFolder' ? 'uri_folder' : 'uri_file'} says`);
    const snap = await snapshot(path);
    if (snap.files.length === 0) throw bad(`${text} holds no file`);
    return { display: text, local: snap, expectedRows: rows ?? snap.files.length };
  }

  /** The pipeline component a deployment plan names: its inputs and outputs (the planned file, or the registered version). */
  private async portsOf(planned: BatchDeploymentPlan): Promise<ComponentPorts> {
    const id = planned.targetId;
    const local = planned.assets.find((a) => a.id === id)?.body.properties.componentSpec;
    if (local === undefined && !id.startsWith('/subscriptions/'))
      throw new ConfigurationError(`the test batch checks its inputs against the pipeline component, and ${id} is not in the workspace`, {
        input: 'deployment-file',
        hint: 'deploy a component of the workspace (a component file, or azureml:<name>:<version>)',
      });
    const spec = local ?? (await withAzureOperation(`reading component ${id}`, () => this.ctx.arm.tryGet<ArmResource>(id)))?.properties?.componentSpec;
    if (!isObj(spec)) throw new ConfigurationError(`the deployment's pipeline component ${id} was not found`, { input: 'deployment-file' });
    return componentPorts(spec, id.split('/').slice(-3, -2)[0] ?? id);
  }

  /**
   * `test-input` of a pipeline-component deployment: an inputs YAML (a .yml / .yaml file that is a
   * map with `inputs`), else one data location bound to the component's single data input.
   */
  private async findPipelineTestInput(planned: BatchDeploymentPlan, text: string): Promise<TestInput> {
    const ports = await this.portsOf(planned);
    const path = isAbsolute(text) ? text : resolve(this.run?.workspace ?? process.cwd(), text);
    let spec: PipelineTestInput | undefined;
    if (/\.ya?ml$/i.test(text) && existsSync(path) && statSync(path).isFile()) {
      const doc = Spec.load(path, text, 'test-input');
      if (isObj(doc.value) && ('inputs' in doc.value || 'outputs' in doc.value)) spec = readInputsFile(doc, ports, dirname(path));
    }
    spec ??= singleDataInput(text, ports);
    const data: Record<string, TestInput> = {};
    for (const [name, loc] of Object.entries(spec.data)) data[name] = await this.findTestInput(loc.text, loc);
    const literals = Object.entries(spec.literals).map(([k, v]) => `${k}=${v}`);
    const display = `${spec.display} (${[...Object.keys(data), ...literals].join(', ') || 'no inputs'}${Object.keys(spec.outputs).length ? `; outputs ${Object.keys(spec.outputs).join(', ')}` : ''})`;
    return { display, pipeline: { spec, data } };
  }

  /** The invocation of a pipeline test batch: local data uploaded, every input by name. */
  private async pipelineInvocation(t: TestInput): Promise<BatchInvocation> {
    const p = t.pipeline!;
    if (p.invocation) return p.invocation;
    const inputs: BatchInvocation['inputs'] = {};
    for (const [name, d] of Object.entries(p.data)) inputs[name] = await this.uploadTestInput(d);
    for (const [name, v] of Object.entries(p.spec.literals)) inputs[name] = { literal: v };
    p.invocation = { inputs, ...(Object.keys(p.spec.outputs).length > 0 ? { outputs: p.spec.outputs } : {}) };
    return p.invocation;
  }

  /** A local test input uploaded once per content (LocalUpload/<hash>/<name>, as code and job inputs are). */
  private async uploadTestInput(t: TestInput): Promise<BatchInput> {
    if (t.input) return t.input;
    const snap = t.local as Snapshot;
    const store = await createBlobStore(this.ctx, { setSecret: (x) => this.io.setSecret(x) });
    const uploader = createSnapshotUploader(async () => store);
    const prefix = localUploadPath(snap);
    if (!(await uploader.hasSnapshot(prefix, snap))) {
      const r = await uploader.upload(prefix, snap);
      this.io.info(`Uploaded the test input ${t.display}: ${r.files} file(s), ${r.bytes} bytes`);
    }
    t.input = { uri: store.datastoreUri(snap.isFile ? prefix : `${prefix}/`), type: snap.isFile ? 'UriFile' : 'UriFolder' };
    return t.input;
  }

  // --- stages ----------------------------------------------------------------------------------

  async ensureEndpoint(p: Plan): Promise<ArmResource> {
    if (!p.existing) {
      const ws = await this.ctx.arm.get<ArmResource>('');
      const body = structuredClone(p.endpointPlan!.body) as ArmResource;
      // The default is the rollout's to set, once a deployment passed its test batch.
      if (body.properties) delete body.properties.defaults;
      this.io.info(`Creating batch endpoint ${p.endpoint}`);
      return this.bat.createEndpoint(p.endpoint, { location: ws.location, ...body }, this.abortSignal);
    }
    return this.bat.waitReady(p.endpoint, this.abortSignal);
  }

  async createDeployment(p: Plan, ep: ArmResource): Promise<void> {
    const started = Date.now();
    this.current = 'create';
    const run = this.run;
    const tags: Record<string, string> = {
      ...(p.planned.body.tags ?? {}),
      ...(run ? { [REPOSITORY_TAG]: run.repository, [RUN_ID_TAG]: run.runId, [RUN_ATTEMPT_TAG]: run.runAttempt } : {}),
      ...(p.priorDefault ? { [PRIOR_DEFAULT_TAG]: p.priorDefault } : {}),
    };
    await this.bat.createDeployment(p.endpoint, p.deployment, { location: ep.location, ...p.planned.body, tags }, this.abortSignal);
    this.stage('create', 'passed', started, `deployment ${p.deployment} created (not the default)`);
  }

  private auth(ep: ArmResource, endpoint: string): ScoringAuth {
    const keys = { keys: () => this.bat.keys(endpoint), token: () => Promise.resolve(undefined) };
    return scoringAuth(keys, endpoint, String(ep.properties?.authMode ?? 'AADToken'), (x) => this.io.setSecret(x), {
      credential: this.ctx.credential,
      scope: scoringScope(this.ctx.cloud.name),
    });
  }

  /** Invokes one deployment with the test input and waits for its job; the job's rows (or why there are none). */
  private async score(
    ep: ArmResource,
    p: Plan,
    deployment: string,
    input: BatchInput | BatchInvocation,
  ): Promise<{ job: BatchJobState; rows?: OutputRow[]; files: string[] }> {
    const uri = String(ep.properties?.scoringUri ?? '');
    if (!uri) throw new Error(`batch endpoint '${p.endpoint}' has no scoring URI`);
    const invoked = await this.bat.invoke(uri, this.auth(ep, p.endpoint), deployment, input, this.abortSignal);
    this.jobs.push(invoked.name);
    this.updateJobs();
    this.io.info(`Deployment ${deployment}: batch job ${invoked.name} (${this.ctx.studioUrl(`runs/${invoked.name}`)})`);
    const job = await this.bat.waitJob(invoked.name, {
      abortSignal: this.abortSignal,
      deadline: this.deadline,
      onStatus: (st) => this.io.info(`Batch job ${invoked.name}: ${st}`),
    });
    if (job.status !== 'Completed') return { job, files: [] };
    // A pipeline component's outputs are its steps' own: nothing to read as rows.
    if ('inputs' in input || !job.outputUri) return { job, files: [] };
    const out = await readDatastoreOutput(this.ctx, job.outputUri, (x) => this.io.setSecret(x));
    return { job, files: out.files, ...(out.text !== undefined ? { rows: parseOutputRows(out.text) } : {}) };
  }

  async testBatch(p: Plan, ep: ArmResource): Promise<{ input: BatchInput | BatchInvocation; rows?: OutputRow[] } | string> {
    const started = Date.now();
    this.current = 'test batch';
    const input = p.test!.pipeline ? await this.pipelineInvocation(p.test!) : await this.uploadTestInput(p.test!);
    const r = await this.score(ep, p, p.deployment, input);
    this.record.testJob = r.job.name;
    if (r.job.outputUri) this.record.testOutput = r.job.outputUri;
    const fail = (why: string) => {
      this.stage('test batch', 'failed', started, why);
      return why;
    };
    if (r.job.status !== 'Completed') return fail(`batch job ${r.job.name} ended ${r.job.status}${r.job.error ? `: ${r.job.error}` : ''}`);
    if (p.test!.pipeline) {
      this.stage('test batch', 'passed', started, `job ${r.job.name} Completed (pipeline component: the job's status is the test)`);
      return { input };
    }
    if (r.files.length === 0) return fail(`batch job ${r.job.name} completed without its output (${r.job.outputUri ?? 'no score output'})`);
    if (r.rows) {
      this.record.rows = r.rows.length;
      const expected = p.test!.expectedRows;
      if (expected !== undefined) {
        this.record.expectedRows = expected;
        if (r.rows.length !== expected) return fail(`the output has ${r.rows.length} row(s), the input ${expected} (${p.test!.display})`);
      }
      if (this.s.smokeExpect !== undefined) {
        const wrong = checkExpectedRows(r.rows, this.s.smokeExpect);
        if (wrong) return fail(`smoke-expect: ${wrong}`);
      }
    }
    this.stage(
      'test batch',
      'passed',
      started,
      `job ${r.job.name} Completed${r.rows ? `, ${r.rows.length} row(s)` : ''}${this.s.smokeExpect !== undefined ? ', smoke-expect met' : ''}`,
    );
    return { input, ...(r.rows ? { rows: r.rows } : {}) };
  }

  /** The shadow comparison: the same input on the prior default, judged by compare-rules. Undefined when it passed or was skipped. */
  async compare(p: Plan, ep: ArmResource, input: BatchInput | BatchInvocation, rows: OutputRow[] | undefined): Promise<string | undefined> {
    if (!this.s.compareRules) return undefined;
    const started = Date.now();
    this.current = 'comparison';
    if (!p.priorDefault || !rows) {
      this.stage('comparison', 'skipped', started, p.priorDefault ? 'the test batch wrote no rows' : 'no default deployment to compare with');
      return undefined;
    }
    const rules = parseCompareRules(this.s.compareRules);
    const prior = await this.score(ep, p, p.priorDefault, input);
    if (prior.job.status !== 'Completed' || !prior.rows) {
      const why = `the default deployment ${p.priorDefault} did not score the test input (job ${prior.job.name} ${prior.job.status}${prior.rows ? '' : ', no rows'})`;
      this.stage('comparison', 'failed', started, why);
      return why;
    }
    const c = compareOutputs(rows, prior.rows);
    const j = judgeComparison(rules, c);
    this.record.comparison = {
      job: prior.job.name,
      rows: c.rows,
      baselineRows: c.baselineRows,
      matched: c.matched,
      ...(c.agreement !== undefined ? { agreement: c.agreement } : {}),
      ...(c.mad !== undefined ? { mad: c.mad, maxDiff: c.maxDiff } : {}),
      passed: j.passed,
      rules: j.results.map((r) => ({ rule: r.rule, verdict: r.verdict, ...(r.left !== undefined ? { value: r.left } : {}) })),
    };
    for (const line of formatRuleResults(j.results)) this.io.info(`  ${line}`);
    for (const d of c.differences) this.io.info(`  differs: ${d.key}: ${d.current.join(' ')} (new) vs ${d.baseline.join(' ')} (${p.priorDefault})`);
    const figures = `${c.matched}/${Math.max(c.rows, c.baselineRows)} rows matched${c.agreement !== undefined ? `, agreement ${(c.agreement * 100).toFixed(1)}%` : ''}${c.mad !== undefined ? `, mad ${Number(c.mad.toPrecision(4))}` : ''}`;
    if (!j.passed) {
      const failed = j.results.filter((r) => r.verdict === 'failed').map((r) => r.rule);
      const why = `the comparison with ${p.priorDefault} failed ${failed.join('; ')} (${figures})`;
      this.stage('comparison', 'failed', started, why);
      return why;
    }
    this.stage('comparison', 'passed', started, `with ${p.priorDefault}: ${figures}`);
    return undefined;
  }

  async promote(p: Plan, workspace: WorkspaceState): Promise<void> {
    const started = Date.now();
    this.current = 'promote';
    const now = await this.bat.setDefault(p.endpoint, p.deployment, this.abortSignal);
    if (now !== p.deployment) throw new Error(`the default deployment of ${p.endpoint} reads back as ${now ?? 'none'}, not ${p.deployment}`);
    this.saveState(workspace, p, false, true);
    this.record.defaultDeployment = now;
    this.stage('promote', 'passed', started, `default deployment ${p.priorDefault ?? 'none'} → ${p.deployment} (read back)`);
  }

  async cleanup(p: Plan): Promise<void> {
    const old = p.priorDefault;
    const policy = this.s.plan.oldDeployments;
    if (!old || old === p.deployment || policy.mode === 'keep') return;
    const started = Date.now();
    this.current = 'cleanup';
    // A re-run finds it gone already: nothing to do.
    if (!(await this.bat.getDeployment(p.endpoint, old))) return;
    try {
      if (policy.mode === 'delete') {
        await this.bat.deleteDeployment(p.endpoint, old);
        this.stage('cleanup', 'passed', started, `deleted old deployment '${old}'`);
      } else {
        await this.bat.scaleDeployment(p.endpoint, old, policy.instances);
        this.stage('cleanup', 'passed', started, `old deployment '${old}' scaled to ${policy.instances} instance(s)`);
      }
    } catch (err) {
      this.io.warning(`could not clean up old deployment '${old}': ${errorMessage(err)}`);
      this.stage('cleanup', 'failed', started, errorMessage(err));
    }
  }

  /** Leaves (or restores) the prior default, cancels test jobs still running, deletes the new deployment unless keep-failed. True when the prior default holds. */
  async rollback(p: Plan, reason: string): Promise<boolean> {
    const started = Date.now();
    this.io.info(`Rolling back: ${reason}`);
    for (const job of this.jobs) {
      const j = await this.bat.getJob(job).catch(() => undefined);
      if (j && !['Completed', 'Failed', 'Canceled', 'NotResponding'].includes(j.status)) {
        await this.bat.cancelJob(job).then(
          () => this.io.info(`Cancelled batch job ${job}`),
          (e: unknown) => this.io.warning(`could not cancel batch job ${job}: ${errorMessage(e)}`),
        );
      }
    }
    let restored = false;
    try {
      const ep = await this.bat.getEndpoint(p.endpoint);
      const now = BatchEndpoints.defaultOf(ep);
      const back = ep && now !== p.priorDefault ? await this.bat.setDefault(p.endpoint, p.priorDefault) : now;
      restored = back === p.priorDefault;
      this.record.defaultDeployment = back;
      this.io.info(`default deployment ${restored ? 'is' : 'is NOT'} the prior one: ${back ?? 'none'} (read back)`);
    } catch (err) {
      this.io.warning(`could not restore the default deployment of ${p.endpoint}: ${errorMessage(err)}`);
    }
    if (this.s.plan.keepFailed) this.io.info(`keep-failed: deployment '${p.deployment}' is kept`);
    else if (restored || p.priorDefault === undefined) {
      await this.bat.deleteDeployment(p.endpoint, p.deployment).then(
        () => this.io.info(`deleted '${p.deployment}'`),
        (e: unknown) => this.io.warning(`could not delete deployment '${p.deployment}': ${errorMessage(e)}`),
      );
    }
    this.stage(
      'rollback',
      restored ? 'passed' : 'failed',
      started,
      `${restored ? 'prior default kept' : 'prior default NOT restored'}: ${p.priorDefault ?? 'none'}`,
    );
    return restored;
  }
}

/** The batch rollout: preflight, endpoint and assets, the stages, the report; a failure throws after the report. */
export async function deployBatchMain(
  o: { ctx: AzureContext; io: ActionIO; s: DeploySettings; run: WorkflowRun; workspace: WorkspaceState; abortSignal?: AbortSignal },
  endpointDoc: SpecDocument | undefined,
  endpointName: string | undefined,
  hooks: BatchHooks,
): Promise<BatchRolloutResult> {
  const { io } = o;
  const f = new BatchFlow(o.ctx, io, o.s, o.run, o.abortSignal);
  const p = await io.group('Preflight (batch endpoint)', () => f.preflight(endpointDoc, endpointName, hooks));
  if (p.priorDefault) f.record.priorDefault = p.priorDefault;
  if (p.promotedEarlier) {
    f.record.defaultDeployment = p.deployment;
    f.record.stages.push({ name: 'promote', result: 'passed', detail: `'${p.deployment}' was promoted by an earlier try of this workflow run` });
    await f.cleanup(p);
    return finish(f, p, { kind: 'batch', outcome: 'promoted', endpoint: p.endpoint, deployment: p.deployment, record: f.record });
  }
  const ep = await f.ensureEndpoint(p);
  await hooks.createAssets(o.ctx, io, p.planned);
  f.saveState(o.workspace, p, false);
  let reason: string | undefined;
  try {
    await f.createDeployment(p, ep);
    const tested = await f.testBatch(p, ep);
    if (typeof tested === 'string') reason = tested;
    else reason = await f.compare(p, ep, tested.input, tested.rows);
    if (!reason) await f.promote(p, o.workspace);
  } catch (err) {
    const aborted = o.abortSignal?.aborted === true;
    reason = aborted ? `cancelled: ${errorMessage(o.abortSignal?.reason)}` : errorMessage(err);
    if (f.record.stages.at(-1)?.name !== f.current) f.interrupted(aborted ? 'aborted' : 'failed', reason);
  }
  let result: BatchRolloutResult;
  if (reason === undefined) {
    await f.cleanup(p);
    result = { kind: 'batch', outcome: 'promoted', endpoint: p.endpoint, deployment: p.deployment, record: f.record };
  } else {
    f.record.reason = reason;
    const restored = o.s.plan.rollback === 'none' ? false : await f.rollback(p, reason);
    result = { kind: 'batch', outcome: restored ? 'rolled-back' : 'failed', endpoint: p.endpoint, deployment: p.deployment, record: f.record, reason };
  }
  f.saveState(o.workspace, p, true, result.outcome === 'promoted');
  return finish(f, p, result);
}

async function finish(f: BatchFlow, p: Plan, result: BatchRolloutResult): Promise<BatchRolloutResult> {
  await reportBatch(f.io, result);
  if (result.outcome !== 'promoted')
    throw new Error(
      `rollout of ${p.deployment} on batch endpoint ${p.endpoint} ${result.outcome === 'rolled-back' ? 'was rolled back' : 'failed'}: ${result.reason ?? 'no reason given'} (default deployment now ${result.record.defaultDeployment ?? 'none'})`,
    );
  return result;
}

async function reportBatch(io: ActionIO, r: BatchRolloutResult): Promise<void> {
  const rec = r.record;
  io.setOutput('status', r.outcome);
  io.setOutput('deployment-name', r.deployment);
  io.setOutput('default-deployment', rec.defaultDeployment ?? '');
  io.setOutput('test-job', rec.testJob ?? '');
  io.setOutput('test-output', rec.testOutput ?? '');
  io.setOutput('comparison', rec.comparison ? JSON.stringify(rec.comparison) : '');
  io.setOutput('timeline', JSON.stringify({ kind: 'batch', stages: rec.stages }));
  appendLedger({ kind: 'rollout', action: 'deploy', endpoint: r.endpoint, deployment: r.deployment, status: r.outcome, timeline: null, batch: rec });
  const rows = rec.stages.map((st) => [escapeText(st.name), escapeText(st.result), escapeText(st.detail ?? '')]);
  await io
    .appendSummary(
      `<h3>${escapeText(`Batch rollout of ${r.deployment} on ${r.endpoint}: ${r.outcome}`)}</h3>\n${htmlTable(['stage', 'result', 'detail'], rows)}\n${r.reason ? `Reason: ${escapeText(r.reason)}` : ''}\n`,
    )
    .catch(() => undefined);
}

/** Post step of a batch rollout the workflow cancelled (or whose main step died): the prior default back, test jobs cancelled, the new deployment deleted. */
export async function deployBatchPost(ctx: AzureContext, io: ActionIO, s: DeploySettings, saved: RolloutState, m: BatchMachine): Promise<void> {
  if (m.promoted) {
    io.info(`The batch rollout of ${saved.deploymentName} on ${saved.endpointName} had promoted it before the step stopped: the promotion stands.`);
    return;
  }
  const bat = new BatchEndpoints(ctx.arm, { log: (x) => io.info(x) });
  if (!(await bat.getEndpoint(saved.endpointName))) return;
  const f = new BatchFlow(ctx, io, s, undefined);
  f.jobs.push(...m.jobs);
  const p = { endpoint: saved.endpointName, deployment: saved.deploymentName ?? '', ...(m.priorDefault ? { priorDefault: m.priorDefault } : {}) } as Plan;
  io.info(`The workflow stopped during the batch rollout of ${p.deployment} on ${p.endpoint}: restoring the default deployment ${p.priorDefault ?? '(none)'}.`);
  if (p.priorDefault) f.record.priorDefault = p.priorDefault;
  const restored = await f.rollback(p, 'the workflow was cancelled');
  f.record.reason = 'the workflow was cancelled';
  await reportBatch(io, {
    kind: 'batch',
    outcome: restored ? 'rolled-back' : 'failed',
    endpoint: p.endpoint,
    deployment: p.deployment,
    record: f.record,
    reason: f.record.reason,
  });
  io.info(`Batch rollout ${restored ? 'rolled-back' : 'failed'}: default deployment ${f.record.defaultDeployment ?? 'none'}`);
}
