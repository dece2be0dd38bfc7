// startEmulator: the management API and the S3 data plane on their own loopback ports, both
// wrapped by the same request counter, fault injection and rate limit, over one in-memory state.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EmulatorState } from "./state";
import { createManagementPlane } from "./management";
import { createDashboardTokens } from "./management/auth";
import { newApiKeyValue } from "./management/apikeys";
import { createS3Plane } from "./s3";
import { EmulatorControls, servePlane, type RequestCounts } from "./controls";
import { withAdminRoutes } from "./admin";
import type { FaultConfig, FaultReport } from "./faults";
import type { RateLimitConfig } from "./rate-limit";

export type { RequestCounts } from "./controls";
export type { FaultConfig, FaultRule, FaultKind, FaultReport } from "./faults";
export type { RateLimitConfig } from "./rate-limit";
export { ControlConfigError } from "./control-config";
export { EmulatorState } from "./state";

export interface EmulatorOptions {
  /** Management API port; 0 picks a free one. Default 4680 (LocalStack has 4566). */
  port?: number;
  /** S3 data plane port; default port + 1, or a free one when port is 0. */
  s3Port?: number;
  /** Address to listen on; default 127.0.0.1. `0.0.0.0` or `::` listens on every interface. */
  host?: string;
  /**
   * Serve `/_emulator/*` (unauthenticated JWT minting, faults) even when `host` is beyond
   * loopback; otherwise those routes answer 403 there. Always on for a loopback host.
   */
  allowRemoteAdmin?: boolean;
  /** Starting API key (`mamute-…`); random when omitted. */
  apiKey?: string;
}

export interface Emulator {
  /** Management API base URL, e.g. http://127.0.0.1:4680 (loopback when listening on every interface) */
  readonly url: string;
  /** S3 endpoint, e.g. http://127.0.0.1:4681 */
  readonly s3Url: string;
  /** The API key current at start. */
  readonly apiKey: string;
  readonly state: EmulatorState;
  /** A dashboard JWT (HS256, this emulator's secret); default one hour. A lifetime ≤ 0 gives an expired token. */
  dashboardToken(expiresInSeconds?: number): string;
  /** Requests received since start or the last reset, by route key; `/_emulator` ones are not counted. */
  requests(): RequestCounts;
  resetRequests(): void;
  /** Replaces the fault rules and restarts their PRNG; throws `ControlConfigError` naming a bad field. */
  setFaults(config: FaultConfig): void;
  clearFaults(): void;
  /** The rules in force and how many faults each injected. */
  faults(): FaultReport;
  /** Turns the rate limit on (for one plane, or each plane when `plane` is omitted). */
  setRateLimit(config: RateLimitConfig): void;
  clearRateLimit(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4680;

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach the listener. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === "::ffff:127.0.0.1";
}

/** The host to put in URLs: a wildcard address is where the server listens, not one a client can dial. */
export function clientHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "0.0.0.0") return "127.0.0.1";
  if (bare === "::" || bare === "::0") return "[::1]";
  return bare.includes(":") ? `[${bare}]` : bare;
}
const DEFAULT_TOKEN_SECONDS = 3600;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORT;
  const apiKey = options.apiKey ?? newApiKeyValue();
  if (!apiKey.startsWith("mamute-") || apiKey.length <= "mamute-".length) {
    throw new Error("apiKey: must start with mamute-");
  }
  const state = new EmulatorState();
  state.apiKey = { id: state.newId("key"), name: "emulator", key: apiKey, createdAt: state.now(), lastUsedAt: null };

  const controls = new EmulatorControls();
  const tokens = createDashboardTokens(() => state.now());
  let s3Url = "";
  const management = servePlane(
    withAdminRoutes(createManagementPlane(state, { s3Url: () => s3Url, tokens }), controls, tokens, isLoopbackHost(host) || options.allowRemoteAdmin === true),
    controls,
  );
  const s3 = servePlane(createS3Plane(state), controls);
  const close = () => Promise.all([closeServer(management), closeServer(s3)]).then(() => undefined);

  let managementPort: number;
  let s3Port: number;
  try {
    managementPort = await listen(management, port, host);
    s3Port = await listen(s3, options.s3Port ?? (port === 0 ? 0 : managementPort + 1), host);
  } catch (error) {
    await close();
    throw error;
  }
  const urlHost = clientHost(host);
  s3Url = `http://${urlHost}:${s3Port}`;

  return {
    url: `http://${urlHost}:${managementPort}`,
    s3Url,
    apiKey,
    state,
    dashboardToken: (expiresInSeconds = DEFAULT_TOKEN_SECONDS) => tokens.issue(expiresInSeconds).token,
    requests: () => controls.requests(),
    resetRequests: () => controls.resetRequests(),
    setFaults: (config) => controls.setFaults(config),
    clearFaults: () => controls.faults.clear(),
    faults: () => controls.faultReport(),
    setRateLimit: (config) => controls.setRateLimit(config),
    clearRateLimit: () => controls.rateLimiter.clear(),
    close,
  };
}
