import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { judgeRewardType } from "../../../src/rewards/judge/index.ts";
import { imageParts } from "../../../src/rewards/shared/images.ts";
import { startFakeJudgeServer } from "../../../src/testing/judge-server.ts";
import { tempDir } from "../../helpers.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
const o = (extra: Record<string, unknown> = {}) => ({ field: "images", max_bytes: 1000, ...extra });

test("images: URLs and data URIs pass as they are; files are read into data URIs; limits and bad values are unscorable reasons", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "shot.png"), PNG);
  writeFileSync(join(dir, "big.jpg"), Buffer.alloc(2000));
  const parts = imageParts({ completion: "", meta: { images: ["https://example.org/a.png", "data:image/png;base64,AAAA", "shot.png"] } }, o({ detail: "low" }), dir);
  assert.ok(Array.isArray(parts));
  assert.deepEqual(parts.map((p) => p.image_url.url.slice(0, 30)), ["https://example.org/a.png", "data:image/png;base64,AAAA", `data:image/png;base64,${PNG.toString("base64").slice(0, 8)}`]);
  assert.equal(parts[2].image_url.url, `data:image/png;base64,${PNG.toString("base64")}`);
  assert.equal(parts[0].image_url.detail, "low");
  assert.deepEqual(imageParts({ completion: "" }, o(), dir), []);
  assert.match(String(imageParts({ completion: "", meta: { images: "big.jpg" } }, o(), dir)), /is 2000 bytes, more than max_bytes 1000/);
  assert.match(String(imageParts({ completion: "", meta: { images: "missing.png" } }, o(), dir)), /cannot read .*missing\.png: ENOENT/);
  assert.match(String(imageParts({ completion: "", meta: { images: "notes.txt" } }, o(), dir)), /not a \.png/);
  assert.match(String(imageParts({ completion: "", meta: { images: "ftp://host/x.png" } }, o(), dir)), /ftp: URLs are not fetched/);
  assert.match(String(imageParts({ completion: "", meta: { images: [1] } }, o(), dir)), /images\[0\] is not an image/);
  assert.match(String(imageParts({ completion: "", meta: { images: `data:image/png;base64,${"A".repeat(2000)}` } }, o(), dir)), /larger than max_bytes/);
});

test("judge with images: the user message carries image_url parts after the text; a record without images is sent as text", async () => {
  const seen: string[] = [];
  const server = await startFakeJudgeServer({ judge: (req) => (seen.push(req.user), { reason: "ok", score: 7 }) });
  const dir = tempDir();
  writeFileSync(join(dir, "shot.png"), PNG);
  try {
    const options = judgeRewardType.options.parse({ mode: "pointwise", base_url: server.url, model: "vlm", cache: false, retries: 0, images: { field: "screenshot" } });
    const reward = judgeRewardType.create(options, { name: "j", specDir: dir, type: "judge" });
    const results = await reward.score([
      { prompt: "Click the OK button", completion: "I clicked OK.", meta: { screenshot: "shot.png" } },
      { prompt: "Click the OK button", completion: "I clicked Cancel." },
      { prompt: "Click the OK button", completion: "I clicked OK.", meta: { screenshot: "gone.png" } },
    ]);
    assert.deepEqual(results.map((r) => r.status), ["ok", "ok", "unscorable"]);
    assert.match(results[2].reason!, /screenshot: cannot read/);
    assert.equal(server.requests.length, 2);
    const content = server.requests[0].messages[1].content as unknown as Array<{ type: string; text?: string; image_url?: { url: string } }>;
    assert.ok(Array.isArray(content));
    assert.equal(content[0].type, "text");
    assert.match(content[0].text!, /I clicked OK/);
    assert.deepEqual(content.slice(1), [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG.toString("base64")}` } }]);
    assert.equal(typeof server.requests[1].messages[1].content, "string");
    assert.match(seen[0], /I clicked OK/, "the fake judge reads the text part");
    await reward.close?.();
    assert.equal(judgeRewardType.options.safeParse({ mode: "pairwise", base_url: server.url, model: "m", images: {} }).success, false);
  } finally {
    await server.close();
  }
});
