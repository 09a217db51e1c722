import type { Sample } from "../core/types.ts";
import type { Scorer } from "../pipeline/scorer.ts";
import type { CandidateScore, EvalItem } from "./types.ts";

export interface ScoreItemsOptions {
  /** Candidates per scorer call (items are never split across calls; default 256). */
  batchSize?: number;
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** The spec's path of the reference field (`fields.reference`), read from the item's extra fields. */
  referencePath?: string;
  onProgress?: (done: { items: number; candidates: number }) => void;
}

/** The sample the reward sees for one candidate: the item's prompt, the candidate, one group per item and trial. */
export function candidateSample(item: EvalItem, c: number, referencePath = "reference"): Sample {
  const cand = item.candidates[c];
  const s: Sample = { id: `${item.id}#${cand.key}`, completion: cand.completion, group: `${item.line}:${cand.trial ?? 0}` };
  if (item.prompt !== undefined) s.prompt = item.prompt;
  if (cand.steps) s.steps = cand.steps.map((x) => ({ ...x }));
  const ref = get(item.meta, referencePath);
  if (ref !== undefined) s.reference = ref;
  s.meta = { ...item.meta, eval_item: item.id, eval_candidate: cand.key, subset: item.subset };
  return s;
}

function get(o: Record<string, unknown> | undefined, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * Score every candidate of every item through the compiled spec (the same Scorer as `score`:
 * caching, the rewards' own concurrency, status handling), in batches that keep an item whole (a
 * pairwise judge compares an item's candidates with each other), several batches in flight.
 */
export async function scoreItems(scorer: Scorer, items: readonly EvalItem[], o: ScoreItemsOptions = {}): Promise<CandidateScore[][]> {
  const batchSize = o.batchSize ?? 256;
  const concurrency = o.concurrency ?? 4;
  const out: CandidateScore[][] = items.map(() => []);
  const batches: Array<[number, number]> = [];
  for (let i = 0, size = 0, start = 0; i < items.length; i++) {
    size += items[i].candidates.length;
    if (size >= batchSize || i === items.length - 1) {
      batches.push([start, i + 1]);
      start = i + 1;
      size = 0;
    }
  }
  let next = 0;
  let doneItems = 0;
  let doneCandidates = 0;
  const worker = async () => {
    while (next < batches.length) {
      const [from, to] = batches[next++];
      const samples: Sample[] = [];
      for (let i = from; i < to; i++) for (let c = 0; c < items[i].candidates.length; c++) samples.push(candidateSample(items[i], c, o.referencePath));
      const records = await scorer.scoreSamples(samples);
      let k = 0;
      for (let i = from; i < to; i++) {
        for (let c = 0; c < items[i].candidates.length; c++) {
          const r = records[k++];
          const s: CandidateScore = { reward: r.status === "ok" ? r.reward : null, status: r.status };
          if (r.reason !== undefined) s.reason = r.reason;
          if (r.steps) s.steps = r.steps;
          out[i][c] = s;
        }
      }
      doneItems += to - from;
      doneCandidates += samples.length;
      o.onProgress?.({ items: doneItems, candidates: doneCandidates });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return out;
}
