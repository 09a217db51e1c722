import { type CompareRow, type CompareSummary, type GroupRow, type ListedRun, type RecordPage, type RunStats, type ShownRecord, STATUSES } from "../../store/shapes.ts";
import { histogram, scatter, statusBars, stepStrip } from "./charts.ts";
import { embedded, get } from "./data.ts";
import { card, fmt, h, table } from "./dom.ts";
import { messages, segmentHeatmap, type Segment } from "./render.ts";

const app = document.getElementById("app")!;
const where = document.getElementById("where")!;

async function route(): Promise<void> {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, qs] = hash.split("?");
  const parts = path.split("/").filter(Boolean);
  const params = new URLSearchParams(qs ?? "");
  app.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  try {
    let page: HTMLElement;
    if (parts[0] === "run" && parts[2] === "record") page = await recordPage(parts[1], parts[3]);
    else if (parts[0] === "run") page = await runPage(parts[1], params);
    else if (parts[0] === "compare") page = await comparePage(parts[1], parts[2], params);
    else if (embedded && embedded.compare) page = await comparePage(String(embedded.compare.a), String(embedded.compare.b), params);
    else if (embedded) page = await runPage(String(embedded.runs[0].id), params);
    else page = await runsPage();
    app.replaceChildren(page);
  } catch (err) {
    app.replaceChildren(h("p", { class: "error" }, (err as Error).message));
  }
}

async function runsPage(): Promise<HTMLElement> {
  where.textContent = "runs";
  const { runs } = await get<{ runs: ListedRun[] }>("/api/runs");
  const pick = (name: string) => h("select", { name }, ...runs.map((r) => h("option", { value: r.id }, `${r.id} · ${r.name}`)));
  const a = pick("a");
  const b = pick("b");
  // Newest first: by default compare the previous run (old) with the latest (new).
  if (runs.length > 1) (a as HTMLSelectElement).selectedIndex = 1;
  return h(
    "div",
    {},
    card(
      "Runs",
      runs.length === 0
        ? h("p", {}, "No runs recorded yet: rewardsmith score --spec s.yaml in.jsonl --out results.jsonl records one.")
        : table(
            ["id", "name", "created", "records", "ok", "mean reward", "results"],
            runs.map((r) => [h("a", { href: `#/run/${r.id}`, class: "run-link" }, String(r.id)), h("a", { href: `#/run/${r.id}` }, r.name), r.createdAt.replace("T", " ").slice(0, 19), fmt(r.records), r.summary ? `${fmt((100 * r.summary.ok) / Math.max(1, r.summary.records), 1)} %` : "–", fmt(r.summary?.reward?.mean), r.outputPath]),
            { id: "runs" },
          ),
    ),
    runs.length > 1
      ? card("Compare two runs", h("form", { id: "compare-form", onsubmit: (e: Event) => (e.preventDefault(), (location.hash = `#/compare/${(a as HTMLSelectElement).value}/${(b as HTMLSelectElement).value}`)) }, "old ", a, " new ", b, " ", h("button", { type: "submit" }, "Compare")))
      : null,
  );
}

async function runPage(id: string, params: URLSearchParams): Promise<HTMLElement> {
  const s = await get<RunStats>(`/api/runs/${id}`);
  const r = s.run;
  where.textContent = `run ${r.id} · ${r.name}`;
  const groupLink = (g: string) => h("a", { href: `#/run/${id}?group=${encodeURIComponent(g)}` }, g);
  const groupRows = (rows: GroupRow[]) => rows.map((g) => [groupLink(g.group), fmt(g.size), fmt(g.ok), fmt(g.mean), fmt(g.std), fmt(g.meanAdvantage)]);
  const usage = Object.entries(s.usage);
  return h(
    "div",
    { class: "grid" },
    card(
      "Summary",
      table(
        ["", ""],
        [
          ["records", fmt(r.records)],
          ["mean reward (ok)", fmt(r.summary?.reward?.mean ?? null)],
          ["wall time", r.summary ? `${fmt(r.summary.wallSeconds, 2)} s` : "–"],
          ["spec", r.specPath ?? "–"],
          ["input", r.inputPath ?? "–"],
          ["results", r.outputPath],
          ["rewardsmith", r.version],
        ],
        { class: "kv" },
      ),
      statusBars(s.status),
    ),
    card("Reward distribution", h("div", { id: "histogram" }, histogram(s.histogram))),
    s.components.length > 0
      ? card("Components", h("div", { class: "components" }, ...s.components.map((c) => h("div", { class: "component" }, h("h3", {}, `${c.name} · mean ${fmt(c.mean)} · ok ${fmt(c.status.ok)} · unscorable ${fmt(c.status.unscorable)} · error ${fmt(c.status.error)}`), histogram(c.histogram, { width: 400, height: 150, label: c.name })))))
      : null,
    card("Reward vs completion length", scatter(s.lengthScatter, { x: "completion length (characters)", y: "reward" })),
    s.groups.count > 0
      ? card(
          "Groups",
          h("p", {}, `${fmt(s.groups.count)} groups · ${fmt(s.groups.zeroVariance)} with zero variance (no learning signal) · ${fmt(s.groups.singletons)} of one · ${fmt(s.groups.withAdvantage)} records with an advantage`),
          h("h3", {}, "largest reward spread"),
          table(["group", "size", "ok", "mean", "std", "mean advantage"], groupRows(s.groups.largestStd)),
          s.groups.zeroVarianceSample.length ? h("h3", {}, "zero-variance groups") : null,
          s.groups.zeroVarianceSample.length ? table(["group", "size", "ok", "mean", "std", "mean advantage"], groupRows(s.groups.zeroVarianceSample)) : null,
        )
      : null,
    usage.length > 0 ? card("Judge and reward usage", table(["metric", "value"], usage.map(([k, v]) => [k, fmt(v)]), { id: "usage" })) : null,
    card("Records", recordTable(id, r.components, params)),
  );
}

