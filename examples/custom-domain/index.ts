import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

// The zone this stack manages (its nameservers must be set at the registrar), and the site's host.
const config = new pulumi.Config();
const domain = config.get("domain") ?? "example.com";
const host = `www.${domain}`;

// The site's files live in a bucket; the credential is what uploads them (the SyncedFolder below,
// or aws s3 sync, or any S3 client).
const site = new mamutecloud.Bucket("site", { forceDestroy: true });
const deployer = new mamutecloud.BucketCredential("deployer", { bucketId: site.id });
const zone = new mamutecloud.DnsZone("zone", { domain });

// A certificate for the host, proven by one DNS record in the zone; the validation waits until it
// is issued, so the custom domain below is attached only to an issued certificate.
const certificate = new mamutecloud.Certificate("certificate", { domainName: host });
const validationRecord = new mamutecloud.DnsRecord("certificate-validation-record", {
  zoneId: zone.id,
  name: certificate.validationRecords.apply((records) => records[0].name),
  type: "CNAME",
  values: [certificate.validationRecords.apply((records) => records[0].value)],
});
const validation = new mamutecloud.CertificateValidation(
  "certificate-validation",
  { certificateId: certificate.id },
  { dependsOn: [validationRecord] },
);

// The CDN serves the bucket; the custom domain puts it at the host with the certificate, and the
// CNAME sends the host's visitors to the CDN.
const cdn = new mamutecloud.CdnResource("cdn", { storageOrigin: { bucketId: site.id } });
const www = new mamutecloud.CdnCustomDomain("www", {
  resourceId: cdn.id,
  domainName: host,
  certificateId: validation.certificateId,
});
new mamutecloud.DnsRecord("www-cname", { zoneId: zone.id, name: "www", type: "CNAME", values: [www.cnameTarget] });

// The files of ./www: each `up` uploads only what changed and purges exactly those paths on the CDN.
new mamutecloud.SyncedFolder("files", {
  bucket: site.id,
  accessKeyId: deployer.accessKeyId,
  secretAccessKey: deployer.secretAccessKey,
  path: "./www",
  cdnResourceId: cdn.id,
});

export const url = `https://${host}/`;
export const distributionUrl = cdn.siteUrl;
export const bucketId = site.id;
export const s3Endpoint = site.s3Endpoint;
export const accessKeyId = deployer.accessKeyId;
export const secretAccessKey = deployer.secretAccessKey;
export const nameservers = zone.nameservers;
export const certificateExpires = validation.notAfter;
