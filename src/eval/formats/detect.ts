import type { EvalFormat } from "../types.ts";
import { isTextList } from "./common.ts";

/**
 * The format of a record by its fields: response_A/response_B -> judgebench; a list of steps with a
 * numeric label -> processbench; completion with label -> pointwise; chosen/rejected lists ->
 * rm_bench when the record has `domain` and three of each, else best_of_4; single chosen/rejected
 * -> pairwise. Undefined when nothing fits.
 */
export function detectFormat(raw: Record<string, unknown>): EvalFormat | undefined {
  if (raw.response_A !== undefined && raw.response_B !== undefined) return "judgebench";
  if (Array.isArray(raw.steps) && typeof raw.label === "number") return "processbench";
  if (raw.completion !== undefined && raw.label !== undefined) return "pointwise";
  if (raw.chosen !== undefined && raw.rejected !== undefined) {
    if (isTextList(raw.chosen) && isTextList(raw.rejected)) {
      return raw.domain !== undefined && raw.chosen.length === 3 && raw.rejected.length === 3 ? "rm_bench" : "best_of_4";
    }
    return "pairwise";
  }
  return undefined;
}
