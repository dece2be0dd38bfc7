import * as pulumi from "@pulumi/pulumi";
import { buildManifest } from "../provider/sync/manifest";
import { claimKeys } from "./folderClaims";
import { MamuteResource } from "./resource";

/** What every class that deploys a local folder to a bucket takes (SyncedFolder, SiteReleases). */
export interface FolderArgs {
  /** Id of the bucket (a `Bucket`'s `id`). Changing it replaces the resource. */
  bucket: pulumi.Input<string>;
  /** Access key id of a credential that opens the bucket (a `BucketCredential`'s `accessKeyId`). */
  accessKeyId: pulumi.Input<string>;
  /** Its secret (a `BucketCredential`'s `secretAccessKey`); always kept secret in state. */
  secretAccessKey: pulumi.Input<string>;
  /**
   * The local folder to deploy, e.g. `"./dist"`; relative to the program's folder. Read when the
   * program runs, so `pulumi preview` lists the files added, changed and removed.
   */
  path: string;
  /** Globs (picomatch) of the files to deploy, relative to `path`; default every file, dot files included. */
  include?: string[];
  /** Globs of files to leave out; default `["**\/.git/**", "**\/.DS_Store", "**\/Thumbs.db"]`. */
  exclude?: string[];
  /**
   * Glob → Cache-Control, the first matching rule in the order written wins. Files no rule matches:
   * fingerprinted assets (`app-3f9a2b1c.js`, `_next/static/**`) `public, max-age=31536000, immutable`;
   * every other file (pages, unfingerprinted CSS, scripts, images) `public, max-age=0,
   * s-maxage=86400, must-revalidate`: browsers revalidate it on each use, the CDN keeps it until an
   * `up` purges it.
   */
  cacheControl?: Record<string, string>;
  /** Glob → Content-Type, first match wins; otherwise the type of the extension (text with `charset=utf-8`). */
  contentTypes?: Record<string, string>;
  /** Files uploaded (or copied) at once, 1-64; default 48. */
  concurrency?: pulumi.Input<number>;
  /** S3 endpoint; default the provider's `mamutecloud:s3Endpoint`. */
  s3Endpoint?: pulumi.Input<string>;
}

export interface SyncedFolderArgs extends FolderArgs {
  /** Folder in the bucket the files go under (`"site"` → keys `site/...`); default the root. */
  prefix?: pulumi.Input<string>;
  /** A CDN resource serving the bucket: the paths of the files uploaded or deleted are purged after each sync. */
  cdnResourceId?: pulumi.Input<string>;
  /**
   * Where the CDN serves the folder's root, when not at `/<prefix>`: e.g. `"https://acme.example.com/"`
   * for a tenant's folder under subdomain routing. Purged paths are this plus each file's path in the folder.
   */
  cdnBaseUrl?: pulumi.Input<string>;
}

export const SYNCED_FOLDER_OUTPUTS = [
  "bucket",
  "accessKeyId",
  "secretAccessKey",
  "prefix",
  "path",
  "include",
  "exclude",
  "cacheControl",
  "contentTypes",
  "concurrency",
  "cdnResourceId",
  "cdnBaseUrl",
  "s3Endpoint",
  "files",
  "headers",
  "filesDigest",
  "filesIndex",
  "syncedAt",
] as const;

/**
 * The props of a class that deploys a local folder (SyncedFolder, SiteReleases): the args, the S3
 * secret as a secret even when given as a plain string, and the folder's manifest, read now, in
 * the program: it is an input, so the engine diffs it file by file.
 */
export function folderProps(args: FolderArgs, claim?: { owner: string; prefix: pulumi.Input<string> | undefined; folder?: string }): pulumi.Inputs {
  const manifest = buildManifest(args);
  // The keys it writes, claimed against the program's other folders (folderClaims.ts).
  const bucket = claim
    ? claimKeys(claim.owner, args.bucket, claim.prefix, (prefix) =>
        claim.folder !== undefined ? [{ key: `${prefix}${claim.folder}`, folder: true }] : Object.keys(manifest.files).map((file) => ({ key: `${prefix}${file}` })),
      )
    : args.bucket;
  return { ...args, bucket, secretAccessKey: pulumi.secret(args.secretAccessKey), files: manifest.files, headers: manifest.headers };
}

/**
 * A local folder kept in a bucket: each `up` uploads only the files added or changed since the last
 * one, deletes only files it uploaded that are gone, and purges exactly those paths on a CDN
 * resource. Its `id` is `<bucket>/<prefix>`.
 */
export class SyncedFolder extends MamuteResource {
  /** Id of the bucket the files are in. */
  declare readonly bucket: pulumi.Output<string>;
  /** Access key id of the credential that uploads. */
  declare readonly accessKeyId: pulumi.Output<string>;
  /** Its secret; always secret in state. */
  declare readonly secretAccessKey: pulumi.Output<string>;
  /** The prefix as stored: empty, or a folder ending in `/`. */
  declare readonly prefix: pulumi.Output<string>;
  /** The local folder as given. */
  declare readonly path: pulumi.Output<string>;
  /** Globs of the files uploaded, as given. */
  declare readonly include: pulumi.Output<string[] | undefined>;
  /** Globs of the files left out, as given. */
  declare readonly exclude: pulumi.Output<string[] | undefined>;
  /** Glob → Cache-Control rules, as given. */
  declare readonly cacheControl: pulumi.Output<Record<string, string> | undefined>;
  /** Glob → Content-Type rules, as given. */
  declare readonly contentTypes: pulumi.Output<Record<string, string> | undefined>;
  /** Files uploaded at once. */
  declare readonly concurrency: pulumi.Output<number>;
  /** The CDN resource purged after each sync; undefined when none. */
  declare readonly cdnResourceId: pulumi.Output<string | undefined>;
  /** Where the CDN serves the folder's root, when not at `/<prefix>`; undefined otherwise. */
  declare readonly cdnBaseUrl: pulumi.Output<string | undefined>;
  /** The S3 endpoint given; undefined for the provider's. */
  declare readonly s3Endpoint: pulumi.Output<string | undefined>;
  /** The manifest: relative path → `"<hash> <size> <headers code>"`, the hash being the object's S3 ETag. */
  declare readonly files: pulumi.Output<Record<string, string>>;
  /** Headers codes of `files` → `"<content type>|<cache-control>"`. */
  declare readonly headers: pulumi.Output<Record<string, string>>;
  /** SHA-256 of the manifest last synced (base64url): an unchanged manifest needs no S3 request. */
  declare readonly filesDigest: pulumi.Output<string>;
  /** The files last synced with their headers codes, compressed (the manifest itself is kept once, in the inputs). */
  declare readonly filesIndex: pulumi.Output<string>;
  /** When the last sync that changed the bucket began (ISO 8601). */
  declare readonly syncedAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: SyncedFolderArgs, opts?: pulumi.CustomResourceOptions) {
    super("SyncedFolder", name, folderProps(args, { owner: `SyncedFolder "${name}"`, prefix: args.prefix }), SYNCED_FOLDER_OUTPUTS, opts, ["secretAccessKey"]);
  }
}
