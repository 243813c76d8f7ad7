import {
  prSummaryMain
} from "../shared/report+github+runs.js";
import "../shared/report+metrics.js";
import "../shared/metrics.rules.js";
import {
  runEntry
} from "../shared/actions+core.js";
import "../shared/tunnel.js";
import "../shared/esbuild-runtime.js";

// src/actions/pr-summary.ts
await runEntry({ name: "pr-summary", main: prSummaryMain });
