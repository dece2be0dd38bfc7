// ApiToken: `/v1/api-tokens`. The API shows a token's value once, in the answer that creates it, so
// the state keeps it (secret) across refreshes, which read the token list (it carries no value).
// There is no route that updates a token: a new name or expiry replaces it, and so does `rotation`.
// A replacement creates the new token before it deletes the old one, so whatever reads `token` has
// the new value before the old one stops working. A token past its `expiresAt` shows as a
// replacement at the next preview, with no change to the program: its value no longer works.
//
// The reference's example answers an `expires_at` one day short of `created_at + expires_in`: the
// server's `expires_at` is the truth, never a sum made here.
import { z } from "zod";
import { createAdopting } from "../../../provider/adopt";
import type { ApiClient } from "../../../provider/client";
import { unlessGone } from "../../../provider/gone";
import { statusLine } from "../../../provider/progress";
import { defineResource, present, type Context, type PropertyMap } from "../../../provider/resource";
import { forgetShared, sharedRead } from "../../../provider/sharedRead";

const TOKENS = "/v1/api-tokens";
const TEN_YEARS = 10 * 366 * 86400;

const tokenResponse = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().optional(),
  token: z.string().optional(),
  expires_at: z.string().nullable().optional(),
  created_at: z.string().optional(),
  last_used_at: z.string().nullable().optional(),
});
type ApiToken = z.infer<typeof tokenResponse>;

function listTokens(client: ApiClient): Promise<ApiToken[]> {
  return sharedRead(client, TOKENS, () => client.listAll({ operation: "list API tokens", path: TOKENS, item: tokenResponse }));
}

function outputsOf(found: ApiToken): PropertyMap {
  return present({ name: found.name, expiresAt: found.expires_at ?? undefined, createdAt: found.created_at, token: found.token });
}

/** Refuses to delete the token the provider signs in with: that would cut this and every later operation off. */
function refuseOwnToken(ctx: Context, id: string, token: unknown): void {
  if (typeof token === "string" && token === ctx.client().config.token) {
    throw new Error(
      `ApiToken ${id} is the token this provider signs in with (shardlyn:token), so it will not delete it: that would cut this and every ` +
        "later operation off from the API. Point shardlyn:token (or SHARDLYN_TOKEN) at another token first, then run again.",
    );
  }
}

/** Whether a token stamped to expire at `expiresAt` has expired by `now` (this machine's clock). */
export const hasExpired = (expiresAt: unknown, now = Date.now()) => typeof expiresAt === "string" && Date.parse(expiresAt) <= now;

