import type { TestOutcome } from "./outcome.ts";
import type { Test } from "./reference.ts";

/** `pass_all`: 1 only if every test passes; `fraction`: passed / total; `weighted`: passed weight / total weight. */
export type Scoring = "pass_all" | "fraction" | "weighted";

/** A test's weight: its `weight`, else 1 - `pass_rate` (harder tests count more), else 1. */
export function testWeight(test: Test): number {
  if (test.weight !== undefined) return test.weight;
  if (test.pass_rate !== undefined) return 1 - test.pass_rate;
  return 1;
}

export function scoreTests(outcomes: readonly TestOutcome[], tests: readonly Test[], scoring: Scoring): number {
  const passed = outcomes.map((o) => o.outcome === "passed");
  const count = passed.filter(Boolean).length;
  if (scoring === "pass_all") return count === passed.length ? 1 : 0;
  if (scoring === "weighted") {
    let total = 0;
    let earned = 0;
    for (let i = 0; i < tests.length; i++) {
      const w = testWeight(tests[i]);
      total += w;
      if (passed[i]) earned += w;
    }
    // Every weight 0 (e.g. all pass rates 1) says nothing about difficulty: count tests equally.
    if (total > 0) return earned / total;
  }
  return count / passed.length;
}
