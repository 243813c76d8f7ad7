#!/usr/bin/env node
// Renders a PR comment (Markdown, as pr-summary posts it) the way GitHub shows it — GitHub's
// Markdown CSS, `<details>`, and the ```mermaid blocks drawn by Mermaid — and screenshots it with
// headless Chromium, so the report can be checked by eye. A development tool: not run by tests.
//
//   node scripts/render-comment.mjs [comment.md] [out.png]    (default docs/pr-comment.md → docs/pr-comment.png)
//
// Needs, once (kept out of package.json: nothing else uses them):
//   apt-get install -y chromium fonts-noto-color-emoji
//   npm install --prefix .tmp/render --no-package-lock marked@18.2.1 mermaid@12.3.0 github-markdown-css@5.9.0
// (RENDER_DEPS=<folder of node_modules> and CHROMIUM=<binary> override where they are looked for.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const input = resolve(process.argv[2] ?? join(root, 'docs', 'pr-comment.md'));
const output = resolve(process.argv[3] ?? input.replace(/\.md$/, '.png'));
const depsDir = resolve(process.env.RENDER_DEPS ?? join(root, '.tmp', 'render', 'node_modules'));
const WIDTH = 960;

function fail(message) {
  console.error(`render-comment: ${message}`);
  process.exit(1);
}

const require = createRequire(join(depsDir, 'noop.js'));
let marked, mermaidJs, css;
try {
  ({ marked } = await import(pathToFileURL(require.resolve('marked')).href));
  mermaidJs = readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8');
  css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
} catch (err) {
  fail(`${err.message}\nInstall the render tools: npm install --prefix .tmp/render --no-package-lock marked@18.2.1 mermaid@12.3.0 github-markdown-css@5.9.0`);
}
const chromium = process.env.CHROMIUM ?? ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
if (!chromium) fail('no Chromium: apt-get install -y chromium fonts-noto-color-emoji');

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const markdown = readFileSync(input, 'utf8');
// GitHub draws ```mermaid blocks; marked leaves them as code, so hand them to Mermaid.
const renderer = new marked.Renderer();
const code = renderer.code.bind(renderer);
renderer.code = (token) => (token.lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(token.text)}</pre>` : code(token));
const body = marked.parse(markdown, { gfm: true, renderer });

const html = `<!doctype html>
<html><head><meta charset="utf-8">
<style>${css}
body { margin: 0; background: #fff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
.comment { width: ${WIDTH - 34}px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font-size: 14px; color: #59636e; border-radius: 6px 6px 0 0; }
.comment-header b { color: #1f2328; }
.badge { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; margin-left: 4px; }
.markdown-body { padding: 16px; font-size: 14px; }
pre.mermaid { background: none; text-align: center; }
</style></head>
<body><div class="comment">
<div class="comment-header"><b>github-actions</b> <span class="badge">bot</span> commented</div>
<article class="markdown-body">${body}</article>
</div>
<script>${mermaidJs}</script>
<script>
mermaid.initialize({ startOnLoad: false, theme: 'default', securityLevel: 'strict' });
mermaid.run({ querySelector: 'pre.mermaid' }).catch((e) => { document.body.dataset.error = String(e); }).finally(() => {
  document.title = 'height=' + Math.ceil(document.documentElement.scrollHeight);
});
</script>
</body></html>`;

const work = mkdtempSync(join(tmpdir(), 'render-comment-'));
try {
  const page = join(work, 'comment.html');
  writeFileSync(page, html);
  const url = pathToFileURL(page).href;
  const common = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--user-data-dir=${join(work, 'profile')}`,
    '--virtual-time-budget=15000',
    '--force-device-scale-factor=1',
  ];
  // First pass: lay out and draw the charts, read the page height back from the title.
  const dom = spawnSync(chromium, [...common, `--window-size=${WIDTH},1000`, '--dump-dom', url], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const height = Number(/<title>height=(\d+)<\/title>/.exec(dom.stdout ?? '')?.[1]);
  if (!height) fail(`Chromium did not render the page (exit ${dom.status}):\n${(dom.stderr ?? '').slice(-2000)}`);
  const error = /data-error="([^"]*)"/.exec(dom.stdout)?.[1];
  if (error) fail(`Mermaid failed: ${error}`);
  // Second pass: the whole page in one screenshot.
  const shot = spawnSync(chromium, [...common, `--window-size=${WIDTH},${height}`, `--screenshot=${output}`, url], { encoding: 'utf8' });
  if (shot.status !== 0 || !existsSync(output)) fail(`screenshot failed (exit ${shot.status}):\n${(shot.stderr ?? '').slice(-2000)}`);
  console.log(`rendered ${input} → ${output} (${WIDTH}×${height})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
