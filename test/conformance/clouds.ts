// The clouds the conformance suite (clouds.test.ts) runs for: each one's emulator and native
// plugin, its kinds with the changes its schema declares in place and replacing, and how to see
// its objects from outside the provider (the emulator's API, as a user with curl would).
import * as path from "node:path";
import { api, cleanEnv, listAll, stackConfig, startTestEmulator } from "../harness/emulator";
import { Engine } from "../harness/engine";
import { ProviderHost, REPO_ROOT, bareKeys, configurePlugin, revealed, type Props } from "../harness/providerHost";
import { StandInEngine } from "../harness/standInEngine";
import { startTheCloud, theCloudApi } from "../thecloud/harness";
import { shardlynApi, startShardlyn, type SignIn } from "../shardlyn/harness";
import type { TheCloudEmulator } from "../../thecloud/emulator";
import type { ShardlynEmulator } from "../../shardlyn/emulator";
import type { FaultConfig, RequestCounts } from "../../emulator";
import type { NativeRig } from "../harness/nativeRig";

export interface CloudRig {
  engine: Engine;
  host: ProviderHost;
  logs: StandInEngine;
  apiKey: string;
  setFaults(config: FaultConfig): void;
  clearFaults(): void;
  requestCounts(): RequestCounts;
  resetRequests(): void;
  close(): Promise<void>;
}

export interface KindCase {
  kind: string;
  /** Its args, given the ids of the kinds before it (by kind). */
  args(ids: Record<string, string>): Props;
  /** A change its schema says updates in place, if it has one. */
  inPlace?: Props;
  /** A change its schema says replaces it. */
  replacing: Props;
  /** The route of its create (the fault rules' key) and of the list its lookups read. */
  createRoute: string;
  listRoute: string;
  /** Its objects on the server that a user would count, by what makes them this test's. */
  count(rig: CloudRig, ids: Record<string, string>, args: Props): Promise<number>;
  /** Deletes it behind the provider's back. */
  removeOutOfBand(rig: CloudRig, id: string, ids: Record<string, string>): Promise<void>;
}

/** The cloud's folder kind: a folder kept in the bucket of the kinds' first one. */
export interface StorageCase {
  /** Its args for the folder `dir`, given the engine holding the other kinds (their ids and outputs). */
  args(dir: string, engine: Engine): Props;
  /** The route key of one object's upload. */
  uploadRoute: string;
}

export interface Cloud {
  name: string;
  /** Its folder kind, for a cloud with storage. */
  storage?: StorageCase;
  /**
   * The cloud's other host, when it has one (MamuteCloud's dynamic provider, which TypeScript
   * programs use by default): an engine on it, configured for the same emulator as `rig`.
   */
  dynamicHost?(rig: CloudRig): Promise<{ engine: Engine; close(): Promise<void> }>;
  /** The schema's package name (type tokens `<pkg>:index:<Kind>`). */
  pkg: string;
  schema: string;
  start(): Promise<CloudRig>;
  /** In dependency order: each kind's args may use the ids of those before it. */
  kinds: KindCase[];
}

const MAMUTE_PLUGIN = path.join(REPO_ROOT, "dist", "provider", "plugin", "main.js");

/**
 * Two retries of a failed request, not five: the cases inject failures that outlast any number of
 * retries (or one that the first retry gets past), and every retry of theirs is time in `npm test`.
 */
const QUICK_RETRIES = { mamutecloud: { "mamutecloud:maxRetries": "2" }, thecloud: { maxRetries: 2 } };

async function startMamuteCloud(): Promise<CloudRig> {
  const emu = await startTestEmulator();
  const logs = await StandInEngine.start();
  const host = await ProviderHost.startExecutable(MAMUTE_PLUGIN, { cwd: REPO_ROOT, engineAddress: logs.address, env: cleanEnv() });
  await configurePlugin(host, bareKeys(stackConfig(emu, QUICK_RETRIES.mamutecloud)));
  return {
    engine: await Engine.create(host),
    host,
    logs,
    apiKey: emu.apiKey,
    setFaults: (config) => emu.setFaults(config),
    clearFaults: () => emu.clearFaults(),
    requestCounts: () => emu.requests(),
    resetRequests: () => emu.resetRequests(),
    close: async () => {
      await host.close();
      await logs.close();
      await emu.close();
    },
    // The emulator, for the kinds' own checks.
    ...({ emu } as object),
  };
}

