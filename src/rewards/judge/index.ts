import { z } from "zod";
import type { RewardType } from "../../core/reward.ts";
import { Judge } from "./judge.ts";
import { judgeOptions } from "./options.ts";
import { SpanJudge, spansJudgeOptions } from "./spans.ts";

/** Every judge mode's options; `mode: spans` has its own (span-level judging, spans.ts). */
const judgeTypeOptions = z.discriminatedUnion("mode", [judgeOptions, spansJudgeOptions]);

/** The `judge` reward type: LLM-as-a-judge through any OpenAI-compatible chat-completions endpoint. */
export const judgeRewardType: RewardType<typeof judgeTypeOptions> = {
  type: "judge",
  description: "LLM judge over an OpenAI-compatible endpoint: pointwise, reference, pairwise, rubric, principle or spans",
  options: judgeTypeOptions,
  create(options, { name, specDir }) {
    let apiKey: string | undefined;
    if (options.api_key_env !== undefined) {
      apiKey = process.env[options.api_key_env];
      if (!apiKey) throw new Error(`api_key_env: the environment variable ${options.api_key_env} is not set`);
    }
    return options.mode === "spans" ? new SpanJudge(name, options, specDir, apiKey) : new Judge(name, options, specDir, apiKey);
  },
};
