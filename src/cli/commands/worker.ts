import { UsageError } from "../../core/errors.ts";
import { startChunkWorker } from "../../scale/worker.ts";
import { loadSpec } from "../../spec/parse.ts";
import { parseCommandArgs, positiveInt } from "../args.ts";

export const workerHelp = `rewardsmith worker --queue <redis-url> --spec <file> [options]

Score the chunk jobs of 'rewardsmith score --queue' runs that use the same spec file (same
bytes): start any number of workers on any machines that reach the Redis server. A worker
that dies (even SIGKILL) loses its chunk to another worker once its lock expires; the output
still gets exactly one line per input line. Runs until SIGTERM or SIGINT, then finishes the
chunks in hand. See docs/scale.md.

Options:
  --queue <redis-url>   the Redis server, e.g. redis://127.0.0.1:6379/0    (required)
  --spec <file>         reward spec (YAML or JSON), the coordinator's file (required)
  --concurrency <n>     chunks scored at the same time by this process   (default 1)
  --lock-duration <ms>  a chunk's lock without renewal; a dead worker's
                        chunk is taken over after about twice this       (default 30000)
  --metrics-port <n>    serve the queue's job counts for Prometheus at /metrics
                        (the queue-depth metric of the autoscaler; 0: any free port)
  --no-cache            judges neither read nor write their reply cache
  --unsafe-no-sandbox   run programs of \`code\` rewards WITHOUT the bubblewrap sandbox
  --quiet               no log lines on stderr

Exit status: 0 stopped by a signal; 2 usage or spec error; 1 the queue could not be reached.`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    queue: { type: "string" },
    spec: { type: "string" },
    concurrency: { type: "string" },
    "lock-duration": { type: "string" },
    "metrics-port": { type: "string" },
    "no-cache": { type: "boolean" },
    "unsafe-no-sandbox": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(workerHelp + "\n");
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (!values.queue) throw new UsageError("missing --queue <redis-url>");
  if (!values.spec) throw new UsageError("missing --spec <file>");
  const lockDurationMs = positiveInt(values["lock-duration"], "--lock-duration");
  let metricsPort: number | undefined;
  if (values["metrics-port"] !== undefined) {
    metricsPort = Number(values["metrics-port"]);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) throw new UsageError(`--metrics-port expects a port number, found ${JSON.stringify(values["metrics-port"])}`);
  }
  const spec = loadSpec(values.spec);
  const flags = { noCache: values["no-cache"] === true, unsafeNoSandbox: values["unsafe-no-sandbox"] === true };
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`rewardsmith worker ${process.pid}: ${line}\n`);
  if (flags.unsafeNoSandbox) process.stderr.write("rewardsmith worker: --unsafe-no-sandbox: model-written programs run on this machine without isolation\n");
  const worker = await startChunkWorker({
    queueUrl: values.queue,
    specPath: values.spec,
    spec,
    flags,
    concurrency: positiveInt(values.concurrency, "--concurrency"),
    lockDurationMs,
    metricsPort,
    log,
  });
  log?.(`ready: queue ${worker.queue}${worker.metricsUrl ? `, metrics at ${worker.metricsUrl}` : ""}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  log?.("stopping: finishing the chunks in hand");
  await worker.close();
  log?.(`stopped after ${worker.processed} chunks`);
  return 0;
}
