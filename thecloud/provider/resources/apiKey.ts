// ApiKey: `/auth/keys`. The API shows a key's secret once, in the answer that creates it, so the
// state keeps it (secret) across refreshes, which read the key list (it carries no secret). The
// reference has no route that updates a key: a new name replaces it, and so does `rotation`, whose
// only use is to ask for a new secret. A replacement creates the new key before it deletes the old
// one, so whatever reads `key` has the new secret before the old one stops working (the API's own
// rotate route deletes the old key at once, so it is used only to recover a secret, below).
//
// The auth routes are limited to 5 requests a minute: the client gives them a limiter of their own
// (the dialect's `auth` route group), and the reads of a refresh share one list (sharedRead).
//
// The key this provider itself signs in with is never deleted or rotated by it: that would cut the
// rest of the operation (and every later one) off from the API.
import { z } from "zod";
import { createAdopting } from "../../../provider/adopt";
import type { ApiClient } from "../../../provider/client";
import { unlessGone } from "../../../provider/gone";
import { defineResource, present, type Context, type PropertyMap } from "../../../provider/resource";
import { forgetShared, sharedRead } from "../../../provider/sharedRead";
import { statusLine } from "../../../provider/progress";

const KEYS = "/auth/keys";

const keyResponse = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().optional(),
  key: z.string().optional(),
  user_id: z.string().optional(),
  created_at: z.string().optional(),
  last_used: z.string().nullable().optional(),
});
type ApiKeyAnswer = z.infer<typeof keyResponse>;

function listKeys(client: ApiClient): Promise<ApiKeyAnswer[]> {
  return sharedRead(client, KEYS, () => client.listAll({ operation: "list API keys", path: KEYS, item: keyResponse }));
}

function outputsOf(found: ApiKeyAnswer): PropertyMap {
  return present({ name: found.name, userId: found.user_id, createdAt: found.created_at, key: found.key });
}

/** Refuses to delete the key the provider signs in with (its secret is the one configured). */
function refuseOwnKey(ctx: Context, id: string, key: unknown, doing: string): void {
  const own = ctx.client().config.apiKey;
  if (typeof key === "string" && own !== undefined && key === own) {
    throw new Error(
      `ApiKey ${id} is the key this provider signs in with (thecloud:apiKey), so it will not ${doing} it: that would cut this ` +
        "and every later operation off from the API. Point thecloud:apiKey (or THECLOUD_API_KEY) at another key first, then run again.",
    );
  }
}

/** A new secret for a key whose create answer was lost (the key exists, its secret was never seen): the rotate route. */
async function withSecret(client: ApiClient, found: ApiKeyAnswer): Promise<ApiKeyAnswer> {
  if (found.key) return found;
  statusLine(`API key ${found.id} was made by a create whose answer was lost, so its secret was never seen: rotating it for a new one.`);
  forgetShared(client, KEYS);
  const rotated = await client.call({
    operation: `rotate API key ${found.id} (its secret was lost with the create's answer)`,
    method: "POST",
    path: `${KEYS}/${encodeURIComponent(found.id)}/rotate`,
    response: keyResponse,
    retry: "create",
  });
  return { ...found, ...rotated };
}

export const apiKey = defineResource({
  kind: "ApiKey",
  description:
    "A The Cloud API key (for CI, a service). Its secret, `key`, is shown by the API once and kept in the state as a secret. " +
    "Change `rotation` to get a new secret: the new key is made before the old one is deleted.",
  inputs: {
    name: {
      description: "The key's name. Changing it replaces the key (the API has no route that renames one).",
      schema: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
      required: true,
      replaceOnChange: true,
    },
    rotation: {
      description:
        "Any text (a date, a counter): changing it replaces the key with a new one, made before the old one is deleted, so " +
        "`key` changes to a new secret. Omitted: the key is kept.",
      schema: z.string(),
      replaceOnChange: true,
    },
  },
  outputs: {
    key: {
      description: "The key's secret (`thecloud_…`), as the API showed it when the key was made.",
      schema: z.string(),
      secret: true,
      setByCreate: true,
    },
    userId: { description: "The user the key belongs to (when the API says).", schema: z.string(), required: false },
    createdAt: { description: "When the key was created, ISO 8601 (when the API says).", schema: z.string(), required: false },
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { name } = inputs;
    // Names are not unique: what a lost create made is a key of this name not in the list before it
    // (one list for the creates that start together: the auth routes allow 5 requests a minute).
    const before = new Set((await listKeys(client)).map((found) => found.id));
    const created = await createAdopting({
      client,
      key: { name },
      what: `an API key named "${name}"`,
      idOf: (found) => found.id,
      newSinceBefore: true,
      excluded: async () => [...before],
      create: () =>
        client.call({ operation: `create API key "${name}"`, method: "POST", path: KEYS, body: { name }, response: keyResponse }),
      lookup: async () => {
        forgetShared(client, KEYS);
        return (await listKeys(client)).filter((found) => !before.has(found.id) && found.name === name);
      },
      createdAt: (found) => found.created_at,
      conflict: (_found, cause) => cause ?? new Error(`the API refused API key "${name}"`),
    });
    forgetShared(client, KEYS);
    const made = await withSecret(client, created);
    if (!made.key) throw new Error(`create API key "${name}": the API's answer carried no key, and a key's secret is shown only then`);
    return { id: made.id, outs: outputsOf({ name, ...made }) };
  },

  async read(ctx, id, state) {
    const found = (await listKeys(ctx.client())).find((candidate) => candidate.id === id);
    // The list carries no secret: the one in state stays.
    return found ? { ...outputsOf(found), key: state.key } : undefined;
  },

  async delete(ctx, id, state) {
    refuseOwnKey(ctx, id, state.key, "delete");
    const client = ctx.client();
    forgetShared(client, KEYS);
    await unlessGone(() => client.call({ operation: `delete API key ${id}`, method: "DELETE", path: `${KEYS}/${encodeURIComponent(id)}` }));
  },

  async findPending(ctx, trace) {
    const client = ctx.client();
    const excluded = new Set(trace.excluded ?? []);
    forgetShared(client, KEYS);
    const found = (await listKeys(client)).filter((candidate) => !excluded.has(candidate.id) && candidate.name === trace.key.name);
    if (found.length === 0) return undefined;
    if (found.length > 1) {
      throw new Error(
        `${found.length} API keys named "${trace.key.name}" appeared while this one was made; revoke the extra ones, then refresh`,
      );
    }
    const made = await withSecret(client, found[0]);
    return { id: made.id, outs: outputsOf(made) };
  },
});
