import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { ok } from "../../core/types.ts";
import { answerSourceOptions, scoreAgainstReferences } from "../shared/answer.ts";
import { squadNormalize } from "../shared/normalize-text.ts";

const options = z.strictObject({ ...answerSourceOptions });

/**
 * SQuAD token F1: both sides normalised (lower case, no punctuation, no articles), split on
 * whitespace; F1 of the token multisets. With several references, the best F1 counts.
 */
export function tokenF1(prediction: string, reference: string): number {
  const p = squadNormalize(prediction).split(" ").filter(Boolean);
  const r = squadNormalize(reference).split(" ").filter(Boolean);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const c = counts.get(t);
    if (c) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

export const f1Reward = defineRewardType({
  type: "f1",
  description: "SQuAD-style token F1 between the answer and the reference (best over a list)",
  options,
  create(o, context) {
    return perSample(context, (s) => scoreAgainstReferences(s, o.from_tag, (answer, refs) => ok(refs.reduce((best, r) => Math.max(best, tokenF1(answer, r)), 0))));
  },
});
