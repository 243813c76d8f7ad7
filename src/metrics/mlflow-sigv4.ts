/**
 * SigV4 signing of MLflow REST requests to a SageMaker managed MLflow tracking server, as the
 * sagemaker-mlflow plugin signs them (aws/sagemaker-mlflow, sagemaker_mlflow/auth.py: service name
 * `sagemaker-mlflow`, the region of the ARN, `X-Amz-Content-SHA256` set to the body's hash;
 * mlflow_sagemaker_request_header_provider.py: the ARN in `x-mlflow-sm-tracking-server-arn`).
 * Credentials come from the AWS standard chain (fromNodeProviderChain: environment, the web
 * identity token file of aws-actions/configure-aws-credentials, profiles, ECS/EC2 metadata).
 *
 * Loaded with import() from mlflow.ts only when a tracking URI is a SageMaker ARN: the AWS SDK
 * pieces stay out of every other path.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { PipelineRequest } from '@azure/core-rest-pipeline';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types';
import { ConfigurationError, errorMessage } from '../core/errors.js';

/** SigV4 service name of SageMaker managed MLflow (sagemaker_mlflow/auth.py SERVICE_NAME). */
export const SAGEMAKER_MLFLOW_SERVICE = 'sagemaker-mlflow';
/** The routing header the plugin adds (mlflow_sagemaker_request_header_provider.py). */
export const TRACKING_SERVER_ARN_HEADER = 'x-mlflow-sm-tracking-server-arn';

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 / HMAC-SHA256 over node:crypto, in the shape the signer takes (a Checksum constructor). */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface SigV4SignerSettings {
  arn: string;
  region: string;
  /** Default: the AWS standard chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Signs a pipeline request in place (adds authorization, x-amz-date, x-amz-security-token, ...). */
export function createSigV4Signer(settings: SigV4SignerSettings): (request: PipelineRequest) => Promise<void> {
  const chain = settings.credentials ?? fromNodeProviderChain();
  // Resolved once per client (the chain caches and refreshes expiring credentials itself).
  const credentials: AwsCredentialIdentityProvider = async () => {
    try {
      return typeof chain === 'function' ? await chain() : chain;
    } catch (error) {
      throw new ConfigurationError(`No AWS credentials to sign requests to the SageMaker MLflow tracking server ${settings.arn}: ${errorMessage(error)}`, {
        input: 'mlflow-tracking-uri',
        hint: 'Run aws-actions/configure-aws-credentials before this step, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE).',
        cause: error,
      });
    }
  };
  const signer = new SignatureV4({ service: SAGEMAKER_MLFLOW_SERVICE, region: settings.region, credentials, sha256: NodeSha256 });
  return async (request) => {
    // Spaces in the query as %20, not + (SigV4 reads + as itself; the plugin does the same, auth.py).
    const parsed = new URL(request.url);
    if (parsed.search.includes('+')) request.url = `${parsed.origin}${parsed.pathname}${parsed.search.replace(/\+/g, '%20')}`;
    const url = new URL(request.url);
    const body = typeof request.body === 'string' ? request.body : '';
    request.headers.set(TRACKING_SERVER_ARN_HEADER, settings.arn);
    request.headers.set('x-amz-content-sha256', createHash('sha256').update(body, 'utf8').digest('hex'));
    const headers: Record<string, string> = { host: url.host };
    for (const [name, value] of request.headers) if (name.toLowerCase() !== 'user-agent') headers[name.toLowerCase()] = value;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers,
      body: body === '' ? undefined : body,
    });
    for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') request.headers.set(name, value);
  };
}
