/**
 * The pure parts of the cloud object layer: s3:// and gs:// URIs, folder listings as either SDK
 * gives them (S3 ETags, GCS generations, folder placeholders), the lineage tag, the errors each
 * cloud's failures become, and the content hash of listed files against the snapshot of the same
 * files on disk.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderListing, objectListing } from '../../src/clouds/objects.js';
import { gcsFailure } from '../../src/clouds/gcs.js';
import { jwtExpiry, s3Failure } from '../../src/clouds/s3.js';
import { isCloudUri, parseCloudUri } from '../../src/clouds/uri.js';
import { combine, ignoredBy, snapshot } from '../../src/core/hash.js';
import { MAX_OBJECTS_TAG_CHARS, objectsTag } from '../../src/models/cloud-source.js';

describe('s3:// and gs:// URIs', () => {
  it('parses a key, a prefix and a folder-only prefix', () => {
    expect(parseCloudUri('s3://my-bucket/models/iris', 'path')).toEqual({
      cloud: 's3',
      bucket: 'my-bucket',
      key: 'models/iris',
      folderOnly: false,
      uri: 's3://my-bucket/models/iris',
    });
    expect(parseCloudUri(' gs://bkt_1/runs/7/model/ ', 'path')).toMatchObject({ cloud: 'gs', bucket: 'bkt_1', key: 'runs/7/model', folderOnly: true });
    expect(parseCloudUri('S3://b12/x.json', 'metrics-file')).toMatchObject({ cloud: 's3', key: 'x.json' });
    expect(isCloudUri('s3://a/b')).toBe(true);
    expect(isCloudUri('gs://a/b')).toBe(true);
    expect(isCloudUri('azureml://datastores/x/paths/y')).toBe(false);
    expect(isCloudUri('./s3:/x')).toBe(false);
  });

  it('refuses a URI with no key, no bucket, a bad bucket name or a wildcard, naming the input', () => {
    const fail = (text: string) => {
      try {
        parseCloudUri(text, 'path');
      } catch (e) {
        expect((e as { name: string; input: string }).name).toBe('ConfigurationError');
        expect((e as { input: string }).input).toBe('path');
        return (e as Error).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(fail('s3://models')).toBe("Input 'path': 's3://models' names the whole bucket 'models', not a file or folder in it.");
    expect(fail('s3://models/')).toContain('names the whole bucket');
    expect(fail('gs://models//')).toContain('names the whole bucket');
    expect(fail('s3:///key')).toContain('names no bucket');
    expect(fail('gs://UPPER/x')).toContain("'UPPER' is not a valid Google Cloud Storage bucket name");
    expect(fail('s3://a/x')).toContain('is not a valid AWS S3 bucket name');
    expect(fail('s3://bucket/models/*.pkl')).toContain('wildcard');
  });
});

describe('listings', () => {
  const uri = parseCloudUri('gs://bkt/runs/7/model', 'path');

  it('a folder: relative paths, sorted, placeholders and stray keys left out, ETags unquoted, generations kept', () => {
    const listing = folderListing(uri, [
      { key: 'runs/7/model/', size: 0 }, // the console's folder placeholder
      { key: 'runs/7/model/weights.bin', size: 10, etag: '"CJ2v"', version: '1712345678901234' },
      { key: 'runs/7/model/code/', size: 0 },
      { key: 'runs/7/model/code/score.py', size: 3, etag: 'W/"abc"' },
      { key: 'runs/7/model/MLmodel', size: 5, version: '17' },
      { key: 'runs/7/modelx/other', size: 1 }, // another prefix, not this folder
    ]);
    expect(listing.isFile).toBe(false);
    expect(listing.name).toBe('model');
    expect(listing.bytes).toBe(18);
    expect(listing.objects).toEqual([
      { key: 'runs/7/model/MLmodel', path: 'MLmodel', size: 5, version: '17' },
      { key: 'runs/7/model/code/score.py', path: 'code/score.py', size: 3, etag: 'abc' },
      { key: 'runs/7/model/weights.bin', path: 'weights.bin', size: 10, etag: 'CJ2v', version: '1712345678901234' },
    ]);
  });

  it('one object: its last name segment is the file name', () => {
    const l = objectListing(parseCloudUri('s3://b12/a/b/model.onnx', 'path'), { key: 'a/b/model.onnx', size: 4, etag: '"d41d"', version: 'v1' });
    expect(l).toMatchObject({ isFile: true, name: 'model.onnx', bytes: 4, objects: [{ path: 'model.onnx', etag: 'd41d', version: 'v1' }] });
  });

  it('the lineage tag lists [path, etag, version] and is cut to its limit, saying how many were left out', () => {
    expect(
      objectsTag([
        { key: 'k/a', path: 'a', size: 1, etag: 'e1', version: 'v1' },
        { key: 'k/b', path: 'b', size: 1 },
      ]),
    ).toBe('[["a","e1","v1"],["b","",""]]');
    const many = Array.from({ length: 500 }, (_, i) => ({ key: `k/${i}`, path: `file-${String(i).padStart(4, '0')}.bin`, size: 1, etag: 'e'.repeat(32) }));
    const tag = objectsTag(many);
    expect(tag.length).toBeLessThanOrEqual(MAX_OBJECTS_TAG_CHARS);
    const rows = JSON.parse(tag) as string[][];
    expect(rows[rows.length - 1]![0]).toBe(`… ${500 - (rows.length - 1)} more`);
    expect(rows[0]).toEqual(['file-0000.bin', 'e'.repeat(32), '']);
  });
});

describe('the content hash of listed files', () => {
  it('equals the snapshot hash of the same folder on disk, with the same ignore rules', async () => {
    const files: Record<string, string> = {
      MLmodel: 'flavors: {}\n',
      'weights.bin': 'w'.repeat(1000),
      'code/score.py': 'print(1)\n',
      'cache/tmp.txt': 'ignored by .gitignore',
      '__pycache__/a.pyc': 'always ignored',
      '.gitignore': 'cache/\n',
    };
    const dir = mkdtempSync(join(tmpdir(), 'cloud-hash-'));
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const disk = await snapshot(dir);
    const ignored = ignoredBy(files['.gitignore']);
    const listed = Object.keys(files)
      .filter((p) => !ignored(p))
      .sort()
      .map((path) => ({ path, size: Buffer.byteLength(files[path]!), sha256: createHash('sha256').update(files[path]!).digest('hex') }));
    expect(listed.map((f) => f.path)).toEqual(disk.files.map((f) => f.path));
    expect(combine(listed)).toBe(disk.hash);
  });
});

describe('failures become one error naming the cloud, the bucket and what to set', () => {
  const s3 = parseCloudUri('s3://models/iris/', 'path');
  const gs = parseCloudUri('gs://models/iris/', 'path');
  const awsError = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('S3', () => {
    expect(s3Failure(s3, 'path', awsError('NoSuchBucket', 404)).message).toBe("Input 'path': AWS S3 has no bucket 'models'.");
    const denied = s3Failure(s3, 'path', awsError('AccessDenied', 403, 'Access Denied')) as Error & { hint: string };
    expect(denied.message).toBe("Input 'path': AWS S3 refused the credentials for bucket 'models' (AccessDenied): Access Denied");
    expect(denied.hint).toMatch(/AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE/);
    expect(s3Failure(s3, 'path', awsError('ExpiredTokenException', 400, 'Token expired')).message).toMatch(/web identity token has expired/);
    expect(s3Failure(s3, 'path', awsError('InvalidIdentityTokenException', 400, 'Incorrect token audience')).message).toMatch(
      /refused the credentials .*AWS STS refused the web identity token: Incorrect token audience/,
    );
    expect(
      s3Failure(s3, 'path', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })).message,
    ).toMatch(/no AWS S3 credentials were found to read s3:\/\/models\/iris\/ \(bucket 'models'\)/);
    const other = new Error('socket hang up');
    expect(s3Failure(s3, 'path', other)).toBe(other);
  });

  it('GCS', () => {
    const api = (code: number, message: string, reason?: string) => Object.assign(new Error(message), { code, ...(reason ? { errors: [{ reason }] } : {}) });
    expect(gcsFailure(gs, 'path', api(404, 'The specified bucket does not exist.')).message).toBe("Input 'path': Google Cloud Storage has no bucket 'models'.");
    expect(gcsFailure(gs, 'path', api(403, 'ci@p.iam.gserviceaccount.com does not have storage.objects.list access', 'forbidden')).message).toMatch(
      /Google Cloud Storage refused the credentials for bucket 'models' \(forbidden\)/,
    );
    const none = gcsFailure(
      gs,
      'path',
      new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started'),
    );
    expect(none.message).toMatch(/no Google Cloud Storage credentials were found/);
    expect((none as Error & { hint: string }).hint).toMatch(/google-github-actions\/auth/);
    expect(gcsFailure(gs, 'path', new Error('invalid_grant: The token has expired')).message).toMatch(/web identity token has expired/);
  });

  it('reads the expiry of a JWT (the web identity token file)', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(jwtExpiry(`${b64({ alg: 'RS256' })}.${b64({ exp: 1700000000 })}.sig\n`)).toBe(1700000000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(jwtExpiry(`${b64({})}.${b64({ sub: 'x' })}.sig`)).toBeUndefined();
  });
});
