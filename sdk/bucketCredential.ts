import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export interface BucketCredentialArgs {
  /**
   * Id of the bucket the credential opens (a `Bucket`'s `id`, not its name). Changing it replaces
   * the credential: a new one is created on the new bucket, then the old one is revoked.
   */
  bucketId: pulumi.Input<string>;
  /**
   * Whether S3 accepts the credential (default true). Changing it deactivates or reactivates the
   * credential in place; the access key id and the secret stay.
   */
  active?: pulumi.Input<boolean>;
  /**
   * Any string, e.g. `"2026-11"`. Changing it (setting, changing or removing it) regenerates the
   * secret in place: `secretAccessKey` gets the new one, the old one stops working at once, and the
   * access key id stays.
   */
  rotation?: pulumi.Input<string>;
}

const outputs = ["bucketId", "active", "rotation", "accessKeyId", "secretAccessKey", "userName", "status", "createdAt"] as const;

/**
 * An S3 access key that opens only its bucket. Its `id` is `<bucketId>/<accessKeyId>`. The API
 * shows the secret only once, so `secretAccessKey` is kept in state, as a secret, and `refresh`
 * keeps it from there.
 */
export class BucketCredential extends MamuteResource {
  /** The id of the only bucket this credential opens. */
  declare readonly bucketId: pulumi.Output<string>;
  /** Whether the credential is active, as the API last reported it. */
  declare readonly active: pulumi.Output<boolean>;
  /** The `rotation` input last applied; a change regenerated the secret. */
  declare readonly rotation: pulumi.Output<string | undefined>;
  /** The S3 access key id; stays the same across rotations. */
  declare readonly accessKeyId: pulumi.Output<string>;
  /** The S3 secret access key (a secret output: encrypted in state, masked in output). */
  declare readonly secretAccessKey: pulumi.Output<string>;
  /** The user name the API gave the credential. */
  declare readonly userName: pulumi.Output<string>;
  /** `active` or `inactive`, as the API last reported it. */
  declare readonly status: pulumi.Output<string>;
  /** When the credential was created (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: BucketCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super("BucketCredential", name, args, outputs, opts, ["secretAccessKey"]);
  }
}
