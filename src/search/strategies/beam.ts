import type { Candidate, SearchRun } from "../run.ts";
import { argmax, defined, ranked, selectionKey, type Strategy } from "./common.ts";

/**
 * Step-level beam search guided by a step scorer (search-and-learn's PRM beam search; Snell et al.
 * 2024): n first steps are sampled, the n/k best partial solutions are kept and each is extended
 * by k samples to the step delimiter; complete ones leave the beam. It stops when n/k answers are
 * complete, nothing is left to extend, or the budget runs out. With `lookahead` L each candidate
 * is scored on a greedy roll-out L steps further (only the one-step extension is kept).
 */
export const beam: Strategy = async (run, o) => {
  const width = Math.max(1, Math.floor(o.n / o.k));
  const root = run.root();
  const finished: Candidate[] = [];
  let frontier: Candidate[] = new Array<Candidate>(o.n).fill(root);
  let active: Candidate[] = [];
  for (let depth = 0; frontier.length > 0; depth++) {
    const children = (await run.extend(frontier, true)).filter(defined);
    if (children.length === 0) break;
    await scoreWithLookahead(run, children, o.lookahead);
    for (const c of children) if (c.complete) finished.push(c);
    active = ranked(children.filter((c) => !c.complete), (c) => c.score).slice(0, width);
    if (finished.length >= width || active.length === 0 || run.exhausted()) break;
    frontier = active.flatMap((b) => new Array<Candidate>(o.k).fill(b));
  }
  const pool = finished.length > 0 ? finished : active;
  const key = await selectionKey(run, pool, o.select);
  return { chosen: argmax(pool, key), candidates: finished };
};

/** Step scores of children; with lookahead, of their greedy roll-outs. */
export async function scoreWithLookahead(run: SearchRun, children: Candidate[], lookahead: number): Promise<void> {
  if (lookahead <= 0) return run.scoreSteps(children);
  let rolled = children.slice();
  for (let l = 0; l < lookahead; l++) {
    const next = await run.extend(rolled, true, { temperature: 0 });
    rolled = rolled.map((c, i) => next[i] ?? c);
  }
  await run.scoreSteps(rolled);
  children.forEach((c, i) => (c.score = rolled[i].score));
}
