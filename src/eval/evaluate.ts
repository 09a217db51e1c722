import type { RewardRegistry } from "../core/registry.ts";
import type { RunFlags } from "../core/reward.ts";
import { RewardsmithError, UsageError } from "../core/errors.ts";
import { completionText } from "../core/text.ts";
import { createScorer, type SpecSource } from "../pipeline/score.ts";
import type { Scorer } from "../pipeline/scorer.ts";
import { agreement } from "./compare.ts";
import { DEFINITIONS, DIAGNOSTIC_DEFINITIONS, type MetricDefinition } from "./definitions.ts";
import { detectFormat, readerFor } from "./formats/index.ts";
import { loadRecords, type LoadedRecord, parseRecords } from "./load.ts";
import { bestOfMetric } from "./metrics/best-of-4.ts";
import { mean } from "./metrics/common.ts";
import { judgeBenchMetric } from "./metrics/judgebench.ts";
import { pairwiseMetric, rewardBenchSections } from "./metrics/pairwise.ts";
import { pointwiseMetric, reliability, type PointwiseOutcome } from "./metrics/pointwise.ts";
import { processBenchMetric, sweepThresholds, type ProcessBenchOutcome } from "./metrics/processbench.ts";
import { rmBenchMetric } from "./metrics/rm-bench.ts";
import { scoreItems } from "./score.ts";
import { mulberry32 } from "../core/random.ts";
import { bootstrapCi, pearson, ranks, spearman } from "./stats.ts";
import { type CandidateScore, type EvalFormat, type EvalItem, FORMATS, type FormatMetric, type ItemScores, type Malformed } from "./types.ts";
import type { EvalResult, Evaluation, ItemResult, SubsetResult } from "./result.ts";

export type { EvalResult, Evaluation, ItemResult, SubsetResult } from "./result.ts";

export interface EvaluateOptions {
  /** The reward under test: a spec file, a parsed Spec or a spec document. */
  spec: SpecSource;
  /** A JSONL/JSON file, or the records themselves. */
  input: string | readonly unknown[];
  format?: EvalFormat | "auto";
  /** A second reward to compare with over the same candidates. */
  compare?: SpecSource;
  /** pointwise: reward >= threshold predicts label 1; processbench: a step below it is an error (default 0.5). */
  threshold?: number;
  /** processbench: use the per-step rewards the reward returns ("returned", default) or score each prefix ("prefix"). */
  stepScores?: "returned" | "prefix";
  /** Bootstrap resamples for the confidence intervals (default 1000; 0: none). */
  bootstrap?: number;
  seed?: number;
  batchSize?: number;
  concurrency?: number;
  registry?: RewardRegistry;
  flags?: RunFlags;
  /** Failure examples kept in the result (default 50). */
  failures?: number;
  onProgress?: (p: { phase: "score" | "compare"; items: number; total: number }) => void;
}

const MAX_MALFORMED = 100;

/**
 * Evaluate a reward on a benchmark file: read and detect the format, score every candidate through
 * the spec's Scorer, compute the benchmark's metric per subset and overall with bootstrap intervals,
 * the length-only and shortest-only controls, reward-length correlation, calibration (pointwise),
 * threshold sweep (processbench) and, with `compare`, agreement with a second reward.
 */
