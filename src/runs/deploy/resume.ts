/**
 * A rollout whose runner died half-way (a killed process, a lost VM: no post step ran) and whose
 * workflow run is re-run. The re-run gets a new RUNNER_TEMP, so the rollout's status file is gone;
 * what survives is Azure. The new deployment therefore carries, in its tags, the workflow run that
 * rolls it out and the rollback point (the endpoint's traffic before anything changed), written
 * when the deployment is created — before any traffic moves.
 *
 * When the re-run finds the new deployment already taking traffic, and its tags name the same
 * repository and run, it is that run's interrupted rollout (not a deployment that serves for
 * someone else): the rollback point is written back and read back, and the rollout starts again
 * from it. When the old deployments are gone already (the interrupted rollout had promoted and
 * was cleaning up), there is nothing to go back to: the promotion stands.
 */
import { trafficOf, type OnlineEndpoints } from '../../azure/endpoints.js';
import type { WorkflowRun } from '../../core/workflow-run.js';
import { formatTrafficState, trafficPercent, trafficStateEquals, type TrafficState } from '../../rollout/traffic.js';
import { writeTraffic } from './rollout-adapters.js';

export const ROLLBACK_POINT_TAG = 'azureml-actions.rollback-point';
const RUN_ID_TAG = 'github.run_id';
const REPOSITORY_TAG = 'github.repository';
const RUN_ATTEMPT_TAG = 'github.run_attempt';
/** Azure's limit for a tag value. */
const MAX_TAG_VALUE = 256;

/** Tags of the new deployment: the run that rolls it out and the rollback point. */
export function rolloutTags(run: WorkflowRun, prior: TrafficState): Record<string, string> {
  const tags: Record<string, string> = { [REPOSITORY_TAG]: run.repository, [RUN_ID_TAG]: run.runId, [RUN_ATTEMPT_TAG]: run.runAttempt };
  const point = JSON.stringify({ traffic: prior.traffic, mirror: prior.mirror ?? {} });
  // Too many deployments to fit a tag: the rollout still works, a re-run just cannot take it over.
  if (point.length <= MAX_TAG_VALUE) tags[ROLLBACK_POINT_TAG] = point;
  return tags;
}

export function parseRollbackPoint(text: string | undefined): TrafficState | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { traffic?: unknown; mirror?: unknown };
    const map = (m: unknown): Record<string, number> | undefined =>
      typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).every((x) => typeof x === 'number')
        ? (m as Record<string, number>)
        : undefined;
    const traffic = map(v.traffic);
    const mirror = map(v.mirror ?? {});
    return traffic && mirror ? { traffic, mirror } : undefined;
  } catch {
    return undefined;
  }
}

export type Recovery =
  /** The rollback point is back on the endpoint (read back): roll out again from it. */
  | { kind: 'restored'; prior: TrafficState }
  /** The interrupted rollout had promoted the deployment and removed old ones: it stands. */
  | { kind: 'promoted'; prior: TrafficState; traffic: TrafficState; leftovers: string[] };

/**
 * Takes over the interrupted rollout of `deployment` by the same workflow run, if that is what
 * holds traffic on it; undefined when the deployment is not ours (the caller refuses, as before).
 */
export async function recoverInterruptedRollout(
  eps: OnlineEndpoints,
  endpoint: string,
  deployment: string,
  run: WorkflowRun,
  current: TrafficState,
  log: (message: string) => void,
): Promise<Recovery | undefined> {
  const d = await eps.getDeployment(endpoint, deployment);
  const tags = d?.tags ?? {};
  if (tags[REPOSITORY_TAG] !== run.repository || tags[RUN_ID_TAG] !== run.runId) return undefined;
  const point = parseRollbackPoint(tags[ROLLBACK_POINT_TAG]);
  if (!point) return undefined;
  const names = new Set((await eps.listDeployments(endpoint)).map((x) => String(x.name)));
  const needed = [...Object.entries(point.traffic), ...Object.entries(point.mirror)].filter(([, v]) => v > 0).map(([n]) => n);
  const gone = needed.filter((n) => !names.has(n));
  const who = `run ${run.runId} (attempt ${tags[RUN_ATTEMPT_TAG] ?? '?'})`;
  if (gone.length === 0) {
    log(
      `Deployment ${deployment} takes traffic (${formatTrafficState(current)}) from an interrupted rollout of ${who}: restoring its rollback point ${formatTrafficState(point)} and starting again.`,
    );
    if (!trafficStateEquals(current, point)) await writeTraffic(eps, endpoint, point, current);
    const back = trafficOf((await eps.getEndpoint(endpoint)) ?? {});
    if (!trafficStateEquals(back, point)) {
      throw new Error(
        `restoring the rollback point ${formatTrafficState(point)} of the interrupted rollout of ${deployment}: the endpoint reads back ${formatTrafficState(back)}`,
      );
    }
    return { kind: 'restored', prior: point };
  }
  if (trafficPercent(current.traffic, deployment) === 100) {
    const leftovers = Object.keys(point.traffic).filter((n) => n !== deployment && names.has(n));
    log(`Deployment ${deployment} already serves 100 %: an interrupted rollout of ${who} promoted it and removed ${gone.join(', ')}.`);
    return { kind: 'promoted', prior: point, traffic: current, leftovers };
  }
  return undefined;
}
