/**
 * The scoring URI of every endpoint: `POST {baseUrl}/inference/{endpoint}/score` (also
 * `POST {baseUrl}/score/{endpoint}`), answered like Azure's managed online endpoint gateway:
 *
 * 1. unknown endpoint → 404; authentication: `Authorization: Bearer <primary|secondary key>`
 *    (authMode Key), a token of the endpoint's `token` operation (AMLToken), or an Entra token
 *    for `https://ml.azure.com` (AADToken) — else 401;
 * 2. the `azureml-model-deployment` header picks a deployment (even at 0 % traffic; 404 when
 *    there is none of that name); else the live split (smooth weighted round-robin), 404
 *    "No valid deployments to route to" when no weight is positive; requests routed by weight
 *    are also copied to the mirror deployment at its percentage (answer discarded);
 * 3. more than 2 × maxConcurrentRequestsPerInstance × instance count in flight → 429;
 *    no serving process (starting, crashed, failed) or a refused connection → 503;
 *    `requestTimeout` exceeded → 408; the connection to the process broke mid-request → 502;
 * 4. the model's non-2xx answer becomes 424 on a managed deployment (with
 *    `ms-azureml-model-error-statuscode` / `ms-azureml-model-error-reason`), 502 on Kubernetes.
 *
 * Every answer carries `azureml-model-deployment` (who answered) when a deployment was chosen,
 * and is recorded for the Azure Monitor metrics (status, status class, the model's status,
 * deployment, latency, bytes).
 */
import { timingSafeEqual } from 'node:crypto';
import { request } from 'node:http';
import type { EmulatorRequest, EmulatorResponse, Route } from '../types.js';
import { DataCollectorWriter } from './data-collector.js';
import { REQUEST_FAULT_KINDS } from './faults.js';
import { AAD_TOKEN_AUDIENCE, amlTokenAudience } from './ids.js';
import type { ScoringProcess } from './process.js';
import type { DeploymentRuntime, EndpointRuntime } from './runtime.js';
import type { EndpointService } from './service.js';

const DEPLOYMENT_HEADER = 'azureml-model-deployment';
const FAULT_HEADER = 'x-azureml-emulator-fault';

type ProxyResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string; refused?: boolean };

/** Headers of the client's request that reach the scoring process. */
const FORWARDED = ['content-type', 'accept', 'x-request-id', 'x-ms-client-request-id', 'user-agent'];

