/**
 * The local Azure ML emulator: `startEmulator()` starts Azurite (unless a blob endpoint is given),
 * the loopback HTTP server with every route module, seeds the default workspace and returns a
 * handle to use and close it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRoutes, publicRoutes } from './admin.js';
import { assetRoutes } from './arm/assets.js';
import { computeRoutes } from './arm/computes.js';
import { datastoreRoutes } from './arm/datastores.js';
import type { ArmDeps, EmulatorDefaults } from './arm/deps.js';
import { jobRoutes } from './arm/jobs.js';
import { createSchedules, type ScheduleClock } from './arm/schedules.js';
import { LroManager } from './arm/lro.js';
import { resourceGroupRoutes } from './arm/resource-groups.js';
import { seedDefaults } from './arm/seed.js';
import { workspaceRoutes } from './arm/workspaces.js';
import { Federation, type FederatedCredential } from './auth/federation.js';
import { tokenRoutes } from './auth/token-routes.js';
import { TokenService } from './auth/tokens.js';
import { startAzurite, type RunningAzurite } from './azurite.js';
import { startBlobProxy } from './blob-proxy.js';
import { createBlobAdmin } from './blob.js';
import {
  DEFAULT_ARM_AUDIENCES,
  DEFAULT_LOCATION,
  DEFAULT_METRICS_DELAY_MS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_SUBSCRIPTION_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  DEFAULT_WORKSPACE_NAME,
  resolveTimings,
} from './config.js';
import { createFaultInjector, loadFaultsFile, type FaultInjector, type FaultRule } from './faults.js';
import { RequestLog } from './http/request-log.js';
import { createEndpointsModule, type EndpointsOptions } from './endpoints/index.js';
import { createJobExecutor } from './jobs/executor.js';
import { createMlflowModule } from './mlflow/routes.js';
import { registriesModule } from './registries/index.js';
import { createEmulatorServer, type TlsOptions } from './server.js';
import { createResourceStore } from './store/index.js';
import type { BlobEndpoint, EmulatorTimings, JobHost, ResourceStore, Route } from './types.js';

export type { BlobEndpoint, EmulatorTimings, ResourceStore } from './types.js';
export type { FaultInjector, FaultRule, FaultRuleState, FaultKind, FaultPosition } from './faults.js';
export type { RequestLogEntry } from './http/request-log.js';
export type { FederatedCredential } from './auth/federation.js';
export type { TlsOptions } from './server.js';
export { startAzurite, findNodeForAzurite } from './azurite.js';
export type { AzuriteOptions, RunningAzurite } from './azurite.js';

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Folder store + Azurite data + job folders; memory store and a temp folder when absent. */
  stateDir?: string;
  /** Use an existing Azurite instead of starting one. */
  blob?: BlobEndpoint;
  /** JSON file of fault rules (a rule, an array, or `{ "rules": [...] }`). */
  faultsFile?: string;
  /** Fault rules to start with (added after those of `faultsFile`). */
  faults?: FaultRule[];
  /** LRO/job state-step delays, so tests run fast. */
  timings?: Partial<EmulatorTimings>;
  /** Page size of ARM lists (default 100). */
  pageSize?: number;
  /**
   * Token audiences accepted on ARM routes; client ids and secrets the token endpoint knows (any
   * when absent); federated identity credentials (client ids that must present a matching OIDC
   * assertion) and the CA (PEM) trusted when fetching their issuers' keys; whether the emulator's
   * own address is an accepted ARM audience (default: when `tls` is given, so a client whose
   * `arm-endpoint` is the emulator can sign in).
   */
  auth?: {
    armAudiences?: string[];
    clientSecrets?: Record<string, string>;
    tokenLifetimeSeconds?: number;
    /**
     * Lifetime of the tokens that open scoring URIs: the endpoint `token` operation's AML tokens
     * (default 24 h, as Azure's) and Entra tokens for https://ml.azure.com (default
     * `tokenLifetimeSeconds`). A scoring request with an expired one is answered 401.
     */
    scoringTokenLifetimeSeconds?: number;
    federatedCredentials?: FederatedCredential[];
    trustedCa?: string | Buffer;
    acceptOwnAddress?: boolean;
    /** Called with every access token the token endpoint hands out (for secret-hygiene tests). */
    onTokenIssued?: (token: string, clientId: string) => void;
  };
  /**
   * Also serve every route over https with this certificate (on `tls.port`, default a free port):
   * what MSAL and the SDK's bearer policy need to talk to the emulator as to Entra ID and ARM.
   */
  tls?: TlsOptions & { port?: number };
  /** Online endpoints: Python, readiness polling, restart back-off, metrics sampling. */
  endpoints?: EndpointsOptions;
  /**
   * How late the Azure Monitor metrics API answers what happened, in ms (default
   * DEFAULT_METRICS_DELAY_MS, 60 s: Azure's typical ingestion delay); 0 answers at once.
   * `endpoints.metricsDelayMs` wins when both are given.
   */
  metricsDelay?: number;
  /**
   * Put a fault-injecting proxy in front of the blob endpoint and give its address to clients
   * (`/.emulator/info`), so the fault rules also reach blob requests (operations such as
   * `BlockBlob_Upload`; see blobProxy.ts). The emulator itself keeps using the blob endpoint.
   */
  blobFaults?: boolean;
  /** The schedules' scheduler: its clock (tests run one fast) and how often (real ms) it looks for due schedules. */
  schedules?: { clock?: ScheduleClock; tickMs?: number };
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:51234 */
  baseUrl: string;
  /** "127.0.0.1:port", the AZUREML_EMULATOR_HOST value. */
  host: string;
  blob: BlobEndpoint;
  store: ResourceStore;
  faults: FaultInjector;
  defaults: { subscriptionId: string; resourceGroup: string; workspaceName: string; tenantId: string };
  /** The https listener, when `tls` was given: e.g. `https://127.0.0.1:51235`. */
  https?: { baseUrl: string; host: string };
  /**
   * A bearer token issued by the emulator (default audience https://management.azure.com);
   * `now`/`lifetimeSeconds` make tokens that are already expired or not yet valid.
   */
  issueToken(audience?: string, options?: { now?: Date; lifetimeSeconds?: number; clientId?: string }): string;
  close(): Promise<void>;
}

