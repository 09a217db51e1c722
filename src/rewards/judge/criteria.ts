import type { Sample } from "../../core/types.ts";
import type { CriterionInput } from "./options.ts";

export interface Criterion {
  text: string;
  weight: number;
}

function toCriterion(c: unknown): Criterion | undefined {
  if (typeof c === "string" && c.trim() !== "") return { text: c, weight: 1 };
  if (c && typeof c === "object" && !Array.isArray(c)) {
    const o = c as { criterion?: unknown; weight?: unknown };
    const weight = o.weight === undefined ? 1 : o.weight;
    if (typeof o.criterion === "string" && o.criterion.trim() !== "" && typeof weight === "number" && Number.isFinite(weight) && weight > 0) {
      return { text: o.criterion, weight };
    }
  }
  return undefined;
}

function fromList(list: unknown, where: string): Criterion[] | string {
  if (!Array.isArray(list) || list.length === 0) return `${where} must be a non-empty list of criteria (text or {criterion, weight > 0})`;
  const out: Criterion[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = toCriterion(list[i]);
    if (!c) return `${where}[${i}] must be text or {criterion, weight > 0}, found ${JSON.stringify(list[i])?.slice(0, 60)}`;
    out.push(c);
  }
  return out;
}

/**
 * The criteria (rubric) or principles to judge a record against: the record's own list when it
 * has one (`reference.rubric`, or `principles` / `reference.principles`), else the spec's.
 * A string is a reason the record cannot be scored.
 */
export function recordCriteria(sample: Sample, mode: "rubric" | "principle", fromSpec: readonly CriterionInput[] | undefined): Criterion[] | string {
  const ref = sample.reference;
  const refObj = ref && typeof ref === "object" && !Array.isArray(ref) ? (ref as Record<string, unknown>) : undefined;
  if (mode === "rubric" && refObj && "rubric" in refObj) return fromList(refObj.rubric, "reference.rubric");
  if (mode === "principle") {
    if (sample.meta && "principles" in sample.meta) return fromList(sample.meta.principles, "principles");
    if (refObj && "principles" in refObj) return fromList(refObj.principles, "reference.principles");
  }
  if (fromSpec) return fromSpec.map((c) => toCriterion(c)!);
  return mode === "rubric"
    ? "no rubric: give criteria in the spec or a reference.rubric list in the record"
    : "no principles: give principles in the spec or a principles list in the record";
}

/** The criteria as a numbered list, for the {{criteria}} placeholder. */
export function listCriteria(criteria: readonly Criterion[]): string {
  return criteria.map((c, i) => `${i + 1}. ${c.text}${c.weight !== 1 ? ` (weight ${c.weight})` : ""}`).join("\n");
}
