/**
 * Pure parts of the job executor: command bindings (with optional blocks), search spaces in both
 * the REST and the YAML form, sampling (grid, seeded random without repeats, log/q variants),
 * URI parsing, durations, and the MLflow filter grammar.
 */
import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../src/emulator/data/resources.js';
import { BindingError, substituteCommand, substituteSearchSpace } from '../../src/emulator/jobs/bindings.js';
import { locationFromUrl } from '../../src/emulator/data/blob-io.js';
import { createRng, formatValue, parseSearchSpace, planTrials, sample, SearchSpaceError } from '../../src/emulator/jobs/search-space.js';
import { parseDatastoreUri } from '../../src/emulator/data/uris.js';
import { matches, parseFilter, parseOrderBy } from '../../src/emulator/mlflow/search.js';

describe('command bindings', () => {
  const values = { inputs: { data: '/in/data', lr: '0.1' }, outputs: { model: '/out/model' } };

  it('substitutes inputs and outputs, with or without inner spaces', () => {
    expect(substituteCommand('python t.py --data ${{inputs.data}} --lr ${{ inputs.lr }} --out ${{outputs.model}}', values)).toBe(
      'python t.py --data /in/data --lr 0.1 --out /out/model',
    );
  });

  it('keeps optional blocks whose inputs are given and drops the others', () => {
    expect(substituteCommand('run $[[--lr ${{inputs.lr}}]] $[[--seed ${{inputs.seed}}]]', values)).toBe('run --lr 0.1 ');
  });

  it('names what exists when a reference is unknown', () => {
    expect(() => substituteCommand('echo ${{outputs.nope}}', values)).toThrow(
      new BindingError("the command references ${{outputs.nope}}, but there is no output named 'nope' (known outputs: model)"),
    );
    expect(() => substituteCommand('echo ${{parent.inputs.x}}', values)).toThrow(/only valid in a pipeline step/);
    expect(() => substituteCommand('echo ${{search_space.lr}}', values)).toThrow(/not a sweep trial/);
  });

  it('fills search space values only, leaving the rest for the trial', () => {
    expect(substituteSearchSpace('t --lr ${{search_space.lr}} --data ${{inputs.data}}', { lr: '0.5' })).toBe('t --lr 0.5 --data ${{inputs.data}}');
    expect(() => substituteSearchSpace('t ${{search_space.x}}', { lr: '1' })).toThrow(/no parameter named 'x'/);
  });
});

describe('search spaces and sampling', () => {
  it('reads the REST form and the YAML form alike', () => {
    const rest = parseSearchSpace({ b: ['choice', [['hello', 'world']]], c: ['uniform', [0.1, 1]], k: ['randint', [5]], q: ['quniform', [0, 10, 2]] });
    const yaml = parseSearchSpace({
      b: { type: 'choice', values: ['hello', 'world'] },
      c: { type: 'uniform', min_value: 0.1, max_value: 1 },
      k: { type: 'randint', upper: 5 },
      q: { type: 'quniform', min_value: 0, max_value: 10, q: 2 },
    });
    expect(rest).toEqual(yaml);
    expect(rest.b).toEqual({ kind: 'choice', values: ['hello', 'world'] });
    expect(() => parseSearchSpace({ x: ['gamma', [1]] })).toThrow(SearchSpaceError);
    expect(() => parseSearchSpace({ x: { type: 'uniform', min_value: 2, max_value: 1 } })).toThrow(/below min_value/);
  });

  it('grid enumerates every combination of choices and refuses other distributions', () => {
    const space = parseSearchSpace({ a: ['choice', [[1, 2]]], b: ['choice', [['x', 'y', 'z']]] });
    const plan = planTrials(space, { type: 'grid' }, undefined, 'job');
    expect(plan.points).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
    expect(planTrials(space, { type: 'grid' }, 4, 'job').points).toHaveLength(4);
    expect(() => planTrials(parseSearchSpace({ u: ['uniform', [0, 1]] }), { type: 'grid' }, 3, 'job')).toThrow(/only choice/);
  });

  it('random sampling is seeded, stays in range and does not repeat points of a finite space', () => {
    const space = parseSearchSpace({ a: ['choice', [[1, 2, 3]]], k: ['randint', [4]] });
    const p1 = planTrials(space, { type: 'random' }, 12, 'sweep-1').points;
    const p2 = planTrials(space, { type: 'random' }, 12, 'sweep-1').points;
    expect(p1).toEqual(p2);
    expect(new Set(p1.map((p) => JSON.stringify(p))).size).toBe(12);
    expect(planTrials(space, { type: 'random' }, 50, 'x').points).toHaveLength(12);
    expect(planTrials(space, { type: 'random', seed: 7 }, 5, 'x').points).not.toEqual(planTrials(space, { type: 'random', seed: 8 }, 5, 'x').points);

    const rng = createRng(1);
    const lu = parseSearchSpace({ v: ['loguniform', [Math.log(0.001), Math.log(0.1)]] }).v!;
    const qu = parseSearchSpace({ v: ['quniform', [0, 10, 2.5]] }).v!;
    const n = parseSearchSpace({ v: ['normal', [10, 2]] }).v!;
    const normals: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = sample(lu, rng) as number;
      expect(x).toBeGreaterThanOrEqual(0.001 - 1e-12);
      expect(x).toBeLessThanOrEqual(0.1 + 1e-12);
      expect(((sample(qu, rng) as number) / 2.5) % 1).toBe(0);
      normals.push(sample(n, rng) as number);
    }
    const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
    expect(mean).toBeGreaterThan(9.5);
    expect(mean).toBeLessThan(10.5);
  });

  it('formats values as a command line shows them', () => {
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(3)).toBe('3');
    expect(formatValue('adam')).toBe('adam');
    expect(formatValue(true)).toBe('True');
  });
});

