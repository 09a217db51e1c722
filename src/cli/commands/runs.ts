import { UsageError } from "../../core/errors.ts";
import { RunStore, storeDir } from "../../store/index.ts";
import { parseCommandArgs } from "../args.ts";

export const runsHelp = `rewardsmith runs [options]

List the runs recorded in the run store (newest first): id, name, when, records, ok share,
mean reward, results file. 'rewardsmith view' shows them.

Options:
  --store <dir>   the run store's folder        (default $REWARDSMITH_STORE or .rewardsmith)
  --json          one JSON object per run instead of a table
  --delete <id>   forget a run (its JSONL files are left alone)`;

export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    store: { type: "string" },
    json: { type: "boolean" },
    delete: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(runsHelp + "\n");
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const store = new RunStore(storeDir(values.store));
  try {
    if (values.delete !== undefined) {
      const id = Number(values.delete);
      if (!Number.isInteger(id) || !store.remove(id)) throw new UsageError(`--delete: no run ${JSON.stringify(values.delete)} in ${store.path}`);
      process.stderr.write(`deleted run ${id}\n`);
      return 0;
    }
    const runs = store.runs();
    if (values.json) {
      for (const r of runs) process.stdout.write(JSON.stringify(r) + "\n");
      return 0;
    }
    if (runs.length === 0) {
      process.stderr.write(`no runs recorded in ${store.path} (rewardsmith score --out <file> records one)\n`);
      return 0;
    }
    const rows = runs.map((r) => [
      String(r.id),
      r.name,
      r.createdAt.replace("T", " ").slice(0, 19),
      r.records.toLocaleString("en-US"),
      r.summary && r.summary.records > 0 ? `${((100 * r.summary.ok) / r.summary.records).toFixed(1)}%` : "-",
      r.summary?.reward ? r.summary.reward.mean.toFixed(4) : "-",
      r.outputPath,
    ]);
    const head = ["id", "name", "created (UTC)", "records", "ok", "mean", "results"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
    process.stdout.write([line(head), ...rows.map(line)].join("\n") + "\n");
    return 0;
  } finally {
    store.close();
  }
}
