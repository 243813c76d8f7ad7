/**
 * What the bundle has for `whatwg-url` (scripts/build.mjs maps the name here, ALIASES, for the
 * bundle only): node-fetch 2, under @google-cloud/storage's request library, takes
 * `Url.URL || whatwgUrl.URL` (node-fetch/lib/index.js), so on Node, which always has `URL` in
 * node:url, the package (and its IDNA tables, tr46: ~300 kB) is never used.
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
