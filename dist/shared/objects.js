import {
  CREDENTIAL_HELP,
  cloudError,
  folderListing,
  namedExports,
  objectListing,
  readAll,
  unquote
} from "./clouds.objects.js";
import "./clouds.uri.js";
import "./core.errors.js";
import "./esbuild-runtime.js";
export {
  CREDENTIAL_HELP,
  cloudError,
  folderListing,
  namedExports,
  objectListing,
  readAll,
  unquote
};
