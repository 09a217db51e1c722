import { RewardRegistry } from "../core/registry.ts";
import { stepsReward } from "../normalize/stepsReward.ts";
import { judgeRewardType } from "../judges/type.ts";
import { groundingReward } from "../verifiers/grounding/reward.ts";
import { jsonReward } from "../verifiers/format/json.ts";
import { lengthRewardType } from "../verifiers/format/length.ts";
import { tagsReward } from "../verifiers/format/tags.ts";
import { mathReward } from "../verifiers/math/reward.ts";
import { codeReward } from "../verifiers/code/code.ts";
import { containsReward } from "../verifiers/text/contains.ts";
import { exactReward } from "../verifiers/text/exact.ts";
import { f1Reward } from "../verifiers/text/f1.ts";
import { sqlReward } from "../verifiers/sql/reward.ts";
import { regexReward } from "../verifiers/text/regex.ts";
import { similarityReward } from "../verifiers/text/similarity/reward.ts";
import { toolcallReward } from "../verifiers/toolcall/reward.ts";

/** A new registry holding every built-in reward type. */
export function builtinRegistry(): RewardRegistry {
  return new RewardRegistry()
    .register(exactReward)
    .register(containsReward)
    .register(regexReward)
    .register(f1Reward)
    .register(jsonReward)
    .register(lengthRewardType)
    .register(tagsReward)
    .register(stepsReward)
    .register(judgeRewardType)
    .register(mathReward)
    .register(similarityReward)
    .register(groundingReward)
    .register(toolcallReward)
    .register(sqlReward)
    .register(codeReward);
}

/** The registry specs use unless told otherwise. Register your own types on it (or pass your own). */
export const defaultRegistry: RewardRegistry = builtinRegistry();
