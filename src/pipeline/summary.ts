import type { OutputRecord } from "../core/types.ts";
import type { NormalizeSummary } from "../normalize/group.ts";

/*
 * What a scoring run reports when it ends. No Node imports: the run store keeps it and the
 * dashboard (src/view/ui) type-checks against it.
 */

export interface Summary {
  records: number;
  ok: number;
  unscorable: number;
  error: number;
  /** Over records with status ok; null when there are none. */
  reward: { mean: number; min: number; max: number } | null;
  wallSeconds: number;
  recordsPerSecond: number;
  /** Present when the spec normalizes. */
  normalize?: NormalizeSummary;
  /** Run totals reported by the rewards (`<reward>.<metric>`: judge requests, cache hits, tokens ...). */
  rewards?: Record<string, number>;
}

export class SummaryBuilder {
  records = 0;
  private counts = { ok: 0, unscorable: 0, error: 0 };
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  add(rec: OutputRecord): void {
    this.records++;
    this.counts[rec.status]++;
    if (rec.status === "ok" && rec.reward !== null) {
      this.sum += rec.reward;
      if (rec.reward < this.min) this.min = rec.reward;
      if (rec.reward > this.max) this.max = rec.reward;
    }
  }

  build(wallSeconds: number): Summary {
    const { ok, unscorable, error } = this.counts;
    return {
      records: this.records,
      ok,
      unscorable,
      error,
      reward: ok > 0 ? { mean: this.sum / ok, min: this.min, max: this.max } : null,
      wallSeconds,
      recordsPerSecond: wallSeconds > 0 ? this.records / wallSeconds : 0,
    };
  }
}
