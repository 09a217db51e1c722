import { z } from "zod";
import { defineRewardType } from "../../core/reward.ts";
import { endpointApiKey } from "../shared/http/endpoint.ts";
import { Judge } from "./judge.ts";
import { judgeOptions } from "./options.ts";
import { SpanJudge, spansJudgeOptions } from "./spans.ts";

/** Every judge mode's options; `mode: spans` has its own (span-level judging, spans.ts). */
const judgeTypeOptions = z.discriminatedUnion("mode", [judgeOptions, spansJudgeOptions]);

/** The `judge` reward type: LLM-as-a-judge through any OpenAI-compatible chat-completions endpoint. */
export const judgeRewardType = defineRewardType({
  type: "judge",
  description: "LLM judge over an OpenAI-compatible endpoint: pointwise, reference, pairwise, rubric, principle or spans",
  options: judgeTypeOptions,
  create(options, context) {
    const apiKey = endpointApiKey(options);
    // --no-cache reaches the judge through the run flags, not by rewriting the spec.
    const own = context.flags?.noCache && options.cache !== false ? { ...options, cache: false } : options;
    return own.mode === "spans" ? new SpanJudge(context.name, own, context.specDir, apiKey) : new Judge(context.name, own, context.specDir, apiKey);
  },
});
