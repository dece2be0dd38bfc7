// DnsRecord: one name and type in a zone with one or more values (a record set), at
// `/dns/zones/{zone}/records`; values, TTL and priority change in place (`PUT /dns/records/{id}`),
// zone, name and type replace it. The id `<zoneId>/<recordId>` is all `read` needs, because the
// API reads a record through its zone.
//
// The zone's domain is not known at check (only `zoneId` is), so `name` stays as the user wrote it
// (lower-cased) and diff decides whether two spellings denote the same FQDN with the domain kept in
// state (`__zoneDomain`): `www`, `www.example.com` and `www.example.com.` are one name in
// example.com. Values are put in the API's canonical form at check, so a refresh shows no diff.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { joinChildId, parentIdSchema, splitChildId } from "../childId";
import { MamuteApiError, type MamuteClient } from "../client";
import { conflictAdvice } from "../conflict";
import { madeWithin } from "../pending";
import { isUnknown, type CheckFailure, type PropertyMap, type ResourceDefinition } from "../resource";
import {
  DEFAULT_TTL,
  MAX_VALUES,
  PRIORITY_MAX,
  RECORD_TYPES,
  TTL_MAX,
  TTL_MIN,
  aRecordOf,
  checkRecordName,
  checkRecordValues,
  inZone,
  isApexName,
  isRecordType,
  recordFqdn,
  withoutTrailingDot,
  type RecordType,
} from "./dns";
import { zonePath, zoneResponse } from "./dnsZone";

const zoneIdSchema = parentIdSchema("a DnsZone id (a DnsZone's `id` output, e.g. zone_1c2d3e4f5a6b7c8d)");

const nameSchema = z.string().transform((raw, ctx) => {
  const result = checkRecordName(raw);
  if ("error" in result) {
    ctx.addIssue({ code: "custom", message: result.error });
    return z.NEVER;
  }
  return result.name;
});

const typeSchema = z.string().transform((raw, ctx): RecordType => {
  const type = raw.trim().toUpperCase();
  if (!isRecordType(type)) {
    ctx.addIssue({ code: "custom", message: `"${raw}" is not a record type: use one of ${RECORD_TYPES.join(", ")} (any case)` });
    return z.NEVER;
  }
  return type;
});

const VALUES_RULE = `must be a list of 1-${MAX_VALUES} strings`;
const valuesSchema = z.array(z.string({ error: VALUES_RULE }), { error: VALUES_RULE }).min(1, VALUES_RULE).max(MAX_VALUES, VALUES_RULE);

const TTL_RULE = `must be a whole number of seconds from ${TTL_MIN} to ${TTL_MAX}; omit it for ${DEFAULT_TTL}`;
const ttlSchema = z.int({ error: TTL_RULE }).min(TTL_MIN, TTL_RULE).max(TTL_MAX, TTL_RULE);

const PRIORITY_RULE = `must be an integer from 0 to ${PRIORITY_MAX} (lower is preferred)`;
const prioritySchema = z.int({ error: PRIORITY_RULE }).min(0, PRIORITY_RULE).max(PRIORITY_MAX, PRIORITY_RULE);

export const recordResponse = z.object({
  id: z.string(),
  zone_id: z.string(),
  name: z.string(),
  type: z.string(),
  values: z.array(z.string()),
  ttl: z.number().int(),
  priority: z.number().int().nullable().optional(),
  managed: z.boolean().optional(),
  created_at: z.string(),
});
type ApiRecord = z.infer<typeof recordResponse>;

export const recordId = joinChildId;

export function parseRecordId(id: string): { zoneId: string; recordId: string } {
  const [zoneId, record] = splitChildId(id, "DnsRecord", "<zoneId>/<recordId>", "zone_1c2d3e4f5a6b7c8d/rec_7a6b5c4d3e2f1a0b");
  return { zoneId, recordId: record };
}

const recordsPath = (zoneId: string) => `${zonePath(zoneId)}/records`;
const recordPath = (zoneId: string, id: string) => `${recordsPath(zoneId)}/${encodeURIComponent(id)}`;

/** The zone's domain as state remembers it, when the zone is the same one. */
function knownZoneDomain(olds: PropertyMap, zoneId: unknown): string | undefined {
  return olds.zoneId === zoneId && typeof olds.__zoneDomain === "string" ? olds.__zoneDomain : undefined;
}

