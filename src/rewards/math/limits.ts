/**
 * Hard bounds that keep every comparison cheap. Input over a bound is rejected (or evaluated in
 * floating point) before any expensive work; see docs/math.md, "Limits".
 */
export const LIMITS = {
  /** Longest completion text read (characters); the tail is kept, since answers come last. */
  maxCompletionChars: 200_000,
  /** Longest extracted answer or reference that is parsed (characters). */
  maxAnswerChars: 2_000,
  /** Most tokens in one answer. */
  maxTokens: 1_000,
  /** Deepest nesting of brackets/operators the parser follows. */
  maxDepth: 60,
  /** Largest exact integer power result (bits); larger powers are evaluated in floating point. */
  maxPowerBits: 4_096,
  /** Largest n for which n! is computed exactly. */
  maxExactFactorial: 300,
  /** Largest |exponent| of a constant power (10^{10^{10}} is rejected). */
  maxExponent: 100_000,
  /** Largest argument of a factorial or binomial. */
  maxFactorial: 100_000,
  /** Largest |exponent| accepted in scientific notation. */
  maxSciExponent: 400,
  /** Most alternatives a ± expansion may produce. */
  maxPmExpansion: 16,
  /** Most items in a list, set or matrix. */
  maxItems: 200,
} as const;
