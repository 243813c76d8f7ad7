/**
 * What the ARM handlers need from blob storage (Azurite): create the containers behind datastores
 * and hand out SAS URLs (code `startPendingUpload`), with the account key of the endpoint.
 */
import { BlobServiceClient, ContainerSASPermissions, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { BlobEndpoint } from './types.js';

export interface BlobAdmin {
  readonly endpoint: BlobEndpoint;
  /** Creates the container when missing. */
  ensureContainer(name: string): Promise<void>;
  /** `https?://…/<container>[/<path>]?<SAS>` valid until `expiresOn`. */
  sasUrl(container: string, path: string, o: { permissions: string; startsOn: Date; expiresOn: Date }): string;
  /** `…/<container>[/<path>]` without credentials. */
  url(container: string, path?: string): string;
}

/**
 * `clientUrl`: the blob endpoint clients are handed (the fault proxy in front of Azurite when blob
 * faults are on), so the upload locations the ARM handlers issue go where clients' other blob
 * requests go. The emulator's own container set-up talks to Azurite directly.
 */
export function createBlobAdmin(endpoint: BlobEndpoint, clientUrl: string = endpoint.url): BlobAdmin {
  const credential = new StorageSharedKeyCredential(endpoint.accountName, endpoint.accountKey);
  const service = new BlobServiceClient(endpoint.url, credential, { retryOptions: { maxTries: 3, retryDelayInMs: 200 } });
  const base = clientUrl.replace(/\/+$/, '');
  const url = (container: string, path = '') =>
    `${base}/${encodeURIComponent(container)}${path ? '/' + path.split('/').map(encodeURIComponent).join('/') : ''}`;
  const known = new Set<string>();
  return {
    endpoint,
    async ensureContainer(name) {
      if (known.has(name)) return;
      try {
        await service.getContainerClient(name).createIfNotExists();
      } catch (err) {
        throw new Error(`blob storage at ${endpoint.url}: cannot create container '${name}': ${(err as Error).message}`, { cause: err });
      }
      known.add(name);
    },
    sasUrl(container, path, o) {
      const sas = generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse(o.permissions),
          startsOn: o.startsOn,
          expiresOn: o.expiresOn,
          protocol: base.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
        },
        credential,
      ).toString();
      return `${url(container, path)}?${sas}`;
    },
    url,
  };
}
