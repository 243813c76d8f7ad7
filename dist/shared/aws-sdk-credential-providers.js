import {
  require_dist_cjs
} from "./aws-sdk-nested-clients+aws-sdk-credential-providers+aws-sdk-credential-provider-cognito-identity.js";
import "./smithy-core+aws-sdk-nested-clients+aws-sdk-core.js";
import "./smithy-core-1.js";
import "./esbuild-runtime.js";
export default require_dist_cjs();
