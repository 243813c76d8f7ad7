/**
 * End to end through the real `@azure/arm-machinelearning` client: upload the sample's code and
 * data to the workspace datastore (Azurite), register the code version, submit a command job that
 * trains the Iris classifier and logs accuracy over MLflow REST, wait for it, read the metric
 * history back, and find the log and the model in Azurite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { CommandJob } from '@azure/arm-machinelearning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { repoRoot } from '../harness/index.js';
import { sdkClient, startFastEmulator, wsPath } from './support.js';

let em: RunningEmulator;
beforeAll(async () => {
  em = await startFastEmulator();
});
afterAll(async () => {
  await em?.close();
});

describe('the sample training job through the Azure SDK', () => {
  it('trains, logs accuracy over MLflow, and leaves its log and model in Azurite', async () => {
    const { subscriptionId, resourceGroup, workspaceName } = em.defaults;
    const sdk = sdkClient(em);
    // the default datastore, as the SDK sees it
    const datastore = await sdk.datastores.get(resourceGroup, workspaceName, 'workspaceblobstore');
    const container = (datastore.properties as { containerName: string }).containerName;
    const blobs = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey)).getContainerClient(container);
    const iris = join(repoRoot, 'examples', 'iris');
    for (const f of readdirSync(join(iris, 'src')).filter((f) => f.endsWith('.py'))) {
      const body = readFileSync(join(iris, 'src', f));
      await blobs.getBlockBlobClient(`LocalUpload/sdk-e2e/src/${f}`).upload(body, body.length);
    }
    // The SDK (api-version 2022-10-01 models) drops `uri` from asset inputs when it serialises a
    // job, so the data travels with the code and the job gets its path as a literal input.
    const csv = readFileSync(join(iris, 'data', 'iris.csv'));
    await blobs.getBlockBlobClient('LocalUpload/sdk-e2e/src/iris.csv').upload(csv, csv.length);

    const code = await sdk.codeVersions.createOrUpdate(resourceGroup, workspaceName, 'iris-src', '1', {
      properties: { codeUri: `${blobs.url}/LocalUpload/sdk-e2e/src` },
    });
    const env = await sdk.environmentVersions.list(resourceGroup, workspaceName, 'AzureML-sklearn-1.5').next();
    const job: CommandJob = {
      jobType: 'Command',
      experimentName: 'iris-sdk',
      command: 'python train.py --data ${{inputs.iris}} --epochs ${{inputs.epochs}} --lr 0.5 --model ${{outputs.model}}',
      codeId: code.id,
      environmentId: env.value!.id,
      computeId: `${wsPath(em)}/computes/cpu-cluster`,
      inputs: {
        iris: { jobInputType: 'literal', value: 'iris.csv' } as never,
        epochs: { jobInputType: 'literal', value: '60' } as never,
      },
      outputs: { model: { jobOutputType: 'mlflow_model' } as never },
    };
    const created = await sdk.jobs.createOrUpdate(resourceGroup, workspaceName, 'iris-sdk-e2e', { properties: job });
    expect(created.properties.status).toBe('Starting'); // recordings README observation 14
    expect(created.properties.services?.Tracking?.endpoint).toMatch(/^azureml:\/\//);

    let status = created.properties.status;
    const seen = new Set<string>();
    for (let i = 0; i < 300 && !['Completed', 'Failed', 'Canceled'].includes(status ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await sdk.jobs.get(resourceGroup, workspaceName, 'iris-sdk-e2e')).properties.status;
      seen.add(status ?? '');
    }
    expect(status).toBe('Completed');
    expect(seen.has('Running')).toBe(true);

    // the accuracy history, over MLflow REST at the workspace's tracking URI
    const ws = await sdk.workspaces.get(resourceGroup, workspaceName);
    const tracking = ws.mlFlowTrackingUri!.replace(/^azureml:\/\//, 'http://');
    const token = em.issueToken();
    const hist = (await (
      await fetch(`${tracking}/api/2.0/mlflow/metrics/get-history?run_id=iris-sdk-e2e&metric_key=accuracy`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { metrics: Array<{ value: number; step: number }> };
    expect(hist.metrics.length).toBe(60);
    const steps = hist.metrics.map((m) => m.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(60);
    expect(hist.metrics[hist.metrics.length - 1].value).toBeGreaterThan(0.8);

    // the log and the model are blobs in Azurite
    const svc = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
    const all: string[] = [];
    for await (const c of svc.listContainers()) for await (const b of svc.getContainerClient(c.name).listBlobsFlat()) all.push(`${c.name}/${b.name}`);
    expect(all).toContain('azureml/ExperimentRun/dcid.iris-sdk-e2e/user_logs/std_log.txt');
    expect(all.some((n) => /iris-sdk-e2e\/model\/MLmodel$/.test(n))).toBe(true);
    void subscriptionId;
  });
});
