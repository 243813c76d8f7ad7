/**
 * Content hashes of local folders and files, as uploaded for `code:` and local inputs.
 * A folder hashes by relative path and bytes of every file that `.amlignore` (else `.gitignore`)
 * does not exclude, so an unchanged folder hashes the same on any machine and is reused.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface SnapshotFile {
  /** Path relative to the snapshot root, with '/' separators. */
  path: string;
  size: number;
  sha256: string;
}

export interface Snapshot {
  root: string;
  /** Folder name or file name: the last segment of the upload path. */
  name: string;
  isFile: boolean;
  files: SnapshotFile[];
  bytes: number;
  /** sha256 over the sorted (path, size, sha256) of every file. */
  hash: string;
}

/** Always left out, as the Azure ML CLI does. */
const ALWAYS_IGNORED = ['.git/', '.amlignore', '__pycache__/', '.ipynb_checkpoints/', '.DS_Store'];

function loadIgnore(root: string): Ignore {
  const ig = ignore().add(ALWAYS_IGNORED);
  for (const name of ['.amlignore', '.gitignore']) {
    const p = join(root, name);
    if (existsSync(p)) {
      ig.add(readFileSync(p, 'utf8'));
      break; // .amlignore replaces .gitignore, as in the CLI
    }
  }
  return ig;
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function walk(root: string, dir: string, ig: Ignore, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const abs = join(dir, e.name);
    const rel = relative(root, abs).split(sep).join('/');
    if (e.isDirectory()) {
      if (ig.ignores(rel + '/')) continue;
      await walk(root, abs, ig, out);
    } else if (e.isFile()) {
      if (ig.ignores(rel)) continue;
      out.push(rel);
    }
  }
}

/** Hashes a file or folder. Throws ENOENT-style errors for the caller to turn into messages. */
export async function snapshot(path: string, options: { concurrency?: number } = {}): Promise<Snapshot> {
  const st = statSync(path);
  if (st.isFile()) {
    const sha = await fileSha256(path);
    const files = [{ path: basename(path), size: st.size, sha256: sha }];
    return { root: path, name: basename(path), isFile: true, files, bytes: st.size, hash: combine(files) };
  }
  const rels: string[] = [];
  await walk(path, path, loadIgnore(path), rels);
  rels.sort();
  const files: SnapshotFile[] = new Array(rels.length);
  let next = 0;
  const worker = async () => {
    while (next < rels.length) {
      const i = next++;
      const abs = join(path, ...rels[i].split('/'));
      files[i] = { path: rels[i], size: statSync(abs).size, sha256: await fileSha256(abs) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return { root: path, name: basename(path), isFile: false, files, bytes: files.reduce((n, f) => n + f.size, 0), hash: combine(files) };
}

function combine(files: SnapshotFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.size}\0${f.sha256}\n`);
  return h.digest('hex');
}
