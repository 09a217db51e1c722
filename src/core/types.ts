/** Data contracts shared by every part of rewardsmith (ARCHITECTURE.md, "Data contracts"; README, "Input and output"). */

/** One chat message, OpenAI style. `content` may be a string or a list of typed parts. */
export interface ChatMessage {
  role: string;
  content: string | Array<{ type: string; text?: string; [k: string]: unknown }> | null;
  [k: string]: unknown;
}

/** A prompt or completion: plain text or a list of chat messages. */
export type Text = string | ChatMessage[];

/**
 * One input record after field renames. Fields the contract does not name are kept in `meta`,
 * so rewards (and users) can read them.
 */
export interface Sample {
  id?: string | number | null;
  prompt?: Text;
  completion: Text;
  reference?: unknown;
  group?: string | number | null;
  /** Dense signals supplied with the input (e.g. process-reward steps). */
  steps?: Step[];
  meta?: Record<string, unknown>;
}

/**
 * `ok`: scored; `unscorable`: the input cannot be scored (no reference, bad reference ...);
 * `error`: something failed (timeout, judge unavailable, malformed line). Never a silent 0.
 */
export type Status = "ok" | "unscorable" | "error";

export interface Step {
  reward: number | null;
  [k: string]: unknown;
}

/** A character span of the completion with its own reward (fine-grained rewards). */
export interface Segment {
  start: number;
  end: number;
  reward: number;
  label?: string;
}

/** What one reward says about one sample. `reward` is null exactly when `status` is not "ok". */
export interface RewardResult {
  reward: number | null;
  status: Status;
  reason?: string;
  /** Named sub-results (per test, per criterion ...). */
  components?: Record<string, ComponentResult>;
  steps?: Step[];
  segments?: Segment[];
}

/** A component as written in the output record. */
export interface ComponentResult {
  reward: number | null;
  status: Status;
  reason?: string;
  [k: string]: unknown;
}

/** One output record: one per input record (also for lines that could not be parsed), in input order. */
export interface OutputRecord {
  id: string | number | null;
  reward: number | null;
  status: Status;
  reason?: string;
  components?: Record<string, ComponentResult>;
  /** The reward after the spec's shaping steps (present when the spec shapes rewards). */
  shaped_reward?: number | null;
  /** Present when the spec normalizes; null when the record has no advantage. */
  advantage?: number | null;
  /** Why the advantage is null, or what is unusual about its group (zero variance, unexpected size). */
  advantage_reason?: string;
  /** Ensembles: the std of the component rewards, a measure of how much the ensemble disagrees. */
  disagreement?: number;
  steps?: Step[];
  segments?: Segment[];
}

export function ok(reward: number, reason?: string): RewardResult {
  return reason === undefined ? { reward, status: "ok" } : { reward, status: "ok", reason };
}

export function unscorable(reason: string): RewardResult {
  return { reward: null, status: "unscorable", reason };
}

export function failed(reason: string): RewardResult {
  return { reward: null, status: "error", reason };
}
