// "Already gone", the one rule for every kind: a delete that meets it succeeds (what it was to
// remove is not there), a read that meets it returns nothing (the engine drops the resource, and
// the next `up` creates it again). Gone is a 404 from the API, whatever its body (isNotFound), or
// S3's NoSuchBucket for what lives in a bucket (its files went with it).
import { isNotFound } from "./client";
import { S3SyncError } from "./sync/errors";

export function isGone(err: unknown): boolean {
  return isNotFound(err) || (err instanceof S3SyncError && err.code === "NoSuchBucket");
}

/** `work`'s result, or undefined when what it reads or deletes is already gone; any other failure is thrown. */
export async function unlessGone<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}
