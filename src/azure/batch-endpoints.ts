/**
 * Batch endpoints and their deployments over ARM (api-version 2024-10-01, mfe.json
 * BatchEndpoints_* / BatchDeployments_*), invoking a deployment over the data plane as azure-ai-ml
 * does, and the batch job it starts (a workspace job) with its output file. Plain ARM data in and
 * out; the batch rollout on top of this is src/runs/deploy/batch.ts.
 *
 * - Create/update endpoint and deployment: PUT, long-running (201 + Azure-AsyncOperation:
 *   azure-recordings batch-endpoints/batch-endpoint-deployment-invoke.json entries 1 and 15).
 * - The default deployment: `properties.defaults.deploymentName`, written by a PUT of the whole
 *   endpoint (PATCH takes tags and identity only: PartialMinimalTrackedResourceWithIdentity;
 *   `endpoint.defaults.deployment_name = …; ml_client.batch_endpoints.begin_create_or_update(endpoint)`,
 *   https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-model-deployments).
 * - Invoke: POST <scoringUri> with `Authorization: Bearer <Entra token for https://ml.azure.com>`,
 *   `azureml-model-deployment: <deployment>` and `{"properties": {"inputData": {"UriFolder" |
 *   "UriFile": {"uri", "jobInputType"}}}}` → 201 + a BatchJob whose name is the workspace job's
 *   (azure-ai-ml operations/_batch_endpoint_operations.py `invoke`: the input keyed by its type,
 *   the token for `_get_aml_resource_id_from_metadata()`, the header when a deployment is named;
 *   the recording's entries 21 and 24). A pipeline-component deployment's inputs go by name
 *   ({@link invokeBody}).
 * - The job: `jobs/<name>` of the workspace; the predictions are its output `score`
 *   (`ml_client.jobs.download(name=job.name, output_name="score")`, how-to-use-batch-model-deployments).
 */
import { armPath, type ArmClient } from './arm.js';
import { createBlobStore, type BlobStoreContext } from './blob.js';
import { ArmOperationError, translateAzureError, withAzureOperation } from './errors.js';
import type { ArmResource } from './endpoints.js';
import { isConflict, retryWhileBusy, waitProvisioned } from './busy.js';
import { abortableSleep } from './retry.js';
import { scoreWithRetry, type ScoringAuth } from './scoring.js';
import { isObj, type Obj } from '../core/obj.js';

/** The header that names the deployment of an invocation (the recording's entry 21). */
export const BATCH_DEPLOYMENT_HEADER = 'azureml-model-deployment';

/** Job statuses after which nothing changes (JobStatus of the 2024-10-01 swagger). */
const TERMINAL_JOB_STATUSES = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding']);

export interface BatchEndpointsOptions {
  log?: (message: string) => void;
  /** How long a write waits for a busy endpoint or deployment. Default 20 min. */
  readyTimeoutInMs?: number;
  /** First wait after a conflict (doubles). Default 2000. */
  conflictDelayInMs?: number;
}

/** What a batch job's input is: a folder or a file (azure-ai-ml keys the input by it: `UriFolder` / `UriFile`). */
export interface BatchInput {
  uri: string;
  type: 'UriFolder' | 'UriFile';
}

/**
 * An invocation of a pipeline-component deployment: its inputs by the component's names (data or
 * literal) and, optionally, where named outputs go.
 */
export interface BatchInvocation {
  inputs: Record<string, BatchInput | { literal: string }>;
  outputs?: Record<string, BatchInput>;
}

/**
 * The invocation body. A model deployment's one input is keyed by its type (`UriFolder` / `UriFile`:
 * azure-ai-ml operations/_batch_endpoint_operations.py `invoke`, `input=`; recording entry 24). A
 * pipeline-component deployment's inputs are keyed by name (`invoke(inputs={name: Input(...)})` puts
 * the dict in input_data as it is; recording entry 21: `{"input1": {"uri", "jobInputType"}}`); literal
 * inputs go as `{"jobInputType": "Literal", "value"}` and outputs as `properties.outputData`
 * `{name: {"uri", "jobOutputType"}}` (https://learn.microsoft.com/azure/machine-learning/how-to-access-data-batch-endpoints-jobs,
 * "literal inputs" and "data outputs"; the SDK sends outputs only with its private preview enabled).
 */
export function invokeBody(input: BatchInput | BatchInvocation): string {
  if (!('inputs' in input)) return JSON.stringify({ properties: { inputData: { [input.type]: { uri: input.uri, jobInputType: input.type } } } });
  const inputData: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(input.inputs))
    inputData[name] = 'literal' in v ? { jobInputType: 'Literal', value: v.literal } : { uri: v.uri, jobInputType: v.type };
  const outputs = Object.entries(input.outputs ?? {});
  const outputData = Object.fromEntries(outputs.map(([name, o]) => [name, { uri: o.uri, jobOutputType: o.type }]));
  return JSON.stringify({ properties: { inputData, ...(outputs.length > 0 ? { outputData } : {}) } });
}

