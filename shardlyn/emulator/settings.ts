// The runtime settings as `/_emulator/settings` reads and writes them: the access token lifetime,
// the JWT-only switch and the `/v1` rate limit. A PUT is checked whole before anything changes.
import { ControlConfigError, asObject, optionalNumber } from "../../emulator/control-config";
import type { AuthSettings } from "./auth";
import { readRateLimit, type FixedWindowLimiter } from "./rate-limit";

/** The longest access or refresh token lifetime: a year. */
export const MAX_LIFETIME_MS = 366 * 86_400_000;

export interface SettingsJson {
  jwt_lifetime_ms: number;
  api_tokens_on_jwt_routes: boolean;
  rate_limit_requests: number;
  rate_limit_window_ms: number;
}

export function settingsJson(settings: AuthSettings, limiter: FixedWindowLimiter): SettingsJson {
  return {
    jwt_lifetime_ms: settings.jwtLifetimeMs,
    api_tokens_on_jwt_routes: settings.apiTokensOnJwtRoutes,
    rate_limit_requests: limiter.limit.requests,
    rate_limit_window_ms: limiter.limit.windowMs,
  };
}

/** Applies any subset of SettingsJson; throws `ControlConfigError` naming the field, changing nothing. */
export function changeSettings(body: unknown, settings: AuthSettings, limiter: FixedWindowLimiter): void {
  const raw = asObject(body, "settings");
  const jwt = optionalNumber(raw.jwt_lifetime_ms, "jwt_lifetime_ms", { min: 1, max: MAX_LIFETIME_MS, integer: true });
  const accept = raw.api_tokens_on_jwt_routes;
  if (accept !== undefined && accept !== null && typeof accept !== "boolean")
    throw new ControlConfigError("api_tokens_on_jwt_routes", "must be true or false");
  let limit;
  if (raw.rate_limit_requests !== undefined || raw.rate_limit_window_ms !== undefined) {
    try {
      limit = readRateLimit({ requests: raw.rate_limit_requests, window_ms: raw.rate_limit_window_ms }, "snake", limiter.limit);
    } catch (error) {
      if (!(error instanceof ControlConfigError)) throw error;
      throw new ControlConfigError(`rate_limit_${error.field}`, error.message.slice(error.field.length + 2));
    }
  }
  if (jwt !== undefined) settings.jwtLifetimeMs = jwt;
  if (typeof accept === "boolean") settings.apiTokensOnJwtRoutes = accept;
  if (limit) limiter.set(limit);
}
