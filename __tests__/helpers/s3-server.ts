/**
 * An S3-compatible server inside the test run: s3rver (npm, the S3 REST API over a folder) on
 * 127.0.0.1, with buckets and objects written through the official client, and the environment a
 * step needs to reach it (AWS_ENDPOINT_URL_S3 and access keys, as configure-aws-credentials or a
 * MinIO setup leave them).
 *
 * What s3rver checks (node_modules/s3rver/lib/middleware/authentication.js): the access key id
 * must be one it knows (`S3RVER`), else 403 InvalidAccessKeyId; SigV4 signatures themselves are
 * not verified (a wrong secret key is accepted). A denial is therefore tested with an unknown
 * access key id. It keeps no object versions (no VersionId).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

interface S3rverLike {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverLike;

/** The access key s3rver knows (its hard-coded account). */
export const S3RVER_KEY = 'S3RVER';

export interface RunningS3 {
  endpoint: string;
  client: S3Client;
  /** Puts `files` (relative path → content) under `prefix/` of `bucket`. */
  put(bucket: string, prefix: string, files: Record<string, string | Buffer>): Promise<void>;
  /** The step environment: the endpoint, the keys, and no other credential source of this machine. */
  env(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<RunningS3> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    // s3rver does not read aws-chunked bodies with trailing checksums: send plain bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    async put(bucket, prefix, files) {
      for (const [rel, body] of Object.entries(files)) {
        const Key = prefix ? `${prefix.replace(/\/+$/, '')}/${rel}` : rel;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: typeof body === 'string' ? Buffer.from(body) : body }));
      }
    },
    env: (overrides = {}) => ({
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_KEY,
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: join(directory, 'no-credentials'),
      AWS_CONFIG_FILE: join(directory, 'no-config'),
      ...overrides,
    }),
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
