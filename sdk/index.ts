// The dynamic SDK: the resource classes are generated from the definitions (generated/, by
// `npm run schema`); StaticSite is a hand-written component of them.
export { Bucket, type BucketArgs } from "./generated/bucket";
export { BucketCredential, type BucketCredentialArgs } from "./generated/bucketCredential";
export { DnsZone, type DnsZoneArgs } from "./generated/dnsZone";
export { DnsRecord, type DnsRecordArgs } from "./generated/dnsRecord";
export { Certificate, type CertificateArgs } from "./generated/certificate";
export { CertificateValidation, type CertificateValidationArgs } from "./generated/certificateValidation";
export { ImportedCertificate, type ImportedCertificateArgs } from "./generated/importedCertificate";
export { CdnResource, type CdnResourceArgs } from "./generated/cdnResource";
export { CdnCustomDomain, type CdnCustomDomainArgs } from "./generated/cdnCustomDomain";
export { SyncedFolder, type SyncedFolderArgs } from "./generated/syncedFolder";
export { SiteReleases, type SiteReleasesArgs } from "./generated/siteReleases";
export type {
  StorageClass,
  DnsRecordType,
  CertificateValidationRecord,
  CdnStorageOrigin,
  CdnCustomOrigin,
  CdnOriginHeader,
  CdnDefaultBehavior,
  CdnBehavior,
  CdnCustomErrorResponse,
} from "./generated/types";
export { StaticSite, StaticSiteError, type StaticSiteArgs, type StaticSiteDomainArgs } from "./staticSite";
