// The mark a SyncedFolder (or SiteReleases) leaves on each object it writes (metadata), so that it
// deletes only objects it wrote: an object uploaded by a run that was killed before it could record
// it is still known as its own, and an object another writer put under the same prefix (another
// folder, another stack, a person with the AWS CLI) is never taken for its own.
//
// The mark is derived from the resource's URN (`__owner`, set at check): unique per resource and
// stable across runs, replacements and package upgrades. It is a hash, because object metadata is
// readable by anyone with a credential of the bucket and a URN names the project and stack.
// State written before the URN was known keeps the older mark, the prefix alone (`prefixTag`),
// which two folders on one prefix share: such a mark is trusted only for keys the resource's own
// index records, never to claim an unknown key.
//
// Kept apart from the S3 client so that checks and diffs never load the AWS SDK.
import { createHash } from "node:crypto";
import { isUnknown, type PropertyMap } from "../resource";

/** Object metadata that marks an object as written by a SyncedFolder or SiteReleases. */
export const OWNER_METADATA = "mamute-synced-folder";

/** The older mark, of a prefix: every resource syncing that prefix wrote the same one. */
export function prefixTag(prefix: string): string {
  return encodeURI(`/${prefix}`);
}

/** The mark of one resource: `urn-` and 22 characters of the URN's SHA-256. */
export function resourceMark(urn: string): string {
  return `urn-${createHash("sha256").update(urn).digest("base64url").slice(0, 22)}`;
}

/**
 * For check: the mark from the URN when the caller sent it (the SDK's `__urn`, the native plugin's
 * request), else the one the previous inputs had. Undefined (an SDK too old to send the URN):
 * the resource keeps writing the prefix tag.
 */
export function ownerInput(inputs: PropertyMap, olds: PropertyMap): string | undefined {
  const urn = inputs.__urn;
  if (typeof urn === "string" && urn.startsWith("urn:pulumi:") && !isUnknown(urn)) return resourceMark(urn);
  return typeof olds.__owner === "string" ? olds.__owner : undefined;
}

/** The mark to write, and to recognise unrecorded objects by: `__owner`, or the prefix tag of older state. */
export function ownerOf(props: PropertyMap, prefix: string): string {
  return typeof props.__owner === "string" && props.__owner !== "" ? props.__owner : prefixTag(prefix);
}

/**
 * Whether an object this resource recorded as its own is still its own: carries its mark, or the
 * prefix tag it may have written before it had a mark of its own. Another resource's mark, or no
 * mark at all on an object rewritten since, means someone else wrote it over: not to delete.
 */
export function stillOwn(found: string | undefined, owner: string, prefix: string): boolean {
  return found === owner || found === prefixTag(prefix);
}
