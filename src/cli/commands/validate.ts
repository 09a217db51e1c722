import { UsageError } from "../../core/errors.ts";
import { loadSpec } from "../../spec/parse.ts";
import { Scorer } from "../../pipeline/scorer.ts";
import { parseCommandArgs } from "../args.ts";

export const validateHelp = `rewardsmith validate --spec <file>

Check a reward spec without scoring anything: prints what it computes, or every problem found
(file, path inside the spec, what was expected and what was found). Exit 0 valid, 2 invalid.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { spec: { type: "string" }, help: { type: "boolean", short: "h" } }, false);
  if (values.help) {
    process.stdout.write(validateHelp + "\n");
    return 0;
  }
  if (!values.spec) throw new UsageError("missing --spec <file>");
  const spec = loadSpec(values.spec);
  await new Scorer(spec).close();
  const rewards = spec.rewards.map((r) => `  ${r.name}: ${r.type} (weight ${r.weight}, on_error ${r.onError}, on_unscorable ${r.onUnscorable})`);
  const c = spec.combine;
  const combine = c.type === "formula" ? `formula ${c.formula}` : c.type === "ensemble" ? `ensemble ${c.method}${c.lambda !== undefined ? ` lambda ${c.lambda}` : ""}${c.alpha !== undefined ? ` alpha ${c.alpha}` : ""}` : c.type;
  const n = spec.normalize;
  const normalize = n ? `normalize: ${n.type}${n.preset ? ` (${n.preset})` : ""}, group by ${n.group_by}, ${n.multi_reward}${n.shaping.length > 0 ? `, shaping ${n.shaping.map((s) => s.type).join(" > ")}` : ""}\n` : "";
  process.stdout.write(`${values.spec}: valid\nrewards:\n${rewards.join("\n")}\ncombine: ${combine}\n${normalize}`);
  return 0;
}
