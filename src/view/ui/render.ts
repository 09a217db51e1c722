import { h } from "./dom.ts";

/** Text with fenced code blocks shown as code; LaTeX and everything else stays text. */
export function richText(text: string): HTMLElement {
  const box = h("div", { class: "rich" });
  const fence = /```([\w+-]*)\n([\s\S]*?)(?:```|$)/g;
  let last = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    if (m.index > last) box.append(h("div", { class: "prose" }, text.slice(last, m.index)));
    box.append(h("pre", { class: "code", "data-lang": m[1] || undefined }, h("code", {}, m[2])));
    last = m.index + m[0].length;
  }
  if (last < text.length) box.append(h("div", { class: "prose" }, text.slice(last)));
  return box;
}

interface Message {
  role: string;
  content: unknown;
}

/** A prompt or completion: plain text, or chat messages with their roles. */
export function messages(value: unknown): HTMLElement {
  if (typeof value === "string") return richText(value);
  if (Array.isArray(value)) {
    return h("div", { class: "chat" }, ...(value as Message[]).map((m) => h("div", { class: `msg role-${m.role}` }, h("div", { class: "role" }, m.role), richText(contentText(m)))));
  }
  return h("pre", {}, JSON.stringify(value, null, 2));
}

function contentText(m: Message): string {
  const c = m.content;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p?.text === "string" ? p.text : JSON.stringify(p))).join("\n");
  const rest = { ...(m as unknown as Record<string, unknown>) };
  delete rest.role;
  return JSON.stringify(rest, null, 2);
}

export interface Segment {
  start: number;
  end: number;
  reward: number;
  label?: string;
  [k: string]: unknown;
}

/**
 * The completion text with its segments as a heatmap: each stretch of text is coloured by the
 * lowest reward among the segments covering it (overlaps darken), red below 0.5, green above.
 */
export function segmentHeatmap(text: string, segments: Segment[]): HTMLElement {
  const cuts = new Set<number>([0, text.length]);
  for (const s of segments) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const box = h("div", { class: "heatmap prose" });
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const covering = segments.filter((s) => s.start <= a && s.end >= b);
    if (covering.length === 0) {
      box.append(piece);
      continue;
    }
    const r = Math.min(...covering.map((s) => s.reward));
    const alpha = Math.min(0.85, 0.25 + 0.2 * covering.length);
    const color = r < 0.5 ? `rgba(225, 87, 89, ${alpha})` : `rgba(89, 161, 79, ${alpha})`;
    const title = covering.map((s) => `${s.label ?? "segment"} [${s.start}, ${s.end}) reward ${s.reward}${s.severity ? ` · ${s.severity}` : ""}`).join("\n");
    box.append(h("mark", { class: "seg", style: `background:${color}`, title, "data-reward": r, "data-overlap": covering.length }, piece));
  }
  return box;
}
