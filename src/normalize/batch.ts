/**
 * Normalization of a whole scored dataset: collects, per record, only what the `normalize` block
 * needs (group id, reward, per-reward values, length, reference reward) in compact typed arrays,
 * then shapes the rewards and computes advantages. Memory: a few numbers per record plus one map
 * entry per group, so files far larger than memory can be normalized.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { errorMessage, RewardsmithError } from "../core/errors.ts";
import type { ComponentPolicy } from "../core/policy.ts";
import { completionText, promptText } from "../core/text.ts";
import type { OutputRecord, Sample } from "../core/types.ts";
import { advantageNote, FLAG, type GroupStats, groupAdvantages, type NormalizeSummary } from "./group.ts";
import { resolveAdvantageOptions } from "./presets.ts";
import { clip, correctLengthBias, cosineLengthReward, overlongPenalty, preferenceAsReward } from "./shaping.ts";
import type { LengthSource, NormalizeSpec } from "./spec.ts";

/** How a component counts when it is not ok (the spec's on_error / on_unscorable). */
export type ComponentRule = ComponentPolicy;

/** The computed columns, one entry per record in input order. */
export interface Normalized {
  advantages: Float64Array;
  /** Present when the spec shapes rewards. */
  shaped?: Float64Array;
  /** Why a record's advantage is missing or flagged; undefined when there is nothing to say. */
  note(index: number): string | undefined;
  summary: NormalizeSummary;
}

class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class IntColumn {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

const MISSING_LENGTH = 1;
const MISSING_REFERENCE = 2;

export class NormalizeCollector {
  private readonly spec: NormalizeSpec;
  private readonly components: readonly ComponentRule[];
  private readonly groupIds = new Map<string | number, number>();
  private readonly promptIds = new Map<string, number>();
  private groupCount = 0;
  private readonly groups = new IntColumn();
  private readonly rewards = new Column();
  private readonly perComponent: Column[];
  private readonly lengthSources: LengthSource[];
  private readonly lengths: Column[];
  private readonly references = new Column();
  private readonly needsReference: string | undefined;
  private readonly calibrations: ReadonlyMap<string, Calibration>;

  /**
   * `calibrations`: the block's calibration files, read once with readCalibrations (a collector per
   * run then reads nothing); a directory instead reads them here, relative to it.
   */
  constructor(spec: NormalizeSpec, components: readonly ComponentRule[], calibrations: string | ReadonlyMap<string, Calibration>) {
    this.spec = spec;
    this.components = components;
    this.perComponent = spec.multi_reward === "normalize_then_sum" ? components.map(() => new Column()) : [];
    this.lengthSources = [];
    for (const step of spec.shaping) {
      if ("length" in step && !this.lengthSources.some((s) => sameSource(s, step.length))) this.lengthSources.push(step.length);
    }
    this.lengths = this.lengthSources.map(() => new Column());
    this.needsReference = spec.shaping.find((s) => s.type === "par")?.reference_field;
    this.calibrations = typeof calibrations === "string" ? readCalibrations(spec, calibrations) : calibrations;
  }

  get size(): number {
    return this.rewards.length;
  }

  /** Add the next record: its sample (undefined when the line could not be used) and its output record. */
  add(sample: Sample | undefined, out: OutputRecord): void {
    this.groups.push(sample ? this.groupId(sample) : -1);
    const ok = out.status === "ok" && out.reward !== null;
    this.rewards.push(ok ? out.reward! : NaN);
    for (let k = 0; k < this.perComponent.length; k++) {
      const rule = this.components[k];
      const c = out.components?.[rule.name];
      let v = NaN;
      if (ok && c) {
        if (c.status === "ok" && c.reward !== null) v = c.reward;
        else if ((c.status === "unscorable" ? rule.onUnscorable : rule.onError) === "zero") v = 0;
      }
      this.perComponent[k].push(v);
    }
    for (let k = 0; k < this.lengthSources.length; k++) this.lengths[k].push(sample ? lengthOf(sample, this.lengthSources[k]) : NaN);
    if (this.needsReference !== undefined) {
      const v = sample?.meta?.[this.needsReference];
      this.references.push(typeof v === "number" && Number.isFinite(v) ? v : NaN);
    }
  }

