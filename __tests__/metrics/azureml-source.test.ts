/**
 * The Azure ML job source and the workspace baselines against the local emulator: jobs really run
 * and log their metrics over MLflow REST; the source finds the tracking service through ARM,
 * reads with an ARM token, walks pipeline steps and picks a sweep's best trial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureContext, readAzureInputs } from '../../src/azure/context.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { bestTrial, createAzureMlJobSource, createWorkspaceMlflowClient, trackingHttpUri, type AzureMlConnection } from '../../src/metrics/azureml.js';
import { createMlflowClient } from '../../src/metrics/mlflow.js';
import { modelAliasTag, modelMetricTags, parseBaselineSpec, resolveBaseline } from '../../src/metrics/baseline.js';
import { arm, commandJob, ENVIRONMENT, loggingCommand, putJob, startGateEmulator, waitForJob } from './gate-emulator.js';

let emu: RunningEmulator;
let conn: AzureMlConnection;
const quiet = { info: () => undefined, warning: () => undefined };

beforeAll(async () => {
  emu = await startGateEmulator();
  const env = { AZUREML_EMULATOR_HOST: emu.host };
  const reader = createInputReader(recordInputSource({}), { debug: () => undefined, setSecret: () => undefined });
  const settings = await readAzureInputs(reader, { env });
  const ctx = await createAzureContext(settings, { info: () => undefined, retry: { maxRetries: 2, retryDelayInMs: 10 } });
  conn = { arm: ctx.arm, credential: ctx.credential, armScope: ctx.cloud.armScope, insecure: true, userAgent: ctx.userAgent };

  await commandJob(emu, 'cmd-train', { accuracy: [0.5, 0.8, 0.91], loss: [0.9, 0.4, 0.2], 'train/loss': [1, 0.5] });
  await putJob(emu, 'pipe-1', {
    jobType: 'Pipeline',
    experimentName: 'gate-tests',
    jobs: {
      prep: { type: 'command', command: loggingCommand({ rows: [150] }), environmentId: ENVIRONMENT },
      train: { type: 'command', command: loggingCommand({ accuracy: [0.7, 0.95], loss: [0.5, 0.1] }), environmentId: ENVIRONMENT },
    },
  });
  await putJob(emu, 'sweep-1', {
    jobType: 'Sweep',
    experimentName: 'gate-tests',
    objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
    samplingAlgorithm: { samplingAlgorithmType: 'Grid' },
    searchSpace: { lr: ['choice', [[0.5, 0.12, 0.3]]] },
    limits: { jobLimitsType: 'Sweep', maxTotalTrials: 3, maxConcurrentTrials: 2 },
    trial: { command: loggingCommand({}, 'GATE_LR=${{search_space.lr}} '), environmentId: ENVIRONMENT },
  });
  await Promise.all(['cmd-train', 'pipe-1', 'sweep-1'].map((n) => waitForJob(emu, n)));
}, 120_000);

afterAll(async () => {
  await emu?.close();
});

describe('trackingHttpUri', () => {
  it('turns azureml:// into https (http for the emulator) and drops the query', () => {
    const ws = '/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w';
    expect(trackingHttpUri(`azureml://westeurope.api.azureml.ms/mlflow/v1.0${ws}?`, false)).toBe(`https://westeurope.api.azureml.ms/mlflow/v1.0${ws}`);
    expect(trackingHttpUri(`azureml://127.0.0.1:5000/mlflow/v1.0${ws}`, true)).toBe(`http://127.0.0.1:5000/mlflow/v1.0${ws}`);
    expect(trackingHttpUri('https://x/mlflow/v1.0/a/', false)).toBe('https://x/mlflow/v1.0/a');
  });
});

describe('Azure ML job source (emulator)', () => {
  it('reads a command job through its Tracking service with paging', async () => {
    const source = await createAzureMlJobSource({ ...conn, jobName: 'cmd-train', mlflow: { historyPageSize: 2 }, ...quiet });
    expect(source.details).toMatchObject({ jobName: 'cmd-train', jobType: 'Command', status: 'Completed', runId: 'cmd-train' });
    expect((await source.names()).sort()).toEqual(['accuracy', 'loss', 'train/loss']);
    const m = await source.fetch();
    expect(m.get('accuracy')?.map((p) => p.value)).toEqual([0.5, 0.8, 0.91]);
    expect(m.get('accuracy')?.map((p) => p.step)).toEqual([0, 1, 2]);
    // 3 values, pages of 2: two get-history calls for accuracy and loss, one for train/loss; plus runs/get.
    expect(source.stats()).toMatchObject({ histories: 3, points: 8, requests: 1 + 2 + 2 + 1 });
  });

  it('reads every step of a pipeline as <step>.<metric>, or one step with child', async () => {
    const all = await createAzureMlJobSource({ ...conn, jobName: 'pipe-1', ...quiet });
    expect(Object.keys(all.details.steps ?? {}).sort()).toEqual(['prep', 'train']);
    const m = await all.fetch();
    expect([...m.keys()].sort()).toEqual(['prep.rows', 'train.accuracy', 'train.loss']);
    expect(m.get('train.accuracy')?.at(-1)?.value).toBe(0.95);

    const one = await createAzureMlJobSource({ ...conn, jobName: 'pipe-1', child: 'train', ...quiet });
    expect(one.details.selected).toMatchObject({ name: 'train', runId: 'pipe-1_train' });
    expect((await one.fetch(['accuracy', 'nope'])).get('accuracy')?.at(-1)?.value).toBe(0.95);
  });

  it('says which steps exist when child names none', async () => {
    await expect(createAzureMlJobSource({ ...conn, jobName: 'pipe-1', child: 'trian', ...quiet })).rejects.toMatchObject({
      name: 'ConfigurationError',
      input: 'child',
      message: expect.stringContaining("did you mean 'train'?"),
    });
  });

  it("picks a sweep's best trial by its objective", async () => {
    const source = await createAzureMlJobSource({ ...conn, jobName: 'sweep-1', ...quiet });
    expect(source.details.objective).toEqual({ primaryMetric: 'accuracy', goal: 'maximize' });
    const best = source.details.selected!;
    const m = await source.fetch();
    expect(m.get('lr')?.[0].value).toBe(0.12);
    expect(m.get('accuracy')?.at(-1)?.value).toBeCloseTo(0.98, 6);
    // the emulator records the best trial on the job as Azure does (properties.best_child_run_id)
    expect(best.reason).toBe("best trial as the sweep records it (the job's properties.best_child_run_id)");

    // child picks a trial instead of the best one
    const first = await createAzureMlJobSource({ ...conn, jobName: 'sweep-1', child: 'sweep-1_0', ...quiet });
    expect(first.details.selected).toMatchObject({ runId: 'sweep-1_0', reason: 'child: sweep-1_0' });
    expect((await first.fetch(['lr'])).get('lr')?.[0].value).toBe(0.5);
  });

  it('sweep best trial: the job property first, then the MLflow tag, then the objective (defect 6)', async () => {
    // An ARM view of the sweep whose `properties.properties.best_child_run_id` is replaced (or removed).
    const withBest = (best: string | undefined) => ({
      ...conn.arm,
      tryGet: async <T>(path: string) => {
        const job = (await conn.arm.tryGet<Record<string, any>>(path)) as Record<string, any>;
        if (/(^|\/)jobs\/sweep-1$/.test(path)) {
          const props = { ...(job.properties.properties ?? {}) };
          if (best === undefined) delete props.best_child_run_id;
          else props.best_child_run_id = best;
          job.properties.properties = props;
        }
        return job as T;
      },
    });
    // the sweep keeps its own default output, named as Azure names it (recording jobs/sweep-job-create-get.json)
    const sweepJob = await conn.arm.get<{ properties: { outputs: Record<string, { uri: string }> } }>('jobs/sweep-1');
    expect(sweepJob.properties.outputs.default?.uri).toBe('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.sweep-1');
    // Azure's choice wins even over our reading of the objective (sweep-1_0 has lr 0.5, not the best accuracy)
    const fromJob = await createAzureMlJobSource({ ...conn, arm: withBest('sweep-1_0'), jobName: 'sweep-1', ...quiet });
    expect(fromJob.details.selected).toMatchObject({
      runId: 'sweep-1_0',
      reason: "best trial as the sweep records it (the job's properties.best_child_run_id)",
    });
    expect((await fromJob.fetch(['lr'])).get('lr')?.[0].value).toBe(0.5);

    // no job property: the MLflow tag (the emulator sets it to the best trial, lr 0.12)
    const fromTag = await createAzureMlJobSource({ ...conn, arm: withBest(undefined), jobName: 'sweep-1', ...quiet });
    expect(fromTag.details.selected?.reason).toBe("best trial as the sweep records it (the sweep run's MLflow tag best_child_run_id)");
    expect((await fromTag.fetch(['lr'])).get('lr')?.[0].value).toBe(0.12);

    // a recorded id that is no trial: the tag, then (both missing) the objective over the finished trials
    const infos: string[] = [];
    const stale = await createAzureMlJobSource({
      ...conn,
      arm: withBest('sweep-1_99'),
      jobName: 'sweep-1',
      info: (m) => infos.push(m),
      warning: () => undefined,
    });
    expect(stale.details.selected?.reason).toMatch(/MLflow tag/);
    expect(infos.join('\n')).toMatch(/records sweep-1_99 as its best trial .* not one of its trials/);
    const tracking = trackingHttpUri(stale.details.trackingUri, true);
    const token = (await conn.credential.getToken(conn.armScope))!.token;
    const mlflow = (path: string, body: unknown) =>
      fetch(`${tracking}/api/2.0/mlflow/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await mlflow('runs/delete-tag', { run_id: 'sweep-1', key: 'best_child_run_id' })).status).toBe(200);
    try {
      const computed = await createAzureMlJobSource({ ...conn, arm: withBest(undefined), jobName: 'sweep-1', ...quiet });
      expect(computed.details.selected?.reason).toMatch(/^best of 3 finished trial\(s\) by maximize accuracy = 0\.98; the sweep records none$/);
      expect((await computed.fetch(['lr'])).get('lr')?.[0].value).toBe(0.12);
    } finally {
      await mlflow('runs/set-tag', { run_id: 'sweep-1', key: 'best_child_run_id', value: 'sweep-1_1' });
    }
  });

  it("falls back to the workspace's tracking URI for a job without services", async () => {
    const arm = {
      ...conn.arm,
      tryGet: async <T>(path: string) => {
        const job = (await conn.arm.tryGet<Record<string, any>>(path)) as Record<string, any>;
        delete job.properties.services;
        return job as T;
      },
    };
    const source = await createAzureMlJobSource({ ...conn, arm, jobName: 'cmd-train', ...quiet });
    expect(source.details.trackingUri).toMatch(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\//);
    expect((await source.fetch(['loss'])).get('loss')?.at(-1)?.value).toBe(0.2);
  });

  it('an azureml:// workspace tracking URI is read with the ARM token', async () => {
    const ws = await conn.arm.get<{ properties: { mlFlowTrackingUri: string } }>(conn.arm.workspaceId);
    const client = createWorkspaceMlflowClient(conn, ws.properties.mlFlowTrackingUri);
    expect(client.trackingUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\//);
    expect((await client.getRun('cmd-train')).metrics.map((m) => m.key).sort()).toEqual(['accuracy', 'loss', 'train/loss']);
    // the workspace tracking service refuses calls without the token
    const anonymous = createMlflowClient({ trackingUri: client.trackingUri });
    await expect(anonymous.getRun('cmd-train')).rejects.toMatchObject({ name: 'ConfigurationError', message: expect.stringContaining('HTTP 401') });
  });

  it('refuses child on a command job and names an unknown job clearly', async () => {
    await expect(createAzureMlJobSource({ ...conn, jobName: 'cmd-train', child: 'x', ...quiet })).rejects.toMatchObject({ input: 'child' });
    await expect(createAzureMlJobSource({ ...conn, jobName: 'no-such-job', ...quiet })).rejects.toMatchObject({
      name: 'ConfigurationError',
      input: 'job-name',
      message: expect.stringMatching(/The job 'no-such-job' was not found in workspace/),
    });
  });
});

describe('workspace baselines (emulator)', () => {
  const deps = () => ({ azure: async () => conn, workspace: process.cwd(), ...quiet });
  const putModel = async (name: string, version: string, props: Record<string, unknown>) => {
    const res = await arm(emu, 'PUT', `models/${name}/versions/${version}`, {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/m/', ...props },
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  };

  it('reads metric tags of a model version, latest and by alias', async () => {
    await putModel('clf', '1', { tags: { ...modelMetricTags({ accuracy: 0.9, loss: 0.3 }), [modelAliasTag('champion')]: 'true' } });
    await putModel('clf', '2', { tags: modelMetricTags({ accuracy: 0.93, loss: NaN }) });
    const latest = await resolveBaseline(parseBaselineSpec('model:clf:latest'), deps());
    expect(latest).toMatchObject({ found: true, modelVersion: '2' });
    const lm = latest.found ? await latest.source.fetch() : undefined;
    expect(lm?.get('accuracy')).toEqual([{ step: 0, value: 0.93 }]);
    expect(Number.isNaN(lm?.get('loss')?.[0].value)).toBe(true);

    const champion = await resolveBaseline(parseBaselineSpec('model:clf:@champion'), deps());
    expect(champion).toMatchObject({ found: true, modelVersion: '1' });
    const v1 = await resolveBaseline(parseBaselineSpec('model:clf:1'), deps());
    expect(v1.found && (await v1.source.fetch(['accuracy'])).get('accuracy')?.[0].value).toBe(0.9);
  });

  it('reads the producing job of a version without metric tags', async () => {
    await putModel('from-job', '1', { jobName: 'cmd-train' });
    const r = await resolveBaseline(parseBaselineSpec('model:from-job:1'), deps());
    expect(r).toMatchObject({ found: true, jobName: 'cmd-train', description: 'model from-job:1 (metrics of job cmd-train)' });
    expect(r.found && (await r.source.fetch(['accuracy'])).get('accuracy')?.at(-1)?.value).toBe(0.91);
  });

  it('no baseline yet: a model without versions, an alias nobody holds', async () => {
    expect(await resolveBaseline(parseBaselineSpec('model:brand-new:latest'), deps())).toMatchObject({
      found: false,
      reason: expect.stringContaining('no versions yet'),
    });
    expect(await resolveBaseline(parseBaselineSpec('model:clf:@production'), deps())).toMatchObject({
      found: false,
      reason: expect.stringContaining('holds @production'),
    });
  });

  it('a named baseline that does not exist is a configuration error', async () => {
    await expect(resolveBaseline(parseBaselineSpec('model:clf:7'), deps())).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: "The baseline model 'clf' has no version 7 (its latest version is 2).",
    });
    await expect(resolveBaseline(parseBaselineSpec('job:ghost-job'), deps())).rejects.toMatchObject({
      input: 'baseline',
      message: expect.stringContaining("The baseline job 'ghost-job' was not found"),
    });
  });

  it("a job baseline of a pipeline is read at the gate's step", async () => {
    const r = await resolveBaseline(parseBaselineSpec('job:pipe-1'), { ...deps(), child: 'train' });
    expect(r).toMatchObject({ found: true, description: 'job pipe-1 (train)' });
    // a command job baseline ignores the step
    const c = await resolveBaseline(parseBaselineSpec('job:cmd-train'), { ...deps(), child: 'train' });
    expect(c.found && (await c.source.fetch(['loss'])).get('loss')?.at(-1)?.value).toBe(0.2);
  });
});

describe('bestTrial', () => {
  const trial = (id: string, start: number, value?: number | typeof NaN) =>
    ({
      info: { run_id: id, experiment_id: '1', start_time: start },
      metrics: value === undefined ? [] : [{ key: 'acc', value, step: 0, timestamp: 0 }],
      params: {},
      tags: {},
    }) as const;
  const objective = { primaryMetric: 'acc', goal: 'maximize' as const };

  it('maximises or minimises the latest value, ignoring NaN and trials without the metric', () => {
    const trials = [trial('a', 1, 0.5), trial('b', 2, NaN), trial('c', 3, 0.7), trial('d', 4)];
    expect(bestTrial([...trials], objective)).toMatchObject({ run: { info: { run_id: 'c' } }, value: 0.7, ties: 1 });
    expect(bestTrial([...trials], { ...objective, goal: 'minimize' })?.run.info.run_id).toBe('a');
    expect(bestTrial([trial('x', 1)], objective)).toBeUndefined();
  });

  it('breaks ties with the trial the sweep records, else the earliest', () => {
    const trials = [trial('late', 9, 0.9), trial('early', 1, 0.9), trial('mid', 5, 0.9)];
    expect(bestTrial(trials, objective)).toMatchObject({ run: { info: { run_id: 'early' } }, ties: 3 });
    expect(bestTrial(trials, objective, 'mid')?.run.info.run_id).toBe('mid');
    expect(bestTrial(trials, objective, 'unrelated')?.run.info.run_id).toBe('early');
  });
});