function recordTable(runId: string, components: string[], params: URLSearchParams): HTMLElement {
  const form = h(
    "form",
    { id: "filter", class: "filter" },
    h("label", {}, "status ", h("select", { name: "status" }, h("option", { value: "" }, "any"), ...STATUSES.map((s) => h("option", { value: s }, s)))),
    h("label", {}, "component ", h("select", { name: "component" }, h("option", { value: "" }, "(record)"), ...components.map((c) => h("option", { value: c }, c)))),
    h("label", {}, "reward ≥ ", h("input", { name: "min", type: "number", step: "any", size: 6 })),
    h("label", {}, "≤ ", h("input", { name: "max", type: "number", step: "any", size: 6 })),
    h("label", {}, "group ", h("input", { name: "group", size: 10 })),
    h("label", {}, "text ", h("input", { name: "q", type: "search", size: 16 })),
    h("button", { type: "submit" }, "Filter"),
  ) as HTMLFormElement;
  for (const [k, v] of params) {
    const input = form.elements.namedItem(k) as HTMLInputElement | null;
    if (input) input.value = v;
  }
  const info = h("p", { class: "muted", id: "record-count" });
  const body = h("div", {});
  const pager = h("div", { class: "pager" });
  let offset = 0;
  const limit = 50;
  const load = async () => {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v !== "") q.set(k, String(v));
    q.set("offset", String(offset));
    q.set("limit", String(limit));
    info.textContent = "loading…";
    try {
      // A static report answers from its sample and says how large that is.
      const page = await get<RecordPage & { sampled?: number; of?: number }>(`/api/runs/${runId}/records?${q}`);
      info.textContent = `${fmt(page.total)} matching records${page.sampled !== undefined ? ` (in this report's sample of ${fmt(page.sampled)} of ${fmt(page.of)} records)` : ""}`;
      info.setAttribute("data-total", String(page.total));
      body.replaceChildren(
        table(
          ["#", "id", "status", "reward", "group", "length", "advantage"],
          page.rows.map((r) => [h("a", { href: `#/run/${runId}/record/${r.idx}` }, String(r.idx + 1)), r.id ?? "–", h("span", { class: `status-${r.status}` }, r.status), fmt(r.reward), r.group ?? "–", fmt(r.completionLength), fmt(r.advantage)]),
          { id: "records" },
        ),
      );
      pager.replaceChildren(
        h("button", { type: "button", disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - limit)), void load()) }, "‹ previous"),
        ` ${fmt(page.total === 0 ? 0 : offset + 1)}–${fmt(Math.min(page.total, offset + limit))} of ${fmt(page.total)} `,
        h("button", { type: "button", disabled: offset + limit >= page.total, onclick: () => ((offset += limit), void load()) }, "next ›"),
      );
    } catch (err) {
      info.textContent = (err as Error).message;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    offset = 0;
    void load();
  });
  void load();
  return h("div", {}, form, info, body, pager);
}

