/** ARM's api-version rule: required on every `/subscriptions/…` request; the provider's own set for ML routes. */
import { DEFAULT_LOCATION, isSupportedApiVersion, MLS_NAMESPACE, supportedApiVersionsText } from '../config.js';
import { ArmErrors } from './errors.js';
import { resourceTypeFromPath } from './ids.js';
import type { EmulatorRequest } from '../types.js';

/** The `api-version` of the request (the server already checked it). */
export function apiVersionOf(req: EmulatorRequest): string {
  return req.query.get('api-version') ?? '';
}

export function isArmPath(path: string): boolean {
  return /^\/subscriptions(\/|$)/i.test(path);
}

export function checkApiVersion(path: string, query: URLSearchParams, location = DEFAULT_LOCATION): string {
  const v = query.get('api-version');
  if (v === null || v.trim() === '') throw ArmErrors.missingApiVersion();
  if (!/^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)?$/.test(v)) throw ArmErrors.invalidApiVersionFormat(v);
  // The provider whose api-version rules apply is the last one in the path: Azure Monitor's
  // `…/onlineEndpoints/{e}/providers/Microsoft.Insights/metrics` has its own versions.
  const lastProvider = /\/providers\/([^/]+)\/(?!.*\/providers\/)/i.exec(path)?.[1]?.toLowerCase();
  if (lastProvider === MLS_NAMESPACE.toLowerCase()) {
    // Resource types with their own api-version sets: the versions of config.ts (azure-rest-api-specs readme tags).
    const type = (resourceTypeFromPath(path) ?? 'workspaces').replace(/^locations\/.*/, 'locations').replace(/\/$/, '');
    if (!isSupportedApiVersion(v, type)) {
      // ARM names the type without its namespace ("… for type 'workspaces/models'. The supported
      // api-versions are '2020-09-01-preview, 2021-03-01-preview'. …": microsoft/vscode-tools-for-ai#940,
      // Azure/azure-sdk-for-js#4097).
      throw ArmErrors.unsupportedApiVersion(v, type, location, supportedApiVersionsText(type));
    }
  }
  return v;
}
