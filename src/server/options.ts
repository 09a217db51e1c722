/** How a reward server runs; the CLI fills it from flags, tests and embedders may build it directly. */
export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Bearer token required on the scoring endpoints; undefined disables auth. */
  token?: string;
  /** Largest accepted request body in bytes (413 above). */
  bodyLimit: number;
  /** Most records one request may carry (413 above). */
  maxRecords: number;
  /** Budget per request from arrival; records not scored by then come back as status error. */
  timeoutMs: number;
  /** Requests scored at the same time by one process. */
  concurrency: number;
  /** Admitted requests that may wait for a scoring slot; one more gets 429. */
  maxQueue: number;
  /** Records scored before yielding to the event loop, so one large request cannot starve the others. */
  chunkSize: number;
  logLevel: string;
  /** Log records and results (off by default: completions stay out of logs). */
  logRecords: boolean;
  /** After SIGTERM, in-flight requests get this long before the process exits anyway. */
  shutdownTimeoutMs: number;
  /**
   * After SIGTERM, keep serving this long with /ready answering 503 before closing the listener,
   * so that a load balancer (a Kubernetes Service) takes the replica out first. 0: close at once.
   */
  drainMs?: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  host: "127.0.0.1",
  port: 8000,
  bodyLimit: 32 * 1024 * 1024,
  maxRecords: 100_000,
  timeoutMs: 30_000,
  concurrency: 4,
  maxQueue: 256,
  chunkSize: 256,
  logLevel: "info",
  logRecords: false,
  shutdownTimeoutMs: 30_000,
};
