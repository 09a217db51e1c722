import type { Candidate } from "../run.ts";
import { effectiveSampleSize, logitPotential, normalizeLogWeights, seededRandom, systematicResample } from "../resample.ts";
import { argmax, type Strategy } from "./common.ts";

/**
 * Particle filtering (sequential Monte Carlo; Puri et al. 2025 "Rollout Roulette", Markovic-Voronov
 * et al. 2025): n particles each grow one step at a time; every step multiplies a particle's weight
 * by exp(logit(s) / T), s the step scorer's score of its prefix (a complete particle keeps its
 * last score); particles are resampled (systematic) every step, or when the effective sample size
 * drops below ess_threshold · n. The answer is the complete particle of highest weight (ties: the
 * higher score, then the earliest), or of highest outcome reward.
 */
export const particleFilter: Strategy = async (run, o) => {
  const random = seededRandom(o.seed);
  const root = run.root();
  let particles: Candidate[] = new Array<Candidate>(o.n).fill(root);
  let logW = new Array<number>(o.n).fill(0);
  const potential = (c: Candidate) => logitPotential(c.score ?? 0, o.potentialTemperature);
  while (particles.some((p) => !p.complete) && !run.exhausted()) {
    const next = await run.extend(particles, true);
    const grown = next.filter((c): c is Candidate => c !== undefined);
    if (grown.length === 0) break;
    await run.scoreSteps(grown);
    particles = particles.map((p, i) => next[i] ?? p);
    logW = logW.map((w, i) => w + potential(particles[i]));
    if (particles.every((p) => p.complete)) break;
    const weights = normalizeLogWeights(logW);
    if (o.resample === "every" || effectiveSampleSize(weights) < o.essThreshold * o.n) {
      const drawn = systematicResample(weights, o.n, random);
      const seen = new Set<number>();
      particles = drawn.map((i) => {
        const p = particles[i];
        if (seen.has(i)) return run.clone(p);
        seen.add(i);
        return p;
      });
      logW = new Array<number>(o.n).fill(0);
    }
  }
  const done = particles.filter((p) => p.complete && p.id !== root.id);
  const pool = done.length > 0 ? done : particles.filter((p) => p.id !== root.id);
  if (o.final === "outcome") {
    await run.scoreOutcomes(pool);
    return { chosen: argmax(pool, (c) => c.outcome), candidates: done };
  }
  const weightOf = new Map(particles.map((p, i) => [p.id, logW[i]]));
  let chosen: Candidate | undefined;
  for (const c of pool) {
    if (chosen === undefined) {
      chosen = c;
      continue;
    }
    const dw = (weightOf.get(c.id) ?? -Infinity) - (weightOf.get(chosen.id) ?? -Infinity);
    const ds = (c.score ?? -Infinity) - (chosen.score ?? -Infinity);
    if (dw > 0 || (dw === 0 && (ds > 0 || (ds === 0 && c.id < chosen.id)))) chosen = c;
  }
  return { chosen, candidates: done };
};
