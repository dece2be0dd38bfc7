// Signing in (`/v1/auth/login`, `/v1/auth/refresh`) and reading `Authorization: Bearer …`: a JWT
// access token, or an API token (`shardlyn_api_…`). Refresh tokens rotate: each refresh answers a
// new pair and the refresh token it used stops working.
import type { IncomingMessage } from "node:http";
import { requiredString } from "../../emulator/management/fields";
import { signJwt, verifyJwt } from "./jwt";
import type { LoginLockout } from "./lockout";
import { API_TOKEN_PREFIX, type ShardlynState } from "./state";
import { fail, validationError, type Context, type Principal, type Reply } from "./http";

/** What sign-in needs beyond the state; index.ts owns the values (they change at runtime). */
export interface AuthSettings {
  jwtLifetimeMs: number;
  refreshLifetimeMs: number;
  apiTokensOnJwtRoutes: boolean;
}

export const JWT_ONLY_REFUSAL = "this route requires a JWT access token (sign in); API tokens are not accepted";

function tokenPair(state: ShardlynState, settings: AuthSettings): Reply {
  const now = state.nowMs();
  const access = signJwt(state.jwtSecret, "access", state.user.id, now, settings.jwtLifetimeMs);
  const refresh = signJwt(state.jwtSecret, "refresh", state.user.id, now, settings.refreshLifetimeMs);
  state.addSession(refresh.claims.jti, refresh.claims.exp_ms);
  return {
    status: 200,
    body: {
      access_token: access.token,
      refresh_token: refresh.token,
      expires_in: Math.ceil(settings.jwtLifetimeMs / 1000),
      token_type: "Bearer",
    },
  };
}

export function loginHandler(settings: () => AuthSettings, lockout: LoginLockout) {
  return async (ctx: Context): Promise<Reply> => {
    const body = await ctx.json();
    const email = requiredString(body, "email").trim();
    const password = requiredString(body, "password");
    // Bounded, as the lockout remembers emails.
    if (email.length > 254) throw validationError("email", "must be at most 254 characters");
    const lockedMs = lockout.lockedForMs(email);
    if (lockedMs > 0) {
      const seconds = Math.ceil(lockedMs / 1000);
      throw fail(429, `too many failed logins: account locked for ${seconds} seconds`, { "retry-after": String(seconds) });
    }
    const { user } = ctx.state;
    if (email.toLowerCase() !== user.email.toLowerCase() || password !== user.password) {
      lockout.failed(email);
      throw fail(401, "invalid email or password");
    }
    lockout.succeeded(email);
    return tokenPair(ctx.state, settings());
  };
}

export function refreshHandler(settings: () => AuthSettings) {
  return async (ctx: Context): Promise<Reply> => {
    const token = requiredString(await ctx.json(), "refresh_token");
    const { state } = ctx;
    const claims = verifyJwt(state.jwtSecret, "refresh", token, state.nowMs());
    const session = typeof claims === "object" ? state.sessions.get(claims.jti) : undefined;
    if (typeof claims !== "object" || !session || session.expiresAtMs <= state.nowMs()) {
      throw fail(401, "invalid or expired refresh token");
    }
    state.sessions.delete(claims.jti);
    return tokenPair(state, settings());
  };
}

/**
 * The principal of the request's `Authorization` header, or a 401 saying what is wrong with it;
 * a `403` for an API token on a JWT-only route while `apiTokensOnJwtRoutes` is off.
 */
export function authenticate(req: IncomingMessage, state: ShardlynState, settings: AuthSettings): Principal {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === "") throw fail(401, "missing Authorization header");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!bearer) throw fail(401, 'invalid Authorization header: use "Bearer <access token or API token>"');
  const value = bearer[1];
  if (value.startsWith(API_TOKEN_PREFIX)) {
    const token = state.apiTokenByValue(value);
    const now = state.nowMs();
    if (!token || (token.expiresAtMs !== null && now >= token.expiresAtMs)) throw fail(401, "invalid API token");
    if (!settings.apiTokensOnJwtRoutes) throw fail(403, JWT_ONLY_REFUSAL);
    token.lastUsedAtMs = now;
    return { userId: state.user.id, kind: "api_token" };
  }
  const claims = verifyJwt(state.jwtSecret, "access", value, state.nowMs());
  if (claims === "expired") throw fail(401, "token expired");
  if (claims === "invalid" || claims.sub !== state.user.id) throw fail(401, "invalid token");
  return { userId: claims.sub, kind: "jwt" };
}
