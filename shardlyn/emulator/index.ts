// startShardlynEmulator: the parts of Shardlyn's API this project uses (sign-in, API tokens, DNS)
// and `/_emulator` on one port, over one state in memory. The request counter, fault injection
// and listening are the shared emulator pieces (emulator/), so every emulator counts and faults
// alike. README.md is the contract.
import { randomBytes } from "node:crypto";
import { EmulatorControls, servePlane, type ControlledEmulator } from "../../emulator/controls";
import { ControlConfigError, optionalNumber } from "../../emulator/control-config";
import { clientHost, closeServer, isLoopbackHost, listen } from "../../emulator/net";
import { createAdmin, type AdminActions } from "./admin";
import { MAX_LIFETIME_MS, changeSettings, settingsJson } from "./settings";
import { SHARDLYN_PLANES, createApiPlane, type ShardlynPlaneName } from "./api";
import type { AuthSettings } from "./auth";
import { readShardlynDialect, type ShardlynDialectName } from "./dialect";
import { externalRecordJson } from "./external";
import { DEFAULT_LOGIN_LOCKOUT, LoginLockout, readLoginLockout, type LoginLockoutSetting } from "./lockout";
import { DEFAULT_RATE_LIMIT, FixedWindowLimiter, readRateLimit, type RateLimit } from "./rate-limit";
import { seedCredential, seedZone, setRevoked } from "./seed";
import { API_TOKEN_PREFIX, ShardlynState } from "./state";

export type { RequestCounts } from "../../emulator/controls";
export type { FaultConfig, FaultRule, FaultKind, FaultReport } from "../../emulator/faults";
export { ControlConfigError } from "../../emulator/control-config";
export { SHARDLYN_DIALECT_NAMES, ALL_SHARDLYN_DIALECT_NAMES, type ShardlynDialectName } from "./dialect";
export { DEFAULT_RATE_LIMIT, type RateLimit } from "./rate-limit";
export { DEFAULT_LOGIN_LOCKOUT, type LoginLockoutSetting } from "./lockout";
export { ShardlynState, API_TOKEN_PREFIX, LIMITS } from "./state";
export type { ShardlynPlaneName } from "./api";

export const DEFAULT_PORT = 4700;
export const DEFAULT_EMAIL = "admin@shardlyn.local";
/** The documented 15 minutes. */
export const DEFAULT_JWT_LIFETIME_MS = 900_000;
export const DEFAULT_REFRESH_LIFETIME_MS = 7 * 86_400_000;

export interface ShardlynEmulatorOptions {
  /** Default 4700; 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1; `0.0.0.0` or `::` listens on every interface. */
  host?: string;
  /** Serve `/_emulator/*` even when `host` is beyond loopback (they answer 403 there otherwise). */
  allowRemoteAdmin?: boolean;
  /** The user's email; default `admin@shardlyn.local`. */
  email?: string;
  /** The user's password; random when omitted. */
  password?: string;
  /** The starting API token (`shardlyn_api_…`); random when omitted. */
  apiToken?: string;
  /** Dialect names (or one comma-separated string, or `"all"`); default none. */
  dialect?: string | readonly string[];
  /** Access token lifetime; default 900000 (15 minutes). */
  jwtLifetimeMs?: number;
  /** Refresh token lifetime; default 7 days. */
  refreshLifetimeMs?: number;
  /** Accept API tokens on the routes the reference marks JWT-only (all but sign-in); default true. */
  apiTokensOnJwtRoutes?: boolean;
  /** Requests per window and client IP over `/v1`; default off (`requests: 0`), window 60000. */
  rateLimit?: Partial<RateLimit>;
  /** Failed logins in a row that lock an email (default 5; 0 is off), and for how long (default 900000). */
  loginLockout?: Partial<LoginLockoutSetting>;
  /** The emulator's clock (ms since the epoch); default `Date.now`. */
  clock?: () => number;
}

export interface ShardlynEmulator extends ControlledEmulator<ShardlynPlaneName, ShardlynDialectName> {
  /** e.g. http://127.0.0.1:4700 (loopback when listening on every interface): the endpoint. */
  readonly url: string;
  /** The starting API token. */
  readonly apiToken: string;
  readonly email: string;
  readonly password: string;
  /** The starting `cloudflare` credential ("emulator") and its zone `example.com`. */
  readonly credentialId: string;
  readonly zoneId: string;
  /** The state in memory (tests may look inside). */
  readonly state: ShardlynState;
  /** Access tokens issued from now on live this long (those issued keep their `exp`). */
  setJwtLifetimeMs(ms: number): void;
  setApiTokensOnJwtRoutes(accept: boolean): void;
  /** Changes the `/v1` limit (either field; `requests: 0` is off) and empties its windows. */
  setRateLimit(limit: Partial<RateLimit>): void;
  addCredential(credential: { provider?: string; name: string }): { id: string };
  addZone(zone: { credentialId: string; name: string }): { id: string; name: string };
  /** The credential's provider refuses it from now on (`502`, or `403` under `external-403`). */
  revokeCredential(id: string): void;
  restoreCredential(id: string): void;
  /** The zone's records as the external provider holds them: `{id (its own), zone_id, type, name (full), content, ttl}`. */
  externalRecords(zoneId: string): ReturnType<typeof externalRecordJson>[];
  /** Moves the emulator's clock forward (token expiry, rate-limit windows, lockouts). */
  advanceClock(ms: number): void;
  /** Back to a fresh start: see `POST /_emulator/reset`. */
  reset(): void;
}

