/**
 * Every pipeline job spec of Azure/azureml-examples `cli/jobs/pipelines-with-components` and
 * `cli/jobs/pipelines` (copied into __tests__/fixtures/azureml-examples/jobs) either translates to
 * a body valid against the official 2024-10-01 schema (the job, and every component, code and
 * environment version it plans), or is refused by name with its file and line: command, sweep,
 * pipeline, AutoML, Spark and parallel steps alike.
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

/** The AutoML image pipelines: their data folder is made by a script (prepare_data.py). */
const IMAGE_PIPELINES = [
  'image-instance-segmentation-task-fridge-items-pipeline',
  'image-multiclass-classification-fridge-items-pipeline',
  'image-multilabel-classification-fridge-items-pipeline',
  'image-object-detection-task-fridge-items-pipeline',
];

/** Specs that must be refused, with the reason the error has to name. */
const REFUSED: Record<string, RegExp> = {
  // a prompt flow (flow.dag.yaml) used as a parallel component: not a parallel component azureml-actions translates
  'pipelines-with-components/pipeline_job_with_flow_as_component/pipeline.yml': /flow\.dag\.yaml:10:1: 'nodes' is not a field of a parallel component/,
  // the four AutoML image pipelines read data/{training,validation}-mltable-folder, which their
  // prepare_data.py downloads and writes (the folder is not in azureml-examples): the first missing
  // path is named; with the folders there they translate (test 'AutoML image steps' below)
  ...Object.fromEntries(
    IMAGE_PIPELINES.map((p) => [
      `pipelines/automl/${p}/pipeline.yml`,
      /pipeline\.yml:16:5: 'inputs\.image_\w+_training_data\.path' local path 'data\/training-mltable-folder' does not exist/,
    ]),
  ),
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
      const refused = REFUSED[rel];
      if (refused) {
        const err = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigurationError);
        expect((err as ConfigurationError).message).toMatch(refused);
        expect((err as ConfigurationError).line).toBeGreaterThan(0);
        return;
      }
      expectValid(await run);
    });
  }

  it('AutoML image steps: with the data folders prepare_data.py writes (stand-ins), the image pipelines translate', async () => {
    const own = workdir(); // not the folder the refusals above read
    for (const p of IMAGE_PIPELINES) {
      const root = join(own, 'pipelines', 'automl', p);
      // prepare_data.py writes <split>-mltable-folder/{MLTable, <split>_annotations.jsonl} (read, not run)
      for (const split of ['training', 'validation']) {
        const folder = join(root, 'data', `${split}-mltable-folder`);
        mkdirSync(folder, { recursive: true });
        const jsonl = `${split === 'training' ? 'train' : 'validation'}_annotations.jsonl`;
        writeFileSync(join(folder, jsonl), '{"image_url": "azureml://datastores/workspaceblobstore/paths/fridge/1.jpg", "label": "can"}\n');
        writeFileSync(join(folder, 'MLTable'), `paths:\n  - file: ./${jsonl}\ntransformations:\n  - read_json_lines:\n      encoding: utf8\n`);
      }
      const file = join(root, 'pipeline.yml');
      const doc = SpecDocument.load(file, relative(own, file), 'job-file');
      const plan = await planJob(doc, file, doc.value, { workspaceId: WS, resolver });
      expectValid(plan);
      const node = Object.values(plan.body.properties.jobs as Record<string, Record<string, unknown>>).find((n) => n.type === 'automl');
      expect(node?.search_space, p).toBeDefined();
    }
  });
});

