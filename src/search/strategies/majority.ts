import { AnswerClasses } from "../answers.ts";
import { sampleN, type Strategy } from "./common.ts";

/**
 * Majority vote (self-consistency, Wang et al. 2022): n samples, the final answer most of them
 * reach; ties go to the answer that appeared first, and its first sample is returned.
 */
export const majority: Strategy = async (run, o) => {
  const candidates = await sampleN(run, o.n);
  const classes = new AnswerClasses(o.answer);
  candidates.forEach((c, i) => classes.add(i, c.text));
  let best = -1;
  for (let k = 0; k < classes.classes.length; k++) if (best < 0 || classes.classes[k].members.length > classes.classes[best].members.length) best = k;
  const votes = classes.classes.map((c) => ({ answer: c.answer, count: c.members.length }));
  const chosen = best >= 0 ? candidates[classes.classes[best].members[0]] : candidates[0];
  return { chosen, candidates, votes };
};
