// `/v1/dns/zones`, `/v1/dns/zones/{zoneId}/records`, `/v1/dns/records` (list, create) and
// `/v1/dns/records/{id}` (update, delete). Records live at the external provider (external.ts):
// every operation on a revoked credential's zone is refused there.
import { isAbsent, requiredString } from "../../emulator/management/fields";
import { fail, listReply, validationError, type Context, type JsonObject, type Reply } from "./http";
import { reach } from "./external";
import {
  DEFAULT_TTL,
  checkContent,
  contentKey,
  displayContent,
  displayName,
  recordType,
  relativeName,
  ttlValue,
  type RecordType,
} from "./dns-values";
import { isoSeconds, type Credential, type DnsRecord, type ShardlynState, type Zone } from "./state";

const CANNOT_CHANGE = "cannot be changed (delete the record and create another)";
const NODE_ID = /^[A-Za-z0-9_-]{1,100}$/;

function zoneJson(state: ShardlynState, zone: Zone) {
  const credential = state.credentials.get(zone.credentialId);
  return {
    id: zone.id,
    name: zone.name,
    credential_id: zone.credentialId,
    provider: credential?.provider ?? "cloudflare",
    status: "active",
  };
}

function recordJson(ctx: Context, record: DnsRecord) {
  const zone = ctx.state.zones.get(record.zoneId);
  return {
    id: ctx.dialect.externalIds ? record.externalId : record.id,
    credential_id: record.credentialId,
    zone_id: record.zoneId,
    type: record.type,
    name: displayName(record.name, zone?.name ?? "", ctx.dialect.recordNames),
    content: displayContent(record.type, record.content, ctx.dialect.txtQuoted),
    ttl: record.ttl,
    node_id: record.nodeId,
    created_at: isoSeconds(record.createdAtMs),
  };
}

/** A zone id that must name one of this credential's zones (`400` otherwise). */
export function zoneOf(state: ShardlynState, credentialId: string, zoneId: unknown): Zone {
  if (typeof zoneId !== "string") throw validationError("zone_id", "is required: a string");
  const zone = state.zones.get(zoneId);
  if (!zone || zone.credentialId !== credentialId) throw validationError("zone_id", `not a zone of credential ${credentialId}`);
  return zone;
}

export function credentialOf(state: ShardlynState, credentialId: string): Credential {
  const credential = state.credentials.get(credentialId);
  if (!credential) throw fail(404, "credential not found");
  return credential;
}

function nodeId(body: JsonObject): string | null {
  const value = body.node_id;
  if (value === null || value === undefined) return null;
  if (typeof value !== "string" || !NODE_ID.test(value))
    throw validationError("node_id", "must be a node id (1-100 characters of A-Z, a-z, 0-9, - and _) or null");
  return value;
}

/** The provider's rules: no two records alike, and a CNAME alone at its name. */
function checkClashes(state: ShardlynState, candidate: Pick<DnsRecord, "zoneId" | "type" | "name" | "content">, except?: string): void {
  const key = contentKey(candidate.type as RecordType, candidate.content);
  const sameName = state.zoneRecords(candidate.zoneId).filter((other) => other.name === candidate.name && other.id !== except);
  if (sameName.some((other) => other.type === candidate.type && contentKey(other.type as RecordType, other.content) === key))
    throw fail(409, "record already exists");
  if (sameName.some((other) => other.type === "CNAME" || candidate.type === "CNAME"))
    throw fail(409, "a CNAME record cannot share its name with other records");
}

function recordOf(ctx: Context): DnsRecord {
  const record = ctx.state.recordById(ctx.params.id);
  if (!record) throw fail(404, "record not found");
  return record;
}

export function listZones(ctx: Context): Reply {
  const { state } = ctx;
  for (const credential of state.credentials.values()) reach(credential, ctx.dialect);
  return listReply(ctx, [...state.zones.values()], (zone) => zoneJson(state, zone));
}

export function listZoneRecords(ctx: Context): Reply {
  const zone = ctx.state.zones.get(ctx.params.zoneId);
  if (!zone) throw fail(404, "zone not found");
  reach(credentialOf(ctx.state, zone.credentialId), ctx.dialect);
  return listReply(ctx, ctx.state.zoneRecords(zone.id), (record) => recordJson(ctx, record));
}

/** Every record of every zone whose credential its provider accepts (a revoked one's are left out). */
export function listAllRecords(ctx: Context): Reply {
  const { state } = ctx;
  const records = [...state.records.values()].filter((record) => state.credentials.get(record.credentialId)?.revoked === false);
  return listReply(ctx, records, (record) => recordJson(ctx, record));
}

export async function createRecord(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const { state } = ctx;
  const credential = credentialOf(state, requiredString(body, "credential_id"));
  const zone = zoneOf(state, credential.id, body.zone_id);
  const type = recordType(body.type);
  if (isAbsent(body, "name")) throw validationError("name", 'is required ("@" for the apex)');
  const name = relativeName(body.name, zone.name);
  const content = checkContent(type, body.content);
  const ttl = isAbsent(body, "ttl") ? DEFAULT_TTL : ttlValue(body.ttl);
  const node = nodeId(body);
  reach(credential, ctx.dialect);
  const candidate = { credentialId: credential.id, zoneId: zone.id, type, name, content, ttl, nodeId: node };
  checkClashes(state, candidate);
  const record = state.addRecord(candidate);
  return ctx.dialect.createBare ? { status: 201 } : { status: 201, body: recordJson(ctx, record) };
}

const WHOLE_PUT = ["type", "name", "content", "ttl"] as const;

export async function updateRecord(ctx: Context): Promise<Reply> {
  const record = recordOf(ctx);
  const body = await ctx.json();
  const { state } = ctx;
  const zone = state.zones.get(record.zoneId)!;
  if (ctx.dialect.putWhole) {
    const missing = WHOLE_PUT.find((field) => isAbsent(body, field));
    if (missing) throw validationError(missing, "is required (a PUT carries type, name, content and ttl)");
  }
  if (!isAbsent(body, "type") && recordType(body.type) !== record.type) throw validationError("type", CANNOT_CHANGE);
  if (!isAbsent(body, "name") && relativeName(body.name, zone.name) !== record.name) throw validationError("name", CANNOT_CHANGE);
  const content = isAbsent(body, "content") ? record.content : checkContent(record.type as RecordType, body.content);
  const ttl = isAbsent(body, "ttl") ? record.ttl : ttlValue(body.ttl);
  const node = "node_id" in body ? nodeId(body) : record.nodeId;
  reach(credentialOf(state, record.credentialId), ctx.dialect);
  checkClashes(state, { ...record, content }, record.id);
  Object.assign(record, { content, ttl, nodeId: node });
  return { status: 200, body: recordJson(ctx, record) };
}

export function deleteRecord(ctx: Context): Reply {
  const record = recordOf(ctx);
  reach(credentialOf(ctx.state, record.credentialId), ctx.dialect);
  ctx.state.records.delete(record.id);
  return { status: 204 };
}
