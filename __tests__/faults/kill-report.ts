/** The kill-anywhere figures: one record per run, rendered as a summary and a table. */
export interface KillRun {
  index: number;
  /** The step that was killed and when (seconds after it started, or the log line it was killed on). */
  step: string;
  at: string;
  /** The re-run had a fresh RUNNER_TEMP (a new runner) rather than the same one. */
  newRunner: boolean;
  /** Whether the SIGKILL landed (the step was still running). */
  killed: boolean;
  /** What the killed attempt left (before the re-run). */
  left: string;
  halfMadeAfterKill: string[];
  rerunOk: boolean;
  rerunSeconds: number;
  jobs: number;
  modelVersions: number;
  deployments: string[];
  traffic: string;
  problems: string[];
}

export interface KillReport {
  seed: number;
  runs: KillRun[];
  wallSeconds: number;
}

export function renderKillRuns(r: KillReport): string {
  const landed = r.runs.filter((x) => x.killed);
  const ok = r.runs.filter((x) => x.problems.length === 0);
  const by = new Map<string, { runs: number; landed: number; ok: number }>();
  for (const x of r.runs) {
    const e = by.get(x.step) ?? { runs: 0, landed: 0, ok: 0 };
    e.runs++;
    if (x.killed) e.landed++;
    if (x.problems.length === 0) e.ok++;
    by.set(x.step, e);
  }
  const lines = [
    `Seed ${r.seed}: ${r.runs.length} runs, ${landed.length} SIGKILLs landed mid-step, ${ok.length} re-runs completed with no duplicate job, model version or deployment and no traffic on a half-made deployment (${r.wallSeconds} s).`,
    '',
    '| killed step | runs | kill landed | re-run clean |',
    '|---|---|---|---|',
    ...[...by.entries()].map(([step, e]) => `| ${step} | ${e.runs} | ${e.landed} | ${e.ok} |`),
    '',
    '| # | killed | at | left behind | re-run on | re-run | jobs | versions | deployments | traffic | problems |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map(
      (x) =>
        `| ${x.index} | ${x.step}${x.killed ? '' : ' (finished first)'} | ${x.at.replace(/\|/g, '/')} | ${x.left} | ${x.newRunner ? 'new runner' : 'same runner'} | ${x.rerunOk ? 'ok' : 'FAILED'} ${x.rerunSeconds} s | ${x.jobs} | ${x.modelVersions} | ${x.deployments.join(', ')} | ${x.traffic} | ${x.problems.join('; ') || '—'} |`,
    ),
  ];
  return lines.join('\n');
}
