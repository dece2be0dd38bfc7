export { Bucket, type BucketArgs, type StorageClass } from "./bucket";
export { BucketCredential, type BucketCredentialArgs } from "./bucketCredential";
export { DnsZone, type DnsZoneArgs } from "./dnsZone";
export { DnsRecord, type DnsRecordArgs, type DnsRecordType } from "./dnsRecord";
export { SyncedFolder, type SyncedFolderArgs } from "./syncedFolder";
export { SiteReleases, type SiteReleasesArgs } from "./siteReleases";
