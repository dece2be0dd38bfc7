// The mark a SyncedFolder leaves on each object it writes (metadata), so an object uploaded by a run
// that was killed before it could record it is still known as its own. Kept apart from the S3
// client so that checks and diffs never load the AWS SDK.

/** Object metadata that marks an object as written by a SyncedFolder into a prefix. */
export const OWNER_METADATA = "mamute-synced-folder";

/** The owner mark of a prefix: objects a SyncedFolder of another prefix wrote are not its own. */
export function ownerTag(prefix: string): string {
  return encodeURI(`/${prefix}`);
}
