import { type Combiner, createCombiner } from "../combine/combine.ts";
import { errorMessage, SpecError } from "../core/errors.ts";
import type { RewardRegistry } from "../core/registry.ts";
import type { Reward, RunFlags } from "../core/reward.ts";
import type { ComponentResult, OutputRecord, RewardResult, Sample } from "../core/types.ts";
import type { Normalized } from "../normalize/batch.ts";
import { defaultRegistry } from "../rewards/index.ts";
import { Normalizer, type RunCollector } from "./normalizer.ts";
import { groupKeyReader, recordId, sampleMapper, type ToSample } from "./record.ts";
import type { Spec } from "../spec/spec.ts";

/** How a Scorer is built besides its spec. */
export interface ScorerOptions {
  /** Run switches handed to every reward in its context (`--no-cache`, `--unsafe-no-sandbox`). */
  flags?: RunFlags;
}

/**
 * A compiled spec, the one entry point of a scoring run: everything that costs set-up (rewards and
 * their pools, the combiner, the record mapper, the normalize block and its calibration files) is
 * built once here. Callers (the CLI stream, `score()`, the server) then only map records
 * (`mapRecord`), score (`scoreRecords` / `scoreSamples`), normalise (`normalizeRecords`,
 * `normalizeSamples`, `normalizeCollector`) and `close()`.
 * Rewards of a batch run concurrently; each reward sees the whole batch at once.
 */
export class Scorer {
  readonly spec: Spec;
  /** The compiled normalize block; undefined when the spec does not normalize. */
  readonly normalizer: Normalizer | undefined;
  /** A raw input record (parsed JSON) as a Sample after the spec's renames, or the reason it cannot be used. */
  readonly mapRecord: ToSample;
  private readonly rewards: Reward[];
  private readonly combiner: Combiner;
  private readonly idField: string;
  /** Some reward compares records within their group: batches must not cut a group apart. */
  readonly groupwise: boolean;
  /** The group key of a raw input record (after the spec's renames), or undefined. */
  readonly groupKey: (raw: unknown) => string | undefined;

  constructor(spec: Spec, registry: RewardRegistry = defaultRegistry, options: ScorerOptions = {}) {
    this.spec = spec;
    const flags = options.flags ?? {};
    this.rewards = spec.rewards.map((r) => {
      const type = registry.get(r.type);
      if (!type) throw new SpecError(spec.file, [{ path: `rewards.${r.name}.type`, message: `unknown reward type "${r.type}"` }]);
      try {
        return type.create(r.options, { name: r.name, specDir: spec.dir, type: r.type, flags });
      } catch (err) {
        if (err instanceof SpecError) throw err;
        throw new SpecError(spec.file, [{ path: `rewards.${r.name}`, message: errorMessage(err) }]);
      }
    });
    this.combiner = createCombiner(spec.combine, spec.rewards);
    this.mapRecord = sampleMapper(spec.fields);
    this.idField = spec.fields.id ?? "id";
    this.groupwise = this.rewards.some((r) => r.groupwise === true);
    this.groupKey = groupKeyReader(spec.fields);
    // Its files (length-bias calibration) are read here, once: validate and serve refuse a bad
    // one at once, and no later request or run reads them again.
    this.normalizer = spec.normalize ? new Normalizer(spec) : undefined;
  }

  /**
   * Add shaped_reward / advantage / advantage_reason to output records of raw input records
   * (the in-memory path: `score()`, one server request). Does nothing without a normalize block.
   */
  normalizeRecords(raws: readonly unknown[], records: OutputRecord[]): Normalized | undefined {
    return this.normalizer?.records(raws, records);
  }

  /** As normalizeRecords, for samples already mapped (undefined: a record that could not be used). */
  normalizeSamples(samples: ReadonlyArray<Sample | undefined>, records: OutputRecord[]): Normalized | undefined {
    return this.normalizer?.samples(samples, records);
  }

  /** A fresh collector for a streamed run (two-pass normalisation); throws without a normalize block. */
  normalizeCollector(): RunCollector {
    if (!this.normalizer) throw new TypeError("the spec has no normalize block");
    return this.normalizer.runCollector();
  }

