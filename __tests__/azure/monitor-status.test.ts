/** Which answers of a managed online endpoint are the deployment's failures (pure). */
import { describe, expect, it } from 'vitest';
import { isFailedAnswer, isoDurationMs, isServerError } from '../../src/azure/online-endpoints.js';

describe('the deployment failed the request', () => {
  it('5xx, 424 (model error), 408 (request timeout) and 429 (too many pending requests); not the caller\'s 4xx', () => {
    const dims = (statuscode: string, modelstatuscode = '') => ({ statuscode, statuscodeclass: `${statuscode[0]}xx`, modelstatuscode });
    expect(isServerError(dims('503'))).toBe(true);
    expect(isServerError(dims('424', '500'))).toBe(true);
    expect(isServerError(dims('408'))).toBe(true);
    expect(isServerError(dims('429'))).toBe(true);
    for (const code of ['200', '400', '401', '404']) expect(isServerError(dims(code))).toBe(false);
    for (const code of [500, 502, 503, 424, 408, 429]) expect(isFailedAnswer(code)).toBe(true);
    for (const code of [200, 201, 400, 401, 404]) expect(isFailedAnswer(code)).toBe(false);
  });

  it("reads the answer's grain", () => {
    expect(isoDurationMs('PT1M')).toBe(60_000);
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('PT1H')).toBe(3_600_000);
    expect(isoDurationMs('P1D')).toBeUndefined();
    expect(isoDurationMs(undefined)).toBeUndefined();
  });
});
