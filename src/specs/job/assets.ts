/**
 * `code` and `environment` of a job, a step, a component or a deployment → the ARM ids of a
 * code and an environment version: references resolved, local folders and inline environments
 * planned as anonymous versions named by their content.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { SpecPath } from '../document.js';
import { isObj, type Obj } from '../../core/obj.js';
import { stableJson, versionHash, type PlanContext } from '../plan.js';
import { assetId } from '../references.js';
import { latestOnly, placeholderFree } from './common.js';

const ANON_ENV_NAME = 'CliV2AnonymousEnvironment';
const CURATED_ENV_PREFIX = 'AzureML-';

/** A code reference or a local folder (uploaded, then an anonymous code version). */
export async function codeId(ctx: PlanContext, v: unknown, path: SpecPath): Promise<string | undefined> {
  if (v === undefined || v === null) return undefined;
  const raw = isObj(v) && v.local_path !== undefined ? ctx.str(v.local_path, [...path, 'local_path']) : ctx.str(v, path);
  const r = ctx.ref(raw, path);
  switch (r.kind) {
    case 'asset':
      latestOnly(ctx, r, path);
      return ctx.assetVersionId('codes', r, path);
    case 'arm-id':
      return r.id;
    case 'local':
      return localCode(ctx, r.path, path);
    case 'git':
      return ctx.fail(
        path,
        `git code references ('${raw}') are not supported`,
        'check the code out in the workflow (actions/checkout) and give a local folder',
      );
    default:
      return ctx.fail(path, `'${raw}' is not a code reference`, 'give a local folder, azureml:<name>:<version> or a code version ARM id');
  }
}

async function localCode(ctx: PlanContext, local: string, path: SpecPath): Promise<string> {
  const upload = await ctx.snapshotOf(local, path, 'code');
  const name = upload.snapshot.hash.slice(0, 32);
  const codeUri = ctx.datastoreUri(upload.datastorePath, !upload.snapshot.isFile);
  return ctx.addAsset({
    kind: 'codes',
    name,
    version: '1',
    id: assetId(ctx.o.workspaceId, 'codes', name, '1'),
    upload,
    body: { properties: { isAnonymous: true, codeUri, properties: { contentHash: upload.snapshot.hash } } },
  });
}

/** An environment reference, or an inline environment (image or build context). */
export async function environmentId(ctx: PlanContext, v: unknown, path: SpecPath): Promise<string> {
  if (v === undefined || v === null)
    return ctx.fail(path, 'is required', 'an environment reference (azureml:<name>@latest, azureml://registries/...) or an inline environment with an image');
  if (typeof v === 'string') return environmentRef(ctx, v, path);
  if (!isObj(v)) return ctx.fail(path, 'must be an environment reference or an inline environment');
  return inlineEnvironment(ctx, v, path);
}

async function environmentRef(ctx: PlanContext, v: string, path: SpecPath): Promise<string> {
  const r = ctx.ref(v, path);
  switch (r.kind) {
    case 'asset':
      // A curated environment (AzureML-…) goes as written: "short form of curated env will be
      // expanded on the backend side" (azure-ai-ml operations/_operation_orchestrator.py
      // get_asset_arm_id, CURATED_ENV_PREFIX = "AzureML-"); Azure takes it so (recording
      // jobs/command-job-builder-code-upload.json, entry 14: environmentId azureml:AzureML-…:1, 201).
      if (r.name.startsWith(CURATED_ENV_PREFIX)) return `azureml:${v.trim().replace(/^azureml:/, '')}`;
      latestOnly(ctx, r, path);
      return ctx.assetVersionId('environments', r, path);
    case 'arm-id':
      return r.id;
    case 'registry':
      if (r.assetType !== 'environments') ctx.fail(path, `'${v}' is a registry ${r.assetType} reference, not an environment`);
      return r.uri;
    case 'local':
      // Only an explicit `file:` names an environment file; a bare string (`docker.io/python:3.11`) is a mistake.
      if (/^file:/i.test(v.trim())) return environmentFile(ctx, r.path, path);
      break;
    default:
      break;
  }
  return ctx.fail(
    path,
    `'${v}' is not an environment reference`,
    'write azureml:<name>:<version>, azureml:<name>@latest, azureml://registries/<registry>/environments/<name>/... or file:<environment.yml>',
  );
}

