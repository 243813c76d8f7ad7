/**
 * What the bundle has for `undici` (scripts/build.mjs maps the name here, ALIASES, for the
 * bundle only): the `ProxyAgent` and `fetch` that `@actions/http-client` and `@actions/github`
 * import, loading the real undici on first use from its own file, `dist/shared/undici/index.cjs`
 * (built beside the bundle by scripts/build.mjs).
 *
 * Every action imports `@actions/core`, whose OIDC helper imports `@actions/http-client`, whose
 * top level imports undici, the largest package of the bundle, for one proxy class. Bundled as
 * usual, every step would parse it at start; this way a step reads it only when it sends a
 * request through `@actions/http-client` behind a proxy, or through Octokit.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

let real: typeof Undici | undefined;

function undici(): typeof Undici {
  // Synchronous (ProxyAgent is a constructor): a CommonJS file, required at run time beside the
  // chunk this code is in.
  real ??= createRequire(import.meta.url)('./undici/index.cjs') as typeof Undici;
  return real;
}

export const ProxyAgent = function ProxyAgent(options: Undici.ProxyAgent.Options | string): Undici.ProxyAgent {
  return new (undici().ProxyAgent)(options);
} as unknown as typeof Undici.ProxyAgent;

export const fetch: typeof Undici.fetch = (input, init) => undici().fetch(input, init);
