import { UsageError } from "../../core/errors.ts";
import { evaluate, type EvalResult } from "../../eval/evaluate.ts";
import { checkGates, parseGates, writeEvaluation } from "../../eval/output.ts";
import { FORMATS, type EvalFormat } from "../../eval/types.ts";
import { parseCommandArgs, positiveInt } from "../args.ts";

export const evalHelp = `rewardsmith eval --spec reward.yaml <data.jsonl> [options]

Evaluate a reward (any spec: a rule verifier, a judge, an ensemble, a served reward model) on a
benchmark file: RewardBench 1 pairs, RewardBench 2 best-of-4 (with Ties), RM-Bench's style
matrix, JudgeBench's order-swapped pairs, ProcessBench step labels, or pointwise labels. Prints
the headline metric per subset with bootstrap intervals and the length-only / shortest-only
controls; writes eval.json, items.jsonl and a self-contained report.html (docs/eval.md).

Options:
  --spec <file>               the reward under test                                    (required)
  --format <name>             auto | ${FORMATS.join(" | ")}    (default auto)
  -o, --out <dir>             where eval.json, items.jsonl, report.html go         (default eval-out)
  --compare <file>            a second spec: rank correlation, pairwise agreement, STARC distance
  --fail-under <metric=v>     exit 3 when a metric is below v (repeatable; e.g. score=0.7,
                              length_only is also a metric; see "flat" in eval.json for names)
  --threshold <x>             pointwise: reward >= x predicts 1; processbench: a step below x is
                              the first error                                          (default 0.5)
  --step-scores <mode>        processbench: returned (the reward's per-step rewards) | prefix
                              (score each prefix of steps as a completion)         (default returned)
  --concurrency <n>           scorer batches in flight                                  (default 4)
  --batch-size <n>            candidates per batch (an item is never split)           (default 256)
  --bootstrap <n>             bootstrap resamples for the 95% intervals (0: none)    (default 1000)
  --seed <n>                  bootstrap seed                                            (default 0)
  --no-report                 skip report.html
  --no-cache                  bypass judge reply caches
  --quiet                     no progress on stderr`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    spec: { type: "string" },
    format: { type: "string" },
    out: { type: "string", short: "o" },
    compare: { type: "string" },
    "fail-under": { type: "string", multiple: true },
    threshold: { type: "string" },
    "step-scores": { type: "string" },
    concurrency: { type: "string" },
    "batch-size": { type: "string" },
    bootstrap: { type: "string" },
    seed: { type: "string" },
    "no-report": { type: "boolean" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(evalHelp + "\n");
    return 0;
  }
  if (!values.spec) throw new UsageError("missing --spec <file>");
  if (positionals.length !== 1) throw new UsageError(`expected one data file, found ${positionals.length}`);
  const format = (values.format ?? "auto") as EvalFormat | "auto";
  if (format !== "auto" && !FORMATS.includes(format)) throw new UsageError(`--format must be auto or one of ${FORMATS.join(", ")}, found ${JSON.stringify(values.format)}`);
  const stepScores = values["step-scores"] ?? "returned";
  if (stepScores !== "returned" && stepScores !== "prefix") throw new UsageError(`--step-scores must be returned or prefix, found ${JSON.stringify(stepScores)}`);
  let threshold: number | undefined;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (!Number.isFinite(threshold)) throw new UsageError(`--threshold expects a number, found ${JSON.stringify(values.threshold)}`);
  }
  const bootstrap = values.bootstrap === "0" ? 0 : positiveInt(values.bootstrap, "--bootstrap");
  const seed = values.seed === "0" ? 0 : positiveInt(values.seed, "--seed");
  const gates = parseGates(values["fail-under"] ?? []);
  const out = values.out ?? "eval-out";
  const tty = process.stderr.isTTY && !values.quiet;
  let lastLine = 0;
  const ev = await evaluate({
    spec: values.spec,
    input: positionals[0],
    format,
    compare: values.compare,
    threshold,
    stepScores,
    bootstrap,
    seed,
    concurrency: positiveInt(values.concurrency, "--concurrency"),
    batchSize: positiveInt(values["batch-size"], "--batch-size"),
    flags: values["no-cache"] ? { noCache: true } : {},
    onProgress: values.quiet
      ? undefined
      : (p) => {
          const now = performance.now();
          if (p.items < p.total && now - lastLine < (tty ? 100 : 2000)) return;
          lastLine = now;
          const text = `${p.phase === "compare" ? "compare: " : "scoring: "}${p.items.toLocaleString("en-US")} / ${p.total.toLocaleString("en-US")} items`;
          process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
        },
  });
  if (tty) process.stderr.write("\r\x1b[K");
  const files = await writeEvaluation(ev, out, { report: !values["no-report"] });
  process.stdout.write(summaryText(ev.result));
  for (const m of ev.result.malformed.slice(0, 10)) process.stderr.write(`rewardsmith eval: line ${m.line}: ${m.reason}\n`);
  if (ev.result.counts.malformed > 10) process.stderr.write(`rewardsmith eval: ... ${ev.result.counts.malformed - 10} more malformed lines (eval.json "malformed")\n`);
  process.stderr.write(`rewardsmith eval: wrote ${files.json}, ${files.items}${files.report ? `, ${files.report}` : ""}\n`);
  const checked = checkGates(ev.result.flat, gates);
  let failed = false;
  for (const g of checked) {
    process.stdout.write(`fail-under ${g.metric}: ${fmt(g.value)} ${g.pass ? ">=" : "<"} ${g.min} ${g.pass ? "ok" : "FAILED"}\n`);
    if (!g.pass) failed = true;
  }
  return failed ? 3 : 0;
}

