// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. The rules S3 enforces on completion are
// kept: parts listed in ascending order (`InvalidPartOrder`), each one uploaded with that ETag
// (`InvalidPart`), every part but the last at least 5 MiB (`EntityTooSmall`); the object's ETag is
// the MD5 of the concatenated binary part MD5s, then `-<part count>`. Parts are blobs on disk;
// the completed object is the list of its parts' blobs, so completing copies no bytes.
// Over 400 lines on purpose: the seven operations share the upload table and the completion rules,
// which read best side by side.
import { createHash, randomBytes } from "node:crypto";
import type { MultipartUpload, UploadedPart } from "../state";
import { sizeOf, type Segment } from "../blobs";
import { S3Error, invalidArgument, invalidRequest, noSuchUpload } from "./errors";
import {
  header,
  isoTime,
  objectHeadersFromRequest,
  quoteEtag,
  respond,
  respondXml,
  s3StorageClass,
  unquoteEtag,
  type S3Context,
} from "./context";
import { resolveCopySource } from "./copy-source";
import { MAX_OBJECT_BYTES } from "./body";
import { checksumOfStored, copyBytes, storeObject } from "./objects";
import { ownerOf, compareKeys } from "./list";
import { CHECKSUM_LENGTHS, createHasher, decodeBase64Digest, headerOfAlgorithm, parseAlgorithm, type ChecksumAlgorithm } from "./checksums";
import { xmlDocument, type XmlNode } from "./xml";
import { child, childrenNamed, parseXml } from "./xmlParse";
import { param } from "./target";

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10000;
/** S3's largest object (a multipart upload's sum of parts). */
export const MAX_MULTIPART_OBJECT_BYTES = 5 * 1024 ** 4;

/** S3's largest part is its largest single PUT. */
function partTooLarge(): S3Error {
  return new S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.", [
    ["MaxSizeAllowed", MAX_OBJECT_BYTES],
  ]);
}
const FULL_OBJECT_CAPABLE: ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME"];

/** UploadPart's target, checked before its body is read. */
export function checkPartTarget(ctx: S3Context): void {
  uploadOf(ctx);
  partNumberOf(ctx);
}

function uploadOf(ctx: S3Context): MultipartUpload {
  const uploadId = param(ctx.target, "uploadId") ?? "";
  const upload = ctx.bucket.uploads.get(uploadId);
  if (!upload || upload.key !== ctx.target.key) throw noSuchUpload(uploadId);
  return upload;
}

function partNumberOf(ctx: S3Context): number {
  const text = param(ctx.target, "partNumber") ?? "";
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_PART_NUMBER) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, "partNumber", text);
  }
  return value;
}

function checksumHeaders(algorithm: string | undefined, value: string | undefined, type?: string): Record<string, string> {
  const named = algorithm === undefined ? undefined : parseAlgorithm(algorithm);
  if (!named || value === undefined) return {};
  return { [headerOfAlgorithm(named)]: value, ...(type ? { "x-amz-checksum-type": type } : {}) };
}

