/**
 * The dependency rule of src/ (.dependency-cruiser.cjs, ARCHITECTURE.md): `npm test` checks the
 * tree with `npm run deps`; this test shows the check really refuses a wrong-way import: a small
 * tree laid out like src/ with imports going up (core → a flow, specs → rollout) and one the
 * emulator must not make fails with the rules named.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/index.js';

const depcruise = join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');
const config = join(repoRoot, '.dependency-cruiser.cjs');

function cruise(cwd: string) {
  const r = spawnSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'err', '--no-cache'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const tmp = mkdtempSync(join(tmpdir(), 'deps-rule-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmp, 't-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('dependency rule', () => {
  it('a wrong-way import fails the check, naming the rule', () => {
    const root = tree({
      'src/runs/flow.ts': 'export const flow = 1;\n',
      'src/core/io.ts': "import { flow } from '../runs/flow.js';\nexport const io = flow;\n",
      'src/azure/arm.ts': "import { io } from '../core/io.js';\nexport const arm = io;\n",
      'src/rollout/plan.ts': "import { arm } from '../azure/arm.js';\nexport const plan = arm;\n",
      'src/specs/job.ts': "import { plan } from '../rollout/plan.js';\nexport const job = plan;\n",
      'src/emulator/server.ts': "import { arm } from '../azure/arm.js';\nexport const server = arm;\n",
    });
    const r = cruise(root);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/core-is-the-bottom: src\/core\/io\.ts → src\/runs\/flow\.ts/);
    expect(r.out).toMatch(/domain-order-specs: src\/specs\/job\.ts → src\/rollout\/plan\.ts/);
    expect(r.out).toMatch(/emulator-apart: src\/emulator\/server\.ts → src\/azure\/arm\.ts/);
    // the imports that go down pass: azure → core, rollout → azure
    expect(r.out).not.toMatch(/src\/azure\/arm\.ts → src\/core/);
    expect(r.out).not.toMatch(/src\/rollout\/plan\.ts → src\/azure/);
  }, 120_000);
});
