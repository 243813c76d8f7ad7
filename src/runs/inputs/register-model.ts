/** The only reader of register-model's own inputs (the connection inputs: src/azure/context.ts). */
import { checkName } from '../../models/names.js';
import { parseMetricsInput } from '../../models/lineage.js';
import { parseModelSource, type ModelSourceSpec } from '../../models/source.js';
import { resolveUploadSettings, type UploadSettings } from '../../models/upload.js';
import { MODEL_TYPES, type ModelType } from '../../models/validate.js';
import { ConfigurationError } from '../../core/errors.js';
import type { InputReader } from '../../core/inputs.js';

export interface RegisterModelSettings {
  name: string;
  source: ModelSourceSpec;
  type: ModelType;
  /** Absent: the next version. */
  version?: string;
  description?: string;
  tags: Record<string, string>;
  properties: Record<string, string>;
  /** The `metrics` input (wins over the metric-gate entry of the ledger). */
  metrics?: Record<string, number>;
  package: boolean;
  environment?: string;
  code?: string;
  scoringScript?: string;
  artifact: boolean;
  aliases: string[];
  promoteToRegistry?: string;
  registryResourceGroup?: string;
  /** Datastore for local files (default: the workspace default). */
  datastore?: string;
  upload: UploadSettings;
}

/** Keys the action writes itself; the `properties` input may not set them. */
const RESERVED_PROPERTY_PREFIX = 'azureml-actions.';

export function readRegisterModelInputs(reader: InputReader, workspaceDir: string): RegisterModelSettings {
  const name = checkName('model', reader.required('name'), 'name');
  const source = parseModelSource({ path: reader.optional('path'), jobName: reader.optional('job-name'), output: reader.optional('output') }, workspaceDir);
  const type = reader.choice('type', MODEL_TYPES, 'custom_model');
  const versionText = reader.optional('version');
  const version = versionText === undefined || versionText.toLowerCase() === 'next' ? undefined : checkName('version', versionText, 'version');

  const tags = reader.keyValues('tags');
  const properties = reader.keyValues('properties');
  for (const k of Object.keys(properties)) {
    if (k.startsWith(RESERVED_PROPERTY_PREFIX)) {
      throw new ConfigurationError(`Input 'properties': '${k}' is written by the action itself.`, {
        input: 'properties',
        hint: `Use keys that do not start with '${RESERVED_PROPERTY_PREFIX}'.`,
      });
    }
  }
  const metricsJson = reader.json('metrics');
  const metrics = metricsJson === undefined ? undefined : parseMetricsInput(metricsJson);

  const aliases = reader.list('alias').map((a) => checkName('alias', a.replace(/^@/, ''), 'alias'));
  if (new Set(aliases).size !== aliases.length) throw new ConfigurationError("Input 'alias' lists an alias twice.", { input: 'alias' });
  const promote = reader.optional('promote-to-registry');
  const packageIt = reader.boolean('package', false);
  const environment = reader.optional('environment');
  const code = reader.optional('code');
  const scoringScript = reader.optional('scoring-script');
  const artifact = reader.boolean('artifact', false);
  if (!packageIt) {
    const needs = [
      environment !== undefined ? 'environment' : '',
      code !== undefined ? 'code' : '',
      scoringScript !== undefined ? 'scoring-script' : '',
      artifact ? 'artifact' : '',
    ].filter(Boolean);
    if (needs.length > 0) {
      throw new ConfigurationError(`Input '${needs[0]}' is part of the deployment package, but 'package' is false.`, {
        input: needs[0],
        hint: 'Set package: true to write the package (manifest, environment, scoring code).',
      });
    }
  }
  const blockMiB = reader.int('upload-block-size-mib', { min: 1, max: 256, default: 8 });
  const upload = resolveUploadSettings({
    concurrency: reader.int('upload-concurrency', { min: 1, max: 64, default: 8 }),
    blockSizeInBytes: blockMiB * 1024 * 1024,
    blockConcurrency: 8,
    maxSingleShotSizeInBytes: blockMiB * 1024 * 1024,
  });
  return {
    name,
    source,
    type,
    ...(version !== undefined ? { version } : {}),
    ...(reader.optional('description') !== undefined ? { description: reader.optional('description') } : {}),
    tags,
    properties,
    ...(metrics ? { metrics } : {}),
    package: packageIt,
    ...(environment !== undefined ? { environment } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(scoringScript !== undefined ? { scoringScript } : {}),
    artifact,
    aliases,
    ...(promote !== undefined ? { promoteToRegistry: checkName('registry', promote, 'promote-to-registry') } : {}),
    ...(reader.optional('registry-resource-group') !== undefined ? { registryResourceGroup: reader.optional('registry-resource-group') } : {}),
    ...(reader.optional('datastore') !== undefined ? { datastore: reader.optional('datastore') } : {}),
    upload,
  };
}