const mamuteEmu = (rig: CloudRig) => (rig as unknown as { emu: Parameters<typeof api>[0] & Parameters<typeof listAll>[0] }).emu;

export const mamutecloud: Cloud = {
  name: "MamuteCloud",
  async dynamicHost(rig) {
    const host = await ProviderHost.start({ env: cleanEnv(), cwd: REPO_ROOT });
    await host.configure(stackConfig(mamuteEmu(rig) as Parameters<typeof stackConfig>[0]));
    return { engine: await Engine.create(host), close: () => host.close() };
  },
  pkg: "mamutecloud",
  schema: path.join(REPO_ROOT, "schema.json"),
  start: startMamuteCloud,
  storage: {
    args: (dir, engine) => {
      const credential = revealed(engine.get("BucketCredential").outputs);
      return {
        bucket: engine.get("Bucket").id,
        accessKeyId: credential.accessKeyId,
        secretAccessKey: credential.secretAccessKey,
        path: dir,
      };
    },
    uploadRoute: "S3 PutObject",
  },
  kinds: [
    {
      kind: "Bucket",
      // forceDestroy from the start: a replacement deletes the old bucket (refused at preview otherwise).
      args: () => ({ name: "conformance-bucket", forceDestroy: true }),
      inPlace: { name: "conformance-bucket-2" },
      replacing: { storageClass: "Archive" },
      createRoute: "POST /object-storage/buckets",
      listRoute: "GET /object-storage/buckets",
      count: async (rig) =>
        (await listAll(mamuteEmu(rig), "/object-storage/buckets")).filter((b) => String(b.name).startsWith("conformance-bucket")).length,
      removeOutOfBand: async (rig, id) => void (await api(mamuteEmu(rig), "DELETE", `/object-storage/buckets/${id}?force=true`)),
    },
    {
      kind: "BucketCredential",
      args: (ids) => ({ bucketId: ids.Bucket }),
      // A new secret in place (regenerate); another bucket replaces it (previewed only: no such bucket).
      inPlace: { rotation: "2" },
      replacing: { bucketId: "another-bucket" },
      createRoute: "POST /object-storage/buckets/{bucketId}/credentials",
      listRoute: "GET /object-storage/buckets/{bucketId}/credentials",
      count: async (rig, ids) => (await listAll(mamuteEmu(rig), `/object-storage/buckets/${ids.Bucket}/credentials`)).length,
      removeOutOfBand: async (rig, id) => {
        const [bucket, credential] = id.split("/");
        await api(mamuteEmu(rig), "DELETE", `/object-storage/buckets/${bucket}/credentials/${credential}`);
      },
    },
    {
      kind: "DnsZone",
      args: () => ({ domain: "conformance.example" }),
      inPlace: { forceDestroy: true },
      replacing: { domain: "conformance-2.example" },
      createRoute: "POST /dns/zones",
      listRoute: "GET /dns/zones",
      count: async (rig) => (await listAll(mamuteEmu(rig), "/dns/zones")).filter((z) => String(z.domain).startsWith("conformance")).length,
      removeOutOfBand: async (rig, id) => void (await api(mamuteEmu(rig), "DELETE", `/dns/zones/${id}`)),
    },
  ],
};

/** A cloud's native rig as the suite drives it; `apiKey` is the secret the provider signs in with. */
function cloudRig(
  rig: NativeRig<{
    setFaults(config: never): void;
    clearFaults(): void;
    requestCounts(): RequestCounts;
    resetRequests(): void;
  }>,
  apiKey: string,
): CloudRig {
  return {
    engine: rig.engine,
    host: rig.host,
    logs: rig.logs,
    apiKey,
    setFaults: (config) => rig.emu.setFaults(config as never),
    clearFaults: () => rig.emu.clearFaults(),
    requestCounts: () => rig.emu.requestCounts(),
    resetRequests: () => rig.emu.resetRequests(),
    close: () => rig.close(),
    // The emulator, for the kinds' own checks.
    ...({ emu: rig.emu } as object),
  };
}

