// Objects: PUT streams the raw body to the blob store (emulator/blobs.ts) while hashing it, GET
// streams it back, DELETE soft-deletes, and the object and version lists. Nothing holds a body in
// memory, whatever its size.
import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import type { BlobStore, Segment } from "../../emulator/blobs";
import { bucketOf } from "./buckets";
import type { Bucket, ObjectVersion } from "./state";
import {
  MAX_OBJECT_BYTES,
  contentLength,
  continueIfExpected,
  created,
  deleted,
  iso,
  listBySerial,
  listReply,
  notFound,
  tooLarge,
  validationError,
  type Context,
  type Reply,
} from "./http";
import type { TheCloudDialect } from "./dialect";

const MAX_KEY_BYTES = 1024;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The path's key, checked: 1-1024 bytes, no control characters, no leading `/`, no `.` or `..` segment. */
export function checkedKey(key: string): string {
  if (key === "") throw validationError("key", "is required");
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw validationError("key", `must be at most ${MAX_KEY_BYTES} bytes of UTF-8`);
  if (/[\u0000-\u001f\u007f]/.test(key)) throw validationError("key", "must not contain control characters");
  if (key.startsWith("/")) throw validationError("key", "must not start with /");
  if (key.split("/").some((segment) => segment === "." || segment === "..")) throw validationError("key", "must not have . or .. segments");
  return key;
}

/** Content types are written back as headers: anything that is not a plain header value falls back to the default. */
function contentTypeOf(value: string | undefined): string {
  const type = value?.trim();
  return type && type.length <= 256 && /^[\x20-\x7e]+$/.test(type) ? type : DEFAULT_CONTENT_TYPE;
}

export interface ReceivedBody {
  segment: Segment;
  checksum: string;
}

/**
 * Streams the request body into a blob, hashing it on the way; at most MAX_OBJECT_BYTES (`413`
 * before any byte is read when `Content-Length` says so). The blob is committed (and must then be
 * used or released by the caller); on any failure nothing is left.
 */
export async function receiveBody(ctx: Context, field: string): Promise<ReceivedBody> {
  const limit = () => tooLarge(ctx.dialect, field, `must be at most 5 GiB (${MAX_OBJECT_BYTES} bytes)`);
  if ((contentLength(ctx.req) ?? 0) > MAX_OBJECT_BYTES) throw limit();
  continueIfExpected(ctx.req, ctx.res);
  const writer = ctx.state.blobs.writer();
  const hash = createHash("sha256");
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      if (writer.size + chunk.length > MAX_OBJECT_BYTES) throw limit();
      hash.update(chunk);
      writer.write(chunk);
      await writer.drained();
    }
    if (!ctx.req.complete) throw validationError(field, "the body ended before its Content-Length");
    return { segment: await writer.commit(), checksum: hash.digest("hex") };
  } finally {
    await writer.discard();
  }
}

/** sha256 hex of stored segments, read from disk (a completed multipart object). */
export async function checksumOf(blobs: BlobStore, segments: readonly Segment[]): Promise<string> {
  const hash = createHash("sha256");
  for await (const piece of blobs.read(segments)) hash.update(piece as Buffer);
  return hash.digest("hex");
}

export function objectJson(bucket: Bucket, key: string, version: ObjectVersion, dialect?: TheCloudDialect) {
  return {
    id: version.id,
    bucket: bucket.name,
    key,
    size_bytes: version.size,
    content_type: version.contentType,
    ...(dialect?.listChecksum !== false && { checksum: version.checksum }),
    upload_status: "AVAILABLE",
    version_id: version.versionId,
    created_at: iso(version.createdAt),
  };
}

export async function putObject(ctx: Context): Promise<Reply> {
  const key = checkedKey(ctx.params.key);
  bucketOf(ctx);
  const body = await receiveBody(ctx, "body");
  // Checked again: the bucket may have gone while the body arrived.
  const bucket = ctx.state.buckets.get(ctx.params.bucket);
  if (!bucket) {
    ctx.state.blobs.release([body.segment]);
    throw notFound(`bucket ${JSON.stringify(ctx.params.bucket)} not found`);
  }
  const version = ctx.state.putVersion(bucket, key, {
    segments: [body.segment],
    size: body.segment.size,
    contentType: contentTypeOf(ctx.req.headers["content-type"]),
    checksum: body.checksum,
  });
  return created(ctx, objectJson(bucket, key, version));
}

/** GET and HEAD: the current version's bytes (HEAD: its headers only). */
export async function getObject(ctx: Context): Promise<Reply | undefined> {
  const key = checkedKey(ctx.params.key);
  const bucket = bucketOf(ctx);
  const version = ctx.state.current(bucket.objects.get(key));
  if (!version) throw notFound(`object ${JSON.stringify(key)} not found in bucket ${JSON.stringify(bucket.name)}`);
  const { res } = ctx;
  res.writeHead(200, {
    "content-type": version.contentType,
    "content-length": version.size,
    etag: `"${version.checksum}"`,
    "x-checksum-sha256": version.checksum,
    "x-version-id": version.versionId,
    "last-modified": version.createdAt.toUTCString(),
  });
  if (ctx.req.method === "HEAD") {
    res.end();
    return undefined;
  }
  try {
    await pipeline(ctx.state.blobs.read(version.segments), res);
  } catch {
    // The client went away mid-answer; the blob's hold is released by the stream.
    res.destroy();
  }
  return undefined;
}

export function deleteObject(ctx: Context): Reply {
  const key = checkedKey(ctx.params.key);
  const bucket = bucketOf(ctx);
  if (!ctx.state.softDelete(bucket, key))
    throw notFound(`object ${JSON.stringify(key)} not found in bucket ${JSON.stringify(bucket.name)}`);
  return deleted(ctx, "object");
}

export function listObjects(ctx: Context): Reply {
  const bucket = bucketOf(ctx);
  const current: [string, ObjectVersion][] = [];
  for (const [key, versions] of bucket.objects) {
    const version = ctx.state.current(versions);
    if (version) current.push([key, version]);
  }
  current.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return listReply(
    ctx,
    current,
    ([key]) => key,
    ([key, version]) => objectJson(bucket, key, version, ctx.dialect),
  );
}

export function listVersions(ctx: Context): Reply {
  const key = checkedKey(ctx.params.key);
  const bucket = bucketOf(ctx);
  const versions = bucket.objects.get(key);
  if (!versions || versions.length === 0)
    throw notFound(`object ${JSON.stringify(key)} has no versions in bucket ${JSON.stringify(bucket.name)}`);
  const latest = versions[versions.length - 1];
  const newestFirst = [...versions].reverse();
  return listBySerial(
    ctx,
    newestFirst,
    (version) => ({ ...objectJson(bucket, key, version), is_latest: version === latest, is_deleted: version.deleted }),
    true,
  );
}

/** `GET /storage/cluster/status`: one node, this emulator, at the address the client dialled. */
export function clusterStatus(ctx: Context): Reply {
  const address = ctx.req.headers.host ?? ctx.req.socket.localAddress ?? "127.0.0.1";
  return { status: 200, body: { status: "HEALTHY", nodes: [{ id: "node-1", address, status: "UP" }] } };
}
