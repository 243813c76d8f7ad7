/**
 * register-model: the flow behind the action.
 *
 *   inputs → find the files (job output, datastore, run, local) and their content hash →
 *   check them for the model type → check the package inputs → lineage (workflow run, the
 *   metric-gate ledger entry or `metrics`) → the same content already registered? →
 *   upload local files → write the package → PUT the version (the one commit point; the next
 *   number on conflicts) → move aliases → promote to a registry → outputs, summary, ledger.
 *
 * Everything that can fail because of the user's input fails before the PUT, so a failed run
 * leaves no version behind; a re-run finds the version the first run made (`created: false`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBlobStore, type BlobStore } from '../azure/blob.js';
import { createAzureContext, readAzureInputs, type AzureContext, type AzureSettings } from '../azure/context.js';
import { withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import { escapeText, htmlTable, link } from '../core/escape.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import type { InputReader } from '../core/inputs.js';
import type { ActionIO } from '../core/io.js';
import { readRegisterModelInputs, type RegisterModelSettings } from './inputs/register-model.js';
import { formatBytes } from '../jobs/submit.js';
import { appendLedger, readLedger } from '../core/ledger.js';
import { buildLineage, gateFromLedger } from '../models/lineage.js';
import { packageOf, preparePackage, readPackageManifest, writePackage, type PreparedPackage, type WrittenPackage } from '../models/package.js';
import { findRegistry, promoteToRegistry, type PromoteDeps, type PromoteResult, type RegistryResource } from '../models/promote.js';
import { resolveModelSource, type ResolvedModel } from '../models/source.js';
import { createModelUploader } from '../models/upload.js';
import { armFlavors, validateModelFiles, type ModelCheck } from '../models/validate.js';
import {
  aliasesOf,
  commitVersion,
  CONTENT_HASH_PROPERTY,
  findByContent,
  holdsContent,
  MANIFEST_SHA256_PROPERTY,
  moveAliases,
  PACKAGE_PROPERTY,
  REGISTRATION_PROPERTY,
  retagBody,
  SOURCE_PROPERTY,
  tagsOf,
  versionConflictError,
  workspaceModelStore,
  type AliasMove,
  type ModelVersion,
  type ModelStore,
  type ModelVersionBody,
} from '../models/versions.js';
import { modelAliasTag } from '../metrics/baseline.js';

export interface RegisterModelDeps {
  reader: InputReader;
  io: ActionIO;
  env?: Record<string, string | undefined>;
  /** Aborted when the runner cancels the step. */
  abortSignal?: AbortSignal;
  now?: () => Date;
}

export interface RegisterModelOutcome {
  name: string;
  version: string;
  id: string;
  uri: string;
  created: boolean;
  contentHash: string;
  manifest?: string;
  registry?: PromoteResult;
  aliases: AliasMove[];
}

/** What every phase works with: the inputs, the workspace, and the stores. */
interface Session {
  io: ActionIO;
  env: Record<string, string | undefined>;
  now: () => Date;
  run: ReturnType<typeof readWorkflowRun>;
  settings: RegisterModelSettings;
  azure: AzureSettings;
  ctx: AzureContext;
  models: ModelStore;
  blobStore: (datastore?: string) => Promise<BlobStore>;
  packageDeps: Parameters<typeof writePackage>[2];
  promoteDeps: PromoteDeps;
  abortSignal?: AbortSignal;
  info: (m: string) => void;
}

type Package = WrittenPackage | { text: string; uri: string };

interface Registered {
  version: ModelVersion;
  created: boolean;
  pkg?: Package;
}

export async function registerModelMain(deps: RegisterModelDeps): Promise<RegisterModelOutcome> {
  const s = await openSession(deps);
  // 1–2. The files, wherever they are, their content hash, and what the type requires.
  const { source, check } = await s.io.group(`Model files: ${s.settings.source.display}`, () => readModelFiles(s));
  // 3. The package inputs and the registry: checked before anything is written.
  const prepared = s.settings.package
    ? await preparePackage(
        { environment: s.settings.environment, code: s.settings.code, scoringScript: s.settings.scoringScript, workspaceDir: s.run.workspace },
        s.packageDeps,
      )
    : undefined;
  const registryFound = s.settings.promoteToRegistry
    ? await findRegistry(s.promoteDeps, s.settings.promoteToRegistry, s.settings.registryResourceGroup)
    : undefined;
  // 4. Lineage.
  const tags = lineageOf(s, source);
  // 5–6. Already registered? Else upload, package, commit.
  const existing = await findExisting(s, source);
  const registered = existing ? await reuseVersion(s, existing, source, check, tags, prepared) : await registerVersion(s, source, check, tags, prepared);
  // 7. Aliases.
  const { version, moves } = await applyAliases(s, registered.version);
  // 8. Registry.
  const registry = s.settings.promoteToRegistry
    ? await s.io.group(`Promotion to registry ${s.settings.promoteToRegistry}`, () => promote(s, version, source, registryFound))
    : undefined;
  // 9. Outputs, summary, ledger.
  const uri = await publish(s, { ...registered, version }, source, tags, registry);
  return {
    name: s.settings.name,
    version: version.name,
    id: version.id,
    uri,
    created: registered.created,
    contentHash: source.contentHash,
    ...(registered.pkg ? { manifest: registered.pkg.text } : {}),
    ...(registry ? { registry } : {}),
    aliases: moves,
  };
}

