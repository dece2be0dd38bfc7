// `x-amz-copy-source` (CopyObject and UploadPartCopy): `bucket/key` or `/bucket/key`, URL-encoded,
// optionally `?versionId=null`. A credential opens one bucket, so the source must be the addressed
// bucket (by id or name); its `x-amz-copy-source-if-*` conditions are checked here.
import type { StoredObject } from "../state";
import { S3Error, accessDenied, invalidArgument, noSuchBucket, noSuchKey } from "./errors";
import { header, type S3Context } from "./context";
import { evaluateConditions } from "./conditions";
import { percentDecode } from "./target";

export function resolveCopySource(ctx: S3Context): StoredObject {
  const raw = header(ctx.req, "x-amz-copy-source") ?? "";
  const q = raw.indexOf("?");
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  if (q >= 0) {
    const versionId = new URLSearchParams(raw.slice(q + 1)).get("versionId");
    // Versioning is not emulated: every object's version id is the literal "null".
    if (versionId !== null && versionId !== "null") throw invalidArgument("Invalid version id specified", "x-amz-copy-source", raw);
  }
  const decoded = percentDecode(pathPart.startsWith("/") ? pathPart.slice(1) : pathPart);
  const slash = decoded?.indexOf("/") ?? -1;
  if (decoded === undefined || slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", raw);
  }
  const bucketRef = decoded.slice(0, slash);
  const key = decoded.slice(slash + 1);
  const source = ctx.state.bucketByIdOrName(bucketRef);
  if (!source) throw noSuchBucket(bucketRef);
  if (source.id !== ctx.bucket.id) throw accessDenied("Access Denied: a credential can only copy within its own bucket");
  const object = source.objects.get(key);
  if (!object) throw noSuchKey(key);

  const outcome = evaluateConditions(
    {
      ifMatch: header(ctx.req, "x-amz-copy-source-if-match"),
      ifNoneMatch: header(ctx.req, "x-amz-copy-source-if-none-match"),
      ifModifiedSince: header(ctx.req, "x-amz-copy-source-if-modified-since"),
      ifUnmodifiedSince: header(ctx.req, "x-amz-copy-source-if-unmodified-since"),
    },
    object,
    412,
  );
  if (!outcome.ok) {
    throw new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", [
      ["Condition", `x-amz-copy-source-${outcome.condition.toLowerCase()}`],
    ]);
  }
  return object;
}