async function recordPage(runId: string, idx: string): Promise<HTMLElement> {
  const rec = await get<ShownRecord>(`/api/runs/${runId}/records/${idx}`);
  const out = (typeof rec.output === "object" && rec.output !== null ? rec.output : { raw: rec.output }) as Record<string, any>;
  where.textContent = `run ${runId} · record ${Number(idx) + 1}${rec.row.id ? ` · ${rec.row.id}` : ""}`;
  const segments: Array<Segment & { component: string }> = [];
  const steps: Array<{ name: string; steps: Array<{ reward: number | null }> }> = [];
  const collect = (name: string, r: Record<string, any>) => {
    if (Array.isArray(r.segments)) for (const s of r.segments) segments.push({ ...s, component: name });
    if (Array.isArray(r.steps)) steps.push({ name, steps: r.steps });
  };
  collect("record", out);
  const comps = Object.entries((out.components ?? {}) as Record<string, Record<string, any>>);
  for (const [name, c] of comps) collect(name, c);
  return h(
    "div",
    {},
    h("p", {}, h("a", { href: `#/run/${runId}` }, "← run"), " ", Number(idx) > 0 ? h("a", { href: `#/run/${runId}/record/${Number(idx) - 1}` }, "‹ previous") : null, " ", h("a", { href: `#/run/${runId}/record/${Number(idx) + 1}` }, "next ›")),
    card(
      "Result",
      table(["", ""], [["status", h("span", { class: `status-${out.status}` }, String(out.status))], ["reward", fmt(out.reward)], ["reason", out.reason ?? "–"], ["group", rec.row.group ?? "–"], ["advantage", fmt(out.advantage ?? null)], ...(out.advantage_reason ? [["advantage reason", out.advantage_reason]] : [])], { class: "kv" }),
      comps.length ? table(["component", "status", "reward", "reason"], comps.map(([n, c]) => [n, h("span", { class: `status-${c.status}` }, c.status), fmt(c.reward), c.reason ?? ""]), { id: "components" }) : null,
    ),
    ...steps.map((s) => card(`Step rewards · ${s.name}`, h("div", { class: "steps" }, stepStrip(s.steps)))),
    rec.prompt !== undefined ? card("Prompt", messages(rec.prompt)) : null,
    rec.completion !== undefined
      ? card(segments.length ? `Completion · ${segments.length} segments` : "Completion", segments.length && rec.completionText !== null ? segmentHeatmap(rec.completionText, segments) : messages(rec.completion), segments.length ? table(["component", "span", "label", "reward", "text"], segments.map((s) => [s.component, `${s.start}–${s.end}`, s.label ?? "", fmt(s.reward), (rec.completionText ?? "").slice(s.start, s.end)]), { id: "segments" }) : null)
      : card("Completion", h("p", { class: "muted" }, "The input file is not known for this run (view it from a recorded score run, or pass --input).")),
    card("Output record", h("pre", { class: "json" }, JSON.stringify(rec.output, null, 2))),
  );
}

async function comparePage(a: string, b: string, params: URLSearchParams): Promise<HTMLElement> {
  const c = await get<CompareSummary>(`/api/compare/${a}/${b}`);
  where.textContent = `compare run ${a} (old) → run ${b} (new)`;
  const st = c.stats;
  const different = h("input", { type: "checkbox", id: "different-only", checked: params.get("different") === "1" }) as HTMLInputElement;
  const body = h("div", {});
  const info = h("p", { class: "muted" });
  const load = async () => {
    const page = await get<{ total: number; rows: CompareRow[] }>(`/api/compare/${a}/${b}/records?different=${different.checked ? 1 : 0}&limit=100`);
    info.textContent = `${fmt(page.total)} ${different.checked ? "differing" : "paired"} records${page.total > 100 ? " (first 100)" : ""}`;
    info.setAttribute("data-total", String(page.total));
    body.replaceChildren(
      table(
        ["id", "old status", "new status", "old reward", "new reward", "Δ"],
        page.rows.map((r) => [r.id, h("a", { href: `#/run/${a}/record/${r.idxA}` }, r.statusA), h("a", { href: `#/run/${b}/record/${r.idxB}` }, r.statusB), fmt(r.rewardA), fmt(r.rewardB), r.rewardA !== null && r.rewardB !== null ? fmt(r.rewardB - r.rewardA) : "–"]),
        { id: "compare-records" },
      ),
    );
  };
  different.addEventListener("change", () => void load());
  void load();
  return h(
    "div",
    { class: "grid" },
    card(
      "Changes",
      h("p", { class: "big" }, h("span", { id: "changed-count" }, fmt(c.changedReward + c.changedStatus)), " records changed"),
      table(
        ["", ""],
        [
          ["paired by id", fmt(c.paired)],
          ["reward changed (both ok)", fmt(c.changedReward)],
          ["status changed", fmt(c.changedStatus)],
          ...Object.entries(c.transitions).map(([k, v]) => [`  ${k}`, fmt(v)]),
          ["only in old / only in new", `${fmt(c.onlyA)} / ${fmt(c.onlyB)}`],
          ["without id (old / new)", `${fmt(c.withoutId.a)} / ${fmt(c.withoutId.b)}`],
        ],
        { class: "kv" },
      ),
    ),
    card(
      "Paired statistics (both ok)",
      table(
        ["", ""],
        [
          ["pairs", fmt(st.n)],
          ["mean old → new", `${fmt(st.meanOld)} → ${fmt(st.meanNew)}`],
          ["mean difference (new − old)", fmt(st.meanDiff)],
          ["95 % bootstrap CI", st.ci ? `[${fmt(st.ci[0])}, ${fmt(st.ci[1])}] (${fmt(st.bootstrapResamples)} resamples)` : "–"],
          ["better / worse / tied", `${fmt(st.better)} / ${fmt(st.worse)} / ${fmt(st.ties)}`],
          ["sign test p (two-sided)", st.signTestP === null ? "–" : st.signTestP < 1e-4 ? st.signTestP.toExponential(2) : st.signTestP.toFixed(4)],
        ],
        { class: "kv", id: "paired-stats" },
      ),
    ),
    card("Old vs new reward", scatter(c.scatter, { x: `run ${a} reward`, y: `run ${b} reward`, diagonal: true })),
    card("Records", h("label", {}, different, " different only"), info, body),
  );
}

window.addEventListener("hashchange", () => void route());
void route();
