import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { completionText, referenceText } from "../../core/text.ts";
import { failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { endpointFields } from "../shared/http/endpoint.ts";
import { endpointReward, ModelEndpoint } from "../shared/http/model-endpoint.ts";
import { boundaryField, spanTokens, TeacherForcer, teacherForceFields } from "../shared/http/teacher-force.ts";
import { around, promptString, reduce, spanLogprobs, templateField } from "../shared/logprob.ts";

/**
 * `type: likelihood` — how likely the model finds the reference answer after the completion's
 * reasoning: the completion's own answer is replaced by the reference and the reference's tokens
 * are teacher-forced. mean_prob is RLPR's reward (Yu et al. 2025, "RLPR: Extrapolating RLVR to
 * General Domains without Verifiers"); debias subtracts the same score without the reasoning.
 */
const options = z.strictObject({
  ...endpointFields,
  ...teacherForceFields,
  template: templateField,
  answer_prefix: z.string().default("Answer: ").describe("Where the answer starts in the completion: everything from its last occurrence is replaced by prefix + reference (\"\": the reference follows the whole completion)."),
  from_tag: z.string().regex(/^[A-Za-z][\w.-]*$/, "a tag name like answer").optional().describe("Instead of answer_prefix: the reference replaces the content of the last <tag>…</tag> block."),
  reduce: z.enum(["sum", "mean", "mean_prob"]).default("mean_prob").describe("sum or mean of the reference tokens' logprobs, or their mean probability (RLPR)."),
  debias: z.boolean().default(false).describe("RLPR's debiasing: subtract the score of the reference right after the prompt (no reasoning), so the reward measures what the reasoning added."),
  clip: z.tuple([z.number().finite(), z.number().finite()]).optional().describe("Clip the reward to [low, high] (RLPR clips the debiased mean probability to [0, 1])."),
  boundary: boundaryField,
});

type Options = z.output<typeof options>;

export const likelihoodReward = defineRewardType({
  type: "likelihood",
  description: "log-probability / mean probability of the reference answer after the completion's reasoning (RLPR), teacher-forced on vLLM or SGLang, optional debiasing",
  options,
  create(o, context): Reward {
    const endpoint = new ModelEndpoint(o, context);
    const forcer = new TeacherForcer(endpoint, o);
    return endpointReward(context, endpoint, (samples) => scoreLikelihood(forcer, o, samples));
  },
});

interface Placed {
  text: string;
  start: number;
  end: number;
}

/** The text with the reference in place of the completion's answer, and the reference's span; or why it cannot be built. */
export function placeReference(sample: Sample, o: Pick<Options, "template" | "answer_prefix" | "from_tag">, withReasoning: boolean): Placed | string {
  const reference = referenceText(sample.reference)?.trim();
  if (!reference) return "no reference answer";
  const completion = completionText(sample.completion);
  let reasoning: string;
  let opener: string;
  let closer = "";
  if (o.from_tag !== undefined) {
    opener = `<${o.from_tag}>`;
    closer = `</${o.from_tag}>`;
    const at = completion.lastIndexOf(opener);
    if (at < 0) return `no <${o.from_tag}> block to put the reference in`;
    reasoning = completion.slice(0, at);
  } else if (o.answer_prefix === "") {
    opener = "";
    reasoning = completion;
  } else {
    opener = o.answer_prefix;
    const at = completion.lastIndexOf(opener);
    if (at < 0) return `no "${opener}" in the completion to put the reference after`;
    reasoning = completion.slice(0, at);
  }
  const { before, after } = around(o.template, promptString(sample));
  const head = before + (withReasoning ? reasoning : "") + opener;
  return { text: head + reference + closer + after, start: head.length, end: head.length + reference.length };
}

async function scoreLikelihood(forcer: TeacherForcer, o: Options, samples: readonly Sample[]): Promise<RewardResult[]> {
  const results = new Array<RewardResult>(samples.length);
  const jobs: Array<{ i: number; main: Placed; base?: Placed }> = [];
  samples.forEach((s, i) => {
    const main = placeReference(s, o, true);
    if (typeof main === "string") return void (results[i] = unscorable(main));
    const job: { i: number; main: Placed; base?: Placed } = { i, main };
    if (o.debias) job.base = placeReference(s, o, false) as Placed;
    jobs.push(job);
  });
  const texts = jobs.flatMap((j) => (j.base ? [j.main.text, j.base.text] : [j.main.text]));
  const forced = await forcer.force(texts, 0);
  let k = 0;
  for (const job of jobs) {
    const scores: number[] = [];
    let bad: RewardResult | undefined;
    for (const placed of job.base ? [job.main, job.base] : [job.main]) {
      const f = forced[k++];
      if (bad) continue;
      if ("error" in f) bad = failed(f.error);
      else if ("unscorable" in f) bad = unscorable(f.unscorable);
      else {
        const lps = spanLogprobs(spanTokens(f.tokens, placed.start, placed.end, o.boundary), "reference");
        if (typeof lps === "string") bad = unscorable(lps);
        else scores.push(reduce(lps, o.reduce));
      }
    }
    if (bad) {
      results[job.i] = bad;
      continue;
    }
    let r = job.base ? scores[0] - scores[1] : scores[0];
    if (o.clip) r = Math.min(o.clip[1], Math.max(o.clip[0], r));
    results[job.i] = ok(r);
  }
  return results;
}