const fmt = (n: number | null | undefined) => (n === null || n === undefined ? "–" : Number.isInteger(n) ? String(n) : n.toFixed(4));

export function summaryText(r: EvalResult): string {
  const c = r.counts;
  const lines = [
    `${r.format}: ${r.headline.metric} ${fmt(r.headline.value)}${r.headline.ci ? ` (95% CI ${fmt(r.headline.ci[0])}–${fmt(r.headline.ci[1])})` : ""} · length-only ${fmt(r.controls.length_only)} · shortest-only ${fmt(r.controls.shortest_only)}`,
    `items ${c.items} · scored ${c.scored} · unscored ${c.unscored} · malformed lines ${c.malformed} · candidates ok ${c.candidates_ok} / unscorable ${c.candidates_unscorable} / error ${c.candidates_error}`,
  ];
  const keys = r.subsets[0] ? Object.keys(r.subsets[0].metrics).filter((k) => !k.startsWith("matrix_")).slice(0, 5) : [];
  const width = Math.max(8, ...r.subsets.map((s) => s.name.length));
  lines.push(["subset".padEnd(width), "items".padStart(6), ...keys.map((k) => k.padStart(12)), "95% CI".padStart(17), "length".padStart(8), "shortest".padStart(9)].join(" "));
  for (const s of r.subsets) {
    lines.push([s.name.padEnd(width), String(s.items).padStart(6), ...keys.map((k) => fmt(s.metrics[k]).padStart(12)), (s.ci ? `${fmt(s.ci[0])}–${fmt(s.ci[1])}` : "–").padStart(17), fmt(s.length_only).padStart(8), fmt(s.shortest_only).padStart(9)].join(" "));
  }
  if (r.sections) lines.push(`sections: ${Object.entries(r.sections).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ")}`);
  if (r.diagnostics.threshold) {
    const t = r.diagnostics.threshold;
    lines.push(`threshold ${fmt(t.chosen)} · best ${fmt(t.best)} (mean F1 ${fmt(t.best_value)})`);
  }
  if (r.overall.ece !== undefined) lines.push(`calibration: ECE ${fmt(r.overall.ece)} · AUC ${fmt(r.overall.auc)}`);
  lines.push(`reward-length correlation: Spearman ${fmt(r.diagnostics.length_correlation.spearman)} · Pearson ${fmt(r.diagnostics.length_correlation.pearson)}`);
  const pos = r.diagnostics.position;
  if (pos.inconsistency !== null || pos.judge_position_disagreements !== null) lines.push(`position: ${pos.inconsistency !== null ? `inconsistency ${fmt(pos.inconsistency)}` : ""}${pos.inconsistency !== null && pos.judge_position_disagreements !== null ? " · " : ""}${pos.judge_position_disagreements !== null ? `pairwise judge order disagreements ${pos.judge_position_disagreements}` : ""}`);
  if (r.compare) lines.push(`compare: Spearman ${fmt(r.compare.spearman)} · pairwise agreement ${fmt(r.compare.pairwise_agreement)} · STARC distance ${fmt(r.compare.starc_distance)} · its ${r.headline.metric} ${fmt(r.compare.headline)}`);
  const reasons = Object.entries(r.unscored_reasons).sort((a, b) => b[1] - a[1]).slice(0, 3);
  for (const [why, n] of reasons) lines.push(`unscored ${n}: ${why}`);
  return lines.join("\n") + "\n";
}
