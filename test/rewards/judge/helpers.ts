import type { RunFlags } from "../../../src/core/reward.ts";
import { createScorer, type SpecSource } from "../../../src/pipeline/score.ts";

/** A one-reward spec document with a judge pointed at `url`; no cache unless the options ask for one. */
export function judgeSpec(url: string, options: Record<string, unknown>): Record<string, unknown> {
  return { rewards: { judge: { type: "judge", base_url: url, model: "fake-judge", cache: false, retries: 0, backoff_s: 0.01, ...options } } };
}

/** Score records with a spec; returns the output records (loosely typed, to reach nested components) and the run totals. */
export async function run(spec: SpecSource, records: unknown[], flags?: RunFlags): Promise<{ out: any[]; summary: Record<string, number> }> {
  const scorer = createScorer(spec, undefined, { flags });
  try {
    const out = await scorer.scoreRecords(records);
    return { out, summary: scorer.summary() };
  } finally {
    await scorer.close();
  }
}
