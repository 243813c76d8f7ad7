/**
 * deploy on Kubernetes online endpoints (an AKS or Arc cluster attached to the workspace as a
 * Kubernetes compute; the endpoint names it in `compute`): what preflight checks before anything
 * changes, and what the rollout judges health on.
 *
 * - An endpoint is a Kubernetes online endpoint when its `properties.compute` is set (azure-ai-ml
 *   entities/_endpoint/online_endpoint.py: `_from_rest_object` makes a KubernetesOnlineEndpoint of
 *   it, with no mirror_traffic; `_to_rest_online_endpoint` sends `compute`).
 * - The endpoint's compute exists and is a Kubernetes compute (an endpoint YAML naming another is
 *   refused at its `compute` line); a Kubernetes deployment goes to a Kubernetes endpoint only and
 *   a managed one to a managed endpoint; a deployment's `instance_type` is one of the compute's.
 * - Mirror traffic is refused: Azure ML does not offer it on Kubernetes online endpoints (issue 15;
 *   src/azure/traffic.ts refuses a mirrored split on them already; the exact doc sentence was not
 *   found in the stored sources).
 * - Health: Azure Monitor publishes no request metrics for Kubernetes online endpoints, so the
 *   rollout judges the probe requests it sends itself (`probe-rps`) and its smoke requests; without
 *   `probe-rps` it is refused unless `allow-no-traffic` is true. The default rules become the probe
 *   rules ({@link kubernetesHealthPolicy}).
 */
import type { AzureContext } from '../../azure/context.js';
import type { ArmResource } from '../../azure/endpoints.js';
import { withAzureOperation } from '../../azure/errors.js';
import { ConfigurationError } from '../../core/errors.js';
import type { Signals, SignalSource } from '../../rollout/health.js';
import { HealthInputs, kubernetesHealthPolicy } from '../../rollout/health.js';
import { RolloutInputs, type RolloutPlan } from '../../rollout/strategy.js';
import type { SpecDocument } from '../../specs/document.js';
import type { DeploymentPlan, EndpointPlan } from '../../specs/deployment.js';

/** The VM size `instance-type` defaults to (action.yml): a managed size, never one of a Kubernetes compute's instance types. */
const MANAGED_DEFAULT_INSTANCE_TYPE = 'Standard_DS3_v2';

export interface KubernetesTarget {
  /** The Kubernetes compute's name. */
  compute: string;
  /** Its instance types and the default one. */
  instanceTypes: string[];
  defaultInstanceType: string;
  /** The rollout plan with the health policy of a Kubernetes endpoint. */
  plan: RolloutPlan;
}

export interface KubernetesCheck {
  ctx: AzureContext;
  endpointName: string;
  endpointDoc?: SpecDocument;
  endpointPlan?: EndpointPlan;
  /** The endpoint as it is now (undefined: it will be created from the endpoint file). */
  existing?: ArmResource;
  planned: DeploymentPlan;
  /** The deployment comes from `model` alone (no deployment file): its body is made to fit the endpoint. */
  fromModelOnly: boolean;
  plan: RolloutPlan;
}

