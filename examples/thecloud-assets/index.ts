import * as thecloud from "pulumi-thecloud";

// A versioned bucket: a delete keeps the older versions (The Cloud's soft delete).
const assets = new thecloud.Bucket("assets", { versioning: true });

// Whatever lands under logs/ goes after 30 days.
new thecloud.BucketLifecycleRule("expire-logs", { bucket: assets.name, prefix: "logs/", expirationDays: 30 });

// A key for the CI job that uploads build artefacts; change `rotation` to get a new secret.
const ci = new thecloud.ApiKey("ci", { name: "ci-uploads", rotation: "2026-12" });

export const bucket = assets.name;
export const ciKey = ci.key;
