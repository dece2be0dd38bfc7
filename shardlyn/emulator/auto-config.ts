// `/v1/dns/auto-config`: the auto-DNS config. A PUT takes any subset of the fields (every one of
// them under `auto-config-whole`) and answers the whole config after the change; each field is
// checked, then the whole: a zone needs its credential, and enabling needs both.
import { fail, validationError, type Context, type JsonObject, type Reply } from "./http";
import { credentialOf, zoneOf } from "./records";
import { ttlValue } from "./dns-values";
import type { AutoConfig, ShardlynState } from "./state";

const FIELDS = ["enabled", "credential_id", "zone_id", "record_type", "ttl", "name_template"] as const;
const AUTO_TYPES = ["A", "AAAA", "CNAME"];
const TEMPLATE = /^[a-z0-9{}._-]{1,255}$/;

function configJson(config: AutoConfig) {
  return {
    enabled: config.enabled,
    credential_id: config.credentialId,
    zone_id: config.zoneId,
    record_type: config.recordType,
    ttl: config.ttl,
    name_template: config.nameTemplate,
  };
}

export function getAutoConfig(ctx: Context): Reply {
  return { status: 200, body: configJson(ctx.state.autoConfig) };
}

const IDS: readonly string[] = ["credential_id", "zone_id"];

/** Whether the body gives the field: `null` is a value for an id (it clears it), absence for the others. */
function given(body: JsonObject, field: string): boolean {
  return body[field] !== undefined && (body[field] !== null || IDS.includes(field));
}

function apply(state: ShardlynState, body: JsonObject, next: AutoConfig): void {
  const has = (field: string) => given(body, field);
  if (has("enabled")) {
    if (typeof body.enabled !== "boolean") throw validationError("enabled", "must be true or false");
    next.enabled = body.enabled;
  }
  if (has("credential_id")) {
    if (body.credential_id !== null && typeof body.credential_id !== "string")
      throw validationError("credential_id", "must be a string or null");
    next.credentialId = body.credential_id === null ? null : credentialOf(state, body.credential_id).id;
  }
  if (has("zone_id")) {
    if (body.zone_id !== null && typeof body.zone_id !== "string") throw validationError("zone_id", "must be a string or null");
    next.zoneId = body.zone_id;
  }
  if (has("record_type")) {
    if (typeof body.record_type !== "string" || !AUTO_TYPES.includes(body.record_type.toUpperCase()))
      throw validationError("record_type", `must be one of ${AUTO_TYPES.join(", ")}`);
    next.recordType = body.record_type.toUpperCase();
  }
  if (has("ttl")) next.ttl = ttlValue(body.ttl);
  if (has("name_template")) {
    if (typeof body.name_template !== "string" || !TEMPLATE.test(body.name_template))
      throw validationError("name_template", "must be 1-255 characters of a-z, 0-9, -, _, ., { and } (e.g. {instance})");
    next.nameTemplate = body.name_template;
  }
}

export async function putAutoConfig(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const { state } = ctx;
  if (ctx.dialect.autoConfigWhole) {
    const missing = FIELDS.find((field) => !given(body, field));
    if (missing) throw validationError(missing, "is required (a PUT carries the whole config)");
  }
  const next = { ...state.autoConfig };
  apply(state, body, next);
  if (next.zoneId !== null) {
    if (next.credentialId === null) throw validationError("zone_id", "needs credential_id");
    zoneOf(state, next.credentialId, next.zoneId);
  }
  if (next.enabled && next.credentialId === null) throw validationError("credential_id", "is required when enabled is true");
  if (next.enabled && next.zoneId === null) throw validationError("zone_id", "is required when enabled is true");
  if (next.credentialId !== null && !state.credentials.has(next.credentialId)) throw fail(404, "credential not found");
  state.autoConfig = next;
  return { status: 200, body: configJson(next) };
}
