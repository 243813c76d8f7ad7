import {
  GateFailedError,
  metricGateMain
} from "./runs+metrics.js";
import "./metrics.evaluate.js";
import "./report+metrics.js";
import "./metrics.rules.js";
import "./metrics.file.js";
import "./clouds.uri.js";
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
  GateFailedError,
  metricGateMain
};
