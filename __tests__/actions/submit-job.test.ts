/**
 * submit-job, run as the runner runs it (dist bundle, INPUT_* variables, file commands, post step)
 * against the local emulator and Azurite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runAction } from '../harness/index.js';
import { armGet, emulatorEnv, listJobs, startTestEmulator, workspaceWithExamples } from './support.js';

let em: RunningEmulator;
let ws: string;

beforeAll(async () => {
  em = await startTestEmulator();
  ws = workspaceWithExamples();
});
afterAll(async () => {
  await em?.close();
});

function submit(
  inputs: Record<string, string>,
  extra: { runId?: string; runAttempt?: string; signal?: { pattern: RegExp; signal: NodeJS.Signals }; workspace?: string } = {},
) {
  return runAction({
    action: 'submit-job',
    inputs,
    env: emulatorEnv(em),
    workspace: extra.workspace ?? ws,
    runId: extra.runId,
    runAttempt: extra.runAttempt,
    signal: extra.signal,
    timeoutMs: 90_000,
  });
}

async function blobNames(prefix: string): Promise<string[]> {
  const svc = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
  const names: string[] = [];
  for await (const c of svc.listContainers()) {
    for await (const b of svc.getContainerClient(c.name).listBlobsFlat({ prefix })) names.push(`${c.name}/${b.name}`);
  }
  return names;
}

describe('submit-job on the emulator', () => {
  it('runs the iris training job with local code and data; outputs land in Azurite; a second run uploads nothing', async () => {
    const first = await submit({ 'job-file': 'examples/iris/job.yml' }, { runId: '5001' });
    expect(first.main.exitCode, first.main.log).toBe(0);
    expect(first.outputs.status).toBe('Completed');
    const name = first.outputs['job-name'];
    expect(name).toMatch(/^ml-repo-job-5001-1-[0-9a-f]{8}$/);
    expect(first.outputs['run-id']).toBe(name);
    expect(first.outputs['studio-url']).toContain(name);
    expect(first.main.log).toMatch(/Uploading code: \d+ files/);
    expect(first.main.log).toMatch(/Uploading inputs\.iris: 1 files/);
    // status lines, one per change, and the log tail in a group
    expect(first.main.log).toMatch(new RegExp(`\\] ${name}: Completed`));
    expect(first.main.log).toMatch(/::group::user_logs\/std_log\.txt/);
    expect(first.main.log).toContain('accuracy');
    // the job resource carries the suite's lineage tags
    const job = await armGet<{ properties: { tags: Record<string, string>; status: string; outputs: Record<string, { uri?: string }> } }>(em, `jobs/${name}`);
    expect(job.body.properties.status).toBe('Completed');
    expect(job.body.properties.tags).toMatchObject({
      'github.run_id': '5001',
      'github.run_attempt': '1',
      'github.repository': 'octo-org/ml-repo',
      example: 'iris',
    });
    // the model output is in Azurite
    const modelUri = job.body.properties.outputs.model.uri ?? '';
    const modelPath = /paths\/(.+)$/.exec(modelUri)?.[1] ?? '';
    expect(modelPath).not.toBe('');
    const model = await blobNames(modelPath.replace(/\/$/, ''));
    expect(model.some((n) => n.endsWith('MLmodel'))).toBe(true);
    expect(first.summary).toContain('Completed');

    // another workflow run with the same code and data: nothing is uploaded again
    const second = await submit({ 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=20' }, { runId: '5002' });
    expect(second.main.exitCode, second.main.log).toBe(0);
    expect(second.main.log).not.toMatch(/Uploading/);
    expect(second.main.log).toMatch(/inputs\.iris: unchanged since an earlier upload/);
    expect(second.main.log).toMatch(/reused 2 unchanged upload/);
  });

  it('a re-run of the same run attempt reattaches to its job instead of submitting again', async () => {
    const before = (await listJobs(em)).length;
    const a = await submit({ 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=5' }, { runId: '5100', runAttempt: '1' });
    expect(a.main.exitCode, a.main.log).toBe(0);
    const b = await submit({ 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=5' }, { runId: '5100', runAttempt: '1' });
    expect(b.main.exitCode, b.main.log).toBe(0);
    expect(b.outputs['job-name']).toBe(a.outputs['job-name']);
    expect(b.main.log).toContain('reattaching instead of submitting again');
    expect((await listJobs(em)).length).toBe(before + 1);
  });

  it('runs a sweep and a two-step pipeline to completion', async () => {
    const sweep = await submit({ 'job-file': 'examples/iris/sweep.yml', set: 'inputs.epochs=10\nlimits.max_total_trials=2' }, { runId: '5200' });
    expect(sweep.main.exitCode, sweep.main.log).toBe(0);
    expect(sweep.outputs.status).toBe('Completed');

    mkdirSync(join(ws, 'pipe'), { recursive: true });
    writeFileSync(
      join(ws, 'pipe', 'pipeline.yml'),
      [
        'type: pipeline',
        'display_name: two-steps',
        'settings:',
        '  default_compute: azureml:cpu-cluster',
        'inputs:',
        '  greeting: hello',
        'jobs:',
        '  make:',
        '    command: echo "${{inputs.word}} world" > ${{outputs.out}}/greeting.txt',
        '    environment: azureml:AzureML-sklearn-1.5@latest',
        '    inputs:',
        '      word: ${{parent.inputs.greeting}}',
        '    outputs:',
        '      out:',
        '  read:',
        '    command: cat ${{inputs.text}}/greeting.txt',
        '    environment: azureml:AzureML-sklearn-1.5@latest',
        '    inputs:',
        '      text: ${{parent.jobs.make.outputs.out}}',
        '',
      ].join('\n'),
    );
    const pipe = await submit({ 'job-file': 'pipe/pipeline.yml' }, { runId: '5201' });
    expect(pipe.main.exitCode, pipe.main.log).toBe(0);
    expect(pipe.outputs.status).toBe('Completed');
  });

  it('a failing script fails the step with the job error and the studio URL', async () => {
    mkdirSync(join(ws, 'bad', 'src'), { recursive: true });
    writeFileSync(join(ws, 'bad', 'src', 'fail.py'), 'import sys\nprint("about to fail")\nraise SystemExit("boom: bad data")\n');
    writeFileSync(
      join(ws, 'bad', 'job.yml'),
      'command: python fail.py\ncode: src\nenvironment: azureml:AzureML-sklearn-1.5@latest\ncompute: azureml:cpu-cluster\n',
    );
    const r = await submit({ 'job-file': 'bad/job.yml' }, { runId: '5300' });
    expect(r.main.exitCode).toBe(1);
    expect(r.outputs.status).toBe('Failed');
    const errors = r.main.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/ended Failed: .*(exit|status code)/i);
    expect(errors[0].message).toContain('boom: bad data');
    expect(errors[0].message).toContain('Studio:');
  });

  it('SIGTERM while waiting, then the post step, leaves the job Canceled', async () => {
    mkdirSync(join(ws, 'slow', 'src'), { recursive: true });
    writeFileSync(join(ws, 'slow', 'src', 'slow.py'), 'import time\nfor i in range(600):\n    print("tick", i, flush=True)\n    time.sleep(0.1)\n');
    writeFileSync(
      join(ws, 'slow', 'job.yml'),
      'command: python slow.py\ncode: src\nenvironment: azureml:AzureML-sklearn-1.5@latest\ncompute: azureml:cpu-cluster\n',
    );
    const r = await submit({ 'job-file': 'slow/job.yml' }, { runId: '5400', signal: { pattern: /: Running/, signal: 'SIGTERM' } });
    expect(r.main.exitCode).not.toBe(0);
    expect(r.main.log).toContain('the post step cancels it');
    expect(r.post?.exitCode, r.post?.log).toBe(0);
    expect(r.post?.log).toMatch(/cancelling it in Azure ML/);
    const job = await armGet<{ properties: { status: string } }>(em, `jobs/${r.outputs['job-name']}`);
    expect(job.body.properties.status).toBe('Canceled');
  });

  it('a timeout cancels the job and fails the step', async () => {
    const r = await submit({ 'job-file': 'slow/job.yml', timeout: '2s' }, { runId: '5401' });
    expect(r.main.exitCode).toBe(1);
    expect(r.main.annotations.find((a) => a.level === 'error')?.message).toMatch(/did not finish within the timeout of 2s and was cancelled/);
    const job = await armGet<{ properties: { status: string } }>(em, `jobs/${r.outputs['job-name']}`);
    expect(['Canceled', 'CancelRequested']).toContain(job.body.properties.status);
  });

  it('dry run lists every request and upload and sends nothing', async () => {
    const before = (await listJobs(em)).length;
    const r = await submit({ 'job-file': 'examples/iris/job.yml', 'dry-run': 'true' }, { runId: '5500' });
    expect(r.main.exitCode, r.main.log).toBe(0);
    expect(r.outputs.status).toBe('DryRun');
    const requests = JSON.parse(r.outputs.requests) as Array<Record<string, unknown>>;
    const puts = requests.filter((q) => q.method === 'PUT').map((q) => String(q.url));
    expect(puts.some((u) => /\/jobs\/ml-repo-job-5500-1-[0-9a-f]{8}\?api-version=2024-10-01$/.test(u))).toBe(true);
    expect(puts.some((u) => /\/codes\/[0-9a-f]{32}\/versions\/1\?/.test(u))).toBe(true);
    const uploads = requests.filter((q) => 'upload' in q);
    expect(uploads.map((u) => u.upload)).toEqual(
      expect.arrayContaining([expect.stringMatching(/LocalUpload\/[0-9a-f]{32}\/src$/), expect.stringMatching(/LocalUpload\/[0-9a-f]{32}\/iris\.csv$/)]),
    );
    for (const u of uploads) expect(u.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await listJobs(em)).length).toBe(before);
  });
});

describe('submit-job refuses bad input with one clear ::error', () => {
  const cases: Array<[string, Record<string, string>, RegExp, Record<string, string>?]> = [
    ['missing file', { 'job-file': 'nope/job.yml' }, /input 'job-file': nope\/job\.yml does not exist/],
    [
      'invalid YAML',
      { 'job-file': 'e/invalid.yml' },
      /e\/invalid\.yml:\d+:\d+: invalid YAML/,
      { 'e/invalid.yml': 'command: echo\nenvironment: azureml:x:1\ninputs: [a\n' },
    ],
    ['unknown job type', { 'job-file': 'e/type.yml' }, /'type' 'sweeep' is not a job type \(did you mean 'sweep'\?\)/, { 'e/type.yml': 'type: sweeep\n' }],
    [
      'unknown reference',
      { 'job-file': 'e/ref.yml' },
      /refers to \$\{\{inputs\.epoch\}\}, which is not defined \(did you mean inputs\.epochs\?\)/,
      { 'e/ref.yml': 'command: python t.py ${{inputs.epoch}}\nenvironment: azureml:x:1\ninputs:\n  epochs: 3\n' },
    ],
    [
      'set on a missing path',
      { 'job-file': 'examples/iris/job.yml', set: 'inputs.epochs=3\ninptus.lr=1' },
      /input 'set' line 2: 'inptus' does not exist in the job file \(did you mean 'inputs'\?\)/,
    ],
    ['timeout syntax', { 'job-file': 'examples/iris/job.yml', timeout: 'ten minutes' }, /timeout/],
  ];
  for (const [what, inputs, message, files] of cases) {
    it(what, async () => {
      for (const [p, text] of Object.entries(files ?? {})) {
        mkdirSync(join(ws, p, '..'), { recursive: true });
        writeFileSync(join(ws, p), text);
      }
      const before = (await listJobs(em)).length;
      const r = await submit(inputs, { runId: '5600' });
      expect(r.main.exitCode).toBe(1);
      const errors = r.main.annotations.filter((a) => a.level === 'error');
      expect(errors, r.main.log).toHaveLength(1);
      expect(errors[0].message).toMatch(message);
      expect(r.main.log).not.toMatch(/^\s+at /m);
      expect((await listJobs(em)).length).toBe(before);
    });
  }

  it('annotations point at the file and line', async () => {
    const r = await submit({ 'job-file': 'e/ref.yml' }, { runId: '5601' });
    const e = r.main.annotations.find((a) => a.level === 'error');
    expect(e?.properties).toMatchObject({ file: 'e/ref.yml', line: '1' });
  });
});
