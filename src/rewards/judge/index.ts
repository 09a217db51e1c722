import { defineRewardType } from "../../core/reward.ts";
import { Judge } from "./judge.ts";
import { judgeOptions } from "./options.ts";

/** The `judge` reward type: LLM-as-a-judge through any OpenAI-compatible chat-completions endpoint. */
export const judgeRewardType = defineRewardType({
  type: "judge",
  description: "LLM judge over an OpenAI-compatible endpoint: pointwise, reference, pairwise, rubric or principle",
  options: judgeOptions,
  create(options, context) {
    let apiKey: string | undefined;
    if (options.api_key_env !== undefined) {
      apiKey = process.env[options.api_key_env];
      if (!apiKey) throw new Error(`api_key_env: the environment variable ${options.api_key_env} is not set`);
    }
    // --no-cache reaches the judge through the run flags, not by rewriting the spec.
    const own = context.flags?.noCache && options.cache !== false ? { ...options, cache: false } : options;
    return new Judge(context.name, own, context.specDir, apiKey);
  },
});
