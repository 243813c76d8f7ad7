/**
 * deploy's model monitoring: the data assets a deployment's data collector writes to (registered
 * before the deployment, as `az ml online-deployment create` does), and the `monitor-file`
 * schedule — checked before any change, then created or updated after a promotion so that it
 * monitors the deployment just promoted. One schedule per name: a later rollout retargets it.
 */
import type { AzureContext } from '../../azure/context.js';
import { createBlobStore } from '../../azure/blob.js';
import type { ArmResource, OnlineEndpoints } from '../../azure/endpoints.js';
import { createSchedulesApi } from '../../azure/schedules.js';
import { createSnapshotUploader, createWorkspaceApi } from '../../azure/workspace.js';
import { errorMessage } from '../../core/errors.js';
import type { ActionIO, ActionLog } from '../../core/io.js';
import { appendLedger } from '../../core/ledger.js';
import { isObj, type Obj } from '../../core/obj.js';
import { collectionDataAssets } from '../../specs/data-collector.js';
import type { DeploymentPlan } from '../../specs/deployment.js';
import { SpecDocument } from '../../specs/document.js';
import { isMonitorSpec, planMonitor, writtenMonitorTarget, type MonitorPlanOptions } from '../../specs/monitor.js';
import type { DeploySettings } from '../inputs/deploy.js';

/** The monitor file, checked: what {@link applyMonitor} needs after the promotion. */
export interface CheckedMonitor {
  doc: SpecDocument;
  file: string;
  name: string;
  /** The schedule of that name before the rollout, if there was one. */
  existing?: ArmResource;
}

/** The endpoint and deployment of a monitor's `deploymentId` (an ARM id). */
function targetOf(schedule: ArmResource | undefined): { endpoint: string; deployment: string } | undefined {
  const action = schedule?.properties?.action;
  const def = isObj(action) && isObj(action.monitorDefinition) ? action.monitorDefinition : undefined;
  const target = def && isObj(def.monitoringTarget) ? def.monitoringTarget : undefined;
  const m = typeof target?.deploymentId === 'string' ? /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i.exec(target.deploymentId) : null;
  return m ? { endpoint: m[1], deployment: m[2] } : undefined;
}

/**
 * What the deployment collects, read from its data collector (the data assets its collections
 * write to): the default production and reference data of the monitor's signals
 * (azure-ai-ml _schedule_operations.py _resolve_monitor_schedule_arm_id reads the same:
 * collections model_inputs / model_outputs, `enabled`, `data`).
 */
function collectedBy(dataCollector: unknown): MonitorPlanOptions['collected'] {
  const collections = isObj(dataCollector) && isObj(dataCollector.collections) ? dataCollector.collections : {};
  const one = (name: string) => {
    const c = collections[name];
    if (!isObj(c) || String(c.dataCollectionMode).toLowerCase() !== 'enabled' || typeof c.dataId !== 'string') return undefined;
    // What a deployment collects is registered as uri_folder data (_register_collection_data_assets).
    return { uri: c.dataId, type: 'uri_folder' };
  };
  return { modelInputs: one('model_inputs'), modelOutputs: one('model_outputs') };
}

/**
 * The preflight of `monitor-file`, before any change: a monitor schedule with a name, whose
 * written target (if any) is this endpoint, which translates for the new deployment, and whose
 * name is free or already a monitor of this endpoint.
 */
