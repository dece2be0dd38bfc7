// Two folder resources of one program that would write the same key of a bucket would overwrite
// each other's file on every `up` (the last writer wins, in no fixed order), and since each owns
// only what it wrote (provider/sync/owner.ts), neither could tell. The provider's check sees one
// resource at a time and cannot know about the other, so this is decided here, when the program
// runs: every SyncedFolder and SiteReleases claims its keys, and a second claim on a key fails.
//
// What this can know: folders declared in the same program run, on a bucket given as the same
// string or the same Output (caught as the program runs, so at preview), or as Outputs that
// resolve to the same id (caught once the id is known: at preview for an existing bucket, else at
// `up`, before either folder writes anything). Folders in other stacks or programs are not seen:
// there the owner marks keep each from deleting the other's files, and the last writer of a key
// wins it.
import * as pulumi from "@pulumi/pulumi";

export interface KeyClaim {
  /** A key, or with `folder` every key under it. */
  key: string;
  folder?: boolean;
}

interface Held extends KeyClaim {
  owner: string;
}

export class FolderConflictError extends Error {
  override name = "FolderConflictError";
}

/** Claims by bucket: the bucket's id (`id:<id>`), or the Output object given before it is known. */
const claimsByBucket = new Map<unknown, Held[]>();

/** As the provider stores it: `site`, `/site/` → `site/`; empty stays empty. */
export function canonicalPrefix(prefix: string | undefined): string {
  const folder = (prefix ?? "").replace(/^\/+|\/+$/g, "");
  return folder === "" ? "" : `${folder}/`;
}

function conflict(owner: string, other: Held, key: string, bucket: string): FolderConflictError {
  const what = other.folder ? `under "${other.key}", which ${other.owner} holds` : `"${key}"`;
  return new FolderConflictError(
    `${owner} and ${other.owner} would both write ${what} in ${bucket}: each \`up\` would overwrite the other's file. ` +
      "Give them different prefixes, or leave the file out of one of them (exclude).",
  );
}

function claimIn(bucketKey: unknown, bucketLabel: string, owner: string, claims: readonly KeyClaim[]): void {
  // A resource registered again under the same name (a test, a program run twice) replaces its claim.
  const others = (claimsByBucket.get(bucketKey) ?? []).filter((held) => held.owner !== owner);
  const keys = new Map(others.filter((held) => !held.folder).map((held) => [held.key, held]));
  const folders = others.filter((held) => held.folder);
  for (const claim of claims) {
    const inFolder = folders.find((held) => claim.key.startsWith(held.key) || (claim.folder && held.key.startsWith(claim.key)));
    if (inFolder) throw conflict(owner, inFolder, claim.key, bucketLabel);
    const same = claim.folder ? [...keys.values()].find((held) => held.key.startsWith(claim.key)) : keys.get(claim.key);
    if (same) throw conflict(owner, same, same.key, bucketLabel);
  }
  claimsByBucket.set(bucketKey, [...others, ...claims.map((claim) => ({ ...claim, owner }))]);
}

/**
 * Claims a folder resource's keys in its bucket; throws a FolderConflictError naming both
 * resources when another holds one. Returns the bucket input to register: for a bucket not known
 * yet, one that fails (naming both) if its id turns out to be another folder's bucket.
 */
export function claimKeys(
  owner: string,
  bucket: pulumi.Input<string>,
  prefix: pulumi.Input<string> | undefined,
  claimsUnder: (prefix: string) => KeyClaim[],
): pulumi.Input<string> {
  if (typeof prefix !== "object" || prefix === null) {
    const known = typeof bucket === "string";
    claimIn(known ? `id:${bucket}` : bucket, known ? `bucket ${bucket}` : "the same bucket", owner, claimsUnder(canonicalPrefix(prefix)));
    if (known) return bucket;
  }
  // Throwing in the apply fails this folder's registration, before the engine creates it.
  return pulumi.all([bucket, prefix]).apply(([id, resolved]) => {
    claimResolved(owner, id, resolved, claimsUnder);
    return id;
  });
}

/** The claim once the bucket's id and the prefix are known. */
export function claimResolved(owner: string, id: string, prefix: string | undefined, claimsUnder: (prefix: string) => KeyClaim[]): void {
  claimIn(`id:${id}`, `bucket ${id}`, owner, claimsUnder(canonicalPrefix(prefix)));
}
