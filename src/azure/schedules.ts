/**
 * Azure ML schedules over ARM (`…/workspaces/{ws}/schedules/{name}`, api-version 2024-10-01):
 * read one, and create or update one — a long-running PUT that Azure answers 201 with
 * `provisioningState: Creating` and an `Azure-AsyncOperation` to poll (`Creating` → `Succeeded`),
 * after which the schedule is read again (swagger Schedules_CreateOrUpdate, final-state-via
 * original-uri; recording schedules/schedule-command-job-create-get-disable.json entries 4-7).
 * Retries and polling are the ARM client's.
 */
import type { ArmClient } from './arm.js';
import { withAzureOperation } from './errors.js';
import type { ArmObject } from './workspace-api.js';

export interface SchedulesApi {
  getSchedule(name: string): Promise<ArmObject | undefined>;
  /** PUT and wait until the schedule is provisioned; resolves with the schedule as Azure then answers it. */
  putSchedule(name: string, body: { properties: Record<string, unknown> }): Promise<ArmObject>;
}

const path = (name: string) => `schedules/${encodeURIComponent(name)}`;

export function createSchedulesApi(arm: ArmClient): SchedulesApi {
  return {
    getSchedule: (name) => withAzureOperation(`reading schedule '${name}'`, () => arm.tryGet<ArmObject>(path(name))),
    putSchedule: (name, body) =>
      withAzureOperation(`creating or updating schedule '${name}'`, async () => {
        const poller = await arm.beginPut<ArmObject>(path(name), body);
        const done = await poller.pollUntilDone();
        return done ?? (await arm.get<ArmObject>(path(name)));
      }),
  };
}
