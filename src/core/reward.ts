import type { z } from "zod";
import type { RewardResult, Sample } from "./types.ts";

/**
 * A reward scores a batch of samples at once (batch-first, so pools and judges can work on many
 * records together). It returns exactly one result per sample, in order. It must not throw for a
 * bad sample: a sample it cannot score gets `unscorable` or `error` with a reason. Throwing is
 * reserved for failures of the whole batch; the pipeline then marks every sample of the batch
 * as `error` with the thrown message.
 */
export interface Reward {
  readonly name: string;
  readonly type: string;
  score(samples: readonly Sample[]): RewardResult[] | Promise<RewardResult[]>;
  /** Release pools, sockets, caches. Called once when the scorer is closed. */
  close?(): void | Promise<void>;
  /** Run totals to show in the score summary (requests, cache hits, tokens ...), keyed by metric name. */
  summary?(): Record<string, number>;
  /**
   * True when the reward compares the records of a group with each other (pairwise judging): the
   * pipeline then keeps a group's adjacent records in one batch instead of cutting at a fixed size.
   */
  readonly groupwise?: boolean;
}

/** What a reward type receives besides its own configuration. */
export interface RewardContext {
  /** The reward's name in the spec (`rewards.<name>`). */
  name: string;
  /** Directory of the spec file, for resolving relative paths in the config. */
  specDir: string;
  /** The reward's type id (`rewards.<name>.type`), so a type writes its id once, in its definition. */
  type: string;
  /** Switches of this run (command-line flags), the same for every reward; absent means all off. */
  flags?: RunFlags;
}

/**
 * Run-time switches that reach every reward through its context instead of rewriting the spec.
 * A type reads the ones that concern it and ignores the rest.
 */
export interface RunFlags {
  /** `--no-cache`: rewards with a reply cache (judges) neither read nor write it. */
  noCache?: boolean;
  /** `--unsafe-no-sandbox`: rewards that run programs (code) run them without isolation. */
  unsafeNoSandbox?: boolean;
}

/**
 * A reward type: a name, a zod schema for its spec options (unknown keys are rejected), and a
 * factory. `weight`, `type` and `field` are handled by the spec and never reach `options`.
 */
export interface RewardType<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly description: string;
  readonly options: S;
  create(options: z.output<S>, context: RewardContext): Reward;
}

/**
 * Build a per-sample reward from a function; most rule-based rewards are this. A sample on which
 * the function throws (hostile input it did not foresee) gets status error; the others still score.
 */
export function perSample(context: Pick<RewardContext, "name" | "type">, fn: (sample: Sample) => RewardResult): Reward;
export function perSample(name: string, type: string, fn: (sample: Sample) => RewardResult): Reward;
export function perSample(
  nameOrContext: string | Pick<RewardContext, "name" | "type">,
  typeOrFn: string | ((sample: Sample) => RewardResult),
  maybeFn?: (sample: Sample) => RewardResult,
): Reward {
  const name = typeof nameOrContext === "string" ? nameOrContext : nameOrContext.name;
  const type = typeof nameOrContext === "string" ? (typeOrFn as string) : nameOrContext.type;
  const fn = typeof typeOrFn === "function" ? typeOrFn : maybeFn!;
  return {
    name,
    type,
    score(samples) {
      const out = new Array<RewardResult>(samples.length);
      for (let i = 0; i < samples.length; i++) {
        try {
          out[i] = fn(samples[i]);
        } catch (err) {
          out[i] = { reward: null, status: "error", reason: `${type} failed on this record: ${err instanceof Error ? err.message : String(err)}` };
        }
      }
      return out;
    },
  };
}

/**
 * Define a reward type: its id (written once, here), a description, the zod schema of its options
 * (describe each field with `.describe()`: the schema is the documentation) and a factory. The
 * factory's context carries the id as `context.type`.
 */
export function defineRewardType<S extends z.ZodType>(definition: RewardType<S>): RewardType<S> {
  return definition;
}
