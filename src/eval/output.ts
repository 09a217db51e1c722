import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RewardsmithError } from "../core/errors.ts";
import type { Evaluation } from "./evaluate.ts";
import { buildEvalReport } from "./report.ts";

/** Write eval.json, items.jsonl and report.html into `dir`; returns their paths. */
export async function writeEvaluation(ev: Evaluation, dir: string, o: { report?: boolean } = {}): Promise<{ json: string; items: string; report?: string }> {
  try {
    await mkdir(dir, { recursive: true });
    const json = join(dir, "eval.json");
    const items = join(dir, "items.jsonl");
    await writeFile(json, JSON.stringify(ev.result, null, 2) + "\n");
    await writeFile(items, ev.items.map((r) => JSON.stringify(r)).join("\n") + (ev.items.length ? "\n" : ""));
    if (o.report === false) return { json, items };
    const report = join(dir, "report.html");
    await writeFile(report, await buildEvalReport(ev));
    return { json, items, report };
  } catch (err) {
    if (err instanceof RewardsmithError) throw err;
    throw new RewardsmithError(`cannot write the evaluation to ${dir}: ${(err as Error).message}`);
  }
}

export interface Gate {
  metric: string;
  min: number;
  value: number | null;
  pass: boolean;
}

/** Parse `metric=value` thresholds (--fail-under). */
export function parseGates(specs: readonly string[]): Array<{ metric: string; min: number }> {
  return specs.map((s) => {
    const m = /^([^=]+)=(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i.exec(s.trim());
    if (!m) throw new RewardsmithError(`--fail-under expects metric=value (e.g. accuracy=0.7), found ${JSON.stringify(s)}`);
    return { metric: m[1].trim(), min: Number(m[2]) };
  });
}

/** Check thresholds against the flat metrics; an unknown metric name is an error listing the known ones. */
export function checkGates(flat: Record<string, number>, gates: ReadonlyArray<{ metric: string; min: number }>): Gate[] {
  return gates.map((g) => {
    if (!(g.metric in flat)) {
      const known = Object.keys(flat);
      throw new RewardsmithError(`--fail-under: no metric "${g.metric}" (known: ${known.slice(0, 40).join(", ")}${known.length > 40 ? ", ..." : ""})`);
    }
    const value = flat[g.metric];
    return { metric: g.metric, min: g.min, value, pass: value >= g.min };
  });
}
