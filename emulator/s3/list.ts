// ListObjectsV2 (`?list-type=2`) and ListObjects (v1): keys in UTF-8 byte order, `prefix`,
// `delimiter` rolled up into CommonPrefixes, `max-keys` (default and cap 1000, keys and prefixes
// both count), v2's opaque `continuation-token` and `start-after`, v1's `marker` / `NextMarker`,
// and `encoding-type=url` (the aws CLI always asks for it, then URL-decodes what it reads).
import { createHash } from "node:crypto";
import type { Bucket, StoredObject } from "../state";
import { invalidArgument } from "./errors";
import { isoTime, quoteEtag, respondXml, s3StorageClass, type S3Context } from "./context";
import { parseAlgorithm } from "./checksums";
import { uriEncode } from "./sigv4";
import { param } from "./target";
import { xmlDocument, type XmlNode } from "./xml";
import { compareCodePoints, endOfPrefix, orderedKeys, searchKeys } from "./keyIndex";

export const MAX_KEYS = 1000;

/** S3 orders keys by their UTF-8 bytes (not by JavaScript's UTF-16 order). */
export const compareKeys = compareCodePoints;

export function sortedObjects(bucket: Bucket): StoredObject[] {
  return orderedKeys(bucket.objects).map((key) => bucket.objects.get(key)!);
}

