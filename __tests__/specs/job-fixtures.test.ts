/**
 * Every job spec of Azure/azureml-examples `cli/jobs/basics` either translates to a body valid
 * against the official 2024-10-01 schema, or is refused with a clear error naming the part.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type AssetResolver } from '../../src/specs/job/index.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { describeErrors, haveSharedFixtures, sharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };

/** Copies the fixtures and writes the small scripts the specs' `code: src` folders need. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-jobs-'));
  cpSync(join(sharedFixtures, 'azureml-examples', 'jobs', 'basics'), dir, { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'hello.py'), 'print("hello")\n');
  return dir;
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

/** Specs that must be refused, with the reason the error has to name. */
const REFUSED: Record<string, RegExp> = {
  // the spec points at ../../assets/model/mlflow-model, which azureml-examples keeps outside jobs/basics
  'hello-model-as-input.yml': /inputs\.my_model\.path.*does not exist/,
  'hello-model-as-output.yml': /inputs\.input_model\.path.*does not exist/,
};

describe.skipIf(!haveSharedFixtures)('azureml-examples jobs/basics → ARM JobBase (2024-10-01 schema)', () => {
  const dir = haveSharedFixtures ? workdir() : '';
  const files = haveSharedFixtures ? yamlFiles(dir).filter((f) => !f.includes('MLTable')) : [];

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const file of files) {
    const rel = relative(dir, file);
    it(rel, async () => {
      const doc = SpecDocument.load(file, rel, 'job-file');
      const run = planJob(doc, file, doc.value, { workspaceId: WS, resolver });
      if (REFUSED[rel]) {
        const err = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigurationError);
        expect((err as ConfigurationError).message).toMatch(REFUSED[rel]);
        expect((err as ConfigurationError).line).toBeGreaterThan(0);
        return;
      }
      const plan = await run;
      const v = validatorFor('JobBaseResource', `${plan.jobType}Job`);
      const ok = v(plan.body);
      expect(ok, describeErrors(v)).toBe(true);
      for (const asset of plan.assets) {
        const def = { codes: 'CodeVersion', environments: 'EnvironmentVersion', components: 'ComponentVersion', models: 'ModelVersion' }[asset.kind];
        const va = validatorFor(`${def}Resource`, def);
        expect(va(asset.body), `${asset.id}: ${describeErrors(va)}`).toBe(true);
      }
    });
  }
});

describe.skipIf(!haveSharedFixtures)('the schema check itself', () => {
  it('refuses an invented field, a wrong discriminator and a missing required field', () => {
    const v = validatorFor('JobBaseResource', 'CommandJob');
    const good = { properties: { jobType: 'Command', command: 'echo', environmentId: 'x', inputs: { a: { jobInputType: 'literal', value: '1' } } } };
    expect(v(good), describeErrors(v)).toBe(true);
    expect(v({ properties: { ...good.properties, codeID: 'x' } })).toBe(false);
    expect(v({ properties: { ...good.properties, inputs: { a: { jobInputType: 'literal', value: '1', uri: 'x' } } } })).toBe(false);
    expect(v({ properties: { ...good.properties, inputs: { a: { jobInputType: 'folder', uri: 'x' } } } })).toBe(false);
    expect(v({ properties: { jobType: 'Command', command: 'echo' } })).toBe(false);
    expect(v({ properties: { ...good.properties, resources: { instanceCount: 1, instanceTyp: 'x' } } })).toBe(false);
  });
});
