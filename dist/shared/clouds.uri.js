import {
  ConfigurationError
} from "./core.errors.js";

// src/clouds/uri.ts
function cloudName(cloud) {
  return cloud === "s3" ? "AWS S3" : "Google Cloud Storage";
}
function isCloudUri(text) {
  return /^(s3|gs):\/\//i.test(text.trim());
}
var S3_BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
var GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
function parseCloudUri(text, input) {
  const uri = text.trim();
  const m = /^(s3|gs):\/\/([^/?#]*)(?:\/(.*))?$/i.exec(uri);
  if (!m) {
    throw new ConfigurationError(`Input '${input}': '${uri}' is not an s3:// or gs:// URI.`, {
      input,
      hint: "Write s3://<bucket>/<key or folder> or gs://<bucket>/<object or folder>."
    });
  }
  const cloud = m[1].toLowerCase();
  const bucket = m[2];
  const scheme = `${cloud}://`;
  const example = cloud === "s3" ? "s3://my-bucket/models/iris/" : "gs://my-bucket/models/iris/";
  if (bucket === "") {
    throw new ConfigurationError(`Input '${input}': '${uri}' names no bucket.`, { input, hint: `Write ${scheme}<bucket>/<path>, e.g. ${example}.` });
  }
  if (!(cloud === "s3" ? S3_BUCKET : GCS_BUCKET).test(bucket)) {
    throw new ConfigurationError(`Input '${input}': '${bucket}' is not a valid ${cloudName(cloud)} bucket name.`, {
      input,
      hint: cloud === "s3" ? "S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens." : "Cloud Storage bucket names are 3 to 63 lower-case letters, digits, dots, hyphens and underscores."
    });
  }
  const rawKey = m[3] ?? "";
  const key = rawKey.replace(/^\/+/, "");
  if (key.replace(/\/+$/, "") === "") {
    throw new ConfigurationError(`Input '${input}': '${uri}' names the whole bucket '${bucket}', not a file or folder in it.`, {
      input,
      hint: `Give the object or the folder (prefix) that holds the files, e.g. ${example}.`
    });
  }
  if (/[*?[]/.test(key)) {
    throw new ConfigurationError(`Input '${input}': '${uri}' holds a wildcard; give one object or one folder.`, {
      input,
      hint: `e.g. ${example} (every object under that prefix).`
    });
  }
  return { cloud, bucket, key: key.replace(/\/+$/, ""), folderOnly: key.endsWith("/"), uri };
}

export {
  cloudName,
  isCloudUri,
  parseCloudUri
};
