import "./esbuild-runtime.js";

// src/bundle/not-bundled.ts
function notBundled(pkg, usedFor) {
  throw new Error(`azureml-actions: '${pkg}' (${usedFor}) is not in the bundle: no action uses it`);
}
function tableFromIPC() {
  return notBundled("apache-arrow", "storage-blob's Arrow listing format");
}
function open() {
  return notBundled("open", "identity's interactive browser login");
}
export {
  open as default,
  tableFromIPC
};
