import { excerpt } from "../../core/text.ts";
import { balancedJsonEnd } from "../../core/json-text.ts";
import type { VerdictKind } from "./prompts.ts";

/** A parsed verdict: a number for scores, 1/0 for yes/no, "A" | "B" | "tie" for pairwise. */
export type Verdict =
  | { ok: true; value: number | "A" | "B" | "tie"; reason?: string; offset?: number }
  | { ok: false; reason: string };

/**
 * Read a judge's verdict from its reply. Structured output is the normal case (the reply is the
 * JSON object); servers that ignore `response_format` and plain-text prompts are covered by a
 * tolerant fallback: JSON inside a code fence or prose, then verdict lines ("Score: 7",
 * "Verdict: yes", "[[A]]"). `offset` is where the verdict value starts in the text (for logprobs).
 */
export function parseVerdict(reply: string, kind: VerdictKind, scale: { min: number; max: number }): Verdict {
  // Reasoning models (vLLM/Ollama serving R1- or Qwen3-style judges) may put their thinking in the
  // content; a verdict is only looked for after it.
  const think = /^\s*<think>[\s\S]*?<\/think>/.exec(reply);
  const skip = think ? think[0].length : 0;
  const text = reply.slice(skip);
  const found = verdictIn(text, kind, scale);
  if (found.ok && found.offset !== undefined) found.offset += skip;
  return found;
}

function verdictIn(text: string, kind: VerdictKind, scale: { min: number; max: number }): Verdict {
  // The last object with a verdict wins, as for verdict lines: a judge may first quote the
  // response's own JSON (an injected {"score": 10}) or an example of the format.
  let fromJson: Verdict | undefined;
  for (let obj = findJsonObject(text); obj; obj = findJsonObject(text, obj.end)) {
    fromJson = fromObject(obj.value, kind, scale, text, obj.start) ?? fromJson;
  }
  if (fromJson) return fromJson;
  const fromText = fromLines(text, kind, scale);
  if (fromText) return fromText;
  return { ok: false, reason: `unparseable judge verdict (expected ${describeKind(kind, scale)}): "${excerpt(text)}"` };
}

function describeKind(kind: VerdictKind, scale: { min: number; max: number }): string {
  if (kind === "score") return `a score from ${scale.min} to ${scale.max}`;
  if (kind === "winner") return `a winner A, B or tie`;
  return `${kind} true or false`;
}

export { excerpt };

function fromObject(obj: Record<string, unknown>, kind: VerdictKind, scale: { min: number; max: number }, text: string, start: number): Verdict | undefined {
  const raw = obj[kind] ?? (kind === "score" ? (obj.rating ?? obj.grade) : kind === "winner" ? obj.better : obj.verdict);
  if (raw === undefined) return undefined;
  const reason = typeof obj.reason === "string" ? obj.reason : typeof obj.reasoning === "string" ? obj.reasoning : undefined;
  const read = interpret(raw, kind, scale);
  if (read === undefined) return { ok: false, reason: `judge verdict has ${kind} ${JSON.stringify(raw)}, expected ${describeKind(kind, scale)}: "${excerpt(text)}"` };
  if ("error" in read) return { ok: false, reason: read.error };
  const keyAt = text.indexOf(`"${kind}"`, start);
  const offset = keyAt >= 0 ? valueStart(text, keyAt + kind.length + 2) : undefined;
  return reason === undefined ? { ok: true, value: read.value, offset } : { ok: true, value: read.value, reason, offset };
}

type Read = { value: number | "A" | "B" | "tie" } | { error: string } | undefined;

function interpret(raw: unknown, kind: VerdictKind, scale: { min: number; max: number }): Read {
  const value = kind === "score" ? toScore(raw) : kind === "winner" ? toWinner(raw) : toYesNo(raw);
  if (value === undefined) return undefined;
  if (kind === "score" && ((value as number) < scale.min || (value as number) > scale.max)) {
    return { error: `judge score ${value} is outside the scale ${scale.min}–${scale.max}` };
  }
  return { value };
}

function valueStart(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ":" || text[i] === " " || text[i] === '"' || text[i] === "\n" || text[i] === "\t")) i++;
  return i;
}

function toScore(raw: unknown): number | undefined {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toWinner(raw: unknown): "A" | "B" | "tie" | undefined {
  if (typeof raw !== "string") return undefined;
  const w = raw.trim().replace(/^\[+|\]+$/g, "").replace(/^(response|assistant)\s+/i, "").toLowerCase();
  if (w === "a") return "A";
  if (w === "b") return "B";
  if (w === "tie" || w === "c" || w === "equal" || w === "draw") return "tie";
  return undefined;
}

function toYesNo(raw: unknown): number | undefined {
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (typeof raw !== "string") return undefined;
  const w = raw.trim().toLowerCase();
  if (w === "yes" || w === "true" || w === "correct" || w === "equivalent" || w === "satisfied") return 1;
  if (w === "no" || w === "false" || w === "incorrect" || w === "not equivalent" || w === "not satisfied") return 0;
  return undefined;
}

const SCORE_LINE = /\b(?:score|rating|grade)\b\s*(?:is|of)?\s*[:=]?\s*\**\s*(-?\d+(?:\.\d+)?)(?:\s*(?:\/|out of)\s*\d+)?/gi;
const YES_NO_LINE = /\b(?:verdict|answer|equivalent|satisfied|judgement|judgment)\b\s*[:=]\s*\**\s*(yes|no|true|false|correct|incorrect)\b/gi;
const WINNER_LINE = /\[\[\s*(A|B|C|tie)\s*\]\]|\b(?:winner|better(?: response)?)\b\s*(?:is)?\s*[:=]?\s*\**\s*(?:response\s+)?(A|B|tie)\b/gi;

/** The last verdict line wins: models often restate the format before giving the verdict. */
function fromLines(text: string, kind: VerdictKind, scale: { min: number; max: number }): Verdict | undefined {
  const pattern = kind === "score" ? SCORE_LINE : kind === "winner" ? WINNER_LINE : YES_NO_LINE;
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(pattern)) last = m as RegExpExecArray;
  if (last) {
    const raw = last[1] ?? last[2];
    const read = interpret(raw, kind, scale);
    if (read && "error" in read) return { ok: false, reason: read.error };
    if (read) return { ok: true, value: read.value, offset: last.index + last[0].lastIndexOf(raw) };
  }
  if (kind !== "winner" && kind !== "score") {
    const first = /^\s*\**\s*(yes|no)\b/i.exec(text);
    if (first) return { ok: true, value: first[1].toLowerCase() === "yes" ? 1 : 0, offset: first.index + first[0].length - first[1].length };
  }
  if (kind === "score") {
    const bare = /^\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
    const read = bare ? interpret(bare[1], kind, scale) : undefined;
    if (read && "error" in read) return { ok: false, reason: read.error };
    if (read) return { ok: true, value: read.value, offset: text.indexOf(bare![1]) };
  }
  return undefined;
}

/**
 * The first JSON object in the text from `from` that parses: the whole reply, the content of a
 * code fence, or a balanced `{…}` inside prose (string-aware brace matching).
 */
export function findJsonObject(text: string, from = 0): { value: Record<string, unknown>; start: number; end: number } | undefined {
  for (let start = text.indexOf("{", from); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = balancedJsonEnd(text, start);
    if (end < 0) continue;
    try {
      const value = JSON.parse(text.slice(start, end));
      if (value && typeof value === "object" && !Array.isArray(value)) return { value, start, end };
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}
