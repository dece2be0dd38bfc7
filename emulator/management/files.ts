// The files view: metadata of the objects the S3 plane stored, read straight from `bucket.objects`.
// Objects carry no ids of their own, so file and folder ids are hashes of bucket id and key (or
// directory): the same object or directory always has the same id, and nothing needs keeping in
// sync when S3 writes.
import { createHash } from "node:crypto";
import type { Bucket, EmulatorState, StoredObject } from "../state";
import { notFound, timestamp } from "./http";
import { queryString } from "./fields";
import { bucketById } from "./buckets";
import { paginate, parsePage } from "./pagination";
import type { Route, RouteContext } from "./router";

function derivedId(prefix: string, bucketId: string, path: string): string {
  return `${prefix}_${createHash("sha256").update(`${bucketId}\0${path}`).digest("hex").slice(0, 16)}`;
}

/**
 * `a/b/c.txt` is `c.txt` in directory `a/b/`; a folder marker `a/b/` is `b/` in `a/`; a key at
 * the root has no directory.
 */
function splitKey(key: string): { directory: string | null; name: string } {
  const trimmed = key.endsWith("/") ? key.slice(0, -1) : key;
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return { directory: null, name: key };
  return { directory: key.slice(0, slash + 1), name: key.slice(slash + 1) };
}

export function fileId(bucketId: string, key: string): string {
  return derivedId("fil", bucketId, key);
}

export function folderId(bucketId: string, directory: string | null): string | null {
  return directory === null ? null : derivedId("fld", bucketId, directory);
}

function fileJson(bucket: Bucket, object: StoredObject) {
  const { directory, name } = splitKey(object.key);
  return {
    id: fileId(bucket.id, object.key),
    name,
    key: object.key,
    folder_id: folderId(bucket.id, directory),
    size: object.size,
    content_type: object.contentType,
    etag: object.etag,
    storage_class: bucket.storageClass,
    created_at: timestamp(object.createdAt),
    updated_at: timestamp(object.lastModified),
  };
}

/** S3 lists keys in UTF-8 byte order; the files list follows it so both agree. */
function byKey(a: StoredObject, b: StoredObject): number {
  return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
}

function fileOfBucket(state: EmulatorState, ctx: RouteContext): { bucket: Bucket; object: StoredObject } {
  const bucket = bucketById(state, ctx.params.bucketId);
  for (const object of bucket.objects.values()) {
    if (fileId(bucket.id, object.key) === ctx.params.fileId) return { bucket, object };
  }
  throw notFound(`file ${ctx.params.fileId} not found in bucket ${bucket.id}`);
}

export function fileRoutes(state: EmulatorState): Route[] {
  const base = "/object-storage/buckets/{bucketId}/files";
  return [
    {
      method: "GET",
      template: base,
      handler: (ctx) => {
        const bucket = bucketById(state, ctx.params.bucketId);
        const page = parsePage(ctx.query);
        const inFolder = queryString(ctx.query, "folder_id");
        const nameContains = queryString(ctx.query, "filename")?.toLowerCase();
        const objects = [...bucket.objects.values()]
          .filter((object) => {
            const { directory, name } = splitKey(object.key);
            if (inFolder !== undefined && folderId(bucket.id, directory) !== inFolder) return false;
            return nameContains === undefined || name.toLowerCase().includes(nameContains);
          })
          .sort(byKey);
        return { status: 200, body: paginate(objects, page, (object) => fileJson(bucket, object)) };
      },
    },
    {
      method: "GET",
      template: `${base}/{fileId}`,
      handler: (ctx) => {
        const { bucket, object } = fileOfBucket(state, ctx);
        return { status: 200, body: fileJson(bucket, object) };
      },
    },
    {
      method: "DELETE",
      template: `${base}/{fileId}`,
      handler: (ctx) => {
        const { bucket, object } = fileOfBucket(state, ctx);
        bucket.objects.delete(object.key);
        state.blobs.release(object.segments);
        return { status: 204 };
      },
    },
  ];
}
