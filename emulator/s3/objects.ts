// Single objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject.
// Objects live in `bucket.objects` (the management files list reads them there), their bytes on
// disk (blobs.ts); an overwrite keeps the first `createdAt` and moves `lastModified`. A new body
// becomes visible only when its blob is committed and the key is set, in one step after the checks.
import type { StoredObject } from "../state";
import { sizeOf, type ByteRange, type Segment } from "../blobs";
import { S3Error, invalidArgument, invalidRequest, noSuchBucket, noSuchKey } from "./errors";
import {
  DEFAULT_CONTENT_TYPE,
  header,
  httpDate,
  isoTime,
  objectHeadersFromRequest,
  objectHeadersToResponse,
  quoteEtag,
  respond,
  respondStream,
  respondXml,
  s3StorageClass,
  type ObjectHeaders,
  type S3Context,
} from "./context";
import { evaluateConditions } from "./conditions";
import { resolveCopySource } from "./copy-source";
import { createHasher, headerOfAlgorithm, parseAlgorithm, type ChecksumAlgorithm } from "./checksums";
import { xmlDocument, type XmlNode } from "./xml";
import { child, childrenNamed, parseXml } from "./xmlParse";
import { param } from "./target";

function preconditionFailed(condition: string): S3Error {
  return new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", [
    ["Condition", condition],
  ]);
}

/** Conditional writes (`If-None-Match: *` creates only, `If-Match` overwrites only that version). */
function checkWriteConditions(ctx: S3Context): void {
  const existing = ctx.bucket.objects.get(ctx.target.key);
  const ifNoneMatch = header(ctx.req, "if-none-match");
  const ifMatch = header(ctx.req, "if-match");
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== "*") throw new S3Error(501, "NotImplemented", "If-None-Match on a write only accepts *");
    if (existing) throw preconditionFailed("If-None-Match");
  }
  if (ifMatch !== undefined) {
    if (!existing) throw noSuchKey(ctx.target.key);
    if (!evaluateConditions({ ifMatch }, existing, 412).ok) throw preconditionFailed("If-Match");
  }
}

export function storeObject(ctx: S3Context, object: Omit<StoredObject, "createdAt" | "lastModified" | "key" | "size">): StoredObject {
  const now = ctx.state.now();
  const key = ctx.target.key;
  if (ctx.state.buckets.get(ctx.bucket.id) !== ctx.bucket) {
    // Deleted while the body was arriving: nothing may hold these bytes now.
    ctx.state.blobs.release(object.segments);
    throw noSuchBucket(ctx.target.bucket);
  }
  const existing = ctx.bucket.objects.get(key);
  const size = sizeOf(object.segments);
  const stored: StoredObject = { ...object, key, size, createdAt: existing?.createdAt ?? now, lastModified: now };
  ctx.bucket.objects.set(key, stored);
  if (existing) ctx.state.blobs.release(existing.segments);
  return stored;
}

/** Stores `segments` as the key's object unless the write conditions fail now (the body took time to arrive). */
function storeIfConditionsHold(ctx: S3Context, object: Parameters<typeof storeObject>[1]): StoredObject {
  try {
    checkWriteConditions(ctx);
  } catch (error) {
    ctx.state.blobs.release(object.segments);
    throw error;
  }
  return storeObject(ctx, object);
}

export interface CopiedBytes {
  segment: Segment;
  md5: Buffer;
  /** Base64, when an algorithm was asked for. */
  checksum?: string;
}

/** Copies stored bytes (all, or a range) into a new blob, hashing them on the way. */
export async function copyBytes(
  ctx: S3Context,
  segments: readonly Segment[],
  range: ByteRange | undefined,
  algorithm?: ChecksumAlgorithm,
): Promise<CopiedBytes> {
  const writer = ctx.state.blobs.writer();
  try {
    const md5 = createHasher("MD5");
    const hasher = algorithm && createHasher(algorithm);
    for await (const piece of ctx.state.blobs.read(segments, range) as AsyncIterable<Buffer>) {
      md5.update(piece);
      hasher?.update(piece);
      writer.write(piece);
      await writer.drained();
    }
    return { segment: await writer.commit(), md5: md5.digest(), checksum: hasher?.digest().toString("base64") };
  } finally {
    await writer.discard();
  }
}

/** The checksum of stored bytes, base64. */
export async function checksumOfStored(ctx: S3Context, segments: readonly Segment[], algorithm: ChecksumAlgorithm): Promise<string> {
  const hasher = createHasher(algorithm);
  for await (const piece of ctx.state.blobs.read(segments) as AsyncIterable<Buffer>) hasher.update(piece);
  return hasher.digest().toString("base64");
}

function checksumResponseHeaders(checksum: StoredObject["checksum"]): Record<string, string> {
  if (!checksum) return {};
  const algorithm = parseAlgorithm(checksum.algorithm);
  if (!algorithm) return {};
  return { [headerOfAlgorithm(algorithm)]: checksum.value, "x-amz-checksum-type": checksum.type ?? "FULL_OBJECT" };
}

