import { defaultRegistry } from "../../spec/builtins.ts";

export const typesHelp = `rewardsmith types

List the reward types a spec can use.`;

export async function typesCommand(): Promise<number> {
  const lines = defaultRegistry.names().map((n) => `  ${n.padEnd(12)} ${defaultRegistry.get(n)!.description}`);
  process.stdout.write(`reward types:\n${lines.join("\n")}\n`);
  return 0;
}
