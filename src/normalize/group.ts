/**
 * Group-relative advantages (GRPO family) over flat typed arrays, so a million records cost a few
 * linear passes. A reward is NaN when the record has no usable reward (error, unscorable): it is
 * left out of its group's statistics and its advantage is NaN (written as null).
 * Formulas and the trainer code each preset follows: docs/normalize.md.
 */

export type AdvantageMethod = "grpo" | "dr_grpo" | "rloo" | "reinforce_baseline" | "rank" | "batch" | "none";
export type StdKind = "unbiased" | "population";
/**
 * What a group with one usable reward gets. raw: mean 0 and std 1 (verl), so the advantage is
 * r / (1 + epsilon) or r; zero: 0 (TRL, and OpenRLHF's mean-only estimators, where r - mean(r) = 0);
 * null: no advantage (OpenRLHF's std and leave-one-out estimators divide by zero there).
 */
export type SingletonRule = "raw" | "zero" | "null";
export type ZeroVarianceRule = "keep" | "flag" | "drop";

export interface AdvantageOptions {
  method: AdvantageMethod;
  /** Std of grpo and batch: torch.std's default is unbiased (n - 1). */
  std: StdKind;
  /** Added to the std before dividing (grpo, batch). */
  epsilon: number;
  singleton: SingletonRule;
  /** Whiten the advantages over the whole batch afterwards: (a - mean) / sqrt(var_unbiased + 1e-8) (verl's masked_whiten). */
  whiten: boolean;
  /** Groups whose usable rewards are all equal carry no signal: keep them, flag them, or drop them (null advantage). */
  zeroVariance: ZeroVarianceRule;
  /** Report groups with another number of records (all records, usable or not). */
  expectedGroupSize?: number;
}

/** Per-record flags of an AdvantageResult (bit set). */
export const FLAG = {
  /** The record has no usable reward: left out of the statistics, advantage null. */
  noReward: 1,
  /** The record has no group key. */
  noGroup: 2,
  /** Its group has one usable reward and the singleton rule is null. */
  singletonNull: 4,
  /** Its group's usable rewards are all equal. */
  zeroVariance: 8,
  /** Its group was dropped (zero variance, zero_variance: drop). */
  dropped: 16,
  /** Its group's size differs from the expected size. */
  sizeMismatch: 32,
  /** Its reward, or its group's mean or spread, is beyond floating point: no advantage. */
  overflow: 64,
} as const;

export interface AdvantageResult {
  /** One per record; NaN where there is no advantage. */
  advantages: Float64Array;
  /** One per record, bits of FLAG. */
  flags: Uint8Array;
  stats: GroupStats;
}

export interface GroupStats {
  groups: number;
  singletonGroups: number;
  zeroVarianceGroups: number;
  /** Groups whose record count differs from expectedGroupSize: group index and size (first 100). */
  sizeMismatches: Array<{ group: number; size: number }>;
  sizeMismatchGroups: number;
}

/** The normalize block's part of a run summary. */
export interface NormalizeSummary extends GroupStats {
  method: string;
  /** Records with an advantage. */
  withAdvantage: number;
}

/**
 * Advantages of `rewards[i]` within group `groups[i]` (dense ids 0..groupCount-1, or -1 for no
 * group). NaN rewards are excluded from the statistics and get NaN.
 */
