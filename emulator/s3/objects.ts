// Single objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject.
// Objects live in `bucket.objects` (the management files list reads them there); an overwrite
// keeps the first `createdAt` and moves `lastModified`.
import { createHash } from "node:crypto";
import type { StoredObject } from "../state";
import { S3Error, invalidArgument, invalidRequest, noSuchKey } from "./errors";
import {
  DEFAULT_CONTENT_TYPE,
  header,
  httpDate,
  isoTime,
  objectHeadersFromRequest,
  objectHeadersToResponse,
  quoteEtag,
  respond,
  respondXml,
  s3StorageClass,
  type ObjectHeaders,
  type S3Context,
} from "./context";
import { evaluateConditions } from "./conditions";
import { resolveCopySource } from "./copy-source";
import { checksumOf, headerOfAlgorithm, parseAlgorithm, type ChecksumAlgorithm } from "./checksums";
import { child, childrenNamed, parseXml, xmlDocument, type XmlNode } from "./xml";
import { param } from "./target";

function preconditionFailed(condition: string): S3Error {
  return new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", [["Condition", condition]]);
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

export function storeObject(ctx: S3Context, object: Omit<StoredObject, "createdAt" | "lastModified" | "key">): StoredObject {
  const now = ctx.state.now();
  const key = ctx.target.key;
  const existing = ctx.bucket.objects.get(key);
  const stored: StoredObject = { ...object, key, createdAt: existing?.createdAt ?? now, lastModified: now };
  ctx.bucket.objects.set(key, stored);
  return stored;
}

function checksumResponseHeaders(checksum: StoredObject["checksum"]): Record<string, string> {
  if (!checksum) return {};
  const algorithm = parseAlgorithm(checksum.algorithm);
  if (!algorithm) return {};
  return { [headerOfAlgorithm(algorithm)]: checksum.value, "x-amz-checksum-type": checksum.type ?? "FULL_OBJECT" };
}

export function putObject(ctx: S3Context): void {
  checkWriteConditions(ctx);
  const headers = objectHeadersFromRequest(ctx.req);
  const stored = storeObject(ctx, {
    ...headers,
    body: ctx.body.data,
    etag: ctx.body.md5.toString("hex"),
    metadata: headers.metadata,
    checksum: ctx.body.checksum && { ...ctx.body.checksum, type: "FULL_OBJECT" },
  });
  respond(ctx, 200, { etag: quoteEtag(stored.etag), ...checksumResponseHeaders(stored.checksum) });
}

// --- GetObject / HeadObject -------------------------------------------------------------------

type ByteRange = { start: number; end: number };

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
  const sizes = object.partSizes ?? [object.body.length];
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
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) throw invalidArgument(`${name} must be a valid HTTP header value (no control or non-Latin-1 characters)`, name, value);
      headers[target] = value;
    }
  }

  const size = object.body.length;
  const partNumber = param(ctx.target, "partNumber");
  let range: ByteRange | undefined;
  if (partNumber !== undefined) {
    const part = partRange(object, partNumber);
    range = part;
    headers["x-amz-mp-parts-count"] = String(part.count);
  } else {
    const parsed = parseRange(header(ctx.req, "range"), size);
    if (parsed === "unsatisfiable") {
      throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable", [["RangeRequested", header(ctx.req, "range") ?? ""], ["ActualObjectSize", size]], {
        "content-range": `bytes */${size}`,
      });
    }
    if (parsed !== "ignore") range = parsed;
    if (object.partSizes) headers["x-amz-mp-parts-count"] = String(object.partSizes.length);
  }

  // A full-object checksum only describes the full body: a range or a part gets none, so a client
  // validating what it received never checks a slice against the whole.
  if (range === undefined && header(ctx.req, "x-amz-checksum-mode")?.toUpperCase() === "ENABLED") {
    Object.assign(headers, checksumResponseHeaders(object.checksum));
  }

  if (range === undefined) {
    return respond(ctx, 200, { ...headers, "content-length": size }, object.body);
  }
  const slice = object.body.subarray(range.start, range.end + 1);
  respond(ctx, 206, { ...headers, "content-length": slice.length, "content-range": `bytes ${range.start}-${range.end}/${size}` }, slice);
}

// --- DeleteObject / DeleteObjects --------------------------------------------------------------

export function deleteObject(ctx: S3Context): void {
  // S3 answers 204 whether or not the key existed.
  ctx.bucket.objects.delete(ctx.target.key);
  respond(ctx, 204);
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
    throw new S3Error(400, "MalformedXML", `The XML you provided was not well-formed or did not validate against our published schema (1 to ${MAX_DELETE_KEYS} Object elements).`);
  }
  const results: XmlNode[] = [];
  for (const element of objects) {
    const keyElement = child(element, "Key");
    if (!keyElement) throw new S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema (an Object without a Key).");
    const key = keyElement.text;
    const versionId = child(element, "VersionId")?.text;
    if (versionId !== undefined && versionId !== "null") {
      results.push(["Error", [["Key", key], ["VersionId", versionId], ["Code", "NoSuchVersion"], ["Message", "The specified version does not exist."]]]);
      continue;
    }
    if (key === "" || Buffer.byteLength(key) > 1024) {
      results.push(["Error", [["Key", key], ["Code", "KeyTooLongError"], ["Message", "Keys are 1 to 1024 bytes of UTF-8."]]]);
      continue;
    }
    ctx.bucket.objects.delete(key);
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

export function copyObject(ctx: S3Context): void {
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
  const checksum = algorithm
    ? { algorithm, value: checksumOf(algorithm, source.body), type: "FULL_OBJECT" as const }
    : source.checksum?.type === "COMPOSITE"
      ? undefined
      : source.checksum;
  const stored = storeObject(ctx, {
    ...headers,
    body: source.body,
    etag: createHash("md5").update(source.body).digest("hex"),
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
