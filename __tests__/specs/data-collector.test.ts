/**
 * `data_collector` of an online deployment YAML → the deployment body's `dataCollector`, valid
 * against the 2024-10-01 schema, with the data asset each collection writes to; bad collectors
 * refused by name at their line.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planDeployment } from '../../src/specs/deployment.js';
import { collectionDataAssets, DEFAULT_MDC_PATH } from '../../src/specs/data-collector.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async () => '3' };
const e2e = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'monitoring', 'azureml-e2e-model-monitoring');

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-mdc-'));
  cpSync(e2e, dir, { recursive: true });
  // The sample's scoring script and conda file are not fixtures: stand-ins.
  mkdirSync(join(dir, 'code'));
  writeFileSync(join(dir, 'code', 'score.py'), 'def init():\n    pass\n\ndef run(raw):\n    return raw\n');
  mkdirSync(join(dir, 'environments'));
  writeFileSync(join(dir, 'environments', 'score.yaml'), 'name: score\ndependencies:\n  - python=3.10\n');
  return join(dir, 'endpoints');
}

async function plan(text: string) {
  const doc = SpecDocument.parse(text, 'd.yml', 'deployment-file');
  return planDeployment(doc, '/tmp/d.yml', { workspaceId: WS, resolver });
}

describe.skipIf(!haveSharedFixtures)('data_collector → dataCollector (2024-10-01 schema)', () => {
  it('the e2e monitoring sample deployment: three collections, their data assets', async () => {
    const dir = tree();
    const doc = SpecDocument.load(join(dir, 'deployment.yaml'), 'deployment.yaml', 'deployment-file');
    const p = await planDeployment(doc, join(dir, 'deployment.yaml'), { workspaceId: WS, resolver, endpointName: 'credit-default' });
    const dc = p.body.properties.dataCollector as Record<string, any>;
    expect(dc).toEqual({
      collections: {
        model_inputs: { dataCollectionMode: 'Enabled' },
        model_outputs: { dataCollectionMode: 'Enabled' },
        model_inputs_outputs: { dataCollectionMode: 'Enabled' },
      },
    });
    const assets = collectionDataAssets(dc, WS, 'credit-default', 'main');
    expect(assets.map((a) => [a.name, a.version, a.path])).toEqual([
      ['credit-default-main-model_inputs', '1', `${DEFAULT_MDC_PATH}/credit-default/main/model_inputs`],
      ['credit-default-main-model_outputs', '1', `${DEFAULT_MDC_PATH}/credit-default/main/model_outputs`],
      ['credit-default-main-model_inputs_outputs', '1', `${DEFAULT_MDC_PATH}/credit-default/main/model_inputs_outputs`],
    ]);
    expect(dc.collections.model_inputs.dataId).toBe(`${WS}/data/credit-default-main-model_inputs/versions/1`);
    const v = validatorFor('OnlineDeploymentTrackedResource', 'ManagedOnlineDeployment');
    expect(v({ properties: p.body.properties }), describeErrors(v)).toBe(true);
  });

  it('sampling rate to every collection, rolling rate, request logging, a named data asset', async () => {
    const p = await plan(
      'name: blue\nmodel: azureml:m:1\ndata_collector:\n  sampling_rate: 0.5\n  rolling_rate: day\n  request_logging:\n    capture_headers: [x-request-id]\n  collections:\n    model_inputs:\n      enabled: true\n      data:\n        name: my-inputs\n        version: 2\n        path: azureml://datastores/workspaceblobstore/paths/mine/inputs\n    model_outputs:\n      enabled: "false"\n      client_id: 0000-1111\n',
    );
    const dc = p.body.properties.dataCollector as Record<string, any>;
    expect(dc).toEqual({
      collections: {
        model_inputs: { dataCollectionMode: 'Enabled', samplingRate: 0.5 },
        model_outputs: { dataCollectionMode: 'Disabled', samplingRate: 0.5, clientId: '0000-1111' },
      },
      rollingRate: 'Day',
      requestLogging: { captureHeaders: ['x-request-id'] },
    });
    const assets = collectionDataAssets(dc, WS, 'ep-1', 'blue');
    expect(assets[0]).toEqual({
      collection: 'model_inputs',
      name: 'my-inputs',
      version: '2',
      path: 'azureml://datastores/workspaceblobstore/paths/mine/inputs',
      id: `${WS}/data/my-inputs/versions/2`,
    });
    expect(assets[1].name).toBe('ep-1-blue-model_outputs');
    const v = validatorFor('OnlineDeploymentTrackedResource', 'ManagedOnlineDeployment');
    expect(v({ properties: p.body.properties }), describeErrors(v)).toBe(true);
  });

  it('refuses bad collectors by name at their line', async () => {
    const head = 'name: blue\nmodel: azureml:m:1\ndata_collector:\n';
    const cases: Array<[string, RegExp]> = [
      [
        head + '  sampling_rate: 2\n  collections:\n    model_inputs: { enabled: "true" }\n',
        /d\.yml:4:\d+: 'data_collector\.sampling_rate' 2 is not a sampling rate/,
      ],
      [head + '  rolling_rate: week\n  collections:\n    model_inputs: { enabled: "true" }\n', /d\.yml:4:\d+: .*'week' is not a rolling rate/],
      [head + '  collections:\n    model_inputs: { enabled: yes please }\n', /d\.yml:5:\d+: .*'yes please' is not 'true' or 'false'/],
      [
        head + '  collections:\n    model_inputs: { enabeld: "true" }\n',
        /d\.yml:5:\d+: .*enabeld' is not a field of a data collection .*\(did you mean 'enabled'\?\)/,
      ],
      [head + '  destination: {}\n  collections:\n    model_inputs: { enabled: "true" }\n', /d\.yml:4:\d+: .*destination' is not a field of a data collector/],
      [
        head + '  collections:\n    model_inputs:\n      enabled: "true"\n      data: { path: ./local }\n',
        /d\.yml:7:\d+: .*'\.\/local' is not a datastore path/,
      ],
    ];
    for (const [text, re] of cases) await expect(plan(text), text).rejects.toThrow(re);
  });
});
