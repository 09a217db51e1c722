import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { Sample } from "../../core/types.ts";

/**
 * Images a record carries, as OpenAI `image_url` content parts for VLM judges: http(s) URLs go
 * as they are (the model server fetches them; rewardsmith never does), data URIs as they are,
 * file paths are read (up to max_bytes) and sent as data URIs.
 */
export const imageFields = z
  .strictObject({
    field: z.string().min(1).default("images").describe("The record field holding the image(s): a URL, a data URI or a file path, or a list of them."),
    max_bytes: z.number().int().min(1).default(5 * 1024 * 1024).describe("Largest image file (or data URI payload) sent; a larger one makes the record unscorable."),
    base_dir: z.string().min(1).optional().describe("Directory relative file paths are read from (default: the spec's directory)."),
    detail: z.enum(["auto", "low", "high"]).optional().describe("OpenAI's image detail hint, sent when set."),
  })
  .describe("Send the record's images with the judge prompt (OpenAI image_url content parts), for VLM judges.");

export type ImageOptions = z.output<typeof imageFields>;
export interface ImagePart {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

const MIME: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".bmp": "image/bmp" };

/** The record's images as content parts (none when the field is absent), or why one cannot be sent. */
export function imageParts(sample: Sample, o: ImageOptions, specDir: string): ImagePart[] | string {
  const v = sample.meta?.[o.field];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  const parts: ImagePart[] = [];
  for (const [i, item] of list.entries()) {
    const at = Array.isArray(v) ? `${o.field}[${i}]` : o.field;
    if (typeof item !== "string" || item.trim() === "") return `${at} is not an image URL, data URI or file path`;
    const url = toUrl(item.trim(), o, specDir, at);
    if (url.error !== undefined) return url.error;
    parts.push({ type: "image_url", image_url: o.detail ? { url: url.url, detail: o.detail } : { url: url.url } });
  }
  return parts;
}

function toUrl(item: string, o: ImageOptions, specDir: string, at: string): { url: string; error?: undefined } | { error: string } {
  if (/^https?:\/\//i.test(item)) return { url: item };
  if (/^data:/i.test(item)) {
    const m = /^data:image\/[\w.+-]+;base64,([A-Za-z0-9+/=\s]*)$/i.exec(item);
    if (!m) return { error: `${at}: a data URI must be data:image/<type>;base64,<data>` };
    if (Math.floor((m[1].replace(/\s/g, "").length * 3) / 4) > o.max_bytes) return { error: `${at}: the image is larger than max_bytes ${o.max_bytes}` };
    return { url: item };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) return { error: `${at}: ${item.split(":")[0]}: URLs are not fetched (give http(s), a data URI or a file path)` };
  const mime = MIME[extname(item).toLowerCase()];
  if (!mime) return { error: `${at}: ${item} is not a .png, .jpg, .gif, .webp or .bmp file` };
  const path = isAbsolute(item) ? item : resolve(o.base_dir ? resolve(specDir, o.base_dir) : specDir, item);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return { error: `${at}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: `${at}: ${path} is not a file` };
    if (st.size > o.max_bytes) return { error: `${at}: ${path} is ${st.size} bytes, more than max_bytes ${o.max_bytes}` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { url: `data:${mime};base64,${buf.subarray(0, got).toString("base64")}` };
  } finally {
    closeSync(fd);
  }
}
