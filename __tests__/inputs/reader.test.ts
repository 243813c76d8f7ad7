import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createInputReader, formatDuration, parseBoolean, parseDuration, recordInputSource, splitList } from '../../src/core/inputs.js';
import { captureStdout } from '../azure/loopback.js';

function reader(values: Record<string, string>) {
  const debug: string[] = [];
  const masked: string[] = [];
  const r = createInputReader(recordInputSource(values), {
    debug: (m) => debug.push(m),
    setSecret: (s) => masked.push(s),
  });
  return { r, debug, masked };
}

/** Runs fn, expects a ConfigurationError naming `input`, returns it. */
function configError(fn: () => unknown, input: string): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    const error = e as ConfigurationError;
    expect(error.name).toBe('ConfigurationError');
    expect(error.input).toBe(input);
    expect(error.message).toContain(`'${input}'`);
    return error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('required / optional / secret', () => {
  it('reads trimmed strings and treats empty as absent', () => {
    const { r } = reader({ a: '  x  ', b: '   ' });
    expect(r.required('a')).toBe('x');
    expect(r.optional('a')).toBe('x');
    expect(r.optional('b')).toBeUndefined();
    expect(r.optional('missing')).toBeUndefined();
  });

  it('a missing required input is an error naming it', () => {
    const { r } = reader({ b: '' });
    const e = configError(() => r.required('workspace-name'), 'workspace-name');
    expect(e.message).toMatch(/required/);
  });

  it('secrets are masked and never logged', () => {
    const { r, debug, masked } = reader({ 'client-secret': 's3cr3t-value' });
    expect(r.secret('client-secret')).toBe('s3cr3t-value');
    expect(masked).toEqual(['s3cr3t-value']);
    expect(debug.join('\n')).not.toContain('s3cr3t-value');
    expect(r.secret('absent')).toBeUndefined();
  });

  it('reads through @actions/core by default (INPUT_<NAME>)', () => {
    process.env['INPUT_WORKSPACE-NAME'] = ' ws1 ';
    try {
      expect(createInputReader().required('workspace-name')).toBe('ws1');
    } finally {
      delete process.env['INPUT_WORKSPACE-NAME'];
    }
  });

  it('the default secret path masks through the runner (::add-mask::)', async () => {
    process.env['INPUT_CLIENT-SECRET'] = 'very-secret-1234';
    try {
      const { output } = await captureStdout(() => createInputReader().secret('client-secret'));
      expect(output).toContain('::add-mask::very-secret-1234');
    } finally {
      delete process.env['INPUT_CLIENT-SECRET'];
    }
  });
});

describe('boolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('%s → %s', (text, value) => {
    expect(reader({ wait: text }).r.boolean('wait', !value)).toBe(value);
  });

  it('empty → default', () => {
    expect(reader({}).r.boolean('wait', true)).toBe(true);
    expect(reader({}).r.boolean('wait', false)).toBe(false);
  });

  it.each(['yes', 'on', '1', 'tru', 'tRUE'])('%s is refused with the valid values', (text) => {
    const e = configError(() => reader({ wait: text }).r.boolean('wait', false), 'wait');
    expect(e.message).toContain(text);
    expect(e.hint).toContain('true, True, TRUE, false, False, FALSE');
  });

  it('parseBoolean is the YAML 1.2 core schema', () => {
    expect(parseBoolean('yes')).toBeUndefined();
    expect(parseBoolean(' TRUE ')).toBe(true);
  });
});

describe('int / number', () => {
  it('parses, applies defaults and bounds', () => {
    const { r } = reader({ n: '42', neg: '-3', f: '0.25', e: '1e3' });
    expect(r.int('n')).toBe(42);
    expect(r.int('neg', { min: -5 })).toBe(-3);
    expect(r.int('absent', { default: 7 })).toBe(7);
    expect(r.int('absent')).toBeUndefined();
    expect(r.number('f', { min: 0, max: 1 })).toBe(0.25);
    expect(r.number('e')).toBe(1000);
  });

  it('refuses non-integers, out-of-range values and garbage, naming the input', () => {
    expect(configError(() => reader({ n: '1.5' }).r.int('n'), 'n').message).toMatch(/integer/);
    expect(configError(() => reader({ n: '12abc' }).r.int('n'), 'n').message).toMatch(/integer/);
    const low = configError(() => reader({ n: '0' }).r.int('n', { min: 1, max: 10 }), 'n');
    expect(low.message).toMatch(/at least 1/);
    expect(low.hint).toBe('Use a value from 1 to 10.');
    expect(configError(() => reader({ n: '11' }).r.int('n', { max: 10 }), 'n').message).toMatch(/at most 10/);
    expect(configError(() => reader({ x: 'NaN' }).r.number('x'), 'x').message).toMatch(/number/);
    expect(configError(() => reader({ x: '99999999999999999999' }).r.int('x'), 'x').message).toMatch(/out of range/);
  });
});

