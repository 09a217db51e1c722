/**
 * Robustness guards. "One Token to Fool LLM-as-a-Judge" (Zhao et al., 2025) shows judges giving
 * positive verdicts to empty-looking answers: a lone ":" or "." and reasoning openers such as
 * "Thought process:" or "Let's solve this problem step by step.". Such completions never reach
 * the judge: they get reward 0 with a reason.
 */

/** Reasoning openers that carry no answer (compared after removing case, spaces and punctuation). */
export const REASONING_OPENERS = [
  "Let's solve this problem step by step.",
  "Let's solve this step by step.",
  "Let's think step by step.",
  "Let me think step by step.",
  "Let me think.",
  "Thought process:",
  "Reasoning:",
  "Solution",
  "Solution:",
  "Answer:",
  "The answer is",
  "Final answer:",
  "Step 1:",
  "First,",
  "Okay, let's see.",
  "解",
  "解答",
  "かいせつ",
  "解説",
  "Respuesta",
  "Solución",
  "Lösung",
  "Réponse",
];

/** Characters that show nothing: a zero-width space or joiner after ":" must not get it past the guard. */
const INVISIBLE = /[\p{Z}\p{Cc}\p{Cf}\s]+/gu;

function squash(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(INVISIBLE, "").replace(/[\p{P}\p{S}]+/gu, "");
}

const OPENERS = new Set(REASONING_OPENERS.map(squash));

/** Markup tags such as <think> and </answer>: a completion of empty tags says nothing either. */
const TAG = /<\/?[A-Za-z][\w:.-]*\s*\/?>/g;

/** Why a completion is degenerate (no judge needed), or undefined when it is a real attempt. */
export function degenerateReason(completion: string): string | undefined {
  if (completion.replace(INVISIBLE, "") === "") return "empty completion";
  const text = completion.replace(TAG, "");
  if (text.replace(INVISIBLE, "") === "") return "completion is only empty markup tags";
  const core = squash(text);
  if (core === "") return "completion is only punctuation or symbols";
  if (OPENERS.has(core)) return `completion is only a reasoning opener (${JSON.stringify(completion.trim().slice(0, 60))})`;
  return undefined;
}

/**
 * Length-bias report: the Pearson correlation between completion length (characters) and judge
 * reward over every scored record of a run. A strong positive value means the judge pays for length.
 */
export class LengthBias {
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;

  add(length: number, reward: number): void {
    this.n++;
    this.sx += length;
    this.sy += reward;
    this.sxx += length * length;
    this.syy += reward * reward;
    this.sxy += length * reward;
  }

  /** Undefined with fewer than 3 records or when length or reward does not vary. */
  correlation(): number | undefined {
    if (this.n < 3) return undefined;
    const cov = this.sxy - (this.sx * this.sy) / this.n;
    const vx = this.sxx - (this.sx * this.sx) / this.n;
    const vy = this.syy - (this.sy * this.sy) / this.n;
    if (vx <= 1e-12 || vy <= 1e-12) return undefined;
    return cov / Math.sqrt(vx * vy);
  }
}
