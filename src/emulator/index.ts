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
import { LroManager } from './arm/lro.js';
import { resourceGroupRoutes } from './arm/resourceGroups.js';
import { seedDefaults } from './arm/seed.js';
import { workspaceRoutes } from './arm/workspaces.js';
import { tokenRoutes } from './auth/tokenRoutes.js';
import { TokenService } from './auth/tokens.js';
import { startAzurite, type RunningAzurite } from './azurite.js';
import { createBlobAdmin } from './blob.js';
import {
  DEFAULT_ARM_AUDIENCES,
  DEFAULT_LOCATION,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_SUBSCRIPTION_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  DEFAULT_WORKSPACE_NAME,
  resolveTimings,
} from './config.js';
import { createFaultInjector, loadFaultsFile, type FaultInjector, type FaultRule } from './faults.js';
import { RequestLog } from './http/requestLog.js';
import { createEndpointsModule, type EndpointsOptions } from './endpoints/index.js';
import { createJobExecutor } from './jobs/executor.js';
import { createMlflowModule } from './mlflow/routes.js';
import { registriesModule } from './registries/index.js';
import { createEmulatorServer } from './server.js';
import { createResourceStore } from './store/index.js';
import type { BlobEndpoint, EmulatorTimings, JobHost, ResourceStore, Route } from './types.js';

export type { BlobEndpoint, EmulatorTimings, ResourceStore } from './types.js';
export type { FaultInjector, FaultRule, FaultRuleState, FaultKind, FaultPosition } from './faults.js';
export type { RequestLogEntry } from './http/requestLog.js';
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
  /** Token audiences accepted on ARM routes; client ids and secrets the token endpoint knows (any when absent). */
  auth?: { armAudiences?: string[]; clientSecrets?: Record<string, string>; tokenLifetimeSeconds?: number };
  /** Online endpoints: Python, readiness polling, restart back-off, metrics sampling. */
  endpoints?: EndpointsOptions;
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
  /** A bearer token issued by the emulator (default audience https://management.azure.com). */
  issueToken(audience?: string): string;
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
    });
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
    const deps: ArmDeps = {
      store,
      lro,
      timings,
      executor,
      blob: createBlobAdmin(blob),
      defaults,
      pageSize: o.pageSize ?? DEFAULT_PAGE_SIZE,
    };
    const endpoints = createEndpointsModule({ arm: deps, tokens, dir: join(root, 'endpoints'), ...(o.endpoints ? { options: o.endpoints } : {}) });
    const log = new RequestLog();
    const adminDeps = { faults, log, blob, defaults, store };
    const routes: Route[] = [
      ...tokenRoutes({ tokens, ...(o.auth?.clientSecrets ? { clientSecrets: o.auth.clientSecrets } : {}) }),
      ...resourceGroupRoutes(deps),
      ...workspaceRoutes(deps),
      ...datastoreRoutes(deps),
      ...computeRoutes(deps),
      ...assetRoutes(deps),
      ...jobRoutes(deps),
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
    cleanups.push(() => executor.close());
    cleanups.push(() => endpoints.close());
    const hostPort = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    baseUrl = `http://${hostPort}`;

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
      issueToken: (audience = 'https://management.azure.com') => tokens.issue({ audience, now: new Date() }).token,
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
