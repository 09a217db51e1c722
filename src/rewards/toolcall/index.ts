import { z } from "zod";
import { defineRewardType, perSample, type Reward } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { failed, ok, type RewardResult, unscorable } from "../../core/types.ts";
import { completionCalls, referenceCalls } from "./calls.ts";
import { type Correctness, correctness } from "./match.ts";

const options = z.strictObject({
  /** Where the predicted calls are: OpenAI tool_calls, <tool_call> tags, JSON text, or auto. */
  format: z.enum(["auto", "openai", "tags", "json"]).default("auto"),
  /** The format score also requires a non-empty <think>…</think> block before the calls. */
  require_think: z.boolean().default(false),
  /** "toolrl": format_weight·format + correctness_weight·(2c − 1), i.e. 0..1 plus −3..3; "normalized": weighted mean in 0..1. */
  scale: z.enum(["toolrl", "normalized"]).default("toolrl"),
  format_weight: z.number().min(0).default(1),
  correctness_weight: z.number().min(0).default(3),
  ignore_case: z.boolean().default(true),
  strict_types: z.boolean().default(false),
  unordered_arrays: z.boolean().default(false),
  /** More predicted calls than this is a format failure (bounds the matching's cost). */
  max_calls: z.number().int().positive().max(1000).default(64),
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
