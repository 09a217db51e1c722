import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { ROOT, runCli, tempDir } from "../helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(ROOT, "test-output", "screenshots");
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium; .ci/run does)`;
const FX = join(ROOT, "test", "eval", "fixtures");

let browser: Browser;
before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(() => browser?.close());

async function open(file: string, ...extra: string[]) {
  const out = tempDir("rewardsmith-eval-report-");
  const r = await runCli(["eval", "--spec", join(FX, "length-target.yaml"), join(FX, file), "-o", out, "--quiet", ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (req) => !req.url().startsWith("file:") && !req.url().startsWith("data:") && requests.push(req.url()));
  await page.goto(pathToFileURL(join(out, "report.html")).href);
  await page.waitForSelector("#subset-chart svg");
  return { page, errors, requests };
}

test("report.html (pointwise): subset bars, length scatter and reliability curve render offline without console errors", { skip }, async () => {
  const { page, errors, requests } = await open("pointwise.jsonl");
  assert.ok((await page.$$("#subset-chart svg rect")).length >= 2, "a bar per subset");
  assert.ok((await page.$$("#length-scatter svg circle")).length >= 20, "a dot per candidate");
  assert.ok((await page.$$("#reliability svg circle")).length >= 2, "reliability points");
  assert.equal(await page.textContent("#headline"), "0.7000");
  assert.ok((await page.$$("#failures .failure")).length > 0, "failure examples");
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [], "the report fetches nothing");
  await page.close();
});

test("report.html (pairwise, with --compare) and (processbench): sections, agreement and the threshold sweep render", { skip }, async () => {
  const a = await open("pairwise.jsonl", "--compare", join(FX, "length-target.yaml"));
  assert.ok((await a.page.$$("#subsets tbody tr")).length === 6);
  assert.match((await a.page.textContent("body")) ?? "", /RewardBench sections[\s\S]*Chat Hard/);
  assert.match((await a.page.textContent("body")) ?? "", /starc_distance/);
  await a.page.screenshot({ path: join(SHOTS, "eval-pairwise.png"), fullPage: true });
  assert.deepEqual(a.errors, []);
  await a.page.close();
  const b = await open("processbench.jsonl", "--step-scores", "prefix");
  await b.page.waitForSelector('#sweep svg g[aria-label="line"] path', { state: "attached" });
  assert.deepEqual(b.errors, []);
  await b.page.close();
});