export const apiToken = defineResource({
  kind: "ApiToken",
  description:
    "A Shardlyn API token (for CI, automation). Its value, `token`, is shown by the API once and kept in the state as a secret. " +
    "Change `rotation` to get a new value: the new token is made before the old one is deleted. An expired token is replaced at the next `up`.",
  inputs: {
    name: {
      description: "The token's name. Changing it replaces the token (the API has no route that renames one).",
      schema: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
      required: true,
      replaceOnChange: true,
    },
    expiresIn: {
      description:
        "Seconds the token lives from its creation (2592000 is 30 days); omitted, it does not expire. Changing it replaces the token; " +
        "once it has expired, the next preview shows a replacement.",
      schema: z
        .number()
        .int("must be a whole number of seconds")
        .min(60, "must be at least 60 seconds")
        .max(TEN_YEARS, "must be at most ten years (316224000 seconds)"),
      replaceOnChange: true,
    },
    renewBefore: {
      description:
        "Seconds before `expiresAt` from which the next preview replaces the token (604800: a week ahead), so whatever uses it gets a " +
        "new value before the old one stops working. Default 0: replaced once expired. Changing it alone changes nothing at Shardlyn.",
      schema: z
        .number()
        .int("must be a whole number of seconds")
        .min(0, "must not be negative")
        .max(TEN_YEARS, "must be at most ten years"),
    },
    rotation: {
      description: "Any text (a date, a counter): changing it replaces the token with a new one, made before the old one is deleted.",
      schema: z.string(),
      replaceOnChange: true,
    },
  },
  outputs: {
    token: {
      description: "The token's value (`shardlyn_api_…`), as the API showed it when the token was made.",
      schema: z.string(),
      secret: true,
      setByCreate: true,
    },
    expiresAt: {
      description: "When the token expires, ISO 8601, as the API says; absent for a token that does not.",
      schema: z.string(),
      required: false,
    },
    createdAt: { description: "When the token was created, ISO 8601 (when the API says).", schema: z.string(), required: false },
  },

  // Expired (or within `renewBefore` of it), or adopted from a create whose answer (and so its value) was lost: a new token is needed.
  replaces: (olds, news) => {
    const ahead = typeof news.renewBefore === "number" ? news.renewBefore * 1000 : 0;
    return hasExpired(olds.expiresAt, Date.now() + ahead) || olds.__valueLost === true ? ["expiresIn"] : [];
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { name, expiresIn } = inputs;
    const body = { name, ...(expiresIn !== undefined && { expires_in: expiresIn }) };
    const make = () =>
      client.call({ operation: `create API token "${name}"`, method: "POST", path: TOKENS, body, response: tokenResponse });
    // Names are not unique: what a lost create made is a token of this name not in the list before it.
    const before = new Set((await listTokens(client)).map((found) => found.id));
    const lookup = async () => {
      forgetShared(client, TOKENS);
      return (await listTokens(client)).filter((found) => !before.has(found.id) && found.name === name);
    };
    let made = await createAdopting({
      client,
      key: { name },
      what: `an API token named "${name}"`,
      idOf: (found) => found.id,
      newSinceBefore: true,
      excluded: async () => [...before],
      create: make,
      lookup,
      createdAt: (found) => found.created_at,
      conflict: (_found, cause) => cause ?? new Error(`the API refused API token "${name}"`),
    });
    if (!made.token) {
      // A create whose answer was lost made a token whose value no one will ever see: useless, so it goes.
      statusLine(
        `API token ${made.id} was made by a create whose answer was lost, so its value was never seen: deleting it and making another.`,
      );
      await unlessGone(() =>
        client.call({
          operation: `delete API token ${made.id} (its value was lost)`,
          method: "DELETE",
          path: `${TOKENS}/${encodeURIComponent(made.id)}`,
        }),
      );
      made = await make();
    }
    forgetShared(client, TOKENS);
    if (!made.token)
      throw new Error(`create API token "${name}": the API's answer carried no token, and a token's value is shown only then`);
    return { id: made.id, outs: outputsOf({ name, ...made }) };
  },

  async read(ctx, id, state) {
    const found = (await listTokens(ctx.client())).find((candidate) => candidate.id === id);
    // The list carries no value: the one in state stays.
    return found ? { ...outputsOf(found), token: state.token } : undefined;
  },

  async delete(ctx, id, state) {
    refuseOwnToken(ctx, id, state.token);
    const client = ctx.client();
    forgetShared(client, TOKENS);
    await unlessGone(() =>
      client.call({ operation: `delete API token ${id}`, method: "DELETE", path: `${TOKENS}/${encodeURIComponent(id)}` }),
    );
  },

  async findPending(ctx, trace) {
    const client = ctx.client();
    const excluded = new Set(trace.excluded ?? []);
    forgetShared(client, TOKENS);
    const found = (await listTokens(client)).filter((candidate) => !excluded.has(candidate.id) && candidate.name === trace.key.name);
    if (found.length === 0) return undefined;
    if (found.length > 1) {
      throw new Error(
        `${found.length} API tokens named "${trace.key.name}" appeared while this one was made; delete the extra ones, then refresh`,
      );
    }
    // Its value was lost with the answer: adopted (so nothing is left behind) and marked, so the next `up` replaces it.
    return { id: found[0].id, outs: { ...outputsOf(found[0]), __valueLost: true } };
  },
});
