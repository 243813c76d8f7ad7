/**
 * The `timeline` output: each stage with its weights, checks (with the measured values) and
 * result, the events, and the time accounting — total wall time against the sum of the bakes,
 * the rest being overhead (provisioning, smoke test, traffic writes, promotion, rollback).
 * Pure: built from a status record.
 */
import { formatDuration } from '../core/inputs.js';
import { describeSignals, type CheckRecord, type EventKind, type Outcome, type Phase, type RolloutStatus, type StageResult } from './machine.js';
import { formatTrafficState, type TrafficMap, type TrafficState } from './traffic.js';

export interface TimelineCheck {
  at: string;
  windowStart: string;
  windowEnd: string;
  verdict: CheckRecord['verdict'];
  healthy: boolean;
  signals?: CheckRecord['signals'];
  baseline?: CheckRecord['baseline'];
  rules?: CheckRecord['rules'];
  reason?: string;
}

export interface TimelineStage {
  /** `mirror 10%` or `stage 2/3`. */
  name: string;
  kind: 'mirror' | 'traffic';
  /** Live weight of the new deployment. */
  weight: number;
  mirrorPercent: number;
  traffic: TrafficMap;
  mirror: TrafficMap;
  startedAt: string;
  /** When the traffic was read back: the bake started then. */
  trafficSetAt?: string;
  endedAt?: string;
  /** Time spent baking (traffic set → stage end). */
  bakeMs: number;
  /** When the bake ends. */
  bakeEndsAt?: string;
  /** Azure Monitor had reported the stage's minutes up to here (a stage passes once this reaches the bake's end). */
  reportedUntil?: string;
  result: StageResult;
  checks: TimelineCheck[];
}

export interface RolloutTimeline {
  deployment: string;
  phase: Phase;
  outcome?: Outcome;
  reason?: string;
  startedAt: string;
  endedAt?: string;
  /** Wall time from start to end (or to now while running). */
  totalMs: number;
  /** Sum of the stages' bake times. */
  bakeMs: number;
  /** totalMs − bakeMs. */
  overheadMs: number;
  /** overheadMs / totalMs × 100, one decimal. */
  overheadPercent: number;
  prior?: TrafficState;
  /** What the endpoint holds at the end, as last written or read back by the rollout. */
  final?: TrafficState;
  failedChecks: number;
  consecutiveErrors: number;
  rollback?: { reason: string; from: Phase; startedAt: string; restoredAt?: string; restoreMs?: number };
  stages: TimelineStage[];
  events: Array<{ at: string; phase: Phase; kind: EventKind; message: string }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The timeline of a status; `now` bounds the running stage (default: the status's end or last update). */
export function buildTimeline(status: RolloutStatus, now: number = status.endedAt ?? status.updatedAt): RolloutTimeline {
  const end = status.endedAt ?? now;
  const stages: TimelineStage[] = status.records.map((r) => {
    const stop = r.endedAt ?? end;
    return {
      name: r.kind === 'mirror' ? `mirror ${r.mirrorPercent}%` : `stage ${r.index + 1}/${status.stages.length}`,
      kind: r.kind,
      weight: r.weight,
      mirrorPercent: r.mirrorPercent,
      traffic: { ...r.target.traffic },
      mirror: { ...r.target.mirror },
      startedAt: iso(r.startedAt),
      ...(r.trafficSetAt !== undefined ? { trafficSetAt: iso(r.trafficSetAt) } : {}),
      ...(r.endedAt !== undefined ? { endedAt: iso(r.endedAt) } : {}),
      bakeMs: r.trafficSetAt !== undefined ? Math.max(0, stop - r.trafficSetAt) : 0,
      ...(r.bakeEndsAt !== undefined ? { bakeEndsAt: iso(r.bakeEndsAt) } : {}),
      ...(r.coveredUntil !== undefined && Number.isFinite(r.coveredUntil) ? { reportedUntil: iso(r.coveredUntil) } : {}),
      result: r.result,
      checks: r.checks.map((c) => ({
        at: iso(c.at),
        windowStart: iso(c.windowStart),
        windowEnd: iso(c.windowEnd),
        verdict: c.verdict,
        healthy: c.healthy,
        ...(c.signals ? { signals: c.signals } : {}),
        ...(c.baseline ? { baseline: c.baseline } : {}),
        ...(c.rules ? { rules: c.rules } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
      })),
    };
  });
  const totalMs = Math.max(0, end - status.startedAt);
  const bakeMs = stages.reduce((sum, s) => sum + s.bakeMs, 0);
  const overheadMs = Math.max(0, totalMs - bakeMs);
  const rb = status.rollback;
  return {
    deployment: status.deployment,
    phase: status.phase,
    ...(status.outcome ? { outcome: status.outcome } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    startedAt: iso(status.startedAt),
    ...(status.endedAt !== undefined ? { endedAt: iso(status.endedAt) } : {}),
    totalMs,
    bakeMs,
    overheadMs,
    overheadPercent: totalMs === 0 ? 0 : Math.round((overheadMs / totalMs) * 1000) / 10,
    ...(status.prior ? { prior: status.prior } : {}),
    ...(status.expected ? { final: status.expected } : {}),
    failedChecks: status.failedChecks,
    consecutiveErrors: status.consecutiveErrors,
    ...(rb
      ? {
          rollback: {
            reason: rb.reason,
            from: rb.from,
            startedAt: iso(rb.at),
            ...(rb.restoredAt !== undefined ? { restoredAt: iso(rb.restoredAt), restoreMs: rb.restoredAt - rb.at } : {}),
          },
        }
      : {}),
    stages,
    events: status.timeline.map((e) => ({ at: iso(e.at), phase: e.phase, kind: e.kind, message: e.message })),
  };
}

/** A few lines for the log: one per stage, then the time accounting. */
export function formatTimeline(t: RolloutTimeline): string[] {
  const lines: string[] = [];
  for (const s of t.stages) {
    const checks = s.checks.length === 0 ? 'no checks' : `${s.checks.filter((c) => c.healthy).length}/${s.checks.length} checks healthy`;
    const last = s.checks.at(-1);
    const values = last?.signals ? `; last ${describeSignals(last.signals)}` : '';
    lines.push(
      `${s.name}: ${formatTrafficState({ traffic: s.traffic, mirror: s.mirror })} — ${s.result}, baked ${formatDuration(s.bakeMs)}, ${checks}${values}`,
    );
  }
  lines.push(
    `total ${formatDuration(t.totalMs)}: bakes ${formatDuration(t.bakeMs)}, overhead ${formatDuration(t.overheadMs)} (${t.overheadPercent}%)` +
      (t.rollback?.restoreMs !== undefined ? `; traffic restored ${formatDuration(t.rollback.restoreMs)} after the rollback started` : ''),
  );
  return lines;
}
