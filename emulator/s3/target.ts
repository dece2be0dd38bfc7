// The request target as S3 reads it: path-style `/<bucket>/<key>` and the query string. The raw
// path and query are kept as received because SigV4 signs them as they travel; the decoded bucket,
// key and parameters are what the operations use.
import { S3Error } from "./errors";

export interface RequestTarget {
  /** The path exactly as received (percent-encoding kept), e.g. `/my-site/a%20b.txt`. */
  rawPath: string;
  /** The query string after `?`, as received; "" when there is none. */
  rawQuery: string;
  /** Decoded query parameters in the order received; a parameter without `=` has value "". */
  params: Array<[string, string]>;
  /** Decoded bucket segment, "" for the service root `/`. */
  bucket: string;
  /** Decoded key, "" when the path addresses the bucket itself (`/b` or `/b/`). */
  key: string;
}

/**
 * Percent-decodes to UTF-8. `+` stays a plus: in an S3 path (and in the query strings AWS signers
 * write) a space is always `%20`, so a `+` is a literal plus in the key. Returns undefined for a
 * malformed escape or bytes that are not UTF-8.
 */
export function percentDecode(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  const bytes: number[] = [];
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "%") {
      const hex = (chars[i + 1] ?? "") + (chars[i + 2] ?? "");
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(chars[i], "utf8"));
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function invalidUri(): S3Error {
  return new S3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
}

/** Query parameters; a malformed escape is kept literally rather than failing the request. */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === "") return [];
  return rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? "" : part.slice(eq + 1);
      return [percentDecode(name) ?? name, percentDecode(value) ?? value];
    });
}

/** Splits `req.url` without reading anything else, so it serves `routeKey` as well. */
export function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf("?");
  return q < 0 ? { rawPath: url, rawQuery: "" } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** Bucket-level or object-level, from the raw path alone (a key is never empty). */
export function rawSegments(rawPath: string): { rawBucket: string; rawKey: string } {
  const path = rawPath.startsWith("/") ? rawPath.slice(1) : rawPath;
  const slash = path.indexOf("/");
  return slash < 0 ? { rawBucket: path, rawKey: "" } : { rawBucket: path.slice(0, slash), rawKey: path.slice(slash + 1) };
}

export const MAX_KEY_BYTES = 1024;

export function parseTarget(url: string): RequestTarget {
  const { rawPath, rawQuery } = splitUrl(url);
  const { rawBucket, rawKey } = rawSegments(rawPath);
  const bucket = percentDecode(rawBucket);
  const key = percentDecode(rawKey);
  if (bucket === undefined || key === undefined) throw invalidUri();
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error(400, "KeyTooLongError", "Your key is too long", [["MaxSizeAllowed", MAX_KEY_BYTES]]);
  }
  return { rawPath, rawQuery, params: parseQuery(rawQuery), bucket, key };
}

/** The first value of a query parameter (names are case-sensitive, as in S3). */
export function param(target: RequestTarget, name: string): string | undefined {
  return target.params.find(([n]) => n === name)?.[1];
}

export function hasParam(target: RequestTarget, name: string): boolean {
  return target.params.some(([n]) => n === name);
}
