// DnsRecord: `/v1/dns/records`, in a zone hosted at an external DNS provider that one of Shardlyn's
// cloud credentials reaches. The reference gives the create body only: there is no read-one route,
// so a record is read from its zone's list (`GET /v1/dns/zones/{zoneId}/records`), one list per
// zone shared by every read of a refresh; PUT and DELETE take the record id alone. Its resource id is
// `<zoneId>/<recordId>` (what an import takes), so a read finds its zone from the id.
//
// What the reference leaves open, and what this module assumes (shardlyn/emulator/README.md):
// - Names may read back relative (`www`), full (`www.example.com`) or with a trailing dot; TXT
//   content may read back quoted. Each is compared in canonical form and the user's spelling kept.
// - The create may answer the record, its id alone, or nothing: the record is then found in the
//   list by its type, name and content (a key the API holds unique: the same record twice is a 409).
// - A PUT is sent whole (type, name, content, TTL), which an API that takes only the changed fields
//   accepts as well; only content and TTL change in place, the rest replaces.
// - A zone whose credential the external provider refuses (a 403 or 502 passed on) makes reads
//   fail, never "gone": the record stays in state and the error names the credential. Only a 404
//   (the record, or its whole zone, gone) drops it.
import { z } from "zod";
import { createAdopting } from "../../../provider/adopt";
import { ApiError, type ApiClient } from "../../../provider/client";
import { joinChildId, parentIdSchema, splitChildId } from "../../../provider/childId";
import { isGone, unlessGone } from "../../../provider/gone";
import { madeWithin } from "../../../provider/pending";
import { defineResource, present, type CheckFailure, type PropertyMap } from "../../../provider/resource";
import { forgetShared, sharedRead } from "../../../provider/sharedRead";
import { domainOf, listZones, ZONES } from "./dnsZone";
import { HOST, RECORD_TYPES, canonicalContent, contentProblem, relativeName, type RecordType } from "./recordValues";

const RECORDS = "/v1/dns/records";
const ID_SHAPE = "<zoneId>/<recordId>";
const ID_EXAMPLE = "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59";

const id = z.union([z.string(), z.number()]).transform(String);
const recordResponse = z.object({
  id,
  credential_id: id.nullable().optional(),
  zone_id: id.nullable().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  content: z.string().optional(),
  ttl: z.number().optional(),
  node_id: id.nullable().optional(),
  created_at: z.string().optional(),
});
type ApiRecord = z.infer<typeof recordResponse>;

/** A create may answer the record, its id alone, or nothing at all. */
const createAnswer = z.union([recordResponse, z.object({}).passthrough(), z.undefined()]);

const zoneRecordsPath = (zoneId: string) => `${ZONES}/${encodeURIComponent(zoneId)}/records`;

/** The zone's records: one list shared by every read that starts within two seconds of it (a refresh). */
function zoneRecords(client: ApiClient, zoneId: string, credentialId?: string): Promise<ApiRecord[]> {
  const path = zoneRecordsPath(zoneId);
  return sharedRead(client, path, () =>
    client.listAll({
      operation: `list the records of DNS zone ${zoneId}${credentialId ? ` (credential ${credentialId})` : ""}`,
      path,
      item: recordResponse,
      // A server that needs the credential to reach the zone finds it here; one that does not ignores it.
      query: credentialId ? { credential_id: credentialId } : undefined,
    }),
  );
}

const sameName = (old: unknown, next: unknown, olds: PropertyMap) =>
  typeof old === "string" && typeof next === "string" && relativeName(old, zoneOfState(olds)) === relativeName(next, zoneOfState(olds));
const zoneOfState = (state: PropertyMap) => (typeof state.zoneName === "string" ? state.zoneName : undefined);

// ---- errors ---------------------------------------------------------------------------------------

/**
 * A refusal that is not "gone", reading or changing a record of a zone: when the API blames the
 * external DNS provider or the credential (a 403 or a 502 passed on), the message says the record
 * stays in state and names the credential to restore.
 */
