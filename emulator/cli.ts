#!/usr/bin/env node
// mamutecloud-emulator: starts a local MamuteCloud and prints how to point a stack at it.
import { ControlConfigError, DEFAULT_PORT, DataDirError, isLoopbackHost, startEmulator, type Emulator } from "./index";
import { DIALECT_NAMES, readDialect } from "./dialect";

const USAGE = `Usage: mamutecloud-emulator [--port ${DEFAULT_PORT}] [--s3-port P] [--edge-port P] [--edge-https-port P] [--host 127.0.0.1] [--api-key mamute-…] [--data-dir DIR] [--dialect NAME[,NAME...]] [--allow-remote-admin]

A local MamuteCloud (management API, S3 data plane, CDN edge over HTTP and HTTPS). State is in
memory and objects in a temporary folder, unless --data-dir keeps both across restarts.

  --port P        management API port (default ${DEFAULT_PORT}; 0 picks a free one)
  --s3-port P     S3 data plane port (default --port + 1; a free one when --port is 0)
  --edge-port P   CDN edge over HTTP (default --port + 2; a free one when --port is 0)
  --edge-https-port P
                  CDN edge over HTTPS (default --port + 3; a free one when --port is 0)
  --host H        address every listener binds (default 127.0.0.1; 0.0.0.0 for every interface)
  --api-key K     the starting API key (must start with mamute-); random by default,
                  or the one saved in --data-dir
  --data-dir DIR  keep the state and objects in DIR (created if missing) across restarts
  --ssl-validation-delay-ms MS
                  how long a requested certificate whose DNS is hosted elsewhere waits
                  before it is issued (default 5000)
  --cdn-deploy-delay-ms MS
                  how long a CDN resource stays in_progress after a change (default 2000)
  --dialect NAME[,NAME...]
                  answer where the API documents are silent in another way they allow
                  (see emulator/README.md, "What the documentation leaves open"): all, or
                  any of ${DIALECT_NAMES.join(", ")}
  --ca-file PATH  where the emulator CA's certificate is written (default
                  <tmpdir>/mamutecloud-emulator-<port>/ca.pem; removed on exit)
  --allow-remote-admin
                  serve /_emulator/* (JWT minting, faults, settings, CA; no authentication)
                  even when --host is beyond loopback, where they are refused by default
  -h, --help      show this help
`;

/** The longest delay a flag accepts (the same bound as `/_emulator/settings`): ten minutes. */
const MAX_DELAY_MS = 600_000;

/** The dashboard JWT printed at start lasts a working day. */
const DASHBOARD_TOKEN_SECONDS = 12 * 3600;

export interface CliOptions {
  port: number;
  s3Port?: number;
  edgePort?: number;
  edgeHttpsPort?: number;
  host: string;
  apiKey?: string;
  allowRemoteAdmin: boolean;
  sslValidationDelayMs?: number;
  cdnDeployDelayMs?: number;
  caFile?: string;
  dataDir?: string;
  /** Dialect names, checked. */
  dialect?: string[];
  help: boolean;
}

export class UsageError extends Error {}

