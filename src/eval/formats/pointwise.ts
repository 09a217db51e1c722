import type { EvalItem } from "../types.ts";
import { describe, isText, itemId, type Reader, rest } from "./common.ts";

/**
 * Pointwise labelled layout: `{prompt, completion, label}` with a binary label (1/0, true/false,
 * "good"/"bad" are not guessed: numbers 0 and 1 or booleans only); `subset` groups the records.
 */
export const readPointwise: Reader = (raw, line) => {
  if (!isText(raw.completion)) return `"completion" must be text or chat messages, found ${describe(raw.completion)}`;
  const l = raw.label;
  const label = l === true || l === 1 ? 1 : l === false || l === 0 ? 0 : undefined;
  if (label === undefined) return `"label" must be 0, 1, true or false, found ${describe(l)}`;
  if (raw.prompt !== undefined && !isText(raw.prompt)) return `"prompt" must be text or chat messages, found ${describe(raw.prompt)}`;
  const item: EvalItem = {
    line,
    id: itemId(raw, line),
    subset: typeof raw.subset === "string" && raw.subset !== "" ? raw.subset : "all",
    candidates: [{ key: "completion", completion: raw.completion }],
    label,
    meta: rest(raw, ["prompt", "completion", "label", "subset", "id"]),
  };
  if (raw.prompt !== undefined) item.prompt = raw.prompt as EvalItem["prompt"];
  return item;
};
