#!/usr/bin/env node
// thecloud-emulator: starts a local The Cloud and prints how to point a stack at it.
import { UsageError, readFlags, runCommand, usageOf, wholeNumber, withCommonFlags, type CommonOptions } from "../../emulator/cli-support";
import { isLoopbackHost } from "../../emulator/net";
import { DEFAULT_AUTH_RATE_LIMIT, MAX_AUTH_REQUESTS, MAX_AUTH_WINDOW_MS } from "./auth-limit";
import { THECLOUD_DIALECT_NAMES, readTheCloudDialect } from "./dialect";
import { DEFAULT_PORT, START_USER, startTheCloudEmulator, type TheCloudEmulator } from "./index";

const USAGE = `Usage: thecloud-emulator [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--api-key thecloud_…] [--data-dir DIR] [--dialect NAME[,NAME...]] [--auth-rate-limit N] [--auth-rate-window-ms MS] [--allow-remote-admin]

A local The Cloud (API keys, buckets, versioning, objects, multipart uploads, lifecycle rules) on
one port. State is in memory and objects in a temporary folder, unless --data-dir keeps both.

  --port P        the port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H        address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --api-key K     the starting API key (must start with thecloud_); random by default,
                  or the one saved in --data-dir
  --data-dir DIR  keep the state and objects in DIR (created if missing) across restarts
  --dialect NAME[,NAME...]
                  answer where the reference is silent the other way (see
                  thecloud/emulator/README.md, "What the reference leaves open"): all, or
                  any of ${THECLOUD_DIALECT_NAMES.join(", ")}
  --auth-rate-limit N
                  requests per window per client IP over /auth/* (default ${DEFAULT_AUTH_RATE_LIMIT.requests}; 0 turns it off)
  --auth-rate-window-ms MS
                  the window of that limit (default ${DEFAULT_AUTH_RATE_LIMIT.windowMs})
  --allow-remote-admin
                  serve /_emulator/* (faults, reset, clock; no authentication) even when
                  --host is beyond loopback, where they are refused by default
  -h, --help      show this help
`;

export interface CliOptions extends CommonOptions {
  apiKey?: string;
  dialect?: string[];
  authRateLimit?: number;
  authRateWindowMs?: number;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, host: "127.0.0.1", allowRemoteAdmin: false, help: false };
  readFlags(
    argv,
    withCommonFlags(options, {
      "--api-key": (apiKey) => {
        if (!/^thecloud_\S+$/.test(apiKey))
          throw new UsageError("--api-key must start with thecloud_ (e.g. thecloud_ followed by 40 hex characters)");
        options.apiKey = apiKey;
      },
      "--dialect": (value, flag) => (options.dialect = usageOf(() => [...readTheCloudDialect(value, flag).names])),
      "--auth-rate-limit": (value, flag) => (options.authRateLimit = wholeNumber(flag, value, { max: MAX_AUTH_REQUESTS })),
      "--auth-rate-window-ms": (value, flag) =>
        (options.authRateWindowMs = wholeNumber(flag, value, { min: 1, max: MAX_AUTH_WINDOW_MS, unit: "milliseconds" })),
    }),
  );
  return options;
}

function banner(emu: TheCloudEmulator, options: CliOptions): string {
  const beyondLoopback = !isLoopbackHost(options.host);
  const limit = emu.authRateLimit();
  return [
    emu.dataDir === undefined
      ? "The Cloud emulator (state in memory; Ctrl-C to stop)"
      : `The Cloud emulator (state kept in ${emu.dataDir}; Ctrl-C to stop)`,
    ...emu.droppedObjects.map((name) => `  warning: ${name} was dropped: its bytes are missing from the data dir`),
    ...(beyondLoopback
      ? [
          `  Listening on ${options.host}; from another machine use this machine's address instead of ${new URL(emu.url).hostname}`,
          `  /_emulator routes ${options.allowRemoteAdmin ? "allowed (--allow-remote-admin)" : "refused off loopback (--allow-remote-admin allows them)"}`,
        ]
      : []),
    ...(emu.dialect().length ? [`  Dialect     ${emu.dialect().join(", ")}  (see thecloud/emulator/README.md)`] : []),
    `  API         ${emu.url}`,
    `  API key     ${emu.apiKey}`,
    `  Login       ${START_USER.email} / ${START_USER.password}`,
    `  Auth limit  ${limit.requests === 0 ? "off" : `${limit.requests} requests per ${limit.windowMs / 1000} s per client on /auth/*`}`,
    "",
    `export THECLOUD_API_KEY=${emu.apiKey} THECLOUD_ENDPOINT=${emu.url}`,
    "",
  ].join("\n");
}

if (require.main === module) {
  runCommand({
    name: "thecloud-emulator",
    usage: USAGE,
    parseArgs,
    start: (options) =>
      startTheCloudEmulator({
        port: options.port,
        host: options.host,
        apiKey: options.apiKey,
        dataDir: options.dataDir,
        dialect: options.dialect,
        authRateLimit: options.authRateLimit,
        authRateWindowMs: options.authRateWindowMs,
        allowRemoteAdmin: options.allowRemoteAdmin,
      }),
    banner,
    stop: (emu) => emu.stop(),
    portFlags: "--port",
  });
}
