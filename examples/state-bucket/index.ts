import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

// A bucket for the state of other stacks (`pulumi login s3://…`), made by a first stack whose own
// state stays local: the bootstrap of a GitOps repository. Protected, and kept when not empty, so
// no `destroy` can take the other stacks' state with it.
const config = new pulumi.Config();

const state = new mamutecloud.Bucket(
  "state",
  { forceDestroy: config.getBoolean("forceDestroy") ?? false },
  { protect: config.getBoolean("protect") ?? true },
);
// The credential the pipeline logs in with (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY): it can
// reach this bucket only.
const ci = new mamutecloud.BucketCredential("ci", { bucketId: state.id });

export const bucketId = state.id;
export const accessKeyId = ci.accessKeyId;
export const secretAccessKey = ci.secretAccessKey;
/** What `pulumi login` takes: the bucket through MamuteCloud's S3 endpoint, path-style. */
export const loginUrl = pulumi.interpolate`s3://${state.id}?endpoint=${state.s3Endpoint}&s3ForcePathStyle=true&region=us-east-1`;
