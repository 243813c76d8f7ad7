import {
  createAzureContext,
  fetchEmulatorInfo,
  plainBearerTokenPolicy,
  plainBearerTokenPolicyName,
  readAzureInputs
} from "./azure.credentials.js";
import "./azure.arm.js";
import "./azure.errors.js";
import "./actions.js";
import "./tunnel.js";
import "./core.errors.js";
import "./azure-core.serializer.js";
import "./azure-core.nodeHttpClient.js";
import "./debug+https-proxy-agent+agent-base.js";
import "./esbuild-runtime.js";
export {
  createAzureContext,
  fetchEmulatorInfo,
  plainBearerTokenPolicy,
  plainBearerTokenPolicyName,
  readAzureInputs
};
