import type { EvalItem } from "../types.ts";
import { describe, isText, isTextList, itemId, type Reader, rest } from "./common.ts";

/** The style levels of RM-Bench's responses, in the order of `chosen` and `rejected`. */
export const RM_BENCH_STYLES = ["concise", "detailed", "detailed_markdown"] as const;

/**
 * RM-Bench layout: `{id, prompt, chosen: [3], rejected: [3], domain}`; entry i of each list has
 * style i (concise, detailed plain text, detailed markdown). The subset is the domain (chat, math,
 * code, safety: safety-refuse and safety-response together); `domain` stays in the item's meta.
 */
export const readRmBench: Reader = (raw, line) => {
  for (const k of ["chosen", "rejected"]) {
    const v = raw[k];
    if (!isTextList(v) || v.length !== 3) return `"${k}" must be a list of 3 responses (concise, detailed, detailed markdown), found ${describe(v)}`;
  }
  if (raw.prompt !== undefined && !isText(raw.prompt)) return `"prompt" must be text or chat messages, found ${describe(raw.prompt)}`;
  const chosen = raw.chosen as string[];
  const rejected = raw.rejected as string[];
  const item: EvalItem = {
    line,
    id: itemId(raw, line),
    // safety-refuse and safety-response form one domain, as RM-Bench reports it (domain prefix match).
    subset: typeof raw.domain === "string" && raw.domain !== "" ? (raw.domain.startsWith("safety") ? "safety" : raw.domain) : typeof raw.subset === "string" ? raw.subset : "all",
    candidates: [...chosen.map((c, i) => ({ key: `chosen.${RM_BENCH_STYLES[i]}`, completion: c })), ...rejected.map((c, i) => ({ key: `rejected.${RM_BENCH_STYLES[i]}`, completion: c }))],
    chosen: 3,
    meta: rest(raw, ["prompt", "chosen", "rejected", "id"]),
  };
  if (raw.prompt !== undefined) item.prompt = raw.prompt as EvalItem["prompt"];
  return item;
};
