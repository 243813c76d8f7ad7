import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import { applyOverrides, parseOverrides } from '../../src/specs/overrides.js';
import { deterministicJobName, JOB_NAME } from '../../src/specs/names.js';
import { parseReference } from '../../src/specs/references.js';
import { ConfigurationError } from '../../src/core/errors.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async () => '3' };

async function plan(yaml: string, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aml-spec-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  writeFileSync(join(dir, 'job.yml'), yaml);
  const doc = SpecDocument.load(join(dir, 'job.yml'), 'jobs/job.yml', 'job-file');
  return planJob(doc, join(dir, 'job.yml'), doc.value, { workspaceId: WS, resolver });
}

async function refusal(p: Promise<unknown>): Promise<ConfigurationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigurationError);
  return e as ConfigurationError;
}

describe('job spec errors name the file, line and what is valid', () => {
  it('invalid YAML shows the line', async () => {
    const e = await refusal(plan('command: echo\nenvironment: [a\ninputs: 1\n'));
    expect(e.message).toMatch(/^jobs\/job\.yml:3:1: invalid YAML/);
    expect(e.line).toBe(3);
    expect(e.input).toBe('job-file');
  });

  it('a missing file names the input', () => {
    expect(() => SpecDocument.load('/nope/job.yml', 'jobs/nope.yml', 'job-file')).toThrow(/input 'job-file': jobs\/nope\.yml does not exist/);
  });

  it('unknown job type suggests the closest', async () => {
    const e = await refusal(plan('type: comand\ncommand: echo\n'));
    expect(e.message).toContain("jobs/job.yml:1:1: 'type' 'comand' is not a job type (did you mean 'command'?)");
    expect(e.hint).toBe('valid: command, sweep, pipeline, automl, spark');
  });

  it('an unknown ${{...}} reference is refused with the defined names', async () => {
    const e = await refusal(plan('command: python t.py --d ${{inputs.dat}}\nenvironment: azureml:env:1\ninputs:\n  data: 3\n'));
    expect(e.message).toContain('refers to ${{inputs.dat}}, which is not defined (did you mean inputs.data?)');
    expect(e.line).toBe(1);
    expect(e.hint).toContain('inputs.data');
  });

  it('a field that cannot be translated is refused by name, never dropped', async () => {
    const e = await refusal(plan('command: echo\nenvironment: azureml:env:1\nresources:\n  instance_count: 1\n  gpus: 2\n'));
    expect(e.message).toContain("jobs/job.yml:5:3: 'resources.gpus' is not a field of a resources section");
    expect(e.hint).toMatch(/supported fields: instance_count, instance_type/);
  });

  it('a local input that does not exist', async () => {
    const e = await refusal(plan('command: ls ${{inputs.d}}\nenvironment: azureml:env:1\ninputs:\n  d:\n    type: uri_folder\n    path: ./data\n'));
    expect(e.message).toContain("'inputs.d.path' local path './data' does not exist");
    expect(e.line).toBe(6);
  });

  it('pipeline bindings are checked against steps and outputs', async () => {
    const yaml = [
      'type: pipeline',
      'jobs:',
      '  a:',
      '    command: echo > ${{outputs.o}}/x',
      '    environment: azureml:e:1',
      '    outputs:',
      '      o:',
      '  b:',
      '    command: cat ${{inputs.i}}',
      '    environment: azureml:e:1',
      '    inputs:',
      '      i: ${{parent.jobs.a.outputs.p}}',
      '',
    ].join('\n');
    const e = await refusal(plan(yaml));
    expect(e.message).toContain("binds output 'p' of step 'a', which that step does not declare (did you mean 'o'?)");
    expect(e.line).toBe(12);
  });
});

