/**
 * The clouds' SDKs (@aws-sdk/*, @smithy/*, @google-cloud/storage and what only they use) are in
 * dist/, but no action's start parses them: they are reached only through import() on the paths
 * that read an s3:// or gs:// URI (src/clouds/open.ts, src/models/source.ts, src/metrics/file.ts).
 * Checked on the built bundle (`npm run build` first), by following each entry's static imports
 * and reading the `// path` line esbuild writes above every module (a minified third-party chunk
 * names its packages in `// node_modules/<package>/` lines at its top).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/index.js';

const dist = join(repoRoot, 'dist');
const LAZY = /^\/\/ (node_modules\/(@aws-sdk|@smithy|@google-cloud\/storage|google-auth-library|gaxios)\/|src\/clouds\/(s3|gcs|open|objects)\.ts|src\/models\/cloud-source\.ts)/m;

/** Every file an entry loads before it runs: its static imports, transitively. */
function staticReach(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // `import … from "./x.js";` lines, and `import{…}from"./x.js";` in minified chunks (not import()).
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|[;\n])import\s*(?:[^;"()]*?from\s*)?"(\.[^"]+)";/gm)) visit(resolve(dirname(file), m[1]!));
  };
  visit(entry);
  return [...seen];
}

describe.skipIf(!existsSync(join(dist, 'shared')))('the clouds in the bundle', () => {
  const entries = readdirSync(dist).filter((d) => d !== 'shared' && existsSync(join(dist, d, 'index.js')));

  it('are there, each SDK in chunks of its own', () => {
    const shared = readdirSync(join(dist, 'shared')).filter((f) => f.endsWith('.js'));
    const holding = (pkg: string) => shared.filter((f) => readFileSync(join(dist, 'shared', f), 'utf8').includes(`// node_modules/${pkg}/`));
    expect(holding('@aws-sdk/client-s3').length).toBeGreaterThan(0);
    expect(holding('@google-cloud/storage').length).toBeGreaterThan(0);
  });

  it.each(entries)('%s: none of them is loaded at start', (name) => {
    const loaded = staticReach(join(dist, name, 'index.js')).filter((f) => LAZY.test(readFileSync(f, 'utf8')));
    expect(loaded.map((f) => f.slice(dist.length + 1))).toEqual([]);
  });
});