function parsePort(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageError(`${flag} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return Number(value);
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === "") throw new UsageError(`${flag} must not be empty`);
  return value;
}

function parseDelay(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_DELAY_MS)
    throw new UsageError(`${flag} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`);
  return Number(value);
}

function parseDialect(flag: string, value: string): string[] {
  try {
    return [...readDialect(value, flag).names];
  } catch (error) {
    if (error instanceof ControlConfigError) throw new UsageError(error.message);
    throw error;
  }
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
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
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
      case "--edge-port":
        options.edgePort = parsePort(flag, takeValue());
        break;
      case "--edge-https-port":
        options.edgeHttpsPort = parsePort(flag, takeValue());
        break;
      case "--host":
        options.host = nonEmpty(flag, takeValue());
        break;
      case "--api-key": {
        const apiKey = takeValue();
        if (!/^mamute-\S+$/.test(apiKey))
          throw new UsageError("--api-key must start with mamute- (e.g. mamute- followed by 40 hex characters)");
        options.apiKey = apiKey;
        break;
      }
      case "--ssl-validation-delay-ms":
        options.sslValidationDelayMs = parseDelay(flag, takeValue());
        break;
      case "--cdn-deploy-delay-ms":
        options.cdnDeployDelayMs = parseDelay(flag, takeValue());
        break;
      case "--ca-file":
        options.caFile = nonEmpty(flag, takeValue());
        break;
      case "--data-dir":
        options.dataDir = nonEmpty(flag, takeValue());
        break;
      case "--dialect":
        options.dialect = parseDialect(flag, takeValue());
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  const ports: [string, number | undefined][] = [
    ["--port", options.port],
    ["--s3-port", options.s3Port],
    ["--edge-port", options.edgePort],
    ["--edge-https-port", options.edgeHttpsPort],
  ];
  for (const [index, [flag, port]] of ports.entries()) {
    const earlier = ports.slice(0, index).find(([, other]) => port !== undefined && port !== 0 && other === port);
    if (earlier) throw new UsageError(`${flag} must differ from ${earlier[0]}`);
  }
  return options;
}

function banner(emu: Emulator, options: CliOptions): string {
  const beyondLoopback = !isLoopbackHost(options.host);
  const adminServed = !beyondLoopback || options.allowRemoteAdmin;
  return [
    emu.dataDir === undefined
      ? "MamuteCloud emulator (state in memory; Ctrl-C to stop)"
      : `MamuteCloud emulator (state kept in ${emu.dataDir}; Ctrl-C to stop)`,
    ...emu.droppedObjects.map((name) => `  warning: ${name} was dropped: its bytes are missing from the data dir`),
    ...(beyondLoopback
      ? [
          `  Listening on ${options.host}; from another machine use this machine's address instead of ${new URL(emu.url).hostname}`,
          `  /_emulator routes ${options.allowRemoteAdmin ? "allowed (--allow-remote-admin)" : "refused off loopback (--allow-remote-admin allows them)"}`,
        ]
      : []),
    ...(emu.dialect().length
      ? [`  Dialect         ${emu.dialect().join(", ")}  (answers where the API documents are silent; see emulator/README.md)`]
      : []),
    `  Management API  ${emu.url}`,
    `  S3 endpoint     ${emu.s3Url}`,
    `  API key         ${emu.apiKey}`,
    `  Dashboard JWT   ${emu.dashboardToken(DASHBOARD_TOKEN_SECONDS)}  (valid 12 h)`,
    `  CDN edge        ${emu.edgeUrl}  (Host: <name>.mamutecdn.com; in a browser http://<name>.mamutecdn.com.localhost:${new URL(emu.edgeUrl).port}/)`,
    `  CDN edge HTTPS  ${emu.edgeHttpsUrl}  (certificate by SNI: curl --resolve <host>:${new URL(emu.edgeHttpsUrl).port}:${new URL(emu.edgeHttpsUrl).hostname})`,
    `  CA certificate  ${emu.caCertificatePath}  (${adminServed ? `also at ${emu.url}/_emulator/ca.pem; ` : ""}trust it with curl --cacert)`,
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
    emu = await startEmulator({
      port: options.port,
      s3Port: options.s3Port,
      edgePort: options.edgePort,
      edgeHttpsPort: options.edgeHttpsPort,
      host: options.host,
      apiKey: options.apiKey,
      allowRemoteAdmin: options.allowRemoteAdmin,
      caFile: options.caFile,
      dataDir: options.dataDir,
      sslValidationDelayMs: options.sslValidationDelayMs,
      cdnDeployDelayMs: options.cdnDeployDelayMs,
      dialect: options.dialect,
    });
  } catch (error) {
    const { code, message, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
    const reason =
      code === "EADDRINUSE"
        ? `port ${port} on ${address ?? options.host} is already in use (pick others with --port, --s3-port, --edge-port, --edge-https-port, or --port 0 for free ones)`
        : error instanceof DataDirError
          ? `--data-dir: ${message}`
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
