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
import * as core from '@actions/core';
import { createBlobStore, type BlobStore } from '../azure/blob.js';
import { createAzureContext, readAzureInputs } from '../azure/context.js';
import { withAzureOperation } from '../azure/errors.js';
import { ConfigurationError } from '../core/errors.js';
import { escapeText, link } from '../core/escape.js';
import { readWorkflowRun } from '../core/workflow-run.js';
import type { InputReader } from '../core/inputs.js';
import { readRegisterModelInputs } from './inputs/register-model.js';
import { formatBytes } from '../jobs/submit.js';
import { appendLedger, readLedger } from '../core/ledger.js';
import { buildLineage, gateFromLedger } from '../models/lineage.js';
import { packageOf, preparePackage, readPackageManifest, writePackage, type WrittenPackage } from '../models/package.js';
import { findRegistry, promoteToRegistry, type PromoteResult } from '../models/promote.js';
import { resolveModelSource } from '../models/source.js';
import { createModelUploader } from '../models/upload.js';
import { armFlavors, validateModelFiles } from '../models/validate.js';
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
  type ModelVersionBody,
} from '../models/versions.js';
import { modelAliasTag } from '../metrics/baseline.js';

export interface RegisterModelDeps {
  reader: InputReader;
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

export async function registerModelMain(deps: RegisterModelDeps): Promise<RegisterModelOutcome> {
  const env = deps.env ?? process.env;
  const now = deps.now ?? (() => new Date());
  const run = readWorkflowRun(env);
  const settings = readRegisterModelInputs(deps.reader, run.workspace);
  const azure = await readAzureInputs(deps.reader, { env });
  const ctx = await createAzureContext(azure, { actionName: 'register-model' });
  const abortSignal = deps.abortSignal;

  const stores = new Map<string, Promise<BlobStore>>();
  const blobStore = (datastore?: string): Promise<BlobStore> => {
    const key = (datastore ?? '').toLowerCase();
    let s = stores.get(key);
    if (!s) {
      s = createBlobStore(ctx, { ...(datastore ? { datastoreName: datastore } : {}), abortSignal }).catch((error: unknown) => {
        // A datastore the `datastore` input names that is not there: say which input to fix.
        if (datastore && datastore === settings.datastore && (error as { statusCode?: number }).statusCode === 404) {
          throw new ConfigurationError(`Input 'datastore': the workspace has no datastore '${datastore}'.`, { input: 'datastore', hint: 'Leave it empty for the workspace default (workspaceblobstore), or name an Azure Blob datastore of the workspace.', cause: error });
        }
        throw error;
      });
      s.catch(() => stores.delete(key));
      stores.set(key, s);
    }
    return s;
  };
  const defaultStore = () => blobStore(settings.datastore);
  const uploader = createModelUploader(defaultStore, { ...settings.upload, abortSignal });
  const info = (m: string) => core.info(m);

  // 1. The files, wherever they are, and their content hash.
  core.startGroup(`Model files: ${settings.source.display}`);
  const source = await resolveModelSource(settings.source, {
    arm: ctx.arm,
    blobStore,
    uploader,
    uploadSettings: settings.upload,
    workspaceName: azure.workspaceName,
    info,
    abortSignal,
  });
  info(`${source.display}: ${source.files.length} file(s), ${formatBytes(source.bytes)}, content hash ${source.contentHash}`);
  // 2. What the type requires.
  const check = await validateModelFiles(settings.type, { display: source.display, isFile: source.isFile, paths: source.files.map((f) => f.path), read: (p) => source.read(p) });
  if (check.mlmodel) {
    info(`MLmodel: flavors ${Object.keys(check.mlmodel.flavors).join(', ')}${check.mlmodel.signature ? '; with a signature' : '; no signature'}`);
  }
  if (check.tritonModels) info(`Triton repository: ${check.tritonModels.join(', ')}`);
  core.endGroup();

  // 3. The package inputs: checked before anything is written.
  const packageDeps = { arm: ctx.arm, blobStore: defaultStore, uploader, workspaceName: azure.workspaceName, info, abortSignal };
  const prepared = settings.package
    ? await preparePackage({ environment: settings.environment, code: settings.code, scoringScript: settings.scoringScript, workspaceDir: run.workspace }, packageDeps)
    : undefined;

  // The registry to promote to must exist before anything is registered.
  const promoteDeps = { arm: ctx.arm, subscriptionId: azure.subscriptionId, info, abortSignal };
  const registryFound = settings.promoteToRegistry ? await findRegistry(promoteDeps, settings.promoteToRegistry, settings.registryResourceGroup) : undefined;

  // 4. Lineage.
  const gate = settings.metrics ? undefined : gateFromLedger(readLedger(env));
  if (gate?.jobName && source.jobName && gate.jobName !== source.jobName) {
    core.warning(`The metric gate of this job read job ${gate.jobName}, but the model comes from job ${source.jobName}: its verdict and metrics are written on the model all the same.`);
  }
  const lineage = buildLineage({ run, ...(source.jobName ? { sourceJob: source.jobName } : {}), source: source.display, ...(gate ? { gate } : {}), ...(settings.metrics ? { metrics: settings.metrics } : {}) });
  if (lineage.droppedMetrics.length > 0) core.warning(`Only the first ${Object.keys(lineage.tags).filter((k) => k.startsWith('metric.')).length} metrics are written as tags; left out: ${lineage.droppedMetrics.join(', ')}.`);
  const tags: Record<string, string> = { ...lineage.tags, ...settings.tags };
  if (gate) info(`Metric gate of this job: ${gate.passed ? 'passed' : 'failed'}${gate.counts ? ` (${gate.counts})` : ''}; ${Object.keys(gate.metrics).length} metric(s) written as tags.`);
  else if (settings.metrics) info(`${Object.keys(settings.metrics).length} metric(s) from the metrics input written as tags.`);

  // 5. Already registered?
  const models = workspaceModelStore(ctx.arm, azure.workspaceName);
  let existing: ModelVersion | undefined;
  if (settings.version !== undefined) {
    const v = await models.getVersion(settings.name, settings.version);
    if (v && holdsContent(v, source.contentHash, settings.type)) existing = v;
    else if (v) throw await versionConflictError(models, settings.name, settings.version, v); // before anything is uploaded
  } else {
    existing = await findByContent(models, settings.name, source.contentHash, settings.type);
  }

  let version: ModelVersion;
  let created: boolean;
  let pkg: WrittenPackage | { text: string; uri: string } | undefined;
  if (existing) {
    version = existing;
    created = false;
    info(`Model ${settings.name}:${existing.name} already holds these files (${source.contentHash.slice(0, 19)}…): not registered again.`);
    if (settings.package) {
      const found = packageOf(existing) ? await readPackageManifest(existing, (ds) => blobStore(ds), abortSignal) : undefined;
      if (found) pkg = found;
      else {
        const written = await writePackage({ name: settings.name, type: settings.type, source, modelUri: existing.properties.modelUri ?? source.modelUri, check, lineage: tags, now: now() }, prepared!, packageDeps);
        version = await withAzureOperation(`tagging model ${settings.name}:${existing.name} with its package`, () =>
          models.putVersion(settings.name, existing!.name, retagBody(existing!, { ...tagsOf(existing!), [PACKAGE_PROPERTY]: written.uri, [MANIFEST_SHA256_PROPERTY]: written.sha256 })),
        );
        info(`Version ${existing.name} had no package: wrote ${written.uri} and tagged the version with it.`);
        pkg = written;
      }
    }
  } else {
    // 6. Upload, package, commit.
    await source.materialize();
    if (settings.package) {
      core.startGroup('Deployment package');
      pkg = await writePackage({ name: settings.name, type: settings.type, source, modelUri: source.modelUri, check, lineage: tags, now: now() }, prepared!, packageDeps);
      info(`Manifest ${pkg.uri} (sha256 ${(pkg as WrittenPackage).sha256.slice(0, 12)}): ${(pkg as WrittenPackage).manifest.files.length} model file(s)`);
      core.endGroup();
    }
    const body: ModelVersionBody = {
      properties: {
        ...(settings.description !== undefined ? { description: settings.description } : {}),
        tags: { ...tags, ...Object.fromEntries(settings.aliases.map((a) => [modelAliasTag(a), 'true'])) },
        properties: {
          ...settings.properties,
          [CONTENT_HASH_PROPERTY]: source.contentHash,
          [REGISTRATION_PROPERTY]: `${run.repository}/${run.runId}/${run.runAttempt}/${randomUUID().slice(0, 8)}`,
          [SOURCE_PROPERTY]: source.display,
          ...(pkg && 'sha256' in pkg ? { [PACKAGE_PROPERTY]: pkg.uri, [MANIFEST_SHA256_PROPERTY]: pkg.sha256 } : {}),
        },
        modelType: settings.type,
        modelUri: source.modelUri,
        ...(source.jobName ? { jobName: source.jobName } : {}),
        ...(check.mlmodel ? { flavors: armFlavors(check.mlmodel) } : {}),
        isAnonymous: false,
      },
    };
    const committed = await commitVersion(models, settings.name, body, {
      ...(settings.version !== undefined ? { version: settings.version } : {}),
      contentHash: source.contentHash,
      modelType: settings.type,
      info,
    });
    version = committed.version;
    created = committed.created;
    info(created ? `Registered model ${settings.name}:${version.name}` : `Model ${settings.name}:${version.name} was registered meanwhile with the same files: using it.`);
  }

  // 7. Aliases.
  let moves: AliasMove[] = [];
  if (settings.aliases.length > 0) {
    const moved = await moveAliases(models, settings.name, version, settings.aliases, info);
    version = moved.version;
    moves = moved.moves;
    for (const m of moves) info(`@${m.alias} → ${settings.name}:${version.name}${m.from.length ? ` (moved from ${m.from.join(', ')})` : ''}`);
  }

  // 8. Registry.
  let registry: PromoteResult | undefined;
  if (settings.promoteToRegistry) {
    core.startGroup(`Promotion to registry ${settings.promoteToRegistry}`);
    registry = await promoteToRegistry(
      { registry: settings.promoteToRegistry, resourceGroup: settings.registryResourceGroup, name: settings.name, version, source, contentHash: source.contentHash, modelType: settings.type, ...(registryFound ? { found: registryFound } : {}) },
      promoteDeps,
    );
    info(registry.created ? `Promoted to ${registry.uri}` : `Registry already had it: ${registry.uri}`);
    core.endGroup();
  }

  // 9. Outputs, summary, ledger.
  const uri = models.uri(settings.name, version.name);
  const studioUrl = ctx.studioUrl(`model/${encodeURIComponent(settings.name)}:${encodeURIComponent(version.name)}/details`);
  core.setOutput('model-name', settings.name);
  core.setOutput('model-version', version.name);
  core.setOutput('model-id', version.id);
  core.setOutput('model-uri', uri);
  core.setOutput('created', String(created));
  core.setOutput('content-hash', source.contentHash);
  core.setOutput('manifest', pkg?.text ?? '');
  core.setOutput('studio-url', studioUrl);
  if (registry) {
    core.setOutput('registry-model-id', registry.version.id);
    core.setOutput('registry-model-uri', registry.uri);
  }
  if (settings.artifact && pkg) {
    const dir = join(run.runnerTemp ?? run.workspace, 'azureml-actions', 'model-packages');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${settings.name}-${version.name}.manifest.json`);
    writeFileSync(file, pkg.text);
    core.setOutput('manifest-path', file);
    info(`Manifest written to ${file} for the workflow artifact.`);
  }
  const aliasesNow = aliasesOf(version);
  await core.summary
    .addHeading(`Model ${settings.name}:${version.name}`, 3)
    .addTable([
      [{ data: 'field', header: true }, { data: 'value', header: true }],
      ['registered', created ? 'new version' : 'existing version (same files)'],
      ['source', escapeHtml(source.display)],
      ['content hash', `<code>${escapeHtml(source.contentHash)}</code>`],
      ['type', settings.type],
      ...(aliasesNow.length ? [['aliases', aliasesNow.map((a) => `@${escapeHtml(a)}`).join(' ')]] : []),
      ...(tags['azureml-actions.gate'] ? [['gate', escapeHtml(tags['azureml-actions.gate'])]] : []),
      ...(registry ? [['registry', escapeHtml(registry.uri)]] : []),
      ...(pkg ? [['package', escapeHtml(pkg.uri)]] : []),
    ])
    .addRaw(link('open in studio', studioUrl), true)
    .write()
    .catch((e: unknown) => core.warning(`Could not write the job summary: ${(e as Error).message}`));
  appendLedger({ kind: 'model', action: 'register-model', name: settings.name, version: version.name, id: version.id, created, studioUrl }, env);
  core.debug(`register-model: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);

  return {
    name: settings.name,
    version: version.name,
    id: version.id,
    uri,
    created,
    contentHash: source.contentHash,
    ...(pkg ? { manifest: pkg.text } : {}),
    ...(registry ? { registry } : {}),
    aliases: moves,
  };
}

/** Text from outside in the job summary, escaped as in every summary and comment (src/core/escape.ts). */
function escapeHtml(s: string): string {
  return escapeText(s);
}
