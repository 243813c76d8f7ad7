/**
 * The log of requests since start (or since the last clear), served at `/.emulator/requests`:
 * tests count ARM calls with it and prove that no state-changing call happened.
 */

export interface RequestLogEntry {
  /** 1, 2, 3 … in arrival order (not reset by clear). */
  seq: number;
  time: string;
  method: string;
  /** Path without the query. */
  path: string;
  /** Query string without `?` ('' when none). */
  query: string;
  /** Operation id the route table resolved (`Jobs_CreateOrUpdate`), or '' for unknown routes. */
  operation: string;
  /** HTTP status answered; absent when the connection was reset without an answer. */
  status?: number;
  /** Azure error code of an error answer. */
  errorCode?: string;
  /** Kind of the injected fault that shaped this answer, if any. */
  fault?: 'status' | 'reset' | 'delay' | 'stall';
  /** Id of the fault rule that fired. */
  faultRule?: string;
  requestId: string;
  durationMs?: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 20_000) {}

  begin(e: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const entry: RequestLogEntry = { seq: ++this.seq, ...e };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  clear(): number {
    const n = this.entries.length;
    this.entries = [];
    return n;
  }
}
