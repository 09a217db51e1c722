/**
 * Throughput of the structured-task rewards (toolcall, sql, grounding, similarity) through the
 * spec pipeline: batches of 512 records, 4 batches in flight (the CLI's defaults).
 * Usage: node bench/structured.ts [records per type, default 20000; sql uses a quarter]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createScorer } from "../src/pipeline/score.ts";

const N = Number(process.argv[2] ?? 20000);
const BATCH = 512;
const IN_FLIGHT = 4;

async function run(spec: Record<string, unknown>, records: unknown[]): Promise<{ seconds: number; ok: number }> {
  const scorer = createScorer(spec);
  const start = performance.now();
  let ok = 0;
  try {
    const batches: unknown[][] = [];
    for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH));
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const out = await scorer.scoreRecords(batches[next++]);
        for (const o of out) if (o.status === "ok") ok++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  } finally {
    await scorer.close();
  }
  return { seconds: (performance.now() - start) / 1000, ok };
}

function toolcallRecords(n: number): unknown[] {
  const ref = [
    { name: "get_weather", arguments: { city: "Paris", unit: "celsius", days: 3 } },
    { name: "get_time", arguments: { tz: "Europe/Paris" } },
    { name: "book", arguments: { what: { kind: "table", size: 4 }, when: "19:30" } },
  ];
  const preds = [
    ref,
    [ref[2], ref[0]],
    [{ name: "get_weather", arguments: { city: "paris", unit: "fahrenheit", days: "3" } }],
    [...ref, ref[1]],
  ];
  return Array.from({ length: n }, (_, i) => {
    const calls = preds[i % preds.length];
    return { id: i, completion: `<think>plan ${i}</think>\n<tool_call>\n${calls.map((c) => JSON.stringify(c)).join("\n")}\n</tool_call>`, reference: ref };
  });
}

function groundingRecords(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => {
    const x = (i * 37) % 1200;
    const y = (i * 53) % 700;
    const completion = i % 2 === 0 ? `<answer>(${x}, ${y})</answer>` : `<answer>{"bbox_2d": [${x}, ${y}, ${x + 80}, ${y + 30}]}</answer>`;
    return { id: i, completion, reference: { bbox: [400, 300, 520, 340], image_size: [1280, 720] } };
  });
}

const SENTENCES = [
  "the quick brown fox jumps over the lazy dog near the river bank",
  "a fast brown fox leaped over a sleepy dog by the river",
  "stock markets fell sharply on monday as investors worried about rising interest rates",
  "investors were worried on monday and markets dropped because interest rates are rising",
];

function similarityRecords(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    completion: `${SENTENCES[i % 4]} ${i % 7 === 0 ? "indeed" : ""}`.repeat(1 + (i % 3)),
    reference: SENTENCES[(i + (i % 2)) % 4],
  }));
}

function sqlRecords(n: number, dbDir: string): unknown[] {
  const db = new DatabaseSync(join(dbDir, "bench.sqlite"));
  db.exec("CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept TEXT, salary REAL)");
  const insert = db.prepare("INSERT INTO emp VALUES (?, ?, ?, ?)");
  for (let i = 0; i < 1000; i++) insert.run(i, `p${i}`, ["eng", "ops", "sales", "hr"][i % 4], 50 + (i % 97));
  db.close();
  const golds = ["SELECT name FROM emp WHERE dept = 'eng' AND salary > 120", "SELECT dept, count(*) FROM emp GROUP BY dept", "SELECT max(salary) FROM emp WHERE dept = 'ops'"];
  const preds = [...golds, "SELECT name FROM emp WHERE salary > 120", "SELECT dept, count(*) FROM emp GROUP BY dept ORDER BY 2", "SELECT max(salry) FROM emp"];
  return Array.from({ length: n }, (_, i) => ({ id: i, completion: preds[i % preds.length], reference: golds[i % golds.length] }));
}

const dir = mkdtempSync(join(tmpdir(), "rewardsmith-bench-"));
const rows: string[] = [];
const cases: Array<[string, Record<string, unknown>, unknown[]]> = [
  ["toolcall (3 calls, ToolRL)", { rewards: { t: { type: "toolcall", require_think: true } } }, toolcallRecords(N)],
  ["grounding (GUI-G² point+coverage)", { rewards: { g: { type: "grounding", from_tag: "answer", metric: { gaussian_point: 1, gaussian_coverage: 1 } } } }, groundingRecords(N)],
  ["similarity bleu", { rewards: { s: { type: "similarity", metric: "bleu" } } }, similarityRecords(N)],
  ["similarity chrf", { rewards: { s: { type: "similarity", metric: "chrf" } } }, similarityRecords(N)],
  ["similarity rougeL", { rewards: { s: { type: "similarity", metric: "rougeL" } } }, similarityRecords(N)],
  ["similarity edit (chars)", { rewards: { s: { type: "similarity", metric: "edit" } } }, similarityRecords(N)],
  ["sql (1000-row table, all partials)", { rewards: { q: { type: "sql", database: join(dir, "bench.sqlite"), weights: { execution: 3, syntax: 1, schema: 1, ngram: 1 } } } }, sqlRecords(Math.max(1, Math.floor(N / 4)), dir)],
];
try {
  for (const [name, spec, records] of cases) {
    const r = await run(spec, records);
    rows.push(`| ${name} | ${records.length} | ${r.seconds.toFixed(2)} | ${Math.round(records.length / r.seconds).toLocaleString("en-US")} | ${r.ok} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "cpu"} (${availableParallelism()} cores), batches of ${BATCH}, ${IN_FLIGHT} in flight\n`);
console.log("| reward | records | seconds | records/s | ok |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
