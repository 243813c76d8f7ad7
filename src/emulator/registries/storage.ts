/**
 * A registry's files in Azurite: its container, upload locations handed out by
 * `startPendingUpload` (a container SAS), and the check that a model version's `modelUri` points
 * at files that are really there before the version is created.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { BlobAdmin } from '../blob.js';
import { locationFromUrl, type BlobLocation } from '../data/blob-io.js';

export interface RegistryStorage {
  readonly admin: BlobAdmin;
  /** Where a URL points in Azurite, or undefined when it is not an Azurite / blob URL. */
  locate(url: string): BlobLocation | undefined;
  /** Number of blobs named `path` or lying under `path/` (stops counting at `limit`). */
  countBlobs(loc: BlobLocation, limit?: number): Promise<number>;
}

export function createRegistryStorage(admin: BlobAdmin): RegistryStorage {
  const endpoint = admin.endpoint;
  let service: BlobServiceClient | undefined;
  const svc = () =>
    (service ??= new BlobServiceClient(endpoint.url, new StorageSharedKeyCredential(endpoint.accountName, endpoint.accountKey), {
      retryOptions: { maxTries: 3, retryDelayInMs: 200 },
    }));
  return {
    admin,
    locate: (url) => locationFromUrl(url, endpoint),
    async countBlobs(loc, limit = 1) {
      const container = svc().getContainerClient(loc.container);
      if (!(await container.exists())) return 0;
      const name = loc.path.replace(/^\/+/, '');
      let n = 0;
      if (name !== '' && !name.endsWith('/') && (await container.getBlobClient(name).exists())) n++;
      const prefix = name === '' || name.endsWith('/') ? name : `${name}/`;
      for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: Math.max(1, Math.min(limit, 5000)) })) {
        n += page.segment.blobItems.length;
        if (n >= limit) break;
      }
      return n;
    },
  };
}
