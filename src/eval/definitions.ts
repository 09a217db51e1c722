import type { EvalFormat } from "./types.ts";

/** What a metric means, its version (bumped whenever its computation changes) and where it comes from. */
export interface MetricDefinition {
  version: number;
  definition: string;
  source: string;
}

export const DEFINITIONS: Record<EvalFormat, Record<string, MetricDefinition>> = {
  pairwise: {
    accuracy: { version: 1, definition: "share of items whose chosen response has a strictly higher reward than the rejected one (ties are wrong)", source: "allenai/reward-bench scripts/run_rm.py" },
    sections: { version: 1, definition: "Chat, Chat Hard, Safety, Reasoning: prompt-weighted means of the subset accuracies present (math-prm weighted 984)", source: "allenai/reward-bench rewardbench/constants.py EXAMPLE_COUNTS, SUBSET_MAPPING; rewardbench/utils.py calculate_scores_per_section" },
    score: { version: 1, definition: "mean of the sections present; pooled accuracy when no subset has a RewardBench name", source: "RewardBench leaderboard" },
  },
  best_of_4: {
    score: { version: 1, definition: "per subset: mean credit, 1/k when the chosen response is among k responses sharing the top reward, else 0; Ties: 0.30 tied acc + 0.30 ref acc + 0.20 correctness_preferred + 0.20 correctness_preferred_hard + 0.01 margin score; overall: mean of the subset scores", source: "allenai/reward-bench rewardbench/utils.py reroll_and_score_dataset, process_single_model" },
  },
  rm_bench: {
    avg: { version: 1, definition: "3x3 matrix chosen style i > rejected style j; hard: above the diagonal, normal: diagonal, easy: below; avg: their mean; overall: mean over domains", source: "THU-KEG/RM-Bench compute_accuracy" },
  },
  judgebench: {
    accuracy: { version: 1, definition: "each pair judged in both orders; +1 per trial matching the label, -1 per trial naming the other response; right when the sum is > 0; accuracy = right / pairs", source: "ScalerLab/JudgeBench utils/metrics.py compute_final_metrics (reverse_order)" },
    inconsistency: { version: 1, definition: "share of pairs whose two trials decide differently", source: "ScalerLab/JudgeBench utils/metrics.py (n_inconsistent)" },
  },
  processbench: {
    f1: { version: 1, definition: "prediction = first step scoring below the threshold (-1 if none); error_acc on label >= 0, correct_acc on label -1, f1 = 2·e·c/(e+c); overall: mean F1 over subsets", source: "QwenLM/ProcessBench code/run_eval_prm_trl.py" },
  },
  pointwise: {
    accuracy: { version: 1, definition: "share of records where (reward >= threshold) equals the label", source: "rewardsmith" },
    auc: { version: 1, definition: "ROC AUC, ties counting one half (Mann-Whitney)", source: "rewardsmith" },
    ece: { version: 1, definition: "Σ (n_b/N)·|mean label − mean reward| over 10 equal-width bins of [0, 1]", source: "Guo et al. 2017, On Calibration of Modern Neural Networks" },
  },
};

export const DIAGNOSTIC_DEFINITIONS: Record<string, MetricDefinition> = {
  length_only: { version: 1, definition: "the format's headline metric with each candidate's reward replaced by the percentile rank of its length in characters (longest wins)", source: "rewardsmith" },
  shortest_only: { version: 1, definition: "as length_only with the shortest candidate winning", source: "rewardsmith" },
  length_correlation: { version: 1, definition: "Pearson and Spearman correlation of reward with length in characters over the scored candidates", source: "rewardsmith" },
  bootstrap_ci: { version: 1, definition: "95% percentile bootstrap interval, items resampled with replacement within each subset, seeded mulberry32 RNG", source: "rewardsmith" },
  compare: { version: 1, definition: "Spearman rank correlation, pairwise agreement within items, STARC-style distance (per-item centred, unit-norm, half L2 distance)", source: "Skalse et al. 2023, STARC" },
};
