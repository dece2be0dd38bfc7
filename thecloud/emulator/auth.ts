// Users and API keys: register, login (which issues a key), the password routes, and
// `/auth/keys` (create, list, delete, rotate and its alias regenerate). A key's value is answered
// only when it is issued; lists never carry it.
import { requiredString } from "../../emulator/management/fields";
import { newApiKeyValue, type ApiKeyRecord } from "./state";
import {
  ApiError,
  clash,
  created,
  deleted,
  iso,
  listBySerial,
  notFound,
  unauthorized,
  validationError,
  type Context,
  type Reply,
} from "./http";

const MAX_NAME = 128;

function boundedName(value: string, field: string): string {
  if (value.length < 1 || value.length > MAX_NAME) throw validationError(field, `must be 1-${MAX_NAME} characters`);
  return value;
}

function keyJson(ctx: Context, record: ApiKeyRecord, withKey: boolean) {
  if (!withKey && ctx.dialect.leanLists) return { id: record.id, name: record.name, created_at: iso(record.createdAt) };
  return {
    id: record.id,
    user_id: record.userId,
    name: record.name,
    ...(withKey && { key: record.key }),
    created_at: iso(record.createdAt),
    last_used: iso(record.lastUsed),
  };
}

/** The caller's own key by id; another user's is as unknown as a missing one. */
function ownKey(ctx: Context): ApiKeyRecord {
  const record = ctx.state.apiKeys.get(ctx.params.id);
  if (!record || record.userId !== ctx.principal?.userId) throw notFound(`API key ${JSON.stringify(ctx.params.id)} not found`);
  return record;
}

export async function register(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const email = requiredString(body, "email").trim();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw validationError("email", "must be an email address (name@domain)");
  const password = requiredString(body, "password");
  if (password.length < 8 || password.length > MAX_NAME) throw validationError("password", `must be 8-${MAX_NAME} characters`);
  const name = boundedName(requiredString(body, "name"), "name");
  if (ctx.state.userByEmail(email)) throw clash(ctx.dialect, "email", `a user with email ${JSON.stringify(email)} already exists`);
  const user = ctx.state.addUser(email, password, name);
  return created(ctx, { message: "user created successfully", user_id: user.id });
}

export async function login(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const email = requiredString(body, "email");
  const password = requiredString(body, "password");
  const user = ctx.state.userByEmail(email.trim());
  if (!user || !ctx.state.passwordMatches(user, password)) throw unauthorized("invalid email or password");
  const record = ctx.state.addApiKey(user.id, "login");
  return { status: 200, body: { user: { id: user.id, email: user.email, name: user.name }, api_key: record.key } };
}

export async function forgotPassword(ctx: Context): Promise<Reply> {
  requiredString(await ctx.json(), "email");
  return { status: 200, body: { message: "If the email exists, a reset token has been sent." } };
}

export async function resetPassword(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  requiredString(body, "token");
  requiredString(body, "new_password");
  // No mail is ever sent, so no token can be valid.
  throw validationError("token", "is invalid or expired");
}

export async function createKey(ctx: Context): Promise<Reply> {
  const name = boundedName(requiredString(await ctx.json(), "name"), "name");
  const record = ctx.state.addApiKey(ctx.principal!.userId, name);
  return created(ctx, keyJson(ctx, record, true));
}

export function listKeys(ctx: Context): Reply {
  const mine = [...ctx.state.apiKeys.values()].filter((record) => record.userId === ctx.principal?.userId);
  return listBySerial(ctx, mine, (record) => keyJson(ctx, record, false));
}

export function deleteKey(ctx: Context): Reply {
  const record = ownKey(ctx);
  ctx.state.apiKeys.delete(record.id);
  if (ctx.state.startKeyId === record.id) ctx.state.startKeyId = null;
  return deleted(ctx, "API key");
}

/** Rotate and regenerate: a new key value; a new id too unless `rotate-keeps-id`. The old value stops working at once. */
export function rotateKey(ctx: Context): Reply {
  const old = ownKey(ctx);
  const { state } = ctx;
  let record: ApiKeyRecord;
  if (ctx.dialect.rotateKeepsId) {
    record = { ...old, key: newApiKeyValue(), lastUsed: state.now() };
    state.apiKeys.set(old.id, record);
  } else {
    record = state.addApiKey(old.userId, old.name);
    state.apiKeys.delete(old.id);
    if (state.startKeyId === old.id) state.startKeyId = record.id;
  }
  return created(ctx, keyJson(ctx, record, true));
}

/** The principal of an `X-API-Key` value (its `last_used` moves), or a 401. */
export function authenticate(ctx: Pick<Context, "state">, value: string): { userId: string; keyId: string } {
  const record = ctx.state.apiKeyByValue(value);
  if (!record) throw new ApiError(401, "unauthorized", "X-API-Key: unknown or revoked API key");
  record.lastUsed = ctx.state.now();
  return { userId: record.userId, keyId: record.id };
}
