import type { EvalItem } from "../types.ts";
import { describe, isText, itemId, type Reader, rest } from "./common.ts";

/**
 * RewardBench 1 layout: `{prompt, chosen, rejected, subset}` with one chosen and one rejected
 * response (text or chat messages), plus `id`, `chosen_model`, `rejected_model`.
 */
export const readPairwise: Reader = (raw, line) => {
  if (!isText(raw.chosen)) return `"chosen" must be a response (text or chat messages), found ${describe(raw.chosen)}`;
  if (!isText(raw.rejected)) return `"rejected" must be a response (text or chat messages), found ${describe(raw.rejected)}`;
  if (raw.prompt !== undefined && !isText(raw.prompt)) return `"prompt" must be text or chat messages, found ${describe(raw.prompt)}`;
  const item: EvalItem = {
    line,
    id: itemId(raw, line),
    subset: typeof raw.subset === "string" && raw.subset !== "" ? raw.subset : "all",
    candidates: [
      { key: "chosen", completion: raw.chosen },
      { key: "rejected", completion: raw.rejected },
    ],
    chosen: 1,
    meta: rest(raw, ["prompt", "chosen", "rejected", "subset", "id"]),
  };
  if (raw.prompt !== undefined) item.prompt = raw.prompt as EvalItem["prompt"];
  return item;
};