async function openSession(deps: RegisterModelDeps): Promise<Session> {
  const env = deps.env ?? process.env;
  const run = readWorkflowRun(env);
  const settings = readRegisterModelInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  const ctx = await createAzureContext(azure, { actionName: 'register-model', info: (m) => deps.io.info(m) });
  const { abortSignal, io } = deps;
  const blobStore = blobStores(ctx, settings.datastore, abortSignal);
  const defaultStore = () => blobStore(settings.datastore);
  const uploader = createModelUploader(defaultStore, { ...settings.upload, abortSignal });
  const info = (m: string) => io.info(m);
  return {
    io,
    env,
    now: deps.now ?? (() => new Date()),
    run,
    settings,
    azure,
    ctx,
    models: workspaceModelStore(ctx.arm, azure.workspaceName),
    blobStore,
    packageDeps: { arm: ctx.arm, blobStore: defaultStore, uploader, workspaceName: azure.workspaceName, info, abortSignal },
    promoteDeps: { arm: ctx.arm, subscriptionId: azure.subscriptionId, info, abortSignal },
    abortSignal,
    info,
  };
}

/** The workspace's blob datastores, each opened once; a `datastore` input that names none is the user's to fix. */
function blobStores(ctx: AzureContext, inputDatastore: string | undefined, abortSignal?: AbortSignal): (datastore?: string) => Promise<BlobStore> {
  const stores = new Map<string, Promise<BlobStore>>();
  return (datastore) => {
    const key = (datastore ?? '').toLowerCase();
    let s = stores.get(key);
    if (!s) {
      s = createBlobStore(ctx, { ...(datastore ? { datastoreName: datastore } : {}), abortSignal }).catch((error: unknown) => {
        if (datastore && datastore === inputDatastore && (error as { statusCode?: number }).statusCode === 404) {
          throw new ConfigurationError(`Input 'datastore': the workspace has no datastore '${datastore}'.`, {
            input: 'datastore',
            hint: 'Leave it empty for the workspace default (workspaceblobstore), or name an Azure Blob datastore of the workspace.',
            cause: error,
          });
        }
        throw error;
      });
      s.catch(() => stores.delete(key));
      stores.set(key, s);
    }
    return s;
  };
}

async function readModelFiles(s: Session): Promise<{ source: ResolvedModel; check: ModelCheck }> {
  const { settings, info } = s;
  const source = await resolveModelSource(settings.source, {
    arm: s.ctx.arm,
    blobStore: s.blobStore,
    uploader: s.packageDeps.uploader,
    uploadSettings: settings.upload,
    workspaceName: s.azure.workspaceName,
    info,
    abortSignal: s.abortSignal,
    cloud: { env: s.env, setSecret: (secret) => s.io.setSecret(secret) },
  });
  info(`${source.display}: ${source.files.length} file(s), ${formatBytes(source.bytes)}, content hash ${source.contentHash}`);
  const check = await validateModelFiles(settings.type, {
    display: source.display,
    isFile: source.isFile,
    paths: source.files.map((f) => f.path),
    read: (p) => source.read(p),
  });
  if (check.mlmodel) {
    info(`MLmodel: flavors ${Object.keys(check.mlmodel.flavors).join(', ')}${check.mlmodel.signature ? '; with a signature' : '; no signature'}`);
  }
  if (check.tritonModels) info(`Triton repository: ${check.tritonModels.join(', ')}`);
  return { source, check };
}

