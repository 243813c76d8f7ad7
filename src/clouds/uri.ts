/**
 * Object locations on other clouds, as their own tools write them: `s3://<bucket>/<key or prefix>`
 * (the AWS CLI's S3Uri, https://docs.aws.amazon.com/cli/latest/reference/s3/#path-argument-type)
 * and `gs://<bucket>/<object or prefix>` (gcloud storage URLs,
 * https://cloud.google.com/storage/docs/gsutil/addlhelp/WildcardNames is not supported: no
 * wildcards). Pure: nothing here talks to a cloud.
 */
import { ConfigurationError } from '../core/errors.js';

export type CloudKind = 's3' | 'gs';

export interface CloudUri {
  cloud: CloudKind;
  bucket: string;
  /** The key (S3) or object name (GCS), or the prefix of a folder; no leading slash. */
  key: string;
  /** True when the URI ends with `/`: a folder only, never one object of that name. */
  folderOnly: boolean;
  /** The URI as given (trimmed). */
  uri: string;
}

/** The cloud's name in messages. */
export function cloudName(cloud: CloudKind): string {
  return cloud === 's3' ? 'AWS S3' : 'Google Cloud Storage';
}

/** True for `s3://…` and `gs://…` (any case of the scheme). */
export function isCloudUri(text: string): boolean {
  return /^(s3|gs):\/\//i.test(text.trim());
}

// S3 bucket names: 3–63 characters of lower-case letters, digits, '.' and '-', starting and ending
// with a letter or digit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html);
// legacy buckets in us-east-1 may also hold upper-case letters and '_'.
const S3_BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
// GCS bucket names: 3–63 characters (up to 222 with dots) of lower-case letters, digits, '-', '_'
// and '.', starting and ending with a letter or digit (https://cloud.google.com/storage/docs/buckets#naming).
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * Parses `s3://bucket/key` or `gs://bucket/object`. A URI without a key (`s3://bucket`,
 * `s3://bucket/`) is refused: a whole bucket is never a model or a metrics file.
 */
export function parseCloudUri(text: string, input: string): CloudUri {
  const uri = text.trim();
  const m = /^(s3|gs):\/\/([^/?#]*)(?:\/(.*))?$/i.exec(uri);
  if (!m) {
    throw new ConfigurationError(`Input '${input}': '${uri}' is not an s3:// or gs:// URI.`, {
      input,
      hint: 'Write s3://<bucket>/<key or folder> or gs://<bucket>/<object or folder>.',
    });
  }
  const cloud = m[1].toLowerCase() as CloudKind;
  const bucket = m[2];
  const scheme = `${cloud}://`;
  const example = cloud === 's3' ? 's3://my-bucket/models/iris/' : 'gs://my-bucket/models/iris/';
  if (bucket === '') {
    throw new ConfigurationError(`Input '${input}': '${uri}' names no bucket.`, { input, hint: `Write ${scheme}<bucket>/<path>, e.g. ${example}.` });
  }
  if (!(cloud === 's3' ? S3_BUCKET : GCS_BUCKET).test(bucket)) {
    throw new ConfigurationError(`Input '${input}': '${bucket}' is not a valid ${cloudName(cloud)} bucket name.`, {
      input,
      hint:
        cloud === 's3'
          ? 'S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens.'
          : 'Cloud Storage bucket names are 3 to 63 lower-case letters, digits, dots, hyphens and underscores.',
    });
  }
  const rawKey = m[3] ?? '';
  const key = rawKey.replace(/^\/+/, '');
  if (key.replace(/\/+$/, '') === '') {
    throw new ConfigurationError(`Input '${input}': '${uri}' names the whole bucket '${bucket}', not a file or folder in it.`, {
      input,
      hint: `Give the object or the folder (prefix) that holds the files, e.g. ${example}.`,
    });
  }
  if (/[*?[]/.test(key)) {
    throw new ConfigurationError(`Input '${input}': '${uri}' holds a wildcard; give one object or one folder.`, {
      input,
      hint: `e.g. ${example} (every object under that prefix).`,
    });
  }
  return { cloud, bucket, key: key.replace(/\/+$/, ''), folderOnly: key.endsWith('/'), uri };
}

/** `s3://bucket/key`. */
export function formatCloudUri(cloud: CloudKind, bucket: string, key: string): string {
  return `${cloud}://${bucket}/${key}`;
}
