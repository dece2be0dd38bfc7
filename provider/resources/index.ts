import type { ResourceDefinition } from "../resource";
import { bucket } from "./bucket";
import { bucketCredential } from "./bucketCredential";
import { dnsZone } from "./dnsZone";
import { dnsRecord } from "./dnsRecord";
import { certificate } from "./certificate";
import { certificateValidation } from "./certificateValidation";
import { importedCertificate } from "./importedCertificate";
import { cdnResource } from "./cdnResource";
import { cdnCustomDomain } from "./cdnCustomDomain";
import { syncedFolder } from "./syncedFolder";
import { siteReleases } from "./siteReleases";

/** Every resource kind the provider serves, in schema order. */
export const definitions: readonly ResourceDefinition[] = [
  bucket,
  bucketCredential,
  dnsZone,
  dnsRecord,
  certificate,
  certificateValidation,
  importedCertificate,
  cdnResource,
  cdnCustomDomain,
  syncedFolder,
  siteReleases,
];
