/**
 * Which MLflow server a tracking URI names and how to authenticate to it, as MLflow's own client
 * and the platforms' SDKs decide:
 *
 * - Databricks: `databricks` (the workspace from DATABRICKS_HOST) or the workspace address
 *   (`https://<name>.cloud.databricks.com`, `https://adb-<id>.<n>.azuredatabricks.net`,
 *   `https://<id>.<n>.gcp.databricks.com`). REST at `<host>/api/2.0/mlflow/...`
 *   (https://docs.databricks.com/api/workspace/experiments/getrun). Credentials, first found:
 *   mlflow-token, DATABRICKS_TOKEN (a personal access token), then DATABRICKS_CLIENT_ID with
 *   DATABRICKS_CLIENT_SECRET (OAuth M2M) — the variables of Databricks unified client auth
 *   (https://docs.databricks.com/aws/en/dev-tools/auth/unified-auth). CLI profiles are not read.
 * - SageMaker managed MLflow: the tracking server's ARN
 *   (`arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>`). As the sagemaker-mlflow
 *   plugin does (aws/sagemaker-mlflow, sagemaker_mlflow/mlflow_sagemaker_helpers.py,
 *   mlflow_sagemaker_request_header_provider.py, auth.py): REST at
 *   `https://<region>.experiments.sagemaker.aws` (or SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT), the ARN in
 *   the `x-mlflow-sm-tracking-server-arn` header, requests SigV4-signed for the service
 *   `sagemaker-mlflow` with the AWS standard credential chain.
 * - Anything else: a plain MLflow server (bearer or basic auth, {@link resolveMlflowAuth}).
 */
import { ConfigurationError } from '../core/errors.js';
import { resolveMlflowAuth, type MlflowAuth, type MlflowCredentialInputs } from './mlflow.js';

export interface ResolvedMlflowServer {
  /** The address REST calls use (the Databricks workspace URL), or the SageMaker ARN. */
  trackingUri: string;
  auth: MlflowAuth;
  /** Values to mask in the log. */
  secrets: string[];
  platform?: 'databricks' | 'sagemaker';
}

export interface ResolveMlflowServerOptions {
  /** The input the tracking URI came from (errors name it). */
  input?: string;
  /** The input of the token (errors name it). Default mlflow-token. */
  tokenInput?: string;
  /** Masks access tokens obtained later (Databricks OAuth). */
  mask?: (secret: string) => void;
}

const DATABRICKS_HOST = /(^|\.)(cloud\.databricks\.com|gcp\.databricks\.com|azuredatabricks\.net)$/i;
const SAGEMAKER_ARN = /^arn:(aws|aws-us-gov):sagemaker:([a-z0-9-]+):(\d{12}):mlflow-tracking-server\/([A-Za-z0-9-]{1,63})$/;

/** True for an ARN-shaped tracking URI (SageMaker managed MLflow). */
export function isSageMakerTrackingUri(uri: string): boolean {
  return /^arn:/i.test(uri.trim());
}