export function createMultipartUpload(ctx: S3Context): void {
  const headers = objectHeadersFromRequest(ctx.req);
  const algorithmHeader = header(ctx.req, "x-amz-checksum-algorithm");
  const algorithm = algorithmHeader === undefined ? undefined : parseAlgorithm(algorithmHeader);
  if (algorithmHeader !== undefined && !algorithm) throw invalidRequest(`Checksum algorithm provided is unsupported: ${algorithmHeader}`);
  const typeHeader = header(ctx.req, "x-amz-checksum-type")?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== "COMPOSITE" && typeHeader !== "FULL_OBJECT") {
    throw invalidRequest(`Value for x-amz-checksum-type header is invalid: ${typeHeader}`);
  }
  if (typeHeader !== undefined && !algorithm) throw invalidRequest("x-amz-checksum-type requires x-amz-checksum-algorithm");
  // S3's defaults: CRC64NVME is full-object only; the others combine part checksums (composite).
  const type = algorithm ? (typeHeader ?? (algorithm === "CRC64NVME" ? "FULL_OBJECT" : "COMPOSITE")) : undefined;
  if (algorithm && type === "FULL_OBJECT" && !FULL_OBJECT_CAPABLE.includes(algorithm)) {
    throw invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  if (algorithm === "CRC64NVME" && type === "COMPOSITE") {
    throw invalidRequest("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
  }

  const uploadId = randomBytes(24).toString("base64url");
  const upload: MultipartUpload = {
    uploadId,
    key: ctx.target.key,
    initiated: ctx.state.now(),
    ...headers,
    checksumAlgorithm: algorithm,
    checksumType: type as MultipartUpload["checksumType"],
    parts: new Map(),
  };
  ctx.bucket.uploads.set(uploadId, upload);
  respondXml(
    ctx,
    xmlDocument("InitiateMultipartUploadResult", [
      ["Bucket", ctx.target.bucket],
      ["Key", ctx.target.key],
      ["UploadId", uploadId],
    ]),
    200,
    algorithm ? { "x-amz-checksum-algorithm": algorithm, "x-amz-checksum-type": type } : {},
  );
}

/** A part of an upload created with a checksum algorithm must carry that checksum. */
async function partChecksum(ctx: S3Context, upload: MultipartUpload, segment: Segment): Promise<UploadedPart["checksum"]> {
  const sent = ctx.body.checksum;
  const expected = upload.checksumAlgorithm;
  if (!expected) return sent;
  if (sent && sent.algorithm !== expected) {
    throw invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: ${sent.algorithm.toLowerCase()}`,
    );
  }
  if (sent) return sent;
  if (upload.checksumType === "FULL_OBJECT") {
    // Full-object uploads may leave parts unchecked; the part checksum is still needed to list it.
    return { algorithm: expected, value: await checksumOfStored(ctx, [segment], expected as ChecksumAlgorithm) };
  }
  throw invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: null`);
}

/** Keeps the part unless its upload ended while the part was arriving. */
function storePart(
  ctx: S3Context,
  upload: MultipartUpload,
  partNumber: number,
  segment: Segment,
  md5: Buffer,
  checksum: UploadedPart["checksum"],
): UploadedPart {
  if (ctx.bucket.uploads.get(upload.uploadId) !== upload) {
    ctx.state.blobs.release([segment]);
    throw noSuchUpload(upload.uploadId);
  }
  const part: UploadedPart = { partNumber, segment, etag: md5.toString("hex"), checksum, lastModified: ctx.state.now() };
  const replaced = upload.parts.get(partNumber);
  upload.parts.set(partNumber, part);
  if (replaced) ctx.state.blobs.release([replaced.segment]);
  return part;
}

export async function uploadPart(ctx: S3Context): Promise<void> {
  const upload = uploadOf(ctx);
  const partNumber = partNumberOf(ctx);
  if (!ctx.incoming) throw new Error("UploadPart without a body sink");
  const segment = await ctx.incoming.commit();
  let checksum: UploadedPart["checksum"];
  try {
    checksum = await partChecksum(ctx, upload, segment);
  } catch (error) {
    ctx.state.blobs.release([segment]);
    throw error;
  }
  const part = storePart(ctx, upload, partNumber, segment, ctx.body.md5, checksum);
  respond(ctx, 200, { etag: quoteEtag(part.etag), ...checksumHeaders(checksum?.algorithm, checksum?.value) });
}

export async function uploadPartCopy(ctx: S3Context): Promise<void> {
  const upload = uploadOf(ctx);
  const partNumber = partNumberOf(ctx);
  if (ctx.body.data.length > 0) throw invalidRequest("A copy request must not have a body.");
  const source = resolveCopySource(ctx);
  let range: { start: number; end: number } | undefined;
  const rangeHeader = header(ctx.req, "x-amz-copy-source-range");
  if (rangeHeader !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader.trim());
    if (!m || Number(m[2]) < Number(m[1])) {
      throw invalidArgument(
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
        "x-amz-copy-source-range",
        rangeHeader,
      );
    }
    if (Number(m[2]) >= source.size) {
      throw invalidArgument(
        `Range specified is not valid for source object of size: ${source.size}`,
        "x-amz-copy-source-range",
        rangeHeader,
      );
    }
    range = { start: Number(m[1]), end: Number(m[2]) };
  }
  const size = range ? range.end - range.start + 1 : source.size;
  if (size > MAX_OBJECT_BYTES) throw partTooLarge();
  const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
  const copied = await copyBytes(ctx, source.segments, range, algorithm);
  const checksum = algorithm && copied.checksum ? { algorithm, value: copied.checksum } : undefined;
  const part = storePart(ctx, upload, partNumber, copied.segment, copied.md5, checksum);
  const checksumNodes: XmlNode[] = checksum ? [[`Checksum${checksum.algorithm}`, checksum.value]] : [];
  respondXml(
    ctx,
    xmlDocument("CopyPartResult", [["ETag", quoteEtag(part.etag)], ["LastModified", isoTime(part.lastModified)], ...checksumNodes]),
  );
}

