import type { RewardRegistry } from "../core/registry.ts";
import type { OutputRecord } from "../core/types.ts";
import { loadSpec, parseSpec } from "../spec/parse.ts";
import { Scorer, type ScorerOptions } from "./scorer.ts";
import type { Spec } from "../spec/spec.ts";

/** A spec as a file path, a validated Spec, or a plain document (as parsed from YAML/JSON). */
export type SpecSource = string | Spec | Record<string, unknown>;

function isSpec(s: SpecSource): s is Spec {
  // `dir` is set on every compiled Spec and is no key of a spec document.
  return typeof s === "object" && Array.isArray((s as Spec).rewards) && typeof (s as Spec).combine === "object" && typeof (s as Spec).dir === "string";
}

export function resolveSpec(source: SpecSource, registry?: RewardRegistry): Spec {
  if (typeof source === "string") return loadSpec(source, { registry });
  if (isSpec(source)) return source;
  return parseSpec(source, { registry });
}

/** Compile a spec into a Scorer. Call `close()` on it when done (rewards may hold pools or sockets). */
export function createScorer(source: SpecSource, registry?: RewardRegistry, options?: ScorerOptions): Scorer {
  return new Scorer(resolveSpec(source, registry), registry, options);
}

/** Score records with a spec in one call: one output record per input record, in order (with advantages when the spec normalizes). */
export async function score(source: SpecSource, records: readonly unknown[], registry?: RewardRegistry, options?: ScorerOptions): Promise<OutputRecord[]> {
  const scorer = createScorer(source, registry, options);
  try {
    const out = await scorer.scoreRecords(records);
    scorer.normalizeRecords(records, out);
    return out;
  } finally {
    await scorer.close();
  }
}
