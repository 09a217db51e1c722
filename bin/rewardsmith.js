#!/usr/bin/env node
// Node runs our TypeScript sources directly (type stripping), which needs Node >= 22.18 / 24.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `rewardsmith needs Node.js 24 (found ${process.versions.node}). ` +
      "Run it through npm (npx rewardsmith / npm exec) after `npm ci`, which puts the pinned Node 24 first on PATH.\n",
  );
  process.exit(2);
}
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
