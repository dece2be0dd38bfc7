// DNS zones and their record sets. A zone is born with a managed apex NS record holding its
// nameservers; record sets are unique by name+type, and a CNAME shares its name with nothing.
// MX priorities live in each value (`10 mx1.example.com.`); the set-wide `priority` field of the
// first MX form is still read, for clients written against it.
import { createHash } from "node:crypto";
import type { DnsRecord, DnsRecordType, DnsZone, EmulatorState } from "../state";
import { conflict, notFound, timestamp, validationError, type JsonObject } from "./http";
import { isAbsent, optionalInteger, optionalString, queryString, requiredString } from "./fields";
import { canonicalRecordName, canonicalZoneDomain } from "./dns-names";
import { PRIORITY_MAX, canonicalRecordValues, mxExchanges } from "./dns-values";
import { compare } from "./buckets";
import { paginate, parsePage } from "./pagination";
import type { Route } from "./router";

const RECORD_TYPES: readonly DnsRecordType[] = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"];
const NAMESERVERS = ["ns1.mamutecloud.com", "ns2.mamutecloud.com", "ns3.mamutecloud.com", "ns4.mamutecloud.com"];
export const TTL_MIN = 60;
export const TTL_MAX = 86400;
export const DEFAULT_TTL = 3600;
const MANAGED_NS_TTL = 86400;

/** Two of the four, always the same two for a domain, in ascending order. */
function nameserversFor(domain: string): string[] {
  const pairs: Array<[number, number]> = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
  ];
  const [first, second] = pairs[createHash("sha256").update(domain).digest()[0] % pairs.length];
  return [NAMESERVERS[first], NAMESERVERS[second]];
}

function recordsOfZone(state: EmulatorState, zoneId: string): DnsRecord[] {
  return [...state.records.values()]
    .filter((record) => record.zoneId === zoneId)
    .sort((a, b) => compare(a.name, b.name) || compare(a.type, b.type));
}

export function recordJson(record: DnsRecord) {
  return {
    id: record.id,
    zone_id: record.zoneId,
    name: record.name,
    type: record.type,
    values: [...record.values],
    ttl: record.ttl,
    managed: record.managed,
    created_at: timestamp(record.createdAt),
    updated_at: timestamp(record.updatedAt),
  };
}

function zoneJson(state: EmulatorState, zone: DnsZone) {
  return {
    id: zone.id,
    domain: zone.domain,
    status: "active",
    nameservers: [...zone.nameservers],
    record_count: recordsOfZone(state, zone.id).length,
    created_at: timestamp(zone.createdAt),
    updated_at: timestamp(zone.updatedAt),
  };
}

function zoneById(state: EmulatorState, zoneId: string, field?: string): DnsZone {
  const zone = state.zones.get(zoneId);
  if (!zone) throw notFound(`zone ${zoneId} not found`, field);
  return zone;
}

function recordInZone(state: EmulatorState, zone: DnsZone, recordId: string): DnsRecord {
  const record = state.records.get(recordId);
  if (!record || record.zoneId !== zone.id) throw notFound(`record ${recordId} not found in zone ${zone.id}`);
  return record;
}

function assertNotManaged(record: DnsRecord): void {
  if (record.managed)
    throw conflict(`record ${record.id} (${record.type} ${record.name}) is managed by its zone and cannot be changed or deleted`);
}

function recordType(raw: string, field = "type"): DnsRecordType {
  const type = raw.toUpperCase() as DnsRecordType;
  if (!RECORD_TYPES.includes(type)) throw validationError(field, `must be one of ${RECORD_TYPES.join(", ")}`);
  return type;
}

/** The set-wide `priority` of the first MX form (MX alone): the priority of bare host names. */
function legacyPriority(type: DnsRecordType, body: JsonObject): number | undefined {
  const priority = optionalInteger(body, "priority", 0, PRIORITY_MAX);
  if (priority !== undefined && type !== "MX") {
    throw validationError("priority", 'only MX records take a priority, and it belongs in each value: "10 mx1.example.com"');
  }
  return priority;
}

