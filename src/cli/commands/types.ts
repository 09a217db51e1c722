import { defaultRegistry } from "../../rewards/index.ts";
import { parseCommandArgs } from "../args.ts";

export const typesHelp = `rewardsmith types

List the reward types a spec can use.`;

export async function typesCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { help: { type: "boolean", short: "h" } }, false);
  if (values.help) {
    process.stdout.write(typesHelp + "\n");
    return 0;
  }
  const lines = defaultRegistry.names().map((n) => `  ${n.padEnd(12)} ${defaultRegistry.get(n)!.description}`);
  process.stdout.write(`reward types:\n${lines.join("\n")}\n`);
  return 0;
}
