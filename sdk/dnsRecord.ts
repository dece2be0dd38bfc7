import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export type DnsRecordType = "A" | "AAAA" | "CNAME" | "MX" | "TXT" | "NS" | "SRV" | "CAA";

export interface DnsRecordArgs {
  /** Id of the zone (a `DnsZone`'s `id`). Changing it replaces the record. */
  zoneId: pulumi.Input<string>;
  /**
   * `"@"` (or `""`) for the zone apex, a name relative to the zone (`"www"`), or an absolute one
   * (`"www.example.com"`, with or without the final dot); lower-cased. Spellings of the same name
   * are no change. Changing the name replaces the record (the new one is created first).
   */
  name: pulumi.Input<string>;
  /**
   * The record type (any case is accepted). Changing it replaces the record; the old one is deleted
   * first when the two would collide (a CNAME involved at the same name).
   */
  type: pulumi.Input<DnsRecordType>;
  /**
   * 1-100 values in zone-file presentation form, checked per type: A = IPv4, AAAA = IPv6,
   * CNAME = exactly one host name (not at the apex), NS = host names,
   * MX = `"10 mx1.example.com"`, SRV = `"10 5 5060 sip.example.com"` (priority, weight, port,
   * target), CAA = `'0 issue "letsencrypt.org"'` (tag issue, issuewild or iodef),
   * TXT = 1-2048 printable ASCII characters (a value in double quotes is read as zone-file strings
   * and joined). Order, case of names, trailing dots and spacing do not matter; duplicates are
   * refused. Changes in place.
   */
  values: pulumi.Input<pulumi.Input<string>[]>;
  /** Time to live in seconds, 60-86400; default 3600. Changes in place. */
  ttl?: pulumi.Input<number>;
  /**
   * @deprecated Write the priority in each MX value: `"10 mx1.example.com"`. MX only: the priority
   * of values written as a bare host name; moving it into the values is no change.
   */
  priority?: pulumi.Input<number>;
}

const outputs = ["zoneId", "name", "type", "values", "ttl", "priority", "fqdn", "recordId"] as const;

/**
 * A DNS record set in a MamuteCloud zone: one name and type with one or more values. Its `id` is
 * `<zoneId>/<recordId>`.
 */
export class DnsRecord extends MamuteResource {
  /** The id of the zone that holds the record. */
  declare readonly zoneId: pulumi.Output<string>;
  /** The name as given (lower-cased); `fqdn` is the name it denotes. */
  declare readonly name: pulumi.Output<string>;
  /** The record type, upper case. */
  declare readonly type: pulumi.Output<DnsRecordType>;
  /** The values in the API's canonical form (`10 mx1.example.com.`), sorted. */
  declare readonly values: pulumi.Output<string[]>;
  /** Time to live in seconds. */
  declare readonly ttl: pulumi.Output<number>;
  /** @deprecated Undefined: MX priorities are in `values`. Kept so programs that read it still compile. */
  declare readonly priority: pulumi.Output<number | undefined>;
  /** The fully qualified name without the final dot, e.g. `www.example.com`. */
  declare readonly fqdn: pulumi.Output<string>;
  /** The API's id of the record. */
  declare readonly recordId: pulumi.Output<string>;

  constructor(name: string, args: DnsRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super("DnsRecord", name, args, outputs, opts);
  }
}
