import {
  prSummaryMain
} from "../shared/report+github+runs.js";
import "../shared/report+metrics.js";
import "../shared/metrics.rules.js";
import {
  runEntry
} from "../shared/core.inputs.js";
import "../shared/actions.js";
import "../shared/tunnel.js";
import "../shared/core.errors.js";
import "../shared/esbuild-runtime.js";

// src/actions/pr-summary.ts
await runEntry({ name: "pr-summary", main: prSummaryMain });
