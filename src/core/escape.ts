/**
 * Escaping of text that came from outside (metric names, tags, job names, labels, error messages)
 * before it reaches a pull-request comment, a job summary or a Mermaid chart.
 *
 * GitHub renders a comment in two passes: cmark-gfm turns Markdown (with inline HTML) into HTML,
 * then filters walk the DOM text and turn `@login`, `#123`, `GH-123` and URLs into links. Entities
 * alone stop the first pass but not the second (the DOM holds the decoded text), so the characters
 * the filters key on also get a zero-width space after them. Identifiers go inside `<code>`, which
 * the filters skip as well.
 *
 * Pure functions, no state.
 */

/** A zero-width space as a character reference: invisible, but it breaks what the filters match. */
const ZWSP = '&#8203;';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '|': '&#124;',
  '\\': '&#92;',
  '~': '&#126;',
  '!': '&#33;',
  $: '&#36;',
  // followed by a zero-width space: mentions, e-mail autolinks
  '@': `&#64;${ZWSP}`,
};

/**
 * Control characters (C0 except tab, DEL, C1) and the Unicode bidirectional overrides and
 * isolates, which could make a metric name display as something else ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LINE_BREAKS = /[\r\n\t\u2028\u2029\u0085]+/g;

/** Removes invisible and bidi control characters, folds line breaks and tabs into one space. */
export function cleanText(text: unknown): string {
  return String(text ?? '')
    .replace(LINE_BREAKS, ' ')
    .replace(INVISIBLE, '');
}

/** Shortens to `max` code points, ending with `…` when cut. */
export function truncateText(text: string, max: number): string {
  if (max <= 0) return '';
  const points = [...text];
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * Text from outside, made inert for Markdown and HTML, on one line. Safe inside a paragraph, a
 * table cell (GFM or HTML), `<code>`, `<summary>` and an HTML attribute value in double quotes.
 * Never put the result at the start of a line (list and heading markers are not escaped).
 *
 * @param maxLength cut to this many code points first (default: no limit)
 */
export function escapeText(text: unknown, maxLength?: number): string {
  let s = cleanText(text);
  if (maxLength !== undefined) s = truncateText(s, maxLength);
  // One pass, so that no entity written here is escaped again.
  return s.replace(/[&<>"'`*_[\]()|\\~!$@#]|:(?=\/\/)|\bwww\.|\bGH-(?=\d)/gi, (m, offset: number, all: string) => {
    if (m === '#') {
      // issue and pull-request references: #123, owner/repo#123
      return /\d/.test(all.charAt(offset + 1)) ? `&#35;${ZWSP}` : '&#35;';
    }
    // `://` of an autolink (`:name:` emoji are harmless and left alone)
    if (m === ':') return `&#58;${ZWSP}`;
    // `www.` autolinks
    if (m.length === 4 && m.endsWith('.')) return `${m.slice(0, 3)}${ZWSP}.`;
    // GH-123 references
    if (m.length === 3) return `${m}${ZWSP}`;
    return ENTITIES[m];
  });
}

/** An identifier (metric, job, model, deployment name) in `<code>`, escaped. */
export function code(text: unknown, maxLength = 200): string {
  return `<code>${escapeText(text, maxLength)}</code>`;
}

/**
 * The URL when it is safe to link to: `https:` anywhere, `http:` only on a loopback host (the
 * local emulator); no credentials in it. Returns the normalized URL with the characters that
 * could end a Markdown link destination or an HTML attribute percent-encoded, or undefined.
 */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.trim() === '' || url.length > 4000) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password) return undefined;
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) return undefined;
  // `|` would split a table cell, quotes and `<>` would end the attribute, parentheses a Markdown link
  return parsed.href.replace(/[()<>"'`\s\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * A Markdown link whose text is escaped outside text and whose target passed {@link safeUrl};
 * without a safe URL, the escaped text alone. `textHtml` is already-escaped HTML (e.g. `code(name)`).
 */
/** An HTML table (the job summary's kind) of a header row and rows; cells are HTML already escaped. */
export function htmlTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const row = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return `<table>${row(header, 'th')}${rows.map((r) => row(r, 'td')).join('')}</table>`;
}

export function link(textHtml: string, url: unknown): string {
  const href = safeUrl(url);
  return href ? `<a href="${href.replace(/&/g, '&amp;')}">${textHtml}</a>` : textHtml;
}

/**
 * A label for a Mermaid chart (title, axis, category), to be written inside double quotes. Only
 * letters, digits, spaces and `. _ - / + = : % ,` survive; anything else (quotes, brackets,
 * `#` and `;` of Mermaid entity codes, `%%` directives, backticks, `<`, `>`) becomes a space,
 * and runs of spaces fold. Cut to `maxLength` code points.
 */
export function mermaidLabel(text: unknown, maxLength = 60): string {
  const s = cleanText(text)
    .replace(/[^\p{L}\p{N} ._\-/+=:%,]/gu, ' ')
    .replace(/%{2,}/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateText(s, maxLength) || '?';
}

/**
 * A fenced code block that no line of `content` can close: the fence is one backtick longer than
 * the longest run of backticks in it.
 */
export function fencedBlock(content: string, info = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}