/** An SRV record's name starts with `_service._protocol`: `_sip._tcp`, `_imaps._tcp.mail`. */
function checkSrvName(name: string, zoneDomain: string): void {
  const [service, protocol] = name.split(".");
  if (name === `${zoneDomain}.` || !service.startsWith("_") || !protocol?.startsWith("_")) {
    throw validationError("name", "an SRV record's name must start with _service._protocol, like _sip._tcp");
  }
}

function assertNoConflict(state: EmulatorState, zone: DnsZone, name: string, type: DnsRecordType): void {
  for (const other of recordsOfZone(state, zone.id)) {
    if (other.name !== name) continue;
    if (other.type === type) throw conflict(`a ${type} record for ${name} already exists (${other.id})`);
    if (type === "CNAME" || other.type === "CNAME") {
      throw conflict(`a CNAME record cannot share its name with another record: ${name} already has ${other.type} (${other.id})`);
    }
  }
}

function createRecord(state: EmulatorState, zone: DnsZone, body: JsonObject): DnsRecord {
  const name = canonicalRecordName(requiredString(body, "name"), zone.domain);
  const type = recordType(requiredString(body, "type"));
  if (isAbsent(body, "values")) throw validationError("values", "is required");
  const values = canonicalRecordValues(type, body.values, legacyPriority(type, body));
  const ttl = optionalInteger(body, "ttl", TTL_MIN, TTL_MAX) ?? DEFAULT_TTL;
  if (type === "CNAME" && name === `${zone.domain}.`) throw validationError("name", "a CNAME record cannot be at the zone apex");
  if (type === "SRV") checkSrvName(name, zone.domain);
  assertNoConflict(state, zone, name, type);
  const now = state.now();
  const record: DnsRecord = {
    id: state.newId("rec"),
    zoneId: zone.id,
    name,
    type,
    values,
    ttl,
    managed: false,
    createdAt: now,
    updatedAt: now,
  };
  state.records.set(record.id, record);
  return record;
}

/**
 * `PUT` changes values and TTL; naming the record's identity differently is a 400. `priority`
 * alone (the first MX form) gives every value of an MX set that priority.
 */
function updateRecord(state: EmulatorState, record: DnsRecord, body: JsonObject): void {
  assertNotManaged(record);
  const zone = zoneById(state, record.zoneId);
  const immutable = "cannot be changed (delete and recreate the record instead)";
  const name = optionalString(body, "name");
  if (name !== undefined && canonicalRecordName(name, zone.domain) !== record.name) throw validationError("name", immutable);
  const type = optionalString(body, "type");
  if (type !== undefined && recordType(type) !== record.type) throw validationError("type", immutable);
  const zoneId = optionalString(body, "zone_id");
  if (zoneId !== undefined && zoneId !== record.zoneId) throw validationError("zone_id", immutable);

  const priority = legacyPriority(record.type, body);
  let values = record.values;
  if (!isAbsent(body, "values")) values = canonicalRecordValues(record.type, body.values, priority);
  else if (priority !== undefined) values = canonicalRecordValues(record.type, mxExchanges(record.values), priority);
  const ttl = optionalInteger(body, "ttl", TTL_MIN, TTL_MAX) ?? record.ttl;
  record.values = values;
  record.ttl = ttl;
  record.updatedAt = state.now();
}

function listRecords(state: EmulatorState, zone: DnsZone, query: URLSearchParams) {
  const page = parsePage(query);
  const typeFilter = queryString(query, "type");
  const type = typeFilter === undefined ? undefined : recordType(typeFilter);
  const nameFilter = query.get("name");
  const name = nameFilter === null ? undefined : canonicalRecordName(nameFilter, zone.domain);
  const records = recordsOfZone(state, zone.id).filter(
    (record) => (type === undefined || record.type === type) && (name === undefined || record.name === name),
  );
  return paginate(records, page, recordJson);
}

