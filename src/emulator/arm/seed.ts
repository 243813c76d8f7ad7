/**
 * What exists when the emulator starts: the subscription, the resource group and the workspace
 * of `defaults`, with its datastores (containers in Azurite), the AmlCompute clusters
 * `cpu-cluster` / `gpu-cluster` and a few curated environments. Idempotent: a folder store that
 * already holds them is left as it is (only the Azurite containers are ensured again).
 */
import type { ArmDeps } from './deps.js';
import { seedAssetVersion } from './assets.js';
import { amlCompute, SEEDED_CLUSTERS } from './computes.js';
import { ensureDefaultDatastores } from './datastores.js';
import { childId, resourceGroupId, subscriptionId, workspaceId, workspacesCollectionId, type WorkspaceScope } from './ids.js';
import { resourceGroupResource, subscriptionResource } from './resource-groups.js';
import { buildWorkspace } from './workspaces.js';

/** Curated environments as a workspace lists them (`azureml:AzureML-sklearn-1.5@latest`). */
export const CURATED_ENVIRONMENTS: { name: string; version: string; image: string; description: string }[] = [
  {
    name: 'AzureML-sklearn-1.5',
    version: '1',
    image: 'mcr.microsoft.com/azureml/curated/sklearn-1.5:1',
    description: 'Scikit-learn 1.5 with MLflow (curated; jobs run with the local Python in the emulator).',
  },
  {
    name: 'AzureML-tensorflow-2.16-cuda12',
    version: '1',
    image: 'mcr.microsoft.com/azureml/curated/tensorflow-2.16-cuda12:1',
    description: 'TensorFlow 2.16 on CUDA 12 (curated; jobs run with the local Python in the emulator).',
  },
];

export async function seedDefaults(deps: ArmDeps, now: Date): Promise<void> {
  const d = deps.defaults;
  const sub = subscriptionId(d.subscriptionId);
  if (!(await deps.store.get(sub))) await deps.store.put(sub, subscriptionResource(d.subscriptionId, d.tenantId));
  const rgId = resourceGroupId(d.subscriptionId, d.resourceGroup);
  if (!(await deps.store.get(rgId))) await deps.store.put(rgId, resourceGroupResource(d.subscriptionId, d.resourceGroup, d.location));

  const scope: WorkspaceScope = { subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup, workspaceName: d.workspaceName };
  const wsId = workspaceId(scope);
  await deps.store.withLock(wsId, async () => {
    if (await deps.store.get(wsId)) return;
    const ws = buildWorkspace(
      scope,
      {
        location: d.location,
        properties: { friendlyName: d.workspaceName, description: 'Workspace of the local Azure ML emulator.' },
        identity: { type: 'SystemAssigned' },
      },
      deps,
      undefined,
      now,
    );
    await deps.store.put(wsId, ws);
  });
  for (const c of SEEDED_CLUSTERS) {
    const id = childId(scope, 'computes', c.name);
    if (!(await deps.store.get(id))) await deps.store.put(id, amlCompute(scope, d.location, c, now));
  }
  for (const env of CURATED_ENVIRONMENTS) {
    await seedAssetVersion(
      deps,
      scope,
      'environments',
      env.name,
      env.version,
      {
        description: env.description,
        image: env.image,
        environmentType: 'Curated',
        tags: { curated: 'true' },
      },
      now,
    );
  }

  // Datastores (and their containers in Azurite, which may be new) of every workspace.
  for (const g of await deps.store.list(`${sub}/resourceGroups`)) {
    for (const ws of await deps.store.list(workspacesCollectionId(d.subscriptionId, g.name))) {
      const guid = (ws.properties as { workspaceId?: string }).workspaceId;
      if (!guid) continue;
      await ensureDefaultDatastores(deps, { subscriptionId: d.subscriptionId, resourceGroup: g.name, workspaceName: ws.name }, guid, now);
    }
  }
}
