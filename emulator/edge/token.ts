// Signed URLs: `?expires=<unix seconds>&token=<base64url HMAC-SHA256 of "<expires><path>">`, with
// the resource's key. The management API signs, the edge verifies.
import { createHmac, timingSafeEqual } from "node:crypto";

export const TOKEN_PARAMETERS = ["expires", "token"] as const;

export function signPath(key: Buffer, path: string, expires: number): string {
  return createHmac("sha256", key).update(`${expires}${path}`).digest("base64url");
}

/** Whether `query` carries an unexpired token for `path` (the URL path as sent). */
export function verifySignedPath(key: Buffer, path: string, query: URLSearchParams, nowMs: number): boolean {
  const expires = query.get("expires");
  const token = query.get("token");
  if (expires === null || token === null || !/^\d{1,12}$/.test(expires)) return false;
  if (Number(expires) * 1000 <= nowMs) return false;
  const expected = Buffer.from(signPath(key, path, Number(expires)));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
