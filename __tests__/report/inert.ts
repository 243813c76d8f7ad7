/**
 * Checks that rendered Markdown holds nothing active but what the renderer itself writes: the
 * only HTML tags are the allow-listed ones (links only to https or loopback URLs), there is no
 * Markdown link or image syntax, no raw autolink, and the text GitHub's DOM filters would see
 * (entities decoded) holds no @mention, #reference or URL.
 */
const ALLOWED_TAGS = new Set(['code', 'sub', 'br', 'details', 'summary', 'a', 'b']);

/** Decodes the character references the renderer writes (what the DOM text holds). */
export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The body without fenced code blocks (their content is shown as text, never interpreted). */
export function outsideFences(body: string): string {
  return body.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1\s*$/gm, '');
}

export function fencedBlocks(body: string, info?: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/^(`{3,})([^\n]*)\n([\s\S]*?)\n\1\s*$/gm)) if (info === undefined || m[2] === info) out.push(m[3]);
  return out;
}

export function inertProblems(body: string): string[] {
  const problems: string[] = [];
  const text = outsideFences(body);
  for (const m of text.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const tag = m[1].toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) problems.push(`tag <${tag}>`);
    if (tag === 'a' && !m[0].startsWith('</')) {
      const href = /^\s+href="([^"]*)"\s*$/.exec(m[2])?.[1];
      if (!href || !/^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)[:/])/.test(href)) problems.push(`link ${m[0]}`);
    } else if (m[2].trim() !== '' && !m[0].startsWith('</')) {
      if (!(tag === 'details' && m[2].trim() === 'open')) problems.push(`attributes on <${tag}>: ${m[2]}`);
    }
  }
  // HTML comments: only the marker and the append separator
  for (const m of text.matchAll(/<!--([\s\S]*?)-->/g)) if (!/^ azureml-actions:pr-summary:[A-Za-z0-9._/:-]+ $/.test(m[1])) problems.push(`comment ${m[0]}`);
  if (/!\[/.test(text)) problems.push('image syntax ![');
  if (/\]\(/.test(text)) problems.push('link syntax ](');
  if (/\]\[/.test(text) || /^\s*\[[^\]]+\]:/m.test(text)) problems.push('reference link syntax');
  if (/<(https?|javascript|data):/i.test(text)) problems.push('autolink <scheme:');
  // the DOM text: our own links' hrefs removed, entities decoded
  const dom = decodeEntities(text.replace(/<a href="[^"]*">/g, '<a>'));
  if (/(^|[^\w`])@[A-Za-z0-9]/.test(dom)) problems.push(`mention in "${/.{0,20}@[A-Za-z0-9].{0,20}/.exec(dom)?.[0]}"`);
  if (/(^|[^\w&])#\d/.test(dom)) problems.push(`issue reference in "${/.{0,20}#\d.{0,10}/.exec(dom)?.[0]}"`);
  if (/GH-\d/i.test(dom)) problems.push('GH- reference');
  if (/\b(javascript|https?|data|vbscript):\/\//i.test(dom)) problems.push(`URL in text "${/.{0,20}:\/\/.{0,20}/.exec(dom)?.[0]}"`);
  if (/\bwww\./i.test(dom)) problems.push('www. autolink');
  return problems;
}
