import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { defaultHeader, readPrSummaryInputs } from '../../src/runs/inputs/pr-summary.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { collectReportData, parseReportInput, toTimeline, type ReportGate, type ReportJob, type ReportRollout } from '../../src/report/data.js';
import { appendLedger, readLedger } from '../../src/core/ledger.js';
import { gateEntry, jobEntry, modelEntry, rolloutEntry, throughJson } from './fixtures.js';

const reader = (values: Record<string, string>) => createInputReader(recordInputSource(values), { debug: () => {}, setSecret: () => {} });

describe('report inputs (outputs of other jobs)', () => {
  it('reads submit-job outputs, one object or an array, also inside needs.<job>', () => {
    const one = parseReportInput<ReportJob>('jobs', { 'job-name': 'j1', status: 'Completed', 'studio-url': 'https://ml.azure.com/runs/j1' });
    expect(one).toEqual([expect.objectContaining({ name: 'j1', status: 'Completed', studioUrl: 'https://ml.azure.com/runs/j1' })]);
    const many = parseReportInput<ReportJob>('jobs', [{ outputs: { 'job-name': 'a', status: 'Failed' } }, '{"job-name":"b","status":"Completed"}']);
    expect(many.map((j) => [j.name, j.status])).toEqual([
      ['a', 'Failed'],
      ['b', 'Completed'],
    ]);
  });

  it('reads a gate report given as the report output, as a string, or wrapped', () => {
    const report = (gateEntry() as { report: unknown }).report;
    const a = parseReportInput<ReportGate>('gate-reports', report);
    const b = parseReportInput<ReportGate>('gate-reports', [JSON.stringify(report), { passed: 'true', report: JSON.stringify(report) }]);
    expect(a[0].report.rules).toHaveLength(4);
    expect(b).toHaveLength(2);
    expect(b[1].passed).toBe(true);
  });

  it('reads deploy outputs with the timeline as JSON text, or the timeline itself', async () => {
    const entry = (await rolloutEntry()) as { timeline: unknown };
    const fromOutputs = parseReportInput<ReportRollout>('rollouts', {
      endpoint: 'ep',
      deployment: 'green',
      status: 'promoted',
      timeline: JSON.stringify(entry.timeline),
    });
    expect(fromOutputs[0]).toMatchObject({ endpoint: 'ep', deployment: 'green', status: 'promoted' });
    expect(fromOutputs[0].timeline?.stages).toHaveLength(3);
    const bare = parseReportInput<ReportRollout>('rollouts', JSON.parse(JSON.stringify(entry.timeline)));
    expect(bare[0]).toMatchObject({ deployment: 'green', status: 'promoted' });
  });

  it('names the input, the item and the expected shape when an item does not fit', () => {
    expect(() => parseReportInput('models', [{ 'model-name': 'm', 'model-version': '1' }, { foo: 1 }])).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', input: 'models', message: "Input 'models' item 2 is not a model this action can read." }),
    );
    expect(() => parseReportInput('gate-reports', { passed: true })).toThrow(/Input 'gate-reports' is not a gate report/);
    try {
      parseReportInput('rollouts', 'not json');
    } catch (e) {
      expect((e as ConfigurationError).hint).toMatch(/deploy's outputs/);
    }
  });

  it('drops malformed stages and events of a timeline instead of failing later', () => {
    const t = toTimeline({ deployment: 'g', phase: 'Succeeded', stages: [null, { name: 's', weight: 10 }, { name: 3 }], events: [{ message: 'ok' }, 5] })!;
    expect(t.stages).toHaveLength(1);
    expect(t.stages[0]).toMatchObject({ traffic: {}, mirror: {}, checks: [] });
    expect(t.events).toHaveLength(1);
  });
});

describe('collectReportData', () => {
  it('merges the ledger and the inputs; a job recorded twice is shown once with its last status', async () => {
    const ledger = throughJson([jobEntry('Running'), gateEntry(), jobEntry('Completed'), modelEntry(), await rolloutEntry()]);
    const data = collectReportData(ledger, {
      jobs: parseReportInput('jobs', { 'job-name': 'other-job', status: 'Completed' }),
      models: parseReportInput('models', { 'model-name': 'iris-classifier', 'model-version': '4' }),
    });
    expect(data.jobs.map((j) => [j.name, j.status])).toEqual([
      ['ml-repo-train-2718281828-1', 'Completed'],
      ['other-job', 'Completed'],
    ]);
    expect(data.models).toHaveLength(1);
    expect(data.models[0].studioUrl).toMatch(/^https:\/\/ml\.azure\.com\/model/);
    expect(data.gates).toHaveLength(1);
    expect(data.gates[0].histories?.accuracy.length).toBeLessThanOrEqual(50);
    expect(data.rollouts).toHaveLength(1);
  });

  it('reads what appendLedger wrote under RUNNER_TEMP and skips unknown kinds and broken entries', () => {
    const env = { RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'ledger-')) };
    appendLedger(jobEntry(), env);
    appendLedger(gateEntry(), env);
    appendLedger({ kind: 'future-kind' } as never, env);
    appendLedger({ kind: 'model', name: '', version: '' } as never, env);
    const data = collectReportData(readLedger(env));
    expect(data.jobs).toHaveLength(1);
    expect(data.gates).toHaveLength(1);
    expect(data.models).toHaveLength(0);
  });
});

describe('readPrSummaryInputs', () => {
  const env = { GITHUB_WORKFLOW: 'CI / Train model', GITHUB_JOB: 'train', GITHUB_TOKEN: 'ghs_env' };

  it('defaults: token from the input, header from workflow and job, mode update', () => {
    const s = readPrSummaryInputs(reader({ 'github-token': 'ghs_input' }), { env, setSecret: () => {} });
    expect(s).toMatchObject({ token: 'ghs_input', tokenFrom: 'input', header: 'CI-/-Train-model/train', mode: 'update', title: 'Azure ML report' });
    expect(s.marker).toBe('<!-- azureml-actions:pr-summary:CI-/-Train-model/train -->');
    expect(defaultHeader({})).toBe('default');
  });

  it('falls back on GITHUB_TOKEN when the default expression was not evaluated (local runner)', () => {
    const masked: string[] = [];
    const s = readPrSummaryInputs(reader({ 'github-token': '${{ github.token }}' }), { env, setSecret: (x) => masked.push(x) });
    expect(s).toMatchObject({ token: 'ghs_env', tokenFrom: 'GITHUB_TOKEN' });
    expect(masked).toEqual(['ghs_env']);
    expect(readPrSummaryInputs(reader({}), { env: {} }).token).toBeUndefined();
  });

  it('refuses a header that could end the hidden comment, an unknown mode, a bad PR number or JSON', () => {
    expect(() => readPrSummaryInputs(reader({ header: 'x-->' }), { env })).toThrow(/Input 'header' must be/);
    expect(() => readPrSummaryInputs(reader({ mode: 'sticky' }), { env })).toThrow(/Input 'mode' must be one of update, recreate, append, hide-previous/);
    expect(() => readPrSummaryInputs(reader({ 'pr-number': '0' }), { env })).toThrow(/at least 1/);
    expect(() => readPrSummaryInputs(reader({ models: '{nope' }), { env })).toThrow(/Input 'models' is not valid JSON/);
    expect(() => readPrSummaryInputs(reader({ jobs: '[{"x":1}]' }), { env })).toThrow(/Input 'jobs' item 1/);
  });
});
