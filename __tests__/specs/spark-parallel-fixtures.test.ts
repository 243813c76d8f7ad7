/**
 * azureml-examples `cli/jobs/spark` (standalone Spark jobs and the Spark steps of its pipelines)
 * and the parallel steps of `cli/jobs/parallel` and `cli/jobs/pipelines/iris-batch-prediction-using-parallel`:
 * Spark job bodies valid against the official 2024-10-01 schema, step nodes of the shape
 * azure-ai-ml's pipeline serialization sends (entities/_builders/spark.py and parallel.py `_to_rest_object`).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type AssetResolver } from '../../src/specs/job/index.js';
import { PlanContext } from '../../src/specs/plan.js';
import { sparkStep } from '../../src/specs/job/spark.js';
import { parallelStep } from '../../src/specs/job/parallel.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { isObj, type Obj } from '../../src/core/obj.js';
import { repoRoot } from '../harness/index.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver: AssetResolver = { resolveLabel: async () => '7' };
const fixtures = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'jobs');

/**
 * The fixtures in a temporary folder, with the scripts their `code:` folders name (written here),
 * and the attached pool's name put in as azureml-examples' setup-attached-resources.sh does (sed).
 */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aml-spark-par-'));
  cpSync(fixtures, dir, { recursive: true });
  mkdirSync(join(dir, 'spark', 'src'), { recursive: true });
  writeFileSync(join(dir, 'spark', 'src', 'titanic.py'), 'import sys\nprint(sys.argv)\n');
  for (const d of [
    'parallel/2a_iris_batch_prediction/script',
    'pipelines/iris-batch-prediction-using-parallel/script',
    'parallel/3a_mnist_batch_identification/script',
  ]) {
    mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, d, 'score.py'), 'def init():\n    pass\n\ndef run(mini_batch):\n    return mini_batch\n');
  }
  // the TensorFlow model of 3a (1 MB) is not copied: a stand-in file makes its folder exist
  mkdirSync(join(dir, 'parallel/3a_mnist_batch_identification/mnist_models'), { recursive: true });
  writeFileSync(join(dir, 'parallel/3a_mnist_batch_identification/mnist_models/saved_model.pb'), 'model');
  mkdirSync(join(dir, 'parallel/1a_oj_sales_prediction/src/parallel_train'), { recursive: true });
  writeFileSync(
    join(dir, 'parallel/1a_oj_sales_prediction/src/parallel_train/parallel_train.py'),
    'def init():\n    pass\n\ndef run(mini_batch):\n    return []\n',
  );
  for (const f of readdirSync(join(dir, 'spark')).filter((n) => n.endsWith('.yml'))) {
    const p = join(dir, 'spark', f);
    writeFileSync(p, readFileSync(p, 'utf8').replace(/<ATTACHED_SPARK_POOL_NAME>/g, 'synapse-pool'));
  }
  return dir;
}

async function planSteps(file: string, type: string): Promise<{ nodes: Record<string, Obj>; ctx: PlanContext }> {
  const doc = SpecDocument.load(file, file, 'job-file');
  const ctx = new PlanContext(doc, file, { workspaceId: WS, resolver });
  const nodes: Record<string, Obj> = {};
  const pipeline = doc.value as Obj;
  const jobs = pipeline.jobs as Obj;
  const names = (o: unknown) => (isObj(o) ? Object.keys(o) : []);
  const scope = { inputs: names(pipeline.inputs), outputs: names(pipeline.outputs), steps: names(jobs), jobs };
  for (const [name, node] of Object.entries(jobs)) {
    if (!isObj(node) || node.type !== type) continue;
    nodes[name] = type === 'spark' ? await sparkStep(ctx, node, ['jobs', name], scope) : await parallelStep(ctx, node, ['jobs', name], scope);
  }
  return { nodes, ctx };
}

function validAssets(ctx: { assets: Array<{ kind: string; id: string; body: unknown }> }): void {
  for (const asset of ctx.assets) {
    const def = { codes: 'CodeVersion', environments: 'EnvironmentVersion', components: 'ComponentVersion', models: 'ModelVersion' }[asset.kind]!;
    const va = validatorFor(`${def}Resource`, def);
    expect(va(asset.body), `${asset.id}: ${describeErrors(va)}`).toBe(true);
  }
}

