import type { EvalItem } from "../types.ts";
import { describe, isText, itemId, type Reader, rest } from "./common.ts";

/**
 * JudgeBench layout: `{pair_id, question, response_A, response_B, label, source}` with label
 * "A>B" or "B>A". The pair is scored twice, in the given order and swapped (candidates 0, 1 are
 * A, B as given; 2, 3 are B, A as the swapped trial shows them).
 */
export const readJudgeBench: Reader = (raw, line) => {
  if (!isText(raw.response_A)) return `"response_A" must be a response, found ${describe(raw.response_A)}`;
  if (!isText(raw.response_B)) return `"response_B" must be a response, found ${describe(raw.response_B)}`;
  if (raw.label !== "A>B" && raw.label !== "B>A") return `"label" must be "A>B" or "B>A", found ${describe(raw.label)}`;
  const prompt = raw.question ?? raw.prompt;
  if (prompt !== undefined && !isText(prompt)) return `"question" must be text or chat messages, found ${describe(prompt)}`;
  const source = typeof raw.source === "string" && raw.source !== "" ? category(raw.source) : "all";
  const item: EvalItem = {
    line,
    id: itemId(raw, line, "pair_id"),
    subset: source,
    candidates: [
      { key: "A", completion: raw.response_A },
      { key: "B", completion: raw.response_B },
      { key: "swapped.B", completion: raw.response_B, trial: 1 },
      { key: "swapped.A", completion: raw.response_A, trial: 1 },
    ],
    label: raw.label,
    meta: rest(raw, ["question", "prompt", "response_A", "response_B", "label", "pair_id"]),
  };
  if (prompt !== undefined) item.prompt = prompt as EvalItem["prompt"];
  return item;
};

/** JudgeBench's four categories by source (the paper's knowledge, reasoning, math, coding). */
function category(source: string): string {
  if (source.startsWith("mmlu-pro")) return "knowledge";
  if (source.startsWith("livebench-reasoning")) return "reasoning";
  if (source.startsWith("livebench-math")) return "math";
  if (source.startsWith("livecodebench")) return "coding";
  return source;
}
