/**
 * Every batch endpoint and batch deployment of Azure/azureml-examples `cli/endpoints/batch`
 * (deploy-models and deploy-pipelines) translates to a body valid against the official
 * 2024-10-01 schema (BatchEndpointTrackedResource / BatchDeploymentTrackedResource), or is refused
 * by name with the reason; online fields in a batch file (and the reverse) are refused at their line.
 */
import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { endpointKindOf, planBatchDeployment, planBatchEndpoint } from '../../src/specs/batch.js';
import { planDeployment } from '../../src/specs/deployment.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async () => '3' };
const fixtures = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'endpoints', 'batch');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Deployments that must be refused, with the reason the error has to name. */
const REFUSED: Record<string, RegExp> = {
  // a deployment from a pipeline job: BatchPipelineComponentDeploymentConfiguration (2024-10-01) takes a componentId only
  'deploy-pipelines/hello-batch/deployment-from-job.yml':
    /deployment-from-job\.yml:5:1: 'job_definition' a deployment from a pipeline job has no place in the 2024-10-01 BatchDeployment body/,
};

const ASSET_DEFS = { codes: 'CodeVersion', environments: 'EnvironmentVersion', models: 'ModelVersion', components: 'ComponentVersion' } as const;

describe.skipIf(!haveSharedFixtures)('azureml-examples endpoints/batch → ARM BatchEndpoint / BatchDeployment (2024-10-01 schema)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aml-batch-'));
  cpSync(fixtures, dir, { recursive: true });
  const all = yamlFiles(dir);
  const endpoints = all.filter((f) => /\/endpoint\.yml$/.test(f));
  const deployments = all.filter((f) => /\/deployment[^/]*\.yml$/.test(f));
  const endpointV = validatorFor('BatchEndpointTrackedResource', 'BatchEndpoint');
  const deploymentV = validatorFor('BatchDeploymentTrackedResource', 'BatchDeployment');
  // the helper resolves no common-types TrackedResource: `properties` is checked strictly, tags are strings
  const strings = (m: Record<string, string> | undefined) => Object.values(m ?? {}).every((x) => typeof x === 'string');

  it('finds the fixtures', () => {
    expect(endpoints.length).toBe(9);
    expect(deployments.length).toBe(14);
  });

  for (const file of endpoints) {
    const rel = relative(dir, file);
    it(rel, () => {
      const doc = SpecDocument.load(file, rel, 'endpoint');
      expect(endpointKindOf(doc.value)).toBe('batch');
      const plan = planBatchEndpoint(doc);
      expect(endpointV({ properties: plan.body.properties }), describeErrors(endpointV)).toBe(true);
      expect(strings(plan.body.tags)).toBe(true);
      expect(plan.body.properties.authMode).toBe('AADToken');
    });
  }

  for (const file of deployments) {
    const rel = relative(dir, file);
    it(rel, async () => {
      const doc = SpecDocument.load(file, rel, 'deployment-file');
      expect(endpointKindOf(doc.value)).toBe('batch');
      const run = planBatchDeployment(doc, file, { workspaceId: WS, resolver });
      if (REFUSED[rel]) {
        const err = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigurationError);
        expect((err as Error).message).toMatch(REFUSED[rel]);
        return;
      }
      const plan = await run;
      expect(deploymentV({ properties: plan.body.properties }), describeErrors(deploymentV)).toBe(true);
      expect(strings(plan.body.tags)).toBe(true);
      for (const a of plan.assets) {
        const def = ASSET_DEFS[a.kind];
        const va = validatorFor(`${def}Resource`, def);
        expect(va(a.body), `${a.id}: ${describeErrors(va)}`).toBe(true);
      }
      const p = plan.body.properties;
      if (plan.type === 'model') {
        expect(p.compute).toMatch(new RegExp(`^${WS}/computes/`));
        expect(p.model).toEqual({ referenceType: 'Id', assetId: plan.targetId });
      } else {
        expect(p.deploymentConfiguration).toMatchObject({
          deploymentConfigurationType: 'PipelineComponent',
          componentId: { referenceType: 'Id', assetId: plan.targetId },
        });
      }
    });
  }

  it('mnist torch: local model and code planned, settings nesting translated', async () => {
    const file = join(dir, 'deploy-models/mnist-classifier/deployment-torch/deployment.yml');
    const plan = await planBatchDeployment(SpecDocument.load(file, 'deployment.yml', 'deployment-file'), file, {
      workspaceId: WS,
      resolver,
      endpointName: 'mnist-batch',
    });
    expect(plan.name).toBe('mnist-torch-dpl');
    expect(plan.body.properties).toMatchObject({
      compute: `${WS}/computes/batch-cluster`,
      resources: { instanceCount: 1 },
      maxConcurrencyPerInstance: 2,
      miniBatchSize: 10,
      outputAction: 'AppendRow',
      outputFileName: 'predictions.csv',
      retrySettings: { maxRetries: 3, timeout: 'PT30S' },
      errorThreshold: -1,
      loggingLevel: 'Info',
      codeConfiguration: { scoringScript: 'batch_driver.py' },
    });
    const model = plan.assets.find((a) => a.kind === 'models');
    expect(model?.name).toBe('mnist-classifier-torch');
    expect(model?.upload?.snapshot.files.map((f) => f.path)).toEqual(['model.pt']);
    expect(plan.assets.map((a) => a.kind).sort()).toEqual(['codes', 'environments', 'models']);
  });

  it('openai embeddings: summary_only and environment variables under settings', async () => {
    const file = join(dir, 'deploy-models/openai-embeddings/deployment.yml');
    const plan = await planBatchDeployment(SpecDocument.load(file, 'deployment.yml', 'deployment-file'), file, { workspaceId: WS, resolver });
    expect(plan.body.properties).toMatchObject({
      outputAction: 'SummaryOnly',
      environmentVariables: { OPENAI_API_TYPE: 'azure_ad', OPENAI_API_VERSION: '2023-03-15-preview' },
      model: { assetId: `${WS}/models/text-embedding-ada-002/versions/3` },
    });
  });

  it('pipeline deployment: the pipeline component file and its command components become versions', async () => {
    const file = join(dir, 'deploy-pipelines/batch-scoring-with-preprocessing/deployment.yml');
    const plan = await planBatchDeployment(SpecDocument.load(file, 'deployment.yml', 'deployment-file'), file, { workspaceId: WS, resolver });
    expect(plan.type).toBe('pipeline');
    expect(plan.targetId).toMatch(new RegExp(`^${WS}/components/batch_scoring_uci_heart/versions/`));
    expect(plan.body.properties.deploymentConfiguration).toMatchObject({
      settings: { continue_on_step_failure: 'False', default_compute: 'batch-cluster' },
      description: expect.stringMatching(/^This pipeline demonstrates how to make batch inference/),
    });
    expect(
      plan.assets
        .filter((a) => a.kind === 'components')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['batch_scoring_uci_heart', 'uci_heart_score']);
  });
});