describe.skipIf(!haveSharedFixtures)('azureml-examples jobs/spark → SparkJob (2024-10-01 schema)', () => {
  const dir = haveSharedFixtures ? workdir() : '';
  const standalone = haveSharedFixtures
    ? readdirSync(join(dir, 'spark'))
        .filter((f) => /standalone.*\.yml$/.test(f))
        .sort()
    : [];

  it('finds the six standalone specs', () => expect(standalone).toHaveLength(6));

  for (const f of standalone) {
    it(f, async () => {
      const file = join(dir, 'spark', f);
      const doc = SpecDocument.load(file, f, 'job-file');
      const plan = await planJob(doc, file, doc.value, { workspaceId: WS, resolver });
      expect(plan.jobType).toBe('Spark');
      const v = validatorFor('JobBaseResource', 'SparkJob');
      expect(v(plan.body), describeErrors(v)).toBe(true);
      const p = plan.body.properties;
      expect(p.entry).toEqual({ sparkJobEntryType: 'SparkJobPythonEntry', file: 'titanic.py' });
      expect(p.conf).toEqual({
        'spark.driver.cores': '1',
        'spark.driver.memory': '2g',
        'spark.executor.cores': '2',
        'spark.executor.memory': '2g',
        'spark.executor.instances': '2',
      });
      expect(p.args).toBe('--titanic_data ${{inputs.titanic_data}} --wrangled_data ${{outputs.wrangled_data}}');
      expect(p.inputs).toEqual({
        titanic_data: { jobInputType: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/data/titanic.csv', mode: 'Direct' },
      });
      expect(p.codeId).toMatch(/\/codes\/[0-9a-f]{32}\/versions\/1$/);
      if (f.startsWith('serverless')) {
        expect(p.resources).toEqual({ instanceType: 'standard_e4s_v3', runtimeVersion: '3.4' });
        expect(p.computeId).toBeUndefined();
      } else {
        expect(p.computeId).toBe(`${WS}/computes/synapse-pool`);
        expect(p.resources).toBeUndefined();
      }
      const idType = f.includes('user-identity') ? 'UserIdentity' : f.includes('managed-identity') ? 'Managed' : undefined;
      expect((p.identity as Obj | undefined)?.identityType).toBe(idType);
      validAssets(plan);
    });
  }

  const pipelines = haveSharedFixtures
    ? readdirSync(join(dir, 'spark'))
        .filter((f) => /pipeline.*\.yml$/.test(f))
        .sort()
    : [];
  for (const f of pipelines) {
    it(`${f}: the spark step node`, async () => {
      const { nodes, ctx } = await planSteps(join(dir, 'spark', f), 'spark');
      const node = nodes.spark_job;
      expect(node.type).toBe('spark');
      expect(node.name).toBe('spark_job');
      expect(node.componentId).toBe(`${WS}/components/titanic_spark_component/versions/1`);
      expect(node.entry).toEqual({ spark_job_entry_type: 'SparkJobPythonEntry', file: 'titanic.py' });
      expect(node.args).toBe('--titanic_data ${{inputs.titanic_data}} --wrangled_data ${{outputs.wrangled_data}}');
      expect(node.conf).toMatchObject({
        'spark.dynamicAllocation.enabled': true,
        'spark.dynamicAllocation.minExecutors': 1,
        'spark.dynamicAllocation.maxExecutors': 4,
      });
      expect(node.inputs).toEqual({
        titanic_data: { job_input_type: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/data/titanic.csv', mode: 'Direct' },
      });
      expect((node.outputs as Obj).wrangled_data).toMatchObject({ job_output_type: 'uri_folder', mode: 'Direct' });
      const expectedId = f.includes('user-identity')
        ? 'UserIdentity'
        : f.includes('managed-identity')
          ? 'Managed'
          : f.startsWith('attached')
            ? 'Managed'
            : 'UserIdentity';
      expect(node.identity).toEqual({ identity_type: expectedId });
      if (f.startsWith('serverless')) expect(node.resources).toEqual({ instance_type: 'standard_e8s_v3', runtime_version: '3.4' });
      else expect(node.computeId).toBe(`${WS}/computes/synapse-pool`);
      const comp = ctx.assets.find((a) => a.kind === 'components')!;
      expect((comp.body as { properties: { componentSpec: Obj } }).properties.componentSpec).toMatchObject({
        type: 'spark',
        name: 'titanic_spark_component',
        version: '1',
        entry: { file: 'titanic.py' },
      });
      validAssets(ctx);
    });
  }

  it('refuses what azure-ai-ml refuses, at the field', async () => {
    const file = join(dir, 'spark', 'serverless-spark-standalone-default-identity.yml');
    const text = readFileSync(file, 'utf8');
    const cases: Array<[string, RegExp]> = [
      [text.replace('  mode: direct\n\noutputs', '  mode: ro_mount\n\noutputs'), /titanic_data.*only mode: direct/],
      [text.replace('  spark.executor.instances: 2\n', ''), /conf needs spark\.executor\.instances/],
      [text.replace('resources:', 'compute: azureml:pool\nresources:'), /either compute .* or resources/],
      [text.replace('entry:\n  file: titanic.py', 'entry:\n  script: titanic.py'), /script/],
      [text + 'environment_variables:\n  A: b\n', /environment_variables/],
    ];
    for (const [yaml, re] of cases) {
      const p = join(dir, 'spark', 'bad.yml');
      writeFileSync(p, yaml);
      const doc = SpecDocument.load(p, 'bad.yml', 'job-file');
      const err = await planJob(doc, p, doc.value, { workspaceId: WS, resolver }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigurationError);
      expect((err as ConfigurationError).message).toMatch(re);
      expect((err as ConfigurationError).line).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!haveSharedFixtures)('azureml-examples parallel steps → Parallel REST nodes', () => {
  const dir = haveSharedFixtures ? workdir() : '';
  const files = [
    'parallel/1a_oj_sales_prediction/pipeline.yml',
    'parallel/2a_iris_batch_prediction/pipeline.yml',
    'parallel/3a_mnist_batch_identification/pipeline.yml',
    'pipelines/iris-batch-prediction-using-parallel/pipeline.yml',
  ];
  for (const f of files) {
    it(f, async () => {
      const { nodes, ctx } = await planSteps(join(dir, f), 'parallel');
      expect(Object.keys(nodes)).toHaveLength(1);
      const [name, node] = Object.entries(nodes)[0];
      expect(node).toMatchObject({ name, type: 'parallel', _source: 'YAML.JOB', computeId: `${WS}/computes/cpu-cluster`, max_concurrency_per_instance: 2 });
      expect(node.retry_settings).toEqual({ max_retries: 2, timeout: 60 });
      expect(node.resources).toEqual({ instance_count: 2 });
      expect(node.mini_batch_error_threshold).toBe(5);
      const task = node.task as Obj;
      expect(task.type).toBe('run_function');
      expect(task.code).toMatch(/^azureml:\/subscriptions\/.*\/codes\/[0-9a-f]{32}\/versions\/1$/);
      expect(task.environment).toMatch(/^azureml:\/subscriptions\/.*\/environments\//);
      expect(node.input_data).toMatch(/^\$\{\{inputs\.[a-z_]+\}\}$/);
      // the anonymous parallel component the step becomes (parallel_func.py parallel_run_function)
      const comp = ctx.assets.find((a) => a.kind === 'components')!;
      const spec = (comp.body as { properties: { componentSpec: Obj } }).properties.componentSpec;
      expect(spec).toMatchObject({ type: 'parallel', name: 'azureml_anonymous', task, input_data: node.input_data });
      expect(node.componentId).toBe(comp.id);
      validAssets(ctx);
      if (f.startsWith('parallel/1a')) {
        expect(node.partition_keys).toBe('["Store", "Brand"]');
        expect(node.error_threshold).toBe(-1);
        expect(node.mini_batch_size).toBeUndefined();
        // a binding with a mode: a literal with its mode (_pipeline_job_helpers.py process_sdk_component_job_io)
        expect((node.inputs as Obj).data_source).toEqual({
          job_input_type: 'literal',
          value: '${{parent.jobs.partition_job.outputs.tabular_output_data}}',
          mode: 'Direct',
        });
      } else {
        expect(task.append_row_to).toBe('${{outputs.job_output_file}}');
        expect(node.mini_batch_size).toBe(f.includes('mnist') ? 5 : 10 * 1024);
        expect(node.logging_level).toBe('DEBUG');
      }
      if (f.startsWith('parallel/2a')) {
        expect(node.error_threshold).toBe(5);
        expect(node.environment_variables).toEqual({ AZUREML_PARALLEL_EXAMPLE: '2a_yaml' });
        expect((node.outputs as Obj).job_output_file).toEqual({
          job_output_type: 'uri_file',
          uri: 'azureml://datastores/${{default_datastore}}/paths/${{name}}/aggregated_returns.csv',
          mode: 'ReadWriteMount',
        });
        // a named inline environment (prs-env:1) is registered by its name
        expect(task.environment).toBe(`azureml:${WS}/environments/prs-env/versions/1`);
      }
    });
  }

  it('refuses what does not fit, at the field', async () => {
    const file = join(dir, 'pipelines/iris-batch-prediction-using-parallel/pipeline.yml');
    const text = readFileSync(file, 'utf8');
    const cases: Array<[string, RegExp]> = [
      [text.replace('mini_batch_size: "10kb"', 'mini_batch_size: "10 kilobytes"'), /not a mini-batch size/],
      [text.replace('type: run_function', 'type: model'), /tasks of type 'model' are not supported/],
      [text.replace('input_data: ${{inputs.input_data}}', 'input_data: ${{inputs.input_dat}}'), /input_dat.*not defined/],
      [text.replace('append_row_to: ${{outputs.job_output_file}}', 'append_row_to: ${{outputs.results}}'), /outputs\.results.*not defined/],
      [text.replace('logging_level: "DEBUG"', 'logging_level: "LOUD"'), /not a logging level/],
      [text.replace('max_concurrency_per_instance: 2', 'max_concurrency_per_instance: 2\n    mini_batch_count: 3'), /mini_batch_count/],
    ];
    for (const [yaml, re] of cases) {
      const p = join(dir, 'pipelines/iris-batch-prediction-using-parallel/bad.yml');
      writeFileSync(p, yaml);
      const err = await planSteps(p, 'parallel').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigurationError);
      expect((err as ConfigurationError).message).toMatch(re);
      expect((err as ConfigurationError).line).toBeGreaterThan(0);
    }
  });
});

describe('inline spark steps and parallel component files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aml-steps-'));
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'job.py'), 'print(1)\n');
  writeFileSync(join(dir, 'src', 'score.py'), 'def init():\n    pass\n\ndef run(b):\n    return b\n');

  it('an inline spark step becomes an anonymous spark component; the node carries entry, conf, args', async () => {
    const file = join(dir, 'spark-inline.yml');
    writeFileSync(
      file,
      [
        'type: pipeline',
        'inputs:',
        '  raw: {type: uri_file, path: azureml://datastores/workspaceblobstore/paths/data/titanic.csv, mode: direct}',
        'jobs:',
        '  wrangle:',
        '    type: spark',
        '    code: ./src',
        '    entry: {file: job.py}',
        '    py_files: [utils.zip]',
        '    conf:',
        '      spark.driver.cores: 1',
        '      spark.driver.memory: 2g',
        '      spark.executor.cores: 2',
        '      spark.executor.memory: 2g',
        '      spark.executor.instances: 2',
        '    inputs:',
        '      data: ${{parent.inputs.raw}}',
        '    args: --data ${{inputs.data}}',
        '    resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}',
        '',
      ].join('\n'),
    );
    const { nodes, ctx } = await planSteps(file, 'spark');
    expect(nodes.wrangle).toMatchObject({
      name: 'wrangle',
      type: 'spark',
      entry: { spark_job_entry_type: 'SparkJobPythonEntry', file: 'job.py' },
      py_files: ['utils.zip'],
      args: '--data ${{inputs.data}}',
      inputs: { data: { job_input_type: 'literal', value: '${{parent.inputs.raw}}' } },
      identity: { identity_type: 'UserIdentity' },
      resources: { instance_type: 'standard_e4s_v3', runtime_version: '3.4' },
    });
    const comp = ctx.assets.find((a) => a.kind === 'components')!;
    expect(nodes.wrangle.componentId).toBe(comp.id);
    expect((comp.body as { properties: { componentSpec: Obj } }).properties.componentSpec).toMatchObject({
      name: 'azureml_anonymous',
      type: 'spark',
      entry: { file: 'job.py' },
      inputs: { data: { type: 'string' } },
    });
    validAssets(ctx);
  });

  it('a parallel step with a component file takes the component settings it does not set', async () => {
    writeFileSync(
      join(dir, 'score-component.yml'),
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json',
        'type: parallel',
        'name: batch_score',
        'version: 3',
        'inputs:',
        '  data: {type: uri_folder}',
        'outputs:',
        '  scores: {type: uri_folder}',
        'input_data: ${{inputs.data}}',
        'mini_batch_size: "3"',
        'max_concurrency_per_instance: 2',
        'retry_settings: {max_retries: 1, timeout: 30}',
        'task:',
        '  type: run_function',
        '  code: ./src',
        '  entry_script: score.py',
        '  append_row_to: ${{outputs.scores}}',
        '  environment: azureml:AzureML-sklearn-1.5@latest',
        '',
      ].join('\n'),
    );
    const file = join(dir, 'parallel-component.yml');
    writeFileSync(
      file,
      [
        'type: pipeline',
        'jobs:',
        '  score:',
        '    type: parallel',
        '    component: ./score-component.yml',
        '    mini_batch_size: "5"',
        '    inputs:',
        '      data: {type: uri_folder, path: azureml://datastores/workspaceblobstore/paths/images/}',
        '',
      ].join('\n'),
    );
    const { nodes, ctx } = await planSteps(file, 'parallel');
    expect(nodes.score).toMatchObject({
      componentId: `${WS}/components/batch_score/versions/3`,
      mini_batch_size: 5,
      max_concurrency_per_instance: 2,
      retry_settings: { max_retries: 1, timeout: 30 },
      input_data: '${{inputs.data}}',
      task: { type: 'run_function', entry_script: 'score.py', append_row_to: '${{outputs.scores}}' },
    });
    const comp = ctx.assets.find((a) => a.kind === 'components')!;
    expect((comp.body as { properties: { componentSpec: Obj } }).properties.componentSpec).toMatchObject({
      type: 'parallel',
      name: 'batch_score',
      version: '3',
      mini_batch_size: '3',
    });
    validAssets(ctx);
  });
});