/** The items of a list the test reads itself, or an error naming the route. */
async function listed(route: string, answer: Promise<{ status: number; body: any[] }>): Promise<any[]> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`GET ${route}: ${status} ${JSON.stringify(body)}`);
  return body;
}

async function startTheCloudRig(dialect?: string): Promise<CloudRig> {
  // The auth limit as documented (5 requests a minute), in a window short enough for a test.
  const rig = await startTheCloud({
    emulator: { authRateLimit: 5, authRateWindowMs: 3000, dialect },
    settings: QUICK_RETRIES.thecloud,
  });
  return cloudRig(rig, rig.emu.apiKey);
}

const theCloudEmu = (rig: CloudRig) => (rig as unknown as { emu: TheCloudEmulator }).emu;

/**
 * The test's own look at the emulator, in its default dialect (the provider meets the dialect; the
 * test reads the outcome as the README documents it), between steps, when nothing else is sent.
 */
async function asUser<T>(rig: CloudRig, method: string, route: string): Promise<{ status: number; body: T }> {
  const emu = theCloudEmu(rig);
  const dialect = emu.dialect();
  emu.setDialect([]);
  try {
    return await theCloudApi<T>(emu, method, route);
  } finally {
    emu.setDialect(dialect);
  }
}

const listOf = (rig: CloudRig, route: string) => listed(route, asUser<any[]>(rig, "GET", route));

export const thecloud: Cloud = {
  name: "The Cloud",
  pkg: "thecloud",
  schema: path.join(REPO_ROOT, "thecloud", "schema.json"),
  start: startTheCloudRig,
  storage: {
    args: (dir, engine) => ({ bucket: engine.get("Bucket").id, path: dir }),
    uploadRoute: "PUT /storage/:bucket/*key",
  },
  kinds: [
    {
      kind: "Bucket",
      args: () => ({ name: "conformance-bucket", forceDestroy: true }),
      inPlace: { versioning: true },
      replacing: { public: true },
      createRoute: "POST /storage/buckets",
      listRoute: "GET /storage/buckets",
      count: async (rig) => (await listOf(rig, "/storage/buckets")).filter((b) => String(b.name).startsWith("conformance-bucket")).length,
      removeOutOfBand: async (rig, id) => void (await asUser(rig, "DELETE", `/storage/buckets/${id}?force=true`)),
    },
    {
      kind: "BucketLifecycleRule",
      args: (ids) => ({ bucket: ids.Bucket, prefix: "logs/", expirationDays: 30 }),
      replacing: { expirationDays: 7 },
      createRoute: "POST /storage/buckets/:bucket/lifecycle",
      listRoute: "GET /storage/buckets/:bucket/lifecycle",
      count: async (rig, ids) => (await listOf(rig, `/storage/buckets/${ids.Bucket}/lifecycle`)).length,
      removeOutOfBand: async (rig, id) => {
        const [bucket, rule] = id.split("/");
        await asUser(rig, "DELETE", `/storage/buckets/${bucket}/lifecycle/${rule}`);
      },
    },
    {
      kind: "ApiKey",
      args: () => ({ name: "conformance-key" }),
      replacing: { rotation: "2" },
      createRoute: "POST /auth/keys",
      listRoute: "GET /auth/keys",
      count: async (rig) => (await listOf(rig, "/auth/keys")).filter((k) => k.name === "conformance-key").length,
      removeOutOfBand: async (rig, id) => void (await asUser(rig, "DELETE", `/auth/keys/${id}`)),
    },
  ],
};

/**
 * The Cloud answering every open point of its reference the other way at once (its emulator's
 * `all` dialect: error bodies as strings, lists paged by cursor and lean, 400 for clashes and
 * non-empty deletes, 200 for creates, the auth limit per route without Retry-After, routes under
 * /api/v1, …): the provider must end every case the same.
 */
export const thecloudAllDialects: Cloud = {
  ...thecloud,
  name: "The Cloud, every open point answered the other way",
  start: () => startTheCloudRig("all"),
};

/** Shardlyn's seeded credential and zone (its emulator's, the same at every start): the records' parents. */
const seeded = { credentialId: "", zoneId: "" };