const SIGNING_KEY_FILE = 'token-signing.key';

async function signingKey(stateDir: string | undefined): Promise<Buffer> {
  if (!stateDir) return randomBytes(32);
  const file = join(stateDir, SIGNING_KEY_FILE);
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

export async function startEmulator(o: EmulatorOptions = {}): Promise<RunningEmulator> {
  const timings = resolveTimings(o.timings);
  const listenHost = o.host ?? '127.0.0.1';
  const defaults: EmulatorDefaults = {
    subscriptionId: DEFAULT_SUBSCRIPTION_ID,
    resourceGroup: DEFAULT_RESOURCE_GROUP,
    workspaceName: DEFAULT_WORKSPACE_NAME,
    tenantId: DEFAULT_TENANT_ID,
    location: DEFAULT_LOCATION,
  };
  const rules = [...(o.faultsFile ? await loadFaultsFile(o.faultsFile) : []), ...(o.faults ?? [])];
  const faults = createFaultInjector(rules);

  const tempDir = o.stateDir ? undefined : await mkdtemp(join(tmpdir(), 'azureml-emulator-'));
  const root = o.stateDir ?? tempDir!;
  await mkdir(root, { recursive: true });
  const workDir = join(root, 'jobs');
  await mkdir(workDir, { recursive: true });

  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort: keep closing the rest
      }
    }
    cleanups.length = 0;
  };
  if (tempDir) cleanups.push(() => rm(tempDir, { recursive: true, force: true }));

  try {
    let azurite: RunningAzurite | undefined;
    let blob = o.blob;
    if (!blob) {
      azurite = await startAzurite({ dir: join(root, 'azurite'), host: listenHost });
      cleanups.push(() => azurite!.close());
      blob = azurite.blob;
    }
    const tokens = new TokenService({
      tenantId: defaults.tenantId,
      secret: await signingKey(o.stateDir),
      armAudiences: o.auth?.armAudiences ?? DEFAULT_ARM_AUDIENCES,
      lifetimeSeconds: o.auth?.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      ...(o.auth?.scoringTokenLifetimeSeconds !== undefined ? { scoringLifetimeSeconds: o.auth.scoringTokenLifetimeSeconds } : {}),
      acceptOwnAddress: o.auth?.acceptOwnAddress ?? Boolean(o.tls),
    });
    const federation = o.auth?.federatedCredentials?.length
      ? new Federation({ credentials: o.auth.federatedCredentials, ...(o.auth.trustedCa ? { ca: o.auth.trustedCa } : {}) })
      : undefined;
    const store = createResourceStore(o.stateDir ? join(o.stateDir, 'resources') : undefined);
    const lro = new LroManager(timings);
    cleanups.push(async () => {
      lro.close();
      await lro.settled();
    });

    let baseUrl = '';
    const jobHost: JobHost = {
      store,
      blob,
      baseUrl: () => baseUrl,
      issueToken: (audience: string) => tokens.issue({ audience, now: new Date() }).token,
      workDir,
      ...(o.stateDir ? { stateDir: join(o.stateDir, 'tracking') } : {}),
      now: () => new Date(),
      timings,
    };
    const executor = createJobExecutor(jobHost);
    const log = new RequestLog();
    let clientBlob = blob;
    if (o.blobFaults) {
      const proxy = await startBlobProxy(blob, faults, log, listenHost);
      cleanups.push(() => proxy.close());
      clientBlob = proxy.endpoint;
    }
    const deps: ArmDeps = {
      store,
      lro,
      timings,
      executor,
      blob: createBlobAdmin(blob, clientBlob.url),
      defaults,
      pageSize: o.pageSize ?? DEFAULT_PAGE_SIZE,
    };
    const endpointOptions: EndpointsOptions = {
      ...(o.endpoints ?? {}),
      metricsDelayMs: o.endpoints?.metricsDelayMs ?? o.metricsDelay ?? DEFAULT_METRICS_DELAY_MS,
    };
    const endpoints = createEndpointsModule({ arm: deps, tokens, dir: join(root, 'endpoints'), options: endpointOptions });
    const adminDeps = { faults, log, blob: clientBlob, defaults, store };
    const jobs = jobRoutes(deps);
    const schedules = createSchedules(deps, jobs.find((r) => r.method === 'PUT')!.handler, { ...o.schedules, baseUrl: () => baseUrl });
    cleanups.push(() => schedules.close()); // (if the start fails before the one below)
    const routes: Route[] = [
      ...tokenRoutes({
        tokens,
        ...(o.auth?.clientSecrets ? { clientSecrets: o.auth.clientSecrets } : {}),
        ...(federation ? { federation } : {}),
        ...(o.auth?.onTokenIssued ? { onIssued: o.auth.onTokenIssued } : {}),
      }),
      ...resourceGroupRoutes(deps),
      ...workspaceRoutes(deps),
      ...datastoreRoutes(deps),
      ...computeRoutes(deps),
      ...assetRoutes(deps),
      ...jobs,
      ...schedules.routes(),
      ...registriesModule(deps),
      ...endpoints.routes(),
      ...lro.routes(),
      ...createMlflowModule(jobHost).routes(),
      ...publicRoutes(adminDeps),
    ];
    const server = createEmulatorServer({
      routes,
      adminRoutes: [...adminRoutes(adminDeps), ...endpoints.adminRoutes()],
      tokens,
      faults,
      log,
      location: defaults.location,
    });
    const address = await server.listen(o.port ?? 0, listenHost);
    cleanups.push(() => server.close());
    const secure = o.tls ? await server.listenTls(o.tls.port ?? 0, listenHost, o.tls) : undefined;
    cleanups.push(() => executor.close());
    cleanups.push(() => endpoints.close());
    // Closed first (cleanups run last-in first-out): no schedule starts a job while the executor stops.
    cleanups.push(() => schedules.close());
    const hostPort = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    baseUrl = `http://${hostPort}`;
    const httpsHost = secure ? `${secure.family === 'IPv6' ? `[${secure.address}]` : secure.address}:${secure.port}` : undefined;

    await seedDefaults(deps, new Date());
    await endpoints.recover();

    let closing: Promise<void> | undefined;
    return {
      baseUrl,
      host: hostPort,
      blob,
      store,
      faults,
      defaults: {
        subscriptionId: defaults.subscriptionId,
        resourceGroup: defaults.resourceGroup,
        workspaceName: defaults.workspaceName,
        tenantId: defaults.tenantId,
      },
      ...(httpsHost ? { https: { baseUrl: `https://${httpsHost}`, host: httpsHost } } : {}),
      issueToken: (audience = 'https://management.azure.com', options = {}) =>
        tokens.issue({
          audience,
          now: options.now ?? new Date(),
          ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
          ...(options.clientId ? { clientId: options.clientId } : {}),
        }).token,
      close() {
        closing ??= runCleanups();
        return closing;
      },
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}
