// startTheCloudEmulator: The Cloud's API and `/_emulator` on one port, over one state in memory
// (objects in a temporary folder) or kept in a data dir across restarts. The request counter,
// fault injection, blob store, data dir and listening are the MamuteCloud emulator's own pieces
// (emulator/), so both emulators count, fault, store and persist alike. README.md is the contract.
import { resolve } from "node:path";
import { BlobStore } from "../../emulator/blobs";
import { DataDir } from "../../emulator/data-dir";
import { EmulatorControls, savingAfterChanges, servePlane, type ControlledEmulator } from "../../emulator/controls";
import { clientHost, closeServer, isLoopbackHost, listen } from "../../emulator/net";
import { createAdmin } from "./admin";
import { THECLOUD_PLANES, createApiPlane, type TheCloudPlaneName } from "./api";
import { AuthRateLimiter, DEFAULT_AUTH_RATE_LIMIT, readAuthRateLimit, type AuthRateLimit } from "./auth-limit";
import { runLifecycle } from "./buckets";
import { readTheCloudDialect, type TheCloudDialectName } from "./dialect";
import { loadTheCloudState, saveTheCloudStateIn } from "./persistence";
import { API_KEY_PREFIX, START_USER, TheCloudState } from "./state";

export type { RequestCounts } from "../../emulator/controls";
export type { FaultConfig, FaultRule, FaultKind, FaultReport } from "../../emulator/faults";
export { ControlConfigError } from "../../emulator/control-config";
export { DataDirError } from "../../emulator/data-dir";
export { THECLOUD_DIALECT_NAMES, ALL_THECLOUD_DIALECT_NAMES, type TheCloudDialectName } from "./dialect";
export { DEFAULT_AUTH_RATE_LIMIT, type AuthRateLimit } from "./auth-limit";
export { START_USER, TheCloudState } from "./state";
export type { TheCloudPlaneName } from "./api";

export const DEFAULT_PORT = 4690;

/** Lifecycle expiration also runs this often while the emulator runs. */
const LIFECYCLE_INTERVAL_MS = 3_600_000;

export interface TheCloudEmulatorOptions {
  /** Default 4690; 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1; `0.0.0.0` or `::` listens on every interface. */
  host?: string;
  /** Serve `/_emulator/*` even when `host` is beyond loopback (they answer 403 there otherwise). */
  allowRemoteAdmin?: boolean;
  /** The starting API key (`thecloud_…`); random when omitted (with a data dir: the saved one, if still live). */
  apiKey?: string;
  /** Keeps the state and objects in this folder across restarts (created if missing). */
  dataDir?: string;
  /** Dialect names (or one comma-separated string, or `"all"`); default none. */
  dialect?: string | readonly string[];
  /** Requests per window per client IP over `/auth/*`; default 5, 0 turns the limit off. */
  authRateLimit?: number;
  /** The window of that limit; default 60000. */
  authRateWindowMs?: number;
  /** The emulator's clock (ms since the epoch); default `Date.now`. */
  clock?: () => number;
}

export interface TheCloudEmulator extends ControlledEmulator<TheCloudPlaneName, TheCloudDialectName> {
  /** e.g. http://127.0.0.1:4690 (loopback when listening on every interface). */
  readonly url: string;
  /** The API key current at start. */
  readonly apiKey: string;
  /** The data dir (absolute), when one was given. */
  readonly dataDir: string | undefined;
  /** Versions and uploads dropped at start because their bytes were missing from the data dir. */
  readonly droppedObjects: readonly string[];
  /** The state in memory (tests may look inside). */
  readonly state: TheCloudState;
  /** Resolves once every change so far is saved in the data dir (at once without one). */
  flush(): Promise<void>;
  /** Changes the `/auth/*` limit (either field; `requests: 0` is off) and empties its windows. */
  setAuthRateLimit(limit: Partial<AuthRateLimit>): void;
  authRateLimit(): AuthRateLimit;
  /** Moves the emulator's clock forward, then runs lifecycle expiration. */
  advanceClock(ms: number): void;
  /** Expires what the lifecycle rules say is due; answers how many objects expired. */
  runLifecycle(): number;
  /** Back to a fresh start: the starting user and key only, counters, faults and windows emptied, clock offset 0. */
  reset(): void;
}

