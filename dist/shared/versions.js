import {
  CONTENT_HASH_PROPERTY,
  MANIFEST_SHA256_PROPERTY,
  PACKAGE_PROPERTY,
  PROMOTED_FROM_PROPERTY,
  REGISTRATION_PROPERTY,
  SOURCE_PROPERTY,
  aliasesOf,
  commitVersion,
  compareVersionNames,
  findByContent,
  holdsAlias,
  holdsContent,
  moveAliases,
  propsOf,
  registryModelStore,
  retagBody,
  tagsOf,
  versionConflictError,
  workspaceModelStore
} from "./models.versions.js";
import "./metrics.file.js";
import "./clouds.uri.js";
import "./metrics.mlflow.js";
import "./azure.concurrency.js";
import "./azure.errors.js";
import "./core.obj.js";
import "./actions.js";
import "./tunnel.js";
import "./core.errors.js";
import "./azure-core.nodeHttpClient.js";
import "./debug+https-proxy-agent+agent-base.js";
import "./esbuild-runtime.js";
export {
  CONTENT_HASH_PROPERTY,
  MANIFEST_SHA256_PROPERTY,
  PACKAGE_PROPERTY,
  PROMOTED_FROM_PROPERTY,
  REGISTRATION_PROPERTY,
  SOURCE_PROPERTY,
  aliasesOf,
  commitVersion,
  compareVersionNames,
  findByContent,
  holdsAlias,
  holdsContent,
  moveAliases,
  propsOf,
  registryModelStore,
  retagBody,
  tagsOf,
  versionConflictError,
  workspaceModelStore
};
