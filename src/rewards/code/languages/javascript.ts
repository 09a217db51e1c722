import { harnessFile, type LanguageRunner } from "./runner.ts";

/** JavaScript on the Node running rewardsmith (process.execPath), bound read-only into the sandbox. */
export function javascriptRunner(node: string = process.execPath): LanguageRunner {
  const harness = harnessFile("javascript_harness.cjs");
  return {
    language: "javascript",
    fenceTags: ["javascript", "js", "node", "nodejs"],
    harnessFile: harness,
    harnessPath: "/rs/harness.cjs",
    binds: [{ host: node, sandbox: "/rs/bin/node" }],
    sandboxCommand: ["/rs/bin/node", "/rs/harness.cjs"],
    hostCommand: [node, harness],
    harnessIsInit: false,
  };
}
