/**
 * The objective metric-gate reads from an AutoML job when Azure recorded no best child: the task's
 * primary metric as the swagger spells it, turned into the name AutoML logs it under, and its
 * direction (errors minimized).
 */
import { describe, expect, it } from 'vitest';
import { automlObjectiveOf } from '../../src/metrics/azureml.js';

const job = (taskDetails: Record<string, unknown>) => ({ name: 'j', properties: { jobType: 'AutoML', taskDetails } });

describe('automlObjectiveOf', () => {
  it('maps the swagger primary metrics to the logged names and goals', () => {
    expect(automlObjectiveOf(job({ taskType: 'Classification', primaryMetric: 'AUCWeighted' }))).toEqual({ primaryMetric: 'AUC_weighted', goal: 'maximize' });
    expect(automlObjectiveOf(job({ taskType: 'Classification', primaryMetric: 'NormMacroRecall' }))).toEqual({
      primaryMetric: 'norm_macro_recall',
      goal: 'maximize',
    });
    expect(automlObjectiveOf(job({ taskType: 'Regression', primaryMetric: 'NormalizedRootMeanSquaredError' }))).toEqual({
      primaryMetric: 'normalized_root_mean_squared_error',
      goal: 'minimize',
    });
    expect(automlObjectiveOf(job({ taskType: 'Forecasting', primaryMetric: 'R2Score' }))).toEqual({ primaryMetric: 'r2_score', goal: 'maximize' });
  });

  it("takes the task's default when no primary metric is given, none for an unknown task", () => {
    expect(automlObjectiveOf(job({ taskType: 'Classification' }))).toEqual({ primaryMetric: 'AUC_weighted', goal: 'maximize' });
    expect(automlObjectiveOf(job({ taskType: 'Regression' }))?.goal).toBe('minimize');
    expect(automlObjectiveOf(job({ taskType: 'Mystery' }))).toBeUndefined();
  });
});