  /** Score raw input records (parsed JSON values). A record that cannot be used gets an error record. */
  async scoreRecords(records: readonly unknown[]): Promise<OutputRecord[]> {
    const out = new Array<OutputRecord>(records.length);
    const samples: Sample[] = [];
    const where: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const s = this.mapRecord(records[i]);
      if (typeof s === "string") out[i] = errorRecord(recordId(records[i], this.idField), s);
      else {
        samples.push(s);
        where.push(i);
      }
    }
    const scored = await this.scoreSamples(samples);
    for (let k = 0; k < where.length; k++) out[where[k]] = scored[k];
    return out;
  }

  /** Score samples that already follow the contract (no field renames applied). */
  async scoreSamples(samples: readonly Sample[]): Promise<OutputRecord[]> {
    if (samples.length === 0) return [];
    const perReward = await Promise.all(this.rewards.map((r) => runReward(r, samples)));
    const n = this.rewards.length;
    const names = this.spec.rewards.map((r) => r.name);
    const out = new Array<OutputRecord>(samples.length);
    const row = new Array<RewardResult>(n);
    for (let i = 0; i < samples.length; i++) {
      const components: Record<string, ComponentResult> = {};
      for (let j = 0; j < n; j++) {
        const r = perReward[j][i];
        row[j] = r;
        components[names[j]] = r as ComponentResult;
      }
      const c = this.combiner(row);
      const rec: OutputRecord = { id: samples[i].id ?? null, reward: c.reward, status: c.status };
      if (c.reason !== undefined) rec.reason = c.reason;
      if (c.disagreement !== undefined) rec.disagreement = c.disagreement;
      rec.components = components;
      if (n === 1) {
        const only = row[0];
        if (only.steps) rec.steps = only.steps;
        if (only.segments) rec.segments = only.segments;
      }
      out[i] = rec;
    }
    return out;
  }

  /** The rewards' run totals (see Reward.summary), keyed `<reward name>.<metric>`. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.rewards) {
      const own = r.summary?.();
      if (own) for (const [k, v] of Object.entries(own)) out[`${r.name}.${k}`] = v;
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.rewards.map((r) => r.close?.()));
  }
}

export function errorRecord(id: string | number | null, reason: string): OutputRecord {
  return { id, reward: null, status: "error", reason };
}

/** Run one reward over a batch; a thrown error or a wrong result count fails that reward for the whole batch. */
async function runReward(reward: Reward, samples: readonly Sample[]): Promise<RewardResult[]> {
  let results: RewardResult[];
  try {
    results = await reward.score(samples);
  } catch (err) {
    return samples.map(() => ({ reward: null, status: "error", reason: `${reward.type} failed: ${errorMessage(err)}` }));
  }
  if (!Array.isArray(results) || results.length !== samples.length) {
    const reason = `${reward.type} returned ${Array.isArray(results) ? results.length : "no"} results for ${samples.length} records`;
    return samples.map(() => ({ reward: null, status: "error", reason }));
  }
  // The contract is checked per entry: one malformed entry fails its own record, not the batch
  // (a throw here would reject the whole batch and, in a stream, the process).
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === null || typeof r !== "object" || (r.status !== "ok" && r.status !== "unscorable" && r.status !== "error")) {
      results[i] = { reward: null, status: "error", reason: `${reward.type} returned an invalid result (${describeResult(r)})` };
    } else if (r.status === "ok" && (typeof r.reward !== "number" || !Number.isFinite(r.reward))) {
      results[i] = { ...r, reward: null, status: "error", reason: `${reward.type} produced a non-finite reward (${r.reward})` };
    } else if (r.status !== "ok" && r.reward !== null) {
      results[i] = { ...r, reward: null };
    }
  }
  return results;
}

function describeResult(r: unknown): string {
  if (r === null || typeof r !== "object") return String(r);
  return `status ${JSON.stringify((r as { status?: unknown }).status)}`;
}
