// startEmulator: the management API, the S3 data plane and the CDN edge (HTTP, HTTPS) on their own ports, all
// wrapped by the same request counter, fault injection and rate limit, over one state: in memory
// (objects in a temporary folder) or kept in a data dir across restarts.
import { mkdir, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { BlobStore } from "./blobs";
import { clientHost, closeServer, isLoopbackHost, listen } from "./net";
import { DataDir, DataDirError, loadState, namedBlobs, saveStateIn, type Secrets } from "./persistence";
import { CertificateAuthority } from "./tls/authority";
import { EmulatorState } from "./state";
import { createManagementPlane } from "./management";
import { createDashboardTokens } from "./management/auth";
import { newApiKeyValue } from "./management/apikeys";
import { createS3Plane } from "./s3";
import { EmulatorCertificates } from "./tls";
import { EmulatorControls, planeListener, savingAfterChanges, servePlane, type RequestCounts } from "./controls";
import { EdgeCache } from "./edge/cache";
import { createEdgePlane } from "./edge";
import { createEdgeHttpsServer } from "./edge/tls";
import { applySettings, readSettings } from "./settings";
import { readDialect, type DialectName } from "./dialect";
import type { EmulatorSettings } from "./state";
import { withAdminRoutes } from "./admin";
import type { FaultConfig, FaultReport } from "./faults";
import type { RateLimitConfig } from "./rate-limit";

export type { RequestCounts } from "./controls";
export type { FaultConfig, FaultRule, FaultKind, FaultReport } from "./faults";
export type { RateLimitConfig } from "./rate-limit";
export { ControlConfigError } from "./control-config";
export { EmulatorState, type EmulatorSettings } from "./state";
export { DataDirError } from "./persistence";
export { isLoopbackHost, clientHost } from "./net";
export { DIALECT_NAMES, ALL_DIALECT_NAMES, DIALECT_MAX_PAGE_SIZE, type DialectName } from "./dialect";

export interface EmulatorOptions {
  /** Management API port; 0 picks a free one. Default 4680 (LocalStack has 4566). */
  port?: number;
  /** S3 data plane port; default port + 1, or a free one when port is 0. */
  s3Port?: number;
  /** Address to listen on; default 127.0.0.1. `0.0.0.0` or `::` listens on every interface. */
  host?: string;
  /**
   * Serve `/_emulator/*` (unauthenticated JWT minting, faults, settings) even when `host` is beyond
   * loopback; otherwise those routes answer 403 there. Always on for a loopback host.
   */
  allowRemoteAdmin?: boolean;
  /** Starting API key (`mamute-…`); random when omitted (with a data dir: the saved one, if any). */
  apiKey?: string;
  /**
   * Keeps the state and objects in this folder across restarts (created if missing). Without it
   * the state is in memory and objects are in a temporary folder removed on close.
   */
  dataDir?: string;
  /** Where the CA certificate is written (removed on close); default `<tmpdir>/mamutecloud-emulator-<port>/ca.pem`. */
  caFile?: string;
  /** CDN edge over HTTP; default port + 2, or a free one when port is 0. */
  edgePort?: number;
  /** CDN edge over HTTPS; default port + 3, or a free one when port is 0. */
  edgeHttpsPort?: number;
  /** How long a CDN resource stays `in_progress` after a change; default 2000. */
  cdnDeployDelayMs?: number;
  /** How long a certificate validated in DNS hosted elsewhere waits; default 5000. */
  sslValidationDelayMs?: number;
  /**
   * How the management API answers where the API documents are silent: dialect names (or one
   * comma-separated string), e.g. `["errors-detail", "list-array"]` or `"all"`; default none.
   * See emulator/README.md, "What the documentation leaves open".
   */
  dialect?: string | readonly string[];
}

export interface Emulator {
  /** Management API base URL, e.g. http://127.0.0.1:4680 (loopback when listening on every interface) */
  readonly url: string;
  /** S3 endpoint, e.g. http://127.0.0.1:4681 */
  readonly s3Url: string;
  /** The API key current at start. */
  readonly apiKey: string;
  /** The data dir (absolute), when one was given. */
  readonly dataDir: string | undefined;
  /** Objects dropped at start because their bytes were missing from the data dir. */
  readonly droppedObjects: readonly string[];
  /** Resolves once every change so far is saved in the data dir (at once without one). */
  flush(): Promise<void>;
  readonly state: EmulatorState;
  /** The CDN edge over HTTP, e.g. http://127.0.0.1:4682 (send the site's name as Host, or use `<name>.localhost`). */
  readonly edgeUrl: string;
  /** The CDN edge over HTTPS, e.g. https://127.0.0.1:4683 (the certificate is chosen by SNI). */
  readonly edgeHttpsUrl: string;
  /** The emulator CA's certificate (PEM), which signs requested certificates and the edge's own. */
  readonly caCertificatePem: string;
  /** The file holding `caCertificatePem`, for `curl --cacert` or `NODE_EXTRA_CA_CERTS`. */
  readonly caCertificatePath: string;
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
  /** Changes the delays of asynchronous states; throws `ControlConfigError` naming a bad field. */
  setSettings(settings: Partial<EmulatorSettings>): void;
  settings(): EmulatorSettings;
  /** Switches the dialect at once (`[]` or `"default"` for none); throws `ControlConfigError` for an unknown name. */
  setDialect(names: string | readonly string[]): void;
  /** The dialect's names; empty for the default. */
  dialect(): readonly DialectName[];
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4680;

const DEFAULT_TOKEN_SECONDS = 3600;

interface Storage {
  state: EmulatorState;
  dataDir?: DataDir;
  secrets?: Secrets;
  droppedObjects: string[];
}

/** The state with its blob store: loaded from the data dir, or new. */
async function openStorage(dataDirPath: string | undefined): Promise<Storage> {
  const dataDir = dataDirPath === undefined ? undefined : await DataDir.open(dataDirPath);
  try {
    const state = new EmulatorState(await BlobStore.open(dataDir?.path));
    const loaded = dataDir && (await loadState(dataDir, state));
    if (dataDir) await state.blobs.removeUnnamed(namedBlobs(state));
    return { state, dataDir, secrets: loaded?.secrets, droppedObjects: loaded?.droppedObjects ?? [] };
  } catch (error) {
    await dataDir?.close();
    throw error;
  }
}

async function savedAuthority(secrets: Secrets, dataDir: DataDir | undefined): Promise<CertificateAuthority> {
  try {
    return await CertificateAuthority.fromPem(secrets.ca);
  } catch (error) {
    throw new DataDirError(
      `${dataDir?.path}/state.json: the saved CA cannot be read (${(error as Error).message}); move the file away to start with an empty state`,
    );
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORT;
  if (options.apiKey !== undefined && (!options.apiKey.startsWith("mamute-") || options.apiKey.length <= "mamute-".length)) {
    throw new Error("apiKey: must start with mamute-");
  }
  const settings = readSettings(
    { cdnDeployDelayMs: options.cdnDeployDelayMs, sslValidationDelayMs: options.sslValidationDelayMs },
    "camel",
  );
  const dialect = readDialect(options.dialect);
  const { state, dataDir, secrets, droppedObjects } = await openStorage(
    options.dataDir === undefined ? undefined : resolve(options.dataDir),
  );
  applySettings(state, settings);
  state.dialect = dialect;
  if (options.apiKey !== undefined || !state.apiKey) {
    state.apiKey = {
      id: state.newId("key"),
      name: "emulator",
      key: options.apiKey ?? newApiKeyValue(),
      createdAt: state.now(),
      lastUsedAt: null,
    };
  }
  const apiKey = state.apiKey.key;

  const controls = new EmulatorControls();
  const dashboardSecret = secrets?.dashboardSecret ?? randomBytes(32);
  const tokens = createDashboardTokens(() => state.now(), dashboardSecret);
  let certificates: EmulatorCertificates;
  try {
    certificates = await EmulatorCertificates.create(state, secrets && (await savedAuthority(secrets, dataDir)));
  } catch (error) {
    await dataDir?.close();
    await state.blobs.close();
    throw error;
  }
  if (dataDir) {
    saveStateIn(dataDir, state, { ca: certificates.caKeyAndCertificate, dashboardSecret });
    state.changed();
  }
  const edgeCache = new EdgeCache();
  let s3Url = "";
  let edgeHttpsPort = 0;
  let endpoints = { s3: "", edge: "", edgeHttps: "" };
  const management = servePlane(
    savingAfterChanges(
      withAdminRoutes(
        createManagementPlane(state, { s3Url: () => s3Url, tokens, certificates, edgeCache }),
        controls,
        tokens,
        certificates,
        state,
        isLoopbackHost(host) || options.allowRemoteAdmin === true,
        () => endpoints,
      ),
      state,
    ),
    controls,
  );
  const s3 = servePlane(savingAfterChanges(createS3Plane(state), state), controls);
  // Handled like any request, without the automatic `100 Continue`: the S3 router sends it once the headers pass.
  s3.on("checkContinue", (req, res) => s3.emit("request", req, res));
  const edgePlane = createEdgePlane(state, {
    cache: edgeCache,
    caCertificatePem: certificates.caCertificatePem,
    httpsPort: () => edgeHttpsPort,
  });
  const edge = servePlane(edgePlane, controls);
  const edgeHttps = createEdgeHttpsServer(state, certificates, planeListener(edgePlane, controls));
  let caFile: { path: string; ownDirectory: boolean } | undefined;
  const removeCaFile = async () => {
    if (!caFile) return;
    await rm(caFile.path, { force: true });
    if (caFile.ownDirectory) await rmdir(dirname(caFile.path)).catch(() => undefined);
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([closeServer(management), closeServer(s3), closeServer(edge), closeServer(edgeHttps), removeCaFile()]);
      await dataDir?.close();
      await state.blobs.close();
    })());

  let managementPort: number;
  let s3Port: number;
  let edgePort: number;
  try {
    managementPort = await listen(management, port, host);
    const besideManagement = (offset: number) => (port === 0 ? 0 : managementPort + offset);
    s3Port = await listen(s3, options.s3Port ?? besideManagement(1), host);
    edgePort = await listen(edge, options.edgePort ?? besideManagement(2), host);
    edgeHttpsPort = await listen(edgeHttps, options.edgeHttpsPort ?? besideManagement(3), host);
    caFile = {
      path: options.caFile ?? join(tmpdir(), `mamutecloud-emulator-${managementPort}`, "ca.pem"),
      ownDirectory: options.caFile === undefined,
    };
    await mkdir(dirname(caFile.path), { recursive: true });
    await writeFile(caFile.path, certificates.caCertificatePem);
  } catch (error) {
    await close();
    throw error;
  }
  const urlHost = clientHost(host);
  s3Url = `http://${urlHost}:${s3Port}`;
  endpoints = { s3: s3Url, edge: `http://${urlHost}:${edgePort}`, edgeHttps: `https://${urlHost}:${edgeHttpsPort}` };

  return {
    url: `http://${urlHost}:${managementPort}`,
    s3Url,
    apiKey,
    dataDir: dataDir?.path,
    droppedObjects,
    flush: async () => dataDir?.flush(),
    state,
    edgeUrl: endpoints.edge,
    edgeHttpsUrl: endpoints.edgeHttps,
    caCertificatePem: certificates.caCertificatePem,
    caCertificatePath: caFile.path,
    dashboardToken: (expiresInSeconds = DEFAULT_TOKEN_SECONDS) => tokens.issue(expiresInSeconds).token,
    requests: () => controls.requests(),
    ...controls.testControls(),
    setRateLimit: (config) => controls.setRateLimit(config),
    clearRateLimit: () => controls.rateLimiter.clear(),
    setSettings: (settings) => {
      applySettings(state, readSettings(settings, "camel"));
      state.changed();
    },
    settings: () => ({ ...state.settings }),
    setDialect: (names) => {
      state.dialect = readDialect(names);
    },
    dialect: () => state.dialect.names,
    close,
  };
}
