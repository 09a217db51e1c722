import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { type ComponentResult, ok, type RewardResult, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { type Box, boxSizeReward, center, gaussianCoverage, gaussianPoint, iou, type Point, pointInBox } from "./geometry.ts";
import { parsePrediction, type Prediction } from "./parse.ts";

const METRICS = ["hit", "iou", "gaussian_point", "gaussian_coverage", "box_size"] as const;
type Metric = (typeof METRICS)[number];

const options = z.strictObject({
  ...answerSourceOptions,
  metric: z
    .union([z.enum(METRICS), z.partialRecord(z.enum(METRICS), z.number()).refine((m) => Object.keys(m).length > 0, "at least one metric")])
    .default("hit")
    .describe("One metric, or a weighted sum of several, e.g. {gaussian_point: 1, gaussian_coverage: 1} (GUI-G²)."),
  alpha: z.number().positive().default(0.5).describe("GUI-G\u00b2's \u03c3 = alpha \u00b7 element size."),
  pred_scale: z.number().positive().optional().describe("Predictions are relative coordinates in 0..pred_scale (e.g. 1000 for Qwen2-VL, 1 for fractions), mapped to pixels with the reference's image_size. Unset: same space as the reference."),
});

interface Target {
  box: Box;
  size?: readonly [number, number];
}

const isFiniteNumbers = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** The reference: [x1, y1, x2, y2], or {bbox (or box): [...], image_size?: [width, height]}. */
function parseTarget(reference: unknown): Target | string {
  let box: unknown = reference;
  let size: unknown;
  if (reference !== null && typeof reference === "object" && !Array.isArray(reference)) {
    const r = reference as Record<string, unknown>;
    box = r.bbox ?? r.box;
    size = r.image_size;
  }
  if (!isFiniteNumbers(box, 4)) return "the reference must be [x1, y1, x2, y2] or {bbox: [x1, y1, x2, y2], image_size?: [w, h]}";
  if (box[2] <= box[0] || box[3] <= box[1]) return `the reference box [${box.join(", ")}] has no area`;
  if (size === undefined) return { box: [box[0], box[1], box[2], box[3]] };
  if (!isFiniteNumbers(size, 2) || size[0] <= 0 || size[1] <= 0) return "image_size must be [width, height] with positive numbers";
  return { box: [box[0], box[1], box[2], box[3]], size: [size[0], size[1]] };
}

function rescale(p: Prediction, scale: number, size: readonly [number, number]): Prediction {
  const sx = size[0] / scale;
  const sy = size[1] / scale;
  if (p.kind === "none") return p;
  const coords = p.kind === "point" ? [p.point[0] * sx, p.point[1] * sy] : [p.box[0] * sx, p.box[1] * sy, p.box[2] * sx, p.box[3] * sy];
  // A finite coordinate can overflow when scaled up; [−∞, …, ∞] would have a NaN centre.
  if (!coords.every(Number.isFinite)) return { kind: "none", reason: "a coordinate is not a finite number" };
  return p.kind === "point" ? { kind: "point", point: [coords[0], coords[1]] } : { kind: "box", box: [coords[0], coords[1], coords[2], coords[3]] };
}

/** One metric's value; a string says why it is 0 (the prediction has the wrong shape). */
function metricValue(m: Metric, p: { point: Point; box?: Box }, t: Target, alpha: number): number | string {
  switch (m) {
    case "hit":
      return pointInBox(p.point, t.box) ? 1 : 0;
    case "gaussian_point":
      return gaussianPoint(p.point, t.box, alpha);
    case "iou":
      return p.box ? iou(p.box, t.box) : "predicted a point; iou needs a box";
    case "gaussian_coverage":
      if (!p.box) return "predicted a point; gaussian_coverage needs a box";
      if (p.box[2] === p.box[0] || p.box[3] === p.box[1]) return "the predicted box has no area";
      return gaussianCoverage(p.box, t.box, alpha);
    case "box_size":
      if (!p.box) return "predicted a point; box_size needs a box";
      return boxSizeReward(p.box, t.box, t.size![0], t.size![1]);
  }
}

export const groundingReward = defineRewardType({
  type: "grounding",
  description: "GUI grounding: predicted point/box vs the reference box (hit, IoU, GUI-G² Gaussian, GUI-G1 box size)",
  options,
  create(o, context) {
    const weights: Array<[Metric, number]> = typeof o.metric === "string" ? [[o.metric, 1]] : (Object.entries(o.metric) as Array<[Metric, number]>);
    const needsSize = weights.some(([m]) => m === "box_size") || o.pred_scale !== undefined;
    return perSample(context, (s): RewardResult => {
      const target = parseTarget(s.reference);
      if (typeof target === "string") return unscorable(target);
      if (needsSize && !target.size) return unscorable("the reference needs image_size [width, height] (box_size metric or pred_scale)");
      const text = answerText(completionText(s.completion), o.from_tag);
      if (text === undefined) return ok(0, noAnswerReason(o.from_tag));
      const parsed = parsePrediction(text);
      const pred = o.pred_scale === undefined ? parsed : rescale(parsed, o.pred_scale, target.size!);
      if (pred.kind === "none") return ok(0, pred.reason);
      const shape = pred.kind === "box" ? { point: center(pred.box), box: pred.box } : { point: pred.point };
      let total = 0;
      const components: Record<string, ComponentResult> = {};
      const reasons: string[] = [];
      for (const [m, w] of weights) {
        const v = metricValue(m, shape, target, o.alpha);
        const value = typeof v === "number" ? v : 0;
        if (typeof v === "string") reasons.push(v);
        total += w * value;
        components[m] = typeof v === "string" ? { reward: 0, status: "ok", reason: v } : { reward: value, status: "ok" };
      }
      const result = ok(total, reasons.length > 0 ? reasons.join("; ") : undefined);
      if (weights.length > 1) result.components = components;
      return result;
    });
  },
});