function proxy(
  inst: ScoringProcess,
  body: Buffer,
  headers: Record<string, string | undefined>,
  requestId: string,
  timeoutMs: number,
  fault?: string,
): Promise<ProxyResult> {
  return new Promise((resolve) => {
    const out: Record<string, string> = { 'content-length': String(body.length) };
    for (const h of FORWARDED) {
      const v = headers[h];
      if (v !== undefined) out[h] = v;
    }
    out['x-request-id'] = requestId;
    if (!out['content-type']) out['content-type'] = 'application/json';
    if (fault) out[FAULT_HEADER] = fault;
    let settled = false;
    const finish = (r: ProxyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request({ host: '127.0.0.1', port: inst.port, method: 'POST', path: '/score', agent: inst.agent, headers: out }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
        finish({ kind: 'response', status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', (err) => finish({ kind: 'error', message: err.message }));
      res.on('aborted', () => finish({ kind: 'error', message: 'the response was cut off' }));
    });
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', message: err.message, refused: err.code === 'ECONNREFUSED' }));
    req.end(body);
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, raw: JSON.stringify(body), headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
}

function sameSecret(a: string, b: string): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The first line of a model's error body, for `ms-azureml-model-error-reason`. */
function reasonOf(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const msg = typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : undefined;
    if (msg) return msg.split('\n')[0].slice(0, 200);
  } catch {
    // not JSON
  }
  return (text.split('\n')[0] ?? '').slice(0, 200) || 'model error';
}

export function scoringRoutes(svc: EndpointService): Route[] {
  const collector = new DataCollectorWriter(svc.deps.arm, svc.blob, svc.deps.arm.blob.endpoint);
  const authorize = (ep: EndpointRuntime, header: string | undefined, now: Date): string | undefined => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m)
      return header
        ? 'The Authorization header is not a Bearer credential.'
        : 'The request has no Authorization header: send Authorization: Bearer <key or token>.';
    const credential = m[1];
    // Each mode opens the scoring URI with its own credential only (docs
    // https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-online-endpoint,
    // "Get the key or token for data plane operations"); expired tokens are refused (the AML token's
    // expiryTimeUtc, online-deployment-e2e 141st entry; an Entra token's exp). Whether Azure also
    // takes an Entra token on Key/AMLToken endpoints is not documented: refused here.
    switch (ep.authMode) {
      case 'Key':
        return sameSecret(credential, ep.keys.primaryKey) || sameSecret(credential, ep.keys.secondaryKey)
          ? undefined
          : 'The key is not valid for this endpoint.';
      case 'AMLToken': {
        const check = svc.deps.tokens.verify(credential, now, [amlTokenAudience(ep.id)]);
        return check.ok ? undefined : `The token is not valid for this endpoint: ${check.error.message}`;
      }
      case 'AADToken': {
        // Audience https://ml.azure.com (azure-ai-ml _online_endpoint_operations.py
        // _get_online_credentials: credential.get_token for AAD_TOKEN_RESOURCE_ENDPOINT).
        const check = svc.deps.tokens.verify(credential, now, [AAD_TOKEN_AUDIENCE]);
        return check.ok ? undefined : `The Microsoft Entra token is not valid for this endpoint: ${check.error.message}`;
      }
    }
  };

  /** Sends one request to a deployment and records it. `mirrored`: a copy whose answer nobody reads. */
  const forward = async (ep: EndpointRuntime, dep: DeploymentRuntime, req: EmulatorRequest, started: number, mirrored: boolean): Promise<EmulatorResponse> => {
    const requestId = req.headers['x-request-id'] ?? req.ctx.requestId;
    const base = { [DEPLOYMENT_HEADER]: dep.name, 'x-request-id': requestId };
    const record = (statusCode: number, modelStatusCode: number | undefined, bytesOut: number) => {
      svc.metrics.recordRequest(ep.id, {
        time: req.ctx.now.getTime(),
        deployment: dep.name,
        statusCode,
        ...(modelStatusCode !== undefined ? { modelStatusCode } : {}),
        latencyMs: performance.now() - started,
        bytes: req.rawBody.length + bytesOut,
      });
    };
    const answer = (status: number, body: unknown, modelStatus?: number, headers: Record<string, string> = {}) => {
      const r = json(status, body, { ...base, ...headers });
      record(status, modelStatus, Buffer.byteLength(r.raw as string));
      return r;
    };
    // 429 "Too many pending requests": at most 2 × max_concurrent_requests_per_instance × instance_count
    // in parallel (https://learn.microsoft.com/en-us/azure/machine-learning/how-to-troubleshoot-online-endpoints#http-status-codes).
    const limit = 2 * dep.maxConcurrent * dep.capacity;
    if (dep.inflight >= limit) {
      return answer(429, {
        message: `Too many pending requests to deployment '${dep.name}': at most 2 × max_concurrent_requests_per_instance (${dep.maxConcurrent}) × instance_count (${dep.capacity}) = ${limit} may be in flight. Retry with backoff.`,
      });
    }
    const fault = svc.faults.take(REQUEST_FAULT_KINDS, ep.name, dep.name);
    if (fault?.kind === 'gatewayError') {
      const status = fault.status ?? 503;
      return answer(status, { message: fault.message ?? `Service unavailable (HTTP ${status} injected by the emulator).` });
    }
    const inst = dep.instance;
    if (!dep.ready || !inst) {
      return answer(503, {
        message: `no healthy upstream: deployment '${dep.name}' has no ready scoring container (provisioning state ${dep.state}${dep.restartTimer ? ', restarting after a crash' : ''}).`,
      });
    }
    const faultHeader =
      fault?.kind === 'slow'
        ? `sleep=${fault.ms ?? 0}`
        : fault?.kind === 'modelError'
          ? `raise=${encodeURIComponent(fault.message ?? 'model error (fault injected by the emulator)')}`
          : fault?.kind === 'crash'
            ? 'crash'
            : undefined;
    dep.inflight++;
    let result: ProxyResult;
    try {
      result = await proxy(inst, req.rawBody, req.headers, requestId, dep.requestTimeoutMs, faultHeader);
    } finally {
      dep.inflight--;
    }
    if (mirrored) dep.mirrored++;
    else dep.served++;
    if (result.kind === 'timeout') {
      // 408: "The model execution took longer than the timeout supplied in request_timeout_ms"
      // (https://learn.microsoft.com/en-us/azure/machine-learning/how-to-troubleshoot-online-endpoints#http-status-codes).
      return answer(408, {
        message: `Request timeout: deployment '${dep.name}' did not answer within its request timeout of ${dep.requestTimeoutMs} ms (request_settings.request_timeout_ms).`,
      });
    }
    if (result.kind === 'error' && result.refused) {
      return answer(503, {
        message: `upstream connect error or disconnect/reset before headers. reset reason: connection failure (deployment '${dep.name}' is not listening)`,
      });
    }
    if (result.kind === 'error') {
      return answer(502, {
        message: `upstream connect error or disconnect/reset before headers. reset reason: connection termination (deployment '${dep.name}': ${result.message})`,
      });
    }
    const passthrough: Record<string, string> = {};
    for (const h of ['content-type', 'x-ms-run-function-failed']) if (result.headers[h]) passthrough[h] = result.headers[h]!;
    if (result.status >= 200 && result.status < 300) {
      record(result.status, result.status, result.body.length);
      // What the deployment served, to its data collector (data-collector.ts), after the answer.
      const served = {
        deploymentId: dep.id,
        endpoint: ep.name,
        deployment: dep.name,
        time: req.ctx.now,
        requestId,
        requestBody: req.rawBody,
        responseBody: result.body,
      };
      void svc.track(collector.record(served).catch(() => undefined));
      return { status: result.status, raw: result.body, headers: { ...passthrough, ...base } };
    }
    // The model answered with an error: the gateway's status depends on the compute type.
    const status = dep.computeType === 'Kubernetes' ? 502 : 424;
    record(status, result.status, result.body.length);
    return {
      status,
      raw: result.body,
      headers: {
        ...passthrough,
        ...base,
        'ms-azureml-model-error-statuscode': String(result.status),
        'ms-azureml-model-error-reason': reasonOf(result.body).replace(/[^\x20-\x7e]/g, '?'),
      },
    };
  };

  const score = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const started = performance.now();
    const name = req.params.endpointName;
    const ep = svc.registry.byEndpointName(name);
    if (!ep) return json(404, { message: `There is no online endpoint '${name}' in this region.` });
    const requestId = req.headers['x-request-id'] ?? req.ctx.requestId;
    const reject = (status: number, message: string, headers: Record<string, string> = {}) => {
      const r = json(status, { message }, { 'x-request-id': requestId, ...headers });
      svc.metrics.recordRequest(ep.id, {
        time: req.ctx.now.getTime(),
        deployment: '',
        statusCode: status,
        latencyMs: performance.now() - started,
        bytes: req.rawBody.length,
      });
      return r;
    };
    const denied = authorize(ep, req.headers.authorization, req.ctx.now);
    if (denied) return reject(401, denied, { 'WWW-Authenticate': 'Bearer' });
    const wanted = req.headers[DEPLOYMENT_HEADER]?.trim();
    let dep: DeploymentRuntime | undefined;
    let mirrorTo: string | undefined;
    if (wanted) {
      dep = ep.deployment(wanted);
      if (!dep || dep.state === 'Deleting') return reject(404, `Deployment '${wanted}' was not found in endpoint '${ep.name}' (header ${DEPLOYMENT_HEADER}).`);
    } else {
      const picked = ep.pick();
      dep = picked ? ep.deployment(picked) : undefined;
      if (!dep) {
        return reject(
          404,
          'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.',
        );
      }
      mirrorTo = ep.mirrorThis();
    }
    if (mirrorTo) {
      const mirror = ep.deployment(mirrorTo);
      if (mirror?.ready) void svc.track(forward(ep, mirror, req, performance.now(), true).catch(() => undefined));
    }
    return forward(ep, dep, req, started, false);
  };

  const swagger = (req: EmulatorRequest): EmulatorResponse => {
    const name = req.params.endpointName;
    const ep = svc.registry.byEndpointName(name);
    if (!ep) return json(404, { message: `There is no online endpoint '${name}' in this region.` });
    const denied = authorize(ep, req.headers.authorization, req.ctx.now);
    if (denied) return json(401, { message: denied }, { 'WWW-Authenticate': 'Bearer' });
    return json(200, {
      swagger: '2.0',
      info: { title: ep.name, description: `Online endpoint ${ep.name} (Azure ML emulator)`, version: '1.0' },
      schemes: ['http'],
      consumes: ['application/json'],
      produces: ['application/json'],
      paths: {
        '/score': {
          post: {
            description: 'Run the model: the request body is passed to run() of the scoring script.',
            responses: { '200': { description: 'the return value of run(), JSON-encoded' } },
          },
        },
      },
    });
  };

  return [
    { method: 'POST', pattern: '/inference/{endpointName}/score', operation: 'OnlineEndpoint_Score', auth: 'none', handler: score },
    { method: 'POST', pattern: '/score/{endpointName}', operation: 'OnlineEndpoint_Score', auth: 'none', handler: score },
    { method: 'GET', pattern: '/inference/{endpointName}/swagger.json', operation: 'OnlineEndpoint_Swagger', auth: 'none', handler: swagger },
  ];
}
