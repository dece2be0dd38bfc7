// `/v1/api-tokens`: create (the value answered once), list (never the value), delete. An expired
// token is refused by authentication but stays listed, with its past `expires_at`, until deleted.
import { requiredString, isAbsent } from "../../emulator/management/fields";
import { fail, listReply, validationError, type Context, type Reply } from "./http";
import { isoSeconds, type ApiToken } from "./state";

const MAX_NAME = 100;
/** Ten years, in seconds. */
export const MAX_EXPIRES_IN = 10 * 365 * 86_400;
const DAY_MS = 86_400_000;

function tokenJson(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    expires_at: token.expiresAtMs === null ? null : isoSeconds(token.expiresAtMs),
    created_at: isoSeconds(token.createdAtMs),
    last_used_at: token.lastUsedAtMs === null ? null : isoSeconds(token.lastUsedAtMs),
  };
}

export async function createToken(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const name = requiredString(body, "name");
  if (name.trim() === "" || name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name))
    throw validationError("name", `must be 1-${MAX_NAME} characters, without control characters`);
  let expiresIn: number | null = null;
  if (!isAbsent(body, "expires_in")) {
    const value = body.expires_in;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN)
      throw validationError(
        "expires_in",
        `must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (10 years), or absent for no expiry`,
      );
    expiresIn = value;
  }
  const token = ctx.state.addApiToken(name, expiresIn);
  // `token-expiry-short`: the reference example's expires_at, a day short (and so the token's real end).
  if (ctx.dialect.tokenExpiryShort && token.expiresAtMs !== null && expiresIn !== null && expiresIn > 86_400) token.expiresAtMs -= DAY_MS;
  const { id, name: tokenName, expires_at, created_at } = tokenJson(token);
  return { status: 201, body: { id, name: tokenName, token: token.token, expires_at, created_at } };
}

export function listTokens(ctx: Context): Reply {
  return listReply(ctx, [...ctx.state.apiTokens.values()], tokenJson);
}

export function deleteToken(ctx: Context): Reply {
  if (!ctx.state.apiTokens.delete(ctx.params.id)) throw fail(404, "API token not found");
  return { status: 204 };
}