function computeNameOf(id: string): string {
  return id.replace(/^.*\/computes\//i, '');
}

async function readCompute(ctx: AzureContext, name: string): Promise<ArmResource | undefined> {
  return withAzureOperation(`reading compute '${name}'`, () => ctx.arm.tryGet<ArmResource>(`computes/${encodeURIComponent(name)}`));
}

/**
 * Whether the rollout targets a Kubernetes online endpoint, checked before any change: undefined for
 * a managed endpoint (after refusing a Kubernetes deployment for it). Throws ConfigurationErrors.
 */
export async function checkKubernetesTarget(c: KubernetesCheck): Promise<KubernetesTarget | undefined> {
  const { ctx, endpointName, existing, endpointPlan, endpointDoc, planned } = c;
  const existingCompute = typeof existing?.properties?.compute === 'string' && existing.properties.compute !== '' ? existing.properties.compute : undefined;
  const fileCompute = endpointPlan?.compute;
  if (existing && endpointDoc && (existingCompute ? computeNameOf(existingCompute) : undefined)?.toLowerCase() !== fileCompute?.toLowerCase()) {
    throw endpointDoc.error(
      fileCompute ? ['compute'] : [],
      existingCompute
        ? `endpoint ${endpointName} runs on Kubernetes compute '${computeNameOf(existingCompute)}'${fileCompute ? `, not '${fileCompute}'` : ', but the file has no compute'}`
        : `endpoint ${endpointName} is a managed online endpoint, but the file names compute '${fileCompute}'`,
      "an endpoint's compute cannot change: make the file match the endpoint, or deploy to another endpoint",
    );
  }
  const computeName = existingCompute ? computeNameOf(existingCompute) : fileCompute;
  const deploymentType = String(planned.body.properties.endpointComputeType ?? 'Managed');
  if (!computeName) {
    if (deploymentType === 'Kubernetes') {
      throw new ConfigurationError(
        `the deployment file is a Kubernetes online deployment (type: kubernetes), but endpoint ${endpointName} is a managed online endpoint`,
        { input: 'deployment-file', hint: "deploy it to an endpoint with 'compute: azureml:<Kubernetes compute>', or remove 'type: kubernetes'" },
      );
    }
    return undefined;
  }
  const compute = await readCompute(ctx, computeName);
  const where = `workspace ${ctx.workspace.workspaceName}`;
  const type = String(compute?.properties?.computeType ?? '');
  if (!compute || type !== 'Kubernetes') {
    const message = compute
      ? `compute '${computeName}' is a ${type} compute; online endpoints run on Kubernetes computes only`
      : `compute '${computeName}' does not exist in ${where}`;
    const hint = 'attach the cluster first (az ml compute attach --type Kubernetes), or leave compute out for a managed online endpoint';
    if (!existing && endpointDoc) throw endpointDoc.error(['compute'], message, hint);
    throw new ConfigurationError(`endpoint ${endpointName}: ${message}`, { input: 'endpoint', hint });
  }
  const inner = (compute.properties?.properties ?? {}) as { instanceTypes?: Record<string, unknown>; defaultInstanceType?: string };
  const instanceTypes = Object.keys(inner.instanceTypes ?? {});
  const defaultInstanceType = inner.defaultInstanceType ?? instanceTypes[0] ?? 'defaultinstancetype';
  const props = planned.body.properties;
  if (c.fromModelOnly) {
    // `model` alone: a Kubernetes deployment on the compute's default instance type unless instance-type names one of its own.
    props.endpointComputeType = 'Kubernetes';
    if (props.instanceType === MANAGED_DEFAULT_INSTANCE_TYPE) delete props.instanceType;
  } else if (deploymentType !== 'Kubernetes') {
    throw new ConfigurationError(
      `endpoint ${endpointName} runs on Kubernetes compute '${computeName}': the deployment file must be a Kubernetes online deployment (type: kubernetes), not a managed one`,
      { input: 'deployment-file', hint: "add 'type: kubernetes' (and resources / an instance_type of the compute instead of a VM size)" },
    );
  }
  const wanted = props.instanceType;
  if (typeof wanted === 'string' && !instanceTypes.some((n) => n.toLowerCase() === wanted.toLowerCase())) {
    throw new ConfigurationError(
      `instance type '${wanted}' is not defined on Kubernetes compute '${computeName}' (its instance types: ${instanceTypes.join(', ') || 'none'})`,
      { input: c.fromModelOnly ? 'instance-type' : 'deployment-file', hint: `use one of them, or leave it out for the default '${defaultInstanceType}'` },
    );
  }
  return { compute: computeName, instanceTypes, defaultInstanceType, plan: kubernetesPlan(c.plan, endpointName, computeName) };
}

/** The rollout plan on a Kubernetes endpoint: no mirror stage, probes required (or allow-no-traffic), probe health rules. */
export function kubernetesPlan(plan: RolloutPlan, endpointName: string, compute: string): RolloutPlan {
  const on = `endpoint ${endpointName} is a Kubernetes online endpoint (compute '${compute}')`;
  if (plan.mirrorPercent > 0) {
    throw new ConfigurationError(`Input '${RolloutInputs.mirrorPercent}': ${on}, and Azure ML does not mirror traffic to Kubernetes online deployments`, {
      input: RolloutInputs.mirrorPercent,
      hint: 'leave mirror-percent at 0; the canary stages and the probes test the new deployment',
    });
  }
  if (plan.probeRps === 0 && !plan.health.allowNoTraffic) {
    throw new ConfigurationError(
      `Input '${RolloutInputs.probeRps}' is needed: ${on}, for which Azure Monitor publishes no request metrics, so the rollout can judge health only on the probe requests it sends itself`,
      {
        input: RolloutInputs.probeRps,
        hint: `set probe-rps (e.g. 5) with a smoke-request to send, or set ${HealthInputs.allowNoTraffic}: true to promote on the smoke test alone`,
      },
    );
  }
  return { ...plan, health: kubernetesHealthPolicy(plan.health) };
}

/**
 * The health signals of a Kubernetes endpoint: none from Azure Monitor (it publishes no request
 * metrics for these endpoints; the rollout does not ask). With probes, every window is "not
 * reported" and the probe rules decide; without (allow-no-traffic), a window has no request.
 */
export function kubernetesSignals(probes: boolean): SignalSource {
  return {
    query(): Promise<Signals> {
      return Promise.resolve(probes ? { requests: 0, pending: true } : { requests: 0 });
    },
  };
}

/** The line the log and the timeline carry about health on a Kubernetes endpoint. */
export function kubernetesHealthNote(target: KubernetesTarget): string {
  return `Kubernetes online endpoint (compute '${target.compute}'): Azure Monitor publishes no request metrics for it, so health is judged only on the probe and smoke requests this rollout sends (rules: ${target.plan.health.rulesText.split('\n').join('; ')})${target.plan.probeRps > 0 ? `; probes at ${target.plan.probeRps}/s` : '; no probes (allow-no-traffic): promoted on the smoke test'}`;
}
