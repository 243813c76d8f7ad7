import { describe, expect, it } from 'vitest';
import { cleanText, code, escapeText, fencedBlock, htmlTable, link, mermaidLabel, safeUrl, truncateText } from '../../src/core/escape.js';
import { decodeEntities, inertProblems } from '../report/inert.js';

const ATTACKS = [
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '![pixel](https://evil.example/p.png)',
  '@org/team please look',
  'ping @octocat',
  'user@example.com',
  '`code` and ``` fences',
  'a|b|c',
  '"] --> B[click me]; click B call alert(1)',
  '%%{init: {"theme":"dark"}}%%',
  'fixes #123 and GH-45 and octo/repo#9',
  'see https://evil.example and www.evil.example',
  '<script>alert(1)</script>',
  '<!-- hidden --> <details open>',
  '**bold** _it_ ~~strike~~ $x^2$ \\escape',
  '<a href="javascript:alert(1)">x</a>',
  'line1\n\n# heading\n- list',
  'rtl \u202Eevil\u202C and \u0000nul',
  '&lt;already&gt; &amp; &#64;',
];

describe('escapeText', () => {
  it.each(ATTACKS)('makes %j inert', (attack) => {
    const out = escapeText(attack);
    expect(out).not.toMatch(/[<>\n\r`|[\]()*_~!$\\]/);
    expect(out).not.toMatch(/&(?!(#\d+|amp|lt|gt|quot);)/);
    expect(inertProblems(`| x | ${out} |`)).toEqual([]);
    expect(inertProblems(`<sub>${out}</sub>`)).toEqual([]);
  });

  it('shows the same text once decoded (apart from the zero-width breaks and the folded lines)', () => {
    for (const attack of ATTACKS) {
      const shown = decodeEntities(escapeText(attack)).replace(/\u200b/g, '');
      expect(shown).toBe(cleanText(attack));
    }
  });

  it('breaks mentions, references and autolinks with a zero-width space', () => {
    expect(escapeText('@org/team')).toBe('&#64;&#8203;org/team');
    expect(escapeText('#12')).toBe('&#35;&#8203;12');
    expect(escapeText('#tag')).toBe('&#35;tag');
    expect(escapeText('GH-7')).toBe('GH-&#8203;7');
    expect(escapeText('http://x')).toBe('http&#58;&#8203;//x');
    expect(escapeText('WWW.x.org')).toBe('WWW&#8203;.x.org');
    // no entity is escaped twice (and a # before a digit still gets its break)
    expect(escapeText('&#64;')).toBe('&amp;&#35;&#8203;64;');
  });

  it('folds line breaks, drops control and bidi characters, cuts to a length', () => {
    expect(cleanText('a\r\nb\tc\u2028d')).toBe('a b c d');
    expect(cleanText('x\u202Ey\u2066z\u0007')).toBe('xyz');
    expect(escapeText('abcdef', 4)).toBe('abc…');
    expect(truncateText('😀😀😀', 2)).toBe('😀…');
  });

  it('code() wraps in <code>', () => {
    expect(code('a<b>')).toBe('<code>a&lt;b&gt;</code>');
  });
});

describe('links', () => {
  it('accepts https and loopback http only, without credentials', () => {
    expect(safeUrl('https://ml.azure.com/runs/x?wsid=/a/b')).toBe('https://ml.azure.com/runs/x?wsid=/a/b');
    expect(safeUrl('http://127.0.0.1:5000/studio/runs/x')).toBe('http://127.0.0.1:5000/studio/runs/x');
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<b>',
      'http://evil.example/',
      'https://user:pw@host/',
      'vbscript:x',
      '//evil',
      '',
      42,
      undefined,
    ]) {
      expect(safeUrl(bad)).toBeUndefined();
    }
  });

  it('percent-encodes what could end the attribute or the link', () => {
    const href = safeUrl('https://x.example/a"onmouseover="alert(1)(b)<c>')!;
    expect(href).not.toMatch(/["'<>()\s]/);
    expect(link('t', 'https://x.example/a"b')).toBe('<a href="https://x.example/a%22b">t</a>');
    expect(link('t', 'javascript:alert(1)')).toBe('t');
  });
});

describe('mermaidLabel', () => {
  it.each(ATTACKS)('leaves nothing of %j that Mermaid acts on', (attack) => {
    const label = mermaidLabel(attack);
    expect(label).not.toMatch(/["'`[\]{}<>#;|\\&\n]/);
    expect(label).not.toContain('%%');
    expect(label.length).toBeGreaterThan(0);
  });

  it('keeps ordinary metric names readable', () => {
    expect(mermaidLabel('train/loss')).toBe('train/loss');
    expect(mermaidLabel('val_acc.top-5')).toBe('val_acc.top-5');
    expect(mermaidLabel('Genauigkeit Ü')).toBe('Genauigkeit Ü');
    expect(mermaidLabel('x'.repeat(100), 10)).toHaveLength(10);
  });
});

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(fencedBlock('a ``` b', 'json')).toBe('````json\na ``` b\n````');
    expect(fencedBlock('plain')).toBe('```\nplain\n```');
  });
});

describe('htmlTable', () => {
  it('a header row of th cells, then td rows, as the job summary shows them', () => {
    expect(
      htmlTable(
        ['field', 'value'],
        [
          ['type', 'custom_model'],
          ['source', '<code>x</code>'],
        ],
      ),
    ).toBe('<table><tr><th>field</th><th>value</th></tr><tr><td>type</td><td>custom_model</td></tr><tr><td>source</td><td><code>x</code></td></tr></table>');
    expect(htmlTable(['stage'], [])).toBe('<table><tr><th>stage</th></tr></table>');
  });
});