export async function checkMonitor(
  ctx: AzureContext,
  s: DeploySettings,
  endpoint: string,
  planned: DeploymentPlan & { deploymentName: string },
  log: ActionLog,
): Promise<CheckedMonitor | undefined> {
  if (!s.monitorFile) return undefined;
  const doc = SpecDocument.load(s.monitorFile.path, s.monitorFile.display, 'monitor-file');
  if (!isMonitorSpec(doc.value))
    throw doc.error(
      [],
      "is not a monitor schedule: it has no 'create_monitor'",
      'give an az ml schedule YAML with create_monitor (azureml-examples cli/monitoring)',
    );
  const written = writtenMonitorTarget(doc, doc.value);
  if (written && written.endpoint !== endpoint) {
    throw doc.error(
      written.path,
      `monitors endpoint '${written.endpoint}', but this step deploys to endpoint '${endpoint}'`,
      `write azureml:${endpoint}:<deployment> (deploy points the monitor at the deployment it promotes), or remove endpoint_deployment_id`,
    );
  }
  const name = (doc.value as Obj).name;
  if (typeof name !== 'string')
    throw doc.error([], "a monitor schedule needs 'name': deploy creates the schedule of that name, and updates it on later rollouts");
  // Translated now, for the new deployment, so that a mistake in the file stops the rollout before it starts.
  const dataCollector = planned.body.properties.dataCollector;
  if (isObj(dataCollector)) collectionDataAssets(dataCollector, ctx.workspaceId, endpoint, planned.deploymentName);
  const api = createWorkspaceApi(ctx.arm);
  await planMonitor(doc, s.monitorFile.path, doc.value, {
    workspaceId: ctx.workspaceId,
    resolver: api,
    target: { endpoint, deployment: planned.deploymentName },
    collected: collectedBy(dataCollector),
  });
  const existing = await createSchedulesApi(ctx.arm).getSchedule(name);
  if (existing) {
    const action = existing.properties?.action;
    const type = isObj(action) ? String(action.actionType) : 'unknown';
    if (type.toLowerCase() !== 'createmonitor')
      throw doc.error(['name'], `schedule '${name}' exists and is not a monitor (its action is ${type})`, 'give the monitor another name');
    const was = targetOf(existing);
    if (was && was.endpoint !== endpoint)
      throw doc.error(
        ['name'],
        `schedule '${name}' exists and monitors endpoint '${was.endpoint}' (deployment ${was.deployment})`,
        'give the monitor of this endpoint another name',
      );
    log.info(`Monitor ${name}: monitors ${was ? `deployment ${was.deployment}` : 'no deployment'} now; it will monitor the deployment promoted`);
  } else {
    log.info(`Monitor ${name}: not there yet; it will be created for the deployment promoted`);
  }
  return { doc, file: s.monitorFile.path, name, existing };
}

/** Registers the data assets the new deployment's collections write to (those not there yet), and sets their ids in its body. */
export async function registerCollectedData(
  ctx: AzureContext,
  planned: DeploymentPlan & { deploymentName: string },
  endpoint: string,
  log: ActionLog,
): Promise<void> {
  const dataCollector = planned.body.properties.dataCollector;
  if (!isObj(dataCollector)) return;
  const api = createWorkspaceApi(ctx.arm);
  for (const a of collectionDataAssets(dataCollector, ctx.workspaceId, endpoint, planned.deploymentName)) {
    if (await api.getAssetVersion('data', a.name, a.version)) {
      log.info(`Data collection ${a.collection}: data asset ${a.name}:${a.version} exists`);
      continue;
    }
    await api.putAssetVersion('data', a.name, a.version, { properties: { dataType: 'uri_folder', dataUri: a.path } });
    log.info(`Data collection ${a.collection}: registered data asset ${a.name}:${a.version} (${a.path})`);
  }
}

/**
 * After a promotion: creates or updates the monitor schedule so that it monitors `deployment`
 * (the one promoted), over what that deployment collects. Sets the `monitor-name` output and
 * writes the ledger entry.
 */
export async function applyMonitor(
  ctx: AzureContext,
  eps: OnlineEndpoints,
  m: CheckedMonitor,
  endpoint: string,
  deployment: string,
  io: ActionIO,
): Promise<void> {
  const dep = await eps.getDeployment(endpoint, deployment);
  const plan = await planMonitor(m.doc, m.file, m.doc.value, {
    workspaceId: ctx.workspaceId,
    resolver: createWorkspaceApi(ctx.arm),
    target: { endpoint, deployment },
    collected: collectedBy(dep?.properties?.dataCollector),
  });
  for (const w of plan.warnings) io.warning(w);
  if (plan.uploads.length > 0) {
    const uploader = createSnapshotUploader(() => createBlobStore(ctx));
    for (const up of plan.uploads) if (!(await uploader.hasSnapshot(up.datastorePath, up.snapshot))) await uploader.upload(up.datastorePath, up.snapshot);
  }
  const schedules = createSchedulesApi(ctx.arm);
  // Read again: another workflow may have written it since the preflight.
  const before = await schedules.getSchedule(m.name);
  const previous = targetOf(before)?.deployment;
  try {
    await schedules.putSchedule(m.name, plan.body);
  } catch (err) {
    throw new Error(
      `${deployment} was promoted and serves endpoint ${endpoint}, but monitor schedule ${m.name} was not ${before ? 'updated' : 'created'}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const action = plan.body.properties.action as { monitorDefinition: { signals: Obj } };
  const signals = Object.keys(action.monitorDefinition.signals);
  io.info(
    before
      ? `Monitor ${m.name} updated: it monitors ${deployment}${previous && previous !== deployment ? ` (was ${previous})` : ''}; signals ${signals.join(', ')}`
      : `Monitor ${m.name} created: it monitors ${deployment}; signals ${signals.join(', ')}`,
  );
  io.setOutput('monitor-name', m.name);
  appendLedger({
    kind: 'monitor',
    action: 'deploy',
    name: m.name,
    endpoint,
    deployment,
    ...(previous && previous !== deployment ? { previousDeployment: previous } : {}),
    created: !before,
    signals,
  });
}
