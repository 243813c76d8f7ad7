/**
 * ARM long-running operations, in one helper. A handler calls `begin()` with the work to do and
 * answers 200/201/202 with `accepted()` (the headers alone: `acceptedHeaders()`): `Azure-AsyncOperation` → the operation-status route
 * (`…/locations/{loc}/mfeOperationsStatus/{id}`: `{ status: InProgress | Succeeded | Failed |
 * Canceled, error? }`) and/or `Location` → the operation-result route
 * (`…/locations/{loc}/mfeOperationResults/{id}`: 202 while in progress, then the final answer),
 * plus `Retry-After`. The operation stays `InProgress` until the work is done and at least
 * `timings.lroMs` passed, like Azure's operations that take a while.
 */
import { randomUUID } from 'node:crypto';
import { MLS_NAMESPACE } from '../config.js';
import type { EmulatorRequest, EmulatorResponse, EmulatorTimings, RequestContext, Route } from '../types.js';
import { apiVersionOf } from './api-version.js';
import { ArmError, ArmErrors, type ArmErrorDetail } from './errors.js';

/**
 * `InProgress` is ARM's generic running status (swagger); the ML service's own operations say
 * `Updating` (online/batch endpoints and deployments, even for a create or a delete) or `Creating`
 * (schedules) while they run (recordings README observations 2-4).
 */
export type OperationStatus = 'InProgress' | 'Updating' | 'Creating' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationRecord {
  id: string;
  subscriptionId: string;
  location: string;
  /** What the operation does, e.g. `Jobs_Delete` (for the log and tests). */
  operation: string;
  /** ARM id of the resource the operation acts on. */
  resourceId: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  percentComplete: number;
  error?: ArmErrorDetail;
  /** HTTP status of the operation-result route once the operation failed. */
  errorStatus?: number;
  /** HTTP status and body of the operation-result route once the operation succeeded. */
  resultStatus: number;
  resultBody?: unknown;
}

/** What the work of an operation may return: the final answer of the operation-result route. */
export interface OperationResult {
  status?: number;
  body?: unknown;
}

export interface BeginOptions {
  subscriptionId: string;
  location: string;
  operation: string;
  resourceId: string;
  ctx: RequestContext;
  /** The work: starts at once; a thrown ArmError fails the operation with its code/message. */
  work: () => Promise<OperationResult | void>;
  /** Override `timings.lroMs` for this operation. */
  minDurationMs?: number;
  /** Status of the result route on success when the work returns none (default 200). */
  resultStatus?: number;
  /** The status the operation-status route answers while the work runs (default `InProgress`). */
  runningStatus?: 'InProgress' | 'Updating' | 'Creating';
}

export interface HeaderOptions {
  asyncOperation?: boolean;
  location?: boolean;
  /** api-version to put on the polling URLs (the request's). */
  apiVersion: string;
}

/** The answer that starts an operation (`LroManager.accepted`). */
export interface AcceptedOptions {
  status: 200 | 201 | 202;
  /** The answer's body (absent: none; `null` is sent as `null`). */
  body?: unknown;
  /** Which polling header(s): `Azure-AsyncOperation` (`async`), `Location` (`location`) or both. */
  poll: 'async' | 'location' | 'both';
  /** `Location` = the resource's own URL (ARM id; a create's answer) instead of the operation-result route. */
  resourceLocation?: string;
  /** `x-ms-async-operation-timeout`, as Azure sends it for the operation (e.g. `PT1H`, `PT30M`). */
  timeout?: string;
}

/** `Location` of a resource: its URL with the request's api-version. */
export function resourceUrl(req: EmulatorRequest, id: string): string {
  return `${req.ctx.baseUrl}${id}?api-version=${encodeURIComponent(apiVersionOf(req))}`;
}

const MAX_OPERATIONS = 5000;