describe.skipIf(!haveSharedFixtures)('AutoML steps of the examples', () => {
  it('is the node azure-ai-ml sends, named by its key', async () => {
    const dir = workdir();
    const rel = 'pipelines/automl/cli-automl-regression-housepricing-pipeline/pipeline.yml';
    const doc = SpecDocument.load(join(dir, rel), rel, 'job-file');
    const plan = await planJob(doc, join(dir, rel), doc.value, { workspaceId: WS, resolver });
    const node = (plan.body.properties.jobs as Record<string, Record<string, unknown>>).regression_node;
    // azure-ai-ml tests/pipeline_job/unittests/test_pipeline_job_entity.py (automl_regression_with_command_node.yml):
    // the same node, there with `name` left out of the comparison; the name is the step's key
    // (_post_load_pipeline_jobs: job_instance.name = key).
    expect(node).toEqual({
      name: 'regression_node',
      type: 'automl',
      task: 'regression',
      tags: {},
      log_verbosity: 'info',
      primary_metric: 'r2_score',
      target_column_name: 'SalePrice',
      training_data: '${{parent.jobs.preprocessing_node.outputs.preprocessed_train_data}}',
      validation_data: '${{parent.jobs.preprocessing_node.outputs.preprocessed_validation_data}}',
      test_data: '${{parent.jobs.preprocessing_node.outputs.preprocessed_test_data}}',
      limits: { max_concurrent_trials: 1, max_trials: 1 },
      featurization: { mode: 'off' },
      training: { enable_stack_ensemble: false, enable_vote_ensemble: false },
      outputs: { best_model: { job_output_type: 'mlflow_model' } },
    });
  });
});

describe.skipIf(!haveSharedFixtures)('spark and parallel steps of the examples', () => {
  const nodesOf = async (rel: string) => {
    const dir = workdir();
    const doc = SpecDocument.load(join(dir, rel), rel, 'job-file');
    const plan = await planJob(doc, join(dir, rel), doc.value, { workspaceId: WS, resolver });
    return plan.body.properties.jobs as Record<string, Record<string, Record<string, unknown>>>;
  };

  it('send a binding written with a mode as a literal with that mode, as for command steps', async () => {
    // _pipeline_job_helpers.py process_sdk_component_job_io: {value: binding, mode} for every node
    const mnist = await nodesOf('pipelines/mnist-batch-identification-using-parallel/pipeline.yml');
    expect(mnist.predict_digits_mnist.inputs.job_data_path).toEqual({
      job_input_type: 'literal',
      value: '${{parent.jobs.prepare_data.outputs.mnist_png}}',
      mode: 'EvalMount',
    });
    const words = await nodesOf('pipelines-with-components/shakespear_sample_and_word_count_using_spark/pipeline.yml');
    expect(words.count_word.inputs.file_input).toEqual({
      job_input_type: 'literal',
      value: '${{parent.jobs.sample_word.outputs.file_output}}',
      mode: 'Direct',
    });
  });

  it('check an output binding written as a map, and keep its mode', async () => {
    const dir = workdir();
    const rel = 'pipelines/add-column-and-word-count-using-spark/pipeline.yml';
    const file = join(dir, rel);
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace('output: ${{parent.outputs.output}}', 'output:\n        type: uri_folder\n        path: ${{parent.outputs.output}}\n        mode: direct'),
    );
    const doc = SpecDocument.load(file, rel, 'job-file');
    const plan = await planJob(doc, file, doc.value, { workspaceId: WS, resolver });
    const node = (plan.body.properties.jobs as Record<string, Record<string, Record<string, unknown>>>).count_by_rows;
    expect(node.outputs.output).toEqual({ type: 'literal', value: '${{parent.outputs.output}}', mode: 'Direct' });
    writeFileSync(file, text.replace('output: ${{parent.outputs.output}}', 'output:\n        path: ${{parent.outputs.outptu}}\n        mode: direct'));
    const bad = SpecDocument.load(file, rel, 'job-file');
    const err = await planJob(bad, file, bad.value, { workspaceId: WS, resolver }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).message).toMatch(
      /jobs\.count_by_rows\.outputs\.output\.path' '\$\{\{parent\.outputs\.outptu\}\}' must bind a pipeline output/,
    );
  });
});

