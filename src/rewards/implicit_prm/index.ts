import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { endpointFields } from "../shared/http/endpoint.ts";
import { ModelEndpoint } from "../shared/http/model-endpoint.ts";
import { type ForcedToken, spanTokens, TeacherForcer, teacherForceFields } from "../shared/http/teacher-force.ts";
import { around, promptString, templateField } from "../shared/logprob.ts";
import { aggregateSteps, stepTexts } from "../shared/steps.ts";

/**
 * `type: implicit_prm` — process rewards without process labels (Yuan et al. 2024, "Free
 * Process Rewards without Process Labels"; PRIME): the per-token reward is
 * beta * (log pi(y_t) - log pi_ref(y_t)) from a policy (an outcome-trained implicit PRM) and its
 * reference model, both teacher-forced; a step's reward is the sum over its tokens and its value
 * q the running sum to the step's end.
 */
const connection = { ...endpointFields, ...teacherForceFields };
const options = z.strictObject({
  ...connection,
  reference: z.strictObject(connection).describe("The reference model pi_ref: its own connection (base_url, backend, model, timeouts ...)."),
  template: templateField,
  beta: z.number().finite().positive().default(0.05).describe("The implicit PRM's beta (PRIME uses 0.05)."),
  steps_from: z.enum(["auto", "record", "delimiter"]).default("auto").describe("Where the steps come from: the record's steps (each with a text), the completion cut at delimiter, or auto."),
  delimiter: z.string().min(1).default("\n\n").describe("Cuts the completion into steps; empty pieces are dropped."),
  aggregate: z.enum(["min", "last", "mean", "product", "sum"]).default("min").describe("The record's reward from the step rewards: min, last, mean, product, or sum (= the whole response's beta * log-ratio, the outcome reward)."),
});

type Options = z.output<typeof options>;

export const implicitPrmReward = defineRewardType({
  type: "implicit_prm",
  description: "implicit process rewards: beta * (log pi - log pi_ref) per token from two teacher-forced endpoints, summed per step",
  options,
  create(o, context): Reward {
    const policy = new ModelEndpoint(o, context);
    const reference = new ModelEndpoint(o.reference, context);
    const pi = new TeacherForcer(policy, o);
    const ref = new TeacherForcer(reference, o.reference);
    return {
      name: context.name,
      type: context.type,
      score: (samples) => scoreImplicit(pi, ref, o, samples),
      summary: () => {
        const a = policy.summary();
        const b = reference.summary();
        return { ...a, reference_requests: b.requests, reference_failed_requests: b.failed_requests };
      },
      close: () => {
        policy.close();
        reference.close();
      },
    };
  },
});

/** Where each step starts in the completion (searched in order), or why one is not there. */
export function stepStarts(completion: string, steps: readonly string[]): number[] | string {
  const out: number[] = [];
  let cursor = 0;
  for (const [k, step] of steps.entries()) {
    const at = completion.indexOf(step.trim(), cursor);
    if (at < 0) return `step ${k + 1} is not in the completion`;
    out.push(at);
    cursor = at + step.trim().length;
  }
  return out;
}

/**
 * Step rewards from per-token rewards: a token belongs to the step its last character is in
 * (a step runs from its start to the next step's; tokens before the first step go to it).
 */
export function stepSums(tokens: ReadonlyArray<{ end: number; reward: number }>, starts: readonly number[]): number[] {
  const sums = new Array<number>(starts.length).fill(0);
  for (const t of tokens) {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= t.end - 1) k++;
    sums[k] += t.reward;
  }
  return sums;
}

async function scoreImplicit(pi: TeacherForcer, ref: TeacherForcer, o: Options, samples: readonly Sample[]): Promise<RewardResult[]> {
  const results = new Array<RewardResult>(samples.length);
  const jobs: Array<{ i: number; text: string; start: number; length: number; starts: number[] }> = [];
  samples.forEach((s, i) => {
    const completion = completionText(s.completion);
    const steps = stepTexts(s.steps as Array<{ text?: unknown }> | undefined, completion, o);
    if (typeof steps === "string") return void (results[i] = unscorable(steps));
    if (steps.length === 0) return void (results[i] = unscorable("the completion has no steps"));
    const starts = stepStarts(completion, steps);
    if (typeof starts === "string") return void (results[i] = unscorable(starts));
    const { before, after } = around(o.template, promptString(s));
    jobs.push({ i, text: before + completion + after, start: before.length, length: completion.length, starts });
  });
  const texts = jobs.map((j) => j.text);
  const [a, b] = await Promise.all([pi.force(texts, 0), ref.force(texts, 0)]);
  jobs.forEach((job, j) => {
    const fa = a[j];
    const fb = b[j];
    for (const [f, who] of [[fa, "policy"], [fb, "reference"]] as const) {
      if ("error" in f) return void (results[job.i] = failed(`${who}: ${f.error}`));
      if ("unscorable" in f) return void (results[job.i] = unscorable(`${who}: ${f.unscorable}`));
    }
    const ta = spanTokens((fa as { tokens: ForcedToken[] }).tokens, job.start, job.start + job.length);
    const tb = spanTokens((fb as { tokens: ForcedToken[] }).tokens, job.start, job.start + job.length);
    if (ta.length !== tb.length || ta.some((t, k) => t.start !== tb[k].start || t.end !== tb[k].end)) {
      return void (results[job.i] = unscorable("the policy and the reference tokenise the text differently (they must share a tokenizer)"));
    }
    const perToken: Array<{ end: number; reward: number }> = [];
    for (let k = 0; k < ta.length; k++) {
      if (ta[k].logprob === null || tb[k].logprob === null) return void (results[job.i] = unscorable("the completion starts the text, so its first token has no logprob (give a prompt)"));
      perToken.push({ end: ta[k].end - job.start, reward: o.beta * (ta[k].logprob! - tb[k].logprob!) });
    }
    const sums = stepSums(perToken, job.starts);
    let q = 0;
    const steps = sums.map((reward) => ({ reward, q: (q += reward) }));
    const r = ok(o.aggregate === "sum" ? q : aggregateSteps(sums, o.aggregate));
    r.steps = steps;
    results[job.i] = r;
  });
  return results;
}
