import type { OutputRecord, Sample } from "../core/types.ts";
import { type Calibration, NormalizeCollector, type Normalized, readCalibrations } from "../normalize/batch.ts";
import type { NormalizeSpec } from "../normalize/spec.ts";
import type { Spec } from "../spec/spec.ts";
import { sampleMapper } from "./record.ts";

/** A collector for one run, fed with raw input records and their output records. */
export interface RunCollector {
  collector: NormalizeCollector;
  add(raw: unknown, record: OutputRecord): void;
}

/**
 * A spec's `normalize` block, compiled once: its calibration files are read here (a bad one fails
 * at once, before any scoring), and every run (a file, a request) gets a fresh collector that
 * reads nothing.
 */
export class Normalizer {
  readonly spec: NormalizeSpec;
  private readonly rules: Spec["rewards"];
  private readonly calibrations: ReadonlyMap<string, Calibration>;
  private readonly toSample: (raw: unknown) => Sample | undefined;

  constructor(spec: Spec) {
    if (!spec.normalize) throw new TypeError("the spec has no normalize block");
    this.spec = spec.normalize;
    this.rules = spec.rewards;
    this.calibrations = readCalibrations(spec.normalize, spec.dir);
    const toSample = sampleMapper(spec.fields);
    this.toSample = (raw) => {
      const s = raw === undefined ? undefined : toSample(raw);
      return typeof s === "string" ? undefined : s;
    };
  }

  /** A fresh collector for one run. */
  collector(): NormalizeCollector {
    return new NormalizeCollector(this.spec, this.rules, this.calibrations);
  }

  /** A fresh collector fed with raw input records (undefined: a line that was not JSON). */
  runCollector(): RunCollector {
    const collector = this.collector();
    return { collector, add: (raw, record) => collector.add(this.toSample(raw), record) };
  }

  /** Add shaped_reward / advantage / advantage_reason to in-memory output records of raw input records. */
  records(raws: readonly unknown[], records: OutputRecord[]): Normalized {
    return this.samples(raws.map(this.toSample), records);
  }

  /** As records, for samples already mapped from their input records (undefined: none). */
  samples(samples: ReadonlyArray<Sample | undefined>, records: OutputRecord[]): Normalized {
    const collector = this.collector();
    for (let i = 0; i < records.length; i++) collector.add(samples[i], records[i]);
    const result = collector.finish();
    for (let i = 0; i < records.length; i++) {
      const rec = records[i];
      if (result.shaped) rec.shaped_reward = numberOrNull(result.shaped[i]);
      rec.advantage = numberOrNull(result.advantages[i]);
      const note = result.note(i);
      if (note !== undefined) rec.advantage_reason = note;
    }
    return result;
  }
}

function numberOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
