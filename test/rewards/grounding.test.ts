import assert from "node:assert/strict";
import { test } from "node:test";
import type { RewardResult, Sample } from "../../src/core/types.ts";
import { boxSizeReward, gaussianCoverage, gaussianPoint, iou } from "../../src/rewards/grounding/geometry.ts";
import { parsePrediction } from "../../src/rewards/grounding/parse.ts";
import { groundingReward } from "../../src/rewards/grounding/index.ts";

const close = (actual: number | null | undefined, expected: number, eps = 1e-6) =>
  assert.ok(typeof actual === "number" && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

function score(options: Record<string, unknown>, samples: Sample[]): RewardResult[] {
  const o = groundingReward.options.parse(options);
  return groundingReward.create(o, { name: "g", specDir: ".", type: "grounding" }).score(samples) as RewardResult[];
}

const TARGET = { bbox: [0, 0, 100, 50], image_size: [1000, 500] };

test("parsing points and boxes from text and JSON", () => {
  assert.deepEqual(parsePrediction("click (50, 25)"), { kind: "point", point: [50, 25] });
  assert.deepEqual(parsePrediction("[10, 20, 30.5, 40]"), { kind: "box", box: [10, 20, 30.5, 40] });
  assert.deepEqual(parsePrediction("<|box_start|>(10,20),(30,40)<|box_end|>"), { kind: "box", box: [10, 20, 30, 40] });
  assert.deepEqual(parsePrediction('```json\n[{"bbox_2d": [1, 2, 3, 4], "label": "ok"}]\n```'), { kind: "box", box: [1, 2, 3, 4] });
  assert.deepEqual(parsePrediction('{"point_2d": [7, 8]}'), { kind: "point", point: [7, 8] });
  assert.deepEqual(parsePrediction('{"x": 5, "y": 6}'), { kind: "point", point: [5, 6] });
  assert.equal(parsePrediction("somewhere at the top").kind, "none");
  assert.match((parsePrediction("[1, 2, 3]") as { reason: string }).reason, /expected 2 or 4 coordinates, found 3/);
  assert.match((parsePrediction("[30, 40, 10, 20]") as { reason: string }).reason, /not a box/);
  assert.match((parsePrediction("(1e400, 5)") as { reason: string }).reason, /not a finite number/);
});

test("geometry: IoU, Gaussian point, Gaussian coverage, box size (hand-computed)", () => {
  const t = [0, 0, 100, 50] as const;
  close(iou([50, 0, 150, 50], t), 2500 / 7500);
  assert.equal(iou([200, 200, 300, 300], t), 0);
  close(gaussianPoint([50, 25], t, 0.5), 1);
  close(gaussianPoint([100, 25], t, 0.5), Math.exp(-0.5)); // Δx = σx = 50
  close(gaussianCoverage(t, t, 0.5), 1);
  close(gaussianCoverage([50, 0, 150, 50], t, 0.5), Math.exp(-1 / 8)); // same σ, Δx = σx
  // double-size box: σp = (100, 50), σg = (50, 25), σ̄² = (6250, 1562.5), Δ = (50, 25)
  // D = (2500/6250 + 625/1562.5)/8 + ln 1.25 = 0.1 + ln 1.25
  close(gaussianCoverage([0, 0, 200, 100], t, 0.5), 0.8 * Math.exp(-0.1));
  // An absurd box overflows σ² and Δμ² to ∞ (∞/∞ = NaN); its coefficient is ~exp(−ln(σp/σg)) ≈ 0.
  assert.equal(gaussianCoverage([0, 0, 1e300, 1e300], t, 0.5), 0);
  assert.equal(gaussianCoverage([0, 0, 1e160, 1e160], t, 0.5), 0);
  close(boxSizeReward(t, t, 1000, 500), 1);
  close(boxSizeReward([50, 0, 150, 50], t, 1000, 500), 4 / (2 / 0.95 + 2));
  assert.equal(boxSizeReward([0, 0, 1100, 50], t, 1000, 500), 0);
});

test("grounding reward: hit, iou and weighted GUI-G² / GUI-G1 mixes", () => {
  const samples: Sample[] = [
    { completion: "(50, 25)", reference: TARGET },
    { completion: "[50, 0, 150, 50]", reference: TARGET },
    { completion: "(150, 25)", reference: [0, 0, 100, 50] },
  ];
  assert.deepEqual(score({}, samples).map((r) => r.reward), [1, 1, 0]);
  const io = score({ metric: "iou" }, samples);
  assert.deepEqual(io[0], { reward: 0, status: "ok", reason: "predicted a point; iou needs a box" });
  close(io[1].reward, 1 / 3);
  const g2 = score({ metric: { gaussian_point: 1, gaussian_coverage: 1 } }, samples);
  close(g2[1].reward, Math.exp(-0.5) + Math.exp(-1 / 8));
  close(g2[1].components?.gaussian_coverage.reward, Math.exp(-1 / 8));
  const g1 = score({ metric: { hit: 1, iou: 0.25, box_size: 0.125 } }, samples.slice(0, 2));
  close(g1[1].reward, 1 + 0.25 / 3 + 0.125 * (4 / (2 / 0.95 + 2)));
});

test("grounding reward: relative coordinates are mapped with the image size", () => {
  const r = score({ pred_scale: 1000, metric: "gaussian_point" }, [{ completion: "(50, 50)", reference: TARGET }]);
  close(r[0].reward, 1); // (50/1000·1000, 50/1000·500) = (50, 25), the centre
  // Scaled by 1000 (image 1000 wide, pred_scale 1), ±1e306 overflows to ±∞: the centre would be NaN.
  const huge = score({ pred_scale: 1, metric: "gaussian_point" }, [{ completion: "[-1e306, -1e306, 1e306, 1e306]", reference: TARGET }]);
  assert.deepEqual(huge[0], { reward: 0, status: "ok", reason: "a coordinate is not a finite number" });
});

test("grounding reward: malformed predictions score 0 with a reason; bad references are unscorable", () => {
  const r = score({}, [
    { completion: "I would click the button", reference: TARGET },
    { completion: "[1, 2, 3]", reference: TARGET },
    { completion: "(5, 5)", reference: [10, 10, 10, 20] },
    { completion: "(5, 5)", reference: "the OK button" },
  ]);
  assert.deepEqual(r[0], { reward: 0, status: "ok", reason: "no point or box found" });
  assert.equal(r[1].reward, 0);
  assert.equal(r[2].status, "unscorable");
  assert.match(r[2].reason!, /no area/);
  assert.equal(r[3].status, "unscorable");
  const needSize = score({ metric: "box_size" }, [{ completion: "[0, 0, 1, 1]", reference: [0, 0, 100, 50] }]);
  assert.equal(needSize[0].status, "unscorable");
  assert.match(needSize[0].reason!, /image_size/);
});
