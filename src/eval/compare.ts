import type { CandidateScore, EvalItem } from "./types.ts";
import { pearson, spearman } from "./stats.ts";

export interface AgreementReport {
  /** Candidates both specs scored. */
  candidates: number;
  spearman: number;
  pearson: number;
  /** Candidate pairs of one item (and trial) both specs scored. */
  pairs: number;
  /** Share of those pairs both specs order the same way (a tie counts as its own order). */
  pairwise_agreement: number;
  /**
   * STARC-style distance in [0, 1]: each reward canonicalised (minus its mean over the item's
   * candidates, or over all records when items have one candidate), scaled to unit L2 norm, and
   * half the L2 distance between the two taken. 0: the same up to a positive scale and a
   * per-prompt offset (the same preferences); 0.5: uncorrelated; 1: opposite.
   */
  starc_distance: number;
}

/** How much two rewards agree over the same candidates (`--compare other.yaml`). */
export function agreement(items: readonly EvalItem[], a: readonly CandidateScore[][], b: readonly CandidateScore[][]): AgreementReport {
  const xa: number[] = [];
  const xb: number[] = [];
  const groups: Array<Array<[number, number]>> = [];
  let pairs = 0;
  let agree = 0;
  for (let i = 0; i < items.length; i++) {
    const byTrial = new Map<number, Array<[number, number]>>();
    for (let c = 0; c < items[i].candidates.length; c++) {
      const ra = a[i][c]?.reward;
      const rb = b[i][c]?.reward;
      if (ra === null || ra === undefined || rb === null || rb === undefined) continue;
      xa.push(ra);
      xb.push(rb);
      const t = items[i].candidates[c].trial ?? 0;
      const g = byTrial.get(t) ?? [];
      g.push([ra, rb]);
      byTrial.set(t, g);
    }
    for (const g of byTrial.values()) {
      groups.push(g);
      for (let p = 0; p < g.length; p++) {
        for (let q = p + 1; q < g.length; q++) {
          pairs++;
          if (Math.sign(g[p][0] - g[q][0]) === Math.sign(g[p][1] - g[q][1])) agree++;
        }
      }
    }
  }
  return { candidates: xa.length, spearman: spearman(xa, xb), pearson: pearson(xa, xb), pairs, pairwise_agreement: pairs ? agree / pairs : Number.NaN, starc_distance: starcDistance(groups) };
}

/** groups: per item (and trial) the [a, b] rewards of the candidates both scored. */
export function starcDistance(groups: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): number {
  const multi = groups.filter((g) => g.length > 1);
  const ca: number[] = [];
  const cb: number[] = [];
  if (multi.length > 0) {
    for (const g of multi) {
      let ma = 0;
      let mb = 0;
      for (const [x, y] of g) {
        ma += x;
        mb += y;
      }
      ma /= g.length;
      mb /= g.length;
      for (const [x, y] of g) {
        ca.push(x - ma);
        cb.push(y - mb);
      }
    }
  } else {
    const all = groups.flat();
    if (all.length === 0) return Number.NaN;
    const ma = all.reduce((s, p) => s + p[0], 0) / all.length;
    const mb = all.reduce((s, p) => s + p[1], 0) / all.length;
    for (const [x, y] of all) {
      ca.push(x - ma);
      cb.push(y - mb);
    }
  }
  const na = norm(ca);
  const nb = norm(cb);
  if (na === 0 || nb === 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < ca.length; i++) d += (ca[i] / na - cb[i] / nb) ** 2;
  return Math.sqrt(d) / 2;
}

function norm(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x * x;
  return Math.sqrt(s);
}
