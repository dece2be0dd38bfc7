// What native classes call to compute inputs in the program (see `computedByClass` of a resource
// definition); hand-written, beside the generated classes.
import * as pulumi from "@pulumi/pulumi";
import { buildManifest, type Manifest } from "../../provider/sync/manifest";

interface FolderArgs {
  path: pulumi.Input<string>;
  include?: pulumi.Input<pulumi.Input<string>[]>;
  exclude?: pulumi.Input<pulumi.Input<string>[]>;
  cacheControl?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  contentTypes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * SyncedFolder's manifest, read from the local folder when the program runs (as the dynamic SDK's
 * class does), so the engine diffs it file by file and a preview lists what an up would upload.
 * The native args take Inputs: the folder is read once they are known.
 */
export function withFolderManifest<A extends FolderArgs>(args: A): A & { [K in keyof Manifest]: pulumi.Output<Manifest[K]> } {
  const manifest = pulumi
    .all([args.path, args.include, args.exclude, args.cacheControl, args.contentTypes])
    .apply(([path, include, exclude, cacheControl, contentTypes]) => buildManifest({ path, include, exclude, cacheControl, contentTypes }));
  return { ...args, files: manifest.files, headers: manifest.headers };
}