  /** Group values and prompts are kept apart (a group "x" is not the prompt "x"); 1 and "1" are different groups. */
  private groupId(sample: Sample): number {
    const by = this.spec.group_by;
    if (by !== "prompt" && sample.group !== undefined && sample.group !== null) return this.idFor(this.groupIds, sample.group);
    if (by !== "group" && sample.prompt !== undefined) return this.idFor(this.promptIds, promptText(sample.prompt));
    return -1;
  }

  private idFor<K>(map: Map<K, number>, key: K): number {
    let id = map.get(key);
    if (id === undefined) {
      id = this.groupCount++;
      map.set(key, id);
    }
    return id;
  }

  /** Shape and normalize everything collected. */
  finish(): Normalized {
    const spec = this.spec;
    const groups = this.groups.view();
    const groupCount = this.groupCount;
    const options = resolveAdvantageOptions({
      method: spec.type,
      preset: spec.preset,
      std: spec.std,
      epsilon: spec.epsilon,
      singleton: spec.singleton,
      whiten: spec.whiten,
      zeroVariance: spec.zero_variance,
      expectedGroupSize: spec.group_size,
    });
    const rewards = this.rewards.view();
    const missing = new Uint8Array(rewards.length);
    const shaped = spec.shaping.length > 0 ? this.shape(rewards, missing) : undefined;

    let advantages: Float64Array;
    let flags: Uint8Array;
    let stats: GroupStats;
    if (this.perComponent.length === 0) {
      ({ advantages, flags, stats } = groupAdvantages(shaped ?? rewards, groups, groupCount, options));
    } else {
      ({ advantages, flags, stats } = this.normalizeThenSum(rewards, groups, groupCount, options));
    }
    const total = new Int32Array(groupCount);
    for (let i = 0; i < groups.length; i++) if (groups[i] >= 0) total[groups[i]]++;
    let withAdvantage = 0;
    for (let i = 0; i < advantages.length; i++) if (advantages[i] === advantages[i]) withAdvantage++;
    return {
      advantages,
      ...(shaped ? { shaped } : {}),
      note: (i) => {
        const shapeNote = missing[i] ? this.missingNote(missing[i]) : undefined;
        const flagNote = advantageNote(shapeNote ? flags[i] & ~FLAG.noReward : flags[i], {
          groupSize: groups[i] >= 0 ? total[groups[i]] : undefined,
          expectedGroupSize: spec.group_size,
          zeroVariance: spec.zero_variance,
          groupBy: spec.group_by,
        });
        return shapeNote && flagNote ? `${shapeNote}; ${flagNote}` : (shapeNote ?? flagNote);
      },
      summary: { method: spec.preset ? `${spec.type} (${spec.preset})` : spec.type, withAdvantage, ...stats },
    };
  }

  private missingNote(bits: number): string {
    const what: string[] = [];
    if (bits & MISSING_LENGTH) what.push("its length (the length field is missing or not a number >= 0)");
    if (bits & MISSING_REFERENCE) what.push(`its reference reward (field "${this.needsReference}" is missing or not a number)`);
    return `shaping needs ${what.join(" and ")}`;
  }

  private shape(rewards: Float64Array, missing: Uint8Array): Float64Array {
    const out = Float64Array.from(rewards);
    for (const step of this.spec.shaping) {
      const lengths = "length" in step ? this.lengths[this.lengthSources.findIndex((s) => sameSource(s, step.length))].view() : undefined;
      if (lengths) markMissing(out, lengths, missing, MISSING_LENGTH);
      switch (step.type) {
        case "clip":
          for (let i = 0; i < out.length; i++) out[i] = clip(out[i], step.min, step.max);
          break;
        case "scale":
          for (let i = 0; i < out.length; i++) out[i] = out[i] * step.factor + step.offset;
          break;
        case "par": {
          const refs = this.references.view();
          markMissing(out, refs, missing, MISSING_REFERENCE);
          for (let i = 0; i < out.length; i++) out[i] = preferenceAsReward(out[i], refs[i]);
          break;
        }
        case "overlong":
          for (let i = 0; i < out.length; i++) out[i] = lengths![i] === lengths![i] ? out[i] + overlongPenalty(lengths![i], step.max, step.buffer) : NaN;
          break;
        case "cosine": {
          const c = { max: step.max, correctAtZero: step.correct_at_zero, correctAtMax: step.correct_at_max, wrongAtZero: step.wrong_at_zero, wrongAtMax: step.wrong_at_max, exceed: step.exceed };
          for (let i = 0; i < out.length; i++) out[i] = out[i] === out[i] && lengths![i] === lengths![i] ? cosineLengthReward(lengths![i], out[i] >= step.correct_threshold, c) : NaN;
          break;
        }
        case "length_bias": {
          const calibration = step.calibration ? this.calibrations.get(step.calibration) : undefined;
          const direction = step.direction === "auto" ? undefined : step.direction;
          out.set(correctLengthBias(out, lengths!, { direction, calibration }));
          break;
        }
      }
    }
    return out;
  }

