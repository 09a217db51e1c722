import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { completionTokenFields, completionTokens, isTokens, completionTokensReward } from "../shared/completion-tokens.ts";
import type { ForcedToken, TeacherForcer } from "../shared/http/teacher-force.ts";

/**
 * `type: self_certainty` — Kang et al. 2025 ("Scalable Best-of-N Selection for Large Language
 * Models via Self-Certainty"; INTUITOR's reward): the mean over the completion's positions of
 * KL(U || p) = -log V - (1/V) Σ_j log p_j. Servers return the top k of the V tokens; the tail's
 * remaining mass is spread evenly over the V - k unseen tokens (the least certain tail with that
 * mass, so the estimate is a lower bound). Exact when the top list holds the whole vocabulary.
 * The error measured on the test model: docs/models.md.
 */
const options = z.strictObject({
  ...completionTokenFields,
  vocab_size: z.number().int().min(2).describe("The model's vocabulary size V (the tokenizer's, e.g. 151936 for Qwen2.5)."),
  top_logprobs: z.number().int().min(1).max(1000).default(20).describe("Alternatives asked per position when teacher-forcing (vLLM allows up to --max-logprobs, 20 by default)."),
});

export const selfCertaintyReward = defineRewardType({
  type: "self_certainty",
  description: "self-certainty: mean KL(uniform || p) over the completion's positions, from top-k logprobs with the tail estimated (exact on the full distribution)",
  options,
  create(o, context): Reward {
    return completionTokensReward(o, context, (forcer, samples) => scoreSelfCertainty(forcer, o, samples));
  },
});

/**
 * KL(U || p) at one position from its top logprobs: exact when they cover all V tokens, else
 * the V - k unseen tokens share the remaining mass evenly.
 */
export function positionCertainty(top: ReadonlyArray<{ logprob: number }>, vocab: number): number {
  const k = Math.min(top.length, vocab);
  let sumLog = 0;
  let mass = 0;
  for (let j = 0; j < k; j++) {
    sumLog += top[j].logprob;
    mass += Math.exp(top[j].logprob);
  }
  if (k < vocab) {
    const tail = Math.max(1 - mass, 1e-12);
    sumLog += (vocab - k) * Math.log(tail / (vocab - k));
  }
  return -Math.log(vocab) - sumLog / vocab;
}

/** The mean self-certainty over positions that have top logprobs, or why there are none. */
export function selfCertainty(tokens: readonly ForcedToken[], vocab: number): number | string {
  let sum = 0;
  let n = 0;
  for (const t of tokens) {
    if (t.logprob === null) continue;
    if (!t.top || t.top.length === 0) return "the logprobs have no top alternatives (ask for top_logprobs)";
    // de-duplicate: vLLM's echo lists the token itself beside the top k
    const seen = new Map<string, number>();
    for (const a of t.top) if (!seen.has(a.token)) seen.set(a.token, a.logprob);
    sum += positionCertainty([...seen.values()].map((logprob) => ({ logprob })), vocab);
    n++;
  }
  if (n === 0) return "the completion has no scored positions";
  return sum / n;
}

async function scoreSelfCertainty(forcer: TeacherForcer | undefined, o: z.output<typeof options>, samples: readonly Sample[]): Promise<RewardResult[]> {
  const got = await completionTokens(samples, o, forcer, o.top_logprobs);
  return got.map((g) => {
    if (!isTokens(g)) return g;
    const v = selfCertainty(g.tokens, o.vocab_size);
    return typeof v === "string" ? unscorable(v) : ok(v);
  });
}
