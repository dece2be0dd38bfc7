#!/usr/bin/env node
// mamutecloud-emulator: starts a local MamuteCloud and prints how to point a stack at it.
import { DEFAULT_PORT, isLoopbackHost, startEmulator, type Emulator } from "./index";

const USAGE = `Usage: mamutecloud-emulator [--port ${DEFAULT_PORT}] [--s3-port P] [--host 127.0.0.1] [--api-key mamute-…]

A local MamuteCloud (management API and S3 data plane), state in memory.

  --port P        management API port (default ${DEFAULT_PORT}; 0 picks a free one)
  --s3-port P     S3 data plane port (default --port + 1; a free one when --port is 0)
  --host H        address both listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --api-key K     the starting API key (must start with mamute-); random by default
  --allow-remote-admin
                  serve /_emulator/* (JWT minting, faults; no authentication) even when
                  --host is beyond loopback, where they are refused by default
  -h, --help      show this help
`;

/** The dashboard JWT printed at start lasts a working day. */
const DASHBOARD_TOKEN_SECONDS = 12 * 3600;

export interface CliOptions {
  port: number;
  s3Port?: number;
  host: string;
  apiKey?: string;
  allowRemoteAdmin: boolean;
  help: boolean;
}

export class UsageError extends Error {}

function parsePort(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return Number(value);
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, host: "127.0.0.1", allowRemoteAdmin: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      options.help = true;
      continue;
    }
    if (arg === "--allow-remote-admin") {
      options.allowRemoteAdmin = true;
      continue;
    }
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const takeValue = () => {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
      return value;
    };
    switch (flag) {
      case "--port":
        options.port = parsePort(flag, takeValue());
        break;
      case "--s3-port":
        options.s3Port = parsePort(flag, takeValue());
        break;
      case "--host": {
        const host = takeValue();
        if (host.trim() === "") throw new UsageError("--host must not be empty");
        options.host = host;
        break;
      }
      case "--api-key": {
        const apiKey = takeValue();
        if (!/^mamute-\S+$/.test(apiKey)) throw new UsageError("--api-key must start with mamute- (e.g. mamute- followed by 40 hex characters)");
        options.apiKey = apiKey;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (options.s3Port !== undefined && options.s3Port !== 0 && options.s3Port === options.port) {
    throw new UsageError("--s3-port must differ from --port");
  }
  return options;
}

function banner(emu: Emulator, options: CliOptions): string {
  const beyondLoopback = !isLoopbackHost(options.host);
  return [
    "MamuteCloud emulator (state in memory; Ctrl-C to stop)",
    ...(beyondLoopback
      ? [
          `  Listening on ${options.host}; from another machine use this machine's address instead of ${new URL(emu.url).hostname}`,
          `  /_emulator routes ${options.allowRemoteAdmin ? "allowed (--allow-remote-admin)" : "refused off loopback (--allow-remote-admin allows them)"}`,
        ]
      : []),
    `  Management API  ${emu.url}`,
    `  S3 endpoint     ${emu.s3Url}`,
    `  API key         ${emu.apiKey}`,
    `  Dashboard JWT   ${emu.dashboardToken(DASHBOARD_TOKEN_SECONDS)}  (valid 12 h)`,
    "",
    `export MAMUTECLOUD_ENDPOINT=${emu.url} MAMUTECLOUD_S3_ENDPOINT=${emu.s3Url} MAMUTECLOUD_API_KEY=${emu.apiKey}`,
    "",
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mamutecloud-emulator: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  let emu: Emulator;
  try {
    emu = await startEmulator({ port: options.port, s3Port: options.s3Port, host: options.host, apiKey: options.apiKey, allowRemoteAdmin: options.allowRemoteAdmin });
  } catch (error) {
    const { code, message, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
    const reason =
      code === "EADDRINUSE"
        ? `port ${port} on ${address ?? options.host} is already in use (pick others with --port / --s3-port, or --port 0 for free ones)`
        : message;
    process.stderr.write(`mamutecloud-emulator: cannot start: ${reason}\n`);
    return 1;
  }
  process.stdout.write(banner(emu, options));

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`mamutecloud-emulator: ${signal}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emu.close();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mamutecloud-emulator: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
