/**
 * Opens the object store of a URI's cloud. The module of each cloud (s3.ts, gcs.ts), and with it
 * the cloud's SDK, is loaded here with import(), on first use: the bundle puts each in its own
 * chunk, so a step that reads no s3:// or gs:// URI never parses them.
 */
import type { CloudDeps, CloudStore } from './objects.js';
import type { CloudUri } from './uri.js';

/** A store for the URI's cloud; its SDK is loaded here, on first use. */
export async function openCloudStore(uri: CloudUri, deps: CloudDeps): Promise<CloudStore> {
  if (uri.cloud === 's3') {
    const { createS3Store } = await import('./s3.js');
    return createS3Store(deps);
  }
  const { createGcsStore } = await import('./gcs.js');
  return createGcsStore(deps);
}
