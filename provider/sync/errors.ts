/** A failed S3 call of a sync; the message names the operation, the key and the bucket, never a secret. */
export class S3SyncError extends Error {
  override name = "S3SyncError";
  constructor(
    message: string,
    /** S3's error code (`NoSuchBucket`, …), when S3 answered with one. */
    readonly code?: string,
  ) {
    super(message);
  }
}
