// getDnsZone: a zone as Shardlyn lists it (`GET /v1/dns/zones`). Zones live at the external DNS
// provider that a stored cloud credential reaches; Shardlyn cannot create or delete them, so there
// is no zone resource, only the lookup: by domain, it answers the zone's id and the credential
// that serves it, which is what a DnsRecord needs.
import { z } from "zod";
import type { ApiClient } from "../../../provider/client";
import { defineResource, present, type PropertyMap } from "../../../provider/resource";
import { sharedRead } from "../../../provider/sharedRead";

export const ZONES = "/v1/dns/zones";

const zoneResponse = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  // The reference shows no zone body: the domain's field name varies between DNS providers.
  name: z.string().optional(),
  domain: z.string().optional(),
  credential_id: z.union([z.string(), z.number()]).transform(String).optional(),
  provider: z.string().optional(),
  status: z.string().optional(),
});
export type ApiZone = z.infer<typeof zoneResponse>;

/** A domain as DNS compares it: lower case, no trailing dot. */
export const canonicalDomain = (domain: string) => domain.trim().toLowerCase().replace(/\.$/, "");

export const domainOf = (zone: ApiZone) => canonicalDomain(zone.name ?? zone.domain ?? "");

export function listZones(client: ApiClient): Promise<ApiZone[]> {
  return sharedRead(client, ZONES, () => client.listAll({ operation: "list DNS zones", path: ZONES, item: zoneResponse }), 30_000);
}

function outputsOf(zone: ApiZone): PropertyMap {
  return present({ domain: domainOf(zone), credentialId: zone.credential_id, provider: zone.provider, status: zone.status });
}

const domainSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(253, "must be at most 253 characters")
  .regex(/^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?$/i, "must be a domain such as example.com")
  .transform(canonicalDomain);

const unsupported = () => {
  throw new Error("Shardlyn cannot create or delete DNS zones (they live at the external DNS provider): use getDnsZone to look one up.");
};

export const dnsZone = defineResource({
  kind: "DnsZone",
  description: "A DNS zone at the external DNS provider behind one of Shardlyn's cloud credentials.",
  lookupOnly: true,
  inputs: {},
  outputs: {
    domain: { description: "The zone's domain, lower case, without a trailing dot.", schema: z.string() },
    credentialId: {
      description: "The Shardlyn cloud credential that serves the zone (a DnsRecord's `credentialId`).",
      schema: z.string(),
      required: false,
    },
    provider: {
      description: "The external DNS provider (`cloudflare`, `aws`, …), when Shardlyn says.",
      schema: z.string(),
      required: false,
    },
    status: { description: "The zone's status at the provider, when Shardlyn says.", schema: z.string(), required: false },
  },
  create: unsupported,
  delete: unsupported,
  async read(ctx, id) {
    const zone = (await listZones(ctx.client())).find((candidate) => candidate.id === id);
    return zone ? outputsOf(zone) : undefined;
  },
  findPending: async () => undefined,
  lookup: {
    description:
      "Looks up a DNS zone by its domain: its id (a DnsRecord's `zoneId`) and the credential that serves it (its `credentialId`). " +
      "Shardlyn lists the zones of every stored credential; give `credentialId` when two credentials serve the same domain.",
    args: {
      domain: { description: "The zone's domain, e.g. `example.com`.", schema: domainSchema, required: true },
      credentialId: { description: "Only the zones this credential serves.", schema: z.string().min(1) },
    },
    async find(ctx, args) {
      const domain = String(args.domain);
      const zones = (await listZones(ctx.client())).filter(
        (zone) => domainOf(zone) === domain && (args.credentialId === undefined || zone.credential_id === args.credentialId),
      );
      if (zones.length === 1) return zones[0].id;
      if (zones.length === 0) {
        throw new Error(
          `getDnsZone: Shardlyn lists no zone "${domain}"${args.credentialId === undefined ? "" : ` served by credential ${String(args.credentialId)}`}. ` +
            "Zones come from the external DNS provider of a stored credential (Settings > Credentials): add the zone there.",
        );
      }
      throw new Error(
        `getDnsZone: ${zones.length} zones "${domain}" are listed, served by credentials ${zones.map((zone) => zone.credential_id ?? "?").join(", ")}: give credentialId.`,
      );
    },
  },
});