export class LroManager {
  private readonly ops = new Map<string, OperationRecord>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(
    private readonly timings: EmulatorTimings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  begin(o: BeginOptions): OperationRecord {
    if (this.closed) throw ArmErrors.internal('the emulator is shutting down');
    const op: OperationRecord = {
      id: randomUUID(),
      subscriptionId: o.subscriptionId,
      location: o.location,
      operation: o.operation,
      resourceId: o.resourceId,
      status: o.runningStatus ?? 'InProgress',
      startTime: o.ctx.now.toISOString(),
      percentComplete: 0,
      resultStatus: o.resultStatus ?? 200,
    };
    this.ops.set(op.id, op);
    this.trim();
    const minMs = o.minDurationMs ?? this.timings.lroMs;
    const run = (async () => {
      const [outcome] = await Promise.all([settle(o.work), this.sleep(minMs)]);
      if (outcome.ok) {
        op.status = 'Succeeded';
        if (outcome.value && typeof outcome.value === 'object') {
          if (outcome.value.status !== undefined) op.resultStatus = outcome.value.status;
          if (outcome.value.body !== undefined) op.resultBody = outcome.value.body;
        }
      } else {
        const e = outcome.error instanceof ArmError ? outcome.error : ArmErrors.internal(String((outcome.error as Error)?.message ?? outcome.error));
        op.status = 'Failed';
        op.error = { code: e.code, message: e.message, ...(e.options.target ? { target: e.options.target } : {}) };
        op.errorStatus = e.status;
      }
      op.percentComplete = 100;
      op.endTime = this.clock().toISOString();
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return op;
  }

  get(id: string): OperationRecord | undefined {
    const op = this.ops.get(id);
    return op ? { ...op } : undefined;
  }

  /** Resolves when every operation begun so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  statusUrl(op: OperationRecord, baseUrl: string, apiVersion: string): string {
    return `${baseUrl}${opPath(op, 'mfeOperationsStatus')}?api-version=${encodeURIComponent(apiVersion)}&type=async`;
  }

  resultUrl(op: OperationRecord, baseUrl: string, apiVersion: string): string {
    return `${baseUrl}${opPath(op, 'mfeOperationResults')}?api-version=${encodeURIComponent(apiVersion)}&type=location`;
  }

  /** Headers of the 201/202 answer that starts an operation. */
  acceptedHeaders(op: OperationRecord, ctx: RequestContext, o: HeaderOptions): Record<string, string> {
    const h: Record<string, string> = { 'Retry-After': String(this.timings.retryAfterSeconds) };
    if (o.asyncOperation) h['Azure-AsyncOperation'] = this.statusUrl(op, ctx.baseUrl, o.apiVersion);
    if (o.location) h['Location'] = this.resultUrl(op, ctx.baseUrl, o.apiVersion);
    return h;
  }

  /**
   * The one 200/201/202 answer that starts an operation: `Retry-After`, then `Azure-AsyncOperation`
   * and/or `Location` (the operation-result route, or the resource's URL), then
   * `x-ms-async-operation-timeout`; polling URLs carry the request's api-version.
   */
  accepted(op: OperationRecord, req: EmulatorRequest, a: AcceptedOptions): EmulatorResponse {
    const apiVersion = apiVersionOf(req);
    const headers = this.acceptedHeaders(op, req.ctx, { asyncOperation: a.poll !== 'location', location: a.poll !== 'async', apiVersion });
    if (a.resourceLocation !== undefined) headers['Location'] = resourceUrl(req, a.resourceLocation);
    if (a.timeout !== undefined) headers['x-ms-async-operation-timeout'] = a.timeout;
    return a.body !== undefined ? { status: a.status, body: a.body, headers } : { status: a.status, headers };
  }

  routes(): Route[] {
    const prefix = `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/locations/{location}`;
    return [
      {
        method: 'GET',
        pattern: `${prefix}/mfeOperationsStatus/{operationId}`,
        operation: 'OperationStatus_Get',
        handler: (req) => this.statusHandler(req),
      },
      {
        method: 'GET',
        pattern: `${prefix}/mfeOperationResults/{operationId}`,
        operation: 'OperationResult_Get',
        handler: (req) => this.resultHandler(req),
      },
    ];
  }

  /** Refuses new operations and ends the waits of pending ones (no timer keeps the process alive). */
  close(): void {
    this.closed = true;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve();
    }
    this.timers.clear();
  }

  private find(req: EmulatorRequest): OperationRecord {
    const op = this.ops.get(req.params.operationId);
    if (!op || op.subscriptionId.toLowerCase() !== req.params.subscriptionId.toLowerCase() || op.location.toLowerCase() !== req.params.location.toLowerCase()) {
      throw new ArmError(404, 'NotFound', `The operation '${req.params.operationId}' was not found in location '${req.params.location}'.`);
    }
    return op;
  }

  private statusHandler(req: EmulatorRequest): EmulatorResponse {
    const op = this.find(req);
    const body: Record<string, unknown> = {
      id: opPath(op, 'mfeOperationsStatus'),
      name: op.id,
      status: op.status,
      startTime: op.startTime,
      percentComplete: op.percentComplete,
    };
    if (op.endTime) body.endTime = op.endTime;
    if (op.error) body.error = op.error;
    const headers: Record<string, string> = {};
    if (isRunning(op.status)) headers['Retry-After'] = String(this.timings.retryAfterSeconds);
    return { status: 200, body, headers };
  }

  private resultHandler(req: EmulatorRequest): EmulatorResponse {
    const op = this.find(req);
    const apiVersion = req.query.get('api-version') ?? '';
    switch (op.status) {
      case 'InProgress':
      case 'Updating':
      case 'Creating':
        return {
          status: 202,
          headers: {
            Location: this.resultUrl(op, req.ctx.baseUrl, apiVersion),
            'Retry-After': String(this.timings.retryAfterSeconds),
          },
        };
      case 'Succeeded':
        return op.resultBody === undefined ? { status: op.resultStatus } : { status: op.resultStatus, body: op.resultBody };
      case 'Failed':
      case 'Canceled': {
        const error = op.error ?? { code: 'OperationCanceled', message: `The operation '${op.id}' was canceled.` };
        return { status: op.errorStatus ?? 409, body: { error } };
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.set(t, resolve);
    });
  }

  private trim(): void {
    if (this.ops.size <= MAX_OPERATIONS) return;
    for (const [id, op] of this.ops) {
      if (this.ops.size <= MAX_OPERATIONS) break;
      if (!isRunning(op.status)) this.ops.delete(id);
    }
  }
}

export function isRunning(status: OperationStatus): boolean {
  return status === 'InProgress' || status === 'Updating' || status === 'Creating';
}

function opPath(op: OperationRecord, kind: 'mfeOperationsStatus' | 'mfeOperationResults'): string {
  return `/subscriptions/${op.subscriptionId}/providers/${MLS_NAMESPACE}/locations/${op.location}/${kind}/${op.id}`;
}

async function settle<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
