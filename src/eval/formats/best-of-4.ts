import type { EvalItem } from "../types.ts";
import { describe, isText, isTextList, itemId, type Reader, rest } from "./common.ts";

/**
 * RewardBench 2 layout: `{prompt, chosen: [..], rejected: [..], subset}` (plus `id`, `num_correct`,
 * `num_rejected`, `total_completions`, `models`). Most subsets have one chosen and three rejected
 * responses; Ties has several chosen ones and ids "ref:<n>" / "tied:<n>".
 */
export const readBestOf4: Reader = (raw, line) => {
  if (!isTextList(raw.chosen) || raw.chosen.length === 0) return `"chosen" must be a non-empty list of responses, found ${describe(raw.chosen)}`;
  if (!isTextList(raw.rejected) || raw.rejected.length === 0) return `"rejected" must be a non-empty list of responses, found ${describe(raw.rejected)}`;
  if (raw.prompt !== undefined && !isText(raw.prompt)) return `"prompt" must be text or chat messages, found ${describe(raw.prompt)}`;
  if (typeof raw.num_correct === "number" && raw.num_correct !== raw.chosen.length) return `"num_correct" is ${raw.num_correct} but "chosen" has ${raw.chosen.length} responses`;
  const item: EvalItem = {
    line,
    id: itemId(raw, line),
    subset: typeof raw.subset === "string" && raw.subset !== "" ? raw.subset : "all",
    candidates: [...raw.chosen.map((c, i) => ({ key: `chosen[${i}]`, completion: c })), ...raw.rejected.map((c, i) => ({ key: `rejected[${i}]`, completion: c }))],
    chosen: raw.chosen.length,
    meta: rest(raw, ["prompt", "chosen", "rejected", "subset", "id"]),
  };
  if (raw.prompt !== undefined) item.prompt = raw.prompt as EvalItem["prompt"];
  return item;
};
