// The hash a folder's manifest keeps for each file: the seam between the shared folder sync and a
// cloud's object store. A store tells whether an object holds the declared bytes by a hash of its
// own making (an S3 ETag, the SHA-256 of the content), so a cloud's backend chooses the kind, and
// the manifest, the parallel hashing and the hash cache all work in that kind. Each kind has a
// name, which keys the hash cache: a hash of one kind is never handed out as one of another.
import { etagOfFile } from "./etag";
import { sha256OfFile } from "./sha256";

export interface HashKind {
  /** Its name, which keys the hash cache (hashCache.ts). */
  readonly name: string;
  /** The hash as a manifest entry writes it: a regular expression's source, unanchored. */
  readonly pattern: string;
  /** What a manifest read back from the store holds for an object whose hash is not known (never a valid hash). */
  readonly unknown: string;
  /** The bytes per part the hash depends on (an ETag of a multipart upload); 0 when it depends on none. */
  readonly partSize: number;
  /**
   * The hash of a file's content, base64url. Self-contained: its source text runs on the hashing
   * worker threads (parallelHash.ts), so it uses nothing from outside its body but `require`.
   */
  readonly ofFile: (file: string, size: number, partSize: number) => string;
}

/** Files larger than this go up to S3 as multipart uploads of parts of this size (the last one smaller). */
export const PART_SIZE = 8 * 1024 * 1024;

/**
 * The ETag S3 computes for an object as the S3 sync uploads it: the MD5 of the content, or for a
 * multipart upload of PART_SIZE parts the MD5 of the part MD5s and `-<parts>`; 22 characters of
 * base64url, then the part count.
 */
export const S3_ETAG: HashKind = {
  name: "s3-etag",
  pattern: "[A-Za-z0-9_-]{22}(?:-\\d{1,5})?",
  unknown: "unknown-etag",
  partSize: PART_SIZE,
  ofFile: etagOfFile,
};

/**
 * The SHA-256 of the whole content, however the object was uploaded: 43 characters of base64url
 * (a store's 64-character hex form converts with `sha256FromHex`).
 */
export const SHA256: HashKind = {
  name: "sha256",
  pattern: "[A-Za-z0-9_-]{43}",
  unknown: "unknown-sha256",
  partSize: 0,
  ofFile: sha256OfFile,
};

/** A SHA-256 as a store writes it (64 hex characters, either case) in the manifest's form; undefined for anything else. */
export function sha256FromHex(hex: unknown): string | undefined {
  return typeof hex === "string" && /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, "hex").toString("base64url") : undefined;
}
