import type { FormatMetric } from "../types.ts";
import { allRewards, mean } from "./common.ts";

export interface RmBenchOutcome {
  /** matrix[i][j] = 1 when chosen response of style i scores strictly above rejected response of style j. */
  matrix: number[][];
  hard: number;
  normal: number;
  easy: number;
}

/**
 * RM-Bench (THU-KEG/RM-Bench, `compute_accuracy`): the 3 x 3 matrix of chosen style i vs rejected
 * style j (concise, detailed, detailed markdown), right when chosen scores strictly higher. Hard:
 * mean of the cells above the diagonal (the chosen response plainer than the rejected one), normal:
 * the diagonal, easy: below it; averaged over the items. `avg` is the mean of the three.
 */
export const rmBenchMetric: FormatMetric<RmBenchOutcome> = {
  headline: "avg",
  outcome(item, scores) {
    const r = allRewards(item, scores);
    if (typeof r === "string") return r;
    const matrix = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (r[i] > r[3 + j] ? 1 : 0)));
    const cell = (pred: (i: number, j: number) => boolean) => {
      const xs: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (pred(i, j)) xs.push(matrix[i][j]);
      return mean(xs);
    };
    return { matrix, hard: cell((i, j) => j > i), normal: cell((i, j) => i === j), easy: cell((i, j) => i > j) };
  },
  aggregate(os) {
    const hard = mean(os.map((o) => o.hard));
    const normal = mean(os.map((o) => o.normal));
    const easy = mean(os.map((o) => o.easy));
    const out: Record<string, number> = { avg: (hard + normal + easy) / 3, hard, normal, easy };
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[`matrix_${i}_${j}`] = mean(os.map((o) => o.matrix[i][j]));
    return out;
  },
  value: (o) => (o.hard + o.normal + o.easy) / 3,
  failed: (o) => o.normal < 1,
};
