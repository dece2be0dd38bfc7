// DnsZone: `/dns/zones`. Nothing about a zone changes in place; a new domain is a new zone. The
// API makes each zone's apex NS record itself and deletes every record with the zone, so a zone
// that still holds records someone made outside the stack is kept unless `forceDestroy` is set
// (the stack's own DnsRecords depend on the zone and are deleted before it).
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { type ApiClient } from "../client";
import { conflictAdvice, deleteIt, interruptedAdvice } from "../mamutecloud/conflict";
import { adoptByUniqueKey } from "../lookup";
import { present, type PropertyMap, defineResource } from "../resource";
import { untilEmpty } from "../wait";
import { unlessGone } from "../gone";
import { canonicalZoneDomain } from "./dns";

const domainSchema = z.string().transform((raw, ctx) => {
  const result = canonicalZoneDomain(raw);
  if ("error" in result) {
    ctx.addIssue({ code: "custom", message: result.error });
    return z.NEVER;
  }
  return result.domain;
});

// Read by need: the id is what a zone is known by, the domain what a lookup finds it by (and what a
// record's name is resolved in); the rest is copied to outputs when the API says it.
export const zoneResponse = z.object({
  id: z.string(),
  domain: z.string().optional(),
  status: z.string().optional(),
  nameservers: z.array(z.string()).optional(),
  created_at: z.string().optional(),
});
type ApiZone = z.infer<typeof zoneResponse>;

const zoneRecord = z.object({ id: z.string(), name: z.string().optional(), type: z.string().optional(), managed: z.boolean().optional() });
type ZoneRecord = z.infer<typeof zoneRecord>;
const zoneWithRecords = zoneResponse.extend({ records: z.array(zoneRecord).optional() });

/**
 * A record the API made itself (the apex NS set): marked `managed`, or, where the API does not
 * mark them, the NS records at the apex, which a DnsRecord can never declare.
 */
function isZonesOwn(record: ZoneRecord, domain: string): boolean {
  if (record.managed !== undefined) return record.managed;
  const name = (record.name ?? "").toLowerCase().replace(/\.$/, "");
  return record.type?.toUpperCase() === "NS" && (name === "@" || name === "" || name === domain);
}

export const zonePath = (id: string) => `/dns/zones/${encodeURIComponent(id)}`;

function outputsOf(zone: ApiZone): PropertyMap {
  // In the form check gives the input (lower case, no final dot), however the API spells it: no diff.
  return present({
    domain: zone.domain?.toLowerCase().replace(/\.$/, ""),
    nameservers: zone.nameservers,
    status: zone.status,
    createdAt: zone.created_at,
  });
}

async function findByDomain(client: ApiClient, domain: string): Promise<ApiZone | undefined> {
  const zones = await client.listAll({ operation: "list DNS zones", path: "/dns/zones", item: zoneResponse });
  // Checked here whatever the server did with the list: a lookup adopts only the zone of this domain.
  return zones.find((zone) => zone.domain !== undefined && zone.domain.toLowerCase().replace(/\.$/, "") === domain);
}

function domainTaken(client: ApiClient, domain: string, found: ApiZone | undefined): Error {
  const holder = found ? ` (zone ${found.id})` : "";
  const interrupted = found
    ? `${interruptedAdvice({ kind: "DnsZone", id: found.id, createdAt: found.created_at, removal: deleteIt(client, zonePath(found.id)) })} `
    : "";
  return new CreateConflictError(
    `a DNS zone for "${domain}" already exists${holder}; a domain has one zone. ${interrupted}${conflictAdvice("zone")} Otherwise ` +
      `manage the existing zone's records with DnsRecord and zoneId: "${found?.id ?? "<zone id>"}" instead of a DnsZone.`,
  );
}

