/**
 * `emulatorCli`: flags, the one JSON line when ready, the faults file, and a clean stop.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CliUsageError, emulatorCli, parseEmulatorArgs } from '../../src/emulator/cli.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('parseEmulatorArgs: flags, = form, errors naming the flag', () => {
  expect(parseEmulatorArgs(['--port', '8123', '--state=/tmp/x', '--faults', 'f.json', '--host', '127.0.0.1'])).toMatchObject({
    port: 8123,
    stateDir: '/tmp/x',
    host: '127.0.0.1',
  });
  expect(parseEmulatorArgs(['--help']).help).toBe(true);
  expect(parseEmulatorArgs(['--metrics-delay', '90s']).metricsDelay).toBe(90_000);
  expect(parseEmulatorArgs(['--metrics-delay=0']).metricsDelay).toBe(0);
  expect(() => parseEmulatorArgs(['--metrics-delay', 'soon'])).toThrow(/--metrics-delay must be a duration/);
  expect(() => parseEmulatorArgs(['--port', 'abc'])).toThrow(/--port must be a number from 0 to 65535, got 'abc'/);
  expect(() => parseEmulatorArgs(['--state'])).toThrow(CliUsageError);
  expect(() => parseEmulatorArgs(['--colour', 'red'])).toThrow(/unknown option '--colour'/);
});

test('emulatorCli: prints one JSON line when ready, loads --faults, stops cleanly on the stop signal', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-test-'));
  dirs.push(dir);
  const faults = join(dir, 'faults.json');
  await writeFile(faults, JSON.stringify({ rules: [{ id: 'throttle-jobs', operation: 'Jobs_List', kind: 'status', status: 429, retryAfter: 1 }] }));
  const out: string[] = [];
  const err: string[] = [];
  let stop!: (s: string) => void;
  const stopSignal = new Promise<string>((r) => (stop = r));
  const running = emulatorCli(['--state', join(dir, 'state'), '--faults', faults], { stdout: (l) => out.push(l), stderr: (l) => err.push(l), stopSignal });
  for (let i = 0; i < 300 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(out).toHaveLength(1);
  const ready = JSON.parse(out[0]!) as Record<string, string>;
  expect(Object.keys(ready).sort()).toEqual(['baseUrl', 'blobEndpoint', 'emulatorHost', 'resourceGroup', 'subscriptionId', 'tenantId', 'workspaceName']);
  expect(ready.baseUrl).toBe(`http://${ready.emulatorHost}`);
  expect(ready.emulatorHost).toMatch(/^127\.0\.0\.1:\d+$/);
  const rules = (await (await fetch(`${ready.baseUrl}/.emulator/faults`)).json()) as { rules: { id: string }[] };
  expect(rules.rules.map((r) => r.id)).toEqual(['throttle-jobs']);
  const blob = await fetch(`${ready.blobEndpoint}?comp=list`);
  expect(blob.status).toBeLessThan(500);

  stop('SIGTERM');
  await running;
  expect(err.join('\n')).toContain('SIGTERM received, stopping');
  await expect(fetch(`${ready.baseUrl}/.emulator/info`)).rejects.toThrow();
  await expect(fetch(`${ready.blobEndpoint}?comp=list`)).rejects.toThrow();
});

test('emulatorCli: a bad faults file fails with a message naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-test-'));
  dirs.push(dir);
  const faults = join(dir, 'faults.json');
  await writeFile(faults, JSON.stringify([{ kind: 'explode' }]));
  await expect(emulatorCli(['--faults', faults], { stdout: () => {}, stderr: () => {}, stopSignal: new Promise(() => {}) })).rejects.toThrow(
    /faults file '.*faults\.json'\[0\]: 'kind' must be one of status, reset, delay, stall/,
  );
});
