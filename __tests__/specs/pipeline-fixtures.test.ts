/**
 * Every pipeline job spec of Azure/azureml-examples `cli/jobs/pipelines-with-components` and
 * `cli/jobs/pipelines` (copied into __tests__/fixtures/azureml-examples/jobs) either translates to
 * a body valid against the official 2024-10-01 schema (the job, and every component, code and
 * environment version it plans), or is refused by name with its file and line.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type AssetResolver } from '../../src/specs/job/index.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';
import { repoRoot } from '../harness/index.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };
const FIXTURES = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'jobs');
const FOLDERS = ['pipelines-with-components', 'pipelines'];

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/**
 * Copies the fixtures and writes a small script into every local `code:` folder a YAML names
 * (azureml-examples' scripts are not copied).
 */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-pipelines-'));
  for (const f of FOLDERS) cpSync(join(FIXTURES, f), join(dir, f), { recursive: true });
  for (const file of yamlFiles(dir)) {
    const codes: string[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === 'code' && typeof x === 'string' && !x.includes(':')) codes.push(x);
          else visit(x);
        }
    };
    try {
      visit(parse(readFileSync(file, 'utf8')));
    } catch {
      continue;
    }
    for (const c of codes) {
      const folder = resolve(dirname(file), c);
      mkdirSync(folder, { recursive: true });
      if (!existsSync(join(folder, 'main.py'))) writeFileSync(join(folder, 'main.py'), 'print("a small stand-in for the example script")\n');
    }
  }
  return dir;
}

const isJob = (file: string): boolean => {
  try {
    const v = parse(readFileSync(file, 'utf8')) as { type?: unknown; jobs?: unknown } | null;
    return v?.type === 'pipeline' && v.jobs !== undefined && !/\$schema:.*pipelineComponent/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
};

/** Specs that must be refused, with the reason the error has to name. */
const REFUSED: Record<string, RegExp> = {};

/** Steps of job types other helpers translate (AutoML, Spark, parallel): refused by name until they are wired. */
const PENDING: Record<string, RegExp> = {
  'pipelines-with-components/pipeline_job_with_flow_as_component/pipeline.yml': /'parallel'.*not supported yet/,
};

describe.skipIf(!haveSharedFixtures)('azureml-examples pipelines → ARM PipelineJob (2024-10-01 schema)', () => {
  const dir = haveSharedFixtures ? workdir() : '';
  const files = haveSharedFixtures ? yamlFiles(dir).filter(isJob) : [];

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    const rel = relative(dir, file);
    it(rel, async () => {
      const doc = SpecDocument.load(file, rel, 'job-file');
      const run = planJob(doc, file, doc.value, { workspaceId: WS, resolver });
      const refused = REFUSED[rel] ?? PENDING[rel];
      if (refused) {
        const err = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        if (PENDING[rel] && err === undefined) return; // wired meanwhile: the valid branch below is then the test
        expect(err).toBeInstanceOf(ConfigurationError);
        expect((err as ConfigurationError).message).toMatch(refused);
        expect((err as ConfigurationError).line).toBeGreaterThan(0);
        return;
      }
      const plan = await run;
      const v = validatorFor('JobBaseResource', `${plan.jobType}Job`);
      expect(v(plan.body), describeErrors(v)).toBe(true);
      for (const asset of plan.assets) {
        const def = { codes: 'CodeVersion', environments: 'EnvironmentVersion', components: 'ComponentVersion', models: 'ModelVersion' }[asset.kind];
        const va = validatorFor(`${def}Resource`, def);
        expect(va(asset.body), `${asset.id}: ${describeErrors(va)}`).toBe(true);
      }
    });
  }
});
