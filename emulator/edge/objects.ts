// The one place the edge reads a bucket's objects. Objects live in memory today; when they move to
// disk only this accessor changes (the edge already treats a body as something it is handed).
import type { EmulatorState, ObjectHeaders } from "../state";

export interface EdgeObject extends ObjectHeaders {
  body: Buffer;
  /** No quotes. */
  etag: string;
  lastModified: Date;
}

export type ObjectLookup = { kind: "found"; object: EdgeObject } | { kind: "missing" } | { kind: "no_bucket" };

export function readObject(state: EmulatorState, bucketId: string, key: string): ObjectLookup {
  const bucket = state.buckets.get(bucketId);
  if (!bucket) return { kind: "no_bucket" };
  const object = bucket.objects.get(key);
  return object ? { kind: "found", object } : { kind: "missing" };
}

export function objectExists(state: EmulatorState, bucketId: string, key: string): boolean {
  return state.buckets.get(bucketId)?.objects.has(key) ?? false;
}
