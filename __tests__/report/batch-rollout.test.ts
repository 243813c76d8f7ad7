/**
 * pr-summary shows a batch rollout from deploy's ledger entry: its stages, the test batch, the
 * shadow comparison's figures and verdicts, and the default deployment before → after; names
 * from the workspace are escaped.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/core/ledger.js';
import { renderReport } from '../../src/report/comment.js';
import { collectReportData, parseReportInput, type ReportRollout } from '../../src/report/data.js';
import { NOW, RUN, throughJson } from './fixtures.js';

const promoted: LedgerEntry = {
  kind: 'rollout',
  action: 'deploy',
  endpoint: 'mnist-batch',
  deployment: 'mnist-torch-v2',
  status: 'promoted',
  timeline: null,
  batch: {
    priorDefault: 'mnist-torch-dpl',
    defaultDeployment: 'mnist-torch-v2',
    testJob: 'batchjob-1c06b11f-0c08-4586-8557-49c42f145762',
    testOutput: 'azureml://datastores/workspaceblobstore/paths/azureml/batchjob-1c06b11f-0c08-4586-8557-49c42f145762/score/predictions.csv',
    rows: 12,
    expectedRows: 12,
    comparison: {
      job: 'batchjob-2',
      rows: 12,
      baselineRows: 12,
      matched: 12,
      agreement: 1,
      mad: 0.0095,
      maxDiff: 0.01,
      passed: true,
      rules: [
        { rule: 'agreement >= 95%', verdict: 'passed', value: 1 },
        { rule: 'mad <= 0.05', verdict: 'passed', value: 0.0095 },
      ],
    },
    stages: [
      { name: 'create', result: 'passed', detail: 'deployment mnist-torch-v2 created (not the default)' },
      { name: 'test batch', result: 'passed', detail: 'job batchjob-1c06b11f Completed, 12 row(s)' },
      { name: 'comparison', result: 'passed', detail: 'with mnist-torch-dpl: 12/12 rows matched' },
      { name: 'promote', result: 'passed', detail: 'default deployment mnist-torch-dpl → mnist-torch-v2 (read back)' },
    ],
  },
};

describe('pr-summary: a batch rollout', () => {
  it('the stage table, the test batch, the comparison and the default before → after', () => {
    const data = collectReportData(throughJson([promoted]));
    expect(data.rollouts).toHaveLength(1);
    const { body } = renderReport(data, { header: 'mlops/batch', run: RUN, now: NOW });
    expect(body).toContain('**Rollout** ✅ promoted');
    expect(body).toContain('🚀 Rollout of <code>mnist-torch-v2</code> on batch endpoint <code>mnist-batch</code>: ✅ promoted');
    expect(body).toContain('| Stage | Result | Detail |');
    expect(body).toContain('| test batch | ✅ passed | job batchjob-1c06b11f Completed, 12 row&#40;s&#41; |');
    expect(body).toContain(
      'Default deployment: <code>mnist-torch-dpl</code> → <code>mnist-torch-v2</code> · test batch <code>batchjob-1c06b11f-0c08-4586-8557-49c42f145762</code>, 12/12 rows',
    );
    expect(body).toContain(
      'Shadow comparison with the prior default: 12/12 rows matched, agreement 100%, mean abs. difference 0.0095 · agreement &gt;= 95% ✅ · mad &lt;= 0.05 ✅',
    );
    expect(body).not.toContain('No timeline was recorded');
    expect(body).toContain('"priorDefault":"mnist-torch-dpl"');
  });

  it('a rolled-back one shows its reason and the failed stage; a hostile name stays inert', () => {
    const entry = structuredClone(promoted) as Extract<LedgerEntry, { kind: 'rollout' }>;
    entry.status = 'rolled-back';
    entry.deployment = 'evil<img src=x>';
    entry.batch = {
      priorDefault: 'mnist-torch-dpl',
      defaultDeployment: 'mnist-torch-dpl',
      reason: 'the output has 2 row(s), the input 12',
      stages: [
        { name: 'create', result: 'passed' },
        { name: 'test batch', result: 'failed', detail: 'the output has 2 row(s), the input 12' },
        { name: 'rollback', result: 'passed', detail: 'prior default kept: mnist-torch-dpl' },
      ],
    };
    const { body } = renderReport(collectReportData(throughJson([entry])), { header: 'mlops/batch', run: RUN, now: NOW });
    expect(body).toContain('↩️ rolled back');
    expect(body).toContain('> the output has 2 row&#40;s&#41;, the input 12');
    expect(body).toContain('| test batch | ❌ failed | the output has 2 row&#40;s&#41;, the input 12 |');
    expect(body).toContain('Default deployment: <code>mnist-torch-dpl</code> → <code>mnist-torch-dpl</code>');
    expect(body).not.toContain('<img');
  });

  it("deploy's outputs given as the rollouts input: the same section from the batch timeline and comparison outputs", () => {
    const b = (promoted as Extract<LedgerEntry, { kind: 'rollout' }>).batch!;
    const outputs = {
      status: 'promoted',
      'deployment-name': 'mnist-torch-v2',
      'default-deployment': 'mnist-torch-v2',
      'test-job': b.testJob,
      'test-output': b.testOutput,
      comparison: JSON.stringify(b.comparison),
      timeline: JSON.stringify({ kind: 'batch', stages: b.stages }),
    };
    const data = collectReportData([], { rollouts: parseReportInput<ReportRollout>('rollouts', JSON.stringify(outputs)) });
    const { body } = renderReport(data, { header: 'mlops/batch', run: RUN, now: NOW });
    expect(body).toContain('| promote | ✅ passed | default deployment mnist-torch-dpl → mnist-torch-v2 &#40;read back&#41; |');
    expect(body).toContain('Default deployment: — → <code>mnist-torch-v2</code> · test batch <code>batchjob-1c06b11f-0c08-4586-8557-49c42f145762</code>');
    expect(body).toContain('Shadow comparison with the prior default: 12/12 rows matched, agreement 100%');
  });
});
