/**
 * The tail of a job's log, as Microsoft's own SDK reads it: the run-history details of the run
 * (`/history/v1.0/.../runs/<id>/details`, on the host of the job's Tracking service) map log
 * names to SAS URLs; the user log is `user_logs/std_log.txt`.
 */
import * as core from '@actions/core';
import type { TokenCredential } from '@azure/core-auth';
import type { ArmObject } from '../azure/workspace-api.js';

export interface LogTail {
  name: string;
  text: string;
  /** True when the log was longer than what was read. */
  truncated: boolean;
}

export interface LogDeps {
  credential: TokenCredential;
  scope: string;
  /** http in emulator mode, https otherwise. */
  insecure?: boolean;
  fetch?: typeof fetch;
  /** Masks the SAS URLs of the log files (they grant read access). Default core.setSecret. */
  setSecret?: (secret: string) => void;
}

const PREFERRED = ['user_logs/std_log.txt', 'azureml-logs/70_driver_log.txt', 'user_logs/std_log_process_0.txt'];

/** `azureml://<host>/mlflow/v1.0/<workspace id>` → `https://<host>/history/v1.0/<workspace id>`. */
export function historyBase(job: ArmObject, insecure = false): string | undefined {
  const services = job.properties?.services as Record<string, { endpoint?: string; jobServiceType?: string }> | undefined;
  const tracking = services?.Tracking?.endpoint ?? Object.values(services ?? {}).find((s) => s.jobServiceType === 'Tracking')?.endpoint;
  if (!tracking) return undefined;
  const m = /^(?:azureml|https?):\/\/([^/]+)\/mlflow\/v1\.0(\/subscriptions\/.+)$/i.exec(tracking.replace(/\/+$/, ''));
  if (!m) return undefined;
  return `${insecure ? 'http' : 'https'}://${m[1]}/history/v1.0${m[2]}`;
}

export interface RunDetails {
  runId?: string;
  status?: string;
  error?: { error?: { code?: string; message?: string }; message?: string; code?: string };
  logFiles?: Record<string, string>;
}

/** The run-history details of a job's run, or undefined when the service has none. */
export async function fetchRunDetails(job: ArmObject, deps: LogDeps): Promise<RunDetails | undefined> {
  const base = historyBase(job, deps.insecure);
  const name = job.name;
  if (!base || !name) return undefined;
  const doFetch = deps.fetch ?? fetch;
  const token = await deps.credential.getToken(deps.scope);
  const res = await fetchWithRetry(doFetch, `${base}/runs/${encodeURIComponent(name)}/details`, {
    headers: token ? { authorization: `Bearer ${token.token}` } : {},
  });
  if (!res.ok) return undefined;
  const details = (await res.json()) as RunDetails;
  // The log files' SAS URLs are read credentials: never let them reach the log.
  const setSecret = deps.setSecret ?? ((v: string) => core.setSecret(v));
  for (const url of Object.values(details.logFiles ?? {})) {
    if (typeof url !== 'string') continue;
    const sig = /[?&]sig=([^&]+)/.exec(url)?.[1];
    if (sig) {
      setSecret(url);
      setSecret(sig);
      const decoded = decodeURIComponent(sig);
      if (decoded !== sig) setSecret(decoded);
    }
  }
  return details;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * A GET with what the ARM calls have, scaled down for a best-effort read: a per-try timeout of
 * 20 s and two more tries on throttling, 5xx or a broken connection.
 */
export async function fetchWithRetry(doFetch: typeof fetch, url: string, init: RequestInit, tries = 3, tryTimeoutInMs = 20_000): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(tryTimeoutInMs) });
      if (!RETRY_STATUS.has(res.status) || attempt >= tries) return res;
      await res.body?.cancel();
    } catch (err) {
      if (attempt >= tries) throw err;
    }
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}

/** The error message run history keeps for a failed run. */
export function runErrorMessage(details: RunDetails | undefined): string | undefined {
  const e = details?.error;
  return e?.error?.message ?? e?.message;
}

export async function fetchLogTail(details: RunDetails | undefined, deps: LogDeps, maxBytes = 16 * 1024): Promise<LogTail | undefined> {
  const doFetch = deps.fetch ?? fetch;
  const files = details?.logFiles ?? {};
  const logName = PREFERRED.find((p) => files[p]) ?? Object.keys(files).sort()[0];
  if (!logName) return undefined;
  // Blob storage takes no suffix ranges: ask for the size first, then read the tail.
  const head = await fetchWithRetry(doFetch, files[logName], { method: 'HEAD', headers: { 'x-ms-version': '2021-08-06' } });
  if (!head.ok) return undefined;
  const total = Number(head.headers.get('content-length') ?? 0);
  const from = Math.max(0, total - maxBytes);
  const blob = await fetchWithRetry(doFetch, files[logName], { headers: { 'x-ms-range': `bytes=${from}-`, 'x-ms-version': '2021-08-06' } });
  if (!blob.ok) return undefined;
  let text = await blob.text();
  if (from > 0) text = text.slice(text.indexOf('\n') + 1); // start at a whole line
  return { name: logName, text, truncated: from > 0 };
}
