import type { Text } from "../core/types.ts";

/** One problem to search on: a prompt, optionally a reference (for the outcome reward and accuracy). */
export interface Problem {
  id?: string | number | null;
  prompt: Text;
  reference?: unknown;
  meta?: Record<string, unknown>;
}

/** A node of the search tree: a partial or complete answer. */
export interface Candidate {
  id: number;
  parent: number | null;
  /** The whole answer so far (every step, delimiters included). */
  text: string;
  /** Its steps, without delimiters. */
  steps: string[];
  /** The answer ended (end of text or max_tokens), or the step limit was reached. */
  complete: boolean;
  /** max_tokens cut the last generation. */
  truncated?: boolean;
  /** The step scorer's (aggregated) score of this prefix; null: not scorable; undefined: not scored. */
  score?: number | null;
  /** The outcome reward of a complete answer. */
  outcome?: number | null;
}
