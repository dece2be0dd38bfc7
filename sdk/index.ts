export { Bucket, type BucketArgs, type StorageClass } from "./bucket";
export { BucketCredential, type BucketCredentialArgs } from "./bucketCredential";
export { DnsZone, type DnsZoneArgs } from "./dnsZone";
export { DnsRecord, type DnsRecordArgs, type DnsRecordType } from "./dnsRecord";
export { Certificate, type CertificateArgs, type CertificateValidationRecord } from "./certificate";
export { CertificateValidation, type CertificateValidationArgs } from "./certificateValidation";
export { ImportedCertificate, type ImportedCertificateArgs } from "./importedCertificate";
export {
  CdnResource,
  type CdnResourceArgs,
  type CdnStorageOrigin,
  type CdnCustomOrigin,
  type CdnOriginHeader,
  type CdnDefaultBehavior,
  type CdnBehavior,
  type CdnCustomErrorResponse,
} from "./cdnResource";
export { CdnCustomDomain, type CdnCustomDomainArgs } from "./cdnCustomDomain";
export { SyncedFolder, type SyncedFolderArgs } from "./syncedFolder";
export { SiteReleases, type SiteReleasesArgs } from "./siteReleases";
export { StaticSite, StaticSiteError, type StaticSiteArgs, type StaticSiteDomainArgs } from "./staticSite";
