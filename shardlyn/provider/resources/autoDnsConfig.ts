// AutoDnsConfig: `/v1/dns/auto-config`, the account's one auto-DNS setting (the records Shardlyn
// makes for its instances). A singleton: it always exists, so "create" takes it over and "delete"
// gives it back. The create reads what was there and keeps it in the state (`previous`); the
// destroy writes the fields it managed back, so a stack leaves the setting as it found it.
// Only the fields the program sets are managed; the others stay as they are and are not diffed.
//
// The reference names the routes only. Assumed (shardlyn/emulator/README.md): the body is
// `{enabled, credential_id, zone_id, record_type, ttl, name_template}`, and a PUT is sent whole
// (what was read, with the program's fields over it), which an API that takes a part accepts too.
import { z } from "zod";
import type { ApiClient } from "../../../provider/client";
import { defineResource, present, type PropertyMap } from "../../../provider/resource";

const CONFIG = "/v1/dns/auto-config";
export const AUTO_DNS_CONFIG_ID = "auto-config";

const configAnswer = z
  .object({
    enabled: z.boolean().optional(),
    credential_id: z.string().nullable().optional(),
    zone_id: z.string().nullable().optional(),
    record_type: z.string().nullable().optional(),
    ttl: z.number().nullable().optional(),
    name_template: z.string().nullable().optional(),
  })
  .passthrough();
type ApiConfig = z.infer<typeof configAnswer>;

/** Input → API field. */
const FIELDS = {
  enabled: "enabled",
  credentialId: "credential_id",
  zoneId: "zone_id",
  recordType: "record_type",
  ttl: "ttl",
  nameTemplate: "name_template",
} as const;
type Field = keyof typeof FIELDS;

function read(client: ApiClient): Promise<ApiConfig> {
  return client.call({ operation: "read the auto-DNS config", method: "GET", path: CONFIG, response: configAnswer });
}

async function write(client: ApiClient, body: Record<string, unknown>, doing: string): Promise<ApiConfig> {
  // An answer that does not show the config (a 204): what was sent is what it holds.
  const answer = await client.call({ operation: doing, method: "PUT", path: CONFIG, body, response: configAnswer.optional() });
  return answer ?? (body as ApiConfig);
}

/** The API body with the program's fields over `base`. */
function bodyOf(base: ApiConfig, inputs: PropertyMap): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base };
  for (const [key, field] of Object.entries(FIELDS)) if (inputs[key] !== undefined) body[field] = inputs[key];
  return body;
}

/** The managed fields (those the program sets, per `managed`) as outputs, and the whole config as `current`. */
function outputsOf(config: ApiConfig, managed: PropertyMap, previous: unknown): PropertyMap {
  const outs: PropertyMap = {};
  for (const [key, field] of Object.entries(FIELDS) as Array<[Field, string]>) {
    const value = (config as Record<string, unknown>)[field];
    if (managed[key] !== undefined && value !== undefined && value !== null) outs[key] = value;
  }
  return present({ ...outs, current: JSON.stringify(config), previous: previous as string | undefined });
}

export const autoDnsConfig = defineResource({
  kind: "AutoDnsConfig",
  description:
    "The account's auto-DNS config (records Shardlyn makes for its instances). One per account: declare it once. Only the fields " +
    "given are managed; destroying the resource writes back the config it found.",
  inputs: {
    enabled: { description: "Whether Shardlyn makes DNS records for instances.", schema: z.boolean() },
    credentialId: { description: "The cloud credential of the zone it writes to.", schema: z.string().min(1) },
    zoneId: { description: "The zone it writes to (getDnsZone's `id`).", schema: z.string().min(1) },
    recordType: {
      description: "The type of the records it makes: A, AAAA or CNAME.",
      schema: z
        .string()
        .transform((value) => value.trim().toUpperCase())
        .pipe(z.enum(["A", "AAAA", "CNAME"], { message: "must be A, AAAA or CNAME" })),
    },
    ttl: {
      description: "The TTL of the records it makes: 60 to 86400 seconds, or 1 for automatic.",
      schema: z
        .number()
        .int("must be a whole number of seconds")
        .refine((value) => value === 1 || (value >= 60 && value <= 86400), "must be 1 (automatic) or from 60 to 86400 seconds"),
    },
    nameTemplate: {
      description: "How record names are made, e.g. `{instance}` or `{instance}.games`.",
      schema: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
    },
  },
  outputs: {
    current: { description: "The whole config as Shardlyn answered it (JSON).", schema: z.string() },
    previous: {
      description: "The config as it was before this resource took it over (JSON): what a destroy writes back.",
      schema: z.string(),
      required: false,
    },
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const before = await read(client);
    const after = await write(client, bodyOf(before, inputs), "set the auto-DNS config");
    return { id: AUTO_DNS_CONFIG_ID, outs: outputsOf(after, inputs, JSON.stringify(before)) };
  },

  async read(ctx, _id, state) {
    const config = await read(ctx.client());
    // An import manages every field the config has set.
    const managed = Object.keys(FIELDS).some((key) => state[key as Field] !== undefined)
      ? (state as PropertyMap)
      : { ...config, ...fieldsOf(config) };
    return outputsOf(config, managed, state.previous);
  },

  async update(ctx, _id, olds, news) {
    const client = ctx.client();
    const current = await read(client);
    const after = await write(client, bodyOf(current, news), "update the auto-DNS config");
    return outputsOf(after, news, olds.previous);
  },

  async delete(ctx, _id, state) {
    if (typeof state.previous !== "string") return; // imported: there is nothing known to give back, so it is left as it is
    const client = ctx.client();
    // The fields this stack managed go back to what they were; a field it never set keeps whatever it holds now.
    const previous = configAnswer.parse(JSON.parse(state.previous)) as Record<string, unknown>;
    const body: Record<string, unknown> = { ...(await read(client)) };
    for (const [key, field] of Object.entries(FIELDS)) if (state[key as Field] !== undefined) body[field] = previous[field] ?? null;
    await write(client, body, "restore the auto-DNS config found before this stack");
  },

  // A PUT is safe to repeat: a lost answer leaves nothing to find.
  findPending: async () => undefined,
});

/** Every field of the config as inputs, for an import. */
function fieldsOf(config: ApiConfig): PropertyMap {
  const out: PropertyMap = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = (config as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}
