/**
 * Fault rules on blob requests (the proxy of `startEmulator({ blobFaults: true })`) and operation
 * prefixes (`BlockBlob_*`): a real Storage client uploads through the proxy the emulator hands
 * out, and retries what the rule injects.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blobOperation } from '../../src/emulator/blob-proxy.js';
import { createFaultInjector } from '../../src/emulator/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

describe('blob operations and operation prefixes', () => {
  const q = (s: string) => new URLSearchParams(s);
  test('requests get the Storage REST operation ids', () => {
    expect(blobOperation('PUT', '/devstoreaccount1/c/a.txt', q(''), {})).toBe('BlockBlob_Upload');
    expect(blobOperation('PUT', '/devstoreaccount1/c/a.txt', q('comp=block&blockid=AA'), {})).toBe('BlockBlob_StageBlock');
    expect(blobOperation('PUT', '/devstoreaccount1/c/a.txt', q('comp=blocklist'), {})).toBe('BlockBlob_CommitBlockList');
    expect(blobOperation('PUT', '/devstoreaccount1/c', q('restype=container'), {})).toBe('Container_Create');
    expect(blobOperation('GET', '/devstoreaccount1/c', q('restype=container&comp=list&prefix=x'), {})).toBe('Container_ListBlobFlatSegment');
    expect(blobOperation('HEAD', '/devstoreaccount1/c/a.txt', q(''), {})).toBe('Blob_GetProperties');
    expect(blobOperation('GET', '/devstoreaccount1/c/a.txt', q(''), {})).toBe('Blob_Download');
    expect(blobOperation('PUT', '/devstoreaccount1/c/a.txt', q(''), { 'x-ms-copy-source': 'http://x' })).toBe('Blob_StartCopyFromURL');
  });
  test('an operation ending in * matches a prefix', () => {
    const f = createFaultInjector([{ operation: 'BlockBlob_*', kind: 'status', status: 503 }]);
    expect(f.take({ operation: 'BlockBlob_StageBlock', method: 'PUT', path: '/x' }, 'beforeHandler')).toBeDefined();
    expect(f.take({ operation: 'blockblob_upload', method: 'PUT', path: '/x' }, 'beforeHandler')).toBeDefined();
    expect(f.take({ operation: 'Blob_Download', method: 'GET', path: '/x' }, 'beforeHandler')).toBeUndefined();
  });
});

describe('the blob fault proxy', () => {
  let em: RunningEmulator;
  beforeAll(async () => {
    em = await startEmulator({ blobFaults: true, timings: { lroMs: 20, retryAfterSeconds: 0, jobStepMs: 20 } });
  });
  afterAll(async () => {
    await em?.close();
  });

  test('clients get the proxy; a 503 on the upload is retried by the Storage client; the request log shows it', async () => {
    const info = (await (await fetch(`${em.baseUrl}/.emulator/info`)).json()) as { blobEndpoint: string };
    expect(info.blobEndpoint).not.toBe(em.blob.url);
    expect(info.blobEndpoint.endsWith(`/${em.blob.accountName}`)).toBe(true);
    await fetch(`${em.baseUrl}/.emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'BlockBlob_*', method: 'PUT', kind: 'status', status: 503, count: 1 }),
    });
    const service = new BlobServiceClient(info.blobEndpoint, new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey), {
      retryOptions: { retryDelayInMs: 10 },
    });
    const container = service.getContainerClient('proxy-test');
    await container.createIfNotExists();
    await container.getBlockBlobClient('a.txt').upload('hello', 5);
    expect((await container.getBlockBlobClient('a.txt').downloadToBuffer()).toString()).toBe('hello');
    const rules = ((await (await fetch(`${em.baseUrl}/.emulator/faults`)).json()) as { rules: Array<{ hits: number }> }).rules;
    expect(rules[0]!.hits).toBe(1);
    const log = (
      (await (await fetch(`${em.baseUrl}/.emulator/requests`)).json()) as { requests: Array<{ operation: string; status?: number; fault?: string }> }
    ).requests;
    const uploads = log.filter((r) => r.operation === 'BlockBlob_Upload');
    expect(uploads.map((r) => r.fault ?? r.status)).toEqual(['status', 201]);
  });

  test('a reset drops the connection; the direct endpoint (the emulator’s own) is never faulted', async () => {
    await fetch(`${em.baseUrl}/.emulator/faults`, { method: 'DELETE' });
    await fetch(`${em.baseUrl}/.emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'Blob_Download', kind: 'reset' }),
    });
    const info = (await (await fetch(`${em.baseUrl}/.emulator/info`)).json()) as { blobEndpoint: string };
    const cred = new StorageSharedKeyCredential(em.blob.accountName, em.blob.accountKey);
    const viaProxy = new BlobServiceClient(info.blobEndpoint, cred, { retryOptions: { maxTries: 2, retryDelayInMs: 10 } }).getContainerClient('proxy-test');
    await expect(viaProxy.getBlockBlobClient('a.txt').downloadToBuffer()).rejects.toThrow();
    const direct = new BlobServiceClient(em.blob.url, cred).getContainerClient('proxy-test');
    expect((await direct.getBlockBlobClient('a.txt').downloadToBuffer()).toString()).toBe('hello');
  });
});