/**
 * Whether two spellings name the same record: equal, both the apex, or the same FQDN in the zone
 * state remembers. Without the domain, only what is certain counts as the same.
 */
export function sameRecordName(old: unknown, next: unknown, zoneDomain: string | undefined): boolean {
  if (typeof old !== "string" || typeof next !== "string") return (old ?? null) === (next ?? null);
  const a = old.toLowerCase();
  const b = next.toLowerCase();
  if (a === b || (isApexName(a) && isApexName(b))) return true;
  return zoneDomain !== undefined && recordFqdn(a, zoneDomain) === recordFqdn(b, zoneDomain);
}

/**
 * The name to keep in state: the user's spelling while it denotes the API's FQDN (so a refresh is
 * followed by no diff), else the API's absolute name.
 */
function keptName(userName: unknown, apiName: string, zoneDomain: string): string {
  return typeof userName === "string" && recordFqdn(userName, zoneDomain) === apiName ? userName : apiName;
}

function outputsOf(record: ApiRecord, userName: unknown, zoneDomain: string): PropertyMap {
  return {
    zoneId: record.zone_id,
    name: keptName(userName, record.name, zoneDomain),
    type: record.type,
    // Sorted as check sorts them, whatever order an API answers in.
    values: [...record.values].sort(),
    ttl: record.ttl,
    // `null` for types without one: absent, as the input is (the host cannot send an undefined).
    ...(record.priority === null || record.priority === undefined ? {} : { priority: record.priority }),
    fqdn: withoutTrailingDot(record.name),
    recordId: record.id,
    __zoneDomain: zoneDomain,
  };
}

function isNotFound(err: unknown): err is MamuteApiError {
  return err instanceof MamuteApiError && err.isNotFound;
}

async function readZoneDomain(client: MamuteClient, zoneId: string): Promise<string | undefined> {
  const zone = await client.find({ operation: `read DNS zone ${zoneId}`, method: "GET", path: zonePath(zoneId), response: zoneResponse });
  return zone?.domain;
}

/** Records already at a name (any type), for the conflict message. */
function listAtName(client: MamuteClient, zoneId: string, fqdn: string): Promise<ApiRecord[]> {
  return client.listAll({
    operation: `list DNS records named ${fqdn} in zone ${zoneId}`,
    path: recordsPath(zoneId),
    query: { name: fqdn },
    item: recordResponse,
  });
}

function conflictError(type: string, fqdn: string, found: ApiRecord | undefined, atName: ApiRecord[], cause: MamuteApiError | undefined): Error {
  const where = withoutTrailingDot(fqdn);
  if (found?.managed) {
    return new CreateConflictError(
      `the ${type} record of ${where} is the zone's own (${found.id}, managed by MamuteCloud: the zone's nameservers) and cannot be ` +
        "created or changed. Remove this DnsRecord; the zone's `nameservers` output lists them.",
    );
  }
  if (found) {
    return new CreateConflictError(
      `${aRecordOf(type)} for ${where} already exists (${found.id}); a name and type hold one record set. ` +
        `${conflictAdvice("record")} Otherwise choose another name or type.`,
    );
  }
  const other = atName.find((record) => record.type === "CNAME" || type === "CNAME");
  if (other) {
    return new CreateConflictError(
      `${where} already has ${aRecordOf(other.type)} (${other.id}), and a CNAME cannot share its name with any other record. ` +
        `${conflictAdvice("record")} Otherwise choose another name for this one.`,
    );
  }
  return new CreateConflictError(
    `${aRecordOf(type)} for ${where} conflicts with an existing record${cause ? ` (${cause.message})` : ""}. ` +
      `${conflictAdvice("record")} Otherwise choose another name or type.`,
  );
}

