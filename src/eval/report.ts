import { fileURLToPath } from "node:url";
import { completionText } from "../core/text.ts";
import { bundleUi } from "../view/assets.ts";
import { pageHtml } from "../view/html.ts";
import type { EvalReportData, Evaluation } from "./result.ts";

const ENTRY = fileURLToPath(new URL("./ui/main.ts", import.meta.url));
const CSS = [fileURLToPath(new URL("../view/ui/style.css", import.meta.url)), fileURLToPath(new URL("./ui/style.css", import.meta.url))];

const clip = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The self-contained report.html: tables, charts (Observable Plot, bundled in memory as the dashboard is) and failure examples. */
export async function buildEvalReport(ev: Evaluation): Promise<string> {
  const points: EvalReportData["points"] = [];
  const step = Math.max(1, Math.ceil(ev.items.reduce((s, i) => s + i.candidates.length, 0) / 2000));
  let k = 0;
  for (const it of ev.items) {
    for (const c of it.candidates) {
      if (k++ % step !== 0 || c.reward === null) continue;
      points.push([c.length, c.reward, c.key.startsWith("chosen") || c.key === "solution" ? 1 : 0]);
    }
  }
  const data: EvalReportData = {
    result: ev.result,
    points,
    failures: ev.failures.map(({ item, result }) => ({
      id: item.id,
      subset: item.subset,
      line: item.line,
      prompt: clip(item.prompt === undefined ? "" : completionText(item.prompt)),
      candidates: item.candidates.map((c, i) => ({ key: c.key, text: clip(completionText(c.completion)), reward: result.candidates[i].reward, status: result.candidates[i].status })),
    })),
  };
  const { js, css } = await bundleUi(ENTRY, CSS);
  return pageHtml({ title: `rewardsmith eval · ${ev.result.format}${ev.result.spec ? ` · ${ev.result.spec}` : ""}`, js, css, data });
}
