import { z } from "zod";
import { defineRewardType, perSample, type Reward } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { failed, ok, type RewardResult, unscorable } from "../../core/types.ts";
import { completionCalls, referenceCalls } from "./calls.ts";
import { type Correctness, correctness } from "./match.ts";

const options = z.strictObject({
  format: z.enum(["auto", "openai", "tags", "json"]).default("auto").describe("Where the predicted calls are: OpenAI tool_calls, <tool_call> tags, JSON text, or auto."),
  require_think: z.boolean().default(false).describe("The format score also requires a non-empty <think>\u2026</think> block before the calls."),
  scale: z.enum(["toolrl", "normalized"]).default("toolrl").describe("\"toolrl\": format_weight\u00b7format + correctness_weight\u00b7(2c \u2212 1), i.e. 0..1 plus \u22123..3; \"normalized\": weighted mean in 0..1."),
  format_weight: z.number().min(0).default(1).describe("Weight of the format component (well-formed calls)."),
  correctness_weight: z.number().min(0).default(3).describe("Weight of the correctness component (calls matching the reference)."),
  ignore_case: z.boolean().default(true).describe("Compare string argument values without regard to case."),
  strict_types: z.boolean().default(false).describe("Values of different JSON types never match (otherwise \"3\" matches 3)."),
  unordered_arrays: z.boolean().default(false).describe("Array arguments match in any order."),
  max_calls: z.number().int().positive().max(1000).default(64).describe("More predicted calls than this is a format failure (bounds the matching's cost)."),
}).refine((o) => o.format_weight + o.correctness_weight > 0, { message: "format_weight + correctness_weight > 0", path: ["correctness_weight"] });

const THINK = /^\s*<think>([\s\S]*?)<\/think>/;

export const toolcallReward = defineRewardType({
  type: "toolcall",
  description: "tool calls vs reference calls (ToolRL): format score + name/parameter/value correctness with optimal call matching",
  options,
  create(o, context): Reward {
    return perSample(context, (s): RewardResult => {
      const reference = referenceCalls(s.reference);
      if (typeof reference === "string") return unscorable(reference);
      const parsed = completionCalls(s.completion, o.format);
      const problems: string[] = [];
      const tooMany = !parsed.error && parsed.calls.length > o.max_calls;
      if (parsed.error) problems.push(parsed.error);
      if (tooMany) problems.push(`${parsed.calls.length} tool calls, more than max_calls (${o.max_calls})`);
      if (o.require_think && !THINK.exec(completionText(s.completion))?.[1].trim()) problems.push("no <think>…</think> block first");
      const format = problems.length === 0 ? 1 : 0;
      // A malformed tool-call part gets ToolRL's minimum correctness, also where no call was expected.
      const malformed = parsed.error !== undefined || tooMany;
      let c: Correctness;
      try {
        c = correctness(reference, malformed ? [] : parsed.calls, o);
        if (malformed) c = { ...c, fraction: 0, name: 0 };
      } catch (err) {
        // Value comparison recurses into nested arguments; absurd nesting must not fail the batch.
        if (err instanceof RangeError) return failed("tool-call arguments are nested too deeply to compare");
        throw err;
      }
      const reward =
        o.scale === "toolrl"
          ? o.format_weight * format + o.correctness_weight * (2 * c.fraction - 1)
          : (o.format_weight * format + o.correctness_weight * c.fraction) / (o.format_weight + o.correctness_weight);
      const detail = `names ${round(c.name)}, matched ${round(c.matched)} of ${c.max - 1} parameter points`;
      const result = ok(reward, problems.length > 0 ? `${problems.join("; ")}; ${detail}` : detail);
      result.components = {
        format: problems.length > 0 ? { reward: format, status: "ok", reason: problems.join("; ") } : { reward: format, status: "ok" },
        correctness: { reward: c.fraction, status: "ok" },
      };
      return result;
    });
  },
});

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
