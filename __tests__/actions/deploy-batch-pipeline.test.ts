/**
 * deploy onto a batch endpoint with a pipeline-component deployment, through the built bundle on
 * the emulator: azureml-examples' cli/endpoints/batch/deploy-pipelines/batch-scoring-with-preprocessing
 * (endpoint.yml, deployment.yml and inputs.yml as they are; batch-cluster created first, as its
 * deploy-and-run.sh does). Its pipeline.yml is rewritten here with the sample's inputs, outputs and
 * step names but local components of standard-library scripts (the sample's need xgboost and
 * registered models): `preprocess_job` keeps the numeric columns, `score_job` sums them into a score.
 *
 * - the first rollout creates the endpoint and the deployment; its test batch is invoked from
 *   inputs.yml (a data input and a literal input by name), the job runs both steps and Completes;
 *   the deployment becomes the default;
 * - a second deployment whose score step fails: its test batch fails, the default is untouched and
 *   the new deployment deleted;
 * - a third tested with one data location (test-input a folder): bound to the only data input, promoted;
 * - bad input: an input name the component does not have (inputs file and line), compare-rules with a
 *   pipeline deployment → one error, no mutating request.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot, type RunResult } from '../harness/index.js';
import { arm, wsPath } from '../emulator/support.js';
import { createBatchCluster } from '../emulator/endpoints-support.js';
import { batchState as batchStateOf, deploy, expectBatchRefused, logs, startDeployEmulator, type BatchState } from './deploy-support.js';

type Json = Record<string, unknown>;

const SAMPLE = 'endpoints/batch/deploy-pipelines/batch-scoring-with-preprocessing';
const fixture = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', SAMPLE);
const EP = 'uci-classifier-score'; // endpoint.yml's name
const FIRST = 'uci-classifier-prepros-xgb'; // deployment.yml's name

let em: RunningEmulator;
let ws: string;
const runnerTemp = mkdtempSync(join(tmpdir(), 'aml-deploy-bpipe-runner-'));

function write(rel: string, text: string): string {
  const p = join(ws, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return rel;
}

const ENV = 'environment:\n  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n';

/** The sample's pipeline: same inputs, outputs and steps; its components local, with our scripts. */
const PIPELINE = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
type: pipeline
name: batch_scoring_uci_heart
display_name: Batch Scoring for UCI heart
inputs:
  input_data:
    type: uri_folder
  score_mode:
    type: string
    default: append
outputs:
  scores:
    type: uri_folder
    mode: upload
jobs:
  preprocess_job:
    type: command
    component: components/prepare/prepare-local.yml
    inputs:
      data: \${{parent.inputs.input_data}}
    outputs:
      prepared_data:
  score_job:
    type: command
    component: components/score/score-local.yml
    inputs:
      data: \${{parent.jobs.preprocess_job.outputs.prepared_data}}
      score_mode: \${{parent.inputs.score_mode}}
    outputs:
      scores:
        mode: upload
        path: \${{parent.outputs.scores}}
`;

const PREPARE_YML = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: uci_heart_prepare_local
type: command
inputs:
  data:
    type: uri_folder
outputs:
  prepared_data:
    type: uri_folder
code: src
${ENV}command: >-
  python prepare.py --data_path \${{inputs.data}} --prepared_data_path \${{outputs.prepared_data}}
`;

const SCORE_YML = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: uci_heart_score_local
type: command
inputs:
  data:
    type: uri_folder
  score_mode:
    type: string
outputs:
  scores:
    type: uri_folder
code: src
${ENV}command: >-
  python score.py --data_path \${{inputs.data}} --score_mode \${{inputs.score_mode}} --scores_path \${{outputs.scores}}
`;

// Keeps the numeric columns of every CSV file (the sample's prepare step transforms the features).
const PREPARE_PY = `import argparse, csv, os
p = argparse.ArgumentParser()
p.add_argument("--data_path"); p.add_argument("--prepared_data_path")
a = p.parse_args()
rows = []
for name in sorted(os.listdir(a.data_path)):
    with open(os.path.join(a.data_path, name)) as fh:
        for row in csv.DictReader(fh):
            rows.append([name] + [v for v in row.values() if v.replace(".", "", 1).isdigit()])
with open(os.path.join(a.prepared_data_path, "prepared.csv"), "w") as out:
    csv.writer(out).writerows(rows)
