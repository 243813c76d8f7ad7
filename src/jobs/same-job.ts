/**
 * Is the job already in the workspace the one a job file describes? A job file with a fixed
 * `name:` meets its own job again when the workflow is re-run. Azure ML keeps a job's content
 * immutable: a PUT of an existing job that changes anything but description, tags, displayName,
 * properties or isArchived is refused with "A job with this name already exists. If you are
 * trying to create a new job, use a different name. If you are trying to update an existing job,
 * the existing job's Settings, Inputs, Outputs, Jobs, InputBindings, OutputBindings cannot be
 * changed. Only description, tags, displayName, properties, and isArchived can be updated."
 * (UserError, inner code JobPropertyImmutable: MicrosoftDocs/azure-docs#122250, Azure/azure-cli#26857,
 * Azure/azure-sdk-for-python#47389); a PUT that changes only those is answered 200 (recording
 * jobs/pipeline-job-create-update.json, its second PUT).
 */
import { isObj } from '../core/obj.js';

/** What Azure lets a PUT of an existing job change (the error message above). */
export const MUTABLE_JOB_FIELDS = ['description', 'tags', 'displayName', 'properties', 'isArchived'];

/** Azure's own words when the content of an existing job would change. */
export const AZURE_IMMUTABLE_JOB =
  "the existing job's Settings, Inputs, Outputs, Jobs, InputBindings, OutputBindings cannot be changed. Only description, tags, displayName, properties, and isArchived can be updated";

/**
 * The first field of `body.properties` (as a dotted path) whose value the existing job does not
 * hold, or undefined when the existing job is that body. What the service adds on its own (the
 * Tracking service, defaults such as resources.shmSize, input modes) is not a difference; a short
 * reference the service resolves (`azureml:<name>@latest`, `azureml:<name>:<v>`) matches the
 * version id it resolved to; ARM ids compare without regard to case, durations by their length.
 */
export function jobContentDifference(existing: { properties?: Record<string, unknown> }, body: { properties: Record<string, unknown> }): string | undefined {
  const theirs = existing.properties ?? {};
  for (const [k, v] of Object.entries(body.properties)) {
    if (MUTABLE_JOB_FIELDS.includes(k)) continue;
    const d = difference(v, theirs[k], k);
    if (d !== undefined) return d;
  }
  return undefined;
}

function difference(ours: unknown, theirs: unknown, at: string): string | undefined {
  if (ours === undefined || ours === null) return undefined;
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length) return at;
    for (let i = 0; i < ours.length; i++) {
      const d = difference(ours[i], theirs[i], `${at}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObj(ours)) {
    if (!isObj(theirs)) return at;
    for (const [k, v] of Object.entries(ours)) {
      const d = difference(v, theirs[k], `${at}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return sameScalar(ours, theirs) ? undefined : at;
}

function sameScalar(ours: unknown, theirs: unknown): boolean {
  if (ours === theirs) return true;
  if (typeof ours !== 'string' || typeof theirs !== 'string') return String(ours) === String(theirs) && typeof theirs !== 'object';
  if (ours.startsWith('/subscriptions/') && ours.toLowerCase() === theirs.toLowerCase()) return true;
  const short = /^azureml:([^:/@]+)(?::([^:/@]+)|@[^:/@]+)?$/.exec(ours);
  if (short) {
    const [, name, version] = short;
    const id = /\/([^/]+)\/versions\/([^/]+)$/.exec(theirs);
    if (id && id[1].toLowerCase() === name.toLowerCase() && (version === undefined || id[2] === version)) return true;
  }
  const a = durationSeconds(ours);
  return a !== undefined && a === durationSeconds(theirs);
}

/** ISO 8601 durations (PT3600S, PT1H, P1DT2H): their length in seconds. */
function durationSeconds(s: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (!m || s === 'P' || s === 'PT') return undefined;
  const [d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + sec;
}