/** The tags written on the version: the workflow run, the gate's verdict and metrics (or `metrics`), then the `tags` input. */
function lineageOf(s: Session, source: ResolvedModel): Record<string, string> {
  const { settings, io } = s;
  const gate = settings.metrics ? undefined : gateFromLedger(readLedger(s.env));
  if (gate?.jobName && source.jobName && gate.jobName !== source.jobName) {
    io.warning(
      `The metric gate of this job read job ${gate.jobName}, but the model comes from job ${source.jobName}: its verdict and metrics are written on the model all the same.`,
    );
  }
  const lineage = buildLineage({
    run: s.run,
    ...(source.jobName ? { sourceJob: source.jobName } : {}),
    source: source.display,
    ...(gate ? { gate } : {}),
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
  });
  if (lineage.droppedMetrics.length > 0)
    io.warning(
      `Only the first ${Object.keys(lineage.tags).filter((k) => k.startsWith('metric.')).length} metrics are written as tags; left out: ${lineage.droppedMetrics.join(', ')}.`,
    );
  if (gate)
    s.info(
      `Metric gate of this job: ${gate.passed ? 'passed' : 'failed'}${gate.counts ? ` (${gate.counts})` : ''}; ${Object.keys(gate.metrics).length} metric(s) written as tags.`,
    );
  else if (settings.metrics) s.info(`${Object.keys(settings.metrics).length} metric(s) from the metrics input written as tags.`);
  return { ...lineage.tags, ...source.lineage, ...settings.tags };
}

/** The version that already holds these files; a `version` input taken by other files fails here, before any upload. */
async function findExisting(s: Session, source: ResolvedModel): Promise<ModelVersion | undefined> {
  const { settings, models } = s;
  if (settings.version === undefined) return findByContent(models, settings.name, source.contentHash, settings.type);
  const v = await models.getVersion(settings.name, settings.version);
  if (v && holdsContent(v, source.contentHash, settings.type)) return v;
  if (v) throw await versionConflictError(models, settings.name, settings.version, v);
  return undefined;
}

/** A re-run: the version is there; write its package when it has none yet. */
async function reuseVersion(
  s: Session,
  existing: ModelVersion,
  source: ResolvedModel,
  check: ModelCheck,
  tags: Record<string, string>,
  prepared: PreparedPackage | undefined,
): Promise<Registered> {
  const { settings } = s;
  s.info(`Model ${settings.name}:${existing.name} already holds these files (${source.contentHash.slice(0, 19)}…): not registered again.`);
  if (!settings.package) return { version: existing, created: false };
  const found = packageOf(existing) ? await readPackageManifest(existing, (ds) => s.blobStore(ds), s.abortSignal) : undefined;
  if (found) return { version: existing, created: false, pkg: found };
  const written = await writePackage(
    { name: settings.name, type: settings.type, source, modelUri: existing.properties.modelUri ?? source.modelUri, check, lineage: tags, now: s.now() },
    prepared!,
    s.packageDeps,
  );
  const version = await withAzureOperation(`tagging model ${settings.name}:${existing.name} with its package`, () =>
    s.models.putVersion(
      settings.name,
      existing.name,
      retagBody(existing, { ...tagsOf(existing), [PACKAGE_PROPERTY]: written.uri, [MANIFEST_SHA256_PROPERTY]: written.sha256 }),
    ),
  );
  s.info(`Version ${existing.name} had no package: wrote ${written.uri} and tagged the version with it.`);
  return { version, created: false, pkg: written };
}

/** Upload, package, then the one commit point: the PUT of the version. */
async function registerVersion(
  s: Session,
  source: ResolvedModel,
  check: ModelCheck,
  tags: Record<string, string>,
  prepared: PreparedPackage | undefined,
): Promise<Registered> {
  const { settings, run } = s;
  await source.materialize();
  const pkg = settings.package
    ? await s.io.group('Deployment package', async () => {
        const written = await writePackage(
          { name: settings.name, type: settings.type, source, modelUri: source.modelUri, check, lineage: tags, now: s.now() },
          prepared!,
          s.packageDeps,
        );
        s.info(`Manifest ${written.uri} (sha256 ${written.sha256.slice(0, 12)}): ${written.manifest.files.length} model file(s)`);
        return written;
      })
    : undefined;
  const body: ModelVersionBody = {
    properties: {
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      tags: { ...tags, ...Object.fromEntries(settings.aliases.map((a) => [modelAliasTag(a), 'true'])) },
      properties: {
        ...settings.properties,
        [CONTENT_HASH_PROPERTY]: source.contentHash,
        [REGISTRATION_PROPERTY]: `${run.repository}/${run.runId}/${run.runAttempt}/${randomUUID().slice(0, 8)}`,
        [SOURCE_PROPERTY]: source.display,
        ...(pkg ? { [PACKAGE_PROPERTY]: pkg.uri, [MANIFEST_SHA256_PROPERTY]: pkg.sha256 } : {}),
      },
      modelType: settings.type,
      modelUri: source.modelUri,
      ...(source.jobName ? { jobName: source.jobName } : {}),
      ...(check.mlmodel ? { flavors: armFlavors(check.mlmodel) } : {}),
      isAnonymous: false,
    },
  };
  const { version, created } = await commitVersion(s.models, settings.name, body, {
    ...(settings.version !== undefined ? { version: settings.version } : {}),
    contentHash: source.contentHash,
    modelType: settings.type,
    info: s.info,
  });
  s.info(
    created
      ? `Registered model ${settings.name}:${version.name}`
      : `Model ${settings.name}:${version.name} was registered meanwhile with the same files: using it.`,
  );
  return { version, created, ...(pkg ? { pkg } : {}) };
}

