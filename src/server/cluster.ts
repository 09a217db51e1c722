import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import type { Registry } from "prom-client";

/**
 * `--workers N`: N server processes share one port through node:cluster (the primary hands out
 * connections round-robin). The primary does no HTTP itself: it starts and restarts workers,
 * relays SIGTERM/SIGINT, and aggregates metrics so /metrics on any worker covers all of them.
 */

const METRICS_REQUEST = "rewardsmith:metrics";
const METRICS_REPLY = "rewardsmith:metrics-reply";

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

export interface PrimaryOptions {
  workers: number;
  shutdownTimeoutMs: number;
  /** Called once every worker listens, with the shared address. */
  onListening(address: { address: string; port: number }): void;
  log(message: string): void;
}

/** Run the cluster primary until every worker has exited after a signal; resolves with the exit status. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const aggregator = new AggregatorRegistry();
  const listened = new WeakSet<Worker>();
  let listening = 0;
  let announced = false;
  let stopping = false;
  let failed = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on("message", (msg: MetricsMessage) => {
      if (msg?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_REPLY, id: msg.id, text }),
        (err: Error) => worker.isConnected() && worker.send({ type: METRICS_REPLY, id: msg.id, error: err.message }),
      );
    });
    worker.once("listening", (address) => {
      listened.add(worker);
      if (++listening === options.workers && !announced) {
        announced = true;
        options.onListening({ address: address.address, port: address.port });
      }
    });
    return worker;
  };

  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      options.log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers after their accepted requests`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      }, options.shutdownTimeoutMs + 5000).unref();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));

    cluster.on("exit", (worker, code, signal) => {
      if (code !== 0) failed = true;
      const alive = Object.keys(cluster.workers ?? {}).length;
      if (!stopping) {
        if (!listened.has(worker)) {
          options.log(`a worker exited before listening (code ${code ?? signal}); stopping`);
          stop("SIGTERM");
        } else {
          options.log(`worker ${worker.process.pid} exited (code ${code ?? signal}); starting a new one`);
          listening--;
          fork();
          return;
        }
      }
      if (alive === 0) resolve(failed ? 1 : 0);
    });
    for (let i = 0; i < options.workers; i++) fork();
  });
}

/** In a worker: serve this registry to the primary's aggregation, and fetch the aggregate on demand. */
export function workerMetrics(registry: Registry): () => Promise<string> {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void }>();
  process.on("message", (msg: MetricsMessage) => {
    if (msg?.type !== METRICS_REPLY) return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.text !== undefined) waiter.resolve(msg.text);
    else waiter.reject(new Error(`metrics aggregation failed: ${msg.error}`));
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      process.send!({ type: METRICS_REQUEST, id });
    });
}