describe('batch files: bad input', () => {
  const doc = (text: string, name = 'd.yml') => SpecDocument.parse(text, name, 'deployment-file');
  const opts = { workspaceId: WS, resolver };
  const BATCH = '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\nname: blue\nmodel: azureml:m:1\ncompute: azureml:cpu\n';
  const fail = (p: Promise<unknown>) =>
    p.then(
      () => '',
      (e: Error) => e.message,
    );

  it('refuses online-only fields in a batch deployment, naming field and line', async () => {
    expect(await fail(planBatchDeployment(doc(`${BATCH}instance_type: Standard_DS3_v2\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:5:1: 'instance_type' is a field of online deployments; a batch deployment has no 'instance_type'/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}request_settings:\n  request_timeout_ms: 5000\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:5:1: 'request_settings' is a field of online deployments/,
    );
    for (const k of ['liveness_probe', 'scale_settings', 'app_insights_enabled', 'data_collector', 'egress_public_network_access'])
      expect(await fail(planBatchDeployment(doc(`${BATCH}${k}: x\n`), '/tmp/d.yml', opts))).toMatch(
        new RegExp(`d\\.yml:5:1: '${k}' is a field of online deployments`),
      );
    expect(() => planBatchEndpoint(doc('name: my-batch\ntraffic:\n  blue: 100\n', 'e.yml'))).toThrow(/e\.yml:2:1: 'traffic' is a field of online endpoints/);
  });

  it('refuses an online $schema in a batch file', async () => {
    const online = '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nmodel: azureml:m:1\n';
    expect(await fail(planBatchDeployment(doc(online), '/tmp/d.yml', opts))).toMatch(/d\.yml:1:1: '\$schema' names the schema of an online deployment/);
  });

  it('refuses batch-only fields in an online deployment', async () => {
    const online = 'name: blue\nmodel: azureml:m:1\ninstance_type: Standard_DS3_v2\n';
    expect(await fail(planDeployment(doc(`${online}mini_batch_size: 10\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:4:1: 'mini_batch_size' is a field of batch deployments; a managed online deployment has no 'mini_batch_size'/,
    );
    expect(await fail(planDeployment(doc(`${online}output_action: append_row\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:4:1: 'output_action' is a field of batch deployments/,
    );
    expect(await fail(planDeployment(doc(`${online}retry_settings:\n  max_retries: 2\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:4:1: 'retry_settings' is a field of batch deployments/,
    );
  });

  it('names misspelt fields and bad values with their line', async () => {
    expect(await fail(planBatchDeployment(doc(`${BATCH}mini_bach_size: 10\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:5:1: 'mini_bach_size' is not a field of a model batch deployment .*\(did you mean 'mini_batch_size'\?\)/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}settings:\n  max_concurency_per_instance: 2\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:6:3: 'settings\.max_concurency_per_instance' is not a field of a model batch deployment settings .*did you mean 'max_concurrency_per_instance'/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}settings:\n  output_action: append_rows\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:6:3: .*'append_rows' is not an output action/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}settings:\n  output_action: summary_only\n  output_file_name: p.csv\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:7:3: .*output_action is summary_only/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}mini_batch_size: 2\nsettings:\n  mini_batch_size: 3\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:7:3: .*given both at the top level and under settings/,
    );
    expect(await fail(planBatchDeployment(doc(BATCH.replace('compute: azureml:cpu\n', '')), '/tmp/d.yml', opts))).toMatch(/needs 'compute'/);
    expect(await fail(planBatchDeployment(doc(`${BATCH}resources:\n  instance_count: 2\nsettings:\n  instance_count: 3\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:8:3: .*instance_count 3 differs from resources\.instance_count 2/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}settings:\n  retry_settings:\n    timeout: soon\n`), '/tmp/d.yml', opts))).toMatch(
      /d\.yml:7:5: 'settings\.retry_settings\.timeout' must be a whole number/,
    );
    expect(await fail(planBatchDeployment(doc(`${BATCH}type: spark\n`), '/tmp/d.yml', opts))).toMatch(/d\.yml:5:1: .*'spark' is not a batch deployment type/);
    expect(() => planBatchEndpoint(doc('name: my-batch\nauth_mode: key\n', 'e.yml'))).toThrow(/e\.yml:2:1: .*'key' is not an auth mode of batch endpoints/);
  });

  it('takes the older top-level layout (batchDeployment.schema.json) and endpoint defaults', async () => {
    const text = [
      '$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json',
      'name: blue',
      'model: azureml:m:1',
      'compute: azureml:cpu',
      'resources:',
      '  instance_count: 2',
      'max_concurrency_per_instance: 4',
      'mini_batch_size: 1',
      'output_action: append_row',
      'output_file_name: out.csv',
      'retry_settings:',
      '  max_retries: 2',
      '  timeout: 60',
      'error_threshold: 10',
      'logging_level: warning',
      'environment_variables:',
      '  A: 1',
      'properties:',
      '  p: q',
      '',
    ].join('\n');
    const plan = await planBatchDeployment(doc(text), '/tmp/d.yml', opts);
    expect(plan.body.properties).toEqual({
      properties: { p: 'q' },
      model: { referenceType: 'Id', assetId: `${WS}/models/m/versions/1` },
      compute: `${WS}/computes/cpu`,
      resources: { instanceCount: 2 },
      maxConcurrencyPerInstance: 4,
      miniBatchSize: 1,
      outputAction: 'AppendRow',
      outputFileName: 'out.csv',
      errorThreshold: 10,
      loggingLevel: 'Warning',
      retrySettings: { maxRetries: 2, timeout: 'PT60S' },
      environmentVariables: { A: '1' },
    });
    if (haveSharedFixtures) {
      const v = validatorFor('BatchDeploymentTrackedResource', 'BatchDeployment');
      expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
    }
    const ep = planBatchEndpoint(doc('name: my-batch\ndefaults:\n  deployment_name: blue\nidentity:\n  type: system_assigned\n', 'e.yml'));
    expect(ep.body).toEqual({ properties: { authMode: 'AADToken', defaults: { deploymentName: 'blue' } }, identity: { type: 'SystemAssigned' } });
    expect(await fail(planBatchDeployment(doc(`${BATCH}code_configuration:\n  code: .\n  scoring_script: s.py\n`), '/tmp/d.yml', opts))).toMatch(
      /needs an environment/,
    );
  });

  it('reads the kind from $schema', () => {
    expect(endpointKindOf({ $schema: 'https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json' })).toBe('online');
    expect(endpointKindOf({ $schema: 'https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json' })).toBe('online');
    expect(endpointKindOf({ $schema: 'https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json' })).toBe('batch');
    expect(endpointKindOf({ name: 'x' })).toBeUndefined();
  });
});
