import type { ComponentPolicy, NonOkPolicy } from "../core/policy.ts";
import type { RewardResult, Status } from "../core/types.ts";
import { type EnsembleSpec, ensembleReward } from "./ensemble.ts";
import { compileFormula } from "./formula.ts";

export type { ComponentPolicy, NonOkPolicy };

export type Aggregate = "weighted_sum" | "min" | "max" | "product";

export type CombineSpec =
  | { type: Aggregate }
  | { type: "gate"; gates: Record<string, number>; floor: number; then: Aggregate }
  | { type: "formula"; formula: string }
  | ({ type: "ensemble" } & EnsembleSpec);

export interface Combined {
  reward: number | null;
  status: Status;
  reason?: string;
  /** Ensembles: population std of the members' rewards. */
  disagreement?: number;
}

/** Combines one record's component results (given in component order) into its reward. */
export type Combiner = (results: readonly RewardResult[]) => Combined;

const SKIP = Symbol("skip");

/**
 * Build a combiner. Status propagation: a component that is not ok is handled by its policy
 * (`on_error` / `on_unscorable`). Under `propagate` the record takes the worst propagated status
 * (error over unscorable) and a reason naming each failing component; `zero` counts it as 0;
 * `skip` leaves it out of the combination (a skipped gate is not checked).
 */
export function createCombiner(spec: CombineSpec, components: readonly ComponentPolicy[]): Combiner {
  const names = components.map((c) => c.name);
  const weights = components.map((c) => c.weight);
  const aggregate = spec.type === "gate" ? spec.then : spec.type === "formula" || spec.type === "ensemble" ? undefined : spec.type;
  const gateIndex = spec.type === "gate" ? Object.entries(spec.gates).map(([n, t]) => [names.indexOf(n), t] as const) : [];
  const isGate = names.map((n) => spec.type === "gate" && Object.hasOwn(spec.gates, n));
  const formula = spec.type === "formula" ? compileFormula(spec.formula, names) : undefined;
  const floor = spec.type === "gate" ? spec.floor : 0;
  const n = components.length;

  return (results) => {
    const values = new Array<number | typeof SKIP>(n);
    let failure: Status | undefined;
    let failReason = "";
    for (let i = 0; i < n; i++) {
      const r = results[i];
      if (r.status === "ok" && r.reward !== null) {
        values[i] = r.reward;
        continue;
      }
      const status: Status = r.status === "ok" ? "error" : r.status;
      const policy = status === "error" ? components[i].onError : components[i].onUnscorable;
      if (policy === "zero") values[i] = 0;
      else if (policy === "skip") values[i] = SKIP;
      else {
        if (failure !== "error") failure = status;
        failReason += `${failReason ? "; " : ""}${names[i]}: ${r.reason ?? status}`;
      }
    }
    if (failure) return { reward: null, status: failure, reason: failReason };

    let reward: number;
    if (formula) {
      const scope: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === SKIP) {
          if (formula.variables.includes(names[i])) return { reward: null, status: results[i].status, reason: `${names[i]}: ${results[i].reason ?? results[i].status} (skipped, but the formula needs it)` };
          continue;
        }
        scope[names[i]] = v;
      }
      reward = formula.evaluate(scope);
    } else {
      for (const [i, threshold] of gateIndex) {
        const v = values[i];
        if (v !== SKIP && !(v >= threshold)) return { reward: floor, status: "ok", reason: `gate ${names[i]} not passed (${v} < ${threshold})` };
      }
      const picked: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== SKIP && !isGate[i]) picked.push([v, weights[i]]);
      }
      if (picked.length === 0) {
        if (spec.type === "gate" && gateIndex.length === n && values.some((v) => v !== SKIP)) return { reward: 1, status: "ok" };
        const worst = results.some((r) => r.status === "error") ? "error" : "unscorable";
        return { reward: null, status: worst, reason: `every component was skipped: ${results.map((r, i) => `${names[i]}: ${r.reason ?? r.status}`).join("; ")}` };
      }
      if (spec.type === "ensemble") {
        const e = ensembleReward(picked.map(([v]) => v), spec);
        if (!Number.isFinite(e.reward)) return { reward: null, status: "error", reason: `combined reward is not a finite number (${e.reward})` };
        return { reward: e.reward, status: "ok", disagreement: e.disagreement };
      }
      reward = aggregateValues(aggregate!, picked);
    }
    if (!Number.isFinite(reward)) return { reward: null, status: "error", reason: `combined reward is not a finite number (${reward})` };
    return { reward, status: "ok" };
  };
}

function aggregateValues(kind: Aggregate, picked: ReadonlyArray<[number, number]>): number {
  switch (kind) {
    case "weighted_sum": {
      let s = 0;
      for (const [v, w] of picked) s += v * w;
      return s;
    }
    case "min": {
      let m = Infinity;
      for (const [v] of picked) if (v < m) m = v;
      return m;
    }
    case "max": {
      let m = -Infinity;
      for (const [v] of picked) if (v > m) m = v;
      return m;
    }
    case "product": {
      let p = 1;
      for (const [v] of picked) p *= v;
      return p;
    }
  }
}
