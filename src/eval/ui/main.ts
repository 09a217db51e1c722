import * as Plot from "@observablehq/plot";
import { card, fmt, h, table } from "../../view/ui/dom.ts";
import type { EvalReportData, SubsetResult } from "../result.ts";

type Subset = SubsetResult;

const data = JSON.parse(document.getElementById("rewardsmith-data")?.textContent ?? "null") as EvalReportData;
const app = document.getElementById("app")!;
const r = data.result;
const headKey = r.subsets[0] ? (Object.keys(r.subsets[0].metrics).find((k) => k === r.headline.metric) ?? Object.keys(r.subsets[0].metrics)[0]) : r.headline.metric;
document.getElementById("where")!.textContent = `eval · ${r.format}${r.spec ? ` · ${r.spec}` : ""}`;

function kv(rows: Array<[string, unknown]>): HTMLElement {
  return table(["", ""], rows.map(([k, v]) => [k, typeof v === "number" ? fmt(v) : v === null || v === undefined ? "–" : String(v)]), { class: "kv" });
}

function subsetBars(): Node {
  const rows = r.subsets.filter((s) => s.metrics[headKey] !== null);
  if (rows.length === 0) return document.createTextNode("no scored items");
  const marks: Plot.Markish[] = [
    Plot.barX(rows, { y: "name", x: (d: Subset) => d.metrics[headKey], fill: "#4c78a8" }),
    Plot.ruleY(rows.filter((d) => d.ci), { y: "name", x1: (d: Subset) => d.ci![0], x2: (d: Subset) => d.ci![1], stroke: "#1d2433", strokeWidth: 2 }),
    Plot.dot(rows.filter((d) => d.length_only !== null), { y: "name", x: "length_only", symbol: "triangle", fill: "#e15759", r: 4, title: () => "length-only control" }),
    Plot.dot(rows.filter((d) => d.shortest_only !== null), { y: "name", x: "shortest_only", symbol: "diamond", fill: "#edc948", r: 4, title: () => "shortest-only control" }),
    Plot.ruleX([0]),
  ];
  return Plot.plot({ width: 640, height: 40 + 26 * rows.length, marginLeft: 170, x: { label: `${headKey} (bar), 95% CI (line), ▲ length-only, ◆ shortest-only`, domain: [Math.min(0, ...rows.map((d) => d.metrics[headKey] ?? 0)), 1], grid: true }, y: { label: null }, marks });
}

function lengthScatter(): Node {
  if (data.points.length === 0) return document.createTextNode("no scored candidates");
  return Plot.plot({
    width: 640,
    height: 280,
    grid: true,
    x: { label: "length (characters)", type: "log" },
    y: { label: "reward" },
    color: { type: "categorical", domain: ["chosen / solution", "other"], range: ["#59a14f", "#e15759"], legend: true },
    marks: [Plot.dot(data.points.map(([x, y, c]) => ({ x: Math.max(1, x), y, c: c ? "chosen / solution" : "other" })), { x: "x", y: "y", fill: "c", r: 2.5, fillOpacity: 0.6 })],
  });
}

function reliabilityCurve(): Node | null {
  const bins = r.diagnostics.reliability;
  if (!bins || bins.length === 0) return null;
  return Plot.plot({
    width: 420,
    height: 320,
    grid: true,
    x: { label: "mean reward (confidence)", domain: [0, 1] },
    y: { label: "share labelled 1", domain: [0, 1] },
    marks: [Plot.line([[0, 0], [1, 1]], { stroke: "#999", strokeDasharray: "4,3" }), Plot.line(bins, { x: "confidence", y: "accuracy", stroke: "#4c78a8" }), Plot.dot(bins, { x: "confidence", y: "accuracy", r: (d: { n: number }) => 2 + Math.sqrt(d.n), fill: "#4c78a8", title: (d: { n: number }) => `${d.n} records` })],
  });
}

function sweepChart(): Node | null {
  const t = r.diagnostics.threshold;
  if (!t || t.sweep.length === 0) return null;
  return Plot.plot({
    width: 640,
    height: 240,
    grid: true,
    x: { label: "threshold" },
    y: { label: "mean F1", domain: [0, 1] },
    marks: [Plot.line(t.sweep.filter((d) => d.value !== null), { x: "threshold", y: "value", stroke: "#4c78a8" }), Plot.ruleX([t.chosen], { stroke: "#e15759", strokeDasharray: "4,3" })],
  });
}

function subsetTable(): HTMLElement {
  const keys = r.subsets[0] ? Object.keys(r.subsets[0].metrics).filter((k) => !k.startsWith("matrix_")) : [];
  return table(
    ["subset", "items", "unscored", ...keys, "95% CI", "length-only", "shortest-only"],
    r.subsets.map((s) => [s.name, fmt(s.items), fmt(s.unscored), ...keys.map((k) => fmt(s.metrics[k])), s.ci ? `${fmt(s.ci[0], 3)} – ${fmt(s.ci[1], 3)}` : "–", fmt(s.length_only), fmt(s.shortest_only)]),
    { id: "subsets" },
  );
}

