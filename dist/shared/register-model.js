import {
  registerModelMain
} from "./models+runs.js";
import "./models.versions.js";
import "./models.source.js";
import "./models.upload.js";
import "./models.names.js";
import "./metrics.file.js";
import "./clouds.uri.js";
import "./yaml.js";
import "./ignore+azure+jobs.js";
import "./metrics.mlflow.js";
import "./azure.concurrency.js";
import "./azure.credentials.js";
import "./azure.arm.js";
import "./azure.errors.js";
import "./core.escape.js";
import "./core.workflow-run.js";
import "./core.obj.js";
import "./actions.js";
import "./tunnel.js";
import "./core.errors.js";
import "./azure-core.serializer.js";
import "./azure-core.nodeHttpClient.js";
import "./debug+https-proxy-agent+agent-base.js";
import "./esbuild-runtime.js";
export {
  registerModelMain
};