export async function putObject(ctx: S3Context): Promise<void> {
  checkWriteConditions(ctx);
  const headers = objectHeadersFromRequest(ctx.req);
  if (!ctx.incoming) throw new Error("PutObject without a body sink");
  const segment = await ctx.incoming.commit();
  const stored = storeIfConditionsHold(ctx, {
    ...headers,
    segments: [segment],
    etag: ctx.body.md5.toString("hex"),
    metadata: headers.metadata,
    checksum: ctx.body.checksum && { ...ctx.body.checksum, type: "FULL_OBJECT" },
  });
  respond(ctx, 200, { etag: quoteEtag(stored.etag), ...checksumResponseHeaders(stored.checksum) });
}

// --- GetObject / HeadObject -------------------------------------------------------------------

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n`. A header S3 cannot read as one range is ignored (the whole
 * object is answered), as HTTP allows; a well-formed range that selects nothing is `InvalidRange`.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | "ignore" | "unsatisfiable" {
  if (value === undefined) return "ignore";
  const m = /^\s*bytes=(\d*)-(\d*)\s*$/.exec(value);
  if (!m || (m[1] === "" && m[2] === "")) return "ignore";
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Number(m[2]);
  if (m[2] !== "" && end < start) return "ignore";
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/** Query overrides a (signed or presigned) GET may ask for, as S3 documents them. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};

function partRange(object: StoredObject, partNumberText: string): ByteRange & { count: number } {
  const partNumber = Number(partNumberText);
  if (!/^\d+$/.test(partNumberText) || partNumber < 1 || partNumber > 10000) {
    throw invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumberText);
  }
  const sizes = object.partSizes ?? [object.size];
  if (partNumber > sizes.length) {
    throw new S3Error(416, "InvalidPartNumber", "The requested partnumber is not satisfiable", [["PartNumberRequested", partNumber]]);
  }
  const start = sizes.slice(0, partNumber - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[partNumber - 1] - 1, count: sizes.length };
}

export function getObject(ctx: S3Context): void {
  const object = ctx.bucket.objects.get(ctx.target.key);
  if (!object) throw noSuchKey(ctx.target.key);

  const base: Record<string, string | undefined> = {
    etag: quoteEtag(object.etag),
    "last-modified": httpDate(object.lastModified),
    "accept-ranges": "bytes",
  };
  const storageClass = s3StorageClass(ctx.bucket.storageClass);
  if (storageClass !== "STANDARD") base["x-amz-storage-class"] = storageClass;

  const outcome = evaluateConditions(
    {
      ifMatch: header(ctx.req, "if-match"),
      ifNoneMatch: header(ctx.req, "if-none-match"),
      ifModifiedSince: header(ctx.req, "if-modified-since"),
      ifUnmodifiedSince: header(ctx.req, "if-unmodified-since"),
    },
    object,
    304,
  );
  if (!outcome.ok) {
    if (outcome.status === 304) return respond(ctx, 304, base);
    throw preconditionFailed(outcome.condition);
  }

  const headers: Record<string, string | undefined> = { ...base, ...objectHeadersToResponse(object) };
  if (ctx.req.method === "GET") {
    for (const [name, target] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = param(ctx.target, name);
      if (value === undefined) continue;
      // Node refuses such a header value when writing it; S3 answers the caller's mistake with 400.
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value))
        throw invalidArgument(`${name} must be a valid HTTP header value (no control or non-Latin-1 characters)`, name, value);
      headers[target] = value;
    }
  }

  const size = object.size;
  const partNumber = param(ctx.target, "partNumber");
  let range: ByteRange | undefined;
  if (partNumber !== undefined) {
    const part = partRange(object, partNumber);
    range = part;
    headers["x-amz-mp-parts-count"] = String(part.count);
  } else {
    const parsed = parseRange(header(ctx.req, "range"), size);
    if (parsed === "unsatisfiable") {
      throw new S3Error(
        416,
        "InvalidRange",
        "The requested range is not satisfiable",
        [
          ["RangeRequested", header(ctx.req, "range") ?? ""],
          ["ActualObjectSize", size],
        ],
        {
          "content-range": `bytes */${size}`,
        },
      );
    }
    if (parsed !== "ignore") range = parsed;
    if (object.partSizes) headers["x-amz-mp-parts-count"] = String(object.partSizes.length);
  }

  // A full-object checksum only describes the full body: a range or a part gets none, so a client
  // validating what it received never checks a slice against the whole.
  if (range === undefined && header(ctx.req, "x-amz-checksum-mode")?.toUpperCase() === "ENABLED") {
    Object.assign(headers, checksumResponseHeaders(object.checksum));
  }

  const segments = object.segments;
  const blobs = ctx.state.blobs;
  if (range === undefined) {
    return respondStream(ctx, 200, { ...headers, "content-length": size }, () => blobs.read(segments));
  }
  const slice = range;
  const sliceHeaders = {
    ...headers,
    "content-length": slice.end - slice.start + 1,
    "content-range": `bytes ${slice.start}-${slice.end}/${size}`,
  };
  respondStream(ctx, 206, sliceHeaders, () => blobs.read(segments, slice));
}

// --- DeleteObject / DeleteObjects --------------------------------------------------------------

export function deleteObject(ctx: S3Context): void {
  // S3 answers 204 whether or not the key existed.
  removeObject(ctx, ctx.target.key);
  respond(ctx, 204);
}

function removeObject(ctx: S3Context, key: string): void {
  const object = ctx.bucket.objects.get(key);
  if (!object) return;
  ctx.bucket.objects.delete(key);
  ctx.state.blobs.release(object.segments);
}

const MAX_DELETE_KEYS = 1000;

export function deleteObjects(ctx: S3Context): void {
  if (!ctx.body.integrityChecked) {
    throw invalidRequest("Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)");
  }
  const root = parseXml(ctx.body.data, "Delete");
  const quiet = child(root, "Quiet")?.text.trim().toLowerCase() === "true";
  const objects = childrenNamed(root, "Object");
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw new S3Error(
      400,
      "MalformedXML",
      `The XML you provided was not well-formed or did not validate against our published schema (1 to ${MAX_DELETE_KEYS} Object elements).`,
    );
  }
  const results: XmlNode[] = [];
  for (const element of objects) {
    const keyElement = child(element, "Key");
    if (!keyElement)
      throw new S3Error(
        400,
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema (an Object without a Key).",
      );
    const key = keyElement.text;
    const versionId = child(element, "VersionId")?.text;
    if (versionId !== undefined && versionId !== "null") {
      results.push([
        "Error",
        [
          ["Key", key],
          ["VersionId", versionId],
          ["Code", "NoSuchVersion"],
          ["Message", "The specified version does not exist."],
        ],
      ]);
      continue;
    }
    if (key === "" || Buffer.byteLength(key) > 1024) {
      results.push([
        "Error",
        [
          ["Key", key],
          ["Code", "KeyTooLongError"],
          ["Message", "Keys are 1 to 1024 bytes of UTF-8."],
        ],
      ]);
      continue;
    }
    removeObject(ctx, key);
    if (!quiet) results.push(["Deleted", [["Key", key]]]);
  }
  respondXml(ctx, xmlDocument("DeleteResult", results));
}

// --- CopyObject --------------------------------------------------------------------------------

function objectHeadersOf(object: StoredObject): ObjectHeaders {
  return {
    contentType: object.contentType,
    contentEncoding: object.contentEncoding,
    contentDisposition: object.contentDisposition,
    contentLanguage: object.contentLanguage,
    cacheControl: object.cacheControl,
    expires: object.expires,
    metadata: { ...object.metadata },
  };
}

export async function copyObject(ctx: S3Context): Promise<void> {
  if (ctx.body.data.length > 0) throw invalidRequest("A copy request must not have a body.");
  const source = resolveCopySource(ctx);
  checkWriteConditions(ctx);
  const directive = (header(ctx.req, "x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
  }
  const requestedAlgorithm = header(ctx.req, "x-amz-checksum-algorithm");
  const algorithm: ChecksumAlgorithm | undefined = requestedAlgorithm === undefined ? undefined : parseAlgorithm(requestedAlgorithm);
  if (requestedAlgorithm !== undefined && !algorithm) {
    throw invalidRequest(`Checksum algorithm provided is unsupported: ${requestedAlgorithm}`);
  }
  const sameObject = source === ctx.bucket.objects.get(ctx.target.key);
  if (sameObject && directive === "COPY" && !algorithm && header(ctx.req, "x-amz-storage-class") === undefined) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }

  const headers = directive === "REPLACE" ? objectHeadersFromRequest(ctx.req) : objectHeadersOf(source);
  if (directive === "REPLACE" && header(ctx.req, "content-type") === undefined) headers.contentType = DEFAULT_CONTENT_TYPE;
  // The copy is one new single-part object: its ETag is the MD5 of its bytes even when the
  // source came from a multipart upload, and a composite checksum does not carry over.
  const copied = await copyBytes(ctx, source.segments, undefined, algorithm);
  const checksum =
    algorithm && copied.checksum
      ? { algorithm, value: copied.checksum, type: "FULL_OBJECT" as const }
      : source.checksum?.type === "COMPOSITE"
        ? undefined
        : source.checksum;
  const stored = storeIfConditionsHold(ctx, {
    ...headers,
    segments: [copied.segment],
    etag: copied.md5.toString("hex"),
    checksum,
  });
  const checksumNodes: XmlNode[] = [];
  const named = stored.checksum && parseAlgorithm(stored.checksum.algorithm);
  if (stored.checksum && named) {
    checksumNodes.push(["ChecksumType", stored.checksum.type ?? "FULL_OBJECT"], [`Checksum${named}`, stored.checksum.value]);
  }
  respondXml(
    ctx,
    xmlDocument("CopyObjectResult", [["ETag", quoteEtag(stored.etag)], ["LastModified", isoTime(stored.lastModified)], ...checksumNodes]),
  );
}
