import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OutputRecord } from "../core/types.ts";
import type { Admission } from "./admission.ts";

type Inc = { inc(n?: number): void };
type Observe = { observe(v: number): void };

/** The server's Prometheus metrics, on a registry of its own (not prom-client's global one). */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"route" | "status">;
  private readonly duration: Histogram<"route">;
  private readonly records: Counter<"route" | "status">;
  private readonly components: Counter<"reward" | "status">;
  // Label-bound children, cached: prom-client would otherwise hash the labels on every call.
  private readonly counters = new Map<string, Inc>();
  private readonly histograms = new Map<string, Observe>();

  constructor(admission: Admission) {
    const registers = [this.registry];
    this.requests = new Counter({ name: "rewardsmith_http_requests_total", help: "HTTP requests answered, by route and status code", labelNames: ["route", "status"], registers });
    this.duration = new Histogram({
      name: "rewardsmith_http_request_duration_seconds",
      help: "Time from request arrival to response, by route",
      labelNames: ["route"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.records = new Counter({ name: "rewardsmith_records_total", help: "Records scored, by route and combined status", labelNames: ["route", "status"], registers });
    this.components = new Counter({ name: "rewardsmith_reward_results_total", help: "Results of each reward of the spec, by status", labelNames: ["reward", "status"], registers });
    new Gauge({
      name: "rewardsmith_requests_in_flight",
      help: "Scoring requests admitted and not finished (running or queued)",
      registers,
      collect() {
        this.set(admission.active);
      },
    });
    new Gauge({
      name: "rewardsmith_queue_depth",
      help: "Scoring requests waiting for a slot",
      registers,
      collect() {
        this.set(admission.queued);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  request(route: string, status: number, seconds: number): void {
    this.counter(this.requests, route, String(status)).inc();
    let h = this.histograms.get(route);
    if (!h) this.histograms.set(route, (h = this.duration.labels(route)));
    h.observe(seconds);
  }

  /** Count one chunk of results; tallies locally first so a large batch costs a few increments. */
  results(route: string, records: readonly OutputRecord[]): void {
    let ok = 0;
    let unscorable = 0;
    const tally = new Map<string, Map<string, number>>();
    for (const r of records) {
      if (r.status === "ok") ok++;
      else if (r.status === "unscorable") unscorable++;
      if (!r.components) continue;
      for (const name in r.components) {
        let byStatus = tally.get(name);
        if (!byStatus) tally.set(name, (byStatus = new Map()));
        const status = r.components[name].status;
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      }
    }
    const errors = records.length - ok - unscorable;
    if (ok) this.counter(this.records, route, "ok").inc(ok);
    if (unscorable) this.counter(this.records, route, "unscorable").inc(unscorable);
    if (errors) this.counter(this.records, route, "error").inc(errors);
    for (const [reward, byStatus] of tally) {
      for (const [status, n] of byStatus) this.counter(this.components, reward, status).inc(n);
    }
  }

  private counter(metric: Counter<string>, a: string, b: string): Inc {
    const key = `${metric === this.requests ? "q" : metric === this.records ? "r" : "c"}\u0000${a}\u0000${b}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = metric.labels(a, b)));
    return c;
  }
}
