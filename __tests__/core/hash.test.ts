/**
 * The content hash of local files and folders (src/core/hash.ts), the one snapshot behind job
 * code, local inputs, local models and package code: which files it takes (ignore rules), their
 * sizes and sha256, and the folder hash over them, checked against the formula written out here.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/core/hash.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'core-hash-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The expected snapshot files and hash: sorted paths, `path\0size\0sha256\n` lines. */
function expected(files: Record<string, string>) {
  const list = Object.keys(files)
    .sort()
    .map((path) => ({ path, size: Buffer.byteLength(files[path]), sha256: sha256(files[path]) }));
  return { files: list, bytes: list.reduce((n, f) => n + f.size, 0), hash: sha256(list.map((f) => `${f.path}\0${f.size}\0${f.sha256}\n`).join('')) };
}

describe('content hash', () => {
  it('takes every file of a folder, sorted by path', async () => {
    const files = { 'a.txt': 'a', 'sub/b.bin': 'bb', 'sub/deeper/c': 'c', 'Z.txt': 'upper', 'é.txt': 'accent' };
    const dir = tree(files);
    const snap = await snapshot(dir);
    expect(snap).toEqual({ root: dir, name: snap.name, isFile: false, ...expected(files) });
    expect(snap.files.map((f) => f.path)).toEqual(['Z.txt', 'a.txt', 'sub/b.bin', 'sub/deeper/c', 'é.txt']);
  });

  it('leaves out what .gitignore and the CLI always ignore', async () => {
    const dir = tree({
      '.gitignore': '*.log\nbuild/\n',
      'x.log': 'no',
      'build/y': 'no',
      'keep.txt': 'yes',
      '__pycache__/m.pyc': 'no',
      '.git/HEAD': 'no',
      '.DS_Store': 'no',
    });
    expect(await snapshot(dir)).toMatchObject(expected({ '.gitignore': '*.log\nbuild/\n', 'keep.txt': 'yes' }));
  });

  it('.amlignore replaces .gitignore (and is itself left out)', async () => {
    const dir = tree({ '.amlignore': 'secret.txt\n', '.gitignore': 'keep.txt\n', 'secret.txt': 's', 'keep.txt': 'k' });
    expect(await snapshot(dir)).toMatchObject(expected({ '.gitignore': 'keep.txt\n', 'keep.txt': 'k' }));
  });

  it('reads files larger than its buffer, with any number of workers', async () => {
    const files = { 'big.bin': 'x'.repeat(3 * 1024 * 1024 + 17), 'small.txt': 's' };
    const dir = tree(files);
    for (const concurrency of [1, 2, 8]) expect(await snapshot(dir, { concurrency })).toMatchObject(expected(files));
  });

  it('hashes a single file as a snapshot of one, named by the file', async () => {
    const dir = tree({ 'one.onnx': 'weights' });
    const snap = await snapshot(join(dir, 'one.onnx'));
    expect(snap).toEqual({ root: join(dir, 'one.onnx'), name: 'one.onnx', isFile: true, ...expected({ 'one.onnx': 'weights' }) });
    // pinned: a change of the formula would orphan every upload made so far
    expect(snap.hash).toBe('8a9a960a9aee7d03cb3785decddd262f21e357ac50f6f8f64970b216847fb962');
  });

  it('an empty folder has no files; a missing path rejects with ENOENT', async () => {
    const dir = tree({});
    expect(await snapshot(dir)).toMatchObject({ files: [], bytes: 0, hash: sha256('') });
    await expect(snapshot(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
