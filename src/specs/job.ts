/**
 * `az ml job create -f` YAML (command, sweep, pipeline) → the ARM `JobBase` wire body of
 * api-version 2024-10-01, plus the work that must happen first: local folders to upload under
 * their content hash, and anonymous code / environment / component versions to register.
 *
 * Every field is translated or refused by name with its file and line: nothing is dropped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { SpecDocument, type SpecPath } from './document.js';
import { assetId, parseReference, ReferenceError, type AssetKind, type Reference } from './references.js';
import { snapshot, type Snapshot } from '../core/hash.js';

/** Looks up what a label (`@latest`) points at. Dry runs get one that sends nothing. */
export interface AssetResolver {
  resolveLabel(kind: AssetKind, name: string, label: string): Promise<string>;
}

export interface PlannedUpload {
  /** What the upload is for, for logs: `code`, `inputs.data_dir`, `environment build context`. */
  purpose: string;
  snapshot: Snapshot;
  /** Path inside the default datastore's container: LocalUpload/<hash>/<name>. */
  datastorePath: string;
}

export interface PlannedAsset {
  kind: Extract<AssetKind, 'codes' | 'environments' | 'components' | 'models'>;
  name: string;
  version: string;
  /** ARM id of the version. */
  id: string;
  /** Request body; `codeUri` of code versions is filled in after the datastore is known. */
  body: { properties: Record<string, unknown> };
  /** For code versions: the upload the body points at. */
  upload?: PlannedUpload;
}

export interface JobPlan {
  jobType: 'Command' | 'Sweep' | 'Pipeline';
  /** Name from the YAML, when it sets one. */
  yamlName?: string;
  body: { properties: Record<string, unknown> };
  uploads: PlannedUpload[];
  assets: PlannedAsset[];
}

export interface PlanOptions {
  workspaceId: string;
  resolver: AssetResolver;
  /** Default datastore name (workspaceblobstore). */
  datastore?: string;
}

const DEFAULT_DATASTORE = 'workspaceblobstore';
const ANON_ENV_NAME = 'CliV2AnonymousEnvironment';
const ANON_COMPONENT_NAME = 'azureml_anonymous';

