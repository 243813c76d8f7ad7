/**
 * A job file with a fixed `name:` meets its job again when the workflow is re-run: the same
 * content is followed (reattached), other content refused with Azure's reason. Against the
 * emulator's ARM jobs (what it stores and answers), then the comparison itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDefaultHttpClient } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmClient } from '../../src/azure/arm.js';
import { createWorkspaceApi } from '../../src/azure/workspace.js';
import type { SnapshotUploader, WorkspaceApi } from '../../src/azure/workspace-api.js';
import { ConfigurationError } from '../../src/core/errors.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { jobContentDifference } from '../../src/jobs/same-job.js';
import { RUN_TAGS, submitPlannedJob } from '../../src/jobs/submit.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type JobPlan } from '../../src/specs/job/index.js';
import { startFastEmulator, wsPath } from '../emulator/support.js';

let em: RunningEmulator;
let api: WorkspaceApi;
const lines: string[] = [];
const log = { info: (m: string) => lines.push(m), debug: () => undefined };
/** These jobs upload nothing: a call to the uploader is a failure of the test. */
const noUploads: SnapshotUploader = {
  datastore: () => Promise.reject(new Error('no upload expected')),
  hasSnapshot: () => Promise.reject(new Error('no upload expected')),
  upload: () => Promise.reject(new Error('no upload expected')),
};

beforeAll(async () => {
  em = await startFastEmulator();
  const http = createDefaultHttpClient();
  const arm = createArmClient({
    endpoint: em.baseUrl,
    workspaceId: wsPath(em),
    allowInsecureConnection: true,
    sendRequest: (r) => {
      r.headers.set('authorization', `Bearer ${em.issueToken()}`);
      return http.sendRequest(r);
    },
  });
  api = createWorkspaceApi(arm);
});

afterAll(async () => {
  await em?.close();
});

async function plan(yaml: string): Promise<JobPlan> {
  const dir = mkdtempSync(join(tmpdir(), 'aml-fixed-'));
  writeFileSync(join(dir, 'job.yml'), yaml);
  const doc = SpecDocument.load(join(dir, 'job.yml'), 'jobs/job.yml', 'job-file');
  return planJob(doc, join(dir, 'job.yml'), doc.value, { workspaceId: wsPath(em), resolver: { resolveLabel: async () => '1' } });
}

const run = (id: string) => ({ [RUN_TAGS.runId]: id, [RUN_TAGS.runAttempt]: '1', [RUN_TAGS.repository]: 'octo/repo' });

const JOB = [
  'name: fixed-train',
  'command: python -c "print(${{inputs.n}})"',
  'environment: azureml:AzureML-sklearn-1.5@latest',
  'compute: azureml:cpu-cluster',
  'inputs:',
  '  n: 3',
  'limits:',
  '  timeout: 3600',
  '',
].join('\n');

describe('a job file with a fixed name, run again (emulator)', () => {
  it('the same content from another run reattaches to the existing job; other content is refused with the field and Azure’s reason', async () => {
    const first = await submitPlannedJob(api, noUploads, await plan(JOB), 'fixed-train', run('7001'), log);
    expect(first.reattached).toBe(false);

    // A re-run: same file, another workflow run. The stored job has the service's additions
    // (Tracking service, resolved environment id): still the same content.
    const again = await submitPlannedJob(api, noUploads, await plan(JOB), 'fixed-train', run('7002'), log);
    expect(again).toMatchObject({ reattached: true, createdBy: 'run 7001 attempt 1', name: 'fixed-train' });
    expect(lines.at(-1)).toBe(
      'Job fixed-train already exists with this content (submitted by run 7001 attempt 1): reattaching to it instead of submitting again',
    );
    const stored = await api.getJob('fixed-train');
    expect((stored!.properties!.tags as Record<string, string>)[RUN_TAGS.runId]).toBe('7001');

    // Only what Azure lets change (display name, description, tags) changed: still the same job.
    const relabelled = await submitPlannedJob(
      api,
      noUploads,
      await plan(`${JOB}display_name: retrain\ndescription: again\ntags:\n  a: b\n`),
      'fixed-train',
      run('7003'),
      log,
    );
    expect(relabelled.reattached).toBe(true);

    const e = await submitPlannedJob(api, noUploads, await plan(JOB.replace('n: 3', 'n: 4')), 'fixed-train', run('7004'), log).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ConfigurationError);
    expect((e as ConfigurationError).message).toBe(
      "a job named 'fixed-train' already exists (submitted by run 7001 attempt 1) with another inputs.n.value: Azure ML refuses it, as the existing job's Settings, Inputs, Outputs, Jobs, InputBindings, OutputBindings cannot be changed. Only description, tags, displayName, properties, and isArchived can be updated",
    );
    expect((e as ConfigurationError).input).toBe('name');
  });

  it('the same run attempt reattaches as before (a retried step)', async () => {
    const r = await submitPlannedJob(api, noUploads, await plan(JOB.replace('n: 3', 'n: 9')), 'fixed-train', run('7001'), log);
    expect(r.reattached).toBe(true);
    expect(r.createdBy).toBeUndefined();
  });
});

describe('jobContentDifference', () => {
  const body = {
    properties: {
      jobType: 'Command',
      command: 'python t.py',
      environmentId: 'azureml:my-env@latest',
      computeId: '/subscriptions/s/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/cpu',
      inputs: { d: { jobInputType: 'uri_folder', uri: 'azureml://datastores/ds/paths/x/' } },
      limits: { jobLimitsType: 'Command', timeout: 'PT3600S' },
      resources: { instanceCount: 2 },
      tags: { a: 'b' },
      displayName: 'mine',
    },
  };
  const stored = {
    properties: {
      ...body.properties,
      environmentId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/environments/my-env/versions/12',
      computeId: body.properties.computeId.toLowerCase(),
      inputs: { d: { jobInputType: 'uri_folder', uri: 'azureml://datastores/ds/paths/x/', mode: 'ReadOnlyMount' } },
      limits: { jobLimitsType: 'Command', timeout: 'PT1H' },
      resources: { instanceCount: 2, shmSize: '2g' },
      services: { Tracking: { jobServiceType: 'Tracking', endpoint: 'azureml://x' } },
      tags: { other: 'tag' },
      displayName: 'theirs',
      status: 'Completed',
    },
  };

  it('takes what the service adds, resolves, recases or rewrites as the same content', () => {
    expect(jobContentDifference(stored, body)).toBeUndefined();
  });

  it('names the first field whose content differs', () => {
    const p = body.properties;
    expect(jobContentDifference(stored, { properties: { ...p, command: 'python u.py' } })).toBe('command');
    expect(jobContentDifference(stored, { properties: { ...p, environmentId: 'azureml:my-env:11' } })).toBe('environmentId');
    expect(jobContentDifference(stored, { properties: { ...p, environmentId: 'azureml:other-env@latest' } })).toBe('environmentId');
    expect(jobContentDifference(stored, { properties: { ...p, limits: { jobLimitsType: 'Command', timeout: 'PT2H' } } })).toBe('limits.timeout');
    expect(jobContentDifference(stored, { properties: { ...p, resources: { instanceCount: 3 } } })).toBe('resources.instanceCount');
    expect(jobContentDifference(stored, { properties: { ...p, inputs: { e: { jobInputType: 'literal', value: '1' } } } })).toBe('inputs.e');
    expect(jobContentDifference(stored, { properties: { ...p, experimentName: 'x' } })).toBe('experimentName');
  });
});
