/**
 * The preflight of deploy on Kubernetes online endpoints (src/runs/deploy/kubernetes.ts) over a
 * stand-in for the workspace's computes: the endpoint's compute must exist and be a Kubernetes
 * compute, the deployment's kind must fit the endpoint, its instance type must be one of the
 * compute's; a deployment from `model` alone becomes a Kubernetes deployment on the compute's
 * default instance type.
 */
import { describe, expect, it } from 'vitest';
import type { AzureContext } from '../../src/azure/context.js';
import type { ArmResource } from '../../src/azure/endpoints.js';
import { createRolloutPlan } from '../../src/rollout/strategy.js';
import { checkKubernetesTarget, type KubernetesCheck } from '../../src/runs/deploy/kubernetes.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planEndpoint, setEndpointCompute, type DeploymentPlan } from '../../src/specs/deployment.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const computes: Record<string, ArmResource> = {
  k8s: {
    id: `${WS}/computes/k8s`,
    name: 'k8s',
    properties: {
      computeType: 'Kubernetes',
      properties: { defaultInstanceType: 'defaultinstancetype', instanceTypes: { defaultinstancetype: {}, gpularge: {} } },
    },
  },
  'cpu-cluster': { id: `${WS}/computes/cpu-cluster`, name: 'cpu-cluster', properties: { computeType: 'AmlCompute' } },
};
const ctx = {
  workspace: { workspaceName: 'ws' },
  arm: { tryGet: (path: string) => Promise.resolve(computes[decodeURIComponent(path.replace(/^computes\//, ''))]) },
} as unknown as AzureContext;

function planned(props: Record<string, unknown>): DeploymentPlan {
  return { body: { properties: { model: 'm', ...props } }, uploads: [], assets: [], modelId: 'm' };
}

function check(o: Partial<KubernetesCheck>): Promise<unknown> {
  return checkKubernetesTarget({
    ctx,
    endpointName: 'ep',
    planned: planned({ endpointComputeType: 'Kubernetes' }),
    fromModelOnly: false,
    plan: createRolloutPlan({ probeRps: 5 }),
    ...o,
  });
}

const k8sEndpoint: ArmResource = { id: `${WS}/onlineEndpoints/ep`, name: 'ep', properties: { compute: `${WS}/computes/k8s`, traffic: {} } };
const managedEndpoint: ArmResource = { id: `${WS}/onlineEndpoints/ep`, name: 'ep', properties: { traffic: {} } };

describe('checkKubernetesTarget', () => {
  it('a Kubernetes endpoint: the compute, its instance types and the probe plan', async () => {
    const t = (await check({ existing: k8sEndpoint })) as { compute: string; instanceTypes: string[]; plan: { health: { usesMonitor: boolean } } };
    expect(t.compute).toBe('k8s');
    expect(t.instanceTypes).toEqual(['defaultinstancetype', 'gpularge']);
    expect(t.plan.health.usesMonitor).toBe(false);
  });

  it('a managed endpoint: nothing for a managed deployment, a Kubernetes deployment refused', async () => {
    expect(await check({ existing: managedEndpoint, planned: planned({ endpointComputeType: 'Managed' }) })).toBeUndefined();
    await expect(check({ existing: managedEndpoint })).rejects.toThrow(
      /Kubernetes online deployment \(type: kubernetes\), but endpoint ep is a managed online endpoint/,
    );
  });

  it('an endpoint file naming a missing compute, or an AmlCompute cluster: at the compute line', async () => {
    for (const [compute, re] of [
      ['nope', /e\.yml:2:1: 'compute' compute 'nope' does not exist in workspace ws/],
      ['cpu-cluster', /e\.yml:2:1: 'compute' compute 'cpu-cluster' is a AmlCompute compute; online endpoints run on Kubernetes computes only/],
    ] as const) {
      const doc = SpecDocument.parse(`name: my-ep\ncompute: azureml:${compute}\n`, 'e.yml', 'endpoint');
      const endpointPlan = planEndpoint(doc);
      setEndpointCompute(endpointPlan, WS);
      await expect(check({ endpointDoc: doc, endpointPlan })).rejects.toThrow(re);
    }
  });

  it('an endpoint file whose compute is not the endpoint’s: refused, the compute cannot change', async () => {
    const doc = SpecDocument.parse('name: my-ep\ncompute: azureml:other\n', 'e.yml', 'endpoint');
    await expect(check({ existing: k8sEndpoint, endpointDoc: doc, endpointPlan: planEndpoint(doc) })).rejects.toThrow(
      /e\.yml:2:1: 'compute' endpoint ep runs on Kubernetes compute 'k8s', not 'other'/,
    );
    const managed = SpecDocument.parse('name: my-ep\n', 'e.yml', 'endpoint');
    await expect(check({ existing: k8sEndpoint, endpointDoc: managed, endpointPlan: planEndpoint(managed) })).rejects.toThrow(/but the file has no compute/);
  });

  it('model alone: a Kubernetes deployment, on the default instance type unless instance-type names one of the compute', async () => {
    const p = planned({ endpointComputeType: 'Managed', instanceType: 'Standard_DS3_v2' });
    await check({ existing: k8sEndpoint, planned: p, fromModelOnly: true });
    expect(p.body.properties).toEqual({ model: 'm', endpointComputeType: 'Kubernetes' });
    const named = planned({ endpointComputeType: 'Managed', instanceType: 'gpularge' });
    await check({ existing: k8sEndpoint, planned: named, fromModelOnly: true });
    expect(named.body.properties.instanceType).toBe('gpularge');
    await expect(
      check({ existing: k8sEndpoint, planned: planned({ endpointComputeType: 'Managed', instanceType: 'Standard_NC6' }), fromModelOnly: true }),
    ).rejects.toMatchObject({
      input: 'instance-type',
      message: expect.stringMatching(
        /instance type 'Standard_NC6' is not defined on Kubernetes compute 'k8s' \(its instance types: defaultinstancetype, gpularge\)/,
      ),
    });
  });
});
