import {
  MODEL_ALIAS_TAG_PREFIX,
  modelAliasTag
} from "./metrics.file.js";
import {
  translateAzureError,
  withAzureOperation
} from "./azure.errors.js";
import {
  ConfigurationError
} from "./core.errors.js";
import {
  RestError
} from "./azure-core.nodeHttpClient.js";

// src/models/versions.ts
var CONTENT_HASH_PROPERTY = "azureml-actions.content_hash";
var REGISTRATION_PROPERTY = "azureml-actions.registration";
var SOURCE_PROPERTY = "azureml-actions.source";
var PACKAGE_PROPERTY = "azureml-actions.package";
var MANIFEST_SHA256_PROPERTY = "azureml-actions.manifest_sha256";
var PROMOTED_FROM_PROPERTY = "azureml-actions.promoted_from";
function numericNext(versions, fromContainer) {
  const max = versions.filter((v) => /^\d+$/.test(v)).reduce((m, v) => Math.max(m, Number(v)), 0);
  const c = typeof fromContainer === "string" && /^\d+$/.test(fromContainer) ? Number(fromContainer) : 0;
  return Math.max(max + 1, c, 1);
}
function modelStoreOver(arm, base, label, uri, lro) {
  const path = (name, version) => `${base}/${encodeURIComponent(name)}${version !== void 0 ? `/versions/${encodeURIComponent(version)}` : ""}`;
  return {
    label,
    getVersion: (name, version) => withAzureOperation(`reading model ${name}:${version} in ${label}`, () => arm.tryGet(path(name, version))),
    listVersions: (name, query) => arm.list(`${path(name)}/versions`, { query }),
    nextVersion: (name) => withAzureOperation(`reading the versions of model '${name}' in ${label}`, async () => {
      const container = await arm.tryGet(path(name));
      if (!container) return 1;
      const next = container.properties?.nextVersion;
      if (typeof next === "string" && /^\d+$/.test(next) && Number(next) >= 1) return Number(next);
      const names = [];
      for await (const v of arm.list(`${path(name)}/versions`, { query: { listViewType: "All" } })) names.push(v.name);
      return numericNext(names, container.properties?.nextVersion);
    }),
    async putVersion(name, version, body) {
      if (!lro) return arm.put(path(name, version), body);
      const poller = await arm.beginPut(path(name, version), body);
      return poller.pollUntilDone();
    },
    uri
  };
}
function workspaceModelStore(arm, workspaceName) {
  return modelStoreOver(arm, "models", `workspace '${workspaceName}'`, (n, v) => `azureml:${n}:${v}`, false);
}
function registryModelStore(arm, registryArmId, registryName) {
  return modelStoreOver(
    arm,
    `${registryArmId}/models`,
    `registry '${registryName}'`,
    (n, v) => `azureml://registries/${registryName}/models/${n}/versions/${v}`,
    true
  );
}
function propsOf(v) {
  return v.properties.properties ?? {};
}
function tagsOf(v) {
  return v.properties.tags ?? {};
}
function sameType(a, b) {
  const norm = (t) => t.toLowerCase().replace(/[_-]/g, "");
  return norm(a ?? "custom_model") === norm(b);
}
function holdsContent(v, contentHash, modelType) {
  return propsOf(v)[CONTENT_HASH_PROPERTY] === contentHash && sameType(v.properties.modelType, modelType) && v.properties.provisioningState !== "Failed";
}
async function findByContent(store, name, contentHash, modelType) {
  const found = [];
  await withAzureOperation(`listing the versions of model '${name}' in ${store.label}`, async () => {
    for await (const v of store.listVersions(name, { properties: `${CONTENT_HASH_PROPERTY}=${contentHash}` })) {
      if (holdsContent(v, contentHash, modelType) && !v.properties.isArchived) found.push(v);
    }
  });
  found.sort((a, b) => compareVersionNames(a.name, b.name));
  return found[0];
}
function compareVersionNames(a, b) {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a.localeCompare(b, "en", { numeric: true });
}
function isConflict(e) {
  return (e instanceof RestError || typeof e === "object" && e !== null && "statusCode" in e) && e.statusCode === 409;
}
function describeHolder(v) {
  const p = propsOf(v);
  const t = tagsOf(v);
  const bits = [
    p[CONTENT_HASH_PROPERTY] ? `content ${p[CONTENT_HASH_PROPERTY].slice(0, 19)}\u2026` : "no content hash",
    p[SOURCE_PROPERTY] ? `from ${p[SOURCE_PROPERTY]}` : "",
    t["github.run_url"] ? `by ${t["github.run_url"]}` : ""
  ];
  return bits.filter(Boolean).join(", ");
}
async function versionConflictError(store, name, version, existing, input = "version") {
  const next = await store.nextVersion(name).catch(() => void 0);
  return new ConfigurationError(
    `Model '${name}' version ${version} already exists in ${store.label} with different content (${describeHolder(existing)}); versions are immutable, so nothing was registered.`,
    { input, hint: `Leave 'version' empty to register the next version${next ? ` (${next})` : ""}, or choose another version.` }
  );
}
async function commitVersion(store, name, body, o) {
  const info = o.info ?? (() => void 0);
  const conflicts = [];
  const differs = async (existing, version) => {
    throw await versionConflictError(store, name, version, existing, o.versionInput);
  };
  if (o.version !== void 0) {
    const existing = await store.getVersion(name, o.version);
    if (existing) {
      if (holdsContent(existing, o.contentHash, o.modelType)) return { version: existing, created: false, conflicts };
      return differs(existing, o.version);
    }
    try {
      const v = await withAzureOperation(`registering model ${name}:${o.version} in ${store.label}`, () => store.putVersion(name, o.version, body));
      return { version: v, created: true, conflicts };
    } catch (e) {
      const cause = e.cause;
      if (!isConflict(cause) && !isConflict(e)) throw e;
      const now = await store.getVersion(name, o.version);
      if (now && holdsContent(now, o.contentHash, o.modelType)) return { version: now, created: false, conflicts };
      if (now) return differs(now, o.version);
      throw e;
    }
  }
  let candidate = await store.nextVersion(name);
  const attempts = o.maxAttempts ?? 20;
  for (let i = 0; i <= attempts; i++) {
    const version = String(candidate);
    try {
      const v = await store.putVersion(name, version, body);
      return { version: v, created: true, conflicts };
    } catch (e) {
      if (!isConflict(e)) throw translateAzureError(e, `registering model ${name}:${version} in ${store.label}`);
      conflicts.push(version);
      const same = await findByContent(store, name, o.contentHash, o.modelType);
      if (same) {
        info(`Another registration created ${name}:${same.name} with the same content meanwhile; using it.`);
        return { version: same, created: false, conflicts };
      }
      const next = Math.max(candidate + 1, await store.nextVersion(name));
      info(`Version ${version} of model '${name}' was taken by another registration; trying ${next}.`);
      candidate = next;
    }
  }
  throw new Error(`Could not register model '${name}' in ${store.label}: versions ${conflicts.join(", ")} were all taken by concurrent registrations.`);
}
function retagBody(v, tags) {
  const { provisioningState: _p, ...props } = v.properties;
  return { properties: { ...props, tags } };
}
function holdsAlias(tags, alias) {
  const t = modelAliasTag(alias);
  return t in tags && String(tags[t]).toLowerCase() !== "false";
}
async function moveAliases(store, name, target, aliases, info = () => void 0) {
  if (aliases.length === 0) return { version: target, moves: [] };
  let current = target;
  const tags = { ...tagsOf(current) };
  const missing = aliases.filter((a) => !holdsAlias(tags, a));
  if (missing.length > 0) {
    for (const a of missing) tags[modelAliasTag(a)] = "true";
    current = await withAzureOperation(
      `tagging model ${name}:${current.name} with ${missing.map((a) => `@${a}`).join(", ")}`,
      () => store.putVersion(name, current.name, retagBody(current, tags))
    );
  }
  const moves = aliases.map((alias) => ({ alias, from: [] }));
  const others = [];
  await withAzureOperation(`listing the versions of model '${name}'`, async () => {
    for await (const v of store.listVersions(name, { listViewType: "All" })) if (v.name !== current.name) others.push(v);
  });
  for (const v of others) {
    const vt = { ...tagsOf(v) };
    const held = aliases.filter((a) => holdsAlias(vt, a));
    if (held.length === 0) continue;
    for (const a of held) {
      delete vt[modelAliasTag(a)];
      moves.find((m) => m.alias === a).from.push(v.name);
    }
    await withAzureOperation(
      `removing ${held.map((a) => `@${a}`).join(", ")} from model ${name}:${v.name}`,
      () => store.putVersion(name, v.name, retagBody(v, vt))
    );
  }
  const after = await store.getVersion(name, current.name) ?? current;
  const lost = aliases.filter((a) => !holdsAlias(tagsOf(after), a));
  if (lost.length > 0) {
    const holders = /* @__PURE__ */ new Map();
    await withAzureOperation(`listing the versions of model '${name}'`, async () => {
      for await (const v of store.listVersions(name, { listViewType: "All" })) for (const a of lost) if (holdsAlias(tagsOf(v), a)) holders.set(a, v.name);
    });
    const orphaned = lost.filter((a) => !holders.has(a));
    for (const a of lost.filter((x) => holders.has(x))) info(`@${a} was moved to ${name}:${holders.get(a)} by another registration meanwhile.`);
    if (orphaned.length > 0) {
      const t2 = { ...tagsOf(after) };
      for (const a of orphaned) t2[modelAliasTag(a)] = "true";
      current = await withAzureOperation(
        `tagging model ${name}:${after.name} with ${orphaned.map((a) => `@${a}`).join(", ")}`,
        () => store.putVersion(name, after.name, retagBody(after, t2))
      );
    } else current = after;
  } else current = after;
  return { version: current, moves };
}
function aliasesOf(v) {
  return Object.entries(tagsOf(v)).filter(([k, val]) => k.startsWith(MODEL_ALIAS_TAG_PREFIX) && String(val).toLowerCase() !== "false").map(([k]) => k.slice(MODEL_ALIAS_TAG_PREFIX.length));
}

export {
  CONTENT_HASH_PROPERTY,
  REGISTRATION_PROPERTY,
  SOURCE_PROPERTY,
  PACKAGE_PROPERTY,
  MANIFEST_SHA256_PROPERTY,
  PROMOTED_FROM_PROPERTY,
  workspaceModelStore,
  registryModelStore,
  propsOf,
  tagsOf,
  holdsContent,
  findByContent,
  compareVersionNames,
  versionConflictError,
  commitVersion,
  retagBody,
  holdsAlias,
  moveAliases,
  aliasesOf
};