describe('list', () => {
  it('splits on newlines and commas, trims, drops empties', () => {
    const { r } = reader({ l: 'a, b\n c ,,\n\n d\r\ne' });
    expect(r.list('l')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.list('absent')).toEqual([]);
    expect(splitList(' x ')).toEqual(['x']);
  });
});

describe('duration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['500ms', 500],
    ['1m30s500ms', 90_500],
    ['2d', 172_800_000],
    ['1.5h', 5_400_000],
    ['30', 30_000],
    ['0.5', 500],
    ['0', 0],
    ['10M', 600_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(reader({ t: text }).r.duration('t')).toBe(ms);
  });

  it.each(['', 'abc', '10x', '-5s', '1m1h', '1h1h', 'm', '5 minutes', '1,5h', '10s5'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('errors name the input and show valid forms', () => {
    const e = configError(() => reader({ timeout: '10 minutes' }).r.duration('timeout'), 'timeout');
    expect(e.message).toContain("'10 minutes'");
    expect(e.hint).toMatch(/90s.*10m.*1h30m/);
  });

  it('defaults (number or string) and bounds', () => {
    const { r } = reader({ short: '5s', long: '3h' });
    expect(r.duration('absent', { default: '30m' })).toBe(1_800_000);
    expect(r.duration('absent', { default: 1234 })).toBe(1234);
    expect(r.duration('absent')).toBeUndefined();
    expect(configError(() => r.duration('short', { minInMs: 10_000 }), 'short').message).toMatch(/at least 10s/);
    expect(configError(() => r.duration('long', { maxInMs: 7_200_000 }), 'long').message).toMatch(/at most 2h/);
  });

  it('formatDuration', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s');
  });
});

describe('choice', () => {
  const clouds = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
  it('matches case-insensitively and returns the canonical spelling', () => {
    expect(reader({ cloud: 'azurechinacloud' }).r.choice('cloud', clouds, 'AzureCloud')).toBe('AzureChinaCloud');
    expect(reader({}).r.choice('cloud', clouds, 'AzureCloud')).toBe('AzureCloud');
    expect(reader({}).r.choice('cloud', clouds)).toBeUndefined();
  });
  it('refuses other values, listing the valid ones', () => {
    const e = configError(() => reader({ cloud: 'Mars' }).r.choice('cloud', clouds), 'cloud');
    expect(e.message).toContain('AzureCloud, AzureChinaCloud, AzureUSGovernment');
    expect(e.message).toContain("'Mars'");
  });
});

describe('json', () => {
  it('parses JSON, empty → undefined', () => {
    const { r } = reader({ j: '{"a":[1,2]}' });
    expect(r.json('j')).toEqual({ a: [1, 2] });
    expect(r.json('absent')).toBeUndefined();
  });
  it('refuses invalid JSON with the parser message', () => {
    const e = configError(() => reader({ traffic: '{blue: 90}' }).r.json('traffic'), 'traffic');
    expect(e.message).toMatch(/not valid JSON/);
  });
});

describe('keyValues', () => {
  it('reads k=v lines, skips comments and blanks, splits at the first =', () => {
    const { r } = reader({ set: '# overrides\ninputs.lr = 0.01\n\ncompute=cpu-cluster\nenv=A=B\nempty=' });
    expect(r.keyValues('set')).toEqual({ 'inputs.lr': '0.01', compute: 'cpu-cluster', env: 'A=B', empty: '' });
    expect(r.keyValues('absent')).toEqual({});
  });
  it('refuses a line without = and a repeated key, naming input and line', () => {
    const bad = configError(() => reader({ set: 'a=1\njust-text' }).r.keyValues('set'), 'set');
    expect(bad.message).toContain('line 2');
    const twice = configError(() => reader({ set: 'a=1\na=2' }).r.keyValues('set'), 'set');
    expect(twice.message).toMatch(/'a' twice/);
    configError(() => reader({ set: '=value' }).r.keyValues('set'), 'set');
  });
});

it('debug-logs each resolved value', () => {
  const { r, debug } = reader({ timeout: '10m', wait: 'true' });
  r.duration('timeout');
  r.boolean('wait', false);
  expect(debug).toEqual(['input timeout = 600000', 'input wait = true']);
});
