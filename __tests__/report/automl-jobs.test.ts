/**
 * pr-summary shows an AutoML job with its child runs, best child and primary metric: submit-job
 * takes them from the finished job (tag automl_best_child_run_id, properties num_iterations and
 * primary_metric), the ledger carries them, the links table renders them under the job type.
 */
import { describe, expect, it } from 'vitest';
import { renderLinks } from '../../src/report/comment.js';
import { toReportJob } from '../../src/report/data.js';
import { automlFacts } from '../../src/runs/submit-job.js';

const automlJob = {
  name: 'automl-bank',
  properties: {
    jobType: 'AutoML',
    status: 'Completed',
    tags: { automl_best_child_run_id: 'automl-bank_2' },
    properties: { primary_metric: 'accuracy', num_iterations: '3', runTemplate: 'AutoML' },
    taskDetails: { taskType: 'Classification', primaryMetric: 'Accuracy' },
  },
};

describe('AutoML jobs in the report', () => {
  it('submit-job records the children, the best child and the primary metric of an AutoML job, nothing for other jobs', () => {
    expect(automlFacts(automlJob)).toEqual({ children: 3, bestChild: 'automl-bank_2', primaryMetric: 'accuracy' });
    expect(automlFacts({ name: 'x', properties: { jobType: 'AutoML', taskDetails: { primaryMetric: 'AUCWeighted' } } })).toEqual({
      primaryMetric: 'AUCWeighted',
    });
    expect(automlFacts({ name: 'c', properties: { jobType: 'Command', tags: { automl_best_child_run_id: 'no' } } })).toEqual({});
  });

  it('renders them under the job type', () => {
    const job = toReportJob({ kind: 'job', jobName: 'automl-bank', jobType: 'AutoML', status: 'Completed', ...automlFacts(automlJob) });
    expect(job).toMatchObject({ children: 3, bestChild: 'automl-bank_2', primaryMetric: 'accuracy' });
    const md = renderLinks([job!], []);
    expect(md).toContain('| AutoML<br><sub>3 child runs · best <code>automl-bank&#95;2</code> · by <code>accuracy</code></sub> | ✅ Completed |');
    const plain = renderLinks([toReportJob({ jobName: 'train-1', jobType: 'Command', status: 'Completed' })!], []);
    expect(plain).toContain('| Command | ✅ Completed |');
  });
});
