import type { ChatMessage, Text } from "../../core/types.ts";
import { completionText } from "../../core/text.ts";

/** One tool call: the function's name and its arguments object. */
export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Where the calls are read from: OpenAI `tool_calls`, `<tool_call>` tags, or JSON text. */
export type CallFormat = "auto" | "openai" | "tags" | "json";

/** Calls found in a completion; `error` says why the tool-call part is malformed (format score 0). */
export interface ParsedCalls {
  calls: ToolCall[];
  error?: string;
}

const TAG_BLOCK = /<tool_call>([\s\S]*?)<\/tool_call>/g;

/**
 * Normalise one call object: {name, arguments|parameters|args}, or OpenAI's
 * {type: "function", function: {name, arguments}} where arguments may be a JSON string.
 */
export function toCall(value: unknown): ToolCall | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "a tool call must be an object";
  let o = value as Record<string, unknown>;
  if (o.function !== null && typeof o.function === "object") o = o.function as Record<string, unknown>;
  if (typeof o.name !== "string" || o.name === "") return "a tool call has no name";
  let args = o.arguments ?? o.parameters ?? o.args ?? {};
  if (typeof args === "string") {
    try {
      args = args.trim() === "" ? {} : JSON.parse(args);
    } catch {
      return `the arguments of ${o.name} are not valid JSON`;
    }
  }
  if (args === null || typeof args !== "object" || Array.isArray(args)) return `the arguments of ${o.name} are not an object`;
  return { name: o.name, arguments: args as Record<string, unknown> };
}

function toCalls(values: unknown[]): ParsedCalls {
  const calls: ToolCall[] = [];
  for (const v of values) {
    const c = toCall(v);
    if (typeof c === "string") return { calls, error: c };
    calls.push(c);
  }
  return { calls };
}

/** JSON text holding one call, a list of calls, or one call per line (ToolRL's block layout). */
function parseCallText(text: string): ParsedCalls {
  const t = text.trim();
  if (t === "") return { calls: [] };
  try {
    const v = JSON.parse(t);
    return toCalls(Array.isArray(v) ? v : [v]);
  } catch {
    const values: unknown[] = [];
    for (const line of t.split("\n")) {
      if (line.trim() === "") continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        return { calls: [], error: "a tool call is not valid JSON" };
      }
    }
    return toCalls(values);
  }
}

function fromTags(text: string): ParsedCalls | undefined {
  const blocks = [...text.matchAll(TAG_BLOCK)];
  const opened = text.split("<tool_call>").length - 1;
  if (blocks.length === 0 && opened === 0) return undefined;
  if (opened > blocks.length) return { calls: [], error: "unclosed <tool_call> block" };
  const calls: ToolCall[] = [];
  for (const b of blocks) {
    const r = parseCallText(b[1]);
    if (r.error) return { calls: [], error: r.error };
    calls.push(...r.calls);
  }
  return { calls };
}

/** The last fenced block (```json or plain) if any, else the whole text, as JSON calls. */
function fromJson(text: string): ParsedCalls | undefined {
  let fenced: string | undefined;
  for (const m of text.matchAll(/```(?:json)?[ \t]*\n([\s\S]*?)```/g)) fenced = m[1];
  const body = (fenced ?? text).trim();
  if (!body.startsWith("{") && !body.startsWith("[")) return undefined;
  return parseCallText(body);
}

function lastAssistant(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === "assistant") return messages[i];
  return undefined;
}

/** The tool calls of a completion, read as `format` says (auto: OpenAI, then tags, then JSON). */
export function completionCalls(completion: Text, format: CallFormat): ParsedCalls {
  if (format === "openai" || format === "auto") {
    const toolCalls = Array.isArray(completion) ? lastAssistant(completion)?.tool_calls : undefined;
    if (Array.isArray(toolCalls)) return toCalls(toolCalls);
    if (format === "openai") return { calls: [] };
  }
  const text = completionText(completion);
  if (format !== "json") {
    const tagged = fromTags(text);
    if (tagged) return tagged;
    if (format === "tags") return { calls: [] };
  }
  return fromJson(text) ?? { calls: [] };
}

/**
 * The reference calls: a list of calls, {tool_calls: [...]}, or text in any completion format
 * (e.g. ToolRL's `<tool_call>` blocks). An empty list means "no call expected".
 */
export function referenceCalls(reference: unknown): ToolCall[] | string {
  let value = reference;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "tool_calls" in value) {
    value = (value as { tool_calls: unknown }).tool_calls;
  }
  let parsed: ParsedCalls;
  if (typeof value === "string") parsed = fromTags(value) ?? fromJson(value) ?? { calls: [], error: "no tool calls found in the reference text" };
  else if (Array.isArray(value)) parsed = toCalls(value);
  else if (value !== null && typeof value === "object") parsed = toCalls([value]);
  else return "the reference must be a list of tool calls, {tool_calls: [...]}, or tool-call text";
  return parsed.error ? `bad reference: ${parsed.error}` : parsed.calls;
}
