// Shardlyn's resource kinds: a kind is served once it is listed here.
import type { ResourceDefinition } from "../../../provider/resource";
import { apiToken } from "./apiToken";
import { autoDnsConfig } from "./autoDnsConfig";
import { dnsRecord } from "./dnsRecord";
import { dnsZone } from "./dnsZone";

/** Every kind of Shardlyn, in schema order (DnsZone is a lookup only: Shardlyn cannot create zones). */
export const definitions: readonly ResourceDefinition[] = [dnsZone, dnsRecord, apiToken, autoDnsConfig];
