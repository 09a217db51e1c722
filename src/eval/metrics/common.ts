import type { EvalItem, ItemScores } from "../types.ts";

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** All candidates' rewards, or the reason the item cannot be judged (the first candidate without one). */
export function allRewards(item: EvalItem, scores: ItemScores): number[] | string {
  const out = new Array<number>(item.candidates.length);
  for (let i = 0; i < out.length; i++) {
    const r = scores.reward(i);
    if (r === null) return `${item.candidates[i].key} was not scored`;
    out[i] = r;
  }
  return out;
}