export async function evaluate(o: EvaluateOptions): Promise<Evaluation> {
  const started = performance.now();
  const { records, malformed } = typeof o.input === "string" ? await loadRecords(o.input) : fromValues(o.input);
  const format = o.format && o.format !== "auto" ? o.format : autoFormat(records);
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${format}" (expected auto, ${FORMATS.join(", ")})`);
  const threshold = o.threshold ?? 0.5;
  const stepMode = o.stepScores ?? "returned";
  const read = readerFor(format, { prefixes: stepMode === "prefix" });
  const unreadable = malformed.length;
  const items: EvalItem[] = [];
  for (const r of records) {
    const item = read(r.raw, r.line);
    if (typeof item === "string") malformed.push({ line: r.line, reason: `not a ${format} record: ${item}` });
    else items.push(item);
  }
  malformed.sort((a, b) => a.line - b.line);
  if (items.length === 0) throw new RewardsmithError(`no usable ${format} records (${malformed.length} malformed${malformed[0] ? `; line ${malformed[0].line}: ${malformed[0].reason}` : ""})`);

  const scorer = createScorer(o.spec, o.registry, { flags: o.flags });
  let scores: CandidateScore[][];
  let rewardSummary: Record<string, number>;
  try {
    scores = await scoreItems(scorer, items, { ...scoreOptions(o, scorer), onProgress: (p) => o.onProgress?.({ phase: "score", items: p.items, total: items.length }) });
    rewardSummary = scorer.summary();
  } finally {
    await scorer.close();
  }
  let other: CandidateScore[][] | undefined;
  if (o.compare !== undefined) {
    const second = createScorer(o.compare, o.registry, { flags: o.flags });
    try {
      other = await scoreItems(second, items, { ...scoreOptions(o, second), onProgress: (p) => o.onProgress?.({ phase: "compare", items: p.items, total: items.length }) });
    } finally {
      await second.close();
    }
  }

  const metric = metricFor(format, threshold) as FormatMetric<unknown>;
  const outcomes = items.map((item, i) => metric.outcome(item, itemScores(scores[i])));
  const lengths = items.map((it) => it.candidates.map((c) => completionText(c.completion).length));
  const bootstrap = o.bootstrap ?? 1000;
  const seed = o.seed ?? 0;

  // Subsets in first-seen order.
  const subsetNames = [...new Set(items.map((i) => i.subset))];
  const bySubset = new Map<string, number[]>(subsetNames.map((s) => [s, []]));
  items.forEach((it, i) => bySubset.get(it.subset)!.push(i));
  const scoredIn = (idx: readonly number[], os: ReadonlyArray<unknown>) => idx.map((i) => os[i]).filter((x) => typeof x !== "string");

  const controlOutcomes = (dir: 1 | -1) => {
    const flat = lengths.flat().map((l) => dir * l);
    const r = ranks(flat);
    let k = 0;
    const pct = lengths.map((ls) => ls.map(() => (r[k++] - 0.5) / flat.length));
    return items.map((item, i) => metric.outcome(item, { reward: (c) => pct[i][c], steps: () => undefined }));
  };
  const controlsApply = format !== "processbench";
  const longest = controlsApply ? controlOutcomes(1) : undefined;
  const shortest = controlsApply ? controlOutcomes(-1) : undefined;

  const subsets: SubsetResult[] = subsetNames.map((name, si) => {
    const idx = bySubset.get(name)!;
    const os = scoredIn(idx, outcomes);
    const agg = os.length ? metric.aggregate(os) : {};
    const head = (x: readonly unknown[]) => (x.length ? metric.aggregate(x)[metric.headline] : Number.NaN);
    return {
      name,
      items: idx.length,
      unscored: idx.length - os.length,
      metrics: nulls(agg),
      ci: (bootstrap > 0 ? subsetCi(metric, os, head, bootstrap, seed + si) : undefined) ?? null,
      length_only: longest ? num(head(scoredIn(idx, longest))) : null,
      shortest_only: shortest ? num(head(scoredIn(idx, shortest))) : null,
    };
  });

  // Overall: the benchmark's own combination of the subsets.
  const combine = (subsetHeadlines: Record<string, number>, pooled: () => number): number => {
    if (format === "pairwise") return rewardBenchSections(subsetHeadlines)?.score ?? pooled();
    if (format === "best_of_4" || format === "rm_bench" || format === "processbench") return mean(Object.values(subsetHeadlines).filter((v) => !Number.isNaN(v)));
    return pooled();
  };
  const headlineOf = (os: ReadonlyArray<unknown>, perSubset: Map<string, unknown[]>) => {
    const hs: Record<string, number> = {};
    for (const [name, xs] of perSubset) if (xs.length) hs[name] = metric.aggregate(xs)[metric.headline];
    return combine(hs, () => (os.length ? metric.aggregate(os)[metric.headline] : Number.NaN));
  };
  const split = (os: ReadonlyArray<unknown>) => new Map(subsetNames.map((s) => [s, scoredIn(bySubset.get(s)!, os)]));
  const scoredAll = outcomes.filter((x) => typeof x !== "string");
  const headlineValue = headlineOf(scoredAll, split(outcomes));
  const strata = subsetNames.map((s) => scoredIn(bySubset.get(s)!, outcomes));
  const fast = strata.map((os) => values(metric, os));
  const headlineCi =
    bootstrap <= 0
      ? undefined
      : fast.every((v) => v !== undefined)
        ? stratifiedMeansCi(fast as Float64Array[], (means, ns) => {
            const hs: Record<string, number> = {};
            let pooled = 0;
            let n = 0;
            means.forEach((m, i) => {
              if (ns[i] === 0) return;
              hs[subsetNames[i]] = m;
              pooled += m * ns[i];
              n += ns[i];
            });
            return combine(hs, () => pooled / n);
          }, bootstrap, seed + 7919)
        : stratifiedCi(strata, (groups) => headlineOf(groups.flat(), new Map(subsetNames.map((s, i) => [s, groups[i]]))), bootstrap, seed + 7919);
  const overall = nulls(scoredAll.length ? metric.aggregate(scoredAll) : {});
  overall.mean_of_subsets = num(mean(subsets.map((s) => s.metrics[metric.headline]).filter((v): v is number => v !== null)));
  const sections = format === "pairwise" ? rewardBenchSections(Object.fromEntries(subsets.filter((s) => s.metrics.accuracy !== null).map((s) => [s.name, s.metrics.accuracy as number])))?.sections : undefined;

  // Diagnostics.
  const lx: number[] = [];
  const ly: number[] = [];
  const counts = { ok: 0, unscorable: 0, error: 0 };
  items.forEach((it, i) =>
    it.candidates.forEach((_, c) => {
      const s = scores[i][c];
      counts[s.status]++;
      if (s.reward !== null) {
        lx.push(s.reward);
        ly.push(lengths[i][c]);
      }
    }),
  );
  const diagnostics: EvalResult["diagnostics"] = {
    length_correlation: { pearson: num(pearson(lx, ly)), spearman: num(spearman(lx, ly)), candidates: lx.length },
    position: { inconsistency: format === "judgebench" ? (overall.inconsistency ?? null) : null, judge_position_disagreements: judgeDisagreements(rewardSummary) },
    reward_summary: rewardSummary,
  };
  if (format === "pointwise") {
    const bins = reliability(scoredAll as PointwiseOutcome[]);
    if (bins) diagnostics.reliability = bins;
  }
  if (format === "processbench") {
    const pbOutcomes = scoredAll as ProcessBenchOutcome[];
    const sweep = sweepThresholds(pbOutcomes).map((t) => {
      const m = processBenchMetric(t);
      const hs: Record<string, number> = {};
      for (const s of subsetNames) {
        const xs = scoredIn(bySubset.get(s)!, outcomes) as ProcessBenchOutcome[];
        if (xs.length) hs[s] = m.aggregate(xs).f1;
      }
      return { threshold: t, value: num(mean(Object.values(hs).filter((v) => !Number.isNaN(v)))) };
    });
    let best: (typeof sweep)[number] | undefined;
    for (const s of sweep) if (s.value !== null && (!best || s.value > (best.value ?? -1))) best = s;
    diagnostics.threshold = { chosen: threshold, best: best?.threshold ?? null, best_value: best?.value ?? null, sweep };
  }

  let compare: EvalResult["compare"];
  if (other) {
    const otherOutcomes = items.map((item, i) => metric.outcome(item, itemScores(other![i])));
    compare = { ...agreement(items, scores, other), headline: num(headlineOf(otherOutcomes.filter((x) => typeof x !== "string"), split(otherOutcomes))) };
  }

  // Per-item results and failures.
  const unscoredReasons: Record<string, number> = {};
  const itemResults: ItemResult[] = [];
  const failures: Evaluation["failures"] = [];
  const maxFailures = o.failures ?? 50;
  items.forEach((item, i) => {
    const out = outcomes[i];
    const r: ItemResult = {
      line: item.line,
      id: item.id,
      subset: item.subset,
      status: typeof out === "string" ? "unscored" : "scored",
      candidates: item.candidates.map((c, k) => {
        const s = scores[i][k];
        const e: ItemResult["candidates"][number] = { key: c.key, reward: s.reward, status: s.status, length: lengths[i][k] };
        if (s.reason !== undefined) e.reason = s.reason;
        if (other) e.compare_reward = other[i][k].reward;
        return e;
      }),
    };
    if (typeof out === "string") {
      const why = firstReason(out, scores[i]);
      r.reason = why;
      unscoredReasons[why] = (unscoredReasons[why] ?? 0) + 1;
    } else {
      r.failed = metric.failed(out);
      r.outcome = out as Record<string, unknown>;
      if (r.failed && failures.length < maxFailures) failures.push({ item, result: r });
    }
    itemResults.push(r);
  });

  const definitions: Record<string, MetricDefinition> = { ...DEFINITIONS[format], ...DIAGNOSTIC_DEFINITIONS };
  const headlineName = format === "pairwise" || format === "best_of_4" ? "score" : metric.headline;
  const scoredCount = scoredAll.length;
  const result: EvalResult = {
    version: 1,
    format,
    input: typeof o.input === "string" ? o.input : null,
    spec: typeof o.spec === "string" ? o.spec : null,
    compare_spec: typeof o.compare === "string" ? o.compare : null,
    headline: { metric: headlineName, value: num(headlineValue), ci: headlineCi ?? null, definition: definitions[headlineName] ?? definitions[metric.headline] },
    counts: { records: records.length + unreadable, malformed: malformed.length, items: items.length, scored: scoredCount, unscored: items.length - scoredCount, candidates: counts.ok + counts.unscorable + counts.error, candidates_ok: counts.ok, candidates_unscorable: counts.unscorable, candidates_error: counts.error },
    overall,
    subsets,
    controls: { length_only: longest ? num(headlineOf(longest.filter((x) => typeof x !== "string"), split(longest))) : null, shortest_only: shortest ? num(headlineOf(shortest.filter((x) => typeof x !== "string"), split(shortest))) : null },
    diagnostics,
    flat: {},
    unscored_reasons: unscoredReasons,
    malformed: malformed.slice(0, MAX_MALFORMED),
    definitions,
    settings: { threshold, step_scores: stepMode, bootstrap, seed },
    wall_seconds: 0,
  };
  if (sections) result.sections = sections;
  if (compare) result.compare = compare;
  result.flat = flatten(result);
  result.wall_seconds = (performance.now() - started) / 1000;
  return { result, items: itemResults, failures };
}