const COMMON_KEYS = ['$schema', 'type', 'name', 'display_name', 'experiment_name', 'description', 'tags', 'properties', 'compute', 'identity', 'services', 'queue_settings'];
const COMMAND_KEYS = [...COMMON_KEYS, 'command', 'code', 'environment', 'environment_variables', 'inputs', 'outputs', 'resources', 'limits', 'distribution'];
const SWEEP_KEYS = [...COMMON_KEYS, 'trial', 'inputs', 'outputs', 'search_space', 'sampling_algorithm', 'objective', 'early_termination', 'limits'];
const PIPELINE_KEYS = [...COMMON_KEYS, 'inputs', 'outputs', 'settings', 'jobs'];
const TRIAL_KEYS = ['command', 'code', 'environment', 'environment_variables', 'resources', 'distribution'];
const NODE_KEYS = ['type', 'component', 'command', 'code', 'environment', 'environment_variables', 'inputs', 'outputs', 'compute', 'resources', 'distribution', 'limits', 'display_name', 'description', 'tags', 'identity', 'services', 'name'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The closest of `options` to `word` (edit distance ≤ 3), for "did you mean" hints. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** Stable JSON (sorted keys) for content hashes of bodies. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** Asset versions are at most 30 characters in Azure ML: 24 hex digits of the content hash. */
export function versionHash(s: string): string {
  return shortHash(s).slice(0, 24);
}

export class Translator {
  readonly uploads: PlannedUpload[] = [];
  readonly assets: PlannedAsset[] = [];
  private readonly baseDir: string;
  private readonly datastore: string;

  constructor(
    readonly doc: SpecDocument,
    private readonly fileOnDisk: string,
    readonly o: PlanOptions,
  ) {
    this.baseDir = dirname(fileOnDisk);
    this.datastore = o.datastore ?? DEFAULT_DATASTORE;
  }

  // ---- helpers -------------------------------------------------------------------------
  fail(path: SpecPath, message: string, hint?: string): never {
    throw this.doc.error(path, message, hint);
  }

  checkKeys(obj: Obj, allowed: readonly string[], path: SpecPath, what: string): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        const near = closest(k, allowed);
        this.fail([...path, k], `is not a field of a ${what} that azureml-actions can translate${near ? ` (did you mean '${near}'?)` : ''}`, `supported fields: ${allowed.filter((a) => a !== '$schema').join(', ')}`);
      }
    }
  }

  str(v: unknown, path: SpecPath, what = 'a string'): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(path, `must be ${what}`);
  }

  optStr(obj: Obj, key: string, path: SpecPath): string | undefined {
    return obj[key] === undefined || obj[key] === null ? undefined : this.str(obj[key], [...path, key]);
  }

  stringMap(v: unknown, path: SpecPath): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail(path, 'must be a map of names to values');
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (isObj(val) || Array.isArray(val)) this.fail([...path, k], 'must be a string, number or boolean');
      out[k] = val === null ? '' : String(val);
    }
    return out;
  }

  int(v: unknown, path: SpecPath, min = 0): number {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) this.fail(path, `must be a whole number ≥ ${min}`);
    return n as number;
  }

  num(v: unknown, path: SpecPath): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a number');
    return v as number;
  }

  ref(raw: string, path: SpecPath): Reference {
    try {
      return parseReference(raw);
    } catch (err) {
      if (err instanceof ReferenceError) this.fail(path, err.message);
      throw err;
    }
  }

  localPath(p: string): string {
    return isAbsolute(p) ? p : resolve(this.baseDir, p);
  }

  async snapshotOf(p: string, path: SpecPath, purpose: string): Promise<PlannedUpload> {
    const abs = this.localPath(p);
    if (!existsSync(abs)) this.fail(path, `local path '${p}' does not exist (resolved to ${abs})`, 'paths are relative to the folder of the YAML file');
    const snap = await snapshot(abs);
    if (snap.files.length === 0) this.fail(path, `local folder '${p}' is empty (or every file is ignored by .amlignore/.gitignore)`);
    const existing = this.uploads.find((u) => u.snapshot.hash === snap.hash && u.snapshot.name === snap.name);
    if (existing) return existing;
    const upload: PlannedUpload = { purpose, snapshot: snap, datastorePath: `LocalUpload/${snap.hash.slice(0, 32)}/${snap.name}` };
    this.uploads.push(upload);
    return upload;
  }

  datastoreUri(path: string, folder: boolean): string {
    return `azureml://datastores/${this.datastore}/paths/${path}${folder ? '/' : ''}`;
  }

  async assetVersionId(kind: AssetKind, r: Extract<Reference, { kind: 'asset' }>, path: SpecPath): Promise<string> {
    let version = r.version;
    if (!version) {
      const label = r.label ?? 'latest';
      try {
        version = await this.o.resolver.resolveLabel(kind, r.name, label);
      } catch (err) {
        // A failed call to Azure (sign-in, permissions, the service) is not the file's fault: it
        // arrives already explained (it names its operation) and is passed on as it is.
        if (typeof (err as { operation?: unknown }).operation === 'string') throw err;
        this.fail(path, `cannot resolve azureml:${r.name}@${label}: ${(err as Error).message}`);
      }
    }
    return assetId(this.o.workspaceId, kind, r.name, version);
  }

  // ---- compute, identity, services, resources --------------------------------------------
  computeId(v: unknown, path: SpecPath): string | undefined {
    if (v === undefined || v === null) return undefined;
    const s = this.str(v, path);
    if (s === 'serverless' || s === 'azureml:serverless') return undefined;
    const r = this.ref(s.startsWith('azureml:') ? s : `azureml:${s}`, path);
    if (r.kind === 'arm-id') return r.id;
    if (r.kind === 'asset' && !r.version && !r.label) return `${this.o.workspaceId}/computes/${r.name}`;
    return this.fail(path, `'${s}' is not a compute reference`, 'write azureml:<compute-name> or a compute ARM id');
  }

  identity(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map with a type');
    this.checkKeys(v, ['type', 'client_id', 'object_id', 'msi_resource_id'], path, 'job identity');
    const type = this.str(v.type, [...path, 'type']);
    const map: Record<string, string> = { managed: 'Managed', managed_identity: 'Managed', aml_token: 'AMLToken', user_identity: 'UserIdentity' };
    const identityType = map[type.toLowerCase()];
    if (!identityType) this.fail([...path, 'type'], `'${type}' is not an identity type`, 'valid: managed, aml_token, user_identity');
    const out: Obj = { identityType };
    if (v.client_id !== undefined) out.clientId = this.str(v.client_id, [...path, 'client_id']);
    if (v.object_id !== undefined) out.objectId = this.str(v.object_id, [...path, 'object_id']);
    if (v.msi_resource_id !== undefined) out.resourceId = this.str(v.msi_resource_id, [...path, 'msi_resource_id']);
    if (identityType !== 'Managed' && Object.keys(out).length > 1) this.fail(path, 'client_id, object_id and msi_resource_id apply to a managed identity only');
    return out;
  }

  services(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map of service names to services');
    const out: Obj = {};
    const types = ['vs_code', 'jupyter_lab', 'tensor_board', 'ssh'];
    for (const [name, svc] of Object.entries(v)) {
      const p = [...path, name];
      if (!isObj(svc)) this.fail(p, 'must be a map with a type');
      this.checkKeys(svc, ['type', 'log_dir', 'ssh_public_keys', 'nodes', 'port'], p, 'job service');
      const type = this.str(svc.type, [...p, 'type']);
      if (!types.includes(type)) this.fail([...p, 'type'], `'${type}' is not a job service type`, `valid: ${types.join(', ')}`);
      const s: Obj = { jobServiceType: type };
      const props: Record<string, string> = {};
      if (svc.log_dir !== undefined) props.logDir = this.str(svc.log_dir, [...p, 'log_dir']);
      if (svc.ssh_public_keys !== undefined) props.sshPublicKeys = this.str(svc.ssh_public_keys, [...p, 'ssh_public_keys']);
      if (Object.keys(props).length) s.properties = props;
      if (svc.port !== undefined) s.port = this.int(svc.port, [...p, 'port'], 1);
      if (svc.nodes !== undefined) {
        if (svc.nodes !== 'all') this.fail([...p, 'nodes'], "must be 'all'");
        s.nodes = { nodesValueType: 'All' };
      }
      out[name] = s;
    }
    return out;
  }

  resources(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map');
    this.checkKeys(v, ['instance_count', 'instance_type', 'shm_size', 'docker_args', 'properties'], path, 'resources section');
    const out: Obj = {};
    if (v.instance_count !== undefined) out.instanceCount = this.int(v.instance_count, [...path, 'instance_count'], 1);
    if (v.instance_type !== undefined) out.instanceType = this.str(v.instance_type, [...path, 'instance_type']);
    if (v.shm_size !== undefined) out.shmSize = this.str(v.shm_size, [...path, 'shm_size']);
    if (v.docker_args !== undefined) out.dockerArgs = this.str(v.docker_args, [...path, 'docker_args']);
    if (v.properties !== undefined) {
      if (!isObj(v.properties)) this.fail([...path, 'properties'], 'must be a map');
      out.properties = v.properties;
    }
    return out;
  }

  distribution(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map with a type');
    const type = this.str(v.type, [...path, 'type']).toLowerCase();
    if (type === 'pytorch' || type === 'mpi') {
      this.checkKeys(v, ['type', 'process_count_per_instance'], path, `${type} distribution`);
      const out: Obj = { distributionType: type === 'pytorch' ? 'PyTorch' : 'Mpi' };
      if (v.process_count_per_instance !== undefined) out.processCountPerInstance = this.int(v.process_count_per_instance, [...path, 'process_count_per_instance'], 1);
      return out;
    }
    if (type === 'tensorflow') {
      this.checkKeys(v, ['type', 'worker_count', 'parameter_server_count'], path, 'tensorflow distribution');
      const out: Obj = { distributionType: 'TensorFlow' };
      if (v.worker_count !== undefined) out.workerCount = this.int(v.worker_count, [...path, 'worker_count'], 1);
      if (v.parameter_server_count !== undefined) out.parameterServerCount = this.int(v.parameter_server_count, [...path, 'parameter_server_count']);
      return out;
    }
    return this.fail([...path, 'type'], `'${String(v.type)}' is not a distribution type`, 'valid: pytorch, mpi, tensorflow');
  }

  limitsCommand(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map');
    this.checkKeys(v, ['timeout'], path, 'command job limits section');
    const out: Obj = { jobLimitsType: 'Command' };
    if (v.timeout !== undefined) out.timeout = `PT${this.int(v.timeout, [...path, 'timeout'], 1)}S`;
    return out;
  }

  // ---- code and environment ------------------------------------------------------------------
  async codeId(v: unknown, path: SpecPath): Promise<string | undefined> {
    if (v === undefined || v === null) return undefined;
    const raw = isObj(v) && v.local_path !== undefined ? this.str(v.local_path, [...path, 'local_path']) : this.str(v, path);
    const r = this.ref(raw, path);
    switch (r.kind) {
      case 'asset':
        return this.assetVersionId('codes', r, path);
      case 'arm-id':
        return r.id;
      case 'local': {
        const upload = await this.snapshotOf(r.path, path, 'code');
        const name = upload.snapshot.hash.slice(0, 32);
        const id = assetId(this.o.workspaceId, 'codes', name, '1');
        if (!this.assets.some((a) => a.id === id)) {
          this.assets.push({
            kind: 'codes',
            name,
            version: '1',
            id,
            upload,
            body: { properties: { isAnonymous: true, codeUri: this.datastoreUri(upload.datastorePath, !upload.snapshot.isFile), properties: { contentHash: upload.snapshot.hash } } },
          });
        }
        return id;
      }
      case 'git':
        return this.fail(path, `git code references ('${raw}') are not supported`, 'check the code out in the workflow (actions/checkout) and give a local folder');
      default:
        return this.fail(path, `'${raw}' is not a code reference`, 'give a local folder, azureml:<name>:<version> or a code version ARM id');
    }
  }

  async environmentId(v: unknown, path: SpecPath): Promise<string> {
    if (v === undefined || v === null) return this.fail(path, 'is required', 'an environment reference (azureml:<name>@latest, azureml://registries/...) or an inline environment with an image');
    if (typeof v === 'string') {
      const r = this.ref(v, path);
      switch (r.kind) {
        case 'asset':
          return this.assetVersionId('environments', r, path);
        case 'arm-id':
          return r.id;
        case 'registry':
          if (r.assetType !== 'environments') this.fail(path, `'${v}' is a registry ${r.assetType} reference, not an environment`);
          return r.uri;
        default:
          return this.fail(path, `'${v}' is not an environment reference`, 'write azureml:<name>:<version>, azureml:<name>@latest or azureml://registries/<registry>/environments/<name>/...');
      }
    }
    if (!isObj(v)) return this.fail(path, 'must be an environment reference or an inline environment');
    this.checkKeys(v, ['$schema', 'name', 'version', 'description', 'image', 'conda_file', 'build', 'os_type', 'tags', 'inference_config'], path, 'inline environment');
    const props: Obj = { isAnonymous: true, osType: 'Linux' };
    if (v.image !== undefined) props.image = this.str(v.image, [...path, 'image']);
    if (v.description !== undefined) props.description = this.str(v.description, [...path, 'description']);
    if (v.os_type !== undefined) {
      const os = this.str(v.os_type, [...path, 'os_type']).toLowerCase();
      if (os !== 'linux' && os !== 'windows') this.fail([...path, 'os_type'], "must be 'linux' or 'windows'");
      props.osType = os === 'linux' ? 'Linux' : 'Windows';
    }
    if (v.conda_file !== undefined) {
      if (isObj(v.conda_file)) props.condaFile = JSON.stringify(v.conda_file);
      else {
        const p = this.localPath(this.str(v.conda_file, [...path, 'conda_file']));
        if (!existsSync(p)) this.fail([...path, 'conda_file'], `file '${String(v.conda_file)}' does not exist (resolved to ${p})`);
        props.condaFile = readFileSync(p, 'utf8');
      }
    }
    let buildHash = '';
    if (v.build !== undefined) {
      if (!isObj(v.build)) this.fail([...path, 'build'], 'must be a map with a path');
      this.checkKeys(v.build, ['path', 'dockerfile_path'], [...path, 'build'], 'environment build section');
      const upload = await this.snapshotOf(this.str(v.build.path, [...path, 'build', 'path']), [...path, 'build', 'path'], 'environment build context');
      buildHash = upload.snapshot.hash;
      props.build = {
        contextUri: this.datastoreUri(upload.datastorePath, true),
        dockerfilePath: v.build.dockerfile_path !== undefined ? this.str(v.build.dockerfile_path, [...path, 'build', 'dockerfile_path']) : 'Dockerfile',
      };
    }
    if (props.image === undefined && props.build === undefined) this.fail(path, 'an inline environment needs an image or a build context');
    if (props.image !== undefined && props.build !== undefined) this.fail(path, 'an inline environment has either an image or a build context, not both');
    if (v.tags !== undefined) props.tags = this.stringMap(v.tags, [...path, 'tags']);
    const name = v.name !== undefined ? this.str(v.name, [...path, 'name']) : ANON_ENV_NAME;
    const version = v.version !== undefined ? this.str(v.version, [...path, 'version']) : versionHash(stableJson(props) + buildHash);
    if (v.name !== undefined) props.isAnonymous = false;
    const id = assetId(this.o.workspaceId, 'environments', name, version);
    if (!this.assets.some((a) => a.id === id)) this.assets.push({ kind: 'environments', name, version, id, body: { properties: props } });
    return id;
  }

  // ---- inputs and outputs --------------------------------------------------------------------
  static readonly INPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
  static readonly INPUT_MODES: Record<string, string> = { ro_mount: 'ReadOnlyMount', rw_mount: 'ReadWriteMount', download: 'Download', direct: 'Direct', eval_mount: 'EvalMount', eval_download: 'EvalDownload' };
  static readonly OUTPUT_MODES: Record<string, string> = { rw_mount: 'ReadWriteMount', upload: 'Upload', direct: 'Direct' };

  async assetUri(raw: string, type: string, path: SpecPath, purpose: string): Promise<string> {
    const r = this.ref(raw, path);
    switch (r.kind) {
      case 'local': {
        const upload = await this.snapshotOf(r.path, path, purpose);
        if (type === 'uri_file' && !upload.snapshot.isFile) this.fail(path, `'${raw}' is a folder but the input type is uri_file`, 'use type: uri_folder');
        return this.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
      }
      case 'asset': {
        const kind: AssetKind = type.endsWith('_model') ? 'models' : 'data';
        return this.assetVersionId(kind, r, path);
      }
      case 'arm-id':
        return r.id;
      case 'registry':
      case 'datastore':
      case 'job-output':
      case 'mlflow-run':
        return r.uri;
      case 'url':
        if (!['https', 'http', 'wasbs', 'wasb', 'abfss', 'abfs', 'adl', 'azureml'].includes(r.scheme)) this.fail(path, `'${raw}' uses the unsupported scheme ${r.scheme}://`);
        return r.uri;
      case 'git':
        return this.fail(path, `'${raw}' is a git reference, not data`);
    }
  }

  async jobInput(v: unknown, path: SpecPath, bindingsAllowed: boolean): Promise<Obj> {
    if (v === null || v === undefined) return this.fail(path, 'has no value');
    if (!isObj(v)) {
      if (Array.isArray(v)) return this.fail(path, 'must be a value or a map with type and path');
      const value = String(v);
      if (!bindingsAllowed && /\$\{\{/.test(value)) this.checkBinding(value, path);
      return { jobInputType: 'literal', value };
    }
    this.checkKeys(v, ['type', 'path', 'mode', 'value', 'default', 'description', 'optional'], path, 'job input');
    const type = v.type === undefined ? 'uri_folder' : this.str(v.type, [...path, 'type']);
    const out: Obj = {};
    if (v.description !== undefined) out.description = this.str(v.description, [...path, 'description']);
    if (['string', 'number', 'integer', 'boolean'].includes(type)) {
      const val = v.value ?? v.default;
      if (val === undefined) this.fail(path, `a ${type} input needs a value`);
      return { ...out, jobInputType: 'literal', value: String(val) };
    }
    if (!Translator.INPUT_TYPES.includes(type)) this.fail([...path, 'type'], `'${type}' is not an input type`, `valid: ${Translator.INPUT_TYPES.join(', ')}, or a literal value`);
    if (v.path === undefined) this.fail(path, `a ${type} input needs a path`);
    const rawPath = this.str(v.path, [...path, 'path']);
    out.jobInputType = type;
    out.uri = /\$\{\{/.test(rawPath) && bindingsAllowed ? rawPath : await this.assetUri(rawPath, type, [...path, 'path'], `inputs.${String(path[path.length - 1])}`);
    if (v.mode !== undefined) {
      const mode = Translator.INPUT_MODES[this.str(v.mode, [...path, 'mode'])];
      if (!mode) this.fail([...path, 'mode'], `'${String(v.mode)}' is not an input mode`, `valid: ${Object.keys(Translator.INPUT_MODES).join(', ')}`);
      out.mode = mode;
    }
    return out;
  }

  async jobInputs(v: unknown, path: SpecPath, bindingsAllowed = false): Promise<Obj | undefined> {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map of input names to inputs');
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) out[k] = await this.jobInput(val, [...path, k], bindingsAllowed);
    return out;
  }

  jobOutput(v: unknown, path: SpecPath): Obj {
    if (v === null || v === undefined) return { jobOutputType: 'uri_folder' };
    if (!isObj(v)) return this.fail(path, 'must be empty or a map with type, path and mode');
    this.checkKeys(v, ['type', 'path', 'mode', 'description'], path, 'job output');
    const type = v.type === undefined ? 'uri_folder' : this.str(v.type, [...path, 'type']);
    if (!Translator.INPUT_TYPES.includes(type)) this.fail([...path, 'type'], `'${type}' is not an output type`, `valid: ${Translator.INPUT_TYPES.join(', ')}`);
    const out: Obj = { jobOutputType: type };
    if (v.description !== undefined) out.description = this.str(v.description, [...path, 'description']);
    if (v.path !== undefined) {
      const raw = this.str(v.path, [...path, 'path']);
      const r = this.ref(raw.replace(/\$\{\{name\}\}/g, 'x'), [...path, 'path']);
      if (r.kind !== 'datastore' && r.kind !== 'url') this.fail([...path, 'path'], `an output path must be a datastore path (azureml://datastores/<ds>/paths/<p>) or a storage URL, not '${raw}'`);
      out.uri = raw;
    }
    if (v.mode !== undefined) {
      const mode = Translator.OUTPUT_MODES[this.str(v.mode, [...path, 'mode'])];
      if (!mode) this.fail([...path, 'mode'], `'${String(v.mode)}' is not an output mode`, `valid: ${Object.keys(Translator.OUTPUT_MODES).join(', ')}`);
      out.mode = mode;
    }
    return out;
  }

  jobOutputs(v: unknown, path: SpecPath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return this.fail(path, 'must be a map of output names to outputs');
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) out[k] = this.jobOutput(val, [...path, k]);
    return out;
  }

  /** Checks `${{inputs.x}}` / `${{outputs.y}}` / `${{search_space.z}}` references in a command. */
  checkCommandRefs(command: string, path: SpecPath, scope: { inputs: string[]; outputs: string[]; searchSpace?: string[] }): void {
    for (const m of command.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)) {
      const expr = m[1];
      const parts = expr.split('.');
      const [head, name] = parts;
      const known =
        (head === 'inputs' && scope.inputs.includes(name)) ||
        (head === 'outputs' && scope.outputs.includes(name)) ||
        (head === 'search_space' && scope.searchSpace?.includes(name)) ||
        (head === 'name' && parts.length === 1);
      if (parts.length === 2 && known) continue;
      if (parts.length === 1 && head === 'name') continue;
      const pool = head === 'inputs' ? scope.inputs : head === 'outputs' ? scope.outputs : head === 'search_space' ? scope.searchSpace ?? [] : [];
      const near = name ? closest(name, pool) : undefined;
      const valid = [...scope.inputs.map((i) => `inputs.${i}`), ...scope.outputs.map((o) => `outputs.${o}`), ...(scope.searchSpace ?? []).map((s) => `search_space.${s}`)];
      this.fail(path, `refers to \${{${expr}}}, which is not defined${near ? ` (did you mean ${head}.${near}?)` : ''}`, valid.length ? `defined: ${valid.join(', ')}` : 'this job defines no inputs or outputs');
    }
  }

  checkBinding(value: string, path: SpecPath): void {
    this.fail(path, `uses the binding '${value}', which only a pipeline step can use`);
  }

  // ---- job types ----------------------------------------------------------------------------
  async common(spec: Obj, jobType: string): Promise<Obj> {
    const p: Obj = { jobType };
    const s = (k: string) => this.optStr(spec, k, []);
    if (s('display_name') !== undefined) p.displayName = s('display_name');
    if (s('experiment_name') !== undefined) p.experimentName = s('experiment_name');
    if (s('description') !== undefined) p.description = s('description');
    const tags = this.stringMap(spec.tags, ['tags']);
    if (tags) p.tags = tags;
    const props = this.stringMap(spec.properties, ['properties']);
    if (props) p.properties = props;
    const compute = this.computeId(spec.compute, ['compute']);
    if (compute) p.computeId = compute;
    const identity = this.identity(spec.identity, ['identity']);
    if (identity) p.identity = identity;
    const services = this.services(spec.services, ['services']);
    if (services) p.services = services;
    if (spec.queue_settings !== undefined) {
      if (!isObj(spec.queue_settings)) this.fail(['queue_settings'], 'must be a map');
      this.checkKeys(spec.queue_settings, ['job_tier'], ['queue_settings'], 'queue settings');
      const tiers = ['null', 'spot', 'basic', 'standard', 'premium'];
      const tier = this.str(spec.queue_settings.job_tier, ['queue_settings', 'job_tier']).toLowerCase();
      if (!tiers.includes(tier)) this.fail(['queue_settings', 'job_tier'], `'${tier}' is not a job tier`, `valid: ${tiers.join(', ')}`);
      p.queueSettings = { jobTier: tier[0].toUpperCase() + tier.slice(1) };
    }
    return p;
  }

  async command(spec: Obj): Promise<Obj> {
    this.checkKeys(spec, COMMAND_KEYS, [], 'command job');
    const p = await this.common(spec, 'Command');
    if (spec.command === undefined) this.fail([], "a command job needs 'command'");
    p.command = this.str(spec.command, ['command']).trim();
    const code = await this.codeId(spec.code, ['code']);
    if (code) p.codeId = code;
    p.environmentId = await this.environmentId(spec.environment, ['environment']);
    const env = this.stringMap(spec.environment_variables, ['environment_variables']);
    if (env) p.environmentVariables = env;
    const inputs = await this.jobInputs(spec.inputs, ['inputs']);
    if (inputs) p.inputs = inputs;
    const outputs = this.jobOutputs(spec.outputs, ['outputs']);
    if (outputs) p.outputs = outputs;
    this.checkCommandRefs(p.command as string, ['command'], { inputs: Object.keys(inputs ?? {}), outputs: [...Object.keys(outputs ?? {}), 'artifacts'] });
    const res = this.resources(spec.resources, ['resources']);
    if (res) p.resources = res;
    const limits = this.limitsCommand(spec.limits, ['limits']);
    if (limits) p.limits = limits;
    const dist = this.distribution(spec.distribution, ['distribution']);
    if (dist) p.distribution = dist;
    return p;
  }

  searchSpace(v: unknown, path: SpecPath): Obj {
    if (!isObj(v) || Object.keys(v).length === 0) return this.fail(path, 'must be a map of parameter names to distributions');
    const out: Obj = {};
    const params: Record<string, string[]> = {
      choice: ['values'],
      randint: ['upper'],
      uniform: ['min_value', 'max_value'],
      loguniform: ['min_value', 'max_value'],
      quniform: ['min_value', 'max_value', 'q'],
      qloguniform: ['min_value', 'max_value', 'q'],
      normal: ['mu', 'sigma'],
      lognormal: ['mu', 'sigma'],
      qnormal: ['mu', 'sigma', 'q'],
      qlognormal: ['mu', 'sigma', 'q'],
    };
    for (const [name, d] of Object.entries(v)) {
      const p = [...path, name];
      if (!isObj(d)) this.fail(p, 'must be a map with a type (choice, uniform, ...)');
      const type = this.str(d.type, [...p, 'type']).toLowerCase();
      const keys = params[type];
      if (!keys) this.fail([...p, 'type'], `'${type}' is not a search space distribution`, `valid: ${Object.keys(params).join(', ')}`);
      this.checkKeys(d, ['type', ...keys], p, `${type} distribution`);
      if (type === 'choice') {
        if (!Array.isArray(d.values) || d.values.length === 0) this.fail([...p, 'values'], 'must be a non-empty list');
        for (const [i, x] of (d.values as unknown[]).entries()) {
          if (isObj(x) || Array.isArray(x)) this.fail([...p, 'values', i], 'nested search spaces are not supported; give plain values');
        }
        out[name] = ['choice', [d.values]];
      } else if (type === 'randint') {
        out[name] = ['randint', [this.int(d.upper, [...p, 'upper'], 1)]];
      } else {
        const args = keys.map((k) => this.num(d[k], [...p, k]));
        if (type.includes('uniform') && args[0] >= args[1]) this.fail([...p, 'max_value'], 'must be greater than min_value');
        out[name] = [type, args];
      }
    }
    return out;
  }

  async sweep(spec: Obj): Promise<Obj> {
    this.checkKeys(spec, SWEEP_KEYS, [], 'sweep job');
    const p = await this.common(spec, 'Sweep');
    if (!isObj(spec.trial)) this.fail(['trial'], 'a sweep job needs a trial (command, code, environment)');
    const trialSpec = spec.trial as Obj;
    this.checkKeys(trialSpec, TRIAL_KEYS, ['trial'], 'sweep trial');
    if (trialSpec.command === undefined) this.fail(['trial'], "the trial needs 'command'");
    const trial: Obj = { command: this.str(trialSpec.command, ['trial', 'command']).trim() };
    const code = await this.codeId(trialSpec.code, ['trial', 'code']);
    if (code) trial.codeId = code;
    trial.environmentId = await this.environmentId(trialSpec.environment, ['trial', 'environment']);
    const env = this.stringMap(trialSpec.environment_variables, ['trial', 'environment_variables']);
    if (env) trial.environmentVariables = env;
    const res = this.resources(trialSpec.resources, ['trial', 'resources']);
    if (res) trial.resources = res;
    const dist = this.distribution(trialSpec.distribution, ['trial', 'distribution']);
    if (dist) trial.distribution = dist;
    p.trial = trial;
    const inputs = await this.jobInputs(spec.inputs, ['inputs']);
    if (inputs) p.inputs = inputs;
    const outputs = this.jobOutputs(spec.outputs, ['outputs']);
    if (outputs) p.outputs = outputs;
    if (spec.search_space === undefined) this.fail([], "a sweep job needs 'search_space'");
    p.searchSpace = this.searchSpace(spec.search_space, ['search_space']);
    this.checkCommandRefs(trial.command as string, ['trial', 'command'], {
      inputs: Object.keys(inputs ?? {}),
      outputs: [...Object.keys(outputs ?? {}), 'artifacts'],
      searchSpace: Object.keys(p.searchSpace as Obj),
    });
    // sampling algorithm
    const sa = spec.sampling_algorithm;
    if (sa === undefined) this.fail([], "a sweep job needs 'sampling_algorithm' (random, grid or bayesian)");
    const saObj = isObj(sa) ? sa : { type: sa };
    if (isObj(sa)) this.checkKeys(sa, ['type', 'seed', 'rule'], ['sampling_algorithm'], 'sampling algorithm');
    const saType = this.str(saObj.type, isObj(sa) ? ['sampling_algorithm', 'type'] : ['sampling_algorithm']).toLowerCase();
    const saMap: Record<string, string> = { random: 'Random', grid: 'Grid', bayesian: 'Bayesian' };
    if (!saMap[saType]) this.fail(['sampling_algorithm'], `'${saType}' is not a sampling algorithm`, 'valid: random, grid, bayesian');
    const algo: Obj = { samplingAlgorithmType: saMap[saType] };
    if (saObj.seed !== undefined) algo.seed = this.int(saObj.seed, ['sampling_algorithm', 'seed']);
    if (saObj.rule !== undefined) {
      const rule = this.str(saObj.rule, ['sampling_algorithm', 'rule']).toLowerCase();
      if (rule !== 'random' && rule !== 'sobol') this.fail(['sampling_algorithm', 'rule'], "must be 'random' or 'sobol'");
      algo.rule = rule === 'sobol' ? 'Sobol' : 'Random';
    }
    if ((algo.seed !== undefined || algo.rule !== undefined) && saType !== 'random') this.fail(['sampling_algorithm'], 'seed and rule apply to random sampling only');
    if (saType === 'grid') {
      for (const [name, d] of Object.entries(p.searchSpace as Obj)) {
        if ((d as unknown[])[0] !== 'choice') this.fail(['search_space', name], 'grid sampling needs choice distributions only');
      }
    }
    p.samplingAlgorithm = algo;
    // objective
    if (!isObj(spec.objective)) this.fail(['objective'], 'a sweep job needs an objective with goal and primary_metric');
    const obj = spec.objective as Obj;
    this.checkKeys(obj, ['goal', 'primary_metric'], ['objective'], 'objective');
    const goal = this.str(obj.goal, ['objective', 'goal']).toLowerCase();
    if (goal !== 'minimize' && goal !== 'maximize') this.fail(['objective', 'goal'], "must be 'minimize' or 'maximize'");
    p.objective = { goal: goal === 'minimize' ? 'Minimize' : 'Maximize', primaryMetric: this.str(obj.primary_metric, ['objective', 'primary_metric']) };
    // early termination
    if (spec.early_termination !== undefined && spec.early_termination !== null) {
      const et = spec.early_termination;
      if (!isObj(et)) this.fail(['early_termination'], 'must be a map with a type');
      const t = this.str((et as Obj).type, ['early_termination', 'type']).toLowerCase();
      const common = ['type', 'evaluation_interval', 'delay_evaluation'];
      const policy: Obj = {};
      if (t === 'bandit') {
        this.checkKeys(et as Obj, [...common, 'slack_factor', 'slack_amount'], ['early_termination'], 'bandit policy');
        policy.policyType = 'Bandit';
        if ((et as Obj).slack_factor !== undefined) policy.slackFactor = this.num((et as Obj).slack_factor, ['early_termination', 'slack_factor']);
        if ((et as Obj).slack_amount !== undefined) policy.slackAmount = this.num((et as Obj).slack_amount, ['early_termination', 'slack_amount']);
      } else if (t === 'median_stopping') {
        this.checkKeys(et as Obj, common, ['early_termination'], 'median stopping policy');
        policy.policyType = 'MedianStopping';
      } else if (t === 'truncation_selection') {
        this.checkKeys(et as Obj, [...common, 'truncation_percentage'], ['early_termination'], 'truncation selection policy');
        policy.policyType = 'TruncationSelection';
        if ((et as Obj).truncation_percentage !== undefined) policy.truncationPercentage = this.int((et as Obj).truncation_percentage, ['early_termination', 'truncation_percentage']);
      } else {
        this.fail(['early_termination', 'type'], `'${t}' is not an early termination policy`, 'valid: bandit, median_stopping, truncation_selection');
      }
      if ((et as Obj).evaluation_interval !== undefined) policy.evaluationInterval = this.int((et as Obj).evaluation_interval, ['early_termination', 'evaluation_interval']);
      if ((et as Obj).delay_evaluation !== undefined) policy.delayEvaluation = this.int((et as Obj).delay_evaluation, ['early_termination', 'delay_evaluation']);
      p.earlyTermination = policy;
    }
    // limits
    if (spec.limits !== undefined && spec.limits !== null) {
      if (!isObj(spec.limits)) this.fail(['limits'], 'must be a map');
      const l = spec.limits as Obj;
      this.checkKeys(l, ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'], ['limits'], 'sweep limits section');
      const limits: Obj = { jobLimitsType: 'Sweep' };
      if (l.max_total_trials !== undefined) limits.maxTotalTrials = this.int(l.max_total_trials, ['limits', 'max_total_trials'], 1);
      if (l.max_concurrent_trials !== undefined) limits.maxConcurrentTrials = this.int(l.max_concurrent_trials, ['limits', 'max_concurrent_trials'], 1);
      if (l.timeout !== undefined) limits.timeout = `PT${this.int(l.timeout, ['limits', 'timeout'], 1)}S`;
      if (l.trial_timeout !== undefined) limits.trialTimeout = `PT${this.int(l.trial_timeout, ['limits', 'trial_timeout'], 1)}S`;
      p.limits = limits;
    }
    return p;
  }

  /** Pipeline steps become anonymous component versions plus node entries that bind them. */
  async pipeline(spec: Obj): Promise<Obj> {
    this.checkKeys(spec, PIPELINE_KEYS, [], 'pipeline job');
    const p = await this.common(spec, 'Pipeline');
    const inputs = await this.jobInputs(spec.inputs, ['inputs']);
    if (inputs) p.inputs = inputs;
    const outputs = this.jobOutputs(spec.outputs, ['outputs']);
    if (outputs) p.outputs = outputs;
    const settings: Obj = {};
    if (spec.settings !== undefined && spec.settings !== null) {
      if (!isObj(spec.settings)) this.fail(['settings'], 'must be a map');
      const st = spec.settings as Obj;
      this.checkKeys(st, ['default_compute', 'default_datastore', 'continue_on_step_failure', 'force_rerun', 'default_environment'], ['settings'], 'pipeline settings section');
      if (st.default_compute !== undefined) settings.default_compute = this.computeId(st.default_compute, ['settings', 'default_compute']);
      if (st.default_datastore !== undefined) {
        const ds = this.str(st.default_datastore, ['settings', 'default_datastore']).replace(/^azureml:/, '');
        settings.default_datastore = `${this.o.workspaceId}/datastores/${ds}`;
      }
      if (st.continue_on_step_failure !== undefined) settings.continue_on_step_failure = Boolean(st.continue_on_step_failure);
      if (st.force_rerun !== undefined) settings.force_rerun = Boolean(st.force_rerun);
      if (st.default_environment !== undefined) settings.default_environment = await this.environmentId(st.default_environment, ['settings', 'default_environment']);
    }
    settings._source = 'YAML.JOB';
    p.settings = settings;
    if (!isObj(spec.jobs) || Object.keys(spec.jobs).length === 0) this.fail(['jobs'], 'a pipeline job needs at least one step under jobs');
    const jobs = spec.jobs as Obj;
    const stepNames = Object.keys(jobs);
    const nodes: Obj = {};
    for (const [stepName, node] of Object.entries(jobs)) {
      const path: SpecPath = ['jobs', stepName];
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(stepName)) this.fail(path, 'a step name starts with a letter or _ and has letters, digits and _ only');
      if (!isObj(node)) this.fail(path, 'must be a step (a map with a command or a component)');
      nodes[stepName] = await this.pipelineNode(stepName, node as Obj, path, { inputs: Object.keys(inputs ?? {}), outputs: Object.keys(outputs ?? {}), steps: stepNames, jobs });
    }
    p.jobs = nodes;
    return p;
  }

  async pipelineNode(stepName: string, node: Obj, path: SpecPath, parent: { inputs: string[]; outputs: string[]; steps: string[]; jobs: Obj }): Promise<Obj> {
    this.checkKeys(node, NODE_KEYS, path, 'pipeline step');
    const type = node.type === undefined ? 'command' : this.str(node.type, [...path, 'type']);
    if (type !== 'command') this.fail([...path, 'type'], `steps of type '${type}' are not supported`, 'supported: command steps (inline, or a component: file or reference)');
    // bindings of node inputs / outputs
    const restInputs: Obj = {};
    const componentInputs: Obj = {};
    for (const [name, v] of Object.entries(isObj(node.inputs) ? node.inputs : {})) {
      const ip: SpecPath = [...path, 'inputs', name];
      if (typeof v === 'string' && /^\s*\$\{\{.*\}\}\s*$/.test(v)) {
        this.checkPipelineBinding(v, ip, parent, stepName);
        restInputs[name] = { job_input_type: 'literal', value: v.trim() };
        componentInputs[name] = { type: /outputs\./.test(v) ? 'uri_folder' : 'string' };
      } else {
        const rest = await this.jobInput(v, ip, true);
        const { jobInputType, ...others } = rest;
        restInputs[name] = { job_input_type: jobInputType, ...others };
        componentInputs[name] = { type: jobInputType === 'literal' ? literalType(v) : jobInputType };
      }
    }
    if (node.inputs !== undefined && node.inputs !== null && !isObj(node.inputs)) this.fail([...path, 'inputs'], 'must be a map');
    const restOutputs: Obj = {};
    const componentOutputs: Obj = {};
    for (const [name, v] of Object.entries(isObj(node.outputs) ? node.outputs : {})) {
      const op: SpecPath = [...path, 'outputs', name];
      if (typeof v === 'string' && /^\s*\$\{\{.*\}\}\s*$/.test(v)) {
        const m = /^\s*\$\{\{\s*parent\.outputs\.([A-Za-z0-9_]+)\s*\}\}\s*$/.exec(v);
        if (!m || !parent.outputs.includes(m[1])) this.fail(op, `'${v}' must bind a pipeline output: \${{parent.outputs.<name>}}`, parent.outputs.length ? `pipeline outputs: ${parent.outputs.join(', ')}` : 'this pipeline defines no outputs');
        restOutputs[name] = { type: 'literal', value: v.trim() };
        componentOutputs[name] = { type: 'uri_folder' };
      } else {
        const rest = this.jobOutput(v, op);
        const { jobOutputType, ...others } = rest;
        restOutputs[name] = { job_output_type: jobOutputType, ...others };
        componentOutputs[name] = { type: jobOutputType };
      }
    }
    const out: Obj = { name: stepName, type: 'command', _source: 'YAML.JOB' };
    if (node.display_name !== undefined) out.display_name = this.str(node.display_name, [...path, 'display_name']);
    if (node.compute !== undefined) out.computeId = this.computeId(node.compute, [...path, 'compute']);
    if (node.environment_variables !== undefined) out.environment_variables = this.stringMap(node.environment_variables, [...path, 'environment_variables']);
    if (node.resources !== undefined) out.resources = this.resources(node.resources, [...path, 'resources']);
    if (node.distribution !== undefined) out.distribution = this.distribution(node.distribution, [...path, 'distribution']);
    if (node.limits !== undefined) out.limits = this.limitsCommand(node.limits, [...path, 'limits']);
    if (node.tags !== undefined) out.tags = this.stringMap(node.tags, [...path, 'tags']);
    if (Object.keys(restInputs).length) out.inputs = restInputs;
    if (Object.keys(restOutputs).length) out.outputs = restOutputs;

    if (node.component !== undefined) {
      if (node.command !== undefined || node.code !== undefined || node.environment !== undefined) this.fail(path, 'a step has either a component or command/code/environment, not both');
      out.componentId = await this.componentRef(node.component, [...path, 'component']);
      return out;
    }
    if (node.command === undefined) this.fail(path, 'a step needs a command (inline) or a component');
    const command = this.str(node.command, [...path, 'command']).trim();
    this.checkCommandRefs(command, [...path, 'command'], { inputs: Object.keys(componentInputs), outputs: [...Object.keys(componentOutputs), 'artifacts'] });
    const componentSpec: Obj = {
      $schema: 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json',
      name: ANON_COMPONENT_NAME,
      type: 'command',
      command,
      is_deterministic: true,
    };
    const code = await this.codeId(node.code, [...path, 'code']);
    if (code) componentSpec.code = `azureml:${code}`;
    const envSpec = node.environment;
    if (envSpec === undefined && !(isObj(this.doc.value) && isObj((this.doc.value as Obj).settings) && ((this.doc.value as Obj).settings as Obj).default_environment)) {
      this.fail(path, 'a step needs an environment (or the pipeline settings.default_environment)');
    }
    if (envSpec !== undefined) componentSpec.environment = `azureml:${await this.environmentId(envSpec, [...path, 'environment'])}`;
    if (Object.keys(componentInputs).length) componentSpec.inputs = componentInputs;
    if (Object.keys(componentOutputs).length) componentSpec.outputs = componentOutputs;
    out.componentId = this.registerComponent(componentSpec);
    return out;
  }

  registerComponent(componentSpec: Obj): string {
    const version = versionHash(stableJson(componentSpec));
    const spec = { ...componentSpec, version };
    const id = assetId(this.o.workspaceId, 'components', ANON_COMPONENT_NAME, version);
    if (!this.assets.some((a) => a.id === id)) {
      this.assets.push({ kind: 'components', name: ANON_COMPONENT_NAME, version, id, body: { properties: { componentSpec: spec, isAnonymous: true } } });
    }
    return id;
  }

  async componentRef(v: unknown, path: SpecPath): Promise<string> {
    if (isObj(v)) return this.fail(path, 'inline component definitions are not supported; put the component in its own YAML file and give its path');
    const raw = this.str(v, path);
    const r = this.ref(raw, path);
    if (r.kind === 'asset') return this.assetVersionId('components', r, path);
    if (r.kind === 'arm-id') return r.id;
    if (r.kind === 'registry') return r.uri;
    if (r.kind !== 'local') this.fail(path, `'${raw}' is not a component reference`, 'a local component YAML file, azureml:<name>:<version> or azureml:<name>@latest');
    const file = this.localPath(r.path);
    if (!existsSync(file)) this.fail(path, `component file '${r.path}' does not exist (resolved to ${file})`, 'paths are relative to the folder of the YAML file');
    const sub = SpecDocument.load(file, join(dirname(this.doc.file), r.path), this.doc.input);
    const t = new Translator(sub, file, this.o);
    const id = await t.componentFile();
    this.uploads.push(...t.uploads.filter((u) => !this.uploads.includes(u)));
    for (const a of t.assets) if (!this.assets.some((x) => x.id === a.id)) this.assets.push(a);
    return id;
  }

  /** A `type: command` component YAML file → a component version (named when it has a name). */
  async componentFile(): Promise<string> {
    const spec = this.doc.value;
    if (!isObj(spec)) this.fail([], 'a component file must be a YAML map');
    const c = spec as Obj;
    this.checkKeys(c, ['$schema', 'name', 'version', 'display_name', 'description', 'type', 'command', 'code', 'environment', 'inputs', 'outputs', 'tags', 'is_deterministic', 'resources', 'distribution', 'environment_variables'], [], 'command component');
    if (c.type !== undefined && c.type !== 'command') this.fail(['type'], `components of type '${String(c.type)}' are not supported`, 'supported: command components');
    if (c.command === undefined) this.fail([], "a command component needs 'command'");
    const out: Obj = { $schema: 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json', type: 'command' };
    for (const k of ['name', 'version', 'display_name', 'description']) if (c[k] !== undefined) out[k] = this.str(c[k], [k]);
    out.command = this.str(c.command, ['command']).trim();
    const code = await this.codeId(c.code, ['code']);
    if (code) out.code = `azureml:${code}`;
    out.environment = `azureml:${await this.environmentId(c.environment, ['environment'])}`;
    const typeNames = [...Translator.INPUT_TYPES, 'string', 'number', 'integer', 'boolean'];
    for (const section of ['inputs', 'outputs'] as const) {
      if (c[section] === undefined || c[section] === null) continue;
      if (!isObj(c[section])) this.fail([section], 'must be a map');
      const m: Obj = {};
      for (const [name, d] of Object.entries(c[section] as Obj)) {
        const dp: SpecPath = [section, name];
        if (!isObj(d)) this.fail(dp, 'must be a map with a type');
        this.checkKeys(d, ['type', 'description', 'default', 'optional', 'min', 'max', 'enum', 'mode'], dp, `component ${section.slice(0, -1)}`);
        const t = d.type === undefined ? 'uri_folder' : this.str(d.type, [...dp, 'type']);
        if (!typeNames.includes(t)) this.fail([...dp, 'type'], `'${t}' is not a component ${section.slice(0, -1)} type`, `valid: ${typeNames.join(', ')}`);
        m[name] = d;
      }
      out[section] = m;
    }
    this.checkCommandRefs(out.command as string, ['command'], { inputs: Object.keys((out.inputs as Obj) ?? {}), outputs: [...Object.keys((out.outputs as Obj) ?? {}), 'artifacts'] });
    if (c.tags !== undefined) out.tags = this.stringMap(c.tags, ['tags']);
    out.is_deterministic = c.is_deterministic === undefined ? true : Boolean(c.is_deterministic);
    if (out.name === undefined) return this.registerComponent(out);
    const name = out.name as string;
    const version = (out.version as string | undefined) ?? versionHash(stableJson(out)).slice(0, 12);
    out.version = version;
    const id = assetId(this.o.workspaceId, 'components', name, version);
    if (!this.assets.some((a) => a.id === id)) this.assets.push({ kind: 'components', name, version, id, body: { properties: { componentSpec: out, isAnonymous: false } } });
    return id;
  }

  checkPipelineBinding(v: string, path: SpecPath, parent: { inputs: string[]; outputs: string[]; steps: string[]; jobs: Obj }, self: string): void {
    const m = /^\s*\$\{\{\s*parent\.(inputs\.([A-Za-z0-9_]+)|jobs\.([A-Za-z0-9_]+)\.outputs\.([A-Za-z0-9_]+))\s*\}\}\s*$/.exec(v);
    if (!m) this.fail(path, `'${v}' is not a pipeline binding`, 'write ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<name>}}');
    if (m[2] !== undefined) {
      if (!parent.inputs.includes(m[2])) {
        const near = closest(m[2], parent.inputs);
        this.fail(path, `binds the pipeline input '${m[2]}', which is not defined${near ? ` (did you mean '${near}'?)` : ''}`, parent.inputs.length ? `pipeline inputs: ${parent.inputs.join(', ')}` : 'this pipeline defines no inputs');
      }
      return;
    }
    const [step, output] = [m[3], m[4]];
    if (!parent.steps.includes(step)) {
      const near = closest(step, parent.steps);
      this.fail(path, `binds the step '${step}', which is not in this pipeline${near ? ` (did you mean '${near}'?)` : ''}`, `steps: ${parent.steps.join(', ')}`);
    }
    if (step === self) this.fail(path, `a step cannot bind its own output (${step})`);
    const other = parent.jobs[step];
    const declared = isObj(other) && isObj(other.outputs) ? Object.keys(other.outputs) : [];
    if (output !== 'artifacts' && isObj(other) && other.component === undefined && !declared.includes(output)) {
      const near = closest(output, declared);
      this.fail(path, `binds output '${output}' of step '${step}', which that step does not declare${near ? ` (did you mean '${near}'?)` : ''}`, declared.length ? `outputs of ${step}: ${declared.join(', ')}` : `step ${step} declares no outputs`);
    }
  }
}

function literalType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

/** Translates a job YAML document (after `set` overrides) into a plan. */
export async function planJob(doc: SpecDocument, fileOnDisk: string, spec: unknown, options: PlanOptions): Promise<JobPlan> {
  if (!isObj(spec)) throw doc.error([], 'a job file must be a YAML map (command, sweep or pipeline job)');
  const t = new Translator(doc, fileOnDisk, options);
  const type = spec.type === undefined ? 'command' : t.str(spec.type, ['type']);
  let properties: Obj;
  let jobType: JobPlan['jobType'];
  switch (type) {
    case 'command':
      properties = await t.command(spec);
      jobType = 'Command';
      break;
    case 'sweep':
      properties = await t.sweep(spec);
      jobType = 'Sweep';
      break;
    case 'pipeline':
      properties = await t.pipeline(spec);
      jobType = 'Pipeline';
      break;
    case 'automl':
    case 'spark':
    case 'parallel':
    case 'import':
      throw doc.error(['type'], `'${type}' jobs are not supported by azureml-actions yet`, 'supported job types: command, sweep, pipeline');
    default: {
      const near = closest(type, ['command', 'sweep', 'pipeline']);
      throw doc.error(['type'], `'${type}' is not a job type${near ? ` (did you mean '${near}'?)` : ''}`, 'valid: command, sweep, pipeline');
    }
  }
  const yamlName = typeof spec.name === 'string' ? spec.name : undefined;
  return { jobType, yamlName, body: { properties }, uploads: t.uploads, assets: t.assets };
}
