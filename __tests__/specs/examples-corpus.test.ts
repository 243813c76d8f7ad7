/**
 * The figure of issue 14: every job spec of Microsoft's Azure/azureml-examples `cli/jobs`, dry-run
 * translated (planJob) and its body checked against the strict 2024-10-01 schema, counted as
 *   valid    translated, the job body and every planned asset body valid against the schema
 *   refused  a ConfigurationError naming the field (by reason; a local path the checkout lacks
 *            counts apart as "missing file in checkout")
 *   broken   translated but schema-invalid, or a crash (anything but a ConfigurationError)
 * per folder and in total. It runs when the azureml-examples mirror is on this machine
 * (/work/.mirror/Azure+azureml-examples/repo, `git archive HEAD cli/jobs cli/assets` into a
 * temporary folder) or AZUREML_EXAMPLES_DIR names a checkout (its `cli` folder or the repo root):
 *   npx vitest run __tests__/specs/examples-corpus.test.ts
 * The table goes to stdout; the test fails when anything is broken (the target).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type AssetResolver, type JobPlan } from '../../src/specs/job/index.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const MIRROR = '/work/.mirror/Azure+azureml-examples/repo';
const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };

/** Files of the checkout whose blobs the mirror lacks (absolute paths in the extracted copy). */
const notInMirror = new Set<string>();

/** The `cli` folder to read: AZUREML_EXAMPLES_DIR, else the mirror's cli/jobs and cli/assets. */
function cliDir(): string | undefined {
  const given = process.env.AZUREML_EXAMPLES_DIR;
  if (given) return existsSync(join(given, 'cli', 'jobs')) ? join(given, 'cli') : given;
  if (!existsSync(MIRROR)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'aml-examples-'));
  for (const p of extract(dir, ['cli/jobs', 'cli/assets'])) notInMirror.add(join(dir, p));
  return join(dir, 'cli');
}

/**
 * Writes the mirror's files under `paths` into `dir`, blob by blob: the mirror lacks a few large
 * blobs (git archive stops at the first), which are left out (a spec naming one is refused as
 * "missing file in checkout"). Returns the paths left out.
 */
function extract(dir: string, paths: string[]): string[] {
  const missing: string[] = [];
  const git = (args: string[], input?: Buffer | string) => execFileSync('git', ['-C', MIRROR, ...args], { maxBuffer: 1 << 30, input });
  const entries = git(['ls-tree', '-r', '-z', 'HEAD', ...paths])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      const [, type, sha] = meta.split(' ');
      return { type, sha, path };
    })
    .filter((e) => e.type === 'blob');
  const out = git(['cat-file', '--batch'], entries.map((e) => e.sha).join('\n') + '\n');
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString('utf8').split(' ');
    at = nl + 1;
    if (header[1] === 'missing') {
      missing.push(e.path);
      continue;
    }
    const size = Number(header[2]);
    mkdirSync(dirname(join(dir, e.path)), { recursive: true });
    writeFileSync(join(dir, e.path), out.subarray(at, at + size));
    at += size + 1;
  }
  return missing;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** `type:` values of `az ml job create` files (finetuning is newer than the 2024-10-01 API: refused by name). */
const JOB_TYPE_NAMES = ['command', 'sweep', 'pipeline', 'automl', 'spark', 'parallel', 'import', 'finetuning'];

/**
 * A job spec: its $schema is a *Job.schema.json; or, without a $schema, a job `type:` (command
 * when absent) and a job's shape: a component, environment or data file has a version or
 * is_deterministic, a conda file has dependencies.
 */
export function isJobSpec(text: string): boolean {
  let v: unknown;
  try {
    v = parse(text);
  } catch {
    return false;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const schema = typeof o.$schema === 'string' ? o.$schema : '';
  if (schema) return /Job\.schema\.json$/i.test(schema);
  const type = o.type ?? (o.command !== undefined ? 'command' : undefined);
  if (typeof type !== 'string' || !JOB_TYPE_NAMES.includes(type)) return false;
  if (o.version !== undefined || o.is_deterministic !== undefined) return false;
  return type === 'finetuning' || o.command !== undefined || o.jobs !== undefined || o.trial !== undefined || o.entry !== undefined;
}

type Outcome = { kind: 'valid' } | { kind: 'refused'; reason: string; message: string } | { kind: 'broken'; reason: string };

/** A short reason for a refusal: the message without its position and quoted values. */
function reasonOf(err: ConfigurationError): string {
  const msg = err.message.replace(/^[^:]+:\d+:\d+: /, '');
  if (/does not exist/.test(msg)) {
    // A file the repository has but the mirror did not fetch, or one the repository lacks (made by
    // a setup script the example runs first, or a wrong path in the example).
    const abs = /\(resolved to (.+)\)/.exec(msg)?.[1] ?? '';
    const inRepo = [...notInMirror].some((p) => p === abs || p.startsWith(`${abs}/`));
    return inRepo ? 'missing file in checkout (in the repository, not in the mirror)' : 'missing file in checkout (not in the repository)';
  }
  if (/placeholder/.test(msg)) return 'unfilled placeholder';
  const m = /'(\w+)' jobs are not supported/.exec(msg) ?? /'(\w+)' steps? .*not supported/.exec(msg);
  if (m) return `${m[1]} not supported yet`;
  return msg
    .replace(/^'[^']*' /, '')
    .replace(/'[^']*'/g, '…')
    .replace(/\(did you mean[^)]*\)/, '')
    .slice(0, 90)
    .trim();
}

