/**
 * Azure ML registries in the emulator: the registry resources and their model containers and
 * versions, mounted with one line in the server's route list (`...registriesModule(deps)`).
 *
 * The registry `shared-registry` (in the default resource group) exists from the start: it is
 * seeded before the first registry request is handled (idempotent, so a folder store that holds
 * it already is left as it is), which keeps the emulator's start-up sequence untouched.
 */
import type { ArmDeps } from '../arm/deps.js';
import type { Route } from '../types.js';
import { SEEDED_REGISTRY, type RegistryScope } from './ids.js';
import { registryModelRoutes } from './models.js';
import { registryRoutes, seedRegistry } from './registries.js';
import { createRegistryStorage } from './storage.js';

export { SEEDED_REGISTRY, registryContainerName, registryId, registryModelId, type RegistryScope } from './ids.js';

/** Every registry route, each running after the seeded registry exists. */
export function registriesModule(deps: ArmDeps): Route[] {
  const storage = createRegistryStorage(deps.blob);
  const scope: RegistryScope = { subscriptionId: deps.defaults.subscriptionId, resourceGroup: deps.defaults.resourceGroup, registryName: SEEDED_REGISTRY };
  let seeded: Promise<void> | undefined;
  const ensureSeeded = async (): Promise<void> => {
    seeded ??= seedRegistry(deps, scope, new Date()).catch((err: unknown) => {
      seeded = undefined; // try again on the next request
      throw err;
    });
    await seeded;
  };
  return [...registryRoutes(deps), ...registryModelRoutes(deps, storage)].map((route) => ({
    ...route,
    handler: async (req) => {
      await ensureSeeded();
      return route.handler(req);
    },
  }));
}
