import * as thecloud from "pulumi-thecloud";

// A versioned bucket: a delete keeps the older versions (The Cloud's soft delete), and those keep the
// bucket from being deleted. This stack owns everything in it, so `pulumi destroy` may delete the
// bucket with every version (forceDestroy); without it, destroy stops and says how many are left.
const assets = new thecloud.Bucket("assets", { versioning: true, forceDestroy: true });

// Whatever lands under logs/ goes after 30 days.
new thecloud.BucketLifecycleRule("expire-logs", { bucket: assets.name, prefix: "logs/", expirationDays: 30 });

// A key for the CI job that uploads build artefacts; change `rotation` to get a new secret.
const ci = new thecloud.ApiKey("ci", { name: "ci-uploads", rotation: "2026-12" });

// ./www kept in the bucket: a preview lists the files added, changed and removed; an `up` uploads
// only those, and deletes only what it uploaded.
new thecloud.SyncedFolder("assets-files", { bucket: assets.name, path: "./www" });

export const bucket = assets.name;
export const ciKey = ci.key;