/** The Databricks workspace address of a tracking URI, or undefined when it is not Databricks. */
export function databricksHostOf(trackingUri: string, env: Record<string, string | undefined>, input?: string): string | undefined {
  const uri = trackingUri.trim();
  if (/^databricks(:|$)/i.test(uri)) {
    if (!/^databricks\/?$/i.test(uri)) {
      throw new ConfigurationError(`The tracking URI '${uri}' names a Databricks CLI profile, which this action does not read.`, {
        input,
        hint: 'Write databricks with DATABRICKS_HOST set, or the workspace address itself, e.g. https://adb-<id>.<n>.azuredatabricks.net.',
      });
    }
    const host = env.DATABRICKS_HOST?.trim();
    if (!host) {
      throw new ConfigurationError("The tracking URI 'databricks' needs the workspace address in DATABRICKS_HOST.", {
        input,
        hint: 'Set DATABRICKS_HOST (e.g. https://<workspace>.cloud.databricks.com), or give the address as mlflow-tracking-uri.',
      });
    }
    // The Databricks SDKs accept a host without scheme.
    const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
    try {
      return new URL(withScheme).origin;
    } catch {
      throw new ConfigurationError(`DATABRICKS_HOST '${host}' is not a workspace address.`, { input, hint: 'e.g. https://<workspace>.cloud.databricks.com' });
    }
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' && DATABRICKS_HOST.test(url.hostname) ? url.origin : undefined;
}

export function resolveMlflowServer(
  trackingUri: string,
  credentials: MlflowCredentialInputs,
  env: Record<string, string | undefined>,
  options: ResolveMlflowServerOptions = {},
): ResolvedMlflowServer {
  const { input } = options;
  const given = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v : undefined);
  const uri = trackingUri.trim();

  if (isSageMakerTrackingUri(uri)) {
    const m = SAGEMAKER_ARN.exec(uri);
    if (!m) {
      throw new ConfigurationError(`'${uri}' is not the ARN of a SageMaker MLflow tracking server.`, {
        input,
        hint: 'Write arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name> (the TrackingServerArn of describe-mlflow-tracking-server; the #<role ARN> suffix is not supported).',
      });
    }
    if (given(credentials.token) || given(credentials.username) || given(credentials.password)) {
      throw new ConfigurationError('SageMaker managed MLflow takes AWS credentials, not mlflow-token / mlflow-username / mlflow-password.', {
        input: given(credentials.token) ? 'mlflow-token' : 'mlflow-username',
        hint: 'Remove them; the AWS standard chain is used (e.g. aws-actions/configure-aws-credentials before this step).',
      });
    }
    const [, , region, , name] = m;
    const endpoint = given(env.SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT)?.trim() ?? `https://${region}.experiments.sagemaker.aws`;
    return {
      trackingUri: uri,
      platform: 'sagemaker',
      secrets: [],
      auth: {
        kind: 'sigv4',
        arn: uri,
        region,
        endpoint,
        platform: {
          id: 'sagemaker',
          serverName: `the SageMaker MLflow tracking server '${name}' (${uri})`,
          refusedHint:
            'Check the AWS credentials of the runner (the standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the web identity of aws-actions/configure-aws-credentials, AWS_PROFILE): they must be valid, in the right account, and allowed the sagemaker-mlflow actions on this tracking server by their IAM policy.',
        },
      },
    };
  }

  const host = databricksHostOf(uri, env, input);
  if (host === undefined) {
    const auth = resolveMlflowAuth(credentials, env);
    const secrets =
      auth.kind === 'bearer' && typeof auth.token === 'string'
        ? [auth.token]
        : auth.kind === 'basic'
          ? [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')]
          : [];
    return { trackingUri: uri, auth, secrets };
  }

  if (given(credentials.username) || given(credentials.password)) {
    throw new ConfigurationError(`The Databricks workspace ${host} does not take a user name and password here.`, {
      input: given(credentials.username) ? 'mlflow-username' : 'mlflow-password',
      hint: 'Give mlflow-token (a personal access token) or set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal, OAuth M2M).',
    });
  }
  const serverName = `the Databricks workspace ${host}`;
  const token = given(credentials.token) ?? given(env.DATABRICKS_TOKEN);
  if (token !== undefined) {
    const from = given(credentials.token) ? (options.tokenInput ?? 'mlflow-token') : 'DATABRICKS_TOKEN';
    return {
      trackingUri: host,
      platform: 'databricks',
      secrets: [token],
      auth: {
        kind: 'bearer',
        token,
        platform: {
          id: 'databricks',
          serverName,
          refusedHint: `The token in ${from} is not a valid personal access token of ${host}, has expired, or may not read this run: create one under Settings → Developer → Access tokens of this workspace (or set DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET for a service principal).`,
        },
      },
    };
  }
  const clientId = given(env.DATABRICKS_CLIENT_ID);
  const clientSecret = given(env.DATABRICKS_CLIENT_SECRET);
  if (clientId !== undefined && clientSecret !== undefined) {
    return {
      trackingUri: host,
      platform: 'databricks',
      secrets: [clientSecret],
      auth: {
        kind: 'databricks-oauth',
        host,
        clientId,
        clientSecret,
        mask: options.mask,
        platform: {
          id: 'databricks',
          serverName,
          refusedHint: `The service principal '${clientId}' (DATABRICKS_CLIENT_ID) got a token but may not read this run: grant it CAN_READ on the experiment in ${host}.`,
        },
      },
    };
  }
  const tokenInput = options.tokenInput ?? 'mlflow-token';
  throw new ConfigurationError(`No credential for ${serverName}.`, {
    input: tokenInput,
    hint:
      clientId !== undefined || clientSecret !== undefined
        ? `Set both DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (only ${clientId !== undefined ? 'DATABRICKS_CLIENT_ID' : 'DATABRICKS_CLIENT_SECRET'} is set), or give ${tokenInput}.`
        : `Give ${tokenInput} (a personal access token, as a secret) or set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (OAuth M2M of a service principal).`,
  });
}
