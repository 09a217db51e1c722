import type { EvalItem } from "../types.ts";
import { describe, isText, itemId, type Reader, rest } from "./common.ts";

/**
 * ProcessBench layout: `{id, problem, steps: [..], label, final_answer_correct, generator}`; label
 * is the 0-based index of the first wrong step, or -1 when every step is right. The subset is the
 * id's prefix ("gsm8k-0" -> gsm8k), or `subset`.
 *
 * The candidate is the whole solution (steps joined by a blank line) with `steps` as
 * `[{reward: null, text}]`, so a process reward sees the steps; with `prefixes` each prefix of
 * 1..n steps is a candidate of its own (a scalar reward of a prefix becomes that step's score).
 */
export function processBenchReader(prefixes: boolean): Reader {
  return (raw, line) => {
    const steps = raw.steps;
    if (!Array.isArray(steps) || steps.length === 0 || !steps.every((s) => typeof s === "string")) return `"steps" must be a non-empty list of strings, found ${describe(steps)}`;
    const label = raw.label;
    if (typeof label !== "number" || !Number.isInteger(label) || label < -1 || label >= steps.length) return `"label" must be -1 or a step index below ${steps.length}, found ${describe(label)}`;
    const prompt = raw.problem ?? raw.prompt;
    if (prompt !== undefined && !isText(prompt)) return `"problem" must be text, found ${describe(prompt)}`;
    const id = itemId(raw, line);
    const subset = typeof raw.subset === "string" && raw.subset !== "" ? raw.subset : /^([A-Za-z0-9_]+)-\d+$/.exec(id)?.[1] ?? "all";
    const texts = steps as string[];
    const candidates: EvalItem["candidates"] = prefixes
      ? texts.map((_, k) => ({ key: `prefix[${k + 1}]`, completion: texts.slice(0, k + 1).join("\n\n"), steps: texts.slice(0, k + 1).map((text) => ({ reward: null, text })) }))
      : [{ key: "solution", completion: texts.join("\n\n"), steps: texts.map((text) => ({ reward: null, text })) }];
    const item: EvalItem = { line, id, subset, candidates, label, meta: rest(raw, ["problem", "prompt", "steps", "label", "id"]) };
    if (prompt !== undefined) item.prompt = prompt as EvalItem["prompt"];
    return item;
  };
}
