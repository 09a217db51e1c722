import { AnswerClasses } from "../answers.ts";
import { argmax, sampleN, selectionKey, type Strategy } from "./common.ts";

/**
 * Weighted vote (weighted best-of-N, Li et al. 2023; search-and-learn): n samples, each votes for
 * its final answer with its score; the answer with the largest sum wins (ties: the one that
 * appeared first), and its best-scored sample is returned.
 */
export const weightedVote: Strategy = async (run, o) => {
  const candidates = await sampleN(run, o.n);
  const key = await selectionKey(run, candidates, o.select);
  const classes = new AnswerClasses(o.answer);
  candidates.forEach((c, i) => classes.add(i, c.text));
  const weightOf = (members: number[]) => members.reduce((sum, i) => sum + (key(candidates[i]) ?? 0), 0);
  let best = -1;
  let bestWeight = -Infinity;
  const votes = classes.classes.map((c, k) => {
    const weight = weightOf(c.members);
    if (weight > bestWeight) {
      best = k;
      bestWeight = weight;
    }
    return { answer: c.answer, count: c.members.length, weight };
  });
  const chosen = best >= 0 ? argmax(classes.classes[best].members.map((i) => candidates[i]), key) : argmax(candidates, key);
  return { chosen, candidates, votes };
};
