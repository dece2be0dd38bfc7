// What native classes call to compute inputs in the program (see `computedByClass` of a resource
// definition); hand-written, beside the generated classes.
import * as pulumi from "@pulumi/pulumi";
import { manifestInputs } from "../../provider/sync/manifest";

interface FolderArgs {
  path: pulumi.Input<string>;
  include?: pulumi.Input<pulumi.Input<string>[]>;
  exclude?: pulumi.Input<pulumi.Input<string>[]>;
  cacheControl?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  contentTypes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * SyncedFolder's manifest, read from the local folder when the program runs (as the dynamic SDK's
 * class does), in the inputs' form (one line per file), so `preview --diff` lists what an up would upload.
 * The native args take Inputs: the folder is read once they are known.
 */
export function withFolderManifest<A extends FolderArgs>(
  args: A,
): A & { files: pulumi.Output<string>; headers: pulumi.Output<Record<string, string>> } {
  const manifest = pulumi
    .all([args.path, args.include, args.exclude, args.cacheControl, args.contentTypes])
    .apply(([path, include, exclude, cacheControl, contentTypes]) => manifestInputs({ path, include, exclude, cacheControl, contentTypes }));
  return { ...args, files: manifest.files, headers: manifest.headers };
}
