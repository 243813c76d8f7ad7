/**
 * Idempotency, the single commit point with retries on conflicts, and alias moves — against a
 * hand-built model store (checkout's fakes-as-object-literals habit) that behaves like Azure ML:
 * immutable versions, 409 on a PUT that changes them, property filters on lists.
 */
import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import {
  commitVersion,
  CONTENT_HASH_PROPERTY,
  findByContent,
  holdsAlias,
  moveAliases,
  type ModelStore,
  type ModelVersion,
  type ModelVersionBody,
} from '../../src/models/versions.js';

interface FakeStore extends ModelStore {
  versions: Map<string, ModelVersion>;
  puts: string[];
  /** Runs before a PUT of `version` is applied (another registration sneaking in). */
  beforePut?: (version: string) => void;
}

function version(name: string, v: string, hash: string, extra: Partial<ModelVersion['properties']> = {}): ModelVersion {
  return {
    id: `/ws/models/${name}/versions/${v}`,
    name: v,
    properties: { modelUri: `uri-${hash}`, modelType: 'custom_model', tags: {}, properties: { [CONTENT_HASH_PROPERTY]: hash }, ...extra },
  };
}

function fakeStore(): FakeStore {
  const versions = new Map<string, ModelVersion>();
  const store: FakeStore = {
    label: "workspace 'ws'",
    versions,
    puts: [],
    getVersion: async (_n, v) => structuredClone(versions.get(v)),
    async *listVersions(_n, query) {
      const filter = query?.properties;
      for (const v of [...versions.values()].sort((a, b) => Number(b.name) - Number(a.name))) {
        if (filter) {
          const [k, val] = filter.split('=');
          if ((v.properties.properties ?? {})[k!] !== val) continue;
        }
        yield structuredClone(v);
      }
    },
    async nextVersion() {
      const nums = [...versions.keys()].filter((k) => /^\d+$/.test(k)).map(Number);
      return nums.length ? Math.max(...nums) + 1 : 1;
    },
    async putVersion(name, v, body: ModelVersionBody) {
      store.puts.push(v);
      store.beforePut?.(v);
      const old = versions.get(v);
      const p = body.properties;
      if (old) {
        const same =
          old.properties.modelUri === p.modelUri &&
          old.properties.modelType === p.modelType &&
          JSON.stringify(old.properties.properties) === JSON.stringify(p.properties);
        if (!same) throw new RestError(`Model version '${name}:${v}' already exists with a different 'modelUri'.`, { statusCode: 409, code: 'UserError' });
        old.properties.tags = { ...(p.tags ?? {}) };
        return structuredClone(old);
      }
      const created: ModelVersion = { id: `/ws/models/${name}/versions/${v}`, name: v, properties: structuredClone(p) };
      versions.set(v, created);
      return structuredClone(created);
    },
    uri: (n, v) => `azureml:${n}:${v}`,
  };
  return store;
}

function body(hash: string, tags: Record<string, string> = {}): ModelVersionBody {
  return {
    properties: {
      modelUri: `uri-${hash}`,
      modelType: 'custom_model',
      tags,
      properties: { [CONTENT_HASH_PROPERTY]: hash, 'azureml-actions.registration': `reg-${hash}` },
    },
  };
}