function judgeDisagreements(summary: Record<string, number>): number | null {
  const keys = Object.keys(summary).filter((k) => k.endsWith(".position_disagreements"));
  return keys.length ? keys.reduce((s, k) => s + summary[k], 0) : null;
}

function scoreOptions(o: EvaluateOptions, scorer: Scorer) {
  return { batchSize: o.batchSize, concurrency: o.concurrency, referencePath: scorer.spec.fields.reference ?? "reference" };
}

function fromValues(values: readonly unknown[]): { records: LoadedRecord[]; malformed: Malformed[] } {
  return parseRecords(JSON.stringify(values), true);
}

function autoFormat(records: readonly LoadedRecord[]): EvalFormat {
  const votes = new Map<EvalFormat, number>();
  for (const r of records.slice(0, 50)) {
    const f = detectFormat(r.raw);
    if (f) votes.set(f, (votes.get(f) ?? 0) + 1);
  }
  let best: EvalFormat | undefined;
  for (const [f, n] of votes) if (!best || n > votes.get(best)!) best = f;
  if (!best) {
    const fields = records[0] ? Object.keys(records[0].raw).join(", ") : "no records";
    throw new UsageError(`cannot tell the format from the records (fields: ${fields}); pass --format (${FORMATS.join(", ")})`);
  }
  return best;
}

