import { codeReward } from "../../../src/rewards/code/index.ts";
import { pythonRunner } from "../../../src/rewards/code/languages/python.ts";
import { javascriptRunner } from "../../../src/rewards/code/languages/javascript.ts";
import { probeSandbox } from "../../../src/rewards/code/bwrap.ts";
import type { RewardResult, Sample } from "../../../src/core/types.ts";

/** Why sandboxed tests cannot run on this machine (they are then skipped with this message), or false. */
export function sandboxUnavailable(language: "python" | "javascript" = "python"): string | false {
  const problem = probeSandbox(language === "python" ? pythonRunner("/usr/bin/python3") : javascriptRunner());
  return problem ? `bubblewrap cannot run here: ${problem}` : false;
}

/** Score samples with a code reward built from these options (defaults: fast limits for tests). */
export async function scoreCode(samples: Sample[], options: Record<string, unknown> = {}): Promise<RewardResult[]> {
  const o = codeReward.options.parse({ timeout_s: 1, ...options });
  const reward = codeReward.create(o, { name: "code", specDir: ".", type: "code" });
  return reward.score(samples);
}

export function python(code: string): string {
  return "Here is my solution:\n```python\n" + code + "\n```\n";
}

export function javascript(code: string): string {
  return "```javascript\n" + code + "\n```";
}

export function outcomes(r: RewardResult): string[] {
  return Object.values(r.components ?? {}).map((c) => String(c.outcome));
}

/** A correct program for the addition reference below; scored after a hostile one to show the batch goes on. */
export const GOOD: Sample = {
  id: "good",
  completion: python("a, b = map(int, input().split())\nprint(a + b)"),
  reference: { tests: [{ stdin: "1 2\n", stdout: "3\n" }, { stdin: "5 5\n", stdout: "10\n" }] },
};
