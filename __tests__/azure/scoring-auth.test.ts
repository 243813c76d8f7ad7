/**
 * The scoring credential's refresh logic (pure: a clock and a secret source), and one scoring
 * request against a real loopback server that refuses a stale token with 401: the credential is
 * dropped and the request sent once more with a fresh one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedScoringAuth,
  refreshDueAt,
  score,
  scoreWithRetry,
  scoringScope,
  TOKEN_REFRESH_MARGIN_IN_MS,
  type ScoringSecret,
} from '../../src/azure/scoring.js';

const H = 3600_000;

describe('refreshDueAt', () => {
  it('a key (no expiry) is never due', () => {
    expect(refreshDueAt({ secret: 'k', obtainedAt: 0 })).toBeUndefined();
  });
  it('an AML token as Azure issues it (24 h, refresh after 12 h): at refreshAfterTimeUtc', () => {
    // online-deployment-e2e 141st entry: expiry − refreshAfter = 43 200 s.
    expect(refreshDueAt({ secret: 't', obtainedAt: 0, expiresOn: 24 * H, refreshAfter: 12 * H })).toBe(12 * H);
  });
  it('a refresh time later than the margin before expiry is brought forward', () => {
    expect(refreshDueAt({ secret: 't', obtainedAt: 0, expiresOn: H, refreshAfter: H - 1000 })).toBe(H - TOKEN_REFRESH_MARGIN_IN_MS);
  });
  it('an Entra token without a refresh time: the margin before expiry', () => {
    expect(refreshDueAt({ secret: 't', obtainedAt: 0, expiresOn: H })).toBe(H - TOKEN_REFRESH_MARGIN_IN_MS);
  });
  it('a token shorter-lived than twice the margin: halfway', () => {
    expect(refreshDueAt({ secret: 't', obtainedAt: 1000, expiresOn: 5000 })).toBe(3000);
  });
});

describe('cachedScoringAuth', () => {
  function source(lifetimeMs: number | undefined, clock: { t: number }) {
    let n = 0;
    const fetched: number[] = [];
    return {
      fetched,
      fetch: async (): Promise<ScoringSecret> => {
        n++;
        fetched.push(clock.t);
        return {
          secret: `s${n}`,
          obtainedAt: clock.t,
          ...(lifetimeMs !== undefined ? { expiresOn: clock.t + lifetimeMs, refreshAfter: clock.t + lifetimeMs / 2 } : {}),
        };
      },
    };
  }

  it('fetches once, reuses until the refresh time, then fetches again; every secret is masked', async () => {
    const clock = { t: 0 };
    const src = source(10_000, clock);
    const masked: string[] = [];
    const auth = cachedScoringAuth(
      src.fetch,
      (s) => masked.push(s),
      () => clock.t,
    );
    expect(await auth.header()).toBe('Bearer s1');
    clock.t = 4999;
    expect(await auth.header()).toBe('Bearer s1');
    clock.t = 5000;
    expect(await auth.header()).toBe('Bearer s2');
    expect(src.fetched).toEqual([0, 5000]);
    expect(masked).toEqual(['s1', 's2']);
  });

  it('a key is kept for the whole step', async () => {
    const clock = { t: 0 };
    const src = source(undefined, clock);
    const auth = cachedScoringAuth(
      src.fetch,
      () => undefined,
      () => clock.t,
    );
    await auth.header();
    clock.t = 48 * H;
    expect(await auth.header()).toBe('Bearer s1');
    expect(src.fetched).toHaveLength(1);
  });

  it('concurrent callers share one fetch', async () => {
    const clock = { t: 0 };
    const src = source(10_000, clock);
    const auth = cachedScoringAuth(
      src.fetch,
      () => undefined,
      () => clock.t,
    );
    const all = await Promise.all(Array.from({ length: 20 }, () => auth.header()));
    expect(new Set(all)).toEqual(new Set(['Bearer s1']));
    expect(src.fetched).toHaveLength(1);
  });

  it('invalidate drops the refused header only (a late 401 for an older one changes nothing)', async () => {
    const clock = { t: 0 };
    const src = source(undefined, clock);
    const auth = cachedScoringAuth(
      src.fetch,
      () => undefined,
      () => clock.t,
    );
    await auth.header();
    auth.invalidate!('Bearer s1');
    expect(await auth.header()).toBe('Bearer s2');
    auth.invalidate!('Bearer s1');
    expect(await auth.header()).toBe('Bearer s2');
    expect(src.fetched).toHaveLength(2);
  });

  it('a failed refresh keeps the old token while it is valid, and fails once it has expired', async () => {
    const clock = { t: 0 };
    let fail = false;
    const auth = cachedScoringAuth(
      async () => {
        if (fail) throw new Error('ARM is down');
        return { secret: 'only', obtainedAt: clock.t, expiresOn: clock.t + 10_000, refreshAfter: clock.t + 5000 };
      },
      () => undefined,
      () => clock.t,
    );
    await auth.header();
    fail = true;
    clock.t = 6000;
    expect(await auth.header()).toBe('Bearer only');
    clock.t = 10_000;
    await expect(auth.header()).rejects.toThrow('ARM is down');
  });

  it('the scope of Entra scoring tokens per cloud', () => {
    expect(scoringScope('AzureCloud')).toBe('https://ml.azure.com/.default');
    expect(scoringScope('Emulator')).toBe('https://ml.azure.com/.default');
    expect(scoringScope('AzureChinaCloud')).toBe('https://ml.azure.cn/.default');
    expect(scoringScope('AzureUSGovernment')).toBe('https://ml.azure.us/.default');
  });
});

describe('a 401 from the scoring URI', () => {
  let server: Server;
  let uri: string;
  let valid = 't1';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      seen.push(auth);
      req.resume();
      req.on('end', () => {
        if (auth !== `Bearer ${valid}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"token expired"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'azureml-model-deployment': 'blue' }).end('[1]');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('drops the credential and tries once more with a fresh one', async () => {
    let n = 0;
    const auth = cachedScoringAuth(
      async () => ({ secret: `t${++n}`, obtainedAt: Date.now() }),
      () => undefined,
    );
    expect((await score(uri, auth, '{}')).status).toBe(200);
    valid = 't2'; // the service stops taking t1 before the client expected
    seen.length = 0;
    const r = await score(uri, auth, '{}');
    expect(r.status).toBe(200);
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
    // scoreWithRetry goes through the same path.
    valid = 't3';
    seen.length = 0;
    expect((await scoreWithRetry(uri, auth, '{}', undefined, undefined, { retries: 0 })).status).toBe(200);
    expect(seen).toEqual(['Bearer t2', 'Bearer t3']);
  });

  it('a second 401 with the fresh credential is the answer (no loop)', async () => {
    valid = 'never';
    let n = 0;
    const auth = cachedScoringAuth(
      async () => ({ secret: `x${++n}`, obtainedAt: Date.now() }),
      () => undefined,
    );
    seen.length = 0;
    const r = await score(uri, auth, '{}');
    expect(r.status).toBe(401);
    expect(seen).toEqual(['Bearer x1', 'Bearer x2']);
  });
});