async function applyAliases(s: Session, version: ModelVersion): Promise<{ version: ModelVersion; moves: AliasMove[] }> {
  const { settings } = s;
  if (settings.aliases.length === 0) return { version, moves: [] };
  const moved = await moveAliases(s.models, settings.name, version, settings.aliases, s.info);
  for (const m of moved.moves) s.info(`@${m.alias} → ${settings.name}:${moved.version.name}${m.from.length ? ` (moved from ${m.from.join(', ')})` : ''}`);
  return moved;
}

async function promote(s: Session, version: ModelVersion, source: ResolvedModel, found: RegistryResource | undefined): Promise<PromoteResult> {
  const { settings } = s;
  const registry = await promoteToRegistry(
    {
      registry: settings.promoteToRegistry!,
      resourceGroup: settings.registryResourceGroup,
      name: settings.name,
      version,
      source,
      contentHash: source.contentHash,
      modelType: settings.type,
      ...(found ? { found } : {}),
    },
    s.promoteDeps,
  );
  s.info(registry.created ? `Promoted to ${registry.uri}` : `Registry already had it: ${registry.uri}`);
  return registry;
}

/** Outputs, the manifest file for the workflow artifact, the job summary and the ledger entry; returns the model's URI. */
async function publish(
  s: Session,
  registered: Registered,
  source: ResolvedModel,
  tags: Record<string, string>,
  registry: PromoteResult | undefined,
): Promise<string> {
  const { settings, io } = s;
  const { version, created, pkg } = registered;
  const uri = s.models.uri(settings.name, version.name);
  const studioUrl = s.ctx.studioUrl(`model/${encodeURIComponent(settings.name)}:${encodeURIComponent(version.name)}/details`);
  io.setOutput('model-name', settings.name);
  io.setOutput('model-version', version.name);
  io.setOutput('model-id', version.id);
  io.setOutput('model-uri', uri);
  io.setOutput('created', String(created));
  io.setOutput('content-hash', source.contentHash);
  io.setOutput('manifest', pkg?.text ?? '');
  io.setOutput('studio-url', studioUrl);
  if (registry) {
    io.setOutput('registry-model-id', registry.version.id);
    io.setOutput('registry-model-uri', registry.uri);
  }
  if (settings.artifact && pkg) {
    const dir = join(s.run.runnerTemp ?? s.run.workspace, 'azureml-actions', 'model-packages');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${settings.name}-${version.name}.manifest.json`);
    writeFileSync(file, pkg.text);
    io.setOutput('manifest-path', file);
    s.info(`Manifest written to ${file} for the workflow artifact.`);
  }
  const summary = renderModelSummary(settings, { version, created, pkg }, source, tags, registry, studioUrl);
  await io.appendSummary(summary).catch((e: unknown) => io.warning(`Could not write the job summary: ${(e as Error).message}`));
  appendLedger({ kind: 'model', action: 'register-model', name: settings.name, version: version.name, id: version.id, created, studioUrl }, s.env);
  io.debug(`register-model: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
  return uri;
}

/** The job summary: a heading, a field/value table, a link to the studio. */
function renderModelSummary(
  settings: RegisterModelSettings,
  r: Registered,
  source: ResolvedModel,
  tags: Record<string, string>,
  registry: PromoteResult | undefined,
  studioUrl: string,
): string {
  const aliasesNow = aliasesOf(r.version);
  const rows: Array<[string, string]> = [
    ['registered', r.created ? 'new version' : 'existing version (same files)'],
    ['source', escapeText(source.display)],
    ['content hash', `<code>${escapeText(source.contentHash)}</code>`],
    ['type', settings.type],
    ...(aliasesNow.length ? [['aliases', aliasesNow.map((a) => escapeText(`@${a}`)).join(' ')] as [string, string]] : []),
    ...(tags['azureml-actions.gate'] ? [['gate', escapeText(tags['azureml-actions.gate'])] as [string, string]] : []),
    ...(registry ? [['registry', escapeText(registry.uri)] as [string, string]] : []),
    ...(r.pkg ? [['package', escapeText(r.pkg.uri)] as [string, string]] : []),
  ];
  const table = htmlTable(['field', 'value'], rows);
  return `<h3>${escapeText(`Model ${settings.name}:${r.version.name}`)}</h3>\n${table}\n${link('open in studio', studioUrl)}\n`;
}