export function groupAdvantages(rewards: Float64Array, groups: Int32Array, groupCount: number, options: AdvantageOptions): AdvantageResult {
  const n = rewards.length;
  if (groups.length !== n) throw new RangeError(`rewards (${n}) and groups (${groups.length}) differ in length`);
  const stats = groupMoments(rewards, groups, groupCount, options.std);
  const advantages = new Float64Array(n);
  const flags = new Uint8Array(n);
  const { count, mean, std, min, max } = stats;
  const { method, epsilon, singleton } = options;
  const batchStd = method === "batch" ? batchStatistics(rewards, groups, options.std).std : 0;
  const ranks = method === "rank" ? centredRanks(rewards, groups, groupCount) : undefined;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    const r = rewards[i];
    if (r === r && method === "none") {
      advantages[i] = r;
      if (g >= 0 && count[g] > 1 && min[g] === max[g]) flags[i] = FLAG.zeroVariance;
      continue;
    }
    if (g < 0) {
      flags[i] = (method === "none" ? 0 : FLAG.noGroup) | (r !== r ? FLAG.noReward : 0);
      advantages[i] = NaN;
      continue;
    }
    if (r !== r) {
      flags[i] = FLAG.noReward;
      advantages[i] = NaN;
      continue;
    }
    const m = count[g];
    if (m === 1) {
      advantages[i] = singletonAdvantage(method, r, epsilon, singleton);
      if (singleton === "null") flags[i] = FLAG.singletonNull;
      continue;
    }
    switch (method) {
      case "grpo":
        advantages[i] = (r - mean[g]) / (std[g] + epsilon);
        break;
      case "dr_grpo":
      case "reinforce_baseline":
        advantages[i] = r - mean[g];
        break;
      case "rloo":
        advantages[i] = r - (mean[g] * m - r) / (m - 1);
        break;
      case "batch":
        advantages[i] = (r - mean[g]) / (batchStd + epsilon);
        break;
      case "rank":
        advantages[i] = ranks![i];
        break;
    }
    // All rewards equal: the advantage is 0, not the rounding error of the mean divided by a
    // std that is itself rounding error (or 0/0 with epsilon 0).
    if (min[g] === max[g]) {
      advantages[i] = 0;
      flags[i] |= FLAG.zeroVariance;
    }
  }
  // Rewards near the float limit overflow the statistics: an infinite mean gives NaN or Infinity,
  // an infinite std a silent 0. Such records get no advantage, and a flag that says why.
  const usesMean = method !== "rank" && method !== "none";
  const usesStd = method === "grpo";
  for (let i = 0; i < n; i++) {
    const r = rewards[i];
    if (r !== r) continue;
    const g = groups[i];
    const a = advantages[i];
    const grouped = g >= 0 && count[g] > 1;
    const statsOverflow =
      (grouped && ((usesMean && !Number.isFinite(mean[g])) || (usesStd && !Number.isFinite(std[g])))) || (method === "batch" && !Number.isFinite(batchStd));
    if (statsOverflow || !Number.isFinite(r) || (a === a && !Number.isFinite(a))) {
      advantages[i] = NaN;
      flags[i] |= FLAG.overflow;
    }
  }
  const zeroVarianceGroups = countZeroVariance(count, min, max);
  // Dropped groups are filtered out as DAPO's dynamic sampling does, before whitening: their zeros
  // must not pull the batch mean and variance the kept records are whitened with.
  if (options.zeroVariance === "drop" && zeroVarianceGroups > 0) {
    for (let i = 0; i < n; i++) {
      if (flags[i] & FLAG.zeroVariance) {
        advantages[i] = NaN;
        flags[i] |= FLAG.dropped;
      }
    }
  }
  if (options.whiten) whiten(advantages);
  const result: AdvantageResult = { advantages, flags, stats: summarize(stats, zeroVarianceGroups, options.expectedGroupSize) };
  if (options.expectedGroupSize !== undefined) markSizeMismatch(groups, stats.total, options.expectedGroupSize, flags);
  return result;
}

function singletonAdvantage(method: AdvantageMethod, r: number, epsilon: number, rule: SingletonRule): number {
  if (rule === "null") return NaN;
  if (rule === "zero" || method === "rank") return 0;
  // raw: mean 0, std 1 (verl)
  return method === "grpo" || method === "batch" ? r / (1 + epsilon) : r;
}

export interface Moments {
  /** Records per group (usable or not). */
  total: Int32Array;
  /** Usable rewards per group. */
  count: Int32Array;
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/** Per-group count, mean, std (two-pass, as torch computes it), min and max over the usable rewards. */
export function groupMoments(rewards: Float64Array, groups: Int32Array, groupCount: number, kind: StdKind): Moments {
  const total = new Int32Array(groupCount);
  const count = new Int32Array(groupCount);
  const mean = new Float64Array(groupCount);
  const min = new Float64Array(groupCount).fill(Infinity);
  const max = new Float64Array(groupCount).fill(-Infinity);
  const n = rewards.length;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g < 0) continue;
    total[g]++;
    const r = rewards[i];
    if (r !== r) continue;
    count[g]++;
    mean[g] += r;
    if (r < min[g]) min[g] = r;
    if (r > max[g]) max[g] = r;
  }
  for (let g = 0; g < groupCount; g++) mean[g] = count[g] > 0 ? mean[g] / count[g] : NaN;
  const std = new Float64Array(groupCount);
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    const r = rewards[i];
    if (g < 0 || r !== r) continue;
    const d = r - mean[g];
    std[g] += d * d;
  }
  for (let g = 0; g < groupCount; g++) {
    const m = count[g];
    const denominator = kind === "unbiased" ? m - 1 : m;
    std[g] = denominator > 0 ? Math.sqrt(std[g] / denominator) : NaN;
  }
  return { total, count, mean, std, min, max };
}

/** Mean and std of every usable reward that has a group (TRL's scale_rewards=batch std). */
export function batchStatistics(values: Float64Array, groups: Int32Array | undefined, kind: StdKind): { mean: number; std: number; count: number } {
  let sum = 0;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || (groups && groups[i] < 0)) continue;
    sum += v;
    m++;
  }
  const mean = m > 0 ? sum / m : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || (groups && groups[i] < 0)) continue;
    ss += (v - mean) * (v - mean);
  }
  const denominator = kind === "unbiased" ? m - 1 : m;
  return { mean, std: denominator > 0 ? Math.sqrt(ss / denominator) : 0, count: m };
}

