import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildReport } from "../../src/index.ts";
import { ROOT } from "../helpers.ts";
import { type Fixture, recordedRuns, startView } from "./fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Screenshots the tests take (git-ignored). */
const SHOTS = join(ROOT, "test-output", "screenshots");
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium; .ci/run does)`;

let fx: Fixture;
let view: Awaited<ReturnType<typeof startView>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  fx = await recordedRuns();
  view = await startView([], { cwd: fx.dir, env: fx.env });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await view?.stop();
  await fx?.judge.close();
});

/** Fill the record table's filter and submit it; resolves once the table counts `total` records. */
async function filterRecords(p: Page, f: { component: string; max: string; q: string }, total: number): Promise<void> {
  await p.selectOption("#filter select[name=component]", f.component);
  await p.fill("#filter input[name=max]", f.max);
  await p.fill("#filter input[name=q]", f.q);
  await p.click("#filter button[type=submit]");
  await p.waitForFunction(`document.querySelector("#record-count")?.getAttribute("data-total") === "${total}"`);
}

test("dashboard: runs, histogram, filtered table, a record's segments, a comparison; no console errors", { skip }, async () => {
  await page.goto(view.url);
  await page.waitForSelector("#runs");
  assert.deepEqual(await page.$$eval("#runs tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent)), ["run-b", "run-a"]);

  // Run 1 (run-a): the histogram is an SVG with bars.
  await page.goto(`${view.url}#/run/1`);
  await page.waitForSelector("#histogram svg rect");
  assert.ok((await page.$$("#histogram svg rect")).length > 1);
  await page.waitForSelector("#records tbody tr");
  assert.equal(await page.getAttribute("#record-count", "data-total"), "60");
  await page.screenshot({ path: join(SHOTS, "run.png"), fullPage: true });

  // Filter: the regex component failed (no digits after "answer is") on every fifth record.
  await filterRecords(page, { component: "answer", max: "0", q: "" }, 12);
  // Text search over the records (the completion says "wrong" on every third record).
  await filterRecords(page, { component: "", max: "", q: "WRONG" }, 20);

  // A record with error spans: highlighted in the completion, the overlap darker.
  await page.click("#records tbody tr:first-child a");
  await page.waitForSelector("mark.seg");
  const marks = await page.$$eval("mark.seg", (ms) => ms.map((m) => [m.textContent, m.getAttribute("data-overlap")]));
  assert.deepEqual(marks, [["This step is ", "1"], ["wrong", "2"], [".", "1"]]);
  assert.ok(await page.$("#components"), "each component with its reason");
  assert.ok(await page.$(".steps svg"), "the sentence-level step rewards as a bar strip");
  await page.screenshot({ path: join(SHOTS, "record.png"), fullPage: true });
  // A record without spans: chat prompt and the completion's code block rendered as such.
  await page.goto(`${view.url}#/run/1/record/1`);
  await page.waitForSelector("pre.code code");
  assert.equal(await page.textContent(".chat .msg .role"), "user");

  // Compare run 1 (old) with run 2 (new): the stricter regex fails the odd answers.
  await page.goto(view.url);
  await page.waitForSelector("#compare-form");
  await page.selectOption("#compare-form select[name=a]", "1");
  await page.selectOption("#compare-form select[name=b]", "2");
  await page.click("#compare-form button");
  await page.waitForSelector("#changed-count");
  const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 5 !== 0 && (i + 1) % 2 === 1).length;
  assert.equal(await page.textContent("#changed-count"), String(expected));
  await page.waitForSelector("#compare-records tbody tr");
  await page.check("#different-only");
  await page.waitForFunction(`document.querySelector("#compare-records")?.closest(".card")?.querySelector("p.muted")?.getAttribute("data-total") === "${expected}"`);
  assert.ok(await page.$("#paired-stats"));
  await page.screenshot({ path: join(SHOTS, "compare.png"), fullPage: true });

  assert.deepEqual(consoleErrors, []);
});

test("a static report opens from disk with no network: histogram, records, comparison", { skip }, async () => {
  const html = await buildReport({ results: join(fx.dir, "a.out.jsonl"), input: join(fx.dir, "in.jsonl"), compare: join(fx.dir, "b.out.jsonl"), compareInput: join(fx.dir, "in.jsonl"), sample: 20 });
  const file = join(fx.dir, "lib-report.html");
  writeFileSync(file, html);
  const offline = await browser.newPage();
  const requests: string[] = [];
  offline.on("request", (r) => requests.push(r.url()));
  const errors: string[] = [];
  offline.on("pageerror", (e) => errors.push(e.message));
  await offline.route((url) => url.protocol !== "file:" && url.protocol !== "data:", (route) => route.abort());
  await offline.goto(pathToFileURL(file).href);
  await offline.waitForSelector("#changed-count");
  const changed = await offline.textContent("#changed-count");
  await offline.goto(`${pathToFileURL(file).href}#/run/1`);
  await offline.waitForSelector("#histogram svg rect");
  await offline.waitForSelector("#records tbody tr");
  // 20 evenly spaced records, plus those the comparison's differing rows link to.
  const m = /^(\d+) matching records \(in this report's sample of (\d+) of 60 records\)$/.exec((await offline.textContent("#record-count"))!);
  assert.ok(m && m[1] === m[2] && Number(m[1]) > 20, String(m));
  // The sample filters as the server filters a run: a component's reward range, text in any case.
  const sampled = await offline.$eval("#rewardsmith-data", (el) => (JSON.parse(el.textContent!) as { records: Record<string, { rows: Array<{ idx: number }> }> }).records["1"].rows.map((r) => r.idx));
  await filterRecords(offline, { component: "answer", max: "0", q: "" }, sampled.filter((i) => i % 5 === 0).length);
  await filterRecords(offline, { component: "", max: "", q: "WRONG" }, sampled.filter((i) => i % 3 === 0).length);
  await offline.click("#records tbody tr:first-child a");
  await offline.waitForSelector("mark.seg");
  assert.ok(Number(changed) > 0);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")), []);
  assert.deepEqual(errors, []);
  await offline.close();
});