  /** Per-reward advantages, weighted and summed; a group is zero-variance when every reward is constant in it. */
  private normalizeThenSum(rewards: Float64Array, groups: Int32Array, groupCount: number, options: ReturnType<typeof resolveAdvantageOptions>) {
    const n = rewards.length;
    const advantages = new Float64Array(n);
    const used = new Uint8Array(n);
    const zeroInAll = new Uint8Array(n).fill(1);
    const flags = new Uint8Array(n);
    let stats: GroupStats | undefined;
    for (let k = 0; k < this.perComponent.length; k++) {
      const r = groupAdvantages(this.perComponent[k].view(), groups, groupCount, { ...options, zeroVariance: "keep" });
      stats ??= r.stats;
      const w = this.components[k].weight;
      for (let i = 0; i < n; i++) {
        const a = r.advantages[i];
        if (a === a) {
          advantages[i] += w * a;
          used[i] = 1;
          if (!(r.flags[i] & FLAG.zeroVariance)) zeroInAll[i] = 0;
        }
        flags[i] |= r.flags[i] & (FLAG.noGroup | FLAG.sizeMismatch | FLAG.singletonNull);
      }
    }
    const zeroGroups = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (rewards[i] !== rewards[i]) flags[i] |= FLAG.noReward;
      if (!used[i] || rewards[i] !== rewards[i]) {
        advantages[i] = NaN;
        continue;
      }
      if (zeroInAll[i]) {
        flags[i] |= FLAG.zeroVariance;
        zeroGroups.add(groups[i]);
        if (options.zeroVariance === "drop") {
          advantages[i] = NaN;
          flags[i] |= FLAG.dropped;
        }
      }
    }
    return { advantages, flags, stats: { ...stats!, zeroVarianceGroups: zeroGroups.size } };
  }
}

function sameSource(a: LengthSource, b: LengthSource): boolean {
  return typeof a === "string" ? a === b : typeof b !== "string" && a.field === b.field;
}

function markMissing(values: Float64Array, inputs: Float64Array, missing: Uint8Array, bit: number): void {
  for (let i = 0; i < values.length; i++) if (values[i] === values[i] && inputs[i] !== inputs[i]) missing[i] |= bit;
}

function lengthOf(sample: Sample, source: LengthSource): number {
  if (typeof source !== "string") {
    const v = sample.meta?.[source.field];
    return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : NaN;
  }
  const text = completionText(sample.completion);
  return source === "chars" ? countCodePoints(text) : countWords(text);
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function countWords(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

/** A length-bias calibration set: the lengths and rewards to fit the length trend on. */
export interface Calibration {
  lengths: Float64Array;
  rewards: Float64Array;
}

/**
 * Read the calibration files of a normalize block (length_bias steps), keyed by the path as the
 * spec writes it (relative to `specDir`). Throws on a file that is missing or malformed, so a bad
 * one fails before any scoring.
 */
export function readCalibrations(spec: NormalizeSpec, specDir: string): Map<string, Calibration> {
  const out = new Map<string, Calibration>();
  for (const step of spec.shaping) {
    if (step.type === "length_bias" && step.calibration && !out.has(step.calibration)) {
      out.set(step.calibration, readCalibration(resolve(specDir, step.calibration)));
    }
  }
  return out;
}

function readCalibration(path: string): Calibration {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new RewardsmithError(`cannot read the length-bias calibration file ${path}: ${errorMessage(err)}`);
  }
  const lengths: number[] = [];
  const rewards: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new RewardsmithError(`${path} line ${i + 1}: invalid JSON`);
    }
    const { length, reward } = (rec ?? {}) as { length?: unknown; reward?: unknown };
    if (typeof length !== "number" || typeof reward !== "number") throw new RewardsmithError(`${path} line ${i + 1}: expected {"length": number, "reward": number}`);
    lengths.push(length);
    rewards.push(reward);
  });
  return { lengths: Float64Array.from(lengths), rewards: Float64Array.from(rewards) };
}