function invalidPart(upload: MultipartUpload, partNumber: number, etag: string, message?: string): S3Error {
  return new S3Error(
    400,
    "InvalidPart",
    message ??
      "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    [
      ["UploadId", upload.uploadId],
      ["PartNumber", partNumber],
      ["ETag", etag],
    ],
  );
}

function malformedXml(detail: string): S3Error {
  return new S3Error(
    400,
    "MalformedXML",
    `The XML you provided was not well-formed or did not validate against our published schema (${detail}).`,
  );
}

type ObjectChecksum = { algorithm: string; value: string; type: "FULL_OBJECT" | "COMPOSITE" };

/** The completed object's checksum (read from disk for FULL_OBJECT), checked against the client's claim. */
async function objectChecksum(
  ctx: S3Context,
  upload: MultipartUpload,
  parts: UploadedPart[],
  segments: Segment[],
): Promise<ObjectChecksum | undefined> {
  const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
  if (!algorithm) return undefined;
  let checksum: ObjectChecksum;
  if (upload.checksumType === "FULL_OBJECT") {
    checksum = { algorithm, value: await checksumOfStored(ctx, segments, algorithm), type: "FULL_OBJECT" };
  } else {
    // Composite: the checksum of the concatenated binary part checksums, then `-<part count>`.
    const hasher = createHasher(algorithm);
    for (const part of parts) {
      const raw = decodeBase64Digest(part.checksum?.value ?? "", CHECKSUM_LENGTHS[algorithm]);
      if (raw) hasher.update(raw);
    }
    checksum = { algorithm, value: `${hasher.digest().toString("base64")}-${parts.length}`, type: "COMPOSITE" };
  }
  // A whole-object checksum header on the completion is the client's claim about the object.
  const claimed = header(ctx.req, headerOfAlgorithm(algorithm));
  if (claimed !== undefined && claimed.trim().replace(/-\d+$/, "") !== checksum.value.replace(/-\d+$/, "")) {
    throw new S3Error(400, "BadDigest", `The ${algorithm} you specified for the multipart upload did not match what we calculated.`);
  }
  return checksum;
}

