// DnsRecord: one name and type in a zone with one or more values (a record set), at
// `/dns/zones/{zone}/records`; values and TTL change in place (`PUT /dns/records/{id}`), zone,
// name and type replace it. The id `<zoneId>/<recordId>` is all `read` needs, because the API
// reads a record through its zone.
//
// Values are zone-file presentation text, as the API holds them: MX `10 mx1.example.com.`, SRV
// `10 5 5060 sip.example.com.`, CAA `0 issue "letsencrypt.org"`. The record-wide `priority` of
// state version 1 is folded into the MX values, at check for inputs and by `upgrade` for state,
// so stacks written then see no change.
//
// The zone's domain is not known at check (only `zoneId` is), so `name` stays as the user wrote it
// (lower-cased) and diff decides whether two spellings denote the same FQDN with the domain kept in
// state (`__zoneDomain`): `www`, `www.example.com` and `www.example.com.` are one name in
// example.com. Values are put in the API's canonical form at check, so a refresh shows no diff.
// Over 400 lines on purpose: the name rules (relative and absolute spellings, CNAME collisions, the
// v1 priority upgrade) are read by check, diff and the calls alike; the per-type value rules are in dns.ts.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { joinChildId, parentIdSchema, splitChildId } from "../childId";
import { isNotFound, type ApiError, type ApiClient } from "../client";
import { conflictAdvice, deleteIt, interruptedAdvice } from "../mamutecloud/conflict";
import { madeWithin } from "../pending";
import { defineLookup, defineResource, isUnknown, present, type CheckFailure, type InputProperty, type PropertyMap } from "../resource";
import { unlessGone } from "../gone";
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
const valuesSchema = z
  .array(z.string({ error: VALUES_RULE }), { error: VALUES_RULE })
  .min(1, VALUES_RULE)
  .max(MAX_VALUES, VALUES_RULE);

const TTL_RULE = `must be a whole number of seconds from ${TTL_MIN} to ${TTL_MAX}; omit it for ${DEFAULT_TTL}`;
const ttlSchema = z.int({ error: TTL_RULE }).min(TTL_MIN, TTL_RULE).max(TTL_MAX, TTL_RULE);

const PRIORITY_RULE = `must be an integer from 0 to ${PRIORITY_MAX} (lower is preferred); better, write it in each value: "10 mx1.example.com"`;
const prioritySchema = z.int({ error: PRIORITY_RULE }).min(0, PRIORITY_RULE).max(PRIORITY_MAX, PRIORITY_RULE);

