import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";
import { SYNCED_FOLDER_OUTPUTS, folderProps, type FolderArgs } from "./syncedFolder";

export interface SiteReleasesArgs extends FolderArgs {
  /** Id of the bucket (a `Bucket`'s `id`): the one the CDN resource's storage origin serves. Changing it replaces the resource. */
  bucket: pulumi.Input<string>;
  /** Folder in the bucket that holds `releases/` (`"site"` → `site/releases/<id>/...`); default the root. Changing it replaces the resource. */
  prefix?: pulumi.Input<string>;
  /** The CDN resource serving the bucket (a `CdnResource`'s `id`): its origin path follows the live release. */
  cdnResourceId: pulumi.Input<string>;
  /** Releases kept in the bucket, the live one included, 1-100; default 5. Older ones are deleted after each switch. */
  keep?: pulumi.Input<number>;
  /**
   * Rollback: serve this kept release (an id from `releases`) instead of the folder's content; no
   * upload. Leave unset (or `undefined`) to deploy the folder.
   */
  release?: pulumi.Input<string | undefined>;
  /** How long to wait for the CDN to deploy a switch before purging, e.g. `"30m"` (the default) or `"1h"`. */
  deployTimeout?: pulumi.Input<string>;
}

const outputs = [
  ...SYNCED_FOLDER_OUTPUTS.filter((key) => key !== "syncedAt" && key !== "cdnBaseUrl"),
  "keep",
  "release",
  "deployTimeout",
  "releaseId",
  "releases",
  "contentReleaseId",
  "originPath",
];

/**
 * A local folder deployed atomically behind a CDN resource: each version is uploaded under
 * `<prefix>releases/<release id>/` (the id derived from the content; files unchanged since the live
 * release are copied server-side), then the CDN's origin path is switched in one update and purged.
 * Visitors get the old release or the new one, never a mix. Set `release` to a kept id to roll back.
 */
export class SiteReleases extends MamuteResource {
  /** Id of the bucket holding the releases. */
  declare readonly bucket: pulumi.Output<string>;
  /** Access key id of the credential that uploads. */
  declare readonly accessKeyId: pulumi.Output<string>;
  /** Its secret; always secret in state. */
  declare readonly secretAccessKey: pulumi.Output<string>;
  /** The folder holding `releases/`, as stored: empty, or a folder ending in `/`. */
  declare readonly prefix: pulumi.Output<string>;
  /** The local folder as given. */
  declare readonly path: pulumi.Output<string>;
  /** Globs of the files deployed, as given. */
  declare readonly include: pulumi.Output<string[] | undefined>;
  /** Globs of the files left out, as given. */
  declare readonly exclude: pulumi.Output<string[] | undefined>;
  /** Glob → Cache-Control rules, as given. */
  declare readonly cacheControl: pulumi.Output<Record<string, string> | undefined>;
  /** Glob → Content-Type rules, as given. */
  declare readonly contentTypes: pulumi.Output<Record<string, string> | undefined>;
  /** Files uploaded or copied at once. */
  declare readonly concurrency: pulumi.Output<number>;
  /** How long a switch waits for the CDN to deploy before purging. */
  declare readonly deployTimeout: pulumi.Output<string>;
  /** The S3 endpoint given; undefined for the provider's. */
  declare readonly s3Endpoint: pulumi.Output<string | undefined>;
  /** The CDN resource whose origin path follows the live release. */
  declare readonly cdnResourceId: pulumi.Output<string>;
  /** Releases kept in the bucket, the live one included. */
  declare readonly keep: pulumi.Output<number>;
  /** The release pinned for a rollback, or undefined when the folder is deployed. */
  declare readonly release: pulumi.Output<string | undefined>;
  /** The folder's manifest: relative path → `"<hash> <size> <headers code>"`. */
  declare readonly files: pulumi.Output<Record<string, string>>;
  /** Headers codes of `files` → `"<content type>|<cache-control>"`. */
  declare readonly headers: pulumi.Output<Record<string, string>>;
  /** The release the CDN serves. */
  declare readonly releaseId: pulumi.Output<string>;
  /** The kept releases, live first, then newest first: what `release` accepts. */
  declare readonly releases: pulumi.Output<string[]>;
  /** The release id of the folder's content; differs from `releaseId` while `release` pins another. */
  declare readonly contentReleaseId: pulumi.Output<string>;
  /** `/<prefix>releases/<releaseId>`: what the CDN resource's origin path is set to. */
  declare readonly originPath: pulumi.Output<string>;
  /** SHA-256 of the folder's manifest last deployed (base64url): an unchanged manifest needs no S3 request. */
  declare readonly filesDigest: pulumi.Output<string>;
  /** The files last deployed with their headers codes, compressed (the manifest itself is kept once, in the inputs). */
  declare readonly filesIndex: pulumi.Output<string>;

  constructor(name: string, args: SiteReleasesArgs, opts?: pulumi.CustomResourceOptions) {
    // Every release lives under `<prefix>releases/`: the whole folder is its own.
    const claim = { owner: `SiteReleases "${name}"`, prefix: args.prefix, folder: "releases/" };
    super("SiteReleases", name, folderProps(args, claim), outputs, opts, ["secretAccessKey"]);
  }
}