function explained(err: unknown, zoneId: string, credentialId: string | undefined): unknown {
  if (!(err instanceof ApiError) || isGone(err)) return err;
  // 403: refused to this user or by the DNS provider; 502 and 424: the DNS provider's refusal passed on.
  if (err.status !== 403 && err.status !== 502 && err.status !== 424) return err;
  return new Error(
    `${err.message}\nDNS zone ${zoneId} is reached through Shardlyn cloud credential ${credentialId ?? "(unknown: see the zone in Shardlyn)"}, ` +
      "which its DNS provider may have refused (a revoked credential): the record is kept in the stack as it was. Restore or replace the credential " +
      "(Settings > Credentials), then run again.",
  );
}

// ---- the kind -------------------------------------------------------------------------------------

function outputsOf(record: ApiRecord, zoneId: string, zoneName: string | undefined, state: PropertyMap): PropertyMap {
  const type = (record.type ?? String(state.type ?? "")).toUpperCase();
  // The user's spelling, whenever the API's means the same.
  const name =
    record.name === undefined
      ? state.name
      : typeof state.name === "string" && sameName(state.name, record.name, { zoneName })
        ? state.name
        : relativeName(record.name, zoneName);
  const content =
    record.content === undefined
      ? state.content
      : typeof state.content === "string" && canonicalContent(type, state.content) === canonicalContent(type, record.content)
        ? state.content
        : canonicalContent(type, record.content);
  return present({
    credentialId: record.credential_id ?? state.credentialId,
    zoneId,
    type,
    name,
    content,
    ttl: record.ttl ?? state.ttl,
    // An answer without the field says nothing of it (null says there is none).
    nodeId: record.node_id === undefined ? state.nodeId : (record.node_id ?? undefined),
    recordId: record.id,
    zoneName,
    fqdn:
      zoneName === undefined || typeof name !== "string"
        ? undefined
        : name === "@"
          ? zoneName
          : `${relativeName(name, zoneName)}.${zoneName}`,
    createdAt: record.created_at ?? state.createdAt,
  });
}

/** The record of this type, name and content in the list: the key the API holds unique. */
const holding = (type: string, name: string, content: string, zone: string | undefined) => (record: ApiRecord) =>
  (record.type ?? "").toUpperCase() === type &&
  relativeName(record.name ?? "", zone) === relativeName(name, zone) &&
  canonicalContent(type, record.content ?? "") === canonicalContent(type, content);

async function zoneNameOf(client: ApiClient, zoneId: string): Promise<string | undefined> {
  // The zones list fails as a whole when any credential is refused: the name only helps compare.
  const zones = await listZones(client).catch(() => []);
  const zone = zones.find((candidate) => candidate.id === zoneId);
  return zone ? domainOf(zone) : undefined;
}