export function dnsRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: "POST",
      template: "/dns/zones",
      handler: async (ctx) => {
        const domain = canonicalZoneDomain(requiredString(await ctx.body(), "domain"));
        for (const zone of state.zones.values()) {
          if (zone.domain === domain) throw conflict(`domain: a zone for ${domain} already exists (${zone.id})`, "domain");
        }
        const now = state.now();
        const zone: DnsZone = { id: state.newId("zone"), domain, nameservers: nameserversFor(domain), createdAt: now, updatedAt: now };
        state.zones.set(zone.id, zone);
        const apexNs: DnsRecord = {
          id: state.newId("rec"),
          zoneId: zone.id,
          name: `${domain}.`,
          type: "NS",
          values: zone.nameservers.map((nameserver) => `${nameserver}.`),
          ttl: MANAGED_NS_TTL,
          managed: true,
          createdAt: now,
          updatedAt: now,
        };
        state.records.set(apexNs.id, apexNs);
        return { status: 201, body: zoneJson(state, zone) };
      },
    },
    {
      method: "GET",
      template: "/dns/zones",
      handler: (ctx) => {
        const page = parsePage(ctx.query);
        const zones = [...state.zones.values()].sort((a, b) => compare(a.domain, b.domain));
        return { status: 200, body: paginate(zones, page, (zone) => zoneJson(state, zone)) };
      },
    },
    {
      method: "GET",
      template: "/dns/zones/{id}",
      handler: (ctx) => {
        const zone = zoneById(state, ctx.params.id);
        return { status: 200, body: { ...zoneJson(state, zone), records: recordsOfZone(state, zone.id).map(recordJson) } };
      },
    },
    {
      method: "DELETE",
      template: "/dns/zones/{id}",
      handler: (ctx) => {
        const zone = zoneById(state, ctx.params.id);
        for (const record of recordsOfZone(state, zone.id)) state.records.delete(record.id);
        state.zones.delete(zone.id);
        return { status: 204 };
      },
    },
    {
      method: "POST",
      template: "/dns/zones/{zone_id}/records",
      handler: async (ctx) => {
        const zone = zoneById(state, ctx.params.zone_id);
        return { status: 201, body: recordJson(createRecord(state, zone, await ctx.body())) };
      },
    },
    {
      method: "GET",
      template: "/dns/zones/{zone_id}/records",
      handler: (ctx) => ({ status: 200, body: listRecords(state, zoneById(state, ctx.params.zone_id), ctx.query) }),
    },
    {
      method: "GET",
      template: "/dns/zones/{zone_id}/records/{record_id}",
      handler: (ctx) => {
        const zone = zoneById(state, ctx.params.zone_id);
        return { status: 200, body: recordJson(recordInZone(state, zone, ctx.params.record_id)) };
      },
    },
    {
      method: "DELETE",
      template: "/dns/zones/{zone_id}/records/{record_id}",
      handler: (ctx) => {
        const zone = zoneById(state, ctx.params.zone_id);
        const record = recordInZone(state, zone, ctx.params.record_id);
        assertNotManaged(record);
        state.records.delete(record.id);
        return { status: 204 };
      },
    },
    {
      method: "POST",
      template: "/dns/records",
      handler: async (ctx) => {
        const body = await ctx.body();
        const zone = zoneById(state, requiredString(body, "zone_id"), "zone_id");
        return { status: 201, body: recordJson(createRecord(state, zone, body)) };
      },
    },
    {
      method: "GET",
      template: "/dns/records",
      handler: (ctx) => {
        const zoneId = queryString(ctx.query, "zone_id");
        if (zoneId === undefined) throw validationError("zone_id", "is required");
        return { status: 200, body: listRecords(state, zoneById(state, zoneId, "zone_id"), ctx.query) };
      },
    },
    {
      method: "PUT",
      template: "/dns/records/{record_id}",
      handler: async (ctx) => {
        const record = state.records.get(ctx.params.record_id);
        if (!record) throw notFound(`record ${ctx.params.record_id} not found`);
        updateRecord(state, record, await ctx.body());
        return { status: 200, body: recordJson(record) };
      },
    },
  ];
}
