import { readFileSync } from "node:fs";
import { UsageError } from "../../core/errors.ts";
import { AUDIT_ITEMS, auditJudges, formatAudit, MASTER_KEYS } from "../../rewards/judge/audit.ts";
import { loadSpec } from "../../spec/parse.ts";
import { StreamIoError } from "../../pipeline/stream.ts";
import { parseCommandArgs } from "../args.ts";

export const auditJudgeHelp = `rewardsmith audit-judge --spec <file> [options]

Run the spec's judge rewards on master-key probes (completions with no answer that judges are
known to accept: ":", ".", "Thought process:", "Let's solve this problem step by step.", ...)
and report the false-positive rate per probe. The guards are off during the audit, so the judge
itself is measured; the report also says which probes the degenerate-completion guard stops.

Options:
  --spec <file>        reward spec with one or more judge rewards        (required)
  --input <file>       JSONL of prompts and references to probe with (the spec's field names);
                       default: ${AUDIT_ITEMS.length} built-in questions
  --probes <file>      more probes, one per line (a JSON string line is decoded)
  --only-probes        use only the --probes file, not the built-in master keys
  --reward <name>      audit only this judge reward (repeatable)
  --threshold <x>      a reward >= x counts as a false positive           (default 0.5)
  --no-cache           do not read or write the judge cache
  --json               print the report as JSON
  --fail-above <rate>  exit 3 when a judge's overall false-positive rate (guards off) is above rate

Exit status: 0 audited; 3 a rate above --fail-above; 2 usage or spec error; 1 I/O failure or a
judge that gave no verdict on any probe (e.g. its endpoint is down).`;

export async function auditJudgeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      spec: { type: "string" },
      input: { type: "string" },
      probes: { type: "string" },
      "only-probes": { type: "boolean" },
      reward: { type: "string", multiple: true },
      threshold: { type: "string" },
      "no-cache": { type: "boolean" },
      json: { type: "boolean" },
      "fail-above": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(auditJudgeHelp + "\n");
    return 0;
  }
  if (!values.spec) throw new UsageError("missing --spec <file>");
  const threshold = rate(values.threshold, "--threshold") ?? 0.5;
  const failAbove = rate(values["fail-above"], "--fail-above");
  const spec = loadSpec(values.spec);
  const judges = spec.rewards.filter((r) => r.type === "judge").map((r) => r.name);
  if (judges.length === 0) throw new UsageError(`${values.spec} has no judge rewards to audit`);
  for (const name of values.reward ?? []) {
    if (!judges.includes(name)) throw new UsageError(`--reward ${name}: the spec has no judge reward of that name (judge rewards: ${judges.join(", ") || "none"})`);
  }
  const userProbes = values.probes ? readProbes(values.probes) : [];
  if (values["only-probes"] && userProbes.length === 0) throw new UsageError("--only-probes needs a --probes file with at least one probe");
  const probes = values["only-probes"] ? userProbes : [...MASTER_KEYS, ...userProbes.filter((p) => !MASTER_KEYS.includes(p))];
  const items = values.input ? readItems(values.input, spec.fields.prompt ?? "prompt", spec.fields.reference ?? "reference") : AUDIT_ITEMS;

  const reports = await auditJudges(spec, { probes, items, threshold, rewards: values.reward, flags: { noCache: values["no-cache"] === true } });
  process.stdout.write(values.json ? JSON.stringify(reports, null, 2) + "\n" : formatAudit(reports));
  if (failAbove !== undefined && reports.some((r) => r.rate !== null && r.rate > failAbove)) return 3;
  // A judge that gave no verdict (its endpoint down) was not measured: a CI gate must not pass on it.
  const unmeasured = reports.filter((r) => r.rate === null);
  for (const r of unmeasured) {
    const first = r.rows.find((row) => row.error)?.error;
    process.stderr.write(`rewardsmith audit-judge: judge reward "${r.reward}" gave no verdict on any probe${first ? ` (first error: ${first})` : ""}: nothing was measured\n`);
  }
  return unmeasured.length > 0 ? 1 : 0;
}

function rate(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} expects a number from 0 to 1, found ${JSON.stringify(value)}`);
  return n;
}

function readText(path: string): string {
  try {
    const text = readFileSync(path, "utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte order mark is not content
  } catch (err) {
    throw new StreamIoError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function readProbes(path: string): string[] {
  const out: string[] = [];
  for (const line of readText(path).split("\n")) {
    const l = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (l === "") continue;
    if (l.startsWith('"')) {
      try {
        const decoded = JSON.parse(l);
        if (typeof decoded === "string") {
          out.push(decoded);
          continue;
        }
      } catch {
        // not a JSON string: the line as written
      }
    }
    out.push(l);
  }
  return out;
}

function readItems(path: string, promptField: string, referenceField: string): Array<{ prompt?: unknown; reference?: unknown }> {
  const items: Array<{ prompt?: unknown; reference?: unknown }> = [];
  readText(path)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch (err) {
        throw new UsageError(`${path} line ${i + 1}: invalid JSON (${(err as Error).message})`);
      }
      if (rec === null || typeof rec !== "object" || Array.isArray(rec)) throw new UsageError(`${path} line ${i + 1}: expected a JSON object`);
      items.push({ prompt: get(rec, promptField), reference: get(rec, referenceField) });
    });
  if (items.length === 0) throw new UsageError(`${path} has no records`);
  return items;
}

function get(rec: object, path: string): unknown {
  let cur: unknown = rec;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
