import {
  prSummaryMain
} from "../shared/report+github+runs.js";
import "../shared/report+metrics.js";
import "../shared/metrics.rules.js";
import "../shared/core.escape.js";
import {
  runEntry
} from "../shared/core.runner.js";
import "../shared/core.inputs.js";
import "../shared/core.workflow-run.js";
import "../shared/core.obj.js";
import "../shared/actions.js";
import "../shared/tunnel.js";
import "../shared/core.errors.js";
import "../shared/esbuild-runtime.js";

// src/actions/pr-summary.ts
await runEntry({ name: "pr-summary", main: prSummaryMain });
