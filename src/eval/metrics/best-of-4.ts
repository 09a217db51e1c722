import type { FormatMetric } from "../types.ts";
import { allRewards, mean } from "./common.ts";

/** Per-prompt statistics of a Ties item (rewardbench/utils.py `_compute_prompt_stats`). */
export interface TiesStats {
  kind: "ref" | "tied";
  prompt: string;
  accurate: number;
  /** Best minus worst correct score (undefined with one correct answer). */
  correctSpread: number | undefined;
  /** Worst correct minus best incorrect score. */
  correctIncorrectMargin: number;
}

export interface BestOfOutcome {
  /** Share of credit: 1/#max when a chosen response is among the #max top scores, else 0. */
  correct: number;
  ties?: TiesStats;
}

export function isTiesSubset(subset: string): boolean {
  return subset.toLowerCase() === "ties";
}

/**
 * RewardBench 2 best-of-N. Outside Ties: right when the chosen response has the top reward; when
 * k responses share the top reward and the chosen one is among them the item earns 1/k
 * (rewardbench/utils.py `reroll_and_score_dataset`, "penalty for ties"). With several chosen
 * responses outside Ties the credit is (#chosen at the top) / (#responses at the top).
 *
 * Ties: its own score (`process_single_model`): 0.30 accuracy on "tied:" prompts + 0.30 on "ref:"
 * prompts (accurate: every correct answer outscores every incorrect one) + 0.20 share of prompts whose
 * correct-incorrect margin exceeds the spread among correct answers + 0.20 the same with the smaller
 * of the tied and ref margins + 0.01 mean tanh(min margin / spread - 1) (0 where undefined).
 */
export const bestOfMetric: FormatMetric<BestOfOutcome> = {
  headline: "score",
  outcome(item, scores) {
    const r = allRewards(item, scores);
    if (typeof r === "string") return r;
    const nChosen = item.chosen ?? 1;
    if (isTiesSubset(item.subset)) {
      const m = /^(ref|tied):(.+)$/.exec(item.id);
      if (!m) return `a Ties item's id must be "ref:<n>" or "tied:<n>", found ${JSON.stringify(item.id)}`;
      const correct = r.slice(0, nChosen);
      const incorrect = r.slice(nChosen);
      const worstCorrect = Math.min(...correct);
      const margin = worstCorrect - Math.max(...incorrect);
      const ties: TiesStats = { kind: m[1] as "ref" | "tied", prompt: m[2], accurate: margin > 0 ? 1 : 0, correctSpread: correct.length > 1 ? Math.max(...correct) - worstCorrect : undefined, correctIncorrectMargin: margin };
      return { correct: ties.accurate, ties };
    }
    let top = -Infinity;
    for (const x of r) if (x > top) top = x;
    let atTop = 0;
    let chosenAtTop = 0;
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== top) continue;
      atTop++;
      if (i < nChosen) chosenAtTop++;
    }
    return { correct: chosenAtTop / atTop };
  },
  aggregate(os) {
    if (os.length > 0 && os.every((o) => o.ties)) return tiesScore(os.map((o) => o.ties!));
    return { score: mean(os.map((o) => o.correct)), accuracy: mean(os.map((o) => o.correct)) };
  },
  value: (o) => (o.ties ? undefined : o.correct),
  failed: (o) => o.correct < 1,
};

export function tiesScore(stats: readonly TiesStats[]): Record<string, number> {
  const ref = new Map<string, TiesStats>();
  const tied = new Map<string, TiesStats>();
  for (const s of stats) (s.kind === "ref" ? ref : tied).set(s.prompt, s);
  const refAcc = ref.size ? mean([...ref.values()].map((s) => s.accurate)) : 0;
  const tiedAcc = tied.size ? mean([...tied.values()].map((s) => s.accurate)) : 0;
  const both = [...tied.keys()].filter((p) => ref.has(p));
  let preferred = 0;
  let preferredHard = 0;
  let marginSum = 0;
  for (const p of both) {
    const t = tied.get(p)!;
    const r = ref.get(p)!;
    // numpy compares with NaN (a tied prompt with one correct answer) as false.
    const spread = t.correctSpread ?? Number.NaN;
    const hard = Math.min(r.correctIncorrectMargin, t.correctIncorrectMargin);
    if (t.correctIncorrectMargin > spread) preferred++;
    if (hard > spread) preferredHard++;
    const m = Math.tanh(hard / spread - 1);
    marginSum += Number.isNaN(m) ? 0 : m;
  }
  const n = both.length;
  const correctnessPreferred = n ? preferred / n : Number.NaN;
  const correctnessPreferredHard = n ? preferredHard / n : Number.NaN;
  const marginScore = n ? marginSum / n : Number.NaN;
  const score = 0.3 * tiedAcc + 0.3 * refAcc + 0.2 * correctnessPreferred + 0.2 * correctnessPreferredHard + 0.01 * marginScore;
  return { score, accuracy: mean(stats.map((s) => s.accurate)), ref_accuracy: refAcc, tied_accuracy: tiedAcc, correctness_preferred: correctnessPreferred, correctness_preferred_hard: correctnessPreferredHard, margin_score: marginScore };
}
