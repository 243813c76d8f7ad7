import { describe, expect, it } from 'vitest';
import { isConflict, retryWhileBusy, waitProvisioned } from '../../src/azure/busy.js';

const conflict = () => Object.assign(new Error('Conflict: another operation is in progress\nsecond line'), { statusCode: 409, code: 'Conflict' });

function recorder() {
  const waits: number[] = [];
  const lines: string[] = [];
  return { waits, lines, sleep: async (ms: number) => void waits.push(ms), log: (m: string) => void lines.push(m) };
}

describe('retryWhileBusy', () => {
  it('tries a busy write again with doubling waits, capped, and returns what the op returns', async () => {
    const r = recorder();
    let calls = 0;
    const out = await retryWhileBusy(
      async (attempt) => {
        calls++;
        if (attempt < 5) throw conflict();
        return 'written';
      },
      { label: 'Deployment blue', tries: 8, delayInMs: 2000, maxDelayInMs: 5000, sleep: r.sleep, log: r.log },
    );
    expect(out).toBe('written');
    expect(calls).toBe(5);
    expect(r.waits).toEqual([2000, 4000, 5000, 5000]);
    expect(r.lines[0]).toBe('Deployment blue: Conflict: another operation is in progress; trying again in 2 s');
  });

  it('throws the error as it is: not retriable, the last try, or a wait past the deadline', async () => {
    const r = recorder();
    const bad = Object.assign(new Error('BadRequest'), { statusCode: 400 });
    await expect(retryWhileBusy(() => Promise.reject(bad), { label: 'x', tries: 5, delayInMs: 10, sleep: r.sleep })).rejects.toBe(bad);
    expect(r.waits).toEqual([]);

    let n = 0;
    await expect(
      retryWhileBusy(
        () => {
          n++;
          return Promise.reject(conflict());
        },
        { label: 'x', tries: 3, delayInMs: 10, sleep: r.sleep },
      ),
    ).rejects.toMatchObject({ statusCode: 409 });
    expect(n).toBe(3);

    n = 0;
    await expect(
      retryWhileBusy(
        () => {
          n++;
          return Promise.reject(conflict());
        },
        { label: 'x', tries: 10, delayInMs: 60_000, deadline: Date.now() + 1000, sleep: r.sleep },
      ),
    ).rejects.toMatchObject({ statusCode: 409 });
    expect(n).toBe(1);
  });

  it('a custom test and log line; a cancelled wait stops at once', async () => {
    const r = recorder();
    const canceled = Object.assign(new Error('the operation ended Canceled'), { code: 'OperationCanceled' });
    let n = 0;
    await retryWhileBusy(
      async () => {
        if (n++ === 0) throw canceled;
      },
      { label: 'x', tries: 2, delayInMs: 1000, retriable: (e) => e === canceled, describe: (_e, d) => `again in ${d} ms`, sleep: r.sleep, log: r.log },
    );
    expect(r.lines).toEqual(['again in 1000 ms']);

    const ac = new AbortController();
    ac.abort();
    await expect(retryWhileBusy(() => Promise.reject(conflict()), { label: 'x', tries: 5, delayInMs: 1, abortSignal: ac.signal })).rejects.toMatchObject({
      statusCode: 409,
    });
  });

  it('isConflict: 409, Conflict and OperationCanceled codes', () => {
    expect(isConflict({ statusCode: 409 })).toBe(true);
    expect(isConflict({ code: 'OperationCanceled' })).toBe(true);
    expect(isConflict({ statusCode: 400, code: 'BadArgument' })).toBe(false);
  });
});

describe('waitProvisioned', () => {
  it('reads until Succeeded, telling once that it waits', async () => {
    const r = recorder();
    const states = ['Creating', 'Updating', 'Updating', 'Succeeded'];
    const busy: string[] = [];
    const out = await waitProvisioned(async () => ({ name: 'ep', properties: { provisioningState: states.shift() } }), {
      what: "endpoint 'ep'",
      timeoutInMs: 60_000,
      firstDelayInMs: 4000,
      onBusy: (s) => busy.push(s),
      sleep: r.sleep,
    });
    expect(out.name).toBe('ep');
    expect(busy).toEqual(['Creating']);
    expect(r.waits).toEqual([4000, 8000, 10_000]);
  });

  it('Failed, Canceled, gone and still busy after the timeout are errors naming the resource', async () => {
    const r = recorder();
    const o = { what: "batch endpoint 'b'", timeoutInMs: 60_000, firstDelayInMs: 1, sleep: r.sleep };
    await expect(waitProvisioned(async () => ({ properties: { provisioningState: 'Failed' } }), o)).rejects.toThrow("batch endpoint 'b' is Failed");
    await expect(waitProvisioned(async () => ({ properties: { provisioningState: 'Canceled' } }), o)).rejects.toThrow("batch endpoint 'b' is Canceled");
    await expect(waitProvisioned(async () => undefined, o)).rejects.toThrow("batch endpoint 'b' does not exist");
    await expect(waitProvisioned(async () => ({ properties: { provisioningState: 'Updating' } }), { ...o, timeoutInMs: -1 })).rejects.toThrow(
      "batch endpoint 'b' stayed Updating for more than 0 s",
    );
  });
});
