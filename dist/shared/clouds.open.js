// src/clouds/open.ts
async function openCloudStore(uri, deps) {
  if (uri.cloud === "s3") {
    const { createS3Store } = await import("./s3.js");
    return createS3Store(deps);
  }
  const { createGcsStore } = await import("./gcs.js");
  return createGcsStore(deps);
}

export {
  openCloudStore
};
