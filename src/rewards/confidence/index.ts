import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { completionTokenFields, completionTokens, isTokens, completionTokensReward } from "../shared/completion-tokens.ts";
import { boundaryField, spanTokens, type TeacherForcer } from "../shared/http/teacher-force.ts";
import { reduce, spanLogprobs } from "../shared/logprob.ts";

/**
 * `type: confidence` — how sure the policy was of its final answer: the mean (or smallest)
 * probability of the answer span's tokens, from the generation logprobs the record carries or
 * recomputed by teacher forcing (as in "Confidence is all you need"/RLSC-style self-confidence rewards).
 */
const options = z.strictObject({
  ...completionTokenFields,
  span: z.enum(["answer", "completion"]).default("answer").describe("answer: the final answer (after the last answer_prefix up to the line's end, or the last <from_tag> block); completion: every token."),
  answer_prefix: z.string().min(1).default("Answer: ").describe("span answer: the answer follows the last occurrence of this, up to the end of its line."),
  from_tag: z.string().regex(/^[A-Za-z][\w.-]*$/, "a tag name like answer").optional().describe("span answer: the content of the last <tag>…</tag> block instead."),
  reduce: z.enum(["mean_prob", "min_prob", "mean", "sum"]).default("mean_prob").describe("mean or smallest token probability of the span, or the mean / sum of its logprobs."),
  boundary: boundaryField,
});

type Options = z.output<typeof options>;

export const confidenceReward = defineRewardType({
  type: "confidence",
  description: "the policy's confidence in its final answer: mean/min token probability of the answer span, from the record's logprobs or teacher-forced",
  options,
  create(o, context): Reward {
    return completionTokensReward(o, context, (forcer, samples) => scoreConfidence(forcer, o, samples));
  },
});

/** The answer's character span in the completion (whitespace trimmed), or why there is none. */
export function answerSpan(completion: string, o: Pick<Options, "span" | "answer_prefix" | "from_tag">): [number, number] | string {
  let start: number;
  let end: number;
  if (o.span === "completion") [start, end] = [0, completion.length];
  else if (o.from_tag !== undefined) {
    const close = completion.lastIndexOf(`</${o.from_tag}>`);
    const open = close < 0 ? -1 : completion.lastIndexOf(`<${o.from_tag}>`, close);
    if (open < 0) return `no <${o.from_tag}>…</${o.from_tag}> block`;
    [start, end] = [open + o.from_tag.length + 2, close];
  } else {
    const at = completion.lastIndexOf(o.answer_prefix);
    if (at < 0) return `no "${o.answer_prefix}" in the completion`;
    start = at + o.answer_prefix.length;
    const nl = completion.indexOf("\n", start);
    end = nl < 0 ? completion.length : nl;
  }
  while (start < end && /\s/.test(completion[start])) start++;
  while (end > start && /\s/.test(completion[end - 1])) end--;
  if (start >= end) return "the answer is empty";
  return [start, end];
}

async function scoreConfidence(forcer: TeacherForcer | undefined, o: Options, samples: readonly Sample[]): Promise<RewardResult[]> {
  const got = await completionTokens(samples, o, forcer, 0);
  return got.map((g) => {
    if (!isTokens(g)) return g;
    const span = answerSpan(g.completion, o);
    if (typeof span === "string") return unscorable(span);
    const lps = spanLogprobs(spanTokens(g.tokens, span[0], span[1], o.boundary), "answer");
    if (typeof lps === "string") return unscorable(lps);
    return ok(reduce(lps, o.reduce));
  });
}
