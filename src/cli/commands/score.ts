import { statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { UsageError } from "../../core/errors.ts";
import { Scorer } from "../../pipeline/scorer.ts";
import { loadSpec } from "../../spec/parse.ts";
import { scoreStreamNormalized } from "../../pipeline/normalized.ts";
import { scoreStream, StreamIoError } from "../../pipeline/stream.ts";
import type { Summary } from "../../pipeline/summary.ts";
import { scoreQueued } from "../../scale/coordinator.ts";
import { DEFAULT_STORE_DIR, recordRun, RunStore, storeDir } from "../../store/index.ts";
import { parseCommandArgs, positiveInt } from "../args.ts";
import { formatSummary, ProgressLine } from "../progress.ts";

export const scoreHelp = `rewardsmith score --spec <file> <input.jsonl | -> [options]

Score a JSONL file of rollouts with a reward spec. Writes one JSON result per input line,
in input order (also for lines that are not valid JSON), and a summary on stderr.
With a normalize block in the spec, each record also gets "advantage" (group advantages over
the whole file: the output is written after all input has been scored; see docs/normalize.md).

Options:
  --spec <file>        reward spec (YAML or JSON)                      (required)
  --out <file>         write results here instead of stdout (- : stdout)
  --concurrency <n>    batches scored at the same time                 (default 4)
  --batch-size <n>     records per batch                               (default 512)
  --no-cache           judges neither read nor write their reply cache
  --quiet              no progress and no summary on stderr
  --record             record the run in the run store (the default when --out is a file)
  --no-record          do not record the run
  --store <dir>        the run store's folder                          (default $REWARDSMITH_STORE or ${DEFAULT_STORE_DIR})
  --name <text>        the run's name in the store                     (default: the --out file name)
  --unsafe-no-sandbox  run programs of \`code\` rewards on this machine WITHOUT the bubblewrap
                       sandbox (rlimits only); only for trusted code where bwrap cannot run

Distributed (see docs/scale.md):
  --queue <redis-url>  cut the input into chunk jobs on a BullMQ queue in Redis, e.g.
                       redis://127.0.0.1:6379/0; 'rewardsmith worker --queue <url> --spec <file>'
                       processes (any number, any machine) score them; needs an input file and
                       --out <file>. Running the same command again after a crash continues.
  --chunk-size <n>     lines per chunk job (a group is never split)    (default 256)
  --attempts <n>       tries per chunk before the dead-letter report   (default 3)

Recorded runs are listed by 'rewardsmith runs' and shown by 'rewardsmith view'; the store keeps
the spec, file paths and hashes, the summary and each record's offsets (records stay in --out).

Exit status: 0 the input was processed; 2 usage or spec error (nothing processed); 1 I/O failure.`;

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    spec: { type: "string" },
    out: { type: "string", short: "o" },
    concurrency: { type: "string" },
    "batch-size": { type: "string" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    "unsafe-no-sandbox": { type: "boolean" },
    record: { type: "boolean" },
    "no-record": { type: "boolean" },
    store: { type: "string" },
    name: { type: "string" },
    queue: { type: "string" },
    "chunk-size": { type: "string" },
    attempts: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(scoreHelp + "\n");
    return 0;
  }
  if (!values.spec) throw new UsageError("missing --spec <file>");
  if (positionals.length > 1) throw new UsageError(`expected one input file, found ${positionals.length}: ${positionals.join(" ")}`);
  const inputPath = positionals[0] ?? (process.stdin.isTTY ? undefined : "-");
  if (inputPath === undefined) throw new UsageError("missing the input file (a path, or - for standard input)");
  const toFile = values.out !== undefined && values.out !== "-";
  if (values.record && values["no-record"]) throw new UsageError("--record and --no-record contradict each other");
  if (values.record && !toFile) throw new UsageError("--record needs --out <file>: the store indexes records by their offset in the results file");
  const record = toFile && !values["no-record"];
  const concurrency = positiveInt(values.concurrency, "--concurrency");
  const batchSize = positiveInt(values["batch-size"], "--batch-size");

  const spec = loadSpec(values.spec);
  if (values.queue !== undefined) {
    if (inputPath === "-") throw new UsageError("--queue needs an input file (a resumed run reads it again), not standard input");
    if (!toFile) throw new UsageError("--queue needs --out <file> (the results are assembled there)");
    if (values["no-cache"] || values["unsafe-no-sandbox"]) throw new UsageError("--no-cache and --unsafe-no-sandbox are flags of the workers in a queued run: pass them to 'rewardsmith worker'");
    if (sameFile(inputPath, values.out!)) throw new UsageError(`--out ${values.out} is the input file; write the results elsewhere`);
    const progress = !values.quiet && process.stderr.isTTY ? new ProgressLine(process.stderr, statSafe(inputPath)) : undefined;
    let summary;
    try {
      summary = await scoreQueued({
        queueUrl: values.queue,
        specPath: values.spec,
        spec,
        inputPath,
        outPath: values.out!,
        chunkSize: positiveInt(values["chunk-size"], "--chunk-size"),
        attempts: positiveInt(values.attempts, "--attempts"),
        onProgress: (p) => progress?.update(p),
      });
    } finally {
      progress?.clear();
    }
    if (!values.quiet) {
      process.stderr.write(formatSummary(summary));
      process.stderr.write(`  queue ${summary.queue} · run ${summary.run} · ${summary.chunks} chunks${summary.resumedChunks > 0 ? ` (${summary.resumedChunks} written before the restart)` : ""}\n`);
      if (summary.deadChunks > 0) process.stderr.write(`  ${summary.deadChunks} chunks failed every attempt: their records are errors; see ${summary.deadLetterPath}\n`);
    }
    if (record) await recordScoredRun(values, inputPath, spec, summary);
    return 0;
  }
  const flags = { noCache: values["no-cache"] === true, unsafeNoSandbox: values["unsafe-no-sandbox"] === true };
  if (flags.unsafeNoSandbox) process.stderr.write("rewardsmith score: --unsafe-no-sandbox: model-written programs run on this machine without isolation\n");
  // Build the rewards first: a spec they refuse (no sandbox, bad calibration file) must not
  // create or truncate the --out file.
  const scorer = new Scorer(spec, undefined, { flags });
  let progress: ProgressLine | undefined;
  try {
    let input: Readable;
    let totalBytes: number | undefined;
    if (inputPath === "-") input = process.stdin;
    else {
      try {
        const handle = await open(inputPath, "r");
        const stat = await handle.stat();
        if (stat.isDirectory()) {
          await handle.close();
          throw new Error("it is a directory");
        }
        totalBytes = stat.size;
        input = handle.createReadStream({ highWaterMark: 1 << 20 });
      } catch (err) {
        throw new StreamIoError(`cannot read the input ${inputPath}: ${(err as Error).message}`);
      }
    }
    let output: Writable = process.stdout;
    if (values.out && values.out !== "-") {
      // Opening the output truncates it: writing over the input would destroy the data being read.
      if (inputPath !== "-" && sameFile(inputPath, values.out)) throw new UsageError(`--out ${values.out} is the input file; write the results elsewhere`);
      try {
        const handle = await open(values.out, "w");
        output = handle.createWriteStream();
      } catch (err) {
        throw new StreamIoError(`cannot write the output ${values.out}: ${(err as Error).message}`);
      }
    }

    progress = !values.quiet && process.stderr.isTTY ? new ProgressLine(process.stderr, totalBytes) : undefined;
    const run = spec.normalize ? scoreStreamNormalized : scoreStream;
    const summary = await run(scorer, input, output, { concurrency, batchSize, onProgress: (p) => progress?.update(p) });
    progress?.clear();
    if (output !== process.stdout) await new Promise<void>((resolve, reject) => output.end((err?: Error | null) => (err ? reject(new StreamIoError(`cannot write the output: ${err.message}`)) : resolve())));
    if (!values.quiet) process.stderr.write(formatSummary(summary));
    if (record) await recordScoredRun(values, inputPath, spec, summary);
    return 0;
  } finally {
    progress?.clear();
    await scorer.close();
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // the output does not exist yet
  }
}

async function recordScoredRun(
  values: { out?: string; spec?: string; store?: string; name?: string; quiet?: boolean },
  inputPath: string,
  spec: ReturnType<typeof loadSpec>,
  summary: Summary,
): Promise<void> {
  let store: RunStore | undefined;
  try {
    store = new RunStore(storeDir(values.store));
    const run = await recordRun(store, {
      outputPath: values.out!,
      // A pipe or device cannot be read a second time for the index: the run is kept without its input.
      inputPath: inputPath !== "-" && statSync(inputPath).isFile() ? inputPath : undefined,
      specPath: values.spec!,
      fields: spec.fields as Record<string, string>,
      summary,
      name: values.name,
    });
    if (!values.quiet) process.stderr.write(`  recorded as run ${run.id} in ${store.path} (rewardsmith view)\n`);
  } catch (err) {
    throw new StreamIoError(`the results are written, but the run could not be recorded: ${(err as Error).message}`);
  } finally {
    store?.close();
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