print("prepared", len(rows), "rows")
`;

// One score per row: the sum of its values; with score_mode append the row is kept.
const SCORE_PY = `import argparse, csv, os
p = argparse.ArgumentParser()
p.add_argument("--data_path"); p.add_argument("--score_mode"); p.add_argument("--scores_path")
a = p.parse_args()
with open(os.path.join(a.data_path, "prepared.csv")) as fh:
    rows = list(csv.reader(fh))
with open(os.path.join(a.scores_path, "scores.csv"), "w") as out:
    for r in rows:
        score = sum(float(v) for v in r[1:])
        out.write(",".join((r if a.score_mode == "append" else r[:1]) + [str(score)]) + "\\n")
print("scored", len(rows), "rows")
`;

const batchState = (): Promise<BatchState> => batchStateOf(em, EP);

async function readBlob(path: string): Promise<string> {
  const ds = await arm<Json>(em, 'GET', `${wsPath(em)}/datastores/workspaceblobstore`);
  const service = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  const blob = service.getContainerClient(String((ds.body.properties as Json).containerName)).getBlobClient(path);
  return (await blob.downloadToBuffer()).toString('utf8');
}

const run = (inputs: Record<string, string>): Promise<RunResult> =>
  deploy({ em, workspace: ws, runnerTemp }, { 'test-input': `${SAMPLE}/inputs.yml`, ...inputs }, { timeoutMs: 90_000 });

beforeAll(async () => {
  em = await startDeployEmulator();
  ws = mkdtempSync(join(tmpdir(), 'aml-deploy-bpipe-'));
  // deploy-and-run.sh creates the sample's cluster first (az ml compute create -n batch-cluster).
  await createBatchCluster(em);
  cpSync(fixture, join(ws, SAMPLE), { recursive: true });
  const dep = join(ws, SAMPLE, 'deployment.yml');
  // The sample's endpoint.yml names uci-classifier-score, its deployment.yml endpoint_name uci-classifier-batch
  // (its deploy script passes the endpoint name on the command line): the copy names the endpoint of endpoint.yml.
  writeFileSync(dep, readFileSync(dep, 'utf8').replace(/^endpoint_name: uci-classifier-batch$/m, `endpoint_name: ${EP}`));
  write(`${SAMPLE}/pipeline.yml`, PIPELINE);
  write(`${SAMPLE}/components/prepare/prepare-local.yml`, PREPARE_YML);
  write(`${SAMPLE}/components/score/score-local.yml`, SCORE_YML);
  write(`${SAMPLE}/components/prepare/src/prepare.py`, PREPARE_PY);
  write(`${SAMPLE}/components/score/src/score.py`, SCORE_PY);
  // inputs.yml reads data/unlabeled next to it: two small CSV files of the heart data's shape.
  write(`${SAMPLE}/data/unlabeled/part-1.csv`, 'age,sex,cp,thal\n63,1,1,fixed\n67,1,4,normal\n');
  write(`${SAMPLE}/data/unlabeled/part-2.csv`, 'age,sex,cp,thal\n41,0,2,normal\n');
}, 60_000);
afterAll(async () => {
  await em?.close();
});

describe('deploy: pipeline-component batch deployments (batch-scoring-with-preprocessing)', () => {
  it('first rollout: endpoint and deployment created, test batch from inputs.yml Completes, the deployment becomes the default', async () => {
    const r = await run({ endpoint: `${SAMPLE}/endpoint.yml`, 'deployment-file': `${SAMPLE}/deployment.yml` });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'promoted', 'deployment-name': FIRST, 'default-deployment': FIRST });
    expect(r.main.log).toContain('(pipeline component: the job');
    const job = String(r.outputs['test-job']);
    expect(job).toMatch(/^batchjob-/);
    const props = (await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${job}`)).body.properties as Json;
    expect(props.status).toBe('Completed');
    expect(props.inputs).toMatchObject({ score_mode: { jobInputType: 'literal', value: 'append' } });
    expect((props.inputs as Json).input_data).toMatchObject({ jobInputType: 'uri_folder' });
    for (const step of ['preprocess_job', 'score_job'])
      expect(((await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${job}_${step}`)).body.properties as Json).status).toBe('Completed');
    // The component's output `scores`: one row per input row, kept (score_mode append) with its score.
    const scores = (await readBlob(`azureml/${job}/scores/scores.csv`)).trim().split('\n').sort();
    expect(scores).toEqual(['part-1.csv,63,1,1,65.0', 'part-1.csv,67,1,4,72.0', 'part-2.csv,41,0,2,43.0']);
    expect(await batchState()).toEqual({ defaultDeployment: FIRST, deployments: [FIRST] });
  }, 90_000);

  it('a deployment whose score step fails: the test batch fails, the default stays, the new deployment is deleted', async () => {
    write(`${SAMPLE}/broken/components/score/src/score.py`, 'raise SystemExit("cannot score")\n');
    write(`${SAMPLE}/broken/components/score/score-local.yml`, SCORE_YML);
    write(`${SAMPLE}/broken/components/prepare/prepare-local.yml`, PREPARE_YML);
    write(`${SAMPLE}/broken/components/prepare/src/prepare.py`, PREPARE_PY);
    write(`${SAMPLE}/broken/pipeline.yml`, PIPELINE.replace('name: batch_scoring_uci_heart', 'name: batch_scoring_uci_heart_broken'));
    const yaml = readFileSync(join(ws, SAMPLE, 'deployment.yml'), 'utf8').replace(`name: ${FIRST}`, 'name: uci-broken');
    const file = write(`${SAMPLE}/broken/deployment.yml`, yaml);
    const r = await run({ endpoint: EP, 'deployment-file': file });
    expect(r.main.exitCode, logs(r)).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'default-deployment': FIRST });
    expect(r.main.log).toMatch(/\[test batch\] failed: batch job batchjob-[0-9a-f-]+ ended Failed/);
    const job = String(r.outputs['test-job']);
    expect(((await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${job}_score_job`)).body.properties as Json).status).toBe('Failed');
    expect(await batchState()).toEqual({ defaultDeployment: FIRST, deployments: [FIRST] });
  }, 90_000);

  it("one data location as test-input: bound to the component's only data input (score_mode takes its default); promoted", async () => {
    const yaml = readFileSync(join(ws, SAMPLE, 'deployment.yml'), 'utf8').replace(`name: ${FIRST}`, 'name: uci-v3');
    const file = write(`${SAMPLE}/v3.yml`, yaml);
    const r = await run({ endpoint: EP, 'deployment-file': file, 'test-input': `${SAMPLE}/data/unlabeled` });
    expect(r.main.exitCode, logs(r)).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'promoted', 'default-deployment': 'uci-v3' });
    expect(r.main.log).toContain(`Test batch: ${SAMPLE}/data/unlabeled → input_data`);
    const job = String(r.outputs['test-job']);
    const props = (await arm<Json>(em, 'GET', `${wsPath(em)}/jobs/${job}`)).body.properties as Json;
    expect(props.inputs).toMatchObject({ score_mode: { jobInputType: 'literal', value: 'append' }, input_data: { jobInputType: 'uri_folder' } });
    expect((await readBlob(`azureml/${job}/scores/scores.csv`)).trim().split('\n')).toHaveLength(3);
  }, 90_000);

  const refused = (inputs: Record<string, string>) => expectBatchRefused(em, EP, () => run({ endpoint: EP, ...inputs }));

  it("an input the component does not have: the inputs file, its line and the component's inputs; compare-rules refused", async () => {
    const dep = write(`${SAMPLE}/v2.yml`, readFileSync(join(ws, SAMPLE, 'deployment.yml'), 'utf8').replace(`name: ${FIRST}`, 'name: uci-v2'));
    const bad = write(`${SAMPLE}/inputs-bad.yml`, readFileSync(join(ws, SAMPLE, 'inputs.yml'), 'utf8').replace('  score_mode:', '  scoring_mode:'));
    const unknown = await refused({ 'deployment-file': dep, 'test-input': bad });
    expect(unknown.properties).toMatchObject({ file: bad, line: '5' });
    expect(unknown.message).toContain("'inputs.scoring_mode' is not an input of pipeline component 'batch_scoring_uci_heart'");
    expect(unknown.message).toContain('input_data, score_mode');
    const compare = await refused({ 'deployment-file': dep, 'compare-rules': 'agreement >= 95%' });
    expect(compare.message).toContain("Input 'compare-rules' checks the output rows of a model deployment; 'uci-v2' deploys a pipeline component");
  }, 60_000);
});
