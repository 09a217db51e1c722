/**
 * A scripted deterministic generator for search tests. Its world: an answer is up to `depth` steps
 * "good" or "bad" (a step request's seed decides: even is good), then "Answer: g" where g counts
 * the good steps. Every request is recorded.
 */
import type { GenerateFn, Generation, GenerationRequest } from "../../src/search/generator.ts";
import { functionScorer } from "../../src/search/scorers.ts";

export interface Scripted {
  generate: GenerateFn;
  requests: GenerationRequest[];
}

export function scriptedGenerator(options: { depth?: number; dieAfter?: number; tokensPerStep?: number; whole?: (req: GenerationRequest, index: number) => string } = {}): Scripted {
  const depth = options.depth ?? 3;
  const requests: GenerationRequest[] = [];
  const generate: GenerateFn = async (req) => {
    const index = requests.length;
    requests.push(req);
    await Promise.resolve();
    if (options.dieAfter !== undefined && index >= options.dieAfter) throw new Error("generator endpoint http://127.0.0.1:1/v1 unavailable: connection refused");
    const tokens = options.tokensPerStep ?? 5;
    const usage = { promptTokens: 10, completionTokens: tokens };
    const seed = req.seed ?? index;
    const stepDelimiter = req.stop?.[0];
    const done = req.prefix.split("\n").filter((l) => l.startsWith("step")).length;
    if (stepDelimiter === undefined) {
      // A whole answer.
      if (options.whole) return { text: options.whole(req, index), finish: "eos", ...usage } satisfies Generation;
      const steps = Array.from({ length: depth }, (_, i) => `step ${i + 1} ${(seed >> i) % 2 === 0 ? "good" : "bad"}`);
      const good = steps.filter((s) => s.endsWith("good")).length;
      return { text: steps.join("\n") + `\nAnswer: ${good}`, finish: "eos", ...usage };
    }
    if (done >= depth) {
      const good = req.prefix.split("\n").filter((l) => l.endsWith("good")).length;
      return { text: `Answer: ${good}`, finish: "eos", ...usage };
    }
    return { text: `step ${done + 1} ${seed % 2 === 0 ? "good" : "bad"}`, finish: "stop", ...usage };
  };
  return { generate, requests };
}

/** 0.9 when every step so far is good, else 0.1. */
export const allGood = functionScorer((_p, c) => (c.steps.filter((s) => s.startsWith("step")).every((s) => s.endsWith("good")) ? 0.9 : 0.1));

/** The answer's count of good steps over the depth, from the Answer line (outcome reward). */
export const outcomeGood = functionScorer((_p, c) => {
  const m = /Answer: (\d+)/.exec(c.text);
  return m ? (Number(m[1]) === 3 ? 1 : 0) : null;
});
