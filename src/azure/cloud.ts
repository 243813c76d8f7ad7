/**
 * Azure clouds: where ARM, Entra ID (the authority), storage and the studio live.
 *
 * `cloud` picks a known cloud; `arm-endpoint` / `authority-host` override single endpoints. When
 * `AZUREML_EMULATOR_HOST=host:port` is set, everything targets the local emulator at
 * `http://host:port` (ARM, the token endpoint, MLflow) and nothing else needs configuring.
 */
import { ConfigurationError } from '../core/errors.js';

export const AZURE_CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

/** Environment variable that switches everything to the local emulator. */
export const EMULATOR_HOST_ENV = 'AZUREML_EMULATOR_HOST';

export interface AzureCloud {
  name: AzureCloudName | 'Emulator';
  /** ARM endpoint without trailing slash, e.g. `https://management.azure.com`. */
  armEndpoint: string;
  /** Entra ID authority host without trailing slash, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Token scope for ARM (also used for the MLflow tracking service), e.g. `https://management.azure.com/.default`. */
  armScope: string;
  /** Storage DNS suffix, e.g. `core.windows.net` (blob host is `<account>.blob.<suffix>`). */
  storageSuffix: string;
  /** Token scope for storage data-plane calls with an Entra token. */
  storageScope: string;
  /** Azure ML studio, e.g. `https://ml.azure.com`. */
  studioUrl: string;
  /** Set in emulator mode. */
  emulator?: { host: string; baseUrl: string };
}

const KNOWN: Record<AzureCloudName, Omit<AzureCloud, 'name' | 'armScope'>> = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    storageSuffix: 'core.windows.net',
    storageScope: 'https://storage.azure.com/.default',
    studioUrl: 'https://ml.azure.com',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    storageSuffix: 'core.chinacloudapi.cn',
    storageScope: 'https://storage.azure.com/.default',
    studioUrl: 'https://studio.ml.azure.cn',
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    storageSuffix: 'core.usgovcloudapi.net',
    storageScope: 'https://storage.azure.com/.default',
    studioUrl: 'https://ml.azure.us',
  },
};

export interface ResolveCloudOptions {
  /** Input `cloud`; case-insensitive; default AzureCloud. */
  cloud?: string;
  /** Input `arm-endpoint`. */
  armEndpoint?: string;
  /** Input `authority-host`. */
  authorityHost?: string;
  /** Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The emulator's `host:port` from the environment, validated, or undefined when not set. */
export function emulatorHost(env: Record<string, string | undefined> = process.env): string | undefined {
  const raw = env[EMULATOR_HOST_ENV]?.trim();
  if (!raw) return undefined;
  const withoutScheme = raw.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const match = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i.exec(withoutScheme);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new ConfigurationError(`${EMULATOR_HOST_ENV} must be host:port (e.g. 127.0.0.1:8090), got '${raw}'.`);
  }
  return withoutScheme;
}

export function resolveCloud(options: ResolveCloudOptions = {}): AzureCloud {
  const env = options.env ?? process.env;
  const host = emulatorHost(env);
  if (host) {
    const baseUrl = `http://${host}`;
    return {
      name: 'Emulator',
      armEndpoint: baseUrl,
      authorityHost: baseUrl,
      // The emulator plays the public cloud: tokens are for the real ARM audience.
      armScope: 'https://management.azure.com/.default',
      storageSuffix: KNOWN.AzureCloud.storageSuffix,
      storageScope: KNOWN.AzureCloud.storageScope,
      studioUrl: `${baseUrl}/studio`,
      emulator: { host, baseUrl },
    };
  }

  const name = parseCloudName(options.cloud);
  const known = KNOWN[name];
  const armEndpoint = options.armEndpoint ? endpointOverride('arm-endpoint', options.armEndpoint) : known.armEndpoint;
  const authorityHost = options.authorityHost ? endpointOverride('authority-host', options.authorityHost) : known.authorityHost;
  return { name, ...known, armEndpoint, authorityHost, armScope: `${armEndpoint}/.default` };
}

function parseCloudName(value: string | undefined): AzureCloudName {
  if (!value || value.trim() === '') return 'AzureCloud';
  const wanted = value.trim().toLowerCase();
  const found = AZURE_CLOUD_NAMES.find((n) => n.toLowerCase() === wanted);
  if (!found) {
    throw new ConfigurationError(`Input 'cloud' must be one of ${AZURE_CLOUD_NAMES.join(', ')}; got '${value}'.`, {
      input: 'cloud',
      hint: `Valid values: ${AZURE_CLOUD_NAMES.join(', ')}.`,
    });
  }
  return found;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Validates an endpoint override: an absolute https URL (http only for loopback), no path. */
function endpointOverride(input: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigurationError(`Input '${input}' is not a URL: '${value}'.`, {
      input,
      hint: 'Give an absolute URL such as https://management.azure.com.',
    });
  }
  const insecureAllowed = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !insecureAllowed) {
    throw new ConfigurationError(`Input '${input}' must be an https URL, got '${value}'.`, {
      input,
      hint: 'Plain http is accepted only for loopback hosts (127.0.0.1, localhost).',
    });
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(`Input '${input}' must not have a query, fragment or user info: '${value}'.`, {
      input,
    });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A link into the studio for a resource of a workspace (e.g. `runs/<job>`). */
export function studioUrl(cloud: AzureCloud, workspaceId: string, path: string, tenantId?: string): string {
  const url = new URL(`${cloud.studioUrl}/${path.replace(/^\/+/, '')}`);
  url.searchParams.set('wsid', workspaceId);
  if (tenantId) url.searchParams.set('tid', tenantId);
  return url.toString();
}
