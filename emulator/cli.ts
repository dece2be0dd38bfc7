#!/usr/bin/env node
// mamutecloud-emulator: starts a local MamuteCloud and prints how to point a stack at it.
import { DEFAULT_PORT, isLoopbackHost, startEmulator, type Emulator } from "./index";
import { DIALECT_NAMES, readDialect } from "./dialect";
import {
  UsageError,
  nonEmpty,
  parsePort,
  readFlags,
  runCommand,
  usageOf,
  wholeNumber,
  withCommonFlags,
  type CommonOptions,
} from "./cli-support";

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

export interface CliOptions extends CommonOptions {
  s3Port?: number;
  edgePort?: number;
  edgeHttpsPort?: number;
  apiKey?: string;
  sslValidationDelayMs?: number;
  cdnDeployDelayMs?: number;
  caFile?: string;
  /** Dialect names, checked. */
  dialect?: string[];
}

export { UsageError } from "./cli-support";

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, host: "127.0.0.1", allowRemoteAdmin: false, help: false };
  const delay = (value: string, flag: string) => wholeNumber(flag, value, { max: MAX_DELAY_MS, unit: "milliseconds" });
  readFlags(
    argv,
    withCommonFlags(options, {
      "--s3-port": (value, flag) => (options.s3Port = parsePort(flag, value)),
      "--edge-port": (value, flag) => (options.edgePort = parsePort(flag, value)),
      "--edge-https-port": (value, flag) => (options.edgeHttpsPort = parsePort(flag, value)),
      "--api-key": (apiKey) => {
        if (!/^mamute-\S+$/.test(apiKey))
          throw new UsageError("--api-key must start with mamute- (e.g. mamute- followed by 40 hex characters)");
        options.apiKey = apiKey;
      },
      "--ssl-validation-delay-ms": (value, flag) => (options.sslValidationDelayMs = delay(value, flag)),
      "--cdn-deploy-delay-ms": (value, flag) => (options.cdnDeployDelayMs = delay(value, flag)),
      "--ca-file": (value, flag) => (options.caFile = nonEmpty(flag, value)),
      "--dialect": (value, flag) => (options.dialect = usageOf(() => [...readDialect(value, flag).names])),
    }),
  );
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

if (require.main === module) {
  runCommand({
    name: "mamutecloud-emulator",
    usage: USAGE,
    parseArgs,
    start: (options) =>
      startEmulator({
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
      }),
    banner,
    stop: (emu) => emu.close(),
    portFlags: "--port, --s3-port, --edge-port, --edge-https-port",
  });
}