/** Per-type rules: values depend on the type, priority belongs to MX alone, no CNAME at the apex. */
function refineRecord(inputs: PropertyMap, failures: CheckFailure[]): void {
  const type = typeof inputs.type === "string" && isRecordType(inputs.type) ? inputs.type : undefined;
  if (type === undefined) return; // unknown or invalid: its own failure (if any) says so
  const failed = (property: string) => failures.some((failure) => failure.property === property);

  if (Array.isArray(inputs.values) && !failed("values")) {
    const checked = checkRecordValues(type, inputs.values, isUnknown);
    if (checked.problems.length) failures.push({ property: "values", reason: checked.problems.join("; ") });
    else inputs.values = checked.values;
  }

  if (!isUnknown(inputs.priority) && !failed("priority")) {
    const given = inputs.priority !== undefined && inputs.priority !== null;
    if (type === "MX" && !given) {
      failures.push({ property: "priority", reason: `is required for MX records: set priority to an integer from 0 to ${PRIORITY_MAX} (lower is preferred)` });
    } else if (type !== "MX" && given) {
      failures.push({ property: "priority", reason: `only MX records take a priority: remove it from this ${type} record` });
    }
  }

  if (type === "CNAME" && typeof inputs.name === "string" && isApexName(inputs.name) && !failed("name")) {
    failures.push({
      property: "name",
      reason:
        "a CNAME record cannot be at the zone apex (it would shadow the zone's NS record): use A/AAAA records at \"@\", " +
        'or put the CNAME on a name such as "www"',
    });
  }
}

