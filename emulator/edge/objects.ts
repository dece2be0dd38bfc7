// The one place the edge reads a bucket's objects. Bytes live on disk: a small object is read
// whole (the edge caches it and cuts ranges from it), a big one is streamed from disk when the
// answer is written, whole or by range, so memory stays flat in the size of what is served.
import type { Readable } from "node:stream";
import type { ByteRange } from "../blobs";
import type { EmulatorState, ObjectHeaders } from "../state";

export interface EdgeObject extends ObjectHeaders {
  size: number;
  /** No quotes. */
  etag: string;
  lastModified: Date;
  /** The whole body, read into memory. */
  readAll(): Promise<Buffer>;
  /** The body (or a range of it), streamed; the bytes stay readable until the stream closes. */
  open(range?: ByteRange): Readable;
}

export type ObjectLookup = { kind: "found"; object: EdgeObject } | { kind: "missing" } | { kind: "no_bucket" };

export function readObject(state: EmulatorState, bucketId: string, key: string): ObjectLookup {
  const bucket = state.buckets.get(bucketId);
  if (!bucket) return { kind: "no_bucket" };
  const object = bucket.objects.get(key);
  if (!object) return { kind: "missing" };
  const segments = object.segments;
  return {
    kind: "found",
    object: { ...object, readAll: () => state.blobs.readAll(segments), open: (range) => state.blobs.read(segments, range) },
  };
}

export function objectExists(state: EmulatorState, bucketId: string, key: string): boolean {
  return state.buckets.get(bucketId)?.objects.has(key) ?? false;
}
