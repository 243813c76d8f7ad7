/** MLmodel validation, ARM flavors, Triton layout and the package manifest. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MANIFEST_SCHEMA,
  manifestSha256,
  parseManifest,
  serializeManifest,
  verifyManifest,
  verifyManifestAgainstFolder,
  type PackageManifest,
} from '../../src/models/manifest.js';
import { armFlavors, parseMLmodel, validateModelFiles } from '../../src/models/validate.js';

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.4
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.1
mlflow_version: 2.14.1
model_uuid: 2ff06b4e3d6c4e8bba1f0b77cb1e0b1f
run_id: 0a1b2c
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-06-01 10:00:00.000000'
`;

function view(files: Record<string, string>, isFile = false) {
  return { display: 'm', isFile, paths: Object.keys(files), read: async (p: string) => Buffer.from(files[p]!) };
}

describe('MLmodel', () => {
  it('parses flavors, decodes the signature, keeps the other fields', () => {
    const info = parseMLmodel(MLMODEL, 'm/MLmodel');
    expect(Object.keys(info.flavors)).toEqual(['python_function', 'sklearn']);
    expect(info.signature?.inputs).toEqual([{ type: 'double', name: 'x', required: true }]);
    expect(info.signature).not.toHaveProperty('params');
    expect(info.meta.run_id).toBe('0a1b2c');
    expect(armFlavors(info)).toEqual({
      python_function: {
        data: { env: '{"conda":"conda.yaml"}', loader_module: 'mlflow.sklearn', model_path: 'model.pkl', predict_fn: 'predict', python_version: '3.11.4' },
      },
      sklearn: { data: { pickled_model: 'model.pkl', serialization_format: 'cloudpickle', sklearn_version: '1.5.1' } },
    });
  });

  it.each([
    ['artifact_path: model\n', /m\/MLmodel has no 'flavors': an mlflow_model needs at least one flavor/],
    ['flavors: {}\n', /'flavors' is empty/],
    ['flavors: [a, b]\n', /'flavors' must be a mapping/],
    ['flavors:\n  sklearn: 3\n', /flavor 'sklearn' must be a mapping/],
    ['flavors:\n  sklearn: {}\nsignature:\n  outputs: "[]"\n', /has a 'signature' without 'inputs'/],
    ['flavors:\n  sklearn: {}\nsignature:\n  inputs: "[not json"\n', /'signature.inputs' is not valid JSON/],
    ['flavors:\n  sklearn: {}\nsignature:\n  inputs: "[]"\n', /'signature.inputs' is an empty list/],
    ['flavors: [\n', /m\/MLmodel is not valid YAML at line/],
    ['', /must be a YAML mapping .* got an empty file/],
  ])('refuses %j', (text, message) => {
    expect(() => parseMLmodel(text, 'm/MLmodel')).toThrowError(message);
  });

  it('checks files per model type', async () => {
    await expect(validateModelFiles('custom_model', view({ a: '1' }))).resolves.toEqual({});
    await expect(validateModelFiles('custom_model', view({}))).rejects.toThrowError(/holds no files/);
    const ok = await validateModelFiles('mlflow_model', view({ MLmodel: MLMODEL, 'model.pkl': 'x' }));
    expect(Object.keys(ok.mlmodel!.flavors)).toContain('sklearn');
    await expect(validateModelFiles('mlflow_model', view({ 'model/MLmodel': MLMODEL }))).rejects.toThrowError(
      /no MLmodel file at its root.*point path at model instead/,
    );
    await expect(validateModelFiles('mlflow_model', view({ 'model.pkl': 'x' }, true))).rejects.toThrowError(/single file/);
    const triton = await validateModelFiles(
      'triton_model',
      view({ 'densenet/config.pbtxt': 'name: "densenet"', 'densenet/1/model.onnx': 'x', 'bert/config.pbtxt': '' }),
    );
    expect(triton.tritonModels).toEqual(['bert', 'densenet']);
    await expect(validateModelFiles('triton_model', view({ 'config.pbtxt': 'x' }))).rejects.toThrowError(/not a Triton model repository/);
  });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-tree-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

describe('package manifest', () => {
  const manifest: PackageManifest = {
    schema: MANIFEST_SCHEMA,
    model: {
      name: 'm',
      type: 'custom_model',
      contentHash: 'sha256:x',
      uri: 'azureml://datastores/d/paths/p/',
      source: 'models/m',
      isFile: false,
      fileCount: 2,
      bytes: 3,
    },
    files: [
      { path: 'a.txt', size: 1, sha256: 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb' },
      { path: 'sub/b.txt', size: 2, sha256: '1e0bbd6c686ba050b8eb03ffeedc64fdc9d80947fce821abbe5d6dc8d252c5ac' },
    ],
    lineage: { 'github.run_id': '1' },
    createdAt: '2024-01-01T00:00:00.000Z',
  };

  it('round-trips and pins its sha256', () => {
    const text = serializeManifest(manifest);
    expect(parseManifest(text)).toEqual(manifest);
    expect(manifestSha256(text)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => parseManifest('{')).toThrowError(/not JSON/);
    expect(() => parseManifest({ ...manifest, schema: 'other' })).toThrowError(/schema is "other"/);
    expect(() => parseManifest({ ...manifest, files: [{ path: 'a', size: 1, sha256: 'short' }] })).toThrowError(/files\[0\] must be/);
    expect(() => parseManifest({ ...manifest, files: [manifest.files[0], manifest.files[0]] })).toThrowError(/lists a.txt twice/);
  });

  it('verifies files: missing, changed and unexpected ones are named', async () => {
    expect(verifyManifest(manifest, manifest.files)).toMatchObject({ ok: true, verified: 2, summary: 'all 2 file(s) match the manifest' });
    const r = verifyManifest(manifest, [
      { path: 'a.txt', size: 1, sha256: '0'.repeat(64) },
      { path: 'extra.bin', size: 5 },
    ]);
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(['sub/b.txt']);
    expect(r.mismatched.map((m) => m.path)).toEqual(['a.txt']);
    expect(r.unexpected).toEqual(['extra.bin']);
    expect(r.summary).toBe('the files do not match the manifest: 1 missing (sub/b.txt); 1 changed (a.txt); 1 not in the manifest (extra.bin)');
    // size only when no sha256 is given
    expect(
      verifyManifest(manifest, [
        { path: 'a.txt', size: 1 },
        { path: 'sub/b.txt', size: 3 },
      ]).mismatched.map((m) => m.path),
    ).toEqual(['sub/b.txt']);

    const dir = tree({ 'a.txt': 'a', 'sub/b.txt': 'bc' });
    expect((await verifyManifestAgainstFolder(manifest, dir)).ok).toBe(true);
    writeFileSync(join(dir, 'sub', 'b.txt'), 'XY');
    const changed = await verifyManifestAgainstFolder(manifest, dir);
    expect(changed.mismatched.map((m) => m.path)).toEqual(['sub/b.txt']);
  });
});