function failures(): HTMLElement {
  if (data.failures.length === 0) return h("p", { class: "muted" }, "no failures");
  return h(
    "div",
    { id: "failures" },
    ...data.failures.map((f) =>
      h(
        "div",
        { class: "failure" },
        h("div", {}, h("b", {}, f.id), ` · ${f.subset} · line ${f.line}`),
        f.prompt ? h("div", { class: "muted" }, f.prompt) : null,
        h("div", { class: "cands" }, ...f.candidates.map((c) => h("div", { class: `cand ${c.key.startsWith("chosen") ? "chosen" : c.key.startsWith("rejected") ? "rejected" : ""}` }, h("b", {}, `${c.key}: ${c.reward === null ? c.status : fmt(c.reward)}`), "\n", c.text))),
      ),
    ),
  );
}

function render(): void {
  const hl = r.headline;
  const head = card(
    "Result",
    h("div", { class: "eval-head" }, h("div", {}, h("div", { class: "big", id: "headline" }, fmt(hl.value)), h("div", { class: "muted" }, `${hl.metric}${hl.ci ? ` · 95% CI ${fmt(hl.ci[0], 3)} – ${fmt(hl.ci[1], 3)}` : ""}`)), h("div", {}, h("div", { class: "big" }, fmt(r.controls.length_only)), h("div", { class: "muted" }, "length-only control")), h("div", {}, h("div", { class: "big" }, fmt(r.controls.shortest_only)), h("div", { class: "muted" }, "shortest-only control"))),
    h("p", { class: "muted" }, `${hl.definition?.definition ?? ""} (${hl.definition?.source ?? ""}, v${hl.definition?.version ?? 1})`),
    kv([
      ["format", r.format],
      ["input", r.input],
      ["spec", r.spec],
      ["items", r.counts.items],
      ["scored", r.counts.scored],
      ["unscored", r.counts.unscored],
      ["malformed lines", r.counts.malformed],
      ["candidates ok / unscorable / error", `${fmt(r.counts.candidates_ok)} / ${fmt(r.counts.candidates_unscorable)} / ${fmt(r.counts.candidates_error)}`],
      ["reward–length Spearman", r.diagnostics.length_correlation.spearman],
      ...(r.diagnostics.position.inconsistency !== null ? [["order inconsistency (both orders decide differently)", r.diagnostics.position.inconsistency] as [string, unknown]] : []),
      ...(r.diagnostics.position.judge_position_disagreements !== null ? [["pairwise judge order disagreements", r.diagnostics.position.judge_position_disagreements] as [string, unknown]] : []),
    ]),
  );
  const grid = h("div", { class: "grid" });
  grid.append(card("Per subset", h("div", { id: "subset-chart" }, subsetBars())));
  grid.append(card("Reward vs length", h("div", { id: "length-scatter" }, lengthScatter())));
  const rel = reliabilityCurve();
  if (rel) grid.append(card("Reliability curve", h("div", { id: "reliability" }, rel), kv([["ECE", r.overall.ece], ["AUC", r.overall.auc], ["Brier", r.overall.brier]])));
  const sw = sweepChart();
  if (sw) grid.append(card("Threshold sweep", h("div", { id: "sweep" }, sw), kv([["chosen threshold", r.diagnostics.threshold!.chosen], ["best threshold", r.diagnostics.threshold!.best], ["best mean F1", r.diagnostics.threshold!.best_value]])));
  if (r.sections) grid.append(card("RewardBench sections", kv(Object.entries(r.sections))));
  if (r.compare) grid.append(card(`Agreement with ${r.compare_spec ?? "the other spec"}`, kv(Object.entries(r.compare))));
  const extra: HTMLElement[] = [];
  const reasons = Object.entries(r.unscored_reasons);
  if (reasons.length) extra.push(card("Unscored items", table(["reason", "items"], reasons.map(([k, v]) => [k, fmt(v)]))));
  if (r.malformed.length) extra.push(card("Malformed lines", table(["line", "reason"], r.malformed.map((m) => [fmt(m.line), m.reason]))));
  app.replaceChildren(
    head,
    card("Subsets", subsetTable()),
    grid,
    card("Overall", kv(Object.entries(r.overall))),
    ...extra,
    card(`Failure examples (${data.failures.length})`, failures()),
    card("Metric definitions", table(["metric", "version", "definition", "source"], Object.entries(r.definitions).map(([k, d]) => [k, fmt(d.version), d.definition, d.source]))),
  );
}

render();
