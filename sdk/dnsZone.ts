import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export interface DnsZoneArgs {
  /**
   * The zone's domain, like `example.com`: at least two labels; lower-cased, a trailing dot
   * dropped. Changing it replaces the zone (a new zone is created, then the old one deleted).
   */
  domain: pulumi.Input<string>;
  /**
   * Delete the zone even when it still holds records created outside this stack, deleting them
   * too. When false (the default), destroying a zone that holds such records fails and deletes
   * nothing. The zone's own apex NS record and the stack's DnsRecords never block it.
   */
  forceDestroy?: pulumi.Input<boolean>;
}

const outputs = ["domain", "forceDestroy", "nameservers", "status", "createdAt"] as const;

/**
 * A MamuteCloud DNS zone. Its `id` is the zone id a `DnsRecord` takes as `zoneId`. MamuteCloud
 * creates and manages the zone's apex NS record (its `nameservers`).
 */
export class DnsZone extends MamuteResource {
  /** The zone's domain, lower case, without a trailing dot. */
  declare readonly domain: pulumi.Output<string>;
  /** Whether destroying the zone also deletes records made outside the stack. */
  declare readonly forceDestroy: pulumi.Output<boolean>;
  /** The zone's nameservers: set them at the domain's registrar. */
  declare readonly nameservers: pulumi.Output<string[]>;
  /** The zone's status, as the API last reported it (`active`). */
  declare readonly status: pulumi.Output<string>;
  /** When the zone was created (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: DnsZoneArgs, opts?: pulumi.CustomResourceOptions) {
    super("DnsZone", name, args, outputs, opts);
  }
}