/**
 * `environment: file:<env.yml>` (az ml's environment YAML: image or build, conda_file, …) → an
 * environment version, as `az ml` registers it (named when the file names it, else anonymous with
 * a content hash). Paths in the file are relative to its own folder; errors point into it.
 */
async function environmentFile(ctx: PlanContext, rel: string, path: SpecPath): Promise<string> {
  return ctx.planFile(rel, path, 'environment', (sub) => inlineEnvironment(sub, sub.map(sub.doc.value, [], 'an environment file must be a YAML map'), []));
}

async function inlineEnvironment(ctx: PlanContext, v: Obj, path: SpecPath): Promise<string> {
  ctx.checkKeys(
    v,
    ['$schema', 'name', 'version', 'description', 'image', 'conda_file', 'build', 'os_type', 'tags', 'inference_config'],
    path,
    'inline environment',
  );
  const props: Obj = { isAnonymous: true, osType: 'Linux' };
  if (v.image !== undefined) props.image = placeholderFree(ctx, ctx.str(v.image, [...path, 'image']), [...path, 'image']);
  if (v.description !== undefined) props.description = ctx.str(v.description, [...path, 'description']);
  if (v.os_type !== undefined) props.osType = osType(ctx, v.os_type, [...path, 'os_type']);
  if (v.conda_file !== undefined) props.condaFile = condaFile(ctx, v.conda_file, [...path, 'conda_file']);
  let buildHash = '';
  if (v.build !== undefined) {
    const build = await buildContext(ctx, v.build, [...path, 'build']);
    buildHash = build.hash;
    props.build = build.wire;
  }
  if (props.image === undefined && props.build === undefined) ctx.fail(path, 'an inline environment needs an image or a build context');
  if (props.image !== undefined && props.build !== undefined) ctx.fail(path, 'an inline environment has either an image or a build context, not both');
  if (v.tags !== undefined) props.tags = ctx.stringMap(v.tags, [...path, 'tags']);
  const name = v.name !== undefined ? placeholderFree(ctx, ctx.str(v.name, [...path, 'name']), [...path, 'name']) : ANON_ENV_NAME;
  const version =
    v.version !== undefined ? placeholderFree(ctx, ctx.str(v.version, [...path, 'version']), [...path, 'version']) : versionHash(stableJson(props) + buildHash);
  if (v.name !== undefined) props.isAnonymous = false;
  const id = assetId(ctx.o.workspaceId, 'environments', name, version);
  return ctx.addAsset({ kind: 'environments', name, version, id, body: { properties: props } });
}

function osType(ctx: PlanContext, v: unknown, path: SpecPath): string {
  const os = ctx.str(v, path).toLowerCase();
  if (os !== 'linux' && os !== 'windows') ctx.fail(path, "must be 'linux' or 'windows'");
  return os === 'linux' ? 'Linux' : 'Windows';
}

/** An inline conda map, or a conda file next to the YAML (its text). */
function condaFile(ctx: PlanContext, v: unknown, path: SpecPath): string {
  if (isObj(v)) return JSON.stringify(v);
  const p = ctx.localPath(ctx.str(v, path));
  if (!existsSync(p)) ctx.fail(path, `file '${String(v)}' does not exist (resolved to ${p})`);
  return readFileSync(p, 'utf8');
}

async function buildContext(ctx: PlanContext, v: unknown, path: SpecPath): Promise<{ hash: string; wire: Obj }> {
  const b = ctx.map(v, path, 'must be a map with a path');
  ctx.checkKeys(b, ['path', 'dockerfile_path'], path, 'environment build section');
  const upload = await ctx.snapshotOf(ctx.str(b.path, [...path, 'path']), [...path, 'path'], 'environment build context');
  const wire = {
    contextUri: ctx.datastoreUri(upload.datastorePath, true),
    dockerfilePath: b.dockerfile_path !== undefined ? ctx.str(b.dockerfile_path, [...path, 'dockerfile_path']) : 'Dockerfile',
  };
  return { hash: upload.snapshot.hash, wire };
}
