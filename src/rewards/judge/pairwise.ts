import { completionText } from "../../core/text.ts";
import type { ComponentResult, RewardResult, Sample } from "../../core/types.ts";
import { failed, unscorable } from "../../core/types.ts";

export type Winner = "A" | "B" | "tie";

export interface PairwiseJudge {
  /** Why a completion loses without asking (degenerate-completion guard), or undefined. */
  degenerate(completion: string): string | undefined;
  /** One ordered comparison: `first` shown as Response A, `second` as Response B. Throws when the judge fails. */
  compare(first: Sample, second: Sample): Promise<{ winner: Winner; reason?: string }>;
}

export interface PairwiseStats {
  comparisons: number;
  /** Pairs where the two orders named different winners (position bias). */
  positionDisagreements: number;
}

/** Points for the first of a pair from one ordered verdict. */
const POINTS: Record<Winner, number> = { A: 1, tie: 0.5, B: 0 };

interface PairOutcome {
  /** The first record's points in [0, 1]; the second gets 1 - points. */
  points: number;
  reason: string;
  error?: string;
}

/**
 * Pairwise judging within the batch's groups: every pair of records sharing `group` is compared in
 * both orders (A/B then B/A) and the two verdicts are averaged, so a judge that always prefers the
 * first position gives a tie, not a win. A record's reward is its win rate over its group
 * (win 1, tie 0.5, loss 0); each comparison is a `vs_<id>` component.
 */
export async function scorePairwise(samples: readonly Sample[], judge: PairwiseJudge, stats: PairwiseStats): Promise<RewardResult[]> {
  const results = new Array<RewardResult>(samples.length);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < samples.length; i++) {
    const g = samples[i].group;
    if (g === undefined || g === null) {
      results[i] = unscorable("pairwise judging needs a group: records are compared with the other records of their group");
      continue;
    }
    const key = `${typeof g}:${g}`;
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  }
  const labels = componentLabels(samples);
  const texts = samples.map((s) => completionText(s.completion));
  const work: Array<Promise<void>> = [];
  const components = samples.map(() => ({}) as Record<string, ComponentResult>);
  for (const members of groups.values()) {
    if (members.length < 2) {
      const g = samples[members[0]].group;
      results[members[0]] = unscorable(`no other record of group ${JSON.stringify(g)} in this batch (pairwise compares within a batch: keep a group's records together)`);
      continue;
    }
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x];
        const j = members[y];
        work.push(
          comparePair(samples[i], samples[j], texts[i], texts[j], judge, stats).then((o) => {
            components[i][`vs_${labels[j]}`] = component(o.points, o);
            components[j][`vs_${labels[i]}`] = component(1 - o.points, o);
          }),
        );
      }
    }
  }
  await Promise.all(work);
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    for (const i of members) {
      const comps = components[i];
      const values = Object.values(comps);
      const bad = Object.entries(comps).filter(([, c]) => c.status !== "ok");
      if (bad.length > 0) {
        results[i] = { ...failed(`${bad.length} of ${values.length} comparisons failed: ${bad.map(([k, c]) => `${k}: ${c.reason}`).join("; ")}`), components: comps };
        continue;
      }
      let sum = 0;
      for (const c of values) sum += c.reward!;
      const wins = values.filter((c) => c.reward === 1).length;
      results[i] = { reward: sum / values.length, status: "ok", reason: `win rate over ${values.length} comparisons (${wins} won in both orders)`, components: comps };
    }
  }
  return results;
}

/** A record's id names its comparisons; records without an id, or sharing one, are named by batch position. */
function componentLabels(samples: readonly Sample[]): string[] {
  const seen = new Map<string, number>();
  for (const s of samples) if (s.id !== undefined && s.id !== null) seen.set(String(s.id), (seen.get(String(s.id)) ?? 0) + 1);
  return samples.map((s, i) => (s.id === undefined || s.id === null || seen.get(String(s.id))! > 1 ? `#${i}` : String(s.id)));
}

function component(points: number, o: PairOutcome): ComponentResult {
  return o.error ? { reward: null, status: "error", reason: o.error } : { reward: points, status: "ok", reason: o.reason };
}

async function comparePair(a: Sample, b: Sample, textA: string, textB: string, judge: PairwiseJudge, stats: PairwiseStats): Promise<PairOutcome> {
  const degA = judge.degenerate(textA);
  const degB = judge.degenerate(textB);
  if (degA && degB) return { points: 0.5, reason: `tie without asking: both degenerate (${degA}; ${degB})` };
  if (degA) return { points: 0, reason: `lost without asking: ${degA}` };
  if (degB) return { points: 1, reason: `won without asking: the other ${degB}` };
  if (textA === textB) return { points: 0.5, reason: "tie without asking: identical completions" };
  let first: { winner: Winner };
  let second: { winner: Winner };
  try {
    [first, second] = await Promise.all([judge.compare(a, b), judge.compare(b, a)]);
  } catch (err) {
    return { points: 0, reason: "", error: (err as Error).message };
  }
  stats.comparisons++;
  const asFirst = POINTS[first.winner];
  const asSecond = 1 - POINTS[second.winner];
  const disagree = (asFirst - 0.5) * (asSecond - 0.5) < 0;
  if (disagree) stats.positionDisagreements++;
  const say = (p: number) => (p === 1 ? "win" : p === 0 ? "loss" : "tie");
  const reason = `shown first: ${say(asFirst)}, shown second: ${say(asSecond)}${disagree ? " (the orders disagree: position bias, counted as a tie)" : ""}`;
  return { points: (asFirst + asSecond) / 2, reason };
}
