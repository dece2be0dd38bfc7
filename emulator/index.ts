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
  /** Management API port; 0 picks a free one. Default 4566. */
  port?: number;
  /** S3 data plane port; default port + 1, or a free one when port is 0. */
  s3Port?: number;
  host?: string;
  /** Starting API key (`mamute-…`); random when omitted. */
  apiKey?: string;
}

export interface Emulator {
  /** Management API base URL, e.g. http://127.0.0.1:4566 */
  readonly url: string;
  /** S3 endpoint, e.g. http://127.0.0.1:4567 */
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

const DEFAULT_PORT = 4566;
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
    withAdminRoutes(createManagementPlane(state, { s3Url: () => s3Url, tokens }), controls, tokens),
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
  const urlHost = host.includes(":") ? `[${host}]` : host;
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
