import { z } from "zod";

/** Normalisation options shared by the string-comparing rewards (exact, contains, regex extract). */
export const textNormalizationOptions = {
  ignore_case: z.boolean().default(false).describe("Compare without regard to case."),
  collapse_whitespace: z.boolean().default(true).describe("Collapse runs of whitespace to one space and trim the ends."),
  ignore_punctuation: z.boolean().default(false).describe("Remove Unicode punctuation and symbols before comparing."),
};

export interface TextNormalization {
  ignore_case: boolean;
  collapse_whitespace: boolean;
  ignore_punctuation: boolean;
}

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const WHITESPACE = /\s+/g;

export function normalizeText(s: string, o: TextNormalization): string {
  let t = s;
  if (o.ignore_case) t = t.toLowerCase();
  if (o.ignore_punctuation) t = t.replace(PUNCTUATION, "");
  if (o.collapse_whitespace) t = t.replace(WHITESPACE, " ").trim();
  return t;
}

/** SQuAD's answer normalisation: lower case, drop punctuation and the articles a/an/the, collapse whitespace. */
export function squadNormalize(s: string): string {
  return s
    .toLowerCase()
    .replace(PUNCTUATION, "")
    .replace(/\b(a|an|the)\b/g, " ")
    .replace(WHITESPACE, " ")
    .trim();
}

/**
 * References that are a string or a list of acceptable strings (any may match). Numbers are
 * accepted and compared as written. Returns undefined when the reference is missing or unusable.
 */
export function referenceStrings(reference: unknown): string[] | undefined {
  if (typeof reference === "string") return [reference];
  if (typeof reference === "number") return Number.isFinite(reference) ? [String(reference)] : undefined; // 1e400 parses as Infinity
  if (typeof reference === "boolean") return [String(reference)];
  if (Array.isArray(reference) && reference.length > 0 && reference.every((r) => typeof r === "string" || (typeof r === "number" && Number.isFinite(r)))) {
    return reference.map(String);
  }
  return undefined;
}