// Read by need: the id is what a record is known by, its name and type what a lookup finds it by;
// values and TTL are copied to outputs when the API says them (else the inputs stand).
export const recordResponse = z.object({
  id: z.string(),
  zone_id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  values: z.array(z.string()).optional(),
  ttl: z.number().int().optional(),
  managed: z.boolean().optional(),
  created_at: z.string().optional(),
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
function keptName(userName: string | undefined, apiName: string, zoneDomain: string): string {
  return userName !== undefined && recordFqdn(userName, zoneDomain) === apiName ? userName : apiName;
}

/** `userName`: the name the inputs or state give; none when importing. */
function outputsOf(record: ApiRecord, userName: string | undefined, zoneDomain: string): PropertyMap {
  // The API's name, absolute, whichever way it spells it; unsaid, the name the user gave.
  const apiName = record.name !== undefined ? recordFqdn(record.name, zoneDomain) : undefined;
  const fqdn = apiName ?? (userName !== undefined ? recordFqdn(userName, zoneDomain) : undefined);
  return present({
    zoneId: record.zone_id,
    name: apiName === undefined ? undefined : keptName(userName, apiName, zoneDomain),
    type: record.type?.toUpperCase(),
    // Sorted as check sorts them, whatever order an API answers in.
    values: record.values && [...record.values].sort(),
    ttl: record.ttl,
    fqdn: fqdn && withoutTrailingDot(fqdn),
    recordId: record.id,
    __zoneDomain: zoneDomain,
  });
}

/** Whether a listed record is the one of this name and type: checked here, whatever filter the server applied. */
function holdsKey(record: ApiRecord, fqdn: string, type: string | undefined, zoneDomain: string): boolean {
  if (record.name === undefined || recordFqdn(record.name, zoneDomain) !== fqdn) return false;
  return type === undefined || record.type?.toUpperCase() === type;
}

async function readZoneDomain(client: ApiClient, zoneId: string): Promise<string | undefined> {
  // A record's name is resolved in its zone's domain: here the domain is needed, not optional.
  const zone = await client.find({
    operation: `read DNS zone ${zoneId}`,
    method: "GET",
    path: zonePath(zoneId),
    response: zoneResponse.extend({ domain: z.string() }),
  });
  return zone?.domain.toLowerCase().replace(/\.$/, "");
}

/**
 * Records at a name (any type). The `name` filter is not documented: a server may ignore it and
 * answer the whole zone, so the name is checked here on every record.
 */
async function listAtName(client: ApiClient, zoneId: string, fqdn: string, zoneDomain: string): Promise<ApiRecord[]> {
  const listed = await client.listAll({
    operation: `list DNS records named ${fqdn} in zone ${zoneId}`,
    path: recordsPath(zoneId),
    query: { name: fqdn },
    item: recordResponse,
  });
  return listed.filter((record) => holdsKey(record, fqdn, undefined, zoneDomain));
}

function conflictError(
  client: ApiClient,
  zoneId: string,
  type: string,
  fqdn: string,
  found: ApiRecord | undefined,
  atName: ApiRecord[],
  cause: ApiError | undefined,
): Error {
  const where = withoutTrailingDot(fqdn);
  if (found?.managed) {
    return new CreateConflictError(
      `the ${type} record of ${where} is the zone's own (${found.id}, managed by MamuteCloud: the zone's nameservers) and cannot be ` +
        "created or changed. Remove this DnsRecord; the zone's `nameservers` output lists them.",
    );
  }
  if (found) {
    const id = recordId(zoneId, found.id);
    const interrupted = interruptedAdvice({
      kind: "DnsRecord",
      id,
      createdAt: found.created_at,
      removal: deleteIt(client, recordPath(zoneId, found.id)),
    });
    return new CreateConflictError(
      `${aRecordOf(type)} for ${where} already exists (${found.id}); a name and type hold one record set. ` +
        `${interrupted} ${conflictAdvice("record")} Otherwise choose another name or type.`,
    );
  }
  const other = atName.find((record) => record.type?.toUpperCase() === "CNAME" || type === "CNAME");
  if (other) {
    return new CreateConflictError(
      `${where} already has ${aRecordOf(other.type?.toUpperCase() ?? "other")} (${other.id}), and a CNAME cannot share its name with any other record. ` +
        `${conflictAdvice("record")} Otherwise choose another name for this one.`,
    );
  }
  return new CreateConflictError(
    `${aRecordOf(type)} for ${where} conflicts with an existing record${cause ? ` (${cause.message})` : ""}. ` +
      `${conflictAdvice("record")} Otherwise choose another name or type.`,
  );
}

/** An SRV record's name starts with `_service._protocol`: `_sip._tcp`, `_imaps._tcp.mail`. */
function isServiceName(name: string): boolean {
  const [service, protocol] = name.split(".");
  return !isApexName(name) && service.startsWith("_") && protocol?.startsWith("_") === true;
}

/**
 * Per-type rules: values depend on the type; `priority` (the first version's record-wide MX
 * priority) is folded into the MX values written without one; no CNAME at the apex, no NS there
 * (MamuteCloud keeps the zone's own); SRV names are `_service._protocol`.
 */
function refineRecord(inputs: PropertyMap, failures: CheckFailure[]): void {
  const type = typeof inputs.type === "string" && isRecordType(inputs.type) ? inputs.type : undefined;
  if (type === undefined) return; // unknown or invalid: its own failure (if any) says so
  const failed = (property: string) => failures.some((failure) => failure.property === property);
  const priority = inputs.priority;
  const priorityGiven = priority !== undefined && priority !== null;

  if (priorityGiven && type !== "MX" && !failed("priority")) {
    failures.push({ property: "priority", reason: `only MX records take a priority: remove it from this ${type} record` });
  }
  // Until the priority is known (and valid), bare MX host names cannot be put in canonical form.
  const valuesJudgeable = type !== "MX" || (!isUnknown(priority) && !failed("priority"));
  if (Array.isArray(inputs.values) && !failed("values") && valuesJudgeable) {
    const checked = checkRecordValues(type, inputs.values, isUnknown, typeof priority === "number" ? priority : undefined);
    if (checked.problems.length === 0) {
      inputs.values = checked.values;
      // Folded into the values: the API and state know MX priorities only there.
      if (type === "MX") delete inputs.priority;
    } else {
      const hint =
        type === "MX" && !priorityGiven ? ' (each MX value carries its own priority: "10 mx1.example.com", "20 mx2.example.com")' : "";
      failures.push({ property: "values", reason: checked.problems.join("; ") + hint });
    }
  }

  if (typeof inputs.name !== "string" || isUnknown(inputs.name) || failed("name")) return;
  if (type === "CNAME" && isApexName(inputs.name)) {
    failures.push({
      property: "name",
      reason:
        'a CNAME record cannot be at the zone apex (it would shadow the zone\'s NS record): use A/AAAA records at "@", ' +
        'or put the CNAME on a name such as "www"',
    });
  } else if (type === "NS" && isApexName(inputs.name)) {
    failures.push({
      property: "name",
      reason:
        "the NS record set at the zone apex is managed by MamuteCloud (it lists the zone's nameservers, the DnsZone's " +
        '`nameservers` output) and cannot be declared: remove this record, or delegate a subdomain with a name such as "sub"',
    });
  } else if (type === "SRV" && !isServiceName(inputs.name)) {
    failures.push({
      property: "name",
      reason: `an SRV record's name must start with _service._protocol, like "_sip._tcp" or "_imaps._tcp.mail" (got "${inputs.name}")`,
    });
  }
}

/** State version 1 held an MX set's priority once, beside bare host names. */
function upgradeRecordState(state: PropertyMap, version: number): PropertyMap {
  if (version >= 2) return state;
  const { priority, ...rest } = state;
  if (rest.type !== "MX" || typeof priority !== "number" || !Array.isArray(rest.values)) return rest;
  return { ...rest, values: rest.values.map((host) => `${priority} ${host}`).sort() };
}

const recordInputs = {
  zoneId: {
    description: "Id of the zone (a DnsZone's `id`). Changing it replaces the record.",
    outputDescription: "The id of the zone that holds the record.",
    schema: zoneIdSchema,
    required: true,
    replaceOnChange: true,
  },
  name: {
    description:
      "`@` (or empty) for the zone apex, a name relative to the zone (`www`), or an absolute one (`www.example.com`, with or " +
      "without the final dot); lower-cased. Spellings of the same name are no change. Changing the name replaces the record.",
    outputDescription: "The name as given (lower-cased); `fqdn` is the name it denotes.",
    schema: nameSchema,
    required: true,
    replaceOnChange: true,
  },
  type: {
    description:
      "`A`, `AAAA`, `CNAME`, `MX`, `TXT`, `NS`, `SRV` or `CAA` (any case). Changing it replaces the record: the new one is created " +
      "first, unless a CNAME is involved at the same name (the two cannot coexist), then the old one is deleted first.",
    outputDescription: "The record type, upper case.",
    schema: typeSchema,
    required: true,
    replaceOnChange: true,
    union: { name: "DnsRecordType", values: RECORD_TYPES },
  },
  values: {
    description:
      `1-${MAX_VALUES} values in zone-file presentation form, checked per type: A = IPv4, AAAA = IPv6 (stored compressed, ` +
      "RFC 5952), CNAME = exactly one host name (not at the apex, not an IP address), NS = host names, MX = " +
      '`"<priority> <host>"` (`"10 mx1.example.com"`), SRV = `"<priority> <weight> <port> <target>"` ' +
      '(`"10 5 5060 sip.example.com"`), CAA = `"<flags> <tag> <value>"` with tag issue, issuewild or iodef ' +
      '(`"0 issue \\"letsencrypt.org\\""`), TXT = 1-2048 printable ASCII characters (text in double quotes is read as ' +
      "zone-file strings and joined, so a long DKIM key may be given either way). Host names are stored lower case with " +
      "a trailing dot, CAA values quoted, spacing single. Order does not matter (stored sorted); duplicates are refused. " +
      "Changes in place.",
    outputDescription: "The values in the API's canonical form (`10 mx1.example.com.`), sorted.",
    schema: valuesSchema,
    required: true,
  },
  ttl: {
    description: `Time to live in seconds, ${TTL_MIN}-${TTL_MAX}; default ${DEFAULT_TTL}. Changes in place.`,
    outputDescription: "Time to live in seconds.",
    schema: ttlSchema,
    default: DEFAULT_TTL,
  },
  priority: {
    description:
      `MX only, 0-${PRIORITY_MAX}: the priority of the values written as a bare host name. It is folded into the values ` +
      "(the record's state holds no priority), so moving it into the values is no change.",
    outputDescription: "@deprecated Undefined: MX priorities are in `values`. Kept so programs that read it still compile.",
    schema: prioritySchema,
    deprecated: 'Write the priority in each MX value instead: "10 mx1.example.com".',
  },
} satisfies Record<string, InputProperty>;

export const dnsRecord = defineResource({
  kind: "DnsRecord",
  description: "A DNS record set in a MamuteCloud zone: one name and type with one or more values.",
  inputs: recordInputs,

  outputs: {
    fqdn: { description: "The record's fully qualified name without the final dot, e.g. `www.example.com`.", schema: z.string() },
    recordId: { description: "The API's id of the record (the resource id is `<zoneId>/<recordId>`).", schema: z.string() },
  },

  refine(inputs, _olds, failures) {
    refineRecord(inputs, failures);
  },

  upgrade: upgradeRecordState,

  same: {
    name: (old, next, olds, news) => sameRecordName(old, next, knownZoneDomain(olds, news.zoneId)),
  },

  // The new record is created before the old one is deleted unless both would hold the same name
  // and type (or a CNAME beside anything) in one zone: the API refuses that (409).
  // The preview must give the answer `up` will give (the engine asks again with known values and
  // follows that). A zone id unknown at preview is a zone being created or replaced, so a new id:
  // another zone, no collision, create first, as `up` then decides. (A zone id hidden behind some
  // other unknown that resolves to the same zone would be deleted first at `up`: the safe order,
  // only the preview's listing differs.)
  deleteBeforeReplace(olds, news) {
    if (isUnknown(news.zoneId)) return false;
    if (olds.zoneId !== news.zoneId) return false;
    if (isUnknown(news.name) || isUnknown(news.type)) return true;
    const zoneDomain = knownZoneDomain(olds, news.zoneId);
    const sameName = sameRecordName(olds.name, news.name, zoneDomain);
    // Without the domain, different spellings might still be one name: assume the worst.
    if (!sameName && zoneDomain !== undefined) return false;
    return olds.type === news.type || olds.type === "CNAME" || news.type === "CNAME";
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { zoneId, type } = inputs;
    const zoneDomain = await readZoneDomain(client, zoneId);
    if (zoneDomain === undefined) {
      throw new Error(
        `cannot create ${aRecordOf(type)} in DNS zone ${zoneId}: the zone does not exist. zoneId must be the id of an existing DnsZone.`,
      );
    }
    const fqdn = recordFqdn(inputs.name, zoneDomain);
    if (!inZone(fqdn, zoneDomain)) {
      throw new Error(
        `name "${inputs.name}" is outside the zone ${zoneDomain}: use a name relative to the zone ("www") or an absolute name ending in ${zoneDomain}.`,
      );
    }
    if (type === "CNAME" && fqdn === `${zoneDomain}.`) {
      throw new Error(
        `name "${inputs.name}" is the apex of ${zoneDomain}, where a CNAME record cannot be: use A/AAAA records there, or another name.`,
      );
    }
    if (type === "NS" && fqdn === `${zoneDomain}.`) {
      throw new Error(
        `name "${inputs.name}" is the apex of ${zoneDomain}, whose NS records MamuteCloud manages (the DnsZone's nameservers): remove this record.`,
      );
    }
    const body: Record<string, unknown> = { name: fqdn, type, values: inputs.values, ttl: inputs.ttl };

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
        atName = await listAtName(client, zoneId, fqdn, zoneDomain);
        return atName.filter((record) => holdsKey(record, fqdn, type, zoneDomain));
      },
      createdAt: (found) => found.created_at,
      conflict: (found, cause) => conflictError(client, zoneId, type, fqdn, found, atName, cause),
    });
    return { id: recordId(zoneId, created.id), outs: outputsOf(created, inputs.name, zoneDomain) };
  },

  async findPending(ctx, trace, state) {
    const { zoneId, fqdn, type, zoneDomain } = trace.key;
    const atName = await unlessGone(() => listAtName(ctx.client(), zoneId, fqdn, zoneDomain));
    if (atName === undefined) return undefined; // the zone is gone, and the record with it
    const found = atName.find((record) => holdsKey(record, fqdn, type, zoneDomain) && madeWithin(trace, record.created_at));
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
      throw new Error(
        `DNS zone ${zoneId} of record ${record} no longer exists. Run \`pulumi refresh\` to drop its records from the stack.`,
      );
    }
    return outputsOf(updated, news.name, zoneDomain);
  },

  lookup: defineLookup({
    description: "An existing DNS record set, by its zone, name and type.",
    args: {
      zoneId: { ...recordInputs.zoneId, replaceOnChange: false },
      name: { ...recordInputs.name, replaceOnChange: false },
      type: { ...recordInputs.type, replaceOnChange: false },
    },
    async find(ctx, args) {
      const client = ctx.client();
      const { zoneId, type } = args;
      const zoneDomain = await readZoneDomain(client, zoneId);
      if (zoneDomain === undefined) throw new Error(`getDnsRecord: DNS zone ${zoneId} does not exist`);
      const fqdn = recordFqdn(args.name, zoneDomain);
      const found = (await listAtName(client, zoneId, fqdn, zoneDomain)).find((record) => holdsKey(record, fqdn, type, zoneDomain));
      if (!found) throw new Error(`getDnsRecord: zone ${zoneDomain} has no ${type} record named ${withoutTrailingDot(fqdn)}`);
      return recordId(zoneId, found.id);
    },
  }),

  async delete(ctx, id, state) {
    const { zoneId, recordId: record } = parseRecordId(id);
    // Gone: the record, or its zone.
    await unlessGone(() =>
      ctx.client().call({
        operation: `delete ${state.type ?? "DNS"} record ${state.fqdn ?? record} (${record}) in DNS zone ${zoneId}`,
        method: "DELETE",
        path: recordPath(zoneId, record),
      }),
    );
  },
});
