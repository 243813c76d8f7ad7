/**
 * The typed field reader under every spec translator: each read refuses a wrong value at the
 * field's file, line and column, and says what would be valid where the set is closed.
 */
import { describe, expect, it } from 'vitest';
import { closest } from '../../src/core/text.js';
import { SpecDocument } from '../../src/specs/document.js';
import { didYouMean, FieldReader } from '../../src/specs/fields.js';
import { JOB_TYPES } from '../../src/specs/job/index.js';
import { ConfigurationError } from '../../src/core/errors.js';

const doc = SpecDocument.parse('a: x\nn: -2\nf: 1.5\nlist: [1, 2]\nm:\n  k: v\n  deep: {x: 1}\n', 'jobs/x.yml', 'job-file');
const r = new FieldReader(doc);

function refusal(f: () => unknown): ConfigurationError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected a refusal');
}

describe('FieldReader', () => {
  it('reads strings, taking numbers and booleans as their text', () => {
    expect(r.str('x', ['a'])).toBe('x');
    expect(r.str(1.5, ['f'])).toBe('1.5');
    expect(r.str(true, ['a'])).toBe('true');
    const e = refusal(() => r.str([1, 2], ['list']));
    expect(e.message).toBe("jobs/x.yml:4:1: 'list' must be a string");
    expect([e.file, e.line, e.column, e.input]).toEqual(['jobs/x.yml', 4, 1, 'job-file']);
  });

  it('reads whole numbers with a minimum, digits in a string included', () => {
    expect(r.int('12', ['a'])).toBe(12);
    expect(r.int(3, ['a'], 1)).toBe(3);
    expect(refusal(() => r.int(-2, ['n'])).message).toBe("jobs/x.yml:2:1: 'n' must be a whole number ≥ 0");
    expect(refusal(() => r.int(1.5, ['f'], 1)).message).toBe("jobs/x.yml:3:1: 'f' must be a whole number ≥ 1");
  });

  it('reads numbers, maps and maps of strings', () => {
    expect(r.num(1.5, ['f'])).toBe(1.5);
    expect(refusal(() => r.num('1', ['a'])).message).toBe("jobs/x.yml:1:1: 'a' must be a number");
    expect(r.map({ k: 1 }, ['m'])).toEqual({ k: 1 });
    expect(refusal(() => r.map('x', ['a'], 'must be a map with a type')).message).toBe("jobs/x.yml:1:1: 'a' must be a map with a type");
    expect(r.stringMap({ a: 1, b: null, c: true }, ['m'])).toEqual({ a: '1', b: '', c: 'true' });
    expect(r.stringMap(undefined, ['m'])).toBeUndefined();
    expect(refusal(() => r.stringMap({ k: 'v', deep: { x: 1 } }, ['m'])).message).toBe("jobs/x.yml:7:3: 'm.deep' must be a string, number or boolean");
  });

  it('refuses an unknown field with the closest allowed one and the list', () => {
    const e = refusal(() => r.checkKeys({ k: 'v', deep: {} }, ['$schema', 'k', 'deeper'], ['m'], 'test section'));
    expect(e.message).toBe("jobs/x.yml:7:3: 'm.deep' is not a field of a test section that azureml-actions can translate (did you mean 'deeper'?)");
    expect(e.hint).toBe('supported fields: k, deeper');
  });

  it('looks a spelling up in a closed table, refusing others with what is valid', () => {
    const table = { low: 'Low', high: 'High' };
    expect(r.oneOf('high', ['a'], table, 'a level')).toBe('High');
    const e = refusal(() => r.oneOf('x', ['a'], table, 'a level'));
    expect(e.message).toBe("jobs/x.yml:1:1: 'a' 'x' is not a level");
    expect(e.hint).toBe('valid: low, high');
    expect(refusal(() => r.oneOf('toString', ['a'], table, 'a level')).hint).toBe('valid: low, high');
  });

  it('turns a bad reference into a positioned error', () => {
    expect(r.ref('azureml:env:1', ['a'])).toEqual({ kind: 'asset', name: 'env', version: '1' });
    expect(refusal(() => r.ref('azureml:env@', ['a'])).message).toBe("jobs/x.yml:1:1: 'a' 'azureml:env@' has an empty label: write azureml:env@latest");
  });
});

describe('did you mean', () => {
  it('suggests the closest option within three edits, case aside', () => {
    expect(closest('pipline', ['command', 'sweep', 'pipeline'])).toBe('pipeline');
    expect(closest('SWEEP', ['command', 'sweep'])).toBe('sweep');
    expect(closest('zzzzzzzz', ['command', 'sweep'])).toBeUndefined();
    expect(didYouMean('comand', ['command', 'sweep'])).toBe(" (did you mean 'command'?)");
    expect(didYouMean('zzzzzzzz', ['command'])).toBe('');
  });
});

describe('job types', () => {
  it('has one translator per YAML type', () => {
    expect(JOB_TYPES.map((t) => [t.type, t.jobType])).toEqual([
      ['command', 'Command'],
      ['sweep', 'Sweep'],
      ['pipeline', 'Pipeline'],
      ['automl', 'AutoML'],
      ['spark', 'Spark'],
    ]);
  });
});