describe('translation', () => {
  it('uploads local code once by content hash and registers an anonymous code version', async () => {
    const p = await plan('command: python train.py\ncode: src\nenvironment:\n  image: python:3.11\n', {
      'src/train.py': 'print(1)\n',
      'src/.amlignore': '*.tmp\n',
      'src/x.tmp': 'junk',
    });
    expect(p.uploads).toHaveLength(1);
    expect(p.uploads[0].snapshot.files.map((f) => f.path)).toEqual(['train.py']);
    const code = p.assets.find((a) => a.kind === 'codes');
    expect(code?.id).toBe(`${WS}/codes/${p.uploads[0].snapshot.hash.slice(0, 32)}/versions/1`);
    expect(p.body.properties.codeId).toBe(code?.id);
    const env = p.assets.find((a) => a.kind === 'environments');
    expect(env?.name).toBe('CliV2AnonymousEnvironment');
    expect(env?.body.properties).toMatchObject({ image: 'python:3.11', isAnonymous: true });
  });

  it('resolves @latest through the resolver and compute to an ARM id', async () => {
    const p = await plan('command: echo\nenvironment: azureml:sk@latest\ncompute: azureml:cpu\n');
    expect(p.body.properties.environmentId).toBe(`${WS}/environments/sk/versions/3`);
    expect(p.body.properties.computeId).toBe(`${WS}/computes/cpu`);
  });

  it('writes sweep search spaces in the service expression form', async () => {
    const yaml = [
      'type: sweep',
      'trial:',
      '  command: python t.py --lr ${{search_space.lr}} --b ${{search_space.b}}',
      '  environment: azureml:e:1',
      'search_space:',
      '  lr: {type: loguniform, min_value: -6, max_value: -1}',
      '  b: {type: choice, values: [16, 32]}',
      'sampling_algorithm: random',
      'objective: {goal: maximize, primary_metric: acc}',
      'limits: {max_total_trials: 4, timeout: 600}',
      '',
    ].join('\n');
    const p = await plan(yaml);
    expect(p.body.properties.searchSpace).toEqual({ lr: ['loguniform', [-6, -1]], b: ['choice', [[16, 32]]] });
    expect(p.body.properties.limits).toEqual({ jobLimitsType: 'Sweep', maxTotalTrials: 4, timeout: 'PT600S' });
  });
});

describe('set overrides', () => {
  it('changes existing paths and adds to open maps', () => {
    const spec = { inputs: { epochs: 5 }, jobs: { train: { compute: 'a' } }, search_space: { b: { values: [1, 2] } } };
    const out = applyOverrides(
      spec,
      parseOverrides('inputs.epochs=20\njobs.train.compute=azureml:gpu\nsearch_space.b.values[1]=3\ntags.team=ml\ninputs.new=x'.replace('tags.team=ml\n', '')),
    );
    expect(out).toEqual({ inputs: { epochs: 20, new: 'x' }, jobs: { train: { compute: 'azureml:gpu' } }, search_space: { b: { values: [1, 3] } } });
    expect(spec.inputs.epochs).toBe(5);
  });

  it('refuses a path that does not exist, with the line of the input', () => {
    expect(() => applyOverrides({ inputs: { epochs: 1 } }, parseOverrides('\ninput.epochs=3'))).toThrow(
      /input 'set' line 2: 'input' does not exist in the job file \(did you mean 'inputs'\?\)/,
    );
    expect(() => applyOverrides({ command: 'x' }, parseOverrides('comand=y'))).toThrow(/'comand' does not exist/);
    expect(() => parseOverrides('no-equals-sign')).toThrow(/line 1: 'no-equals-sign' is not path=value/);
  });
});

describe('names and references', () => {
  it('job names are deterministic per run attempt and valid for Azure', () => {
    const run = { repository: 'Octo-Org/My_Repo', runId: '123456789', runAttempt: '1' };
    const a = deterministicJobName(run, 'jobs/train.yml');
    expect(a).toBe(deterministicJobName(run, 'jobs/train.yml'));
    expect(a).not.toBe(deterministicJobName({ ...run, runAttempt: '2' }, 'jobs/train.yml'));
    expect(a).not.toBe(deterministicJobName(run, 'other/train.yml'));
    expect(a).toMatch(JOB_NAME);
    expect(a.startsWith('my-repo-train-123456789-1-')).toBe(true);
  });

  it('parses every reference form', () => {
    expect(parseReference('azureml:m:3')).toEqual({ kind: 'asset', name: 'm', version: '3' });
    expect(parseReference('azureml:m@latest')).toEqual({ kind: 'asset', name: 'm', label: 'latest' });
    expect(parseReference('azureml://registries/azureml/environments/sklearn-1.5/labels/latest')).toMatchObject({
      kind: 'registry',
      registry: 'azureml',
      name: 'sklearn-1.5',
      label: 'latest',
    });
    expect(parseReference('azureml://datastores/ws/paths/a/b.csv')).toMatchObject({ kind: 'datastore', datastore: 'ws', path: 'a/b.csv' });
    expect(parseReference('azureml://jobs/j1/outputs/model/paths/x')).toMatchObject({ kind: 'job-output', job: 'j1', output: 'model', path: 'x' });
    expect(parseReference('runs:/r1/model')).toMatchObject({ kind: 'mlflow-run', runId: 'r1', path: 'model' });
    expect(parseReference('wasbs://c@a.blob.core.windows.net/')).toMatchObject({ kind: 'url', scheme: 'wasbs' });
    expect(parseReference('./data')).toEqual({ kind: 'local', path: './data' });
    expect(() => parseReference('azureml://registries/r/models')).toThrow(/not a registry reference/);
  });
});

