import type { ResourceDefinition } from "../resource";
import { bucket } from "./bucket";
import { bucketCredential } from "./bucketCredential";
import { dnsZone } from "./dnsZone";
import { dnsRecord } from "./dnsRecord";
import { syncedFolder } from "./syncedFolder";
import { siteReleases } from "./siteReleases";

/** Every resource kind the provider serves, in schema order. */
export const definitions: readonly ResourceDefinition[] = [bucket, bucketCredential, dnsZone, dnsRecord, syncedFolder, siteReleases];
