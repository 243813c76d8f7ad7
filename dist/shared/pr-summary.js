import {
  prSummaryMain
} from "./report+github+runs.js";
import "./report+metrics.js";
import "./metrics.rules.js";
import "./core.escape.js";
import "./core.inputs.js";
import "./core.workflow-run.js";
import "./core.obj.js";
import "./actions.js";
import "./tunnel.js";
import "./core.errors.js";
import "./esbuild-runtime.js";
export {
  prSummaryMain
};