export function metricFor(format: EvalFormat, threshold: number): FormatMetric<any> {
  switch (format) {
    case "pairwise":
      return pairwiseMetric;
    case "best_of_4":
      return bestOfMetric;
    case "rm_bench":
      return rmBenchMetric;
    case "judgebench":
      return judgeBenchMetric;
    case "processbench":
      return processBenchMetric(threshold);
    case "pointwise":
      return pointwiseMetric(threshold);
  }
}

function itemScores(s: readonly CandidateScore[]): ItemScores {
  return {
    reward: (c) => s[c]?.reward ?? null,
    steps: (c) => s[c]?.steps?.map((x) => (typeof x?.reward === "number" ? x.reward : null)),
  };
}

/** The reason an item is unscored: the first non-ok candidate's status and reason, else the metric's. */
function firstReason(metricReason: string, s: readonly CandidateScore[]): string {
  const bad = s.find((x) => x.status !== "ok");
  return bad ? `${bad.status}: ${bad.reason ?? "no reason given"}` : metricReason;
}

/** The per-item values of the headline when it is their mean, else undefined. */
function values(metric: FormatMetric<unknown>, os: readonly unknown[]): Float64Array | undefined {
  if (!metric.value) return undefined;
  const out = new Float64Array(os.length);
  for (let i = 0; i < os.length; i++) {
    const v = metric.value(os[i]);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}

function subsetCi(metric: FormatMetric<unknown>, os: readonly unknown[], head: (x: readonly unknown[]) => number, n: number, seed: number): [number, number] | undefined {
  const v = values(metric, os);
  if (!v) return bootstrapCi(os, head, { n, seed });
  return stratifiedMeansCi([v], (means) => means[0], n, seed);
}

/** Bootstrap of a statistic of per-stratum means (each stratum resampled within itself). */
function stratifiedMeansCi(strata: readonly Float64Array[], stat: (means: number[], ns: number[]) => number, n: number, seed: number): [number, number] | undefined {
  const ns = strata.map((s) => s.length);
  if (ns.reduce((a, b) => a + b, 0) < 2) return undefined;
  const rng = mulberry32(seed);
  const out: number[] = [];
  const means = new Array<number>(strata.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < strata.length; k++) {
      const s = strata[k];
      let sum = 0;
      for (let i = 0; i < s.length; i++) sum += s[Math.floor(rng() * s.length)];
      means[k] = s.length ? sum / s.length : Number.NaN;
    }
    const v = stat(means, ns);
    if (!Number.isNaN(v)) out.push(v);
  }
  if (!out.length) return undefined;
  out.sort((a, b) => a - b);
  const at = (q: number) => out[Math.min(out.length - 1, Math.floor(q * out.length))];
  return [at(0.025), at(0.975)];
}

