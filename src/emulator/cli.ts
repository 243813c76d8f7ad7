/**
 * `azureml-actions emulator [--port N] [--state DIR] [--faults FILE] [--host ADDR] [--metrics-delay D]`: starts Azurite and
 * the emulator, prints ONE JSON line when ready, and stops both on SIGINT/SIGTERM (the promise
 * resolves then; the caller exits 0).
 */
import { resolve } from 'node:path';
import { startEmulator, type EmulatorOptions } from './index.js';

export const EMULATOR_USAGE = `usage: azureml-actions emulator [--port N] [--state DIR] [--faults FILE] [--host ADDR] [--metrics-delay D]

  --port N             port to listen on (default 0: a free port)
  --state DIR          keep resources, blobs and job folders in DIR (survives restarts)
  --faults FILE        JSON fault rules to start with (see /.emulator/faults)
  --host ADDR          listen address (default 127.0.0.1)
  --metrics-delay D    how late Azure Monitor metrics are answered, e.g. 60s, 2m, 0
                       (default 60s, Azure's typical ingestion delay)

Prints one JSON line when ready:
  {"emulatorHost","baseUrl","blobEndpoint","subscriptionId","resourceGroup","workspaceName","tenantId"}
Stop with Ctrl-C (SIGINT) or SIGTERM.
`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function parseEmulatorArgs(argv: string[]): EmulatorOptions & { help?: boolean } {
  const out: EmulatorOptions & { help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new CliUsageError(`--port must be a number from 0 to 65535, got '${v}'`);
        out.port = n;
        break;
      }
      case '--state':
        out.stateDir = resolve(value());
        break;
      case '--faults':
        out.faultsFile = resolve(value());
        break;
      case '--host':
        out.host = value();
        break;
      case '--metrics-delay': {
        const v = value();
        const ms = parseDuration(v);
        if (ms === undefined || ms < 0) throw new CliUsageError(`--metrics-delay must be a duration such as 60s, 2m or 0, got '${v}'`);
        out.metricsDelay = ms;
        break;
      }
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new CliUsageError(`unknown option '${arg}'`);
    }
  }
  return out;
}

export interface EmulatorCliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the process is asked to stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<string>;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolveSignal(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function emulatorCli(argv: string[], io?: EmulatorCliIo): Promise<void> {
  const out = io?.stdout ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = io?.stderr ?? ((l: string) => process.stderr.write(l + '\n'));
  let options: ReturnType<typeof parseEmulatorArgs>;
  try {
    options = parseEmulatorArgs(argv);
  } catch (e) {
    err(`azureml-actions emulator: ${(e as Error).message}\n${EMULATOR_USAGE}`);
    throw e;
  }
  if (options.help) {
    out(EMULATOR_USAGE.trimEnd());
    return;
  }
  const { help: _help, ...start } = options;
  void _help;
  // Listen for the stop signal before starting, so an early Ctrl-C still closes cleanly.
  const stop = io?.stopSignal ?? waitForSignal();
  const emulator = await startEmulator(start);
  out(
    JSON.stringify({
      emulatorHost: emulator.host,
      baseUrl: emulator.baseUrl,
      blobEndpoint: emulator.blob.url,
      subscriptionId: emulator.defaults.subscriptionId,
      resourceGroup: emulator.defaults.resourceGroup,
      workspaceName: emulator.defaults.workspaceName,
      tenantId: emulator.defaults.tenantId,
    }),
  );
  const signal = await stop;
  err(`azureml-actions emulator: ${signal} received, stopping`);
  await emulator.close();
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'];

/**
 * A duration in milliseconds: a plain number is seconds (`90`, `1.5`); otherwise amounts with
 * units in decreasing order (`1h30m`, `90s`, `500ms`); undefined for anything else. The same
 * grammar as the actions' duration inputs, written here because the emulator shares no code with
 * the client.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (value === '') return undefined;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return Math.round(Number(value) * 1000);
  const part = /(\d+(?:\.\d*)?|\.\d+)\s*(ms|d|h|m|s)\s*/y;
  let total = 0;
  let lastUnit = -1;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (!match) return undefined;
    const unitIndex = UNIT_ORDER.indexOf(match[2]);
    if (unitIndex <= lastUnit) return undefined;
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