export async function completeMultipartUpload(ctx: S3Context): Promise<void> {
  const upload = uploadOf(ctx);
  const root = parseXml(ctx.body.data, "CompleteMultipartUpload");
  const listed = childrenNamed(root, "Part");
  if (listed.length === 0) throw malformedXml("at least one Part is required");
  const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;

  const parts: UploadedPart[] = [];
  let previous = 0;
  for (const element of listed) {
    const numberText = child(element, "PartNumber")?.text.trim() ?? "";
    const etagText = child(element, "ETag")?.text ?? "";
    if (!/^\d+$/.test(numberText) || etagText === "") throw malformedXml("each Part needs a PartNumber and an ETag");
    const partNumber = Number(numberText);
    if (partNumber <= previous) {
      throw new S3Error(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", [
        ["UploadId", upload.uploadId],
      ]);
    }
    previous = partNumber;
    const part = upload.parts.get(partNumber);
    if (!part || unquoteEtag(etagText) !== part.etag) throw invalidPart(upload, partNumber, etagText);
    if (algorithm && upload.checksumType === "COMPOSITE") {
      const sent = child(element, `Checksum${algorithm}`)?.text.trim();
      if (sent === undefined) {
        throw invalidPart(
          upload,
          partNumber,
          etagText,
          `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${partNumber} in the request.`,
        );
      }
      if (sent !== part.checksum?.value) throw invalidPart(upload, partNumber, etagText);
    }
    parts.push(part);
  }
  parts.forEach((part, index) => {
    if (index < parts.length - 1 && part.segment.size < MIN_PART_BYTES) {
      throw new S3Error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", [
        ["ProposedSize", part.segment.size],
        ["MinSizeAllowed", MIN_PART_BYTES],
        ["PartNumber", part.partNumber],
        ["ETag", quoteEtag(part.etag)],
      ]);
    }
  });

  const segments = parts.map((part) => part.segment);
  const objectSize = sizeOf(segments);
  if (objectSize > MAX_MULTIPART_OBJECT_BYTES) {
    throw new S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", [
      ["ProposedSize", objectSize],
      ["MaxSizeAllowed", MAX_MULTIPART_OBJECT_BYTES],
    ]);
  }
  // Out of the table while the full-object checksum is read, so a second completion or an abort
  // cannot take the same parts; put back if the client's claim is wrong (it may retry).
  ctx.bucket.uploads.delete(upload.uploadId);
  let checksum: ObjectChecksum | undefined;
  try {
    checksum = await objectChecksum(ctx, upload, parts, segments);
  } catch (error) {
    ctx.bucket.uploads.set(upload.uploadId, upload);
    throw error;
  }
  const etag = `${createHash("md5")
    .update(Buffer.concat(parts.map((part) => Buffer.from(part.etag, "hex"))))
    .digest("hex")}-${parts.length}`;

  const stored = storeObject(ctx, {
    segments,
    etag,
    contentType: upload.contentType,
    contentEncoding: upload.contentEncoding,
    contentDisposition: upload.contentDisposition,
    contentLanguage: upload.contentLanguage,
    cacheControl: upload.cacheControl,
    expires: upload.expires,
    metadata: upload.metadata,
    checksum,
    partSizes: segments.map((segment) => segment.size),
  });
  // Parts uploaded but not listed in the completion are dropped, as on S3.
  const used = new Set(parts);
  ctx.state.blobs.release([...upload.parts.values()].filter((part) => !used.has(part)).map((part) => part.segment));

  const host = header(ctx.req, "host") ?? "127.0.0.1";
  const location = `http://${host}/${encodeURIComponent(ctx.target.bucket)}/${ctx.target.key.split("/").map(encodeURIComponent).join("/")}`;
  const checksumNodes: XmlNode[] = checksum
    ? [
        [`Checksum${checksum.algorithm}`, checksum.value],
        ["ChecksumType", checksum.type],
      ]
    : [];
  respondXml(
    ctx,
    xmlDocument("CompleteMultipartUploadResult", [
      ["Location", location],
      ["Bucket", ctx.target.bucket],
      ["Key", ctx.target.key],
      ["ETag", quoteEtag(stored.etag)],
      ...checksumNodes,
    ]),
  );
}

export function abortMultipartUpload(ctx: S3Context): void {
  const upload = uploadOf(ctx);
  ctx.bucket.uploads.delete(upload.uploadId);
  ctx.state.blobs.release([...upload.parts.values()].map((part) => part.segment));
  respond(ctx, 204);
}

function boundedInteger(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  return Math.min(Number(value), max);
}

