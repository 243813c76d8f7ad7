/**
 * The Kubernetes online endpoint sample of Azure/azureml-examples (cli/endpoints/online/kubernetes:
 * the endpoint with `compute: azureml:inferencecompute` and the blue / green `type: kubernetes`
 * deployments) translates to bodies valid against the official 2024-10-01 schema
 * (OnlineEndpoint with `compute`, KubernetesOnlineDeployment with containerResourceRequirements
 * and scale settings); fields that belong to the other kind are refused by name with file:line.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planDeployment, planEndpoint, setEndpointCompute } from '../../src/specs/deployment.js';
import { describeErrors, haveSharedFixtures, sharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async () => '4' };
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'azureml-examples', 'endpoints', 'online', 'kubernetes');

/** The sample's folder next to the managed sample's model-1 / model-2 (its `../model-1/…` paths). */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-k8s-'));
  cpSync(join(sharedFixtures, 'azureml-examples', 'endpoints'), join(dir, 'endpoints'), { recursive: true });
  cpSync(fixtures, join(dir, 'endpoints', 'online', 'kubernetes'), { recursive: true });
  for (const m of ['model-1', 'model-2']) {
    mkdirSync(join(dir, 'endpoints', 'online', m, 'onlinescoring'), { recursive: true });
    writeFileSync(join(dir, 'endpoints', 'online', m, 'onlinescoring', 'score.py'), 'def init():\n    pass\n\ndef run(raw):\n    return raw\n');
  }
  return join(dir, 'endpoints', 'online', 'kubernetes');
}

function doc(text: string, name = 'd.yml', input = 'deployment-file') {
  return SpecDocument.parse(text, name, input);
}

describe.skipIf(!haveSharedFixtures)('azureml-examples Kubernetes online endpoint sample → ARM bodies', () => {
  const dir = haveSharedFixtures ? tree() : '';

  it('kubernetes-endpoint.yml: compute is the ARM id of the Kubernetes compute', () => {
    const plan = planEndpoint(SpecDocument.load(join(dir, 'kubernetes-endpoint.yml'), 'kubernetes-endpoint.yml', 'endpoint'));
    expect(plan.name).toBe('my-endpoint');
    expect(plan.compute).toBe('inferencecompute');
    setEndpointCompute(plan, WS);
    expect(plan.body.properties).toEqual({ authMode: 'Key', compute: `${WS}/computes/inferencecompute` });
    expect(plan.body.tags).toEqual({ tag1: 'endpoint-tag1-value' });
    const v = validatorFor('OnlineEndpointTrackedResource', 'OnlineEndpoint');
    expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
  });

  it('kubernetes-blue-deployment.yml: resources and request settings, default scale', async () => {
    const f = 'kubernetes-blue-deployment.yml';
    const plan = await planDeployment(SpecDocument.load(join(dir, f), f, 'deployment-file'), join(dir, f), {
      workspaceId: WS,
      resolver,
      endpointName: 'my-endpoint',
    });
    const v = validatorFor('OnlineDeploymentTrackedResource', 'KubernetesOnlineDeployment');
    expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
    expect(plan.name).toBe('blue');
    expect(plan.body.sku).toEqual({ name: 'Default', capacity: 1 });
    expect(plan.body.tags).toEqual({ tag1: 'deployment-tag1-value' });
    expect(plan.body.properties).toMatchObject({
      endpointComputeType: 'Kubernetes',
      requestSettings: { requestTimeout: 'PT3S', maxQueueWait: 'PT3S' },
      containerResourceRequirements: { containerResourceRequests: { cpu: '0.1', memory: '0.1Gi' }, containerResourceLimits: { cpu: '0.2', memory: '200Mi' } },
      scaleSettings: { scaleType: 'Default' },
      codeConfiguration: { scoringScript: 'score.py' },
    });
    expect(plan.body.properties.instanceType).toBeUndefined();
  });

  it('kubernetes-green-deployment.yml: instance type, target utilization, app insights', async () => {
    const f = 'kubernetes-green-deployment.yml';
    const plan = await planDeployment(SpecDocument.load(join(dir, f), f, 'deployment-file'), join(dir, f), {
      workspaceId: WS,
      resolver,
      endpointName: 'my-endpoint',
    });
    const v = validatorFor('OnlineDeploymentTrackedResource', 'KubernetesOnlineDeployment');
    expect(v({ properties: plan.body.properties }), describeErrors(v)).toBe(true);
    expect(plan.body.properties).toMatchObject({
      endpointComputeType: 'Kubernetes',
      instanceType: 'defaultinstancetype',
      appInsightsEnabled: true,
      containerResourceRequirements: { containerResourceRequests: { cpu: '0.1', memory: '0.1Gi' } },
      scaleSettings: { scaleType: 'TargetUtilization', minInstances: 1, maxInstances: 3, pollingInterval: 'PT10S', targetUtilizationPercentage: 70 },
    });
  });
});

describe('Kubernetes endpoint and deployment files: bad input', () => {
  const k8s = 'name: blue\ntype: kubernetes\nmodel: azureml:m:1\n';
  it('refuses fields of the other kind by name, with file and line', async () => {
    expect(() => planEndpoint(doc('name: my-ep\ncompute: azureml:k8s\npublic_network_access: disabled\n', 'e.yml', 'endpoint'))).toThrow(
      /e\.yml:3:1: 'public_network_access' is a field of managed online endpoints; a Kubernetes online endpoint \(compute\) has no 'public_network_access'/,
    );
    expect(() => planEndpoint(doc('name: my-ep\ncompute: azureml:a/b\n', 'e.yml', 'endpoint'))).toThrow(
      /e\.yml:2:1: 'compute' 'azureml:a\/b' is not a compute reference/,
    );
    await expect(
      planDeployment(doc('name: blue\nmodel: azureml:m:1\nresources:\n  requests:\n    cpu: "1"\n'), '/tmp/d.yml', { workspaceId: WS, resolver }),
    ).rejects.toThrow(/d\.yml:3:1: 'resources' is a field of Kubernetes online deployments/);
    await expect(planDeployment(doc(`${k8s}egress_public_network_access: disabled\n`), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /d\.yml:4:1: 'egress_public_network_access' is a field of managed online deployments/,
    );
    await expect(planDeployment(doc(`${k8s}gpu_count: 1\n`), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /d\.yml:4:1: 'gpu_count' is not a field of a Kubernetes online deployment/,
    );
    await expect(planDeployment(doc('name: blue\ntype: batch\nmodel: azureml:m:1\n'), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /'batch' is not an online deployment type/,
    );
  });

  it('checks resources: quantities, keys, nvidia.com/gpu read as gpu', async () => {
    await expect(planDeployment(doc(`${k8s}resources:\n  requests:\n    cpu: two\n`), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /d\.yml:6:5: 'resources\.requests\.cpu' 'two' is not a Kubernetes quantity/,
    );
    await expect(planDeployment(doc(`${k8s}resources:\n  requests:\n    disk: 1Gi\n`), '/tmp/d.yml', { workspaceId: WS, resolver })).rejects.toThrow(
      /d\.yml:6:5: 'resources\.requests\.disk' is not a field of a resource requests/,
    );
    const plan = await planDeployment(doc(`${k8s}resources:\n  limits:\n    cpu: 2\n    memory: 4Gi\n    nvidia.com/gpu: "1"\n`), '/tmp/d.yml', {
      workspaceId: WS,
      resolver,
    });
    expect(plan.body.properties.containerResourceRequirements).toEqual({ containerResourceLimits: { cpu: '2', memory: '4Gi', gpu: '1' } });
  });
});