export const dnsRecord: ResourceDefinition = {
  kind: "DnsRecord",
  description: "A DNS record set in a MamuteCloud zone: one name and type with one or more values.",
  inputs: {
    zoneId: {
      description: "Id of the zone (a DnsZone's `id`). Changing it replaces the record.",
      schema: zoneIdSchema,
      required: true,
      replaceOnChange: true,
    },
    name: {
      description:
        "`@` (or empty) for the zone apex, a name relative to the zone (`www`), or an absolute one (`www.example.com`, with or " +
        "without the final dot); lower-cased. Spellings of the same name are no change. Changing the name replaces the record.",
      schema: nameSchema,
      required: true,
      replaceOnChange: true,
    },
    type: {
      description:
        "`A`, `AAAA`, `CNAME`, `MX`, `TXT` or `NS` (any case). Changing it replaces the record: the new one is created " +
        "first, unless a CNAME is involved at the same name (the two cannot coexist), then the old one is deleted first.",
      schema: typeSchema,
      required: true,
      replaceOnChange: true,
    },
    values: {
      description:
        `1-${MAX_VALUES} values, checked per type: A = IPv4, AAAA = IPv6 (stored compressed, RFC 5952), CNAME = exactly one ` +
        "host name (not at the apex), MX and NS = host names (stored lower case with a trailing dot), TXT = 1-2048 printable " +
        "ASCII characters each. Order does not matter (stored sorted); duplicates are refused. Changes in place.",
      schema: valuesSchema,
      required: true,
    },
    ttl: {
      description: `Time to live in seconds, ${TTL_MIN}-${TTL_MAX}; default ${DEFAULT_TTL}. Changes in place.`,
      schema: ttlSchema,
      default: DEFAULT_TTL,
    },
    priority: {
      description: `MX only, and required there: 0-${PRIORITY_MAX}, lower is preferred. Changes in place.`,
      schema: prioritySchema,
    },
  },
  outputs: {
    fqdn: { description: "The record's fully qualified name without the final dot, e.g. `www.example.com`.", schema: z.string() },
    recordId: { description: "The API's id of the record (the resource id is `<zoneId>/<recordId>`).", schema: z.string() },
  },

  refine(inputs, _olds, failures) {
    refineRecord(inputs, failures);
  },

  same: {
    name: (old, next, olds, news) => sameRecordName(old, next, knownZoneDomain(olds, news.zoneId)),
  },

  // The new record is created before the old one is deleted unless both would hold the same name
  // and type (or a CNAME beside anything) in one zone: the API refuses that (409).
  deleteBeforeReplace(olds, news) {
    if (isUnknown(news.zoneId) || isUnknown(news.name) || isUnknown(news.type)) return true;
    if (olds.zoneId !== news.zoneId) return false;
    const zoneDomain = knownZoneDomain(olds, news.zoneId);
    const sameName = sameRecordName(olds.name, news.name, zoneDomain);
    // Without the domain, different spellings might still be one name: assume the worst.
    if (!sameName && zoneDomain !== undefined) return false;
    return olds.type === news.type || olds.type === "CNAME" || news.type === "CNAME";
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const zoneId = String(inputs.zoneId);
    const type = String(inputs.type);
    const zoneDomain = await readZoneDomain(client, zoneId);
    if (zoneDomain === undefined) {
      throw new Error(`cannot create ${aRecordOf(type)} in DNS zone ${zoneId}: the zone does not exist. zoneId must be the id of an existing DnsZone.`);
    }
    const fqdn = recordFqdn(String(inputs.name), zoneDomain);
    if (!inZone(fqdn, zoneDomain)) {
      throw new Error(
        `name "${inputs.name}" is outside the zone ${zoneDomain}: use a name relative to the zone ("www") or an absolute name ending in ${zoneDomain}.`,
      );
    }
    if (type === "CNAME" && fqdn === `${zoneDomain}.`) {
      throw new Error(`name "${inputs.name}" is the apex of ${zoneDomain}, where a CNAME record cannot be: use A/AAAA records there, or another name.`);
    }
    const body: Record<string, unknown> = { name: fqdn, type, values: inputs.values, ttl: inputs.ttl };
    if (inputs.priority !== undefined && inputs.priority !== null) body.priority = inputs.priority;

    let atName: ApiRecord[] = [];
    const created = await createAdopting({
      client,
      key: { zoneId, fqdn, type, zoneDomain },
      what: `${aRecordOf(type)} for ${withoutTrailingDot(fqdn)}`,
      idOf: (found) => found.id,
      create: () =>
        client.call({
          operation: `create ${type} record ${withoutTrailingDot(fqdn)} in DNS zone ${zoneId}`,
          method: "POST",
          path: recordsPath(zoneId),
          body,
          response: recordResponse,
        }),
      lookup: async () => {
        atName = await listAtName(client, zoneId, fqdn);
        return atName.filter((record) => record.type === type);
      },
      createdAt: (found) => found.created_at,
      conflict: (found, cause) => conflictError(type, fqdn, found, atName, cause),
    });
    return { id: recordId(zoneId, created.id), outs: outputsOf(created, inputs.name, zoneDomain) };
  },

  async findPending(ctx, trace, state) {
    const { zoneId, fqdn, type, zoneDomain } = trace.key;
    let atName: ApiRecord[];
    try {
      atName = await listAtName(ctx.client(), zoneId, fqdn);
    } catch (err) {
      if (isNotFound(err)) return undefined; // the zone is gone, and the record with it
      throw err;
    }
    const found = atName.find((record) => record.type === type && madeWithin(trace, record.created_at));
    return found && { id: recordId(zoneId, found.id), outs: outputsOf(found, state.name, zoneDomain) };
  },

  async read(ctx, id, state) {
    const client = ctx.client();
    const { zoneId, recordId: record } = parseRecordId(id);
    const found = await client.find({
      operation: `read DNS record ${record} of zone ${zoneId}`,
      method: "GET",
      path: recordPath(zoneId, record),
      response: recordResponse,
    });
    if (found === undefined) return undefined; // the record, or its whole zone, is gone
    const zoneDomain = knownZoneDomain(state, zoneId) ?? (await readZoneDomain(client, zoneId));
    if (zoneDomain === undefined) return undefined;
    return outputsOf(found, state.name, zoneDomain);
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    const { zoneId, recordId: record } = parseRecordId(id);
    const body: Record<string, unknown> = { values: news.values, ttl: news.ttl };
    if (news.priority !== undefined && news.priority !== null) body.priority = news.priority;
    let updated: ApiRecord;
    try {
      updated = await client.call({
        operation: `update ${news.type} record ${olds.fqdn ?? news.name} (${record}) in DNS zone ${zoneId}`,
        method: "PUT",
        path: `/dns/records/${encodeURIComponent(record)}`,
        body,
        response: recordResponse,
      });
    } catch (err) {
      if (isNotFound(err)) {
        throw new Error(
          `cannot update DNS record ${record} of zone ${zoneId}: it no longer exists (${err.message}). ` +
            "Run `pulumi refresh` to drop it from the stack; the next `pulumi up` creates it again.",
        );
      }
      throw err;
    }
    const zoneDomain = knownZoneDomain(olds, zoneId) ?? (await readZoneDomain(client, zoneId));
    if (zoneDomain === undefined) {
      throw new Error(`DNS zone ${zoneId} of record ${record} no longer exists. Run \`pulumi refresh\` to drop its records from the stack.`);
    }
    return outputsOf(updated, news.name, zoneDomain);
  },

  async delete(ctx, id, state) {
    const { zoneId, recordId: record } = parseRecordId(id);
    try {
      await ctx.client().call({
        operation: `delete ${state.type ?? "DNS"} record ${state.fqdn ?? record} (${record}) in DNS zone ${zoneId}`,
        method: "DELETE",
        path: recordPath(zoneId, record),
      });
    } catch (err) {
      if (isNotFound(err)) return; // already gone, or its zone is
      throw err;
    }
  },
};
