import { argmax, sampleN, selectionKey, type Strategy } from "./common.ts";

/** Best-of-N: n independent samples, the one the scorer ranks highest (ties: the earliest sample). */
export const bestOfN: Strategy = async (run, o) => {
  const candidates = await sampleN(run, o.n);
  const key = await selectionKey(run, candidates, o.select);
  return { chosen: argmax(candidates, key), candidates };
};