/** The BatchJob answered by an invocation. */
export interface InvokedBatchJob {
  /** The workspace job's name (`batchjob-<guid>`). */
  name: string;
  id?: string;
  status?: string;
}

export interface BatchJobState {
  name: string;
  status: string;
  /** The job's `score` output URI, when it names one. */
  outputUri?: string;
  /** The job's error message, when it failed. */
  error?: string;
  studioUrl?: string;
}

/** `azureml://datastores/<name>/paths/<path>` → its parts (the long `azureml://subscriptions/…/datastores/…` form too). */
export function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const m =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.*)$/.exec(
      uri,
    );
  return m ? { datastore: decodeURIComponent(m[1]), path: m[2].split('/').map(decodeURIComponent).join('/') } : undefined;
}

export class BatchEndpoints {
  constructor(
    readonly arm: ArmClient,
    private readonly o: BatchEndpointsOptions = {},
  ) {}

  private log(m: string): void {
    this.o.log?.(m);
  }

  endpointPath(endpoint: string): string {
    return armPath`batchEndpoints/${endpoint}`;
  }
  deploymentPath(endpoint: string, deployment: string): string {
    return armPath`batchEndpoints/${endpoint}/deployments/${deployment}`;
  }

  getEndpoint(endpoint: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading batch endpoint '${endpoint}'`, () => this.arm.tryGet<ArmResource>(this.endpointPath(endpoint)));
  }

  getDeployment(endpoint: string, deployment: string): Promise<ArmResource | undefined> {
    return withAzureOperation(`reading deployment '${deployment}' of batch endpoint '${endpoint}'`, () =>
      this.arm.tryGet<ArmResource>(this.deploymentPath(endpoint, deployment)),
    );
  }

  async listDeployments(endpoint: string): Promise<ArmResource[]> {
    const out: ArmResource[] = [];
    await withAzureOperation(`listing the deployments of batch endpoint '${endpoint}'`, async () => {
      for await (const d of this.arm.list<ArmResource>(`${this.endpointPath(endpoint)}/deployments`)) out.push(d);
    });
    return out;
  }

  async createEndpoint(endpoint: string, body: ArmResource, abortSignal?: AbortSignal): Promise<ArmResource> {
    await this.write(`creating batch endpoint '${endpoint}'`, this.endpointPath(endpoint), body, abortSignal);
    return this.waitReady(endpoint, abortSignal);
  }

  /** The endpoint's keys (authMode Key only: BatchEndpoints_ListKeys). */
  async keys(endpoint: string): Promise<{ primaryKey?: string; secondaryKey?: string }> {
    return (
      (await withAzureOperation(`reading the keys of batch endpoint '${endpoint}'`, () =>
        this.arm.post<{ primaryKey?: string; secondaryKey?: string }>(`${this.endpointPath(endpoint)}/listkeys`),
      )) ?? {}
    );
  }

  /** Waits until the endpoint's provisioningState is terminal; Failed is an error. */
  waitReady(endpoint: string, abortSignal?: AbortSignal): Promise<ArmResource> {
    return waitProvisioned(() => this.getEndpoint(endpoint), {
      what: `batch endpoint '${endpoint}'`,
      timeoutInMs: this.o.readyTimeoutInMs ?? 20 * 60_000,
      firstDelayInMs: 250,
      abortSignal,
    });
  }

  /**
   * A long-running PUT polled to its end; a conflict (the endpoint or deployment is busy with
   * another operation) is tried again with back-off. The PUT is idempotent: a re-run writes the
   * same resource again, never a second one.
   */
  private async write(what: string, path: string, body: unknown, abortSignal?: AbortSignal): Promise<void> {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginPut<ArmResource>(path, body, { abortSignal });
          await poller.pollUntilDone({ abortSignal });
        },
        {
          label: what,
          tries: 8,
          delayInMs: this.o.conflictDelayInMs ?? 2000,
          maxDelayInMs: 30_000,
          deadline: Date.now() + (this.o.readyTimeoutInMs ?? 20 * 60_000),
          log: (m) => this.log(m),
          abortSignal,
        },
      );
    } catch (err) {
      if (abortSignal?.aborted) throw err;
      if (err instanceof ArmOperationError) throw new Error(`${what} failed: ${err.message}`, { cause: err });
      throw translateAzureError(err, what);
    }
  }

  /** Creates (or updates) a deployment and waits until it is Succeeded; it takes no invocation until named. */
  async createDeployment(endpoint: string, deployment: string, body: ArmResource, abortSignal?: AbortSignal): Promise<ArmResource> {
    await this.write(`creating deployment '${deployment}' of batch endpoint '${endpoint}'`, this.deploymentPath(endpoint, deployment), body, abortSignal);
    const d = await this.getDeployment(endpoint, deployment);
    const state = String(d?.properties?.provisioningState ?? 'missing');
    if (!d || state !== 'Succeeded') throw new Error(`deployment '${deployment}' of batch endpoint '${endpoint}' ended ${state}`);
    return d;
  }

  /** The endpoint's default deployment (`properties.defaults.deploymentName`), or undefined. */
  static defaultOf(ep: ArmResource | undefined): string | undefined {
    const d = (ep?.properties?.defaults ?? {}) as { deploymentName?: unknown };
    return typeof d.deploymentName === 'string' && d.deploymentName !== '' ? d.deploymentName : undefined;
  }

  /**
   * Sets the default deployment by GET → PUT of the whole endpoint (no field dropped; read-only
   * fields left out), then reads it back: the name the endpoint holds afterwards. `undefined`
   * writes `deploymentName: null`.
   */
  async setDefault(endpoint: string, deployment: string | undefined, abortSignal?: AbortSignal): Promise<string | undefined> {
    const ep = await this.waitReady(endpoint, abortSignal);
    if (BatchEndpoints.defaultOf(ep) === deployment) return deployment;
    const body: ArmResource & Obj = { ...ep, properties: { ...(ep.properties ?? {}), defaults: { deploymentName: deployment ?? null } } };
    for (const k of ['id', 'name', 'type', 'systemData']) delete body[k];
    if (body.properties) for (const k of ['provisioningState', 'scoringUri', 'swaggerUri']) delete body.properties[k];
    await this.write(`setting the default deployment of batch endpoint '${endpoint}'`, this.endpointPath(endpoint), body, abortSignal);
    return BatchEndpoints.defaultOf(await this.waitReady(endpoint, abortSignal));
  }

  /** Deletes a deployment and waits; one already gone is not an error; conflicts are tried again. */
  async deleteDeployment(endpoint: string, deployment: string): Promise<void> {
    try {
      await retryWhileBusy(
        async () => {
          const poller = await this.arm.beginDelete(this.deploymentPath(endpoint, deployment));
          await poller.pollUntilDone();
        },
        {
          label: `Deleting deployment ${deployment}`,
          tries: 4,
          delayInMs: this.o.conflictDelayInMs ?? 2000,
          retriable: (err) => isConflict(err) || err instanceof ArmOperationError,
          log: (m) => this.log(m),
        },
      );
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return;
      throw translateAzureError(err, `deleting deployment '${deployment}'`);
    }
  }

  /** Sets a deployment's `resources.instanceCount` (PUT of the whole deployment); one that is gone is left alone. */
  async scaleDeployment(endpoint: string, deployment: string, instances: number): Promise<void> {
    const d = await this.getDeployment(endpoint, deployment);
    if (!d) return;
    const props = { ...(d.properties ?? {}) };
    delete props.provisioningState;
    const body: ArmResource & Obj = {
      ...d,
      properties: { ...props, resources: { ...(props.resources ?? {}), instanceCount: instances } },
    };
    for (const k of ['id', 'name', 'type', 'systemData']) delete body[k];
    await this.write(`scaling deployment '${deployment}'`, this.deploymentPath(endpoint, deployment), body);
  }

  /**
   * Invokes a deployment (POST <scoringUri>, the deployment header, the body of {@link invokeBody})
   * → the batch job it started. Gateway answers and lost connections are tried
   * again twice (a lost 201 can leave one extra job behind).
   */
  async invoke(
    scoringUri: string,
    auth: ScoringAuth,
    deployment: string,
    input: BatchInput | BatchInvocation,
    abortSignal?: AbortSignal,
  ): Promise<InvokedBatchJob> {
    const payload = invokeBody(input);
    const r = await scoreWithRetry(scoringUri, auth, payload, deployment, abortSignal, { retries: 2, tryTimeoutInMs: 60_000 });
    let body: { name?: unknown; id?: unknown; properties?: { status?: unknown } } | undefined;
    try {
      body = JSON.parse(r.body) as typeof body;
    } catch {
      body = undefined;
    }
    if (r.status !== 200 && r.status !== 201) {
      const msg = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new Error(
        `invoking deployment '${deployment}' (POST ${scoringUri}) answered HTTP ${r.status}${msg ? `: ${msg.code ?? ''} ${msg.message ?? ''}`.trimEnd() : ''}`,
      );
    }
    if (typeof body?.name !== 'string' || body.name === '') throw new Error(`invoking deployment '${deployment}' answered no job name`);
    return { name: body.name, ...(typeof body.id === 'string' ? { id: body.id } : {}), status: String(body.properties?.status ?? '') };
  }

  /** The batch job (a workspace job) as it is now. */
  async getJob(name: string): Promise<BatchJobState | undefined> {
    const job = await withAzureOperation(`reading batch job '${name}'`, () => this.arm.tryGet<ArmResource>(armPath`jobs/${name}`));
    if (!job) return undefined;
    const p = job.properties ?? {};
    const outputs = (p.outputs ?? {}) as Record<string, { uri?: unknown } | undefined>;
    const uri = outputs.score?.uri;
    const services = (p.services ?? {}) as Record<string, { endpoint?: unknown } | undefined>;
    const err: { message?: unknown; error?: { message?: unknown } } | undefined = isObj(p.error) ? p.error : undefined;
    const message = typeof err?.message === 'string' ? err.message : typeof err?.error?.message === 'string' ? err.error.message : undefined;
    return {
      name,
      status: String(p.status ?? 'Unknown'),
      ...(typeof uri === 'string' ? { outputUri: uri } : {}),
      ...(message ? { error: message } : {}),
      ...(typeof services.Studio?.endpoint === 'string' ? { studioUrl: services.Studio.endpoint } : {}),
    };
  }

  /** Polls the job until it ends (Completed, Failed, Canceled, NotResponding). */
  async waitJob(
    name: string,
    o: { abortSignal?: AbortSignal; deadline: number; pollMs?: number; onStatus?: (status: string) => void },
  ): Promise<BatchJobState> {
    let last = '';
    let delay = o.pollMs ?? 1000;
    for (;;) {
      const job = await this.getJob(name);
      if (!job) throw new Error(`batch job '${name}' does not exist`);
      if (job.status !== last) {
        last = job.status;
        o.onStatus?.(job.status);
      }
      if (TERMINAL_JOB_STATUSES.has(job.status)) return job;
      if (Date.now() > o.deadline) throw new Error(`batch job '${name}' did not end before max-duration (status ${job.status})`);
      await abortableSleep(delay, o.abortSignal);
      delay = Math.min(Math.round(delay * 1.5), 10_000);
    }
  }

  /** Asks the service to cancel a job (POST jobs/<name>/cancel); a job already ended or gone is left alone. */
  async cancelJob(name: string): Promise<void> {
    await this.arm.post(armPath`jobs/${name}/cancel`).catch((err: unknown) => {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409 && status !== 400) throw translateAzureError(err, `cancelling batch job '${name}'`);
    });
  }
}

/**
 * Reads a job output file (`azureml://datastores/<ds>/paths/<path>`) from its datastore. A folder
 * URI (ending in `/`, e.g. `output_action: summary_only`) answers the names of the files under it.
 */
export async function readDatastoreOutput(ctx: BlobStoreContext, uri: string, setSecret?: (s: string) => void): Promise<{ text?: string; files: string[] }> {
  const parsed = parseDatastoreUri(uri);
  if (!parsed) throw new Error(`'${uri}' is not an azureml://datastores/<name>/paths/<path> URI`);
  const store = await createBlobStore(ctx, { datastoreName: parsed.datastore, ...(setSecret ? { setSecret } : {}) });
  if (parsed.path.endsWith('/') || parsed.path === '') {
    const files: string[] = [];
    for await (const item of store.container.listBlobsFlat({ prefix: parsed.path })) files.push(item.name);
    return { files };
  }
  const blob = store.container.getBlobClient(parsed.path);
  if (!(await blob.exists())) return { files: [] };
  return { text: (await blob.downloadToBuffer()).toString('utf8'), files: [parsed.path] };
}

/** The number of files under a datastore folder URI (1 for a file that exists, 0 when nothing is there). */
export async function countDatastoreFiles(ctx: BlobStoreContext, uri: string, setSecret?: (s: string) => void): Promise<number> {
  const parsed = parseDatastoreUri(uri);
  if (!parsed) throw new Error(`'${uri}' is not an azureml://datastores/<name>/paths/<path> URI`);
  const store = await createBlobStore(ctx, { datastoreName: parsed.datastore, ...(setSecret ? { setSecret } : {}) });
  const name = parsed.path.replace(/^\/+/, '');
  if (name !== '' && !name.endsWith('/') && (await store.container.getBlobClient(name).exists())) return 1;
  const under = name === '' || name.endsWith('/') ? name : `${name}/`;
  let n = 0;
  for await (const _ of store.container.listBlobsFlat({ prefix: under })) n++;
  return n;
}
