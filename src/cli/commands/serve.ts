import cluster from "node:cluster";
import { UsageError } from "../../core/errors.ts";
import { loadSpec } from "../../spec/parse.ts";
import { runPrimary } from "../../server/cluster.ts";
import { DEFAULT_SERVER_OPTIONS as D, type ServerOptions } from "../../server/options.ts";
import { type RunningServer, serveUntilSignal, startServer } from "../../server/serve.ts";
import { Scorer } from "../../pipeline/scorer.ts";
import { nonNegativeInt, parseCommandArgs, positiveInt } from "../args.ts";
import { generatorFrom } from "./search.ts";

export const serveHelp = `rewardsmith serve --spec <file> [options]

Serve a reward spec over HTTP for RL trainers: POST /v1/score, POST /get_reward (OpenRLHF),
POST /v1/search (with --generator),
GET /health, /ready, /metrics. Prints "listening on <url>" on stderr once it accepts requests;
logs are JSON lines (pino) on stdout. SIGTERM/SIGINT: stop accepting, answer every accepted
request, exit 0.

Options:
  --spec <file>            reward spec (YAML or JSON)                           (required)
  --host <addr>            address to bind                                      (default ${D.host})
  --port <n>               port; 0 picks a free one                             (default ${D.port})
  --token-env <name>       environment variable holding the bearer token for the
                           scoring endpoints; auth is off when it is unset      (default REWARDSMITH_TOKEN)
  --workers <n>            server processes sharing the port (node:cluster)     (default 1)
  --concurrency <n>        requests scored at once per process                  (default ${D.concurrency})
  --max-queue <n>          requests waiting per process before 429              (default ${D.maxQueue})
  --timeout-ms <n>         per-request budget; later records come back as error (default ${D.timeoutMs})
  --body-limit <bytes>     largest request body (413 above)                     (default ${D.bodyLimit})
  --max-records <n>        most records per request (413 above)                 (default ${D.maxRecords})
  --chunk-size <n>         records scored between yields to other requests      (default ${D.chunkSize})
  --shutdown-timeout-ms <n> longest graceful shutdown                           (default ${D.shutdownTimeoutMs})
  --drain-ms <n>           after SIGTERM, keep serving this long with /ready
                           answering 503 (a load balancer takes the replica out
                           first; see docs/scale.md)                             (default 0)
  --log-level <level>      fatal, error, warn, info, debug, trace, silent       (default ${D.logLevel})
  --log-records            also log records and results (completions included)
  --generator <url|file>   serve POST /v1/search: sample from this OpenAI-compatible server
                           (the spec is the outcome reward; see docs/search.md)
  --model <name>           model name sent to the generator
  --mode <m>               generator mode: auto, chat or completions             (default auto)
  --step-spec <file>       step scorer for beam, dvts and particle_filter searches`;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    spec: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "token-env": { type: "string" },
    workers: { type: "string" },
    concurrency: { type: "string" },
    "max-queue": { type: "string" },
    "timeout-ms": { type: "string" },
    "body-limit": { type: "string" },
    "max-records": { type: "string" },
    "chunk-size": { type: "string" },
    "shutdown-timeout-ms": { type: "string" },
    "drain-ms": { type: "string" },
    "log-level": { type: "string" },
    "log-records": { type: "boolean" },
    generator: { type: "string" },
    model: { type: "string" },
    mode: { type: "string" },
    "step-spec": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(serveHelp + "\n");
    return 0;
  }
  if (!values.spec) throw new UsageError("missing --spec <file>");
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const logLevel = values["log-level"] ?? D.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level expects one of ${LOG_LEVELS.join(", ")}, found ${JSON.stringify(logLevel)}`);
  const tokenEnv = values["token-env"] ?? "REWARDSMITH_TOKEN";
  const token = process.env[tokenEnv] || undefined;
  const options: ServerOptions = {
    host: values.host ?? D.host,
    port: port(values.port) ?? D.port,
    token,
    bodyLimit: positiveInt(values["body-limit"], "--body-limit") ?? D.bodyLimit,
    maxRecords: positiveInt(values["max-records"], "--max-records") ?? D.maxRecords,
    timeoutMs: positiveInt(values["timeout-ms"], "--timeout-ms") ?? D.timeoutMs,
    concurrency: positiveInt(values.concurrency, "--concurrency") ?? D.concurrency,
    maxQueue: nonNegativeInt(values["max-queue"], "--max-queue") ?? D.maxQueue,
    chunkSize: positiveInt(values["chunk-size"], "--chunk-size") ?? D.chunkSize,
    logLevel,
    logRecords: values["log-records"] ?? false,
    shutdownTimeoutMs: positiveInt(values["shutdown-timeout-ms"], "--shutdown-timeout-ms") ?? D.shutdownTimeoutMs,
    drainMs: nonNegativeInt(values["drain-ms"], "--drain-ms") ?? 0,
  };
  const workers = positiveInt(values.workers, "--workers") ?? 1;
  const spec = loadSpec(values.spec);
  if (!values.generator && (values.model || values.mode || values["step-spec"])) throw new UsageError("--model, --mode and --step-spec configure searches: they need --generator");
  const search = values.generator
    ? { generator: generatorFrom(values.generator, { model: values.model, mode: values.mode }), stepSpec: values["step-spec"] ? loadSpec(values["step-spec"]) : undefined }
    : undefined;
  const auth = token ? `bearer token from $${tokenEnv}` : `no auth ($${tokenEnv} is unset)`;
  const announce = (url: string) =>
    process.stderr.write(`rewardsmith serve: listening on ${url} (spec ${values.spec}, ${workers} worker${workers > 1 ? "s" : ""}, ${auth})\n`);

  if (workers > 1 && cluster.isPrimary) {
    // Build the rewards once here, so a spec that cannot be served fails with one message (exit 2)
    // instead of in every worker.
    await new Scorer(spec).close();
    const status = await runPrimary({
      workers,
      // Each worker drains (its /ready answers 503) before its graceful shutdown starts.
      shutdownTimeoutMs: options.shutdownTimeoutMs + (options.drainMs ?? 0),
      onListening: ({ port }) => announce(`http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`),
      log: (message) => process.stderr.write(`rewardsmith serve: ${message}\n`),
    });
    return status;
  }
  let server: RunningServer;
  try {
    server = await startServer(spec, options, { workers, clusterWorker: cluster.isWorker, search });
  } catch (err) {
    // The IPC channel to the primary would keep a worker alive after main reports the error.
    if (cluster.isWorker) cluster.worker?.disconnect();
    throw err;
  }
  if (cluster.isPrimary) announce(server.url);
  const status = await serveUntilSignal(server, options);
  // Leave once the requests are answered: a cluster worker keeps an IPC channel open, and work a
  // request gave up on at its timeout (a slow judge call still retrying) would keep the process alive.
  process.exit(status);
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port expects 0..65535, found ${JSON.stringify(value)}`);
  return n;
}
