import { readFileSync } from "node:fs";
import { RewardsmithError, SpecError, UsageError } from "../core/errors.ts";
import { StreamIoError } from "../pipeline/stream.ts";
import { auditJudgeCommand, auditJudgeHelp } from "./commands/audit-judge.ts";
import { evalCommand, evalHelp } from "./commands/eval.ts";
import { scoreCommand, scoreHelp } from "./commands/score.ts";
import { searchCommand, searchHelp } from "./commands/search.ts";
import { serveCommand, serveHelp } from "./commands/serve.ts";
import { typesCommand, typesHelp } from "./commands/types.ts";
import { validateCommand, validateHelp } from "./commands/validate.ts";
import { reportCommand, reportHelp } from "./commands/report.ts";
import { runsCommand, runsHelp } from "./commands/runs.ts";
import { viewCommand, viewHelp } from "./commands/view.ts";
import { workerCommand, workerHelp } from "./commands/worker.ts";

interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  score: { summary: "score a JSONL file with a reward spec", help: scoreHelp, run: scoreCommand },
  validate: { summary: "check a spec without scoring", help: validateHelp, run: validateCommand },
  types: { summary: "list the reward types", help: typesHelp, run: typesCommand },
  "audit-judge": { summary: "measure a judge's false positives on master-key probes", help: auditJudgeHelp, run: auditJudgeCommand },
  search: { summary: "best-of-n, votes, beam, DVTS, particle filtering over an OpenAI-compatible generator", help: searchHelp, run: searchCommand },
  serve: { summary: "serve a spec over HTTP for RL trainers (verl, OpenRLHF, TRL)", help: serveHelp, run: serveCommand },
  runs: { summary: "list the recorded runs", help: runsHelp, run: runsCommand },
  view: { summary: "open the dashboard over recorded runs or results files", help: viewHelp, run: viewCommand },
  report: { summary: "write a self-contained HTML report of a results file", help: reportHelp, run: reportCommand },
  eval: { summary: "evaluate a reward on RewardBench/RM-Bench/JudgeBench/ProcessBench-style data", help: evalHelp, run: evalCommand },
  worker: { summary: "score chunk jobs of queued runs (score --queue) from Redis", help: workerHelp, run: workerCommand },
};

function usage(): string {
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `rewardsmith: reward signals for LLM post-training and inference-time scaling

Usage: rewardsmith <command> [options]

Commands:
${list.join("\n")}

Run 'rewardsmith <command> --help' for a command's options.
Example: rewardsmith score --spec examples/exact.yaml examples/exact.jsonl`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Run the CLI; returns the exit status (0 done, 1 I/O failure, 2 usage or spec error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write((topic ? topic.help : usage()) + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`rewardsmith: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`rewardsmith ${name}: ${err.message}\nRun 'rewardsmith ${name} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof SpecError) {
      process.stderr.write(`rewardsmith ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof StreamIoError) {
      process.stderr.write(`rewardsmith ${name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof RewardsmithError) {
      process.stderr.write(`rewardsmith ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`rewardsmith ${name}: unexpected failure: ${(err as Error)?.stack ?? err}\n`);
    return 1;
  }
}
