/**
 * The reference forms of `az ml` YAML, parsed into one tagged union:
 *   azureml:name:version, azureml:name@label, azureml:/subscriptions/... (an ARM id),
 *   azureml://registries/<r>/<kind>/<name>[/versions/<v> | /labels/<l>],
 *   azureml://datastores/<ds>/paths/<p>, azureml://jobs/<job>/outputs/<o>[/paths/<p>],
 *   runs:/<run>/<path>, http(s)://, wasb(s)://, abfs(s)://, adl://, git+https://, and local paths.
 */
import type { AssetKind } from '../azure/workspace-api.js';

export type { AssetKind };

export type Reference =
  | { kind: 'asset'; name: string; version?: string; label?: string }
  | { kind: 'arm-id'; id: string }
  | { kind: 'registry'; registry: string; assetType: string; name: string; version?: string; label?: string; uri: string }
  | { kind: 'datastore'; datastore: string; path: string; uri: string }
  | { kind: 'job-output'; job: string; output: string; path?: string; uri: string }
  | { kind: 'mlflow-run'; runId: string; path: string; uri: string }
  | { kind: 'url'; scheme: string; uri: string }
  | { kind: 'git'; uri: string }
  | { kind: 'local'; path: string };

export class ReferenceError extends Error {
  override readonly name = 'ReferenceError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** Parses a reference string; throws ReferenceError (message only, the caller adds the position). */
export function parseReference(raw: string): Reference {
  const s = raw.trim();
  if (s.startsWith('azureml://')) return azuremlUri(s);
  if (s.startsWith('azureml:')) return azuremlAsset(s);
  if (s.startsWith('runs:/')) {
    const [runId, ...p] = s.slice('runs:/'.length).split('/');
    if (!runId) throw new ReferenceError(`'${s}' is not an MLflow run reference: expected runs:/<run-id>/<path>`);
    return { kind: 'mlflow-run', runId, path: p.join('/'), uri: s };
  }
  if (s.startsWith('git+')) return { kind: 'git', uri: s };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (scheme) return { kind: 'url', scheme: scheme[1].toLowerCase(), uri: s };
  if (s.startsWith('file:')) return { kind: 'local', path: s.slice('file:'.length) };
  return { kind: 'local', path: s };
}

/** `azureml://registries/...`, `azureml://datastores/...`, `azureml://jobs/...`, `azureml://subscriptions/...`. */
function azuremlUri(s: string): Reference {
  const rest = s.slice('azureml://'.length);
  const parts = rest.split('/');
  if (parts[0] === 'registries') {
    // registries/<r>/<assetType>/<name>[/versions/<v> | /labels/<l>]. Without a version or label
    // az ml sends the reference as written: azure-ai-ml passes every `azureml://registries/...`
    // string through unchanged (operations/_operation_orchestrator.py get_asset_arm_id,
    // is_registry_id_for_resource; constants REGISTRY_URI_REGEX_FORMAT) and the service picks the
    // version; Microsoft's examples use it (cli/jobs/pipelines/automl/cli-aml-demand-forecast-pipeline).
    const [, registry, assetType, name, sel, value] = parts;
    if (parts.length === 4 && registry && assetType && name) return { kind: 'registry', registry, assetType, name, uri: s };
    if (!registry || !assetType || !name || (sel !== 'versions' && sel !== 'labels') || !value || parts.length !== 6) {
      throw new ReferenceError(
        `'${s}' is not a registry reference: expected azureml://registries/<registry>/<type>/<name>, .../versions/<version> or .../labels/<label>`,
      );
    }
    return sel === 'versions'
      ? { kind: 'registry', registry, assetType, name, version: value, uri: s }
      : { kind: 'registry', registry, assetType, name, label: value, uri: s };
  }
  if (parts[0] === 'datastores') {
    const [, datastore, paths, ...p] = parts;
    if (!datastore || paths !== 'paths') {
      throw new ReferenceError(`'${s}' is not a datastore reference: expected azureml://datastores/<datastore>/paths/<path>`);
    }
    return { kind: 'datastore', datastore, path: p.join('/'), uri: s };
  }
  if (parts[0] === 'jobs') {
    const [, job, outputs, output, paths, ...p] = parts;
    if (!job || outputs !== 'outputs' || !output || (paths !== undefined && paths !== 'paths')) {
      throw new ReferenceError(`'${s}' is not a job output reference: expected azureml://jobs/<job>/outputs/<output>[/paths/<path>]`);
    }
    return { kind: 'job-output', job, output, path: paths ? p.join('/') : undefined, uri: s };
  }
  if (parts[0] === 'subscriptions') return { kind: 'arm-id', id: '/' + rest };
  throw new ReferenceError(`'${s}' is not a known azureml:// reference (registries, datastores, jobs)`);
}

/** `azureml:name:version`, `azureml:name@label`, `azureml:name`, `azureml:/subscriptions/...`. */
function azuremlAsset(s: string): Reference {
  const body = s.slice('azureml:'.length);
  if (body.startsWith('/subscriptions/')) return { kind: 'arm-id', id: body };
  const at = body.lastIndexOf('@');
  if (at > 0) {
    const name = body.slice(0, at);
    const label = body.slice(at + 1);
    checkName(name, s);
    if (!label) throw new ReferenceError(`'${s}' has an empty label: write azureml:${name}@latest`);
    return { kind: 'asset', name, label };
  }
  const colon = body.indexOf(':');
  if (colon > 0) {
    const name = body.slice(0, colon);
    const version = body.slice(colon + 1);
    checkName(name, s);
    if (!/^[A-Za-z0-9_.-]+$/.test(version)) throw new ReferenceError(`'${s}' has an invalid version '${version}'`);
    return { kind: 'asset', name, version };
  }
  checkName(body, s);
  return { kind: 'asset', name: body };
}

function checkName(name: string, s: string): void {
  if (!NAME.test(name)) {
    throw new ReferenceError(`'${s}' has an invalid asset name '${name}' (letters, digits, '-', '_', '.'; starting with a letter or digit)`);
  }
}

/** A workspace-relative ARM id of an asset version or container. */
export function assetId(workspaceId: string, kind: AssetKind, name: string, version?: string): string {
  return `${workspaceId}/${kind}/${name}${version !== undefined ? `/versions/${version}` : ''}`;
}
