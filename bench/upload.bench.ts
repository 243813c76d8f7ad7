/**
 * register-model's upload of local model files into the emulator's Azurite, in the same run as
 * two baselines over the same bytes:
 *   - a sequential loop of `@azure/storage-blob` `uploadFile`, one file after the other (what a
 *     hand-written script does);
 *   - one `uploadFile` of a single file of the same total size: the store's ceiling here (one
 *     large upload with the SDK's own parallel blocks).
 * The action figure is the whole register-model step as the runner runs it (hash every file,
 * upload, register the version), so it includes more than the baselines do. The re-run registers
 * the same folder again: everything is found by its content hash and nothing is uploaded.
 *
 * Full size: 2,000 small files plus one 600 MB file, 1 GiB in all. Quick mode: 1/16 of it.
 */
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { it } from 'vitest';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startEmulator } from '../src/emulator/index.js';
import { runAction } from '../__tests__/harness/index.js';
import { containerTarget, uploadLocalFiles } from '../src/models/upload.js';
import { quick, report, stat, type Row } from './lib.js';

const MiB = 1024 * 1024;

/** Writes `bytes` of incompressible data to `path` in 8 MiB pieces. */
function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const piece = randomBytes(8 * MiB);
    for (let done = 0; done < bytes;) {
      const n = Math.min(piece.length, bytes - done);
      writeSync(fd, piece, 0, n);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

it('register-model upload: the action against a sequential uploadFile loop and the single-file ceiling', async () => {
  const scale = quick ? 16 : 1;
  const totalBytes = (1024 * MiB) / scale;
  const bigBytes = (600 * 1000 * 1000) / scale;
  const smallCount = 2000 / (quick ? 8 : 1);
  const smallBytes = Math.floor((totalBytes - bigBytes) / smallCount);
  const runs = quick ? 1 : 2;

  const root = mkdtempSync(join(tmpdir(), 'aml-bench-upload-'));
  const em = await startEmulator({ timings: { lroMs: 50, retryAfterSeconds: 0, jobStepMs: 30 } });
  try {
    const workspace = join(root, 'repo');
    const model = join(workspace, 'model');
    mkdirSync(join(model, 'shards'), { recursive: true });
    const files: Array<{ rel: string; size: number }> = [];
    for (let i = 0; i < smallCount; i++) {
      const rel = `shards/part-${String(i).padStart(4, '0')}.bin`;
      writeRandomFile(join(model, rel), smallBytes);
      files.push({ rel, size: smallBytes });
    }
    writeRandomFile(join(model, 'weights.bin'), bigBytes);
    files.push({ rel: 'weights.bin', size: bigBytes });
    const bytes = files.reduce((n, f) => n + f.size, 0);
    const single = join(root, 'single.bin');
    writeRandomFile(single, bytes);

    const svc = new BlobServiceClient(em.blob.url, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey));
    const container = svc.getContainerClient('bench-baselines');
    await container.createIfNotExists();

    const action: number[] = [];
    const rerun: number[] = [];
    const rss: number[] = [];
    const uploader: number[] = [];
    const sequential: number[] = [];
    const ceiling: number[] = [];
    for (let r = 0; r < runs; r++) {
      // The same bytes under a new name each round: a fresh upload every time.
      writeRandomFile(join(model, 'round.txt'), 16);
      const inputs = { name: `bench-upload-${r}`, path: 'model' };
      const env = { AZUREML_EMULATOR_HOST: em.host };
      const t0 = performance.now();
      const first = await runAction({ action: 'register-model', inputs, env, workspace, runId: String(1000 + r), timeoutMs: 30 * 60_000 });
      action.push((performance.now() - t0) / 1000);
      if (first.main.exitCode !== 0) throw new Error(`register-model failed:\n${first.main.log}`);
      const peak = /peak RSS ([\d.]+) MiB/.exec(first.main.log)?.[1];
      if (peak) rss.push(Number(peak));
      const t1 = performance.now();
      const again = await runAction({ action: 'register-model', inputs, env, workspace, runId: String(1000 + r), timeoutMs: 30 * 60_000 });
      rerun.push((performance.now() - t1) / 1000);
      if (again.main.outputs.created !== 'false') throw new Error(`the re-run registered again:\n${again.main.log}`);

      const t4 = performance.now();
      await uploadLocalFiles(
        containerTarget(container),
        model,
        files.map((f) => ({ path: f.rel, size: f.size })),
        `uploader-${r}`,
      );
      uploader.push((performance.now() - t4) / 1000);

      const t2 = performance.now();
      for (const f of files) await container.getBlockBlobClient(`seq-${r}/${f.rel}`).uploadFile(join(model, f.rel));
      sequential.push((performance.now() - t2) / 1000);

      const t3 = performance.now();
      await container.getBlockBlobClient(`single-${r}.bin`).uploadFile(single);
      ceiling.push((performance.now() - t3) / 1000);
    }

    const gib = bytes / (1024 * MiB);
    const size = `${gib >= 1 ? `${gib.toFixed(2)} GiB` : `${(bytes / MiB).toFixed(0)} MiB`} (${smallCount} × ${(smallBytes / 1024).toFixed(0)} KiB + ${(bigBytes / 1e6).toFixed(0)} MB)`;
    const throughput = (secs: number[]) => stat(secs.map((s) => bytes / MiB / s));
    const rows: Row[] = [
      {
        figure: `${size}: the action's uploader vs sequential loop`,
        unit: 'MiB/s',
        value: throughput(uploader),
        baseline: { name: 'sequential uploadFile loop', value: throughput(sequential) },
        target: '≥ 2×',
        met: throughput(uploader).median >= 2 * throughput(sequential).median,
      },
      {
        figure: `${size}: the action's uploader vs the store's ceiling`,
        unit: 'MiB/s',
        value: throughput(uploader),
        baseline: { name: 'one uploadFile of one file', value: throughput(ceiling) },
        target: '≥ 0.8×',
        met: throughput(uploader).median >= 0.8 * throughput(ceiling).median,
      },
      {
        figure: `${size}: whole register-model step vs sequential loop`,
        unit: 'MiB/s',
        value: throughput(action),
        baseline: { name: 'sequential uploadFile loop', value: throughput(sequential) },
        note: `step ${stat(action).median.toFixed(1)} s (hash + upload + register) vs loop ${stat(sequential).median.toFixed(1)} s`,
      },
      {
        figure: `${size}: whole register-model step vs the store's ceiling`,
        unit: 'MiB/s',
        value: throughput(action),
        baseline: { name: 'one uploadFile of one file', value: throughput(ceiling) },
      },
      { figure: 'unchanged re-run (found by content hash)', unit: 's', value: stat(rerun), target: '< 3 s', met: stat(rerun).median < 3 },
      { figure: 'peak RSS of the step', unit: 'MiB', value: stat(rss), target: '< 300 MB', met: stat(rss).max < (300 * 1e6) / MiB },
    ];
    report('register-model upload (Azurite)', rows);
  } finally {
    await em.close();
    rmSync(root, { recursive: true, force: true });
  }
});
