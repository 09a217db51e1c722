import { writeFile } from "node:fs/promises";
import { UsageError } from "../../core/errors.ts";
import { StreamIoError } from "../../pipeline/stream.ts";
import { loadSpec } from "../../spec/parse.ts";
import { buildReport } from "../../view/report.ts";
import { parseCommandArgs, positiveInt } from "../args.ts";

export const reportHelp = `rewardsmith report <results.jsonl> [--compare other.jsonl] -o report.html [options]

Write one self-contained HTML file (no network needed to open it) with the run's summary, status
breakdown, reward histograms overall and per component, reward vs length, groups and usage over
all records, and a sample of records to open. With --compare: the run-vs-run view (changed
records, old vs new scatter, mean difference with a bootstrap CI, sign test), by record id.

Options:
  -o, --out <file>         the HTML file to write                                   (required)
  --input <file>           the input results.jsonl was scored from (prompts, completions, groups)
  --compare <file>         results of another run over the same records (the "new" side)
  --compare-input <file>   the input of the --compare run
  --spec <file>            the spec used, for its field renames (fields:)
  --sample <n>             records included in full                                 (default 200)`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: "string", short: "o" },
    input: { type: "string" },
    compare: { type: "string" },
    "compare-input": { type: "string" },
    spec: { type: "string" },
    sample: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(reportHelp + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one results file, found ${positionals.length}`);
  if (!values.out) throw new UsageError("missing -o <report.html>");
  const fields = values.spec ? (loadSpec(values.spec).fields as Record<string, string>) : undefined;
  let html: string;
  try {
    html = await buildReport({ results: positionals[0], input: values.input, compare: values.compare, compareInput: values["compare-input"], fields, sample: positiveInt(values.sample, "--sample") });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new StreamIoError(`cannot build the report: ${(err as Error).message}`);
  }
  try {
    await writeFile(values.out, html);
  } catch (err) {
    throw new StreamIoError(`cannot write ${values.out}: ${(err as Error).message}`);
  }
  process.stderr.write(`rewardsmith report: wrote ${values.out} (${(html.length / 1024).toFixed(0)} KiB)\n`);
  return 0;
}