function stratifiedCi(groups: ReadonlyArray<readonly unknown[]>, stat: (groups: unknown[][]) => number, n: number, seed: number): [number, number] | undefined {
  if (groups.reduce((s, g) => s + g.length, 0) < 2) return undefined;
  const rng = mulberry32(seed);
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    const sample = groups.map((g) => Array.from({ length: g.length }, () => g[Math.floor(rng() * g.length)]));
    const v = stat(sample);
    if (!Number.isNaN(v)) values.push(v);
  }
  if (!values.length) return undefined;
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
  return [at(0.025), at(0.975)];
}

function num(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : x;
}

function nulls(m: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, num(v)]));
}

function flatten(r: EvalResult): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number | null | undefined) => {
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  };
  put(r.headline.metric, r.headline.value);
  put("headline", r.headline.value);
  for (const [k, v] of Object.entries(r.overall)) put(k, v);
  for (const [k, v] of Object.entries(r.sections ?? {})) put(`section.${k}`, v);
  for (const s of r.subsets) {
    for (const [k, v] of Object.entries(s.metrics)) put(`${s.name}.${k}`, v);
    if (s.ci) put(`${s.name}.ci_low`, s.ci[0]);
  }
  if (r.headline.ci) put("ci_low", r.headline.ci[0]);
  put("length_only", r.controls.length_only);
  put("shortest_only", r.controls.shortest_only);
  put("length_correlation", r.diagnostics.length_correlation.spearman);
  put("judge_position_disagreements", r.diagnostics.position.judge_position_disagreements);
  put("scored_share", r.counts.items ? r.counts.scored / r.counts.items : undefined);
  if (r.compare) {
    put("compare.spearman", r.compare.spearman);
    put("compare.pairwise_agreement", r.compare.pairwise_agreement);
    put("compare.starc_distance", r.compare.starc_distance);
  }
  return out;
}
