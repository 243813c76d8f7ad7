/**
 * `azureml-actions <command>`: the package's command line.
 *   emulator [--port N] [--state DIR] [--faults FILE]   start Azurite and the local Azure ML emulator
 *   run <action> --input name=value …                     run an action locally as the runner does
 */
const USAGE = `usage: azureml-actions <command> [options]

commands:
  emulator [--port N] [--state DIR] [--faults FILE]
      start Azurite and the local Azure ML emulator; prints one JSON line with its URLs when ready
  run <action> [--input name=value ...] [--event file.json] [--event-name NAME] [--no-post]
      run an action locally as the runner does (set AZUREML_EMULATOR_HOST to use the emulator)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'emulator': {
      const { emulatorCli } = await import('../emulator/cli.js');
      await emulatorCli(rest);
      return 0;
    }
    case 'run': {
      const { runCli, RunUsageError } = await import('./run.js');
      try {
        return await runCli(rest);
      } catch (err) {
        if (err instanceof RunUsageError) {
          process.stderr.write(`azureml-actions run: ${err.message}\n${USAGE}`);
          return 2;
        }
        throw err;
      }
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`azureml-actions: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`azureml-actions: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
