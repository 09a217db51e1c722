import type { ChatMessage, Text } from "./types.ts";

/** Text content of one message (string content, or the text parts of a multi-part content). */
export function messageText(message: ChatMessage): string {
  const c = message.content;
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  let out = "";
  for (const part of c) if (typeof part?.text === "string") out += part.text;
  return out;
}

/**
 * The text a reward should read from a completion: the string itself, or for chat messages the
 * content of the last assistant message (the model's answer); with no assistant message, the last one.
 */
export function completionText(value: Text | undefined): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value) || value.length === 0) return "";
  for (let i = value.length - 1; i >= 0; i--) {
    if (value[i]?.role === "assistant") return messageText(value[i]);
  }
  return messageText(value[value.length - 1]);
}

/** A prompt as plain text: the string, or the messages joined as `role: content` lines. */
export function promptText(value: Text | undefined): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value.map((m) => `${m.role}: ${messageText(m)}`).join("\n");
}

/**
 * A reference as text: strings as they are, numbers as written, anything else as JSON; undefined
 * when missing or when it cannot be written as JSON (e.g. nested too deeply for the stack).
 */
export function referenceText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  // A JSON number beyond float range (1e400) parses as ±Infinity: not the value the data meant.
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** A one-line excerpt of a text for error messages: whitespace collapsed, cut at `max` characters. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
