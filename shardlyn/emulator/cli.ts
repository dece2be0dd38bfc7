#!/usr/bin/env node
// shardlyn-emulator: starts a local Shardlyn (sign-in, API tokens, DNS) and prints how to point a
// stack at it.
import {
  UsageError,
  nonEmpty,
  readFlags,
  runCommand,
  usageOf,
  wholeNumber,
  withCommonFlags,
  type CommonOptions,
} from "../../emulator/cli-support";
import { isLoopbackHost } from "../../emulator/net";
import { SHARDLYN_DIALECT_NAMES, readShardlynDialect } from "./dialect";
import { MAX_RATE_REQUESTS, MAX_RATE_WINDOW_MS } from "./rate-limit";
import { MAX_LOCK_MS } from "./lockout";
import { MAX_LIFETIME_MS } from "./settings";
import { DEFAULT_EMAIL, DEFAULT_PORT, startShardlynEmulator, type ShardlynEmulator } from "./index";

const USAGE = `Usage: shardlyn-emulator [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--email E] [--password P] [--api-token shardlyn_api_…] [--dialect NAME[,NAME...]] [--jwt-only] [--jwt-lifetime-ms MS] [--rate-limit N] [--rate-window-ms MS] [--login-lockout N] [--login-lockout-ms MS] [--allow-remote-admin]

A local Shardlyn (sign-in, API tokens, DNS zones and records through a fake external provider)
on one port. State is in memory only: it is gone when the emulator stops.

  --port P        the port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H        address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --email E       the user's email (default ${DEFAULT_EMAIL})
  --password P    the user's password (default: random, printed)
  --api-token T   the starting API token (must start with shardlyn_api_; default random, printed)
  --dialect NAME[,NAME...]
                  answer where the reference is silent the other way (see
                  shardlyn/emulator/README.md, "What the reference leaves open"): all, or
                  any of ${SHARDLYN_DIALECT_NAMES.join(", ")}
  --jwt-only      refuse API tokens (403) on the routes the reference marks JWT-only
  --jwt-lifetime-ms MS
                  access token lifetime (default 900000, the documented 15 minutes)
  --rate-limit N  requests per window per client IP over /v1 (default 0: off)
  --rate-window-ms MS
                  the window of that limit (default 60000)
  --login-lockout N
                  failed logins in a row that lock an email (default 5; 0 turns it off)
  --login-lockout-ms MS
                  how long the lock lasts (default 900000)
  --allow-remote-admin
                  serve /_emulator/* (faults, reset, seeding; no authentication) even when
                  --host is beyond loopback, where they are refused by default
  -h, --help      show this help
`;

export interface CliOptions extends CommonOptions {
  email?: string;
  password?: string;
  apiToken?: string;
  dialect?: string[];
  jwtOnly?: boolean;
  jwtLifetimeMs?: number;
  rateLimit?: number;
  rateWindowMs?: number;
  loginLockout?: number;
  loginLockoutMs?: number;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, host: "127.0.0.1", allowRemoteAdmin: false, help: false };
  const handlers = withCommonFlags(options, {
    "--email": (value, flag) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new UsageError(`${flag} must be an email address`);
      options.email = value;
    },
    "--password": (value, flag) => (options.password = nonEmpty(flag, value)),
    "--api-token": (value) => {
      if (!/^shardlyn_api_[\x21-\x7e]+$/.test(value))
        throw new UsageError("--api-token must start with shardlyn_api_ (e.g. shardlyn_api_ followed by 40 hex characters)");
      options.apiToken = value;
    },
    "--dialect": (value, flag) => (options.dialect = usageOf(() => [...readShardlynDialect(value, flag).names])),
    "--jwt-lifetime-ms": (value, flag) =>
      (options.jwtLifetimeMs = wholeNumber(flag, value, { min: 1, max: MAX_LIFETIME_MS, unit: "milliseconds" })),
    "--rate-limit": (value, flag) => (options.rateLimit = wholeNumber(flag, value, { max: MAX_RATE_REQUESTS })),
    "--rate-window-ms": (value, flag) =>
      (options.rateWindowMs = wholeNumber(flag, value, { min: 1, max: MAX_RATE_WINDOW_MS, unit: "milliseconds" })),
    "--login-lockout": (value, flag) => (options.loginLockout = wholeNumber(flag, value, { max: 1000 })),
    "--login-lockout-ms": (value, flag) =>
      (options.loginLockoutMs = wholeNumber(flag, value, { min: 1, max: MAX_LOCK_MS, unit: "milliseconds" })),
  });
  // No data dir: the state is in memory only.
  delete handlers.values["--data-dir"];
  handlers.switches["--jwt-only"] = () => (options.jwtOnly = true);
  readFlags(argv, handlers);
  return options;
}

function banner(emu: ShardlynEmulator, options: CliOptions): string {
  const limit = options.rateLimit ?? 0;
  return [
    "Shardlyn emulator (state in memory; Ctrl-C to stop)",
    ...(isLoopbackHost(options.host)
      ? []
      : [
          `  Listening on ${options.host}; from another machine use this machine's address instead of ${new URL(emu.url).hostname}`,
          `  /_emulator routes ${options.allowRemoteAdmin ? "allowed (--allow-remote-admin)" : "refused off loopback (--allow-remote-admin allows them)"}`,
        ]),
    ...(emu.dialect().length ? [`  Dialect     ${emu.dialect().join(", ")}  (see shardlyn/emulator/README.md)`] : []),
    `  API         ${emu.url}`,
    `  API token   ${emu.apiToken}${options.jwtOnly ? "  (refused on JWT-only routes: --jwt-only)" : ""}`,
    `  Login       ${emu.email} / ${emu.password}`,
    `  Credential  ${emu.credentialId}  (cloudflare, "emulator")`,
    `  Zone        ${emu.zoneId}  (example.com)`,
    `  Rate limit  ${limit === 0 ? "off" : `${limit} requests per ${(options.rateWindowMs ?? 60_000) / 1000} s per client on /v1`}`,
    "",
    `export SHARDLYN_TOKEN=${emu.apiToken} SHARDLYN_ENDPOINT=${emu.url}`,
    "",
  ].join("\n");
}

if (require.main === module) {
  runCommand({
    name: "shardlyn-emulator",
    usage: USAGE,
    parseArgs,
    start: (options) =>
      startShardlynEmulator({
        port: options.port,
        host: options.host,
        allowRemoteAdmin: options.allowRemoteAdmin,
        email: options.email,
        password: options.password,
        apiToken: options.apiToken,
        dialect: options.dialect,
        apiTokensOnJwtRoutes: !options.jwtOnly,
        jwtLifetimeMs: options.jwtLifetimeMs,
        rateLimit:
          options.rateLimit === undefined && options.rateWindowMs === undefined
            ? undefined
            : { requests: options.rateLimit, windowMs: options.rateWindowMs },
        loginLockout:
          options.loginLockout === undefined && options.loginLockoutMs === undefined
            ? undefined
            : { failures: options.loginLockout, lockMs: options.loginLockoutMs },
      }),
    banner,
    stop: (emu) => emu.stop(),
    portFlags: "--port",
  });
}
