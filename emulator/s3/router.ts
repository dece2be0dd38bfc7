// One S3 request from end to end: name the operation, authenticate (SigV4), resolve the bucket and
// check the credential may open it, read and verify the body, run the operation; any S3Error
// becomes S3's XML error. Authentication comes first, as on S3, so nothing about a bucket is
// revealed to an unsigned or badly signed request. Whatever the headers already condemn (a body
// over the size limit, metadata over 2 KB, a missing upload) is refused before the body is read.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Bucket, EmulatorState } from "../state";
import { S3Error, accessDenied, noSuchBucket, notImplemented, sendS3Error } from "./errors";
import { header, metadataFromHeaders, standardHeaders, type S3Context } from "./context";
import { authenticate } from "./sigv4";
import { MAX_OBJECT_BYTES, checkDeclaredLength, readBody, type BodyLimits } from "./body";
import { isSupported, operationOf, type SupportedOperation } from "./operations";
import { parseTarget } from "./target";
import { getBucketLocation, headBucket, listBuckets } from "./buckets";
import { listObjectsV1, listObjectsV2 } from "./list";
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from "./objects";
import {
  abortMultipartUpload,
  checkPartTarget,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./multipart";

type Handler = (ctx: S3Context) => void | Promise<void>;

/** Operations whose body is an object (or part) and goes to disk. */
const STREAMED = new Set<string>(["PutObject", "UploadPart"]);

/** Checks that need only the request line and headers, run before the body is read. */
const BEFORE_BODY: Partial<Record<SupportedOperation, (ctx: S3Context) => void>> = {
  PutObject: (ctx) => metadataFromHeaders(ctx.req),
  CopyObject: (ctx) => metadataFromHeaders(ctx.req),
  CreateMultipartUpload: (ctx) => metadataFromHeaders(ctx.req),
  UploadPart: checkPartTarget,
};

const NO_BODY = { data: Buffer.alloc(0), md5: Buffer.alloc(0), integrityChecked: false };

const HANDLERS: Record<Exclude<SupportedOperation, "ListBuckets">, Handler> = {
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: listObjectsV1,
  ListObjectsV2: listObjectsV2,
  ListMultipartUploads: listMultipartUploads,
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
};

/** Request documents are small; object bodies go up to S3's single-PUT limit. */
function limitsFor(operation: string): BodyLimits {
  if (operation === "PutObject" || operation === "UploadPart") {
    return {
      maxBytes: MAX_OBJECT_BYTES,
      tooLarge: () =>
        new S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", [
          ["MaxSizeAllowed", MAX_OBJECT_BYTES],
        ]),
    };
  }
  const maxBytes = operation === "DeleteObjects" || operation === "CompleteMultipartUpload" ? 8 * 1024 * 1024 : 1024 * 1024;
  return {
    maxBytes,
    tooLarge: () => new S3Error(400, "MaxMessageLengthExceeded", "Your request was too big.", [["MaxMessageLengthBytes", maxBytes]]),
  };
}

function resolveBucket(state: EmulatorState, ref: string, credentialBucketId: string): Bucket {
  const bucket = state.bucketByIdOrName(ref);
  if (!bucket) throw noSuchBucket(ref);
  if (bucket.id !== credentialBucketId) {
    throw accessDenied("Access Denied: this credential belongs to another bucket (a MamuteCloud S3 credential opens only its own bucket)");
  }
  return bucket;
}

function unsupported(operation: string): S3Error {
  if (operation === "CreateBucket" || operation === "DeleteBucket") {
    return notImplemented(
      `${operation} is not available on the S3 endpoint: buckets are created and deleted through the MamuteCloud management API (/object-storage/buckets).`,
    );
  }
  return notImplemented(`${operation} is not implemented by the MamuteCloud emulator.`);
}

export async function handleS3(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const url = req.url ?? "/";
  const resourcePath = url.split("?")[0];
  let incoming: S3Context["incoming"];
  try {
    const operation = operationOf(req.method ?? "GET", url, req.headers);
    const target = parseTarget(url);
    const auth = authenticate(req, target, state);
    if (operation === "Unknown") {
      throw new S3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", [
        ["Method", req.method ?? ""],
      ]);
    }

    // Before the bucket lookup, so CreateBucket of a new name says where buckets are made.
    if (!isSupported(operation)) throw unsupported(operation);
    let bucket: Bucket | undefined;
    if (operation === "ListBuckets") {
      bucket = state.buckets.get(auth.credential.bucketId);
    } else {
      bucket = resolveBucket(state, target.bucket, auth.credential.bucketId);
    }

    const ctx: S3Context = { req, res, state, target, auth, bucket: bucket as Bucket, body: NO_BODY, requestId };
    BEFORE_BODY[operation]?.(ctx);
    const limits = limitsFor(operation);
    checkDeclaredLength(req, auth, limits);
    if (STREAMED.has(operation)) incoming = ctx.incoming = state.blobs.writer();
    // The S3 server leaves `Expect: 100-continue` to us: the client sends its body only now, after
    // every check the headers allow has passed (a refused upload is never sent at all).
    if (/\b100-continue\b/i.test(header(req, "expect") ?? "")) res.writeContinue();
    ctx.body = await readBody(req, auth, limits, {
      // CompleteMultipartUpload's x-amz-checksum-* headers state the object's checksum, not the XML's.
      checksumHeadersDescribeBody: operation !== "CompleteMultipartUpload",
      sink: incoming,
    });
    // The bucket may have been deleted while the body was arriving: writing into it now would
    // leave objects no bucket lists.
    if (bucket && !state.buckets.has(bucket.id)) {
      throw noSuchBucket(target.bucket);
    }
    if (operation === "ListBuckets") return listBuckets(ctx, bucket);
    await HANDLERS[operation](ctx);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Refused before its body was read: close the connection rather than read the rest of it.
    if (!req.complete) res.shouldKeepAlive = false;
    const s3Error =
      error instanceof S3Error
        ? error
        : new S3Error(500, "InternalError", `We encountered an internal error: ${(error as Error)?.message ?? String(error)}`);
    sendS3Error(req, res, s3Error, resourcePath, requestId, standardHeaders(state, requestId));
  } finally {
    // A body not committed by its handler (refused, failed, cut short) never becomes visible.
    await incoming?.discard();
  }
}
