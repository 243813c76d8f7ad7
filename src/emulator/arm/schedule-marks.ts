/**
 * Which jobs a schedule created: a sidecar record beside each such job (not part of its wire
 * body), read by the jobs list's `scheduled` / `scheduleId` filters. Those query parameters are
 * the ones azure-ai-ml sends (`ml_client.jobs.list(schedule_defined=…, scheduled_job_name=…)` →
 * `scheduled`, `scheduleId` of Jobs_List, _restclient/v2024_01_01_preview/operations/_jobs_operations.py).
 */
import type { ArmResource, ResourceStore } from '../types.js';

export interface ScheduleMark {
  scheduleName: string;
  scheduleId: string;
  /** The trigger time the job was created for (ISO). */
  triggerTime: string;
}

export function scheduleMarkId(jobId: string): string {
  return `${jobId}/.emulator-schedule`;
}

/** The jobs a list keeps under `scheduled` (true/false) and `scheduleId` (a schedule's name or ARM id). */
export async function filterScheduledJobs(
  store: ResourceStore,
  jobs: ArmResource[],
  scheduleId: string | null,
  scheduled: string | null,
): Promise<ArmResource[]> {
  const out: ArmResource[] = [];
  for (const job of jobs) {
    const mark = await store.get<ScheduleMark>(scheduleMarkId(job.id));
    if (scheduled !== null && (scheduled.toLowerCase() === 'true') !== Boolean(mark)) continue;
    if (scheduleId !== null) {
      const want = scheduleId.toLowerCase();
      if (!mark || (mark.scheduleName.toLowerCase() !== want && mark.scheduleId.toLowerCase() !== want)) continue;
    }
    out.push(job);
  }
  return out;
}
