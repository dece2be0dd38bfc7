// Bucket-level reads: ListBuckets (a credential sees its one bucket), HeadBucket,
// GetBucketLocation. Buckets themselves are created and deleted through the management API.
import type { Bucket } from "../state";
import { isoTime, respond, respondXml, type S3Context } from "./context";
import { ownerOf } from "./list";
import { REGION } from "./sigv4";
import { xmlDocument } from "./xml";

/** `bucket` is the credential's own bucket (the router resolves it; no bucket is addressed). */
export function listBuckets(ctx: S3Context, bucket: Bucket | undefined): void {
  const xml = xmlDocument("ListAllMyBucketsResult", [
    ["Owner", bucket ? ownerOf(bucket) : undefined],
    [
      "Buckets",
      bucket
        ? [
            [
              "Bucket",
              [
                ["Name", bucket.name],
                ["CreationDate", isoTime(bucket.createdAt)],
                ["BucketRegion", REGION],
              ],
            ],
          ]
        : [],
    ],
  ]);
  respondXml(ctx, xml);
}

export function headBucket(ctx: S3Context): void {
  respond(ctx, 200, { "x-amz-bucket-region": REGION, "x-amz-access-point-alias": "false" });
}

/** us-east-1 is S3's default region, which S3 reports as an empty LocationConstraint. */
export function getBucketLocation(ctx: S3Context): void {
  respondXml(ctx, xmlDocument("LocationConstraint", []));
}
