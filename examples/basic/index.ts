import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

const config = new pulumi.Config();
const domain = config.get("domain") ?? "example.com";

// A bucket named "<stack resource name>-<7 characters derived from its URN>", and a credential that can only
// reach this bucket. forceDestroy lets `pulumi destroy` delete it with its files.
const site = new mamutecloud.Bucket("site", { forceDestroy: true });
const deployer = new mamutecloud.BucketCredential("deployer", { bucketId: site.id });

const zone = new mamutecloud.DnsZone("zone", { domain });
new mamutecloud.DnsRecord("apex", { zoneId: zone.id, name: "@", type: "A", values: ["192.0.2.10", "192.0.2.11"] });
new mamutecloud.DnsRecord("www", { zoneId: zone.id, name: "www", type: "CNAME", values: [domain] });
new mamutecloud.DnsRecord("mail", { zoneId: zone.id, name: "@", type: "MX", values: [`10 mx1.${domain}`, `20 mx2.${domain}`] });

export const bucketId = site.id;
export const bucketName = site.name;
export const s3Endpoint = site.s3Endpoint;
export const accessKeyId = deployer.accessKeyId;
export const secretAccessKey = deployer.secretAccessKey;
export const nameservers = zone.nameservers;
