/**
 * The safe-rollout sample of Azure/azureml-examples (endpoint and blue/green deployments) translates
 * to bodies valid against the official 2024-10-01 schema; bad deployment files are refused clearly.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planDeployment, planEndpoint } from '../../src/specs/deployment.js';
import { describeErrors, haveSharedFixtures, sharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async () => '4' };

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-endpoints-'));
  cpSync(join(sharedFixtures, 'azureml-examples', 'endpoints'), join(dir, 'endpoints'), { recursive: true });
  for (const m of ['model-1', 'model-2']) {
    mkdirSync(join(dir, 'endpoints', 'online', m, 'onlinescoring'), { recursive: true });
    writeFileSync(join(dir, 'endpoints', 'online', m, 'onlinescoring', 'score.py'), 'def init():\n    pass\n\ndef run(raw):\n    return raw\n');
  }
  return join(dir, 'endpoints', 'online', 'managed', 'sample');
}

describe.skipIf(!haveSharedFixtures)('azureml-examples safe rollout sample → ARM bodies', () => {
  const dir = haveSharedFixtures ? tree() : '';

  it('endpoint.yml', () => {
    const plan = planEndpoint(SpecDocument.load(join(dir, 'endpoint.yml'), 'endpoint.yml', 'endpoint'));
    expect(plan.name).toBe('my-endpoint');
    const v = validatorFor('OnlineEndpointTrackedResource', 'OnlineEndpoint');
    expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
    expect(plan.body.properties).toEqual({ authMode: 'Key' });
  });

  for (const f of ['blue-deployment.yml', 'green-deployment.yml', 'blue-deployment-with-curated-env.yml', 'green-deployment-with-registered-assets.yml']) {
    it(f, async () => {
      const doc = SpecDocument.load(join(dir, f), f, 'deployment-file');
      const plan = await planDeployment(doc, join(dir, f), { workspaceId: WS, resolver, endpointName: 'my-endpoint' });
      const v = validatorFor('OnlineDeploymentTrackedResource', 'ManagedOnlineDeployment');
      expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
      expect(plan.body.sku).toEqual({ name: 'Default', capacity: 1 });
      expect(plan.body.properties).toMatchObject({
        endpointComputeType: 'Managed',
        instanceType: 'Standard_DS3_v2',
        codeConfiguration: { scoringScript: 'score.py' },
      });
      for (const a of plan.assets) {
        const def = { codes: 'CodeVersion', environments: 'EnvironmentVersion', models: 'ModelVersion', components: 'ComponentVersion' }[a.kind];
        const va = validatorFor(`${def}Resource`, def);
        expect(va(a.body), `${a.id}: ${describeErrors(va)}`).toBe(true);
      }
      if (f.includes('registered')) expect(plan.body.properties.model).toBe(`${WS}/models/my-model/versions/2`);
      else expect(plan.assets.some((a) => a.kind === 'models' && a.upload?.snapshot.files[0].path === 'sklearn_regression_model.pkl')).toBe(true);
    });
  }

  it('refuses a deployment naming another endpoint', async () => {
    const doc = SpecDocument.load(join(dir, 'blue-deployment.yml'), 'blue-deployment.yml', 'deployment-file');
    const err = await planDeployment(doc, join(dir, 'blue-deployment.yml'), { workspaceId: WS, resolver, endpointName: 'other' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/blue-deployment\.yml:3:1: 'endpoint_name' names endpoint 'my-endpoint', but this step deploys to endpoint 'other'/);
  });
});

describe('deployment and endpoint files: bad input', () => {
  function doc(text: string, name = 'd.yml') {
    return SpecDocument.parse(text, name, 'deployment-file');
  }
  it('names unknown fields, bad names and bad auth modes', async () => {
    await expect(
      planDeployment(doc('name: blue\nmodel: azureml:m:1\ninstance_count: 1\ngpu: 2\n'), '/tmp/d.yml', { workspaceId: WS, resolver }),
    ).rejects.toThrow(/d\.yml:4:1: 'gpu' is not a field of a managed online deployment/);
    await expect(planDeployment(doc('name: b\nmodel: azureml:m:1\n'), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /'b' is not a valid deployment name/,
    );
    expect(() => planEndpoint(doc('name: ep\n', 'e.yml'))).toThrow(/'ep' is not a valid endpoint name/);
    expect(() => planEndpoint(doc('name: my-ep\nauth_mode: token\n', 'e.yml'))).toThrow(/'token' is not an auth mode/);
    expect(() => planEndpoint(doc('name: my-ep\ntraffic:\n  blue: 90\n', 'e.yml'))).toThrow(/e\.yml:2:1: 'traffic' traffic sums to 90/);
    expect(planEndpoint(doc('name: my-ep\ntraffic:\n  blue: 100\n', 'e.yml')).declaredTraffic).toEqual({ traffic: { blue: 100 }, mirror: {} });
  });
});
