/**
 * A Spark job through the whole emulator: the body the translator makes of azureml-examples'
 * serverless Spark job is accepted (ARM PUT, 2024-10-01) and run; without spark-submit on PATH it
 * fails, and run history says the emulator has no Spark.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { findSparkSubmit } from '../../src/emulator/jobs/spark.js';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob } from '../../src/specs/job/index.js';
import { repoRoot } from '../harness/index.js';
import { arm, startFastEmulator, wsPath } from './support.js';

let em: RunningEmulator;
let savedPath: string | undefined;

beforeAll(async () => {
  savedPath = process.env.PATH;
  process.env.PATH = (savedPath ?? '')
    .split(':')
    .filter((d) => !findSparkSubmit(d))
    .join(':');
  em = await startFastEmulator();
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await em?.close();
});

describe('spark jobs over ARM', () => {
  it('accepts the translated SparkJob and fails it with the reason: no spark-submit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arm-spark-'));
    cpSync(join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'jobs', 'spark'), dir, { recursive: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'titanic.py'), 'print("titanic")\n');
    const file = join(dir, 'serverless-spark-standalone-user-identity.yml');
    const doc = SpecDocument.load(file, 'serverless-spark-standalone-user-identity.yml', 'job-file');
    const ws = wsPath(em);
    const plan = await planJob(doc, file, doc.value, { workspaceId: ws, resolver: { resolveLabel: async () => '1' } });

    const put = await arm(em, 'PUT', `${ws}/jobs/spark-arm`, plan.body);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((put.body as { properties: { jobType: string } }).properties.jobType).toBe('Spark');

    let status = '';
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const got = await arm<{ properties: { status: string } }>(em, 'GET', `${ws}/jobs/spark-arm`);
      status = got.body.properties.status;
      if (['Completed', 'Failed', 'Canceled'].includes(status)) break;
    }
    expect(status).toBe('Failed');
    const details = await fetch(`${em.baseUrl}/history/v1.0${ws}/runs/spark-arm/details`, { headers: { authorization: `Bearer ${em.issueToken()}` } }).then(
      (r) => r.json() as Promise<{ status: string; error: { error: { message: string; innerError?: { code: string } } } }>,
    );
    expect(details.status).toBe('Failed');
    expect(details.error.error.message).toMatch(/The local Azure ML emulator has no Spark: spark-submit was not found on its PATH/);

    const bad = await arm(em, 'PUT', `${ws}/jobs/spark-bad`, {
      properties: { jobType: 'Spark', codeId: 'x', entry: { sparkJobEntryType: 'SparkJobPythonEntry' } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/'file' is required for jobType 'Spark'/);
  });
});
