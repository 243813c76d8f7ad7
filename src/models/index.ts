/**
 * Model registration parts, for register-model and the actions that read what it wrote
 * (deploy verifies packages, metric-gate reads aliases and metric tags).
 */
export { registerModelMain, type RegisterModelDeps, type RegisterModelOutcome } from '../runs/register-model.js';
export {
  MANIFEST_SCHEMA,
  manifestSha256,
  parseManifest,
  serializeManifest,
  verifyManifest,
  verifyManifestAgainstFolder,
  type ManifestVerification,
  type PackageManifest,
} from './manifest.js';
export { packageOf, readPackageManifest } from './package.js';
export {
  aliasesOf,
  CONTENT_HASH_PROPERTY,
  MANIFEST_SHA256_PROPERTY,
  PACKAGE_PROPERTY,
  PROMOTED_FROM_PROPERTY,
  REGISTRATION_PROPERTY,
  SOURCE_PROPERTY,
  registryModelStore,
  workspaceModelStore,
  type ModelStore,
  type ModelVersion,
} from './versions.js';
export { parseMLmodel, validateModelFiles, type ModelType } from './validate.js';
export { DEFAULT_UPLOAD_SETTINGS, createModelUploader, uploadLocalFiles, type UploadSettings } from './upload.js';
