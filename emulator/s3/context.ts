// What every S3 operation handler gets, and the small pieces they share: writing an answer with
// S3's standard headers, reading the object headers a PUT sets, formatting times and ETags.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { Bucket, EmulatorState, ObjectHeaders, StorageClass } from "../state";
import type { BlobWriter } from "../blobs";

export type { ObjectHeaders } from "../state";
import type { Authenticated } from "./sigv4";
import type { ReceivedBody } from "./body";
import type { RequestTarget } from "./target";
import { S3Error } from "./errors";

export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  state: EmulatorState;
  target: RequestTarget;
  auth: Authenticated;
  /** The addressed bucket (undefined only for ListBuckets). */
  bucket: Bucket;
  body: ReceivedBody;
  /** PutObject and UploadPart: the body on disk, not yet visible; the handler commits it. */
  incoming?: BlobWriter;
  requestId: string;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Headers S3 puts on every answer. `Date` is the emulator's clock (`state.now()`), not the
 * machine's: it is what S3 clients read to correct their own clock after `RequestTimeTooSkewed`,
 * so skew tests see the same recovery they would see against S3.
 */
export function standardHeaders(state: EmulatorState, requestId: string): Record<string, string> {
  return {
    "x-amz-request-id": requestId,
    "x-amz-id-2": Buffer.from(requestId).toString("base64"),
    date: state.now().toUTCString(),
    server: "MamuteCloudS3",
  };
}

function answerHeaders(ctx: S3Context, headers: Record<string, string | number | undefined>): Record<string, string | number> {
  const out: Record<string, string | number> = { ...standardHeaders(ctx.state, ctx.requestId) };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** An object's bytes, streamed from disk (`open` is not called for a HEAD). `headers` must carry content-length. */
export function respondStream(
  ctx: S3Context,
  status: number,
  headers: Record<string, string | number | undefined>,
  open: () => Readable,
): void {
  ctx.res.writeHead(status, answerHeaders(ctx, headers));
  if (ctx.req.method === "HEAD") {
    ctx.res.end();
    return;
  }
  const stream = open();
  // A failed read cannot become an S3 error once the status is sent: cut the connection, so the
  // client sees a short body rather than a wrong one.
  stream.once("error", () => ctx.res.destroy());
  ctx.res.once("close", () => stream.destroy());
  stream.pipe(ctx.res);
}

export function respond(
  ctx: S3Context,
  status: number,
  headers: Record<string, string | number | undefined> = {},
  body?: string | Buffer,
): void {
  const out = answerHeaders(ctx, headers);
  if (body !== undefined) {
    if (typeof body === "string" && out["content-type"] === undefined) out["content-type"] = "application/xml";
    if (out["content-length"] === undefined) out["content-length"] = Buffer.byteLength(body);
  } else if (out["content-length"] === undefined && status !== 204 && status !== 304) {
    out["content-length"] = 0;
  }
  ctx.res.writeHead(status, out);
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : body);
}

export function respondXml(ctx: S3Context, xml: string, status = 200, headers: Record<string, string | undefined> = {}): void {
  respond(ctx, status, { ...headers, "content-type": "application/xml" }, xml);
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** `"abc"`, `W/"abc"` or `abc` → `abc`, for comparing what clients send back. */
export function unquoteEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
}

export function isoTime(date: Date): string {
  return date.toISOString();
}

export function httpDate(date: Date): string {
  return date.toUTCString();
}

/** The S3 storage class name of a MamuteCloud bucket's class. */
export function s3StorageClass(storageClass: StorageClass): string {
  switch (storageClass) {
    case "Standard":
      return "STANDARD";
    case "InfrequentAccess":
      return "STANDARD_IA";
    case "Archive":
      return "GLACIER";
  }
}

/** S3 caps user metadata at 2 KB (names plus values, in UTF-8). */
const MAX_METADATA_BYTES = 2048;

export function metadataFromHeaders(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith("x-amz-meta-") || value === undefined) continue;
    const key = name.slice("x-amz-meta-".length);
    const text = Array.isArray(value) ? value.join(",") : value;
    metadata[key] = text;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(text);
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new S3Error(400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", [
      ["Size", bytes],
      ["MaxSizeAllowed", MAX_METADATA_BYTES],
    ]);
  }
  return metadata;
}

/** `aws-chunked` describes how the body travelled, not the object: it is not stored. */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kept = value
    .split(",")
    .map((token) => token.trim())
    .filter((token) => token !== "" && token.toLowerCase() !== "aws-chunked");
  return kept.length === 0 ? undefined : kept.join(", ");
}

export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

export function objectHeadersFromRequest(req: IncomingMessage): ObjectHeaders {
  return {
    contentType: header(req, "content-type") || DEFAULT_CONTENT_TYPE,
    contentEncoding: storedContentEncoding(header(req, "content-encoding")),
    contentDisposition: header(req, "content-disposition"),
    contentLanguage: header(req, "content-language"),
    cacheControl: header(req, "cache-control"),
    expires: header(req, "expires"),
    metadata: metadataFromHeaders(req),
  };
}

/** The stored object's headers as S3 returns them on GET and HEAD. */
export function objectHeadersToResponse(headers: ObjectHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {
    "content-type": headers.contentType,
    "content-encoding": headers.contentEncoding,
    "content-disposition": headers.contentDisposition,
    "content-language": headers.contentLanguage,
    "cache-control": headers.cacheControl,
    expires: headers.expires,
  };
  for (const [name, value] of Object.entries(headers.metadata)) out[`x-amz-meta-${name}`] = value;
  return out;
}