function lifetime(value: number | undefined, field: string, fallback: number): number {
  return optionalNumber(value, field, { min: 1, max: MAX_LIFETIME_MS, integer: true }) ?? fallback;
}

function checkApiToken(value: string | undefined): string | undefined {
  if (value !== undefined && !new RegExp(`^${API_TOKEN_PREFIX}[\\x21-\\x7e]+$`).test(value))
    throw new ControlConfigError("apiToken", `must start with ${API_TOKEN_PREFIX} (and have no spaces)`);
  return value;
}

export async function startShardlynEmulator(options: ShardlynEmulatorOptions = {}): Promise<ShardlynEmulator> {
  const host = options.host ?? "127.0.0.1";
  const fixedToken = checkApiToken(options.apiToken);
  const email = (options.email ?? DEFAULT_EMAIL).trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new ControlConfigError("email", "must be an email address");
  const password = options.password ?? randomBytes(12).toString("base64url");
  if (password === "") throw new ControlConfigError("password", "must not be empty");
  const settings: AuthSettings = {
    jwtLifetimeMs: lifetime(options.jwtLifetimeMs, "jwtLifetimeMs", DEFAULT_JWT_LIFETIME_MS),
    refreshLifetimeMs: lifetime(options.refreshLifetimeMs, "refreshLifetimeMs", DEFAULT_REFRESH_LIFETIME_MS),
    apiTokensOnJwtRoutes: options.apiTokensOnJwtRoutes ?? true,
  };
  const state = new ShardlynState(email, password, options.clock ?? Date.now);
  state.dialect = readShardlynDialect(options.dialect);
  const limiter = new FixedWindowLimiter(
    options.rateLimit ? readRateLimit(options.rateLimit, "camel", DEFAULT_RATE_LIMIT) : DEFAULT_RATE_LIMIT,
    () => state.nowMs(),
  );
  const lockout = new LoginLockout(
    options.loginLockout ? readLoginLockout(options.loginLockout, "camel", DEFAULT_LOGIN_LOCKOUT) : DEFAULT_LOGIN_LOCKOUT,
    () => state.nowMs(),
  );

  // The starting token, credential and zone; a reset makes them again with the same value and ids.
  const apiToken = fixedToken ?? state.addApiToken("emulator", null).token;
  let start: { credentialId: string; zoneId: string; tokenId: string } | undefined;
  const seedStart = () => {
    const token = state.apiTokenByValue(apiToken) ?? state.addApiToken("emulator", null, apiToken, start?.tokenId);
    const credential = state.addCredential("cloudflare", "emulator", start?.credentialId);
    const zone = state.addZone(credential.id, "example.com", start?.zoneId);
    start ??= { tokenId: token.id, credentialId: credential.id, zoneId: zone.id };
  };
  seedStart();
  const { credentialId, zoneId } = start!;

  const controls = new EmulatorControls<ShardlynPlaneName>(SHARDLYN_PLANES);
  const actions: AdminActions = {
    settings: () => settingsJson(settings, limiter),
    changeSettings: (body) => changeSettings(body, settings, limiter),
    advanceClock: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new ControlConfigError("ms", "must be a number of milliseconds, 0 or more");
      state.clockOffsetMs += ms;
    },
    reset: () => {
      state.clear();
      seedStart();
      controls.resetRequests();
      controls.faults.clear();
      limiter.clear();
      lockout.clear();
    },
  };
  const admin = createAdmin(state, controls, actions, isLoopbackHost(host) || options.allowRemoteAdmin === true);
  const plane = createApiPlane({ state, controls, limiter, lockout, settings: () => settings, admin });
  const server = servePlane(plane, controls);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= closeServer(server));
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);

  return {
    url: `http://${clientHost(host)}:${port}`,
    port,
    apiToken,
    email,
    password,
    credentialId,
    zoneId,
    state,
    requestCounts: () => controls.requests(),
    ...controls.testControls(),
    setDialect: (names) => {
      state.dialect = readShardlynDialect(names);
    },
    dialect: () => state.dialect.names,
    setJwtLifetimeMs: (ms) => {
      settings.jwtLifetimeMs = lifetime(ms, "jwtLifetimeMs", settings.jwtLifetimeMs);
    },
    setApiTokensOnJwtRoutes: (accept) => {
      settings.apiTokensOnJwtRoutes = accept;
    },
    setRateLimit: (limit) => limiter.set(readRateLimit(limit, "camel", limiter.limit)),
    addCredential: ({ provider, name }) => ({ id: seedCredential(state, provider, name).id }),
    addZone: ({ credentialId, name }) => {
      const zone = seedZone(state, credentialId, name);
      return { id: zone.id, name: zone.name };
    },
    revokeCredential: (id) => setRevoked(state, id, true),
    restoreCredential: (id) => setRevoked(state, id, false),
    externalRecords: (zoneId) => state.zoneRecords(zoneId).map((record) => externalRecordJson(state, record)),
    advanceClock: (ms) => actions.advanceClock(ms),
    now: () => state.now(),
    reset: actions.reset,
    stop,
    close: stop,
  };
}