describe('commitVersion', () => {
  it('creates the next version', async () => {
    const s = fakeStore();
    s.versions.set('1', version('m', '1', 'h0'));
    const r = await commitVersion(s, 'm', body('h1'), { contentHash: 'h1', modelType: 'custom_model' });
    expect(r).toMatchObject({ created: true, conflicts: [] });
    expect(r.version.name).toBe('2');
  });

  it('moves on to the following number when another registration took it (a 409)', async () => {
    const s = fakeStore();
    const said: string[] = [];
    s.beforePut = (v) => {
      if (v === '1' && !s.versions.has('1')) s.versions.set('1', version('m', '1', 'other'));
    };
    const r = await commitVersion(s, 'm', body('mine'), { contentHash: 'mine', modelType: 'custom_model', info: (m) => said.push(m) });
    expect(r.created).toBe(true);
    expect(r.version.name).toBe('2');
    expect(r.conflicts).toEqual(['1']);
    expect(said).toEqual(["Version 1 of model 'm' was taken by another registration; trying 2."]);
  });

  it('returns the version a concurrent registration of the same files created', async () => {
    const s = fakeStore();
    s.beforePut = (v) => {
      if (v === '1' && !s.versions.has('1'))
        s.versions.set('1', version('m', '1', 'same', { properties: { [CONTENT_HASH_PROPERTY]: 'same', 'azureml-actions.registration': 'theirs' } }));
    };
    const r = await commitVersion(s, 'm', body('same'), { contentHash: 'same', modelType: 'custom_model' });
    expect(r).toMatchObject({ created: false, conflicts: ['1'] });
    expect(r.version.name).toBe('1');
    expect(s.versions.size).toBe(1);
  });

  it('gives up after maxAttempts conflicts', async () => {
    const s = fakeStore();
    s.beforePut = (v) => {
      if (!s.versions.has(v)) s.versions.set(v, version('m', v, `other-${v}`));
    };
    await expect(commitVersion(s, 'm', body('mine'), { contentHash: 'mine', modelType: 'custom_model', maxAttempts: 2 })).rejects.toThrowError(
      /versions 1, 2, 3 were all taken/,
    );
  });

  it('an explicit version: same content is returned, other content is a ConfigurationError with the next version', async () => {
    const s = fakeStore();
    s.versions.set(
      '3',
      version('m', '3', 'a', {
        tags: { 'github.run_url': 'https://x/runs/1' },
        properties: { [CONTENT_HASH_PROPERTY]: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaa', 'azureml-actions.source': 'models/a' },
      }),
    );
    const same = await commitVersion(s, 'm', body('sha256:aaaaaaaaaaaaaaaaaaaaaaaa'), {
      version: '3',
      contentHash: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaa',
      modelType: 'custom_model',
    });
    expect(same).toMatchObject({ created: false });
    expect(s.puts).toEqual([]);
    const err = (await commitVersion(s, 'm', body('b'), { version: '3', contentHash: 'b', modelType: 'custom_model' }).then(
      () => new Error('no error'),
      (e: unknown) => e,
    )) as Error & { input?: string; hint?: string };
    expect(err.name).toBe('ConfigurationError');
    expect(err.message).toBe(
      "Model 'm' version 3 already exists in workspace 'ws' with different content (content sha256:aaaaaaaaaaaa…, from models/a, by https://x/runs/1); versions are immutable, so nothing was registered.",
    );
    expect(err.hint).toBe("Leave 'version' empty to register the next version (4), or choose another version.");
    expect(s.puts).toEqual([]);
  });
});

describe('findByContent', () => {
  it('finds the oldest active version with the same hash and type (types compared loosely)', async () => {
    const s = fakeStore();
    s.versions.set('1', version('m', '1', 'h', { isArchived: true }));
    s.versions.set('2', version('m', '2', 'h', { modelType: 'MLFlowModel' }));
    s.versions.set('3', version('m', '3', 'h', { modelType: 'mlflow_model' }));
    s.versions.set('4', version('m', '4', 'other', { modelType: 'mlflow_model' }));
    expect((await findByContent(s, 'm', 'h', 'mlflow_model'))?.name).toBe('2');
    expect(await findByContent(s, 'm', 'h', 'triton_model')).toBeUndefined();
    expect(await findByContent(s, 'm', 'nope', 'mlflow_model')).toBeUndefined();
  });
});

describe('moveAliases', () => {
  it('tags the target and removes the alias from every other holder, leaving other tags alone', async () => {
    const s = fakeStore();
    s.versions.set('1', version('m', '1', 'a', { tags: { 'alias.champion': 'true', team: 'x' } }));
    s.versions.set('2', version('m', '2', 'b', { tags: { 'alias.champion': 'false', 'alias.staging': 'true' } }));
    s.versions.set('3', version('m', '3', 'c', { tags: {} }));
    const { version: v, moves } = await moveAliases(s, 'm', s.versions.get('3')!, ['champion', 'staging']);
    expect(moves).toEqual([
      { alias: 'champion', from: ['1'] },
      { alias: 'staging', from: ['2'] },
    ]);
    expect(holdsAlias(v.properties.tags!, 'champion')).toBe(true);
    expect(s.versions.get('1')!.properties.tags).toEqual({ team: 'x' });
    expect(s.versions.get('2')!.properties.tags).toEqual({ 'alias.champion': 'false' });
    expect(s.versions.get('3')!.properties.tags).toEqual({ 'alias.champion': 'true', 'alias.staging': 'true' });
    // immutable fields were sent back unchanged (the fake would have answered 409)
    expect(s.versions.get('1')!.properties.properties).toEqual({ [CONTENT_HASH_PROPERTY]: 'a' });
  });

  it('puts the alias back when a concurrent move took it off and nobody holds it', async () => {
    const s = fakeStore();
    s.versions.set('1', version('m', '1', 'a', { tags: { 'alias.champion': 'true' } }));
    s.versions.set('2', version('m', '2', 'b', { tags: {} }));
    let raced = false;
    s.beforePut = (v) => {
      // while we clear version 1, the other registration clears ours
      if (v === '1' && !raced) {
        raced = true;
        s.versions.get('2')!.properties.tags = {};
      }
    };
    const { version: v } = await moveAliases(s, 'm', s.versions.get('2')!, ['champion']);
    expect(holdsAlias(v.properties.tags!, 'champion')).toBe(true);
    expect(holdsAlias(s.versions.get('2')!.properties.tags!, 'champion')).toBe(true);
    expect(holdsAlias(s.versions.get('1')!.properties.tags!, 'champion')).toBe(false);
  });
});
