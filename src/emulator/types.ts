/**
 * The seams inside the local Azure ML emulator.
 *
 * The HTTP server (server.ts) owns the request pipeline: context -> faults -> authentication ->
 * dispatch (route table) -> handler -> serialisation -> error catalogue. Handlers never touch
 * `req`/`res`; they receive an {@link EmulatorRequest} and return an {@link EmulatorResponse}.
 * Resources live in a {@link ResourceStore} (memory or a folder). Jobs are executed by a
 * {@link JobExecutor}; MLflow and run-history routes are contributed as a {@link RouteModule}.
 */

/** One incoming request as handlers see it. */
export interface EmulatorRequest {
  method: string;
  /** Path parameters captured by the route pattern (`{name}` segments), URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  rawBody: Buffer;
  ctx: RequestContext;
}

export interface RequestContext {
  requestId: string;
  /** Time of the request; handlers take time from here, never from Date.now(). */
  now: Date;
  /** e.g. http://127.0.0.1:51234 — the emulator's own base URL as the client reached it. */
  baseUrl: string;
  /** Name of the operation the route table resolved (e.g. `Jobs_CreateOrUpdate`). */
  operation: string;
  /** The caller, when the route required a token (ARM and `mlflow` routes). */
  principal?: Principal;
  /** `x-ms-correlation-request-id` of the request (the client's, or a new one); echoed back. */
  correlationId?: string;
  /** Path of the request without the query, as received (set by the server). */
  path?: string;
}

export interface EmulatorResponse {
  status: number;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE' | 'HEAD';
  /**
   * Path pattern, matched case-insensitively on literal segments, e.g.
   * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}/jobs/{id}`.
   * A trailing `{*rest}` captures the remainder of the path.
   */
  pattern: string;
  /** Operation id as in the swagger where one exists (used by fault rules and errors). */
  operation: string;
  /** `arm` (default): bearer token for the ARM audience required. `none`: anonymous. `mlflow`: ARM token or the job's token. */
  auth?: 'arm' | 'none' | 'mlflow';
  handler: Handler;
}

/** A stored ARM resource (the wire shape: id, name, type, properties, systemData, ...). */
export type ArmResource = Record<string, unknown> & { id: string; name: string; type: string };

/**
 * Resource storage keyed by ARM id (case-insensitive). `list` returns the direct children of a
 * collection id such as `.../workspaces/ws/jobs`.
 */
export interface ResourceStore {
  get<T = ArmResource>(id: string): Promise<T | undefined>;
  put<T = ArmResource>(id: string, value: T): Promise<void>;
  delete(id: string): Promise<boolean>;
  list<T = ArmResource>(collectionId: string): Promise<T[]>;
  /** Run `fn` holding a lock on `id`; the lock is released in `finally`. */
  withLock<R>(id: string, fn: () => Promise<R>): Promise<R>;
}

/** Where blob data lives (Azurite). */
export interface BlobEndpoint {
  /** e.g. http://127.0.0.1:10000/devstoreaccount1 */
  url: string;
  accountName: string;
  accountKey: string;
}

/** What a job executor is given by the server. */
export interface JobHost {
  store: ResourceStore;
  blob: BlobEndpoint;
  /** Base URL of the emulator (http://127.0.0.1:port). */
  baseUrl(): string;
  /** A bearer token the job process may use for MLflow / ARM calls. */
  issueToken(audience: string): string;
  /** Folder for job working directories and logs. */
  workDir: string;
  /**
   * Folder for durable tracking state (MLflow experiments, runs and metrics, run-history records,
   * the executor's list of jobs in flight). Give a folder inside `--state` so metrics survive a
   * restart; when absent, `<workDir>/.tracking` is used. (Added by the job-runner helper.)
   */
  stateDir?: string;
  now(): Date;
  /** The emulator's timings (job status step delay, …); use defaults when absent. */
  timings?: EmulatorTimings;
}

/** Runs jobs (command, sweep, pipeline) as local processes and keeps their ARM status current. */
export interface JobExecutor {
  /** Called after a job resource was created (status NotStarted). Must return quickly. */
  start(jobId: string): void;
  /** Called on the cancel operation; moves the job to CancelRequested then Canceled. */
  cancel(jobId: string): Promise<void>;
  /** Stop every running process (emulator shutdown). */
  close(): Promise<void>;
}

/** A set of routes contributed by a part of the emulator (MLflow, run history, ...). */
export interface RouteModule {
  routes(): Route[];
}

// ---------------------------------------------------------------------------------------------
// Added by the emulator core (server, ARM, LROs): the types below and the optional members
// `RequestContext.principal`, `.correlationId`, `.path` and `JobHost.timings` above.

/** Delays that make the emulator behave like Azure in time; tests shrink them. */
export interface EmulatorTimings {
  /** How long an ARM long-running operation (delete, cancel, workspace create) stays `InProgress`. */
  lroMs: number;
  /** `Retry-After` (seconds) sent with 201/202 responses and while an operation is in progress. */
  retryAfterSeconds: number;
  /** Pause between two job status steps (NotStarted → Starting → Preparing → Queued → Running …). */
  jobStepMs: number;
}

/** Who called: taken from the verified bearer token (ARM and `mlflow` routes). */
export interface Principal {
  /** Object id of the caller (`oid` claim). */
  oid: string;
  tenantId: string;
  /** Application (client) id for service principals (`appid`/`azp` claim). */
  appId?: string;
  /** `User` or `Application`, as ARM writes `systemData.createdByType`. */
  type: 'User' | 'Application' | 'ManagedIdentity';
  /** What ARM writes into `systemData.createdBy` (UPN for users, app id for applications). */
  name: string;
  audience: string;
}
