// The viewer over a 1,000,000-record run: how long the first page and filtered pages take
// through the HTTP API (fastify inject, so no socket noise), after the run is recorded.
// Usage: node bench/view.ts [records]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordRun, RunStore } from "../src/store/index.ts";
import { buildViewApp } from "../src/view/app.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "rewardsmith-bench-view-"));
try {
  const input = join(dir, "in.jsonl");
  const output = join(dir, "out.jsonl");
  let inText: string[] = [];
  let outText: string[] = [];
  const flush = (last: boolean) => {
    if (inText.length < 50_000 && !last) return;
    writeFileSync(input, inText.join(""), { flag: "a" });
    writeFileSync(output, outText.join(""), { flag: "a" });
    inText = [];
    outText = [];
  };
  for (let i = 0; i < N; i++) {
    const g = Math.floor(i / 16);
    const word = i % 1000 === 7 ? "zebra" : "step";
    inText.push(JSON.stringify({ id: `p${g}-s${i % 16}`, group: `p${g}`, prompt: `Problem ${g}: compute the sum.`, completion: `Let me think about ${word} ${i}. The answer is \\boxed{${i % 97}}.` }) + "\n");
    const ok = i % 50 !== 0;
    const c = (i * 2654435761) % 1000 / 1000;
    outText.push(JSON.stringify({ id: `p${g}-s${i % 16}`, reward: ok ? c : null, status: ok ? "ok" : "error", ...(ok ? {} : { reason: "correct: timeout" }), components: { correct: { reward: ok ? Math.round(c) : null, status: ok ? "ok" : "error" }, format: { reward: 1, status: "ok" } } }) + "\n");
    flush(false);
  }
  flush(true);

  const store = new RunStore(join(dir, "store"));
  let t = performance.now();
  const run = await recordRun(store, { outputPath: output, inputPath: input });
  const recordS = (performance.now() - t) / 1000;
  const app = buildViewApp(store);
  const time = async (url: string) => {
    const start = performance.now();
    const res = await app.inject({ method: "GET", url });
    const ms = performance.now() - start;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return { ms, total: (JSON.parse(res.body) as { total?: number }).total };
  };
  const rows: Array<[string, string, number, number | undefined, string]> = [];
  const add = async (what: string, url: string, target: string) => {
    const r = await time(url);
    rows.push([what, url, r.ms, r.total, target]);
  };
  await add("first page (no filter)", `/api/runs/${run.id}/records?limit=50`, "< 1000 ms");
  await add("filter: status error", `/api/runs/${run.id}/records?status=error&limit=50`, "< 2000 ms");
  await add("filter: reward 0.2..0.3", `/api/runs/${run.id}/records?min=0.2&max=0.3&limit=50`, "< 2000 ms");
  await add("filter: component correct = 0", `/api/runs/${run.id}/records?component=correct&max=0&limit=50`, "< 2000 ms");
  await add("filter: group", `/api/runs/${run.id}/records?group=p${Math.floor(N / 40)}&limit=50`, "< 2000 ms");
  await add("filter: text search (first)", `/api/runs/${run.id}/records?q=zebra&limit=50`, "< 2000 ms");
  await add("filter: text matching every record", `/api/runs/${run.id}/records?q=think&limit=50`, "< 2000 ms");
  await add("filter: text + status", `/api/runs/${run.id}/records?q=zebra&status=ok&offset=50&limit=50`, "< 2000 ms");
  await add("a page in the middle", `/api/runs/${run.id}/records?offset=${Math.floor(N / 2)}&limit=50`, "< 1000 ms");
  await add("run page statistics (first)", `/api/runs/${run.id}`, "–");
  await add("one record", `/api/runs/${run.id}/records/${Math.floor(N * 0.65)}`, "–");
  await app.close();
  store.close();

  console.log(`view over ${N.toLocaleString("en-US")} records (recording the run: ${recordS.toFixed(1)} s, Node ${process.version})\n`);
  console.log("| what | request | time | matches | target |");
  console.log("|---|---|---|---|---|");
  for (const [what, url, ms, total, target] of rows) console.log(`| ${what} | \`${url.replace(/^\/api\/runs\/\d+/, "")}\` | ${ms.toFixed(0)} ms | ${total === undefined ? "–" : total.toLocaleString("en-US")} | ${target} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
