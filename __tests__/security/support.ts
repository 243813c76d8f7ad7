/**
 * Shared parts of the security tests: the emulator's request log, secret scanning of a step's
 * output, raw https requests that trust the test CA, and a fake `az` for the azure/login path.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RequestLogEntry, RunningEmulator } from '../../src/emulator/index.js';
import { node24, type StepResult } from '../harness/index.js';

export async function requestLog(em: RunningEmulator): Promise<RequestLogEntry[]> {
  return ((await (await fetch(`${em.baseUrl}/.emulator/requests`)).json()) as { requests: RequestLogEntry[] }).requests;
}

/** Read-only POST operations (token, key and metric reads, searches): everything else that is not GET/HEAD changes state. */
const READ_ONLY_POST = /^(OAuth2_|.*_ListKeys$|.*_ListSecrets$|.*_GetLogs$|.*_GetToken$|Metrics_|MLflow_.*(Search|Get)|RunHistory_|.*_List$|.*_Search)/;

/** Requests that changed (or tried to change) Azure state: PUT, PATCH, DELETE and state-changing POSTs. */
export function mutatingRequests(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => {
    if (e.method === 'GET' || e.method === 'HEAD') return false;
    if (e.method === 'POST' && READ_ONLY_POST.test(e.operation)) return false;
    return true;
  });
}

/** The forms a secret may leak in: as is, base64, base64url, URL-encoded and JSON-escaped. */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms].filter((f) => f.length >= 8);
}

/** The lines of a log without the runner's own `::add-mask::` commands (the only place a secret may appear). */
export function withoutMaskCommands(log: string): string {
  return log
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

/** Where (if anywhere) any form of any secret occurs in the given texts: `name: form in <where>`. */
export function findLeaks(secrets: Record<string, string>, texts: Record<string, string>): string[] {
  const leaks: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (!secret) continue;
    for (const form of secretForms(secret)) {
      for (const [where, text] of Object.entries(texts)) {
        if (text.includes(form)) leaks.push(`${name} (${form === secret ? 'plain' : 'encoded'}) in ${where}`);
      }
    }
  }
  return leaks;
}

/** Every text of a step that leaves the runner: log (without mask commands), outputs, state, summary. */
export function stepTexts(label: string, step: StepResult | undefined): Record<string, string> {
  if (!step) return {};
  return {
    [`${label} log`]: withoutMaskCommands(step.log),
    [`${label} outputs`]: JSON.stringify(step.outputs),
    [`${label} state`]: JSON.stringify(step.state),
    [`${label} summary`]: step.summary,
  };
}

/** A stack frame outside the debug log (debug lines are hidden unless step debug logging is on). */
export function stackTraceLines(log: string): string[] {
  return log
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('::debug::'))
    .filter((l) => /^\s+at .+(\(|:\d+:\d+)/.test(l) || /\bat [\w.<>]+ \((file|node):/.test(l));
}

/** A GET/POST over https trusting `ca` (the test process cannot use NODE_EXTRA_CA_CERTS). */
export function httpsRequest(
  url: string,
  ca: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (o.body) req.write(o.body);
    req.end();
  });
}

export interface FakeAz {
  /** Put first on PATH. */
  binDir: string;
  /** AZURE_CONFIG_DIR with an azureProfile.json (what azure/login leaves). */
  configDir: string;
  /** Each call's arguments, one line per call. */
  argsLog: string;
  /** Environment for the action (PATH with the fake first, then the runner's node). */
  env(tokenJson: Record<string, unknown>): Record<string, string>;
}

/**
 * A fake Azure CLI: `az account get-access-token --output json --resource R` prints what the real
 * one prints (`accessToken`, `expiresOn`, `expires_on`, `subscription`, `tenant`, `tokenType`) from
 * the file `AZ_FAKE_TOKEN_FILE` names (one per scenario); every call is logged. Anything else fails like an unknown command.
 */
export function createFakeAz(): FakeAz {
  const root = mkdtempSync(join(tmpdir(), 'aml-fake-az-'));
  const binDir = join(root, 'bin');
  const configDir = join(root, '.azure');
  mkdirSync(binDir);
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'azureProfile.json'), JSON.stringify({ installationId: 'fake', subscriptions: [] }));
  const argsLog = join(root, 'calls.log');
  let files = 0;
  writeFileSync(argsLog, '');
  const script = [
    '#!/bin/sh',
    `echo "$*" >> '${argsLog}'`,
    'if [ "$1" = "account" ] && [ "$2" = "get-access-token" ]; then',
    '  cat "$AZ_FAKE_TOKEN_FILE"',
    '  exit 0',
    'fi',
    'echo "ERROR: \'$1 $2\' is misspelled or not recognized by the system." >&2',
    'exit 2',
    '',
  ].join('\n');
  writeFileSync(join(binDir, 'az'), script);
  chmodSync(join(binDir, 'az'), 0o755);
  return {
    binDir,
    configDir,
    argsLog,
    env(tokenJson) {
      const tokenFile = join(root, `token-${++files}.json`);
      writeFileSync(tokenFile, JSON.stringify(tokenJson, null, 2));
      return { PATH: `${binDir}:${dirname(node24)}:${process.env.PATH ?? '/usr/bin:/bin'}`, AZURE_CONFIG_DIR: configDir, AZ_FAKE_TOKEN_FILE: tokenFile };
    },
  };
}

/** What `az account get-access-token` prints for `token` valid until `expiresAt`. */
export function azTokenJson(token: string, expiresAt: Date, tenant: string, subscription: string): Record<string, unknown> {
  const local = expiresAt.toISOString().replace('T', ' ').replace('Z', '000');
  return { accessToken: token, expiresOn: local, expires_on: Math.floor(expiresAt.getTime() / 1000), subscription, tenant, tokenType: 'Bearer' };
}
