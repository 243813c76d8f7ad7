import { describe, expect, test } from 'vitest';
import { RuleBook, ruleList, type RuleBase } from '../../src/emulator/fault-rules.js';

interface Rule extends RuleBase {
  name: string;
}

const book = () => new RuleBook<Rule>({ label: 'test rule', validate: (r) => r as Rule });

describe('the shared fault-rule engine', () => {
  test('after lets the first N matching events through, count limits the hits; non-matching events do not count', () => {
    const b = book();
    b.add({ id: 'a', name: 'x', after: 1, count: 2 });
    const take = (name: string) => b.take((r) => r.name === name)?.id;
    expect(take('y')).toBeUndefined();
    expect([take('x'), take('x'), take('x'), take('x')]).toEqual([undefined, 'a', 'a', undefined]);
    expect(b.list()[0]).toMatchObject({ matched: 3, hits: 2 });
  });

  test('the first rule in the order added wins; an exhausted rule gives way to the next', () => {
    const b = book();
    b.add({ id: 'first', name: 'x', count: 1 });
    b.add({ id: 'second', name: 'x' });
    expect([b.take(() => true)?.id, b.take(() => true)?.id]).toEqual(['first', 'second']);
  });

  test('ids are unique; remove, clear and markFired', () => {
    const b = book();
    const generated = b.add({ name: 'x' });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    b.add({ id: 'a', name: 'x' });
    expect(() => b.add({ id: 'a', name: 'y' })).toThrow("test rule 'a' already exists");
    b.markFired('a');
    expect(b.list()[1]).toMatchObject({ matched: 1, hits: 1 });
    expect(b.remove('a')).toBe(true);
    expect(b.remove('a')).toBe(false);
    expect(b.clear()).toBe(1);
    expect(b.list()).toEqual([]);
  });

  test('a rule, an array of rules or {rules: [...]}', () => {
    expect(ruleList({ kind: 'x' })).toEqual([{ kind: 'x' }]);
    expect(ruleList([{ kind: 'x' }])).toEqual([{ kind: 'x' }]);
    expect(ruleList({ rules: [{ kind: 'x' }, { kind: 'y' }] })).toEqual([{ kind: 'x' }, { kind: 'y' }]);
  });
});