/** The starting user and key exist (made or found); answers the key's value. */
function ensureStart(state: TheCloudState, apiKey: string | undefined): string {
  const user =
    state.users.get(state.startUserId) ??
    state.userByEmail(START_USER.email) ??
    state.addUser(START_USER.email, START_USER.password, START_USER.name);
  state.startUserId = user.id;
  if (apiKey !== undefined) {
    const record = state.apiKeyByValue(apiKey) ?? state.addApiKey(user.id, "emulator", apiKey);
    state.startKeyId = record.id;
    return record.key;
  }
  const saved = state.startKeyId === null ? undefined : state.apiKeys.get(state.startKeyId);
  const record = saved ?? state.addApiKey(user.id, "emulator");
  state.startKeyId = record.id;
  return record.key;
}

async function openState(dataDirPath: string | undefined, clock: () => number) {
  const dataDir = dataDirPath === undefined ? undefined : await DataDir.open(dataDirPath);
  try {
    const state = new TheCloudState(await BlobStore.open(dataDir?.path, "thecloud-emulator-data-"), clock);
    const loaded = dataDir ? await loadTheCloudState(dataDir, state) : { loaded: false, dropped: [] };
    if (dataDir) await state.blobs.removeUnnamed(state.namedBlobs());
    return { state, dataDir, dropped: loaded.dropped };
  } catch (error) {
    await dataDir?.close();
    throw error;
  }
}

export async function startTheCloudEmulator(options: TheCloudEmulatorOptions = {}): Promise<TheCloudEmulator> {
  const host = options.host ?? "127.0.0.1";
  if (options.apiKey !== undefined && !new RegExp(`^${API_KEY_PREFIX}\\S+$`).test(options.apiKey)) {
    throw new Error(`apiKey: must start with ${API_KEY_PREFIX} (and have no spaces)`);
  }
  const dialect = readTheCloudDialect(options.dialect);
  const limit =
    options.authRateLimit === undefined && options.authRateWindowMs === undefined
      ? DEFAULT_AUTH_RATE_LIMIT
      : readAuthRateLimit({ requests: options.authRateLimit, windowMs: options.authRateWindowMs }, "camel", DEFAULT_AUTH_RATE_LIMIT);
  const { state, dataDir, dropped } = await openState(
    options.dataDir === undefined ? undefined : resolve(options.dataDir),
    options.clock ?? Date.now,
  );
  state.dialect = dialect;
  const apiKey = ensureStart(state, options.apiKey);
  if (dataDir) {
    saveTheCloudStateIn(dataDir, state);
    state.changed();
  }

  const controls = new EmulatorControls<TheCloudPlaneName>(THECLOUD_PLANES);
  const limiter = new AuthRateLimiter(limit, () => state.nowMs());
  const expire = () => runLifecycle(state);
  const actions = {
    authRateLimit: () => limiter.limit,
    setAuthRateLimit: (next: AuthRateLimit) => limiter.set(next),
    advanceClock: (ms: number) => {
      state.clockOffsetMs += ms;
      expire();
    },
    runLifecycle: expire,
    reset: () => {
      state.clear();
      ensureStart(state, apiKey);
      controls.resetRequests();
      controls.faults.clear();
      limiter.clear();
      state.changed();
    },
  };
  const admin = createAdmin(state, controls, actions, isLoopbackHost(host) || options.allowRemoteAdmin === true);
  const server = servePlane(savingAfterChanges(createApiPlane({ state, controls, limiter, admin }), state), controls);
  // `Expect: 100-continue` is answered by the plane once the checks that need no body pass (http.ts).
  server.on("checkContinue", (req, res) => server.emit("request", req, res));
  const timer = setInterval(expire, LIFECYCLE_INTERVAL_MS);
  timer.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(timer);
      await closeServer(server);
      await dataDir?.close();
      await state.blobs.close();
    })());

  let port: number;
  try {
    port = await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `http://${clientHost(host)}:${port}`,
    port,
    apiKey,
    dataDir: dataDir?.path,
    droppedObjects: dropped,
    state,
    flush: async () => dataDir?.flush(),
    requestCounts: () => controls.requests(),
    ...controls.testControls(),
    setDialect: (names) => {
      state.dialect = readTheCloudDialect(names);
    },
    dialect: () => state.dialect.names,
    setAuthRateLimit: (next) => limiter.set(readAuthRateLimit(next, "camel", limiter.limit)),
    authRateLimit: () => limiter.limit,
    advanceClock: (ms) => actions.advanceClock(ms),
    now: () => state.now(),
    runLifecycle: expire,
    reset: actions.reset,
    stop,
    close: stop,
  };
}
