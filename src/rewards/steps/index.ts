import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { ok, type Step, unscorable } from "../../core/types.ts";
import { aggregateSteps, discountedReturns, minFormReturns, STEP_AGGREGATES } from "./aggregate.ts";

const options = z.strictObject({
  aggregate: z.enum(STEP_AGGREGATES).default("min").describe("How the step rewards become the record's reward: min, last, mean, product, or first_error (share of steps before the first below threshold)."),
  threshold: z.number().finite().default(0.5).describe("first_error: a step below this is an error."),
  returns: z.enum(["none", "discounted", "min"]).default("none").describe("Per-step credit written on each output step as `return`."),
  gamma: z.number().finite().min(0).max(1).default(1).describe("Discount of the per-step returns (1: reward-to-go)."),
});

/** Aggregates the step rewards the record carries (`steps: [{reward}, ...]`, e.g. from a process reward model). */
export const stepsReward = defineRewardType({
  type: "steps",
  description: "outcome score from the record's step rewards (min, last, mean, product, first_error) with per-step returns",
  options,
  create(o, context) {
    return perSample(context, (s) => {
      const steps = s.steps;
      if (!steps || steps.length === 0) return unscorable("the record has no steps");
      const rewards = new Array<number>(steps.length);
      for (let i = 0; i < steps.length; i++) {
        const r = (steps[i] as Step | null)?.reward;
        if (typeof r !== "number" || !Number.isFinite(r)) return unscorable(`step ${i + 1} has no numeric reward`);
        rewards[i] = r;
      }
      const result = ok(aggregateSteps(rewards, o.aggregate, o.threshold));
      if (o.returns !== "none") {
        const g = o.returns === "min" ? minFormReturns(rewards) : discountedReturns(rewards, o.gamma);
        result.steps = steps.map((step, i) => ({ ...step, return: g[i] }));
      }
      return result;
    });
  },
});