/** verl's masked_whiten over records: (a - mean) * rsqrt(var_unbiased + 1e-8), NaN entries untouched. */
export function whiten(values: Float64Array): void {
  const { mean, std, count } = batchStatistics(values, undefined, "unbiased");
  if (count < 2) return;
  const scale = 1 / Math.sqrt(std * std + 1e-8);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) values[i] = (v - mean) * scale;
  }
}

/**
 * Centred ranks within each group (Salimans et al. 2017's rank transform): the k-th smallest of
 * m usable rewards gets k/(m-1) - 1/2, so ranks span [-1/2, 1/2]; ties share their average rank.
 */
export function centredRanks(rewards: Float64Array, groups: Int32Array, groupCount: number): Float64Array {
  const n = rewards.length;
  const out = new Float64Array(n).fill(NaN);
  const start = new Int32Array(groupCount + 1);
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g >= 0 && rewards[i] === rewards[i]) start[g + 1]++;
  }
  for (let g = 0; g < groupCount; g++) start[g + 1] += start[g];
  const order = new Int32Array(start[groupCount]);
  const fill = start.slice(0, groupCount);
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g >= 0 && rewards[i] === rewards[i]) order[fill[g]++] = i;
  }
  for (let g = 0; g < groupCount; g++) {
    const lo = start[g];
    const hi = start[g + 1];
    const m = hi - lo;
    if (m === 0) continue;
    if (m === 1) {
      out[order[lo]] = 0;
      continue;
    }
    // insertion sort by reward: groups are small (typically 4-64)
    for (let a = lo + 1; a < hi; a++) {
      const idx = order[a];
      const v = rewards[idx];
      let b = a - 1;
      while (b >= lo && rewards[order[b]] > v) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = idx;
    }
    for (let a = lo; a < hi; ) {
      let b = a + 1;
      while (b < hi && rewards[order[b]] === rewards[order[a]]) b++;
      const rank = (a - lo + (b - 1 - lo)) / 2;
      for (let k = a; k < b; k++) out[order[k]] = rank / (m - 1) - 0.5;
      a = b;
    }
  }
  return out;
}

function countZeroVariance(count: Int32Array, min: Float64Array, max: Float64Array): number {
  let z = 0;
  for (let g = 0; g < count.length; g++) if (count[g] > 1 && min[g] === max[g]) z++;
  return z;
}

function summarize(m: Moments, zeroVarianceGroups: number, expected: number | undefined): GroupStats {
  let singletonGroups = 0;
  let sizeMismatchGroups = 0;
  const sizeMismatches: GroupStats["sizeMismatches"] = [];
  for (let g = 0; g < m.count.length; g++) {
    if (m.count[g] === 1) singletonGroups++;
    if (expected !== undefined && m.total[g] !== expected) {
      sizeMismatchGroups++;
      if (sizeMismatches.length < 100) sizeMismatches.push({ group: g, size: m.total[g] });
    }
  }
  return { groups: m.count.length, singletonGroups, zeroVarianceGroups, sizeMismatches, sizeMismatchGroups };
}

function markSizeMismatch(groups: Int32Array, total: Int32Array, expected: number, flags: Uint8Array): void {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g >= 0 && total[g] !== expected) flags[i] |= FLAG.sizeMismatch;
  }
}

/**
 * Why a record's advantage is missing or worth a look, from its flags; undefined when there is
 * nothing to say. Zero-variance groups are mentioned unless the rule is keep.
 */
export function advantageNote(
  flags: number,
  context: { groupSize?: number; expectedGroupSize?: number; zeroVariance?: ZeroVarianceRule; groupBy?: "auto" | "group" | "prompt" } = {},
): string | undefined {
  const { groupSize, expectedGroupSize: expected, zeroVariance = "flag", groupBy = "auto" } = context;
  const notes: string[] = [];
  if (flags & FLAG.noReward) notes.push("no reward: excluded from its group's statistics");
  else if (flags & FLAG.noGroup) notes.push(`no group key: the record has ${groupBy === "auto" ? "no group and no prompt" : `no ${groupBy} (group_by: ${groupBy})`}`);
  if (flags & FLAG.singletonNull) notes.push("the only usable reward of its group: no baseline to compare with");
  if (flags & FLAG.overflow) notes.push("rewards too large for floating point (overflow in the group statistics): no advantage");
  if (flags & FLAG.dropped) notes.push("zero-variance group dropped: all usable rewards are equal");
  else if (flags & FLAG.zeroVariance && zeroVariance !== "keep") notes.push("zero-variance group: all usable rewards are equal, no signal");
  if (flags & FLAG.sizeMismatch) notes.push(`group has ${groupSize === undefined ? "another number of records" : `${groupSize} record${groupSize === 1 ? "" : "s"}`}, expected ${expected}`);
  return notes.length > 0 ? notes.join("; ") : undefined;
}
