import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks `Authorization: Bearer <token>` in constant time. Both sides are hashed first so the
 * comparison takes the same time whatever the length of the presented token.
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    if (typeof header !== "string") return false;
    const match = /^Bearer[ \t]+(.+)$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1].trim()), expected);
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