async function startShardlynRig(options: { signIn: SignIn; dialect?: string; apiTokensOnJwtRoutes?: boolean }): Promise<CloudRig> {
  const rig = await startShardlyn({
    emulator: { dialect: options.dialect, apiTokensOnJwtRoutes: options.apiTokensOnJwtRoutes },
    signIn: options.signIn,
    // A 429 without Retry-After waits for its window's X-RateLimit-Reset, capped by retryMaxDelay: a second here.
    settings: { maxRetries: 2, retryMaxDelay: 1 },
  });
  seeded.credentialId = rig.emu.credentialId;
  seeded.zoneId = rig.emu.zoneId;
  // The secret the provider signs in with (the password, or the token when it has no session).
  return cloudRig(rig, options.signIn === "token" ? rig.emu.apiToken : rig.emu.password);
}

/**
 * The test's own call to Shardlyn's emulator, taking API tokens everywhere; a read in its default
 * dialect (bare lists), a change in the dialect in force (whose ids the routes take).
 */
async function asShardlynUser<T>(rig: CloudRig, method: string, route: string): Promise<{ status: number; body: T }> {
  const emu = (rig as unknown as { emu: ShardlynEmulator }).emu;
  const dialect = emu.dialect();
  if (method === "GET") emu.setDialect([]);
  emu.setApiTokensOnJwtRoutes(true);
  try {
    return await shardlynApi<T>(emu, method, route);
  } finally {
    emu.setDialect(dialect);
    emu.setApiTokensOnJwtRoutes(jwtOnly.get(emu) !== true);
  }
}
const jwtOnly = new WeakMap<object, boolean>();

const shardlynList = (rig: CloudRig, route: string) => listed(route, asShardlynUser<any[]>(rig, "GET", route));

export const shardlyn: Cloud = {
  name: "Shardlyn",
  pkg: "shardlyn",
  schema: path.join(REPO_ROOT, "shardlyn", "schema.json"),
  start: () => startShardlynRig({ signIn: "session" }),
  kinds: [
    {
      kind: "DnsRecord",
      args: () => ({
        credentialId: seeded.credentialId,
        zoneId: seeded.zoneId,
        type: "TXT",
        name: "conformance",
        content: "v=conformance",
      }),
      inPlace: { content: "v=conformance-2", ttl: 600 },
      replacing: { name: "conformance-2" },
      createRoute: "POST /v1/dns/records",
      listRoute: "GET /v1/dns/zones/{zoneId}/records",
      count: async (rig) =>
        (await shardlynList(rig, `/v1/dns/zones/${seeded.zoneId}/records`)).filter((r) => String(r.name).startsWith("conformance")).length,
      removeOutOfBand: async (rig, id) =>
        expect((await asShardlynUser(rig, "DELETE", `/v1/dns/records/${id.split("/")[1]}`)).status).toBe(204),
    },
    {
      kind: "ApiToken",
      args: () => ({ name: "conformance-token", expiresIn: 86400 }),
      replacing: { rotation: "2" },
      createRoute: "POST /v1/api-tokens",
      listRoute: "GET /v1/api-tokens",
      count: async (rig) => (await shardlynList(rig, "/v1/api-tokens")).filter((t) => t.name === "conformance-token").length,
      removeOutOfBand: async (rig, id) => expect((await asShardlynUser(rig, "DELETE", `/v1/api-tokens/${id}`)).status).toBe(204),
    },
  ],
};

/**
 * Shardlyn answering every open point of its reference the other way (its emulator's `all`
 * dialect: names read back full with a trailing dot, external record ids, creates answering no
 * body, PUTs taken whole only, TXT quoted, lists paged by cursor, the DNS provider's refusals as
 * 403, …) and refusing API tokens on the routes marked JWT-only, with the provider given both an
 * API token and a sign-in: it must find the session on its own and end every case the same.
 */
export const shardlynAllDialects: Cloud = {
  ...shardlyn,
  name: "Shardlyn, every open point answered the other way, API tokens refused where the reference says JWT",
  start: async () => {
    const rig = await startShardlynRig({ signIn: "both", dialect: "all", apiTokensOnJwtRoutes: false });
    jwtOnly.set((rig as unknown as { emu: object }).emu, true);
    return rig;
  },
};

export const CLOUDS: Cloud[] = [mamutecloud, thecloud, thecloudAllDialects, shardlyn, shardlynAllDialects];
