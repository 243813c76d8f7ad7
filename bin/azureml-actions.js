#!/usr/bin/env node
// The package's command line: `azureml-actions emulator ...`, `azureml-actions run <action> ...`.
// The code lives in the committed bundle dist/cli/index.js (built from src/cli/main.ts).
import('../dist/cli/index.js').catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