export const dnsZone = defineResource({
  kind: "DnsZone",
  description: "A MamuteCloud DNS zone for a domain. The API creates its apex NS record (the zone's nameservers) and manages it.",
  inputs: {
    domain: {
      description:
        "The zone's domain, like `example.com` (at least two labels; lower-cased, a trailing dot dropped). Changing it replaces the zone.",
      outputDescription: "The zone's domain, lower case, without a trailing dot.",
      schema: domainSchema,
      required: true,
      replaceOnChange: true,
    },
    forceDestroy: {
      description:
        "Delete the zone even when it still holds records created outside this stack, deleting them too. When false (the " +
        "default), destroying a zone that holds such records fails and deletes nothing.",
      outputDescription: "Whether destroying the zone also deletes records made outside the stack.",
      schema: z.boolean(),
      default: false,
    },
  },
  outputs: {
    nameservers: {
      description: "The zone's nameservers: set them at the domain's registrar (when the API says).",
      schema: z.array(z.string()),
      required: false,
      typedAsSet: true,
    },
    status: { description: "The zone's status, as the API reports it (`active`).", schema: z.string(), required: false, typedAsSet: true },
    createdAt: {
      description: "When the zone was created, ISO 8601 (when the API says).",
      schema: z.string(),
      required: false,
      typedAsSet: true,
    },
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { domain } = inputs;
    const created = await createAdopting({
      client,
      key: { domain },
      what: `a DNS zone for "${domain}"`,
      idOf: (found) => found.id,
      create: () =>
        client.call({
          operation: `create DNS zone "${domain}"`,
          method: "POST",
          path: "/dns/zones",
          body: { domain },
          response: zoneResponse,
        }),
      lookup: async () => {
        const found = await findByDomain(client, domain);
        return found ? [found] : [];
      },
      createdAt: (found) => found.created_at,
      conflict: (found) => domainTaken(client, domain, found),
    });
    return { id: created.id, outs: outputsOf(created) };
  },

  async read(ctx, id) {
    const found = await ctx.client().find({ operation: `read DNS zone ${id}`, method: "GET", path: zonePath(id), response: zoneResponse });
    return found && outputsOf(found);
  },

  ...adoptByUniqueKey({
    kind: "DnsZone",
    key: "domain",
    keyArg: { description: "The zone's domain, like `example.com`.", schema: domainSchema },
    lookupDescription: "An existing DNS zone, by id or by domain.",
    find: findByDomain,
    outputsOf,
  }),

  async delete(ctx, id, state) {
    const client = ctx.client();
    const label = `DNS zone "${state.domain}" (${id})`;
    if (state.forceDestroy !== true) {
      const look = async () => {
        const zone = await client.find({ operation: `read ${label}`, method: "GET", path: zonePath(id), response: zoneWithRecords });
        if (zone === undefined) return undefined;
        // The documents say a zone's details include its records; where they do not, they are listed.
        const records =
          zone.records ??
          (await unlessGone(() =>
            client.listAll({ operation: `list the records of ${label}`, path: `${zonePath(id)}/records`, item: zoneRecord }),
          )) ??
          [];
        // The apex NS record is the API's own; everything else was made by someone.
        return records.filter((record) => !isZonesOwn(record, zone.domain ?? state.domain ?? ""));
      };
      const foreign = await untilEmpty(label, look, (left) => left === undefined || left.length === 0);
      if (foreign === undefined) return; // already gone
      if (foreign.length > 0) {
        const example = foreign[0];
        const count = foreign.length;
        throw new Error(
          `${label} still holds ${count} record${count === 1 ? "" : "s"} not managed by this stack ` +
            `(e.g. ${example.type ?? "record"} ${(example.name ?? "").replace(/\.$/, "")}, ${example.id}) and forceDestroy is false, so it was not ` +
            "deleted and none of its records were touched. To delete the zone with its records, set forceDestroy: true and run " +
            "`pulumi up` before destroying; or delete those records first.",
        );
      }
    }
    await unlessGone(() => client.call({ operation: `delete ${label}`, method: "DELETE", path: zonePath(id) }));
  },
});
