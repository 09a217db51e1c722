import type { Candidate } from "../run.ts";
import { argmax, defined, selectionKey, type Strategy } from "./common.ts";

/**
 * Diverse verifier tree search (Beeching et al., search-and-learn): the budget is split into n/k
 * independent subtrees; each keeps one partial solution and extends it by k samples per step,
 * keeping its best-scored child, until it completes. The answer is the best of the subtrees' answers.
 */
export const dvts: Strategy = async (run, o) => {
  const trees = Math.max(1, Math.floor(o.n / o.k));
  const root = run.root();
  let heads: Candidate[] = new Array<Candidate>(trees).fill(root);
  while (heads.some((h) => !h.complete) && !run.exhausted()) {
    const open = heads.filter((h) => !h.complete);
    const children = await run.extend(open.flatMap((h) => new Array<Candidate>(o.k).fill(h)), true);
    const made = children.filter(defined);
    if (made.length === 0) break;
    await run.scoreSteps(made);
    let at = 0;
    heads = heads.map((h) => {
      if (h.complete) return h;
      const own = children.slice(at, at + o.k).filter(defined);
      at += o.k;
      return argmax(own, (c) => c.score) ?? h;
    });
  }
  const done = heads.filter((h) => h.complete && h.id !== root.id);
  const pool = done.length > 0 ? done : heads.filter((h) => h.id !== root.id);
  const key = await selectionKey(run, pool, o.select);
  return { chosen: argmax(pool, key), candidates: done };
};