export const dnsRecord = defineResource({
  kind: "DnsRecord",
  description:
    "A DNS record in a zone hosted at the external DNS provider behind a Shardlyn cloud credential (find both with getDnsZone). " +
    "Content and TTL change in place; anything else replaces the record. Records of one name and type with different content coexist.",
  inputs: {
    credentialId: {
      description: "The Shardlyn cloud credential that reaches the zone (getDnsZone's `credentialId`). Changing it replaces the record.",
      schema: parentIdSchema("a credential id"),
      required: true,
      replaceOnChange: true,
    },
    zoneId: {
      description: "The zone's id (getDnsZone's `id`). Changing it replaces the record.",
      schema: parentIdSchema("a zone id"),
      required: true,
      replaceOnChange: true,
    },
    type: {
      description: `The record type: ${RECORD_TYPES.join(", ")}. Changing it replaces the record.`,
      schema: z
        .string()
        .transform((value) => value.trim().toUpperCase())
        .pipe(z.enum(RECORD_TYPES, { message: `must be one of ${RECORD_TYPES.join(", ")}` })),
      required: true,
      replaceOnChange: true,
      union: { name: "RecordType", values: RECORD_TYPES },
    },
    name: {
      description:
        "The name relative to the zone (`www`, `_acme-challenge.www`), `@` for the apex; a full name in the zone (`www.example.com`, with or " +
        "without the trailing dot) means the same. Changing it replaces the record.",
      schema: z
        .string()
        .trim()
        .min(1, 'must not be empty (use "@" for the zone\'s apex)')
        .max(253, "must be at most 253 characters")
        .refine((value) => value === "@" || HOST.test(value), "must be a DNS name such as www, _acme-challenge.www or @"),
      required: true,
      replaceOnChange: true,
    },
    content: {
      description:
        'The record\'s value: an address (A, AAAA), a host name (CNAME, NS), "<priority> <host>" (MX), "<priority> <weight> <port> <target>" (SRV), ' +
        "text (TXT, unquoted), '<flags> <tag> \"<value>\"' (CAA). Changes in place.",
      schema: z.string().trim().min(1, "must not be empty"),
      required: true,
    },
    ttl: {
      description:
        "Seconds resolvers cache the record: 60 to 86400, or 1 for the DNS provider's automatic TTL. Default 300. Changes in place.",
      schema: z
        .number()
        .int("must be a whole number of seconds")
        .refine((value) => value === 1 || (value >= 60 && value <= 86400), "must be 1 (automatic) or from 60 to 86400 seconds"),
      default: 300,
    },
    nodeId: {
      description: "The Shardlyn node the record points at, when it is one's (auto-DNS bookkeeping). Changing it replaces the record.",
      schema: z.string().min(1),
      replaceOnChange: true,
    },
  },
  outputs: {
    recordId: { description: "The API's id of the record (the part after `/` in the resource id).", schema: z.string() },
    zoneName: { description: "The zone's domain, when Shardlyn lists the zone.", schema: z.string(), required: false },
    fqdn: {
      description: "The record's full name (`www.example.com`), when the zone's domain is known.",
      schema: z.string(),
      required: false,
    },
    createdAt: { description: "When the record was created, ISO 8601 (when the API says).", schema: z.string(), required: false },
  },
  same: {
    name: sameName,
    content: (old, next, olds, news) =>
      typeof old === "string" &&
      typeof next === "string" &&
      canonicalContent(String(news.type ?? olds.type), old) === canonicalContent(String(news.type ?? olds.type), next),
  },

  refine(inputs, _olds, failures: CheckFailure[]) {
    const { type, content } = inputs;
    if (typeof type !== "string" || typeof content !== "string") return;
    const problem = contentProblem(type as RecordType, content);
    if (problem) failures.push({ property: "content", reason: problem });
  },

  // The API refuses the same type, name and content twice, and a CNAME beside another record of its
  // name: a replacement that keeps those deletes the old record first.
  deleteBeforeReplace: (olds, news) =>
    olds.zoneId === news.zoneId &&
    sameName(olds.name, news.name, olds) &&
    (olds.type === "CNAME" ||
      news.type === "CNAME" ||
      (olds.type === news.type &&
        canonicalContent(String(news.type), String(olds.content)) === canonicalContent(String(news.type), String(news.content)))),

  async create(ctx, inputs) {
    const client = ctx.client();
    const { credentialId, zoneId, type, name, content, ttl, nodeId } = inputs;
    const zoneName = await zoneNameOf(client, zoneId);
    const what = `a ${type} record "${name}" in DNS zone ${zoneName ?? zoneId}`;
    const find = async () => {
      forgetShared(client, zoneRecordsPath(zoneId));
      return (await zoneRecords(client, zoneId, credentialId)).filter(holding(type, name, content, zoneName));
    };
    const created = await createAdopting<ApiRecord>({
      client,
      key: { credentialId, zoneId, type, name, content },
      what,
      idOf: (record) => record.id,
      create: async () => {
        const answer = await client.call({
          operation: `create ${what}`,
          method: "POST",
          path: RECORDS,
          body: {
            credential_id: credentialId,
            zone_id: zoneId,
            type,
            name,
            content,
            ttl,
            ...(nodeId !== undefined && { node_id: nodeId }),
          },
          response: createAnswer,
        });
        if (answer && typeof (answer as ApiRecord).id === "string") return answer as ApiRecord;
        // Created (a 2xx), but the answer does not show the record: the list does (the key is unique).
        const [found] = await find();
        if (!found) throw new Error(`create ${what}: the API answered success, but the zone's list shows no such record`);
        return found;
      },
      lookup: find,
      createdAt: (record) => record.created_at,
      conflict: (found, cause) =>
        new Error(
          `${what} with content "${content}" already exists${found ? ` (record ${found.id})` : ""}${cause ? ` (${cause.message})` : ""}. ` +
            `Import it (pulumi import shardlyn:index:DnsRecord <name> ${zoneId}/${found?.id ?? "<recordId>"}) or delete it first.`,
        ),
    }).catch((err: unknown) => {
      throw explained(err, zoneId, credentialId);
    });
    forgetShared(client, zoneRecordsPath(zoneId));
    return { id: joinChildId(zoneId, created.id), outs: outputsOf(created, zoneId, zoneName, { ...inputs }) };
  },

  async read(ctx, resourceId, state) {
    const client = ctx.client();
    const [zoneId, recordId] = splitChildId(resourceId, "DnsRecord", ID_SHAPE, ID_EXAMPLE);
    const credentialId = typeof state.credentialId === "string" ? state.credentialId : undefined;
    let records: ApiRecord[] | undefined;
    try {
      // A 404 of the zone's list: the zone itself is gone, and its records with it.
      records = await unlessGone(() => zoneRecords(client, zoneId, credentialId));
    } catch (err) {
      throw explained(err, zoneId, credentialId);
    }
    const found = records?.find((record) => record.id === recordId);
    if (!found) return undefined;
    const zoneName = typeof state.zoneName === "string" ? state.zoneName : await zoneNameOf(client, zoneId);
    return outputsOf(found, zoneId, zoneName, state as PropertyMap);
  },

  async update(ctx, resourceId, olds, news) {
    const client = ctx.client();
    const [zoneId, recordId] = splitChildId(resourceId, "DnsRecord", ID_SHAPE, ID_EXAMPLE);
    // Whole, in the names as created: an API that takes only content and TTL accepts unchanged type and name.
    const body = { type: news.type, name: olds.name ?? news.name, content: news.content, ttl: news.ttl };
    const answer = await client
      .call({
        operation: `update DNS record ${recordId} in zone ${zoneId}`,
        method: "PUT",
        path: `${RECORDS}/${encodeURIComponent(recordId)}`,
        body,
        response: createAnswer,
      })
      .catch((err: unknown) => {
        throw explained(err, zoneId, news.credentialId);
      });
    forgetShared(client, zoneRecordsPath(zoneId));
    const shown = answer && typeof (answer as ApiRecord).id === "string" ? (answer as ApiRecord) : { id: recordId };
    // What was sent is what the record now holds, where the answer does not say.
    return outputsOf({ ...shown, content: news.content, ttl: news.ttl }, zoneId, zoneOfState(olds as PropertyMap), { ...olds, ...news });
  },

  async delete(ctx, resourceId, state) {
    const client = ctx.client();
    const [zoneId, recordId] = splitChildId(resourceId, "DnsRecord", ID_SHAPE, ID_EXAMPLE);
    forgetShared(client, zoneRecordsPath(zoneId));
    await unlessGone(() =>
      client.call({
        operation: `delete DNS record ${recordId} in zone ${zoneId}`,
        method: "DELETE",
        path: `${RECORDS}/${encodeURIComponent(recordId)}`,
      }),
    ).catch((err: unknown) => {
      throw explained(err, zoneId, state.credentialId);
    });
  },

  async findPending(ctx, trace) {
    const client = ctx.client();
    const { credentialId, zoneId, type, name, content } = trace.key;
    const zoneName = await zoneNameOf(client, zoneId);
    forgetShared(client, zoneRecordsPath(zoneId));
    const records = await unlessGone(() => zoneRecords(client, zoneId, credentialId));
    // The key is unique, but a record holding it may predate the attempt: only one stamped within it is this create's.
    const found = records?.find((record) => holding(type, name, content, zoneName)(record) && madeWithin(trace, record.created_at));
    return found && { id: joinChildId(zoneId, found.id), outs: outputsOf(found, zoneId, zoneName, { ...trace.key }) };
  },
});