const ASSET_DEFS = { codes: 'CodeVersion', environments: 'EnvironmentVersion', components: 'ComponentVersion', models: 'ModelVersion' } as const;

function schemaErrors(plan: JobPlan): string | undefined {
  const v = validatorFor('JobBaseResource', `${plan.jobType}Job`);
  if (!v(plan.body)) return `job body: ${describeErrors(v).split('\n')[0]}`;
  for (const asset of plan.assets) {
    const def = ASSET_DEFS[asset.kind];
    const va = validatorFor(`${def}Resource`, def);
    if (!va(asset.body)) return `${asset.kind} ${asset.name}: ${describeErrors(va).split('\n')[0]}`;
  }
  return undefined;
}

async function outcomeOf(file: string, rel: string): Promise<Outcome> {
  try {
    const doc = SpecDocument.load(file, rel, 'job-file');
    const plan = await planJob(doc, file, doc.value, { workspaceId: WS, resolver });
    const bad = schemaErrors(plan);
    return bad ? { kind: 'broken', reason: `schema: ${bad}` } : { kind: 'valid' };
  } catch (err) {
    if (err instanceof ConfigurationError) return { kind: 'refused', reason: reasonOf(err), message: err.message };
    return { kind: 'broken', reason: `crash: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ') ?? String(err)}` };
  }
}

/** The figure as a table: per folder (cli/jobs/<folder>) and in total. */
function table(results: Array<{ rel: string; outcome: Outcome }>): string {
  const rows = new Map<string, { valid: number; refused: number; broken: number; total: number }>();
  const add = (k: string, o: Outcome) => {
    const r = rows.get(k) ?? { valid: 0, refused: 0, broken: 0, total: 0 };
    r[o.kind]++;
    r.total++;
    rows.set(k, r);
  };
  for (const { rel, outcome } of results) {
    add(rel.split(sep)[0], outcome);
    add('TOTAL', outcome);
  }
  const keys = [...rows.keys()].filter((k) => k !== 'TOTAL').sort();
  keys.push('TOTAL');
  const lines = ['folder                              valid refused broken total'];
  for (const k of keys) {
    const r = rows.get(k)!;
    lines.push(`${k.padEnd(36)}${String(r.valid).padStart(5)}${String(r.refused).padStart(8)}${String(r.broken).padStart(7)}${String(r.total).padStart(6)}`);
  }
  const reasons = new Map<string, number>();
  for (const { outcome } of results) if (outcome.kind === 'refused') reasons.set(outcome.reason, (reasons.get(outcome.reason) ?? 0) + 1);
  lines.push('', 'refused, by reason:');
  for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`${String(n).padStart(4)}  ${r}`);
  lines.push('', 'each refused / broken spec:');
  for (const { rel, outcome } of results) {
    if (outcome.kind === 'refused') lines.push(`  refused ${rel}: ${outcome.message.split('\n')[0]}`);
    if (outcome.kind === 'broken') lines.push(`  BROKEN  ${rel}: ${outcome.reason}`);
  }
  return lines.join('\n');
}

const root = haveSharedFixtures ? cliDir() : undefined;

describe.skipIf(!root)('azureml-examples cli/jobs: valid / refused / broken (2024-10-01 schema)', () => {
  it('translates or refuses every job spec; none is broken', { timeout: 600_000 }, async () => {
    const jobsDir = join(root!, 'jobs');
    const files = yamlFiles(jobsDir).filter((f) => isJobSpec(readFileSync(f, 'utf8')));
    expect(files.length).toBeGreaterThan(100);
    const results: Array<{ rel: string; outcome: Outcome }> = [];
    for (const file of files) {
      const rel = relative(jobsDir, file);
      results.push({ rel, outcome: await outcomeOf(file, rel) });
    }
    console.log(`azureml-examples cli/jobs (${jobsDir}): ${files.length} job specs\n${table(results)}`);
    expect(results.filter((r) => r.outcome.kind === 'broken').map((r) => `${r.rel}: ${(r.outcome as { reason: string }).reason}`)).toEqual([]);
  });
});