export interface ListPage {
  contents: StoredObject[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last?: string;
}

/**
 * One page of keys after `after` (exclusive). A common prefix at or before `after` was already
 * returned on an earlier page (a page can end on a prefix), so its keys are skipped. Walks the
 * bucket's sorted keys from a binary search and jumps over each rolled-up prefix with another, so
 * a page costs O(log n) per entry returned, whatever the size of the bucket.
 */
export function listPage(bucket: Bucket, prefix: string, delimiter: string, maxKeys: number, after: string | undefined): ListPage {
  const page: ListPage = { contents: [], prefixes: [], truncated: false };
  const keys = orderedKeys(bucket.objects);
  let at = searchKeys(keys, prefix);
  if (after !== undefined) at = Math.max(at, searchKeys(keys, after, false));
  while (at < keys.length) {
    const key = keys[at];
    if (!key.startsWith(prefix)) break;
    let rolledUp: string | undefined;
    if (delimiter !== "") {
      const found = key.indexOf(delimiter, prefix.length);
      if (found >= 0) rolledUp = key.slice(0, found + delimiter.length);
    }
    if (rolledUp !== undefined && after !== undefined && compareKeys(rolledUp, after) <= 0) {
      at = endOfPrefix(keys, at, rolledUp);
      continue;
    }
    if (page.contents.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (rolledUp !== undefined) {
      page.prefixes.push(rolledUp);
      page.last = rolledUp;
      at = endOfPrefix(keys, at, rolledUp);
    } else {
      page.contents.push(bucket.objects.get(key)!);
      page.last = key;
      at++;
    }
  }
  return page;
}

function parseMaxKeys(value: string | undefined): number {
  if (value === undefined) return MAX_KEYS;
  if (!/^\d+$/.test(value)) throw invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", value);
  return Math.min(Number(value), MAX_KEYS);
}

function parseEncodingType(value: string | undefined): "url" | undefined {
  if (value === undefined) return undefined;
  if (value.toLowerCase() !== "url") throw invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", value);
  return "url";
}

/** With `encoding-type=url`: every byte but the unreserved ones and `/` escaped (`+` → %2B, space → %20). */
function encoder(encoding: "url" | undefined): (value: string) => string {
  return encoding === "url" ? (value) => uriEncode(value, true) : (value) => value;
}

export function ownerOf(bucket: Bucket): XmlNode[] {
  return [
    ["ID", createHash("sha256").update(`mamutecloud-owner:${bucket.id}`).digest("hex")],
    ["DisplayName", "mamutecloud"],
  ];
}

function contentsNode(ctx: S3Context, object: StoredObject, encode: (value: string) => string, withOwner: boolean): XmlNode {
  const algorithm = object.checksum && parseAlgorithm(object.checksum.algorithm);
  return [
    "Contents",
    [
      ["Key", encode(object.key)],
      ["LastModified", isoTime(object.lastModified)],
      ["ETag", quoteEtag(object.etag)],
      ["ChecksumAlgorithm", algorithm],
      ["ChecksumType", algorithm ? (object.checksum?.type ?? "FULL_OBJECT") : undefined],
      ["Size", object.size],
      ["StorageClass", s3StorageClass(ctx.bucket.storageClass)],
      ["Owner", withOwner ? ownerOf(ctx.bucket) : undefined],
    ],
  ];
}

const TOKEN_PREFIX = "mamute-list:";

/** Opaque to clients: where the next page starts, so a page can end on a key or a common prefix. */
function encodeToken(after: string): string {
  return Buffer.from(TOKEN_PREFIX + after, "utf8").toString("base64");
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64").toString("utf8");
  if (!text.startsWith(TOKEN_PREFIX) || Buffer.from(text, "utf8").toString("base64") !== token) {
    throw invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  }
  return text.slice(TOKEN_PREFIX.length);
}

/** Buckets are addressed by id or name; the listing names the bucket the way the client addressed it. */
function addressedName(ctx: S3Context): string {
  return ctx.target.bucket;
}

export function listObjectsV2(ctx: S3Context): void {
  const listType = param(ctx.target, "list-type");
  if (listType !== "2") throw invalidArgument("Invalid List Type specified in Request", "list-type", listType);
  const prefix = param(ctx.target, "prefix") ?? "";
  const delimiter = param(ctx.target, "delimiter") ?? "";
  const maxKeys = parseMaxKeys(param(ctx.target, "max-keys"));
  const encoding = parseEncodingType(param(ctx.target, "encoding-type"));
  const token = param(ctx.target, "continuation-token");
  const startAfter = param(ctx.target, "start-after");
  const fetchOwner = param(ctx.target, "fetch-owner") === "true";
  if (token === "") throw invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  const after = token !== undefined ? decodeToken(token) : startAfter || undefined;

  const page = listPage(ctx.bucket, prefix, delimiter, maxKeys, after);
  const encode = encoder(encoding);
  const children: XmlNode[] = [
    ["Name", addressedName(ctx)],
    ["Prefix", encode(prefix)],
    ["Delimiter", delimiter === "" ? undefined : encode(delimiter)],
    ["MaxKeys", maxKeys],
    ["EncodingType", encoding],
    ["KeyCount", page.contents.length + page.prefixes.length],
    ["IsTruncated", page.truncated],
    ["ContinuationToken", token],
    ["NextContinuationToken", page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined],
    ["StartAfter", startAfter === undefined ? undefined : encode(startAfter)],
    ...page.contents.map((object) => contentsNode(ctx, object, encode, fetchOwner)),
    ...page.prefixes.map((p): XmlNode => ["CommonPrefixes", [["Prefix", encode(p)]]]),
  ];
  respondXml(ctx, xmlDocument("ListBucketResult", children));
}

export function listObjectsV1(ctx: S3Context): void {
  const prefix = param(ctx.target, "prefix") ?? "";
  const delimiter = param(ctx.target, "delimiter") ?? "";
  const maxKeys = parseMaxKeys(param(ctx.target, "max-keys"));
  const encoding = parseEncodingType(param(ctx.target, "encoding-type"));
  const marker = param(ctx.target, "marker") ?? "";

  const page = listPage(ctx.bucket, prefix, delimiter, maxKeys, marker === "" ? undefined : marker);
  const encode = encoder(encoding);
  const children: XmlNode[] = [
    ["Name", addressedName(ctx)],
    ["Prefix", encode(prefix)],
    ["Marker", encode(marker)],
    // S3 gives NextMarker only with a delimiter; without one the client continues from the last Key.
    ["NextMarker", page.truncated && delimiter !== "" && page.last !== undefined ? encode(page.last) : undefined],
    ["MaxKeys", maxKeys],
    ["Delimiter", delimiter === "" ? undefined : encode(delimiter)],
    ["EncodingType", encoding],
    ["IsTruncated", page.truncated],
    ...page.contents.map((object) => contentsNode(ctx, object, encode, true)),
    ...page.prefixes.map((p): XmlNode => ["CommonPrefixes", [["Prefix", encode(p)]]]),
  ];
  respondXml(ctx, xmlDocument("ListBucketResult", children));
}
