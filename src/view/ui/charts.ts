import * as Plot from "@observablehq/plot";

export interface Histogram {
  edges: number[];
  counts: number[];
}

export function histogram(hist: Histogram | null, o: { width?: number; height?: number; label?: string } = {}): Node {
  if (!hist) return document.createTextNode("no ok records");
  const bins = hist.counts.map((n, i) => ({ x1: hist.edges[i], x2: hist.edges[i + 1], n }));
  return Plot.plot({
    width: o.width ?? 520,
    height: o.height ?? 200,
    x: { label: o.label ?? "reward" },
    y: { label: "records", grid: true },
    marks: [Plot.rectY(bins, { x1: "x1", x2: "x2", y: "n", fill: "#4c78a8", inset: 0.5, title: (d: { x1: number; x2: number; n: number }) => `${d.x1.toFixed(3)}–${d.x2.toFixed(3)}: ${d.n}` }), Plot.ruleY([0])],
  });
}

export function statusBars(status: Record<string, number>): Node {
  const data = Object.entries(status).map(([s, n]) => ({ s, n }));
  return Plot.plot({
    width: 520,
    height: 110,
    marginLeft: 80,
    x: { label: "records", grid: true },
    y: { label: null, domain: ["ok", "unscorable", "error"] },
    color: { domain: ["ok", "unscorable", "error"], range: ["#59a14f", "#edc948", "#e15759"] },
    marks: [Plot.barX(data, { y: "s", x: "n", fill: "s" }), Plot.text(data, { y: "s", x: "n", text: (d: { n: number }) => d.n.toLocaleString("en-US"), dx: 4, textAnchor: "start" })],
  });
}

export function scatter(points: Array<[number, number]>, o: { x: string; y: string; diagonal?: boolean }): Node {
  if (points.length === 0) return document.createTextNode("no points");
  const marks: Plot.Markish[] = [Plot.dot(points, { x: (d: [number, number]) => d[0], y: (d: [number, number]) => d[1], r: 2, fill: "#4c78a8", fillOpacity: 0.35 })];
  if (o.diagonal) {
    const lo = Math.min(...points.map((p) => Math.min(p[0], p[1])));
    const hi = Math.max(...points.map((p) => Math.max(p[0], p[1])));
    marks.push(Plot.line([[lo, lo], [hi, hi]], { stroke: "#999", strokeDasharray: "4,3" }));
  }
  return Plot.plot({ width: 520, height: 260, grid: true, x: { label: o.x }, y: { label: o.y }, marks });
}

export function stepStrip(steps: Array<{ reward: number | null }>): Node {
  const data = steps.map((s, i) => ({ i: i + 1, r: s.reward }));
  return Plot.plot({
    width: Math.min(900, 60 + 28 * steps.length),
    height: 140,
    x: { label: "step", type: "band" },
    y: { label: "reward", grid: true },
    marks: [Plot.barY(data.filter((d) => d.r !== null), { x: "i", y: "r", fill: (d: { r: number }) => (d.r >= 0.5 ? "#59a14f" : d.r > 0 ? "#edc948" : "#e15759") }), Plot.ruleY([0])],
  });
}