/** The job body and every asset version it plans validate against the 2024-10-01 schema. */
function expectValid(plan: Awaited<ReturnType<typeof planJob>>): void {
  const v = validatorFor('JobBaseResource', `${plan.jobType}Job`);
  expect(v(plan.body), describeErrors(v)).toBe(true);
  for (const asset of plan.assets) {
    const def = { codes: 'CodeVersion', environments: 'EnvironmentVersion', components: 'ComponentVersion', models: 'ModelVersion' }[asset.kind];
    const va = validatorFor(`${def}Resource`, def);
    expect(va(asset.body), `${asset.id}: ${describeErrors(va)}`).toBe(true);
  }
}

/** Writes a folder of spec files and translates its `pipeline.yml`. */
async function planOf(files: Record<string, string>): Promise<Awaited<ReturnType<typeof planJob>>> {
  const dir = mkdtempSync(join(tmpdir(), 'aml-steps-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const file = join(dir, 'pipeline.yml');
  const doc = SpecDocument.load(file, 'pipeline.yml', 'job-file');
  return planJob(doc, file, doc.value, { workspaceId: WS, resolver });
}

async function refusal(files: Record<string, string>): Promise<ConfigurationError> {
  const err = await planOf(files).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigurationError);
  return err as ConfigurationError;
}

const COMPONENT = `
type: command
name: step
version: "1"
inputs: {a: {type: string}}
outputs: {o: {type: uri_folder}}
environment: azureml:env:1
command: echo \${{inputs.a}} > \${{outputs.o}}/a.txt
`;

describe.skipIf(!haveSharedFixtures)('pipeline steps', () => {
  it('translates every step field of the examples to the node azure-ai-ml sends', async () => {
    const plan = await planOf({
      'step.yml': COMPONENT,
      'pipeline.yml': `
type: pipeline
inputs:
  a: x
  b: y
  later:
    type: integer
jobs:
  s:
    name: s
    type: command
    component: ./step.yml
    compute: azureml:gpu
    inputs:
      a: '\${{ parent.inputs.a }}-\${{parent.inputs.b}}-\${{parent.inputs.later}}'
    outputs:
      o:
        type: uri_folder
        mode: rw_mount
        path: azureml://datastores/workspaceblobstore/paths/out/
        name: my_data
        version: 3
    environment_variables: {A: "1"}
    resources: {instance_count: 2, shm_size: 8g}
    distribution: {type: pytorch, process_count_per_instance: 2}
    limits: {timeout: 60}
    identity: {type: user_identity}
    services:
      code: {type: vs_code}
    queue_settings: {job_tier: spot}
    properties: {p: q}
    tags: {t: u}
`,
    });
    const v = validatorFor('JobBaseResource', 'PipelineJob');
    expect(v(plan.body), describeErrors(v)).toBe(true);
    expect(plan.body.properties.inputs).toEqual({ a: { jobInputType: 'literal', value: 'x' }, b: { jobInputType: 'literal', value: 'y' } });
    expect((plan.body.properties.jobs as Record<string, unknown>).s).toEqual({
      name: 's',
      type: 'command',
      computeId: `${WS}/computes/gpu`,
      inputs: { a: { job_input_type: 'literal', value: '${{parent.inputs.a}}-${{parent.inputs.b}}-${{parent.inputs.later}}' } },
      outputs: {
        o: {
          job_output_type: 'uri_folder',
          uri: 'azureml://datastores/workspaceblobstore/paths/out/',
          mode: 'ReadWriteMount',
          name: 'my_data',
          version: '3',
        },
      },
      tags: { t: 'u' },
      properties: { p: 'q' },
      _source: 'YAML.JOB',
      environment_variables: { A: '1' },
      resources: { instance_count: 2, shm_size: '8g' },
      identity: { identity_type: 'UserIdentity' },
      queue_settings: { job_tier: 'Spot' },
      limits: { job_limits_type: 'Command', timeout: 'PT60S' },
      distribution: { distribution_type: 'PyTorch', process_count_per_instance: 2 },
      services: { code: { job_service_type: 'VSCode' } },
      componentId: `${WS}/components/step/versions/1`,
    });
  });

  it('sends bindings written as maps with a mode as azure-ai-ml does: literals with the mode', async () => {
    const plan = await planOf({
      'step.yml': COMPONENT.replace('inputs: {a: {type: string}}', 'inputs: {a: {type: uri_folder}}'),
      'pipeline.yml': `
type: pipeline
inputs:
  d:
    type: uri_folder
    path: azureml://datastores/workspaceblobstore/paths/d/
outputs:
  r:
    type: uri_file
jobs:
  s:
    component: ./step.yml
    inputs:
      a:
        type: uri_folder
        path: \${{parent.inputs.d}}
        mode: download
    outputs:
      o:
        type: uri_file
        mode: upload
        path: \${{parent.outputs.r}}
`,
    });
    const node = (plan.body.properties.jobs as Record<string, Record<string, unknown>>).s;
    expect(node.inputs).toEqual({ a: { job_input_type: 'literal', value: '${{parent.inputs.d}}', mode: 'Download' } });
    expect(node.outputs).toEqual({ o: { value: '${{parent.outputs.r}}', type: 'literal', mode: 'Upload' } });
  });

  it('checks each binding inside a text', async () => {
    const bad = await refusal({
      'step.yml': COMPONENT,
      'pipeline.yml': `
type: pipeline
inputs: {a: x}
jobs:
  s:
    component: ./step.yml
    inputs:
      a: '\${{parent.inputs.a}}-\${{parent.inputs.zz}}'
`,
    });
    expect(bad.message).toMatch(/jobs\.s\.inputs\.a.*binds the pipeline input 'zz', which is not defined/);
    expect(bad.line).toBe(8);
    const output = await refusal({
      'step.yml': COMPONENT,
      'pipeline.yml': `
type: pipeline
jobs:
  s:
    component: ./step.yml
    inputs: {a: x}
  t:
    component: ./step.yml
    inputs:
      a: 'v-\${{parent.jobs.s.outputs.o}}'
`,
    });
    expect(output.message).toMatch(/binds a step output, which cannot be part of a text/);
  });

  it('refuses a pipeline component that contains itself, naming the chain', async () => {
    const nested = (other: string) => `
type: pipeline
jobs:
  inner:
    type: pipeline
    component: ./${other}
`;
    const err = await refusal({
      'a.yml': nested('b.yml'),
      'b.yml': nested('a.yml'),
      'pipeline.yml': nested('a.yml'),
    });
    expect(err.message).toMatch(/pipeline component '\.\/a\.yml' contains itself: .*a\.yml → .*b\.yml → .*a\.yml/);
    expect(err.message).toMatch(/^b\.yml:/);
  });

  it('refuses the step types az ml has and azureml-actions does not translate yet, by name', async () => {
    for (const type of ['import', 'data_transfer']) {
      const err = await refusal({ 'pipeline.yml': `type: pipeline\njobs:\n  s:\n    type: ${type}\n` });
      expect(err.message).toMatch(new RegExp(`steps of type '${type}' are not supported yet`));
      expect(err.line).toBe(4);
    }
  });

  it('refuses what a step cannot be: a search space parameter given as input, settings on a pipeline step, a second name', async () => {
    const sweep = await refusal({
      'step.yml': COMPONENT,
      'pipeline.yml': `
type: pipeline
jobs:
  s:
    type: sweep
    trial: ./step.yml
    inputs: {a: x}
    search_space: {a: {type: choice, values: [x, y]}}
    sampling_algorithm: grid
    objective: {goal: maximize, primary_metric: m}
`,
    });
    expect(sweep.message).toMatch(/'a' is a search space parameter/);
    const settings = await refusal({
      'pipeline.yml': `type: pipeline\njobs:\n  s:\n    type: pipeline\n    component: azureml:p:1\n    settings: {force_rerun: true}\n`,
    });
    expect(settings.message).toMatch(/settings apply to a pipeline job, not to a pipeline step/);
    const name = await refusal({ 'step.yml': COMPONENT, 'pipeline.yml': `type: pipeline\njobs:\n  s:\n    name: other\n    component: ./step.yml\n` });
    expect(name.message).toMatch(/a step's name is its key under jobs \('s'\)/);
  });
});
