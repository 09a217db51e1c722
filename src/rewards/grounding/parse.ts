import { balancedJsonEnd } from "../../core/json-text.ts";
import type { Box, Point } from "./geometry.ts";

/** What a completion predicted: a point, a box, or why nothing usable was found. */
export type Prediction = { kind: "point"; point: Point } | { kind: "box"; box: Box } | { kind: "none"; reason: string };

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;
/** A bracketed or parenthesised group of numbers separated by commas and/or spaces. */
// The separator alternatives cannot both match the same text, so long runs of spaces stay linear.
const GROUP = new RegExp(String.raw`[\[(]\s*(${NUMBER}(?:(?:\s*,\s*|\s+)${NUMBER})*)\s*[\])]`, "g");
const POINT_KEYS = ["point_2d", "point", "click", "coordinate", "coordinates", "position"];
const BOX_KEYS = ["bbox_2d", "bbox", "box"];

/**
 * Parse a predicted point or box. JSON first (an object, or a list whose first element is one,
 * with `bbox_2d`/`bbox`/`box`, `point_2d`/`point`/`click`/`coordinate`/`position`, `x`+`y` or
 * `x1`+`y1`+`x2`+`y2`), else the first number group in the text: `[x1, y1, x2, y2]` or
 * `(x1, y1, x2, y2)` is a box, `(x, y)`/`[x, y]` a point, `(x1, y1),(x2, y2)` a box.
 */
export function parsePrediction(text: string): Prediction {
  const json = parseJsonPrediction(text);
  if (json) return json;
  const groups = [...text.matchAll(GROUP)];
  if (groups.length === 0) return { kind: "none", reason: "no point or box found" };
  const first = numbersOf(groups[0][1]);
  if (first.length === 4) return boxOf(first);
  if (first.length !== 2) return { kind: "none", reason: `expected 2 or 4 coordinates, found ${first.length}` };
  const next = groups[1];
  const between = next ? text.slice(groups[0].index + groups[0][0].length, next.index) : undefined;
  if (next && between !== undefined && /^\s*,?\s*$/.test(between)) {
    const second = numbersOf(next[1]);
    if (second.length === 2) return boxOf([...first, ...second]);
  }
  if (!first.every(Number.isFinite)) return { kind: "none", reason: "a coordinate is not a finite number" };
  return { kind: "point", point: [first[0], first[1]] };
}

function numbersOf(group: string): number[] {
  return group.split(/[\s,]+/).filter(Boolean).map(Number);
}

function boxOf(n: readonly number[]): Prediction {
  if (!n.every(Number.isFinite)) return { kind: "none", reason: "a coordinate is not a finite number" };
  if (n[2] < n[0] || n[3] < n[1]) return { kind: "none", reason: `not a box: x2 < x1 or y2 < y1 in [${n.join(", ")}]` };
  return { kind: "box", box: [n[0], n[1], n[2], n[3]] };
}

function parseJsonPrediction(text: string): Prediction | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  let value: unknown;
  try {
    const end = balancedJsonEnd(text, start);
    value = JSON.parse(text.slice(start, end < 0 ? text.length : end));
  } catch {
    return undefined;
  }
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === "object" && value[0] !== null) value = value[0];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  for (const k of BOX_KEYS) if (isNumbers(o[k], 4)) return boxOf(o[k] as number[]);
  for (const k of POINT_KEYS) {
    if (isNumbers(o[k], 2)) return { kind: "point", point: [(o[k] as number[])[0], (o[k] as number[])[1]] };
    if (isNumbers(o[k], 4)) return boxOf(o[k] as number[]);
  }
  if (isNumbers([o.x1, o.y1, o.x2, o.y2], 4)) return boxOf([o.x1, o.y1, o.x2, o.y2] as number[]);
  if (isNumbers([o.x, o.y], 2)) return { kind: "point", point: [o.x as number, o.y as number] };
  return undefined;
}

function isNumbers(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));
}
