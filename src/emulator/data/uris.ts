/**
 * Where a job's data lives: turns the URIs Azure ML accepts for inputs, outputs and code into
 * blob locations in Azurite, reading datastores, data/model/code versions and earlier jobs from
 * the resource store.
 *
 *   azureml://datastores/<ds>/paths/<p>                      (also the long …/subscriptions/…/workspaces/<ws>/datastores/… form)
 *   azureml://datastores/<ds>/ExperimentRun/dcid.<job>[/<p>]  a run's artifacts, as Azure names a job's default output
 *   azureml://jobs/<job>/outputs/<name>[/paths/<p>]          an output of an earlier job
 *   azureml:<name>:<version> | azureml:<name>@latest         a data (or model) asset
 *   /subscriptions/…/data|models|codes/<name>/versions/<v>   an asset's ARM id (also with an `azureml:` prefix)
 *   runs:/<run>/<path>                                       a run's artifacts
 *   https://<account>.blob.core.windows.net/<container>/<p>  any storage account → Azurite
 *   http://127.0.0.1:<port>/<account>/<container>/<p>        an Azurite URL
 */
import type { BlobEndpoint, ResourceStore } from '../types.js';
import { parseWorkspaceChild, pickString, type WorkspaceRef } from './resources.js';
import { joinBlobPath, locationFromUrl, type BlobLocation } from './blob-io.js';
import { asObj } from '../obj.js';

export const DEFAULT_DATASTORE = 'workspaceblobstore';
export const ARTIFACT_DATASTORE = 'workspaceartifactstore';
/** Container of the workspace artifact store (run logs, MLflow artifacts, the `default` output). */
export const ARTIFACT_CONTAINER = 'azureml';

export class DataResolutionError extends Error {
  override readonly name = 'DataResolutionError';
}

export type AssetKind = 'data' | 'models' | 'codes' | 'components';

/** Where a run's artifacts live: `ExperimentRun/dcid.<run>/`. */
export function runArtifactsLocation(runId: string): BlobLocation {
  return { container: ARTIFACT_CONTAINER, path: `ExperimentRun/dcid.${runId}/` };
}

export function datastoreUri(datastore: string, path: string): string {
  return `azureml://datastores/${datastore}/paths/${path.replace(/^\/+/, '')}`;
}

/**
 * The URI Azure gives a job's `default` output: `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.<job>`,
 * without `/paths/` and without a trailing slash (recordings jobs/command-job-serverless-create-get.json
 * Entries[4] and [5], jobs/sweep-job-create-get.json Entries[2] and [3]: `outputs.default.uri`). The files are the run's
 * artifact folder, {@link runArtifactsLocation}.
 */
export function runArtifactsUri(runId: string): string {
  return `azureml://datastores/${ARTIFACT_DATASTORE}/ExperimentRun/dcid.${runId}`;
}

/**
 * `azureml://datastores/<ds>/paths/<p>` (short or long form) → { datastore, path }; also the
 * `azureml://datastores/<ds>/ExperimentRun/<p>` form Azure writes for run artifacts, where the path
 * is `ExperimentRun/<p>` (azure-ai-ml `OUTPUT_URI_REGEX_FORMAT`, azure/ai/ml/constants/_common.py).
 */