describe('URIs and durations', () => {
  it('maps any storage account and Azurite URLs to container and path', () => {
    expect(locationFromUrl('https://acct.blob.core.windows.net/data/a/b.csv')).toEqual({ container: 'data', path: 'a/b.csv' });
    expect(locationFromUrl('https://acct.blob.core.windows.net/data/folder/')).toEqual({ container: 'data', path: 'folder/' });
    expect(locationFromUrl('http://127.0.0.1:10000/devstoreaccount1/c/x%20y.txt')).toEqual({ container: 'c', path: 'x y.txt' });
    expect(locationFromUrl('wasbs://cont@acct.blob.core.windows.net/p/q')).toEqual({ container: 'cont', path: 'p/q' });
    expect(locationFromUrl('https://example.com/file.csv')).toBeUndefined();
  });

  it('parses datastore URIs, short and long', () => {
    expect(parseDatastoreUri('azureml://datastores/workspaceblobstore/paths/LocalUpload/x/')).toEqual({
      datastore: 'workspaceblobstore',
      path: 'LocalUpload/x/',
    });
    expect(parseDatastoreUri('azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/ds/paths/a/b.csv')).toEqual({
      datastore: 'ds',
      path: 'a/b.csv',
    });
    expect(parseDatastoreUri('azureml://jobs/x/outputs/y')).toBeUndefined();
  });

  it('reads ISO 8601 durations and seconds', () => {
    expect(parseDurationMs('PT5M')).toBe(300_000);
    expect(parseDurationMs('P1DT1H')).toBe(25 * 3600_000);
    expect(parseDurationMs('PT0.5S')).toBe(500);
    expect(parseDurationMs(3600)).toBe(3_600_000);
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});

describe('MLflow filters', () => {
  const run = (e: { type: string; key: string }): number | string | undefined =>
    (
      ({ 'metric:acc': 0.93, 'param:lr': '0.1', 'tag:mlflow.parentRunId': 'p1', 'attribute:status': 'FINISHED', 'attribute:start_time': 100 }) as Record<
        string,
        number | string
      >
    )[`${e.type}:${e.key}`];

  it('parses and evaluates AND-joined comparisons of every entity type', () => {
    const f = parseFilter(
      "metrics.acc > 0.9 AND params.lr = '0.1' and tags.mlflow.parentRunId = \"p1\" and attributes.status IN ('FINISHED', 'FAILED') and attribute.start_time >= 100",
    );
    expect(f).toHaveLength(5);
    expect(matches(f, run)).toBe(true);
    expect(matches(parseFilter('metrics.acc < 0.9'), run)).toBe(false);
    expect(matches(parseFilter("params.lr LIKE '0.%'"), run)).toBe(true);
    expect(matches(parseFilter("tags.`mlflow.parentRunId` ILIKE 'P%'"), run)).toBe(true);
    expect(matches(parseFilter('tags.missing IS NULL'), run)).toBe(true);
    expect(matches(parseFilter("params.missing != 'x'"), run)).toBe(false);
  });

  it('refuses what MLflow refuses, with the reason', () => {
    expect(() => parseFilter('metrics.acc > 0.9 OR metrics.acc < 0.1')).toThrow(/OR is not supported/);
    expect(() => parseFilter("metrics.acc = 'high'")).toThrow(/expected a number/);
    expect(() => parseFilter('params.lr = 0.1')).toThrow(/expected a quoted string/);
    expect(() => parseFilter("attributes.colour = 'red'")).toThrow(/Invalid attribute key 'colour'/);
  });

  it('parses order_by clauses', () => {
    expect(parseOrderBy('metrics.acc DESC')).toEqual({ entity: { type: 'metric', key: 'acc' }, ascending: false });
    expect(parseOrderBy('start_time')).toEqual({ entity: { type: 'attribute', key: 'start_time' }, ascending: true });
    expect(parseOrderBy('metrics.`f1 score` asc')).toEqual({ entity: { type: 'metric', key: 'f1 score' }, ascending: true });
  });
});
