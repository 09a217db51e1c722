import type { Progress } from "../pipeline/stream.ts";
import type { Summary } from "../pipeline/summary.ts";

/** A one-line progress display on a TTY stream, redrawn at most every 100 ms. */
export class ProgressLine {
  private last = 0;
  private readonly started = performance.now();
  private readonly stream: NodeJS.WriteStream;
  private readonly totalBytes: number | undefined;

  constructor(stream: NodeJS.WriteStream, totalBytes: number | undefined) {
    this.stream = stream;
    this.totalBytes = totalBytes;
  }

  update(p: Progress): void {
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(p.records / seconds) : 0;
    let bar = "";
    if (this.totalBytes) {
      const share = Math.min(1, p.bytesRead / this.totalBytes);
      const width = 24;
      const full = Math.round(share * width);
      bar = `[${"#".repeat(full)}${"-".repeat(width - full)}] ${(share * 100).toFixed(0).padStart(3)}% `;
    }
    this.stream.write(`\r${bar}${p.records.toLocaleString("en-US")} records · ${rate.toLocaleString("en-US")}/s\x1b[K`);
  }

  clear(): void {
    this.stream.write("\r\x1b[K");
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(4));

export function formatSummary(s: Summary): string {
  const lines = [
    `scored ${fmt(s.records)} records in ${s.wallSeconds.toFixed(2)} s (${Math.round(s.recordsPerSecond).toLocaleString("en-US")} records/s)`,
    `  ok ${fmt(s.ok)} · unscorable ${fmt(s.unscorable)} · error ${fmt(s.error)}`,
  ];
  if (s.reward) lines.push(`  reward mean ${fmt(s.reward.mean)} · min ${fmt(s.reward.min)} · max ${fmt(s.reward.max)}`);
  if (s.normalize) {
    const n = s.normalize;
    lines.push(`  normalize ${n.method}: ${fmt(n.withAdvantage)} advantages · ${fmt(n.groups)} groups · ${fmt(n.singletonGroups)} of one · ${fmt(n.zeroVarianceGroups)} zero-variance`);
    if (n.sizeMismatchGroups > 0) lines.push(`  ${fmt(n.sizeMismatchGroups)} groups of unexpected size (sizes: ${n.sizeMismatches.slice(0, 10).map((m) => m.size).join(", ")}${n.sizeMismatchGroups > 10 ? ", ..." : ""})`);
  }
  if (s.rewards) lines.push(`  ${Object.entries(s.rewards).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ")}`);
  return lines.join("\n") + "\n";
}
