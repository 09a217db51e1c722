import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { completionTokenFields, completionTokens, isTokens, completionTokensReward } from "../shared/completion-tokens.ts";
import type { TeacherForcer } from "../shared/http/teacher-force.ts";
import { reduce, spanLogprobs } from "../shared/logprob.ts";

/** `type: perplexity` — the plain baseline: exp(-mean logprob) of the completion's tokens (lower: more fluent to the model). */
const options = z.strictObject({
  ...completionTokenFields,
  output: z.enum(["perplexity", "inverse", "mean_logprob"]).default("perplexity").describe("perplexity (>= 1, lower is better), inverse (1/perplexity, the geometric mean token probability, in (0, 1]) or mean_logprob."),
});

export const perplexityReward = defineRewardType({
  type: "perplexity",
  description: "perplexity of the completion under the model (or its inverse / mean logprob), from the record's logprobs or teacher-forced",
  options,
  create(o, context): Reward {
    return completionTokensReward(o, context, (forcer, samples) => scorePerplexity(forcer, o, samples));
  },
});

async function scorePerplexity(forcer: TeacherForcer | undefined, o: z.output<typeof options>, samples: readonly Sample[]): Promise<RewardResult[]> {
  const got = await completionTokens(samples, o, forcer, 0);
  return got.map((g) => {
    if (!isTokens(g)) return g;
    const lps = spanLogprobs(g.tokens, "completion");
    if (typeof lps === "string") return unscorable(lps);
    const mean = reduce(lps, "mean");
    return ok(o.output === "mean_logprob" ? mean : o.output === "inverse" ? Math.exp(mean) : Math.exp(-mean));
  });
}
