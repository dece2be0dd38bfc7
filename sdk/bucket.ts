import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export type StorageClass = "Standard" | "InfrequentAccess" | "Archive";

export interface BucketArgs {
  /**
   * 3-63 characters of a-z, 0-9 and `-` (upper case is lowered). Changing it renames the bucket in
   * place. Omitted: `<resource name>-<7 characters derived from the resource's URN and the account>`, kept across runs (see the README's "Interrupted creates").
   */
  name?: pulumi.Input<string>;
  /** `Standard` (default), `InfrequentAccess` or `Archive`. Changing it replaces the bucket. */
  storageClass?: pulumi.Input<StorageClass>;
  /**
   * Delete the bucket even when it still holds files, deleting them too. When false (the default),
   * destroying a bucket that holds files fails and deletes nothing.
   */
  forceDestroy?: pulumi.Input<boolean>;
}

const outputs = ["name", "storageClass", "forceDestroy", "region", "s3Endpoint", "createdAt"] as const;

/** A MamuteCloud object storage bucket. Its `id` is the bucket id the S3 data plane accepts. */
export class Bucket extends MamuteResource {
  /** The bucket's name (lower case), chosen or generated; S3 also accepts it in place of the id. */
  declare readonly name: pulumi.Output<string>;
  /** `Standard`, `InfrequentAccess` or `Archive`, in the API's spelling. */
  declare readonly storageClass: pulumi.Output<StorageClass>;
  /** Whether destroying the bucket also deletes the files it holds. */
  declare readonly forceDestroy: pulumi.Output<boolean>;
  /** The bucket's region (e.g. `us-east-1`): the region an S3 client signs for. */
  declare readonly region: pulumi.Output<string>;
  /** The S3 endpoint that serves the bucket, path-style (`<s3Endpoint>/<bucket id or name>/<key>`). */
  declare readonly s3Endpoint: pulumi.Output<string>;
  /** When the bucket was created (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: BucketArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("Bucket", name, args, outputs, opts);
  }
}
