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
 * api-versions of Microsoft.MachineLearningServices the emulator answers: 2022-10-01 (what
 * `@azure/arm-machinelearning` 2.1.1 sends) and 2024-10-01 or later (stable or preview).
 */
export const EXACT_API_VERSIONS = ['2022-10-01'];
export const MIN_API_VERSION = '2024-10-01';

export function isSupportedApiVersion(v: string): boolean {
  if (EXACT_API_VERSIONS.includes(v)) return true;
  const m = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(v);
  return m !== null && m[1]! >= MIN_API_VERSION;
}

export function supportedApiVersionsText(): string {
  return `${EXACT_API_VERSIONS.map((v) => `'${v}'`).join(', ')}, '${MIN_API_VERSION}' and later`;
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
export const DEVSTORE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
