import type { FormatMetric } from "../types.ts";
import { allRewards, mean } from "./common.ts";

type Decision = "A>B" | "B>A" | "A=B";

export interface JudgeBenchOutcome {
  /** The two trials' decisions, both in the original A/B naming. */
  decisions: [Decision, Decision];
  /** Votes: +1 per trial agreeing with the label, -1 per trial naming the other response. */
  votes: number;
  correct: number;
  incorrect: number;
  tie: number;
  inconsistent: number;
}

function decide(a: number, b: number): Decision {
  return a > b ? "A>B" : a < b ? "B>A" : "A=B";
}

const flip = (d: string): string => (d === "A>B" ? "B>A" : d === "B>A" ? "A>B" : d);

/**
 * JudgeBench (ScalerLab/JudgeBench utils/metrics.py, `compute_final_metrics` with reverse order):
 * the pair is judged in both orders; each trial's decision (here: which response has the higher
 * reward, equal rewards a tie "A=B") votes +1 when it matches the label, -1 when it names the other
 * response, 0 for a tie. The pair is right when the votes sum above 0, wrong below 0, a tie at 0;
 * accuracy is right / pairs. Inconsistency: share of pairs whose two decisions differ.
 */
export const judgeBenchMetric: FormatMetric<JudgeBenchOutcome> = {
  headline: "accuracy",
  outcome(item, scores) {
    const r = allRewards(item, scores);
    if (typeof r === "string") return r;
    const label = String(item.label);
    const d1 = decide(r[0], r[1]);
    // The swapped trial shows B first (candidate 2) and A second (candidate 3).
    const d2 = flip(decide(r[2], r[3])) as Decision;
    let votes = 0;
    for (const d of [d1, d2]) votes += d === label ? 1 : d === flip(label) ? -1 : 0;
    return { decisions: [d1, d2], votes, correct: votes > 0 ? 1 : 0, incorrect: votes < 0 ? 1 : 0, tie: votes === 0 ? 1 : 0, inconsistent: d1 !== d2 ? 1 : 0 };
  },
  aggregate(os) {
    return { accuracy: mean(os.map((o) => o.correct)), incorrect_rate: mean(os.map((o) => o.incorrect)), tie_rate: mean(os.map((o) => o.tie)), inconsistency: mean(os.map((o) => o.inconsistent)) };
  },
  value: (o) => o.correct,
  failed: (o) => o.correct === 0,
};
