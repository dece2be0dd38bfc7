// Multipart uploads: init, parts streamed to blobs, complete (the object is the list of its parts'
// blobs: no bytes are copied, they are read once for the sha256), abort. The reference has no
// route listing uploads; `/_emulator/multipart` shows them (uploadJson).
import { sizeOf } from "../../emulator/blobs";
import { isAbsent, queryInteger } from "../../emulator/management/fields";
import { bucketOf } from "./buckets";
import { checkedKey, checksumOf, objectJson, receiveBody } from "./objects";
import type { TheCloudState, Upload, UploadPart } from "./state";
import { created, deleted, iso, notFound, validationError, type Context, type Reply } from "./http";

const MAX_PARTS = 10_000;
export const MIN_PART_BYTES = 5 * 1024 * 1024;

function uploadOf(ctx: Context): Upload {
  const upload = ctx.state.uploads.get(ctx.params.id);
  if (!upload) throw notFound(`multipart upload ${JSON.stringify(ctx.params.id)} not found (unknown, completed or aborted)`);
  return upload;
}

function partJson(part: UploadPart) {
  return { part: part.part, size_bytes: part.segment.size, checksum: part.checksum };
}

/** An unfinished upload as `/_emulator/multipart` lists it. */
export function uploadJson(upload: Upload) {
  return {
    id: upload.id,
    bucket: upload.bucket,
    key: upload.key,
    content_type: upload.contentType,
    created_at: iso(upload.createdAt),
    parts: [...upload.parts.values()].sort((a, b) => a.part - b.part).map(partJson),
  };
}

export async function initUpload(ctx: Context): Promise<Reply> {
  const key = checkedKey(ctx.params.key);
  const bucket = bucketOf(ctx);
  const body = await ctx.json();
  let contentType = "application/octet-stream";
  if (!isAbsent(body, "content_type")) {
    const given = body.content_type;
    if (typeof given !== "string" || given.trim() === "" || given.length > 256 || !/^[\x20-\x7e]+$/.test(given)) {
      throw validationError("content_type", "must be a media type such as text/html (printable ASCII, at most 256 characters)");
    }
    contentType = given.trim();
  }
  const upload: Upload = { id: ctx.state.newId(), bucket: bucket.name, key, contentType, createdAt: ctx.state.now(), parts: new Map() };
  ctx.state.uploads.set(upload.id, upload);
  return created(ctx, { id: upload.id, bucket: upload.bucket, key: upload.key, created_at: iso(upload.createdAt) });
}

export async function uploadPart(ctx: Context): Promise<Reply> {
  const number = queryInteger(ctx.query, "part", 1, MAX_PARTS);
  if (number === undefined) throw validationError("part", `is required: ?part=N with N from 1 to ${MAX_PARTS}`);
  uploadOf(ctx);
  const body = await receiveBody(ctx, "body");
  // The upload may have been completed or aborted while the part arrived.
  const upload = ctx.state.uploads.get(ctx.params.id);
  if (!upload) {
    ctx.state.blobs.release([body.segment]);
    throw notFound(`multipart upload ${JSON.stringify(ctx.params.id)} not found (completed or aborted meanwhile)`);
  }
  const replaced = upload.parts.get(number);
  if (replaced) ctx.state.blobs.release([replaced.segment]);
  const part: UploadPart = { part: number, segment: body.segment, checksum: body.checksum, createdAt: ctx.state.now() };
  upload.parts.set(number, part);
  return { status: 200, body: partJson(part) };
}

/** The part numbers `{"parts": [...]}` names (checked), or every uploaded part. */
function chosenParts(ctx: Context, upload: Upload, body: Record<string, unknown>): number[] {
  if (isAbsent(body, "parts")) {
    if (ctx.dialect.completeRequiresParts) throw validationError("parts", "is required: the part numbers to assemble, e.g. [1, 2]");
    return [...upload.parts.keys()].sort((a, b) => a - b);
  }
  const given = body.parts;
  if (!Array.isArray(given) || given.length > MAX_PARTS)
    throw validationError("parts", `must be a list of at most ${MAX_PARTS} part numbers`);
  const seen = new Set<number>();
  for (const [index, part] of given.entries()) {
    if (typeof part !== "number" || !Number.isInteger(part) || part < 1 || part > MAX_PARTS)
      throw validationError(`parts[${index}]`, `must be a part number from 1 to ${MAX_PARTS}`);
    if (seen.has(part)) throw validationError(`parts[${index}]`, `part ${part} is listed twice`);
    if (!upload.parts.has(part)) throw validationError(`parts[${index}]`, `part ${part} was not uploaded`);
    seen.add(part);
  }
  return [...seen].sort((a, b) => a - b);
}

export async function completeUpload(ctx: Context): Promise<Reply> {
  const upload = uploadOf(ctx);
  const numbers = chosenParts(ctx, upload, await ctx.json());
  if (numbers.length === 0) throw validationError("parts", "no part was uploaded");
  const parts = numbers.map((number) => upload.parts.get(number)!);
  if (ctx.dialect.partMinimum) {
    const small = parts.slice(0, -1).find((part) => part.segment.size < MIN_PART_BYTES);
    if (small) {
      throw validationError(
        "parts",
        `part ${small.part} is ${small.segment.size} bytes; every part but the last must be at least 5 MiB (${MIN_PART_BYTES} bytes)`,
      );
    }
  }
  const segments = parts.map((part) => part.segment);
  const checksum = await checksumOf(ctx.state.blobs, segments);
  // Completed, aborted or its bucket deleted while the parts were read: nothing to assemble any more.
  const bucket = ctx.state.buckets.get(upload.bucket);
  if (ctx.state.uploads.get(upload.id) !== upload || !bucket || parts.some((part) => upload.parts.get(part.part) !== part)) {
    throw notFound(`multipart upload ${JSON.stringify(upload.id)} changed while it was completed; try again`);
  }
  // The chosen parts become the object; the others are discarded with the upload.
  for (const number of numbers) upload.parts.delete(number);
  ctx.state.deleteUpload(upload.id);
  const version = ctx.state.putVersion(bucket, upload.key, {
    segments,
    size: sizeOf(segments),
    contentType: upload.contentType,
    checksum,
  });
  if (ctx.dialect.completeAnswersUpload) return created(ctx, { id: upload.id, bucket: bucket.name, key: upload.key, status: "COMPLETED" });
  return created(ctx, objectJson(bucket, upload.key, version));
}

export function abortUpload(ctx: Context): Reply {
  ctx.state.deleteUpload(uploadOf(ctx).id);
  return deleted(ctx, "multipart upload");
}

/** Every unfinished upload, oldest first. */
export function unfinishedUploads(state: TheCloudState) {
  return [...state.uploads.values()].map(uploadJson);
}
