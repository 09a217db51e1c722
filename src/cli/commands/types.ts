import { formatRewardType, registrySchemas } from "../../core/docs.ts";
import { UsageError } from "../../core/errors.ts";
import { defaultRegistry } from "../../rewards/index.ts";
import { parseCommandArgs } from "../args.ts";

export const typesHelp = `rewardsmith types
rewardsmith types <name> [--json]

List the reward types a spec can use, and document their options (generated from their schemas).
  rewardsmith types            one line per type
  rewardsmith types <name>     the type's page: every option with its type, default and description
  rewardsmith types --json     every type's description and options as JSON Schema
                               (with <name>: only that type)`;

export async function typesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { help: { type: "boolean", short: "h" }, json: { type: "boolean" } });
  if (values.help) {
    process.stdout.write(typesHelp + "\n");
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one type name, found ${positionals.length}: ${positionals.join(" ")}`);
  const name = positionals[0];
  if (name !== undefined && !defaultRegistry.get(name)) throw new UsageError(`unknown reward type "${name}" (known: ${defaultRegistry.names().join(", ")})`);
  if (values.json) {
    const all = registrySchemas(defaultRegistry);
    process.stdout.write(JSON.stringify(name === undefined ? all : { [name]: all[name] }, null, 2) + "\n");
  } else if (name !== undefined) {
    process.stdout.write(formatRewardType(defaultRegistry.get(name)!));
  } else {
    const lines = defaultRegistry.names().map((n) => `  ${n.padEnd(12)} ${defaultRegistry.get(n)!.description}`);
    process.stdout.write(`reward types:\n${lines.join("\n")}\n\nrewardsmith types <name> shows a type's options.\n`);
  }
  return 0;
}