export function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const m =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/(?:paths\/?(.*)|(ExperimentRun(?:\/.*)?))$/i.exec(
      uri.trim(),
    );
  if (!m) return undefined;
  return { datastore: m[1], path: m[2] ?? m[3] };
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isFinite(nx) && Number.isFinite(ny) && nx !== ny) return nx - ny;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class DataResolver {
  constructor(
    private readonly store: ResourceStore,
    private readonly ws: WorkspaceRef,
    private readonly endpoint: BlobEndpoint,
  ) {}

  /** Container behind a datastore of the workspace. */
  async datastoreContainer(name: string): Promise<string> {
    const ds = await this.store.get(`${this.ws.id}/datastores/${name}`);
    const container = pickString(asObj(asObj(ds)?.properties), 'containerName');
    if (container) return container;
    if (ds) throw new DataResolutionError(`Datastore '${name}' of workspace '${this.ws.workspace}' is not an Azure Blob datastore (no containerName)`);
    if (name.toLowerCase() === ARTIFACT_DATASTORE) return ARTIFACT_CONTAINER;
    throw new DataResolutionError(`Datastore '${name}' was not found in workspace '${this.ws.workspace}' (resource group '${this.ws.resourceGroup}')`);
  }

  /** The workspace's default datastore: the one marked `isDefault`, else `workspaceblobstore`. */
  async defaultDatastore(): Promise<string> {
    const all = await this.store.list(`${this.ws.id}/datastores`);
    const def = all.find((d) => asObj(d.properties)?.isDefault === true);
    return def?.name ?? DEFAULT_DATASTORE;
  }

  async datastoreLocation(datastore: string, path: string): Promise<BlobLocation> {
    return { container: await this.datastoreContainer(datastore), path: path.replace(/^\/+/, '') };
  }

  /** An asset version's resource: `azureml:<name>:<version>`, `<name>@latest`, or its ARM id. */
  async assetVersion(kind: AssetKind, ref: string): Promise<{ id: string; resource: Record<string, unknown> }> {
    let r = ref.trim();
    if (r.toLowerCase().startsWith('azureml:') && !r.toLowerCase().startsWith('azureml://')) r = r.slice('azureml:'.length);
    if (r.startsWith('/subscriptions/')) {
      const res = await this.store.get(r);
      if (!res) throw new DataResolutionError(`${kindLabel(kind)} '${ref}' was not found`);
      return { id: r, resource: res };
    }
    const m = /^([^:@/]+)(?::([^:@/]+)|@([^:@/]+))?$/.exec(r);
    if (!m)
      throw new DataResolutionError(`'${ref}' is not a ${kindLabel(kind)} reference (expected azureml:<name>:<version>, azureml:<name>@latest or an ARM id)`);
    const name = m[1];
    let version = m[2];
    const label = m[3];
    if (!version) {
      if (label && label !== 'latest') throw new DataResolutionError(`${kindLabel(kind)} label '@${label}' is not supported by the emulator (only @latest)`);
      const versions = await this.store.list(`${this.ws.id}/${kind}/${name}/versions`);
      if (versions.length === 0) throw new DataResolutionError(`${kindLabel(kind)} '${name}' has no versions in workspace '${this.ws.workspace}'`);
      version = versions
        .map((v) => v.name)
        .sort(compareVersions)
        .pop()!;
    }
    const id = `${this.ws.id}/${kind}/${name}/versions/${version}`;
    const res = await this.store.get(id);
    if (!res) throw new DataResolutionError(`${kindLabel(kind)} '${name}' version '${version}' was not found in workspace '${this.ws.workspace}'`);
    return { id, resource: res };
  }

  /**
   * The blob location of a URI. `assetKind` says which asset a bare `azureml:<name>:<version>`
   * names (models for model inputs, data otherwise).
   */
  async resolve(uri: string, assetKind: 'data' | 'models' = 'data', depth = 0): Promise<BlobLocation> {
    if (depth > 6) throw new DataResolutionError(`'${uri}' refers to itself through too many assets`);
    const u = uri.trim();
    const lower = u.toLowerCase();

    const ds = parseDatastoreUri(u);
    if (ds) return this.datastoreLocation(ds.datastore, ds.path);

    const job = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/?(.*))?$/i.exec(u);
    if (job) return this.jobOutputLocation(job[1], job[2], job[3] ?? '', depth);

    const run = /^runs:\/([^/]+)\/?(.*)$/i.exec(u);
    if (run) {
      const base = runArtifactsLocation(run[1]);
      return { container: base.container, path: joinBlobPath(base.path, run[2] ?? '') };
    }

    if (lower.startsWith('azureml://registries/')) {
      throw new DataResolutionError(`'${u}': assets in Azure ML registries are not available in the local emulator; register the asset in the workspace`);
    }

    // Asset ARM ids (possibly prefixed with azureml:), and the azureml://locations/... form of data ids.
    const armish = lower.startsWith('azureml:/subscriptions/') ? u.slice('azureml:'.length) : u;
    const child = armish.startsWith('/subscriptions/') ? parseWorkspaceChild(armish) : undefined;
    if (child) {
      const kind = child.rest[0]?.toLowerCase();
      if ((kind === 'data' || kind === 'models' || kind === 'codes') && child.rest.length === 4) {
        return this.assetLocation(kind, armish, depth);
      }
      if (kind === 'datastores' && child.rest.length >= 2) {
        return this.datastoreLocation(child.rest[1], child.rest.slice(3).join('/'));
      }
      throw new DataResolutionError(`'${u}' is an ARM id, but not of a data, model or code version`);
    }
    const loc = /^azureml:\/\/locations\/[^/]+\/workspaces\/[^/]+\/(data|models)\/([^/]+)\/versions\/([^/]+)$/i.exec(u);
    if (loc) return this.assetLocation(loc[1].toLowerCase() as 'data' | 'models', `azureml:${loc[2]}:${loc[3]}`, depth);

    if (lower.startsWith('azureml:') && !lower.startsWith('azureml://')) {
      return this.assetLocation(assetKind, u, depth);
    }

    if (lower.startsWith('http://') || lower.startsWith('https://') || lower.startsWith('wasbs://') || lower.startsWith('wasb://')) {
      const l = locationFromUrl(u, this.endpoint);
      if (l) return l;
      throw new DataResolutionError(`'${u}' is not a blob storage URL; the emulator has no internet access and reads data only from its Azurite storage`);
    }
    if (lower.startsWith('azureml://')) {
      throw new DataResolutionError(
        `'${u}' is an azureml:// URI the emulator does not understand (expected azureml://datastores/<name>/paths/<path> or azureml://jobs/<job>/outputs/<name>)`,
      );
    }
    throw new DataResolutionError(
      `'${u}' is a local path; local files must be uploaded first (submit the job with the action or 'az ml', which upload them and send a datastore URI)`,
    );
  }

  private async assetLocation(kind: 'data' | 'models' | 'codes', ref: string, depth: number): Promise<BlobLocation> {
    const { id, resource } = await this.assetVersion(kind, ref);
    const props = asObj(resource.properties);
    const key = kind === 'data' ? 'dataUri' : kind === 'models' ? 'modelUri' : 'codeUri';
    const target = pickString(props, key);
    if (!target) throw new DataResolutionError(`${kindLabel(kind)} '${id}' has no ${key}`);
    return this.resolve(target, kind === 'models' ? 'models' : 'data', depth + 1);
  }

  /** `azureml://jobs/<job>/outputs/<name>`: the URI the job recorded for that output. */
  private async jobOutputLocation(jobName: string, output: string, sub: string, depth: number): Promise<BlobLocation> {
    const job = await this.store.get(`${this.ws.id}/jobs/${jobName}`);
    if (!job) throw new DataResolutionError(`Job '${jobName}' was not found in workspace '${this.ws.workspace}'`);
    const props = asObj(job.properties) ?? {};
    const outputs = asObj(props.outputs) ?? {};
    const key = Object.keys(outputs).find((k) => k === output) ?? Object.keys(outputs).find((k) => k.toLowerCase() === output.toLowerCase());
    let base: BlobLocation;
    if (key && pickString(asObj(outputs[key]), 'uri')) {
      base = await this.resolve(pickString(asObj(outputs[key]), 'uri')!, 'data', depth + 1);
    } else if (output === 'default' || output === 'artifacts') {
      base = runArtifactsLocation(jobName);
    } else {
      const known = Object.keys(outputs);
      throw new DataResolutionError(
        `Job '${jobName}' has no output '${output}' with a location${known.length ? ` (outputs: ${known.join(', ')})` : ''}; has it completed?`,
      );
    }
    if (!sub) return base;
    const folder = base.path === '' || base.path.endsWith('/') ? base.path : `${base.path}/`;
    return { container: base.container, path: joinBlobPath(folder, sub) };
  }

  /** A code version's files: its ARM id (or azureml: reference) → the folder (or file) of `codeUri`. */
  async codeLocation(codeId: string): Promise<BlobLocation> {
    return this.assetLocation('codes', codeId, 0);
  }
}

function kindLabel(kind: AssetKind): string {
  return kind === 'data' ? 'Data asset' : kind === 'models' ? 'Model' : kind === 'codes' ? 'Code asset' : 'Component';
}