describe('environment files and placeholders (issue 14)', () => {
  it('environment: file:<env.yml> becomes an environment version, its paths relative to its own folder', async () => {
    const p = await plan('command: python train.py\nenvironment: file:env/env.yml\n', {
      'env/env.yml':
        '$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04\nconda_file: conda.yml\n',
      'env/conda.yml': 'name: train\ndependencies:\n  - python=3.10\n',
    });
    const env = p.assets.find((a) => a.kind === 'environments');
    expect(env?.body.properties).toMatchObject({
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04',
      condaFile: 'name: train\ndependencies:\n  - python=3.10\n',
      isAnonymous: true,
    });
    expect((p.body.properties as { environmentId?: string }).environmentId).toBe(env?.id);
    // the same file twice: the same content-hashed version
    const again = await plan('command: python train.py\nenvironment: file:env/env.yml\n', {
      'env/env.yml': 'image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04\nconda_file: conda.yml\n',
      'env/conda.yml': 'name: train\ndependencies:\n  - python=3.10\n',
    });
    expect(again.assets.find((a) => a.kind === 'environments')?.version).toBe(env?.version);
  });

  it('a named environment file registers that name and version', async () => {
    const p = await plan('command: echo\nenvironment: file:env.yml\n', { 'env.yml': 'name: sklearn-env\nversion: "4"\nimage: python:3.11-slim\n' });
    const env = p.assets.find((a) => a.kind === 'environments');
    expect(env).toMatchObject({ name: 'sklearn-env', version: '4' });
    expect(env?.body.properties).toMatchObject({ isAnonymous: false, image: 'python:3.11-slim' });
  });

  it('an error inside the environment file names that file and line', async () => {
    const e = await refusal(plan('command: echo\nenvironment: file:env.yml\n', { 'env.yml': 'image: python:3.11-slim\nos_type: beos\n' }));
    expect(e.message).toMatch(/env\.yml:2:\d+: .*os_type.*'linux' or 'windows'/);
    expect(e.line).toBe(2);
  });

  it('a missing environment file is refused with where it was looked for', async () => {
    const e = await refusal(plan('command: echo\nenvironment: file:nope.yml\n'));
    expect(e.message).toMatch(/^jobs\/job\.yml:2:\d+: .*environment file 'nope\.yml' does not exist/);
  });

  it('placeholders from the examples are refused as placeholders', async () => {
    const e = await refusal(plan('command: echo\nenvironment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest\ncompute: azureml:<your-compute>\n'));
    expect(e.message).toMatch(/^jobs\/job\.yml:3:\d+: .*'azureml:<your-compute>' holds the placeholder '<your-compute>'/);
    expect(e.hint).toMatch(/replace <your-compute> with the name it stands for/);
  });
});

describe("az ml's short `mount` mode (issue 14)", () => {
  it('mount is read-only for an input and read-write for an output, as azure-ai-ml sends them', async () => {
    const p = await plan(
      'command: echo ${{inputs.data}} ${{outputs.out}}\nenvironment: azureml:env:1\ninputs:\n  data:\n    type: uri_folder\n    path: azureml://datastores/workspaceblobstore/paths/data/\n    mode: mount\noutputs:\n  out:\n    type: uri_folder\n    mode: mount\n',
    );
    const props = p.body.properties as { inputs: Record<string, { mode?: string }>; outputs: Record<string, { mode?: string }> };
    expect(props.inputs.data.mode).toBe('ReadOnlyMount');
    expect(props.outputs.out.mode).toBe('ReadWriteMount');
  });
});
