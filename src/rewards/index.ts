import { RewardRegistry } from "../core/registry.ts";
import { stepsReward } from "./steps/index.ts";
import { judgeRewardType } from "./judge/index.ts";
import { groundingReward } from "./grounding/index.ts";
import { jsonReward } from "./json/index.ts";
import { lengthRewardType } from "./length/index.ts";
import { tagsReward } from "./tags/index.ts";
import { mathReward } from "./math/index.ts";
import { codeReward } from "./code/index.ts";
import { containsReward } from "./contains/index.ts";
import { exactReward } from "./exact/index.ts";
import { f1Reward } from "./f1/index.ts";
import { sqlReward } from "./sql/index.ts";
import { regexReward } from "./regex/index.ts";
import { similarityReward } from "./similarity/index.ts";
import { toolcallReward } from "./toolcall/index.ts";
import { prmReward } from "./prm/index.ts";
import { rewardModelReward } from "./reward_model/index.ts";
import { likelihoodReward } from "./likelihood/index.ts";
import { confidenceReward } from "./confidence/index.ts";
import { perplexityReward } from "./perplexity/index.ts";
import { selfCertaintyReward } from "./self_certainty/index.ts";
import { implicitPrmReward } from "./implicit_prm/index.ts";

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
    .register(codeReward)
    .register(prmReward)
    .register(rewardModelReward)
    .register(likelihoodReward)
    .register(confidenceReward)
    .register(perplexityReward)
    .register(selfCertaintyReward)
    .register(implicitPrmReward);
}

/** The registry specs use unless told otherwise. Register your own types on it (or pass your own). */
export const defaultRegistry: RewardRegistry = builtinRegistry();