export function listParts(ctx: S3Context): void {
  const upload = uploadOf(ctx);
  const maxParts = boundedInteger(param(ctx.target, "max-parts"), "max-parts", 1000, 1000);
  const marker = boundedInteger(param(ctx.target, "part-number-marker"), "part-number-marker", 0, Number.MAX_SAFE_INTEGER);
  const all = [...upload.parts.values()].filter((part) => part.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const algorithm = upload.checksumAlgorithm;
  const owner = ownerOf(ctx.bucket);
  respondXml(
    ctx,
    xmlDocument("ListPartsResult", [
      ["Bucket", ctx.target.bucket],
      ["Key", upload.key],
      ["UploadId", upload.uploadId],
      ["PartNumberMarker", marker],
      ["NextPartNumberMarker", page.length > 0 ? page[page.length - 1].partNumber : marker],
      ["MaxParts", maxParts],
      ["IsTruncated", truncated],
      ...page.map((part): XmlNode => [
        "Part",
        [
          ["PartNumber", part.partNumber],
          ["LastModified", isoTime(part.lastModified)],
          ["ETag", quoteEtag(part.etag)],
          ["Size", part.segment.size],
          ...(part.checksum ? ([[`Checksum${part.checksum.algorithm}`, part.checksum.value]] as XmlNode[]) : []),
        ],
      ]),
      ["Initiator", owner],
      ["Owner", owner],
      ["StorageClass", s3StorageClass(ctx.bucket.storageClass)],
      ["ChecksumAlgorithm", algorithm],
      ["ChecksumType", upload.checksumType],
    ]),
  );
}

export function listMultipartUploads(ctx: S3Context): void {
  const prefix = param(ctx.target, "prefix") ?? "";
  const delimiter = param(ctx.target, "delimiter") ?? "";
  const keyMarker = param(ctx.target, "key-marker") ?? "";
  const uploadIdMarker = param(ctx.target, "upload-id-marker") ?? "";
  const maxUploads = boundedInteger(param(ctx.target, "max-uploads"), "max-uploads", 1000, 1000);
  const sorted = [...ctx.bucket.uploads.values()]
    .filter((upload) => upload.key.startsWith(prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime() || (a.uploadId < b.uploadId ? -1 : 1));
  // After the markers: later keys, or (with upload-id-marker) later uploads of the marker key.
  const markerIndex = uploadIdMarker === "" ? -1 : sorted.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
  const afterMarkers = (upload: MultipartUpload, index: number): boolean => {
    if (keyMarker === "") return true;
    const order = compareKeys(upload.key, keyMarker);
    return order > 0 || (order === 0 && markerIndex >= 0 && index > markerIndex);
  };
  const uploads: MultipartUpload[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (const [index, upload] of sorted.entries()) {
    if (!afterMarkers(upload, index)) continue;
    let rolledUp: string | undefined;
    if (delimiter !== "") {
      const at = upload.key.indexOf(delimiter, prefix.length);
      if (at >= 0) rolledUp = upload.key.slice(0, at + delimiter.length);
    }
    if (rolledUp !== undefined && prefixes[prefixes.length - 1] === rolledUp) continue;
    if (uploads.length + prefixes.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (rolledUp !== undefined) prefixes.push(rolledUp);
    else uploads.push(upload);
  }
  const last = uploads[uploads.length - 1];
  const owner = ownerOf(ctx.bucket);
  respondXml(
    ctx,
    xmlDocument("ListMultipartUploadsResult", [
      ["Bucket", ctx.target.bucket],
      ["KeyMarker", keyMarker],
      ["UploadIdMarker", uploadIdMarker],
      ["NextKeyMarker", truncated && last ? last.key : undefined],
      ["NextUploadIdMarker", truncated && last ? last.uploadId : undefined],
      ["Prefix", prefix],
      ["Delimiter", delimiter === "" ? undefined : delimiter],
      ["MaxUploads", maxUploads],
      ["IsTruncated", truncated],
      ...uploads.map((upload): XmlNode => [
        "Upload",
        [
          ["Key", upload.key],
          ["UploadId", upload.uploadId],
          ["Initiator", owner],
          ["Owner", owner],
          ["StorageClass", s3StorageClass(ctx.bucket.storageClass)],
          ["Initiated", isoTime(upload.initiated)],
          ["ChecksumAlgorithm", upload.checksumAlgorithm],
          ["ChecksumType", upload.checksumType],
        ],
      ]),
      ...prefixes.map((p): XmlNode => ["CommonPrefixes", [["Prefix", p]]]),
    ]),
  );
}
