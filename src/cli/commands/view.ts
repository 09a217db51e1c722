import { UsageError } from "../../core/errors.ts";
import { recordRun, RunStore, storeDir } from "../../store/index.ts";
import { buildViewApp } from "../../view/app.ts";
import { parseCommandArgs } from "../args.ts";

export const viewHelp = `rewardsmith view [results.jsonl ...] [options]

Start the dashboard: runs, reward distributions per component, groups, judge usage, a record
table with filters, each record with its reasons, steps and segments, and run-vs-run comparison.
Without files it shows the run store; with files it shows those results (not recorded).

Options:
  --input <file>       the input a results file was scored from (repeat, in the files' order)
  --store <dir>        the run store's folder       (default $REWARDSMITH_STORE or .rewardsmith)
  --host <addr>        address to bind              (default 127.0.0.1)
  --port <n>           port (0: any free one)       (default 8080)
  --token-env <name>   environment variable holding a bearer token required on every request
                       (default REWARDSMITH_TOKEN; unset: no auth). Open the printed URL once:
                       it carries the token and sets a cookie.

Stops on Ctrl-C (SIGINT) or SIGTERM.`;

export async function viewCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    input: { type: "string", multiple: true },
    store: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "token-env": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(viewHelp + "\n");
    return 0;
  }
  const inputs = values.input ?? [];
  if (inputs.length > positionals.length) throw new UsageError(`${inputs.length} --input files for ${positionals.length} results files`);
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port expects 0..65535, found ${JSON.stringify(values.port)}`);
  const tokenEnv = values["token-env"] ?? "REWARDSMITH_TOKEN";
  const token = process.env[tokenEnv] || undefined;

  const store = new RunStore(positionals.length > 0 ? ":memory:" : storeDir(values.store));
  for (let i = 0; i < positionals.length; i++) {
    try {
      await recordRun(store, { outputPath: positionals[i], inputPath: inputs[i], source: "view" });
    } catch (err) {
      store.close();
      throw new UsageError(`cannot read ${positionals[i]}: ${(err as Error).message}`);
    }
  }
  const app = buildViewApp(store, { token });
  const host = values.host ?? "127.0.0.1";
  await app.listen({ host, port });
  const address = app.server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actual}/`;
  process.stderr.write(`rewardsmith view: ${url}${token ? `?token=${encodeURIComponent(token)}` : ""} (${positionals.length > 0 ? `${positionals.length} results file${positionals.length > 1 ? "s" : ""}` : `run store ${store.path}`}, ${token ? `bearer token from $${tokenEnv}` : `no auth ($${tokenEnv} is unset)`})\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await app.close();
  store.close();
  return 0;
}
