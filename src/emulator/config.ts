/**
 * Constants of the local Azure ML emulator: the seeded scope, default timings, accepted
 * api-versions and token audiences. One place, so tests and the CLI agree with the server.
 */
import type { EmulatorTimings } from './types.js';

export const EMULATOR_VERSION = '0.1.0';

export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_RESOURCE_GROUP = 'rg-azureml-emulator';
export const DEFAULT_WORKSPACE_NAME = 'ws-emulator';
export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-0000000000aa';
export const DEFAULT_LOCATION = 'eastus';

/** Resource provider namespace, spelled as ARM spells it. */
export const MLS_NAMESPACE = 'Microsoft.MachineLearningServices';

export const DEFAULT_TIMINGS: EmulatorTimings = {
  lroMs: 1500,
  retryAfterSeconds: 1,
  jobStepMs: 1000,
};

/**
 * Azure Monitor's ingestion delay the emulator plays by default: platform metrics reach the
 * metrics API typically one to three minutes late (see endpoints/metrics.ts); `--metrics-delay`
 * / `startEmulator({ metricsDelay })` change it.
 */
export const DEFAULT_METRICS_DELAY_MS = 60_000;

export function resolveTimings(partial?: Partial<EmulatorTimings>): EmulatorTimings {
  const t = { ...DEFAULT_TIMINGS, ...(partial ?? {}) };
  for (const [key, value] of Object.entries(t)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`emulator timings: '${key}' must be a number >= 0, got ${JSON.stringify(value)}`);
    }
  }
  return t;
}

/**
 * api-versions of Microsoft.MachineLearningServices: the one table, from the package tags of
 * Azure/azure-rest-api-specs specification/machinelearningservices/resource-manager/readme.md
 * (package-2025-04-01 … package-2018-03-preview; each tag's input files). Versions whose tag has
 * `mfe.json` serve the workspace children the emulator has (jobs, codes/environments/data/models/
 * components, datastores, online endpoints, operation status); every version has workspaces and
 * computes (`machineLearningServices.json`). The recordings use 2022-02-01-preview … 2023-04-01-preview
 * (../shared/fixtures/azure-recordings); `@azure/arm-machinelearning` 2.1.1 sends 2022-10-01.
 */
export const MFE_API_VERSIONS = [
  '2021-03-01-preview',
  '2022-02-01-preview',
  '2022-05-01',
  '2022-06-01-preview',
  '2022-10-01',
  '2022-10-01-preview',
  '2022-12-01-preview',
  '2023-02-01-preview',
  '2023-04-01',
  '2023-04-01-preview',
  '2023-06-01-preview',
  '2023-08-01-preview',
  '2023-10-01',
  '2024-01-01-preview',
  '2024-04-01',
  '2024-04-01-preview',
  '2024-07-01-preview',
  '2024-10-01',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-04-01',
  '2025-04-01-preview',
] as const;

/** Versions that have workspaces and computes only (machineLearningServices.json without mfe.json). */
export const WORKSPACE_ONLY_API_VERSIONS = [
  '2018-03-01-preview',
  '2018-11-19',
  '2019-05-01',
  '2019-06-01',
  '2019-11-01',
  '2020-01-01',
  '2020-02-18-preview',
  '2020-03-01',
  '2020-04-01',
  '2020-04-01-preview',
  '2020-05-01-preview',
  '2020-05-15-preview',
  '2020-06-01',
  '2020-08-01',
  '2020-09-01-preview',
  '2021-01-01',
  '2021-04-01',
  '2021-07-01',
  '2022-01-01-preview',
] as const;

/** Resource types (below the provider) that every api-version has. */
const WORKSPACE_LEVEL_TYPES = ['workspaces', 'workspaces/computes'];

/** All api-versions a resource type has, oldest first. */
export function apiVersionsFor(resourceType: string): string[] {
  const t = resourceType.toLowerCase();
  const all = WORKSPACE_LEVEL_TYPES.includes(t) || t === '' ? [...WORKSPACE_ONLY_API_VERSIONS, ...MFE_API_VERSIONS] : [...MFE_API_VERSIONS];
  return all.sort();
}

/** Whether Azure has api-version `v` for the resource type (`workspaces/jobs`, …). */
export function isSupportedApiVersion(v: string, resourceType = 'workspaces/jobs'): boolean {
  return apiVersionsFor(resourceType).includes(v);
}

/** ARM's list in its NoRegisteredProviderFound message: `'v1, v2, …'`. */
export function supportedApiVersionsText(resourceType = 'workspaces/jobs'): string {
  return `'${apiVersionsFor(resourceType).join(', ')}'`;
}

/** Audiences (token `aud`) accepted on ARM routes unless configured otherwise. */
export const DEFAULT_ARM_AUDIENCES = [
  'https://management.azure.com',
  'https://management.core.windows.net',
  'https://ml.azure.com',
  'https://storage.azure.com',
];

/** Lifetime of issued access tokens. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

/** Page size of ARM list operations (`nextLink` beyond it). */
export const DEFAULT_PAGE_SIZE = 100;

/** Azurite's well-known development account. */
export const DEVSTORE_ACCOUNT_NAME = 'devstoreaccount1';
export const DEVSTORE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
