/**
 * Metrics files as steps on other clouds write them: JSON (Python's bare NaN included), CSV in
 * long and wide form, and MLflow's own `metrics/` folder layout; errors carry file, line, column.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFileSource, readMetricsFile } from '../../src/metrics/file.js';
import { JsonSyntaxError, parseJsonWithPositions } from '../../src/metrics/json-positions.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-files-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const read = (files: Record<string, string>, path = Object.keys(files)[0]) => readMetricsFile(path, { displayRoot: workspace(files) });
const values = (m: ReturnType<typeof read>, name: string) => m.metrics.get(name)?.map((p) => p.value);

describe('JSON metrics', () => {
  it('reads values, lists of values, and {step, value} points', () => {
    const m = read({
      'out/metrics.json': JSON.stringify({
        accuracy: 0.93,
        loss: [0.9, 0.5, 0.3],
        auc: [
          { step: 10, value: 0.8, timestamp: 5 },
          { step: 5, value: 0.7 },
        ],
        'train/loss': { value: 0.2, step: 3 },
      }),
    });
    expect(m.format).toBe('json');
    expect(m.display).toBe('out/metrics.json');
    expect(m.metrics.get('accuracy')).toEqual([{ step: 0, value: 0.93 }]);
    expect(m.metrics.get('loss')?.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(m.metrics.get('auc')).toEqual([
      { step: 5, value: 0.7 },
      { step: 10, value: 0.8, timestamp: 5 },
    ]);
    expect(m.metrics.get('train/loss')).toEqual([{ step: 3, value: 0.2 }]);
  });

  it("reads Python's bare NaN / Infinity, numeric strings, and null as no value", () => {
    const m = read({ 'm.json': '{"loss": NaN, "grad": -Infinity, "acc": "0.91", "f1": null, "hist": [1, null, 3]}' });
    expect(values(m, 'loss')?.[0]).toBeNaN();
    expect(values(m, 'grad')).toEqual([-Infinity]);
    expect(values(m, 'acc')).toEqual([0.91]);
    expect(m.metrics.get('f1')).toEqual([]);
    expect(m.metrics.get('hist')).toEqual([
      { step: 0, value: 1 },
      { step: 2, value: 3 },
    ]);
  });

  it('flattens nested objects with dots and reads {"values": [...]} and record lists', () => {
    const m = read({ 'm.json': '{"eval": {"accuracy": 0.9, "per_class": {"a": 1}}, "loss": {"values": [3, 2]}}' });
    expect([...m.metrics.keys()].sort()).toEqual(['eval.accuracy', 'eval.per_class.a', 'loss']);
    expect(values(m, 'loss')).toEqual([3, 2]);
    const r = read({ 'r.json': '[{"name": "acc", "value": 0.5, "step": 1}, {"name": "acc", "value": 0.7, "step": 2}, {"metric": "loss", "value": 0.1}]' });
    expect(values(r, 'acc')).toEqual([0.5, 0.7]);
    expect(values(r, 'loss')).toEqual([0.1]);
  });

  it('points at the line and column of what is wrong', () => {
    expect(() => read({ 'm.json': '{\n  "acc": 0.9,\n  "loss": "high"\n}' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        file: 'm.json',
        line: 3,
        column: 11,
        input: 'metrics-file',
        message: 'm.json:3:11: the value of \'loss\' must be a number, found the string "high"',
      }),
    );
    expect(() => read({ 'm.json': '{\n  "acc": 0.9,\n}' })).toThrow(
      expect.objectContaining({ line: 3, column: 1, message: expect.stringContaining('a comma before } is not allowed in JSON') }),
    );
    expect(() => read({ 'm.json': '{"acc": [0.1, [1]]}' })).toThrow(
      expect.objectContaining({ line: 1, column: 15, message: expect.stringContaining('a list inside the list') }),
    );
    expect(() => read({ 'm.json': '{"acc": [{"step": 1.5, "value": 1}]}' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('"step" must be a whole number') }),
    );
    expect(() => read({ 'm.json': '{"acc": [{"stp": 1, "val": 1}]}' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('unknown key "stp"') }),
    );
    expect(() => read({ 'm.json': '{"ok": true}' })).toThrow(/must be a number, found true/);
    expect(() => read({ 'm.json': '42' })).toThrow(/must hold a JSON object of metrics/);
    expect(() => read({ 'm.json': "{'acc': 1}" })).toThrow(/double quotes/);
  });

  it('the position reader gives a clear error for any text, never another kind of throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          parseJsonWithPositions(text);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonSyntaxError);
          expect((e as JsonSyntaxError).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on valid JSON', () => {
    const toPlain = (n: ReturnType<typeof parseJsonWithPositions>): unknown => {
      switch (n.type) {
        case 'object':
          return Object.fromEntries(n.entries.map((e) => [e.key, toPlain(e.value)]));
        case 'array':
          return n.items.map(toPlain);
        case 'null':
          return null;
        default:
          return n.value;
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(toPlain(parseJsonWithPositions(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('CSV metrics', () => {
  it('long rows name,value,step (steps default to the row order per metric)', () => {
    const m = read({ 'm.csv': 'name,value,step\naccuracy,0.5,1\naccuracy,0.9,2\nloss,0.3,\nloss,nan,\n' });
    expect(m.metrics.get('accuracy')).toEqual([
      { step: 1, value: 0.5 },
      { step: 2, value: 0.9 },
    ]);
    expect(m.metrics.get('loss')?.map((p) => p.step)).toEqual([0, 1]);
    expect(values(m, 'loss')?.[1]).toBeNaN();
  });

  it('header-less two-column rows', () => {
    const m = read({ 'm.csv': 'accuracy,0.93\nf1,0.9\n' });
    expect(values(m, 'accuracy')).toEqual([0.93]);
    expect(values(m, 'f1')).toEqual([0.9]);
  });

  it('wide columns with a step column, empty cells, quotes, TSV and a BOM', () => {
    const m = read({ 'hist.csv': '\uFEFFepoch,acc,"val loss",timestamp\n1,0.5,0.9,100\n2,,0.7,200\n3,0.8,"0.5",300\n' });
    expect(m.metrics.get('acc')).toEqual([
      { step: 1, value: 0.5, timestamp: 100 },
      { step: 3, value: 0.8, timestamp: 300 },
    ]);
    expect(values(m, 'val loss')).toEqual([0.9, 0.7, 0.5]);
    const t = read({ 'h.tsv': 'step\tacc\n0\t0.1\n1\t0.2\n' });
    expect(values(t, 'acc')).toEqual([0.1, 0.2]);
    const semi = read({ 'h.txt': 'step;acc\n0;0.1\n' });
    expect(values(semi, 'acc')).toEqual([0.1]);
  });

  it('errors with line and column', () => {
    expect(() => read({ 'm.csv': 'step,acc\n0,0.1\n1,abc\n' })).toThrow(
      expect.objectContaining({ file: 'm.csv', line: 3, column: 3, message: "m.csv:3:3: 'acc' must be a number, found 'abc'" }),
    );
    expect(() => read({ 'm.csv': 'step,acc\n0,0.1,9\n' })).toThrow(
      expect.objectContaining({ line: 2, message: expect.stringContaining('3 cells but the header has 2') }),
    );
    expect(() => read({ 'm.csv': '1,2,3\n4,5,6\n' })).toThrow(
      expect.objectContaining({ message: 'm.csv:1:1: the CSV file has no header', hint: expect.stringContaining('name,value') }),
    );
    expect(() => read({ 'm.csv': 'name,value\nacc,"0.1\n' })).toThrow(/quoted field is never closed/);
    expect(() => read({ 'm.csv': 'acc,acc\n1,2\n' })).toThrow(/appears twice/);
    expect(() => read({ 'm.csv': 'step,acc\n0.5,1\n' })).toThrow(/'step' must be a whole number/);
  });
});

describe('MLflow metrics folder', () => {
  it('reads a run folder: one file per metric, nested names from sub-folders', () => {
    const dir = workspace({
      'mlruns/1/abc/meta.yaml': 'run_id: abc\n',
      'mlruns/1/abc/metrics/accuracy': '1700000000000 0.5 0\n1700000000100 0.9 1\n',
      'mlruns/1/abc/metrics/train/loss': '1700000000000 1.5 0\n1700000000100 nan 1\n',
      'mlruns/1/abc/metrics/old': '1700000000000 7\n',
    });
    const m = readMetricsFile('mlruns/1/abc', { displayRoot: dir });
    expect(m.format).toBe('mlflow-folder');
    expect(m.files).toBe(3);
    expect([...m.metrics.keys()].sort()).toEqual(['accuracy', 'old', 'train/loss']);
    expect(m.metrics.get('accuracy')).toEqual([
      { step: 0, value: 0.5, timestamp: 1700000000000 },
      { step: 1, value: 0.9, timestamp: 1700000000100 },
    ]);
    expect(m.metrics.get('train/loss')?.[1].value).toBeNaN();
    // the metrics/ folder itself works too
    expect(readMetricsFile('mlruns/1/abc/metrics', { displayRoot: dir }).metrics.size).toBe(3);
  });

  it('names the metric file and line of a bad line', () => {
    const dir = workspace({ 'run/metrics/acc': '1 0.5 0\n2 oops 1\n' });
    expect(() => readMetricsFile('run', { displayRoot: dir })).toThrow(
      expect.objectContaining({ file: 'run/metrics/acc', line: 2, column: 3, message: "run/metrics/acc:2:3: the value 'oops' is not a number" }),
    );
    const empty = workspace({ 'nothing/.keep': '' });
    expect(() => readMetricsFile('nothing', { displayRoot: empty })).toThrow(/holds no metric files/);
  });
});

describe('file source', () => {
  it('a missing file is a configuration error naming the input', () => {
    const dir = workspace({});
    expect(() => readMetricsFile('out/metrics.json', { displayRoot: dir, input: 'baseline' })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', input: 'baseline', message: "The metrics file 'out/metrics.json' does not exist." }),
    );
  });

  it('reads once, describes itself, counts what it read', async () => {
    const dir = workspace({ 'm.json': '{"a": [1, 2], "b": 3}' });
    const s = createFileSource('m.json', { displayRoot: dir });
    expect((await s.fetch(['a', 'zz'])).get('a')?.length).toBe(2);
    expect(s.description).toBe('JSON file m.json');
    expect(await s.names()).toEqual(['a', 'b']);
    expect(s.stats()).toEqual({ requests: 1, histories: 1, points: 2 });
  });
});
