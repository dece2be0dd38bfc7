// What the folder classes (SyncedFolder, SiteReleases) compute in the program: the folder's
// manifest, read when the program runs (it is an input, one line per file, so `preview --diff` lists
// what an `up` would upload), and the keys each claims against the program's other
// folders (folderClaims.ts). Their generated classes call these (`computedByClass.dynamicHelper`).
import type * as pulumi from "@pulumi/pulumi";
import { buildManifest, encodeFiles } from "../provider/sync/manifest";
import { claimKeys } from "./folderClaims";
import type { SiteReleasesArgs } from "./generated/siteReleases";
import type { SyncedFolderArgs } from "./generated/syncedFolder";

type FolderArgs = SyncedFolderArgs | SiteReleasesArgs;

function folderProps(args: FolderArgs, claim: { owner: string; prefix: pulumi.Input<string> | undefined; folder?: string }): pulumi.Inputs {
  const manifest = buildManifest(args);
  const bucket = claimKeys(claim.owner, args.bucket, claim.prefix, (prefix) =>
    claim.folder !== undefined
      ? [{ key: `${prefix}${claim.folder}`, folder: true }]
      : Object.keys(manifest.files).map((file) => ({ key: `${prefix}${file}` })),
  );
  return { ...args, bucket, files: encodeFiles(manifest.files), headers: manifest.headers };
}

/** SyncedFolder claims each key it writes. */
export function syncedFolderProps(name: string, args: SyncedFolderArgs): pulumi.Inputs {
  return folderProps(args, { owner: `SyncedFolder "${name}"`, prefix: args.prefix });
}

/** Every release lives under `<prefix>releases/`: SiteReleases claims the whole folder. */
export function siteReleasesProps(name: string, args: SiteReleasesArgs): pulumi.Inputs {
  return folderProps(args, { owner: `SiteReleases "${name}"`, prefix: args.prefix, folder: "releases/" });
}
