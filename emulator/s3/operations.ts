// Names an S3 request by its operation (`PutObject`, `UploadPart`, `ListObjectsV2`…) from method,
// path, query parameter names and headers alone: the request counter and fault rules key on this
// before the body is read, and the router dispatches on the same name.
import type { IncomingHttpHeaders } from "node:http";
import { parseQuery, rawSegments, splitUrl } from "./target";

/** Operations this plane answers. */
export const SUPPORTED = [
  "ListBuckets",
  "HeadBucket",
  "GetBucketLocation",
  "ListObjects",
  "ListObjectsV2",
  "ListMultipartUploads",
  "PutObject",
  "CopyObject",
  "GetObject",
  "HeadObject",
  "DeleteObject",
  "DeleteObjects",
  "CreateMultipartUpload",
  "UploadPart",
  "UploadPartCopy",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
] as const;

export type SupportedOperation = (typeof SUPPORTED)[number];

// Subresources S3 has and this plane does not emulate: they are still named (so a count or a
// fault rule can target them) and answered 501 NotImplemented.
const BUCKET_SUBRESOURCES: Record<string, [get: string, put: string, del: string]> = {
  acl: ["GetBucketAcl", "PutBucketAcl", "DeleteBucketAcl"],
  policy: ["GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"],
  cors: ["GetBucketCors", "PutBucketCors", "DeleteBucketCors"],
  versioning: ["GetBucketVersioning", "PutBucketVersioning", "DeleteBucketVersioning"],
  tagging: ["GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging"],
  lifecycle: ["GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle"],
  website: ["GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite"],
  encryption: ["GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption"],
  logging: ["GetBucketLogging", "PutBucketLogging", "DeleteBucketLogging"],
  notification: ["GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration", "DeleteBucketNotification"],
  replication: ["GetBucketReplication", "PutBucketReplication", "DeleteBucketReplication"],
  ownershipControls: ["GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls"],
  publicAccessBlock: ["GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock"],
  "object-lock": ["GetObjectLockConfiguration", "PutObjectLockConfiguration", "DeleteObjectLockConfiguration"],
  accelerate: ["GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration", "DeleteBucketAccelerateConfiguration"],
  requestPayment: ["GetBucketRequestPayment", "PutBucketRequestPayment", "DeleteBucketRequestPayment"],
  versions: ["ListObjectVersions", "ListObjectVersions", "ListObjectVersions"],
};

const OBJECT_SUBRESOURCES: Record<string, [get: string, put: string, del: string]> = {
  acl: ["GetObjectAcl", "PutObjectAcl", "DeleteObjectAcl"],
  tagging: ["GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"],
  retention: ["GetObjectRetention", "PutObjectRetention", "DeleteObjectRetention"],
  "legal-hold": ["GetObjectLegalHold", "PutObjectLegalHold", "DeleteObjectLegalHold"],
  attributes: ["GetObjectAttributes", "GetObjectAttributes", "GetObjectAttributes"],
  torrent: ["GetObjectTorrent", "GetObjectTorrent", "GetObjectTorrent"],
};

function subresource(table: Record<string, [string, string, string]>, names: Set<string>, method: string): string | undefined {
  for (const [name, ops] of Object.entries(table)) {
    if (!names.has(name)) continue;
    if (method === "GET" || method === "HEAD") return ops[0];
    if (method === "PUT") return ops[1];
    if (method === "DELETE") return ops[2];
  }
  return undefined;
}

/** `Unknown` when nothing matches (answered 405 MethodNotAllowed). */
export function operationOf(method: string, url: string, headers: IncomingHttpHeaders): string {
  const { rawPath, rawQuery } = splitUrl(url);
  const names = new Set(parseQuery(rawQuery).map(([name]) => name));
  const { rawBucket, rawKey } = rawSegments(rawPath);

  if (rawBucket === "") return method === "GET" || method === "HEAD" ? "ListBuckets" : "Unknown";

  if (rawKey === "") {
    const named = subresource(BUCKET_SUBRESOURCES, names, method);
    if (named) return named;
    switch (method) {
      case "HEAD":
        return "HeadBucket";
      case "GET":
        if (names.has("location")) return "GetBucketLocation";
        if (names.has("uploads")) return "ListMultipartUploads";
        if (names.has("list-type")) return "ListObjectsV2";
        return "ListObjects";
      case "PUT":
        return "CreateBucket";
      case "DELETE":
        return "DeleteBucket";
      case "POST":
        return names.has("delete") ? "DeleteObjects" : "PostObject";
      default:
        return "Unknown";
    }
  }

  const named = subresource(OBJECT_SUBRESOURCES, names, method);
  if (named) return named;
  switch (method) {
    case "HEAD":
      return "HeadObject";
    case "GET":
      return names.has("uploadId") ? "ListParts" : "GetObject";
    case "PUT":
      if (names.has("uploadId") || names.has("partNumber")) {
        return headers["x-amz-copy-source"] !== undefined ? "UploadPartCopy" : "UploadPart";
      }
      return headers["x-amz-copy-source"] !== undefined ? "CopyObject" : "PutObject";
    case "POST":
      if (names.has("uploads")) return "CreateMultipartUpload";
      if (names.has("uploadId")) return "CompleteMultipartUpload";
      if (names.has("restore")) return "RestoreObject";
      if (names.has("select")) return "SelectObjectContent";
      return "Unknown";
    case "DELETE":
      return names.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    default:
      return "Unknown";
  }
}

export function isSupported(operation: string): operation is SupportedOperation {
  return (SUPPORTED as readonly string[]).includes(operation);
}
