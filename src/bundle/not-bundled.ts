/**
 * What the bundle has for the packages no action path reaches (scripts/build.mjs maps their names
 * here, ALIASES, for the bundle only), so dist/ does not carry them:
 * - `apache-arrow`: `@azure/storage-blob` imports it lazily to read a blob listing asked for in the
 *   Arrow format, which the actions never ask for (they list blobs as XML, the default);
 * - `open`: `@azure/identity` imports it lazily to open a browser for InteractiveBrowserCredential,
 *   which no action uses (a runner has no browser); it also ships an xdg-open script;
 * - `bowser`: the AWS SDK imports it lazily to parse a browser's user agent (its browser user-agent
 *   provider); under Node the SDK uses its Node provider, so S3 steps never load it.
 */
function notBundled(pkg: string, usedFor: string): never {
  throw new Error(`azureml-actions: '${pkg}' (${usedFor}) is not in the bundle: no action uses it`);
}

/** apache-arrow's reader of an Arrow IPC stream. */
export function tableFromIPC(): never {
  return notBundled('apache-arrow', "storage-blob's Arrow listing format");
}

/** open's `open(target)`. */
export default function open(): never {
  return notBundled('open', "identity's interactive browser login");
}

/** bowser's `parse(userAgent)`. */
export function parse(): never {
  return notBundled('bowser', "the AWS SDK's browser user agent");
}
