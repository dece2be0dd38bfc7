// Secret canaries across full lifecycles, failures and faults included: a distinct canary for the
// API key, a dashboard token, an S3 secret and a private key. None may appear in any `__provider`,
// any output or input that is not the secret's own property, any error, or anything the provider
// host printed (its log lines and progress messages go to its stdout and stderr).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { manifestInputs } from "../../provider/sync/manifest";
import { Engine } from "../harness/engine";
import { cleanEnv, stackConfig } from "../harness/emulator";
import { ProviderHost } from "../harness/providerHost";
import { settleAll } from "../harness/stack";
import { TestCa } from "../harness/testCertificates";

const API_KEY = `mamute-canaryApiKey${Date.now().toString(36)}`;
/** The properties that hold a secret on purpose (marked secret in state). */
const SECRET_PROPERTIES = ["secretAccessKey", "privateKey"];

let emu: Emulator;
const hosts: ProviderHost[] = [];
const engines: Engine[] = [];
const errors: string[] = [];
const canaries: Record<string, string> = {};
let dir: string;

async function engineWith(config: Record<string, string>): Promise<Engine> {
  const host = await ProviderHost.start({ env: cleanEnv() });
  hosts.push(host);
  await host.configure(config);
  const engine = await Engine.create(host);
  engines.push(engine);
  return engine;
}

/** Runs a step that may fail; its error text is kept for the scan. */
async function attempt(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    errors.push(
      String((err as Error).stack ?? err),
      ...((err as AggregateError).errors ?? []).map((inner: Error) => String(inner.stack ?? inner)),
    );
  }
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: "127.0.0.1", apiKey: API_KEY });
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
  dir = mkdtempSync(join(tmpdir(), "canaries-"));
  writeFileSync(join(dir, "index.html"), "<h1>canaries</h1>");
  canaries.apiKey = API_KEY;
  canaries.dashboardToken = emu.dashboardToken();
  const ca = await TestCa.root();
  const server = await ca.server(["www.canary.example"]);
  canaries.privateKey = server.privateKeyPem.split("\n")[1];

  // With the API key, under faults on both planes: a bucket, a credential, files, an imported certificate.
  const engine = await engineWith(stackConfig(emu));
  emu.setFaults({
    seed: 5,
    rules: (["management", "s3"] as const).flatMap((plane) => [
      { plane, fault: "status" as const, status: 503, rate: 0.1 },
      { plane, fault: "lost_response" as const, rate: 0.1 },
      { plane, fault: "drop" as const, rate: 0.05 },
    ]),
  });
  await settleAll([
    engine.up("Bucket", "bucket", { name: "canary-site", forceDestroy: true }),
    engine.up("ImportedCertificate", "imported", { certificate: server.certificatePem, privateKey: server.privateKeyPem }),
  ]);
  const bucketId = engine.get("bucket").id;
  await engine.up("BucketCredential", "deployer", { bucketId });
  const { accessKeyId, secretAccessKey } = engine.get("deployer").outputs as Record<string, string>;
  canaries.s3Secret = secretAccessKey;
  const files = { bucket: bucketId, accessKeyId, secretAccessKey, path: dir, ...manifestInputs({ path: dir }) };
  await engine.up("SyncedFolder", "files", files);
  emu.clearFaults();

  // Failures on every path that prints: create, update, read, delete, with each secret in play.
  const other = await ca.server(["other.canary.example"]);
  await attempt(() =>
    engine.up("ImportedCertificate", "mismatched", { certificate: server.certificatePem, privateKey: other.privateKeyPem }),
  );
  await attempt(() => engine.up("SyncedFolder", "wrong-secret", { ...files, prefix: "x", secretAccessKey: `${secretAccessKey}x` }));
  emu.setFaults({ seed: 6, rules: [{ fault: "status", status: 500 }] });
  await attempt(() => engine.up("BucketCredential", "deployer", { bucketId, rotation: "2" }));
  await attempt(() => engine.refresh("imported"));
  await attempt(() =>
    engine.up("SyncedFolder", "files", {
      ...files,
      ...manifestInputs({ path: dir, cacheControl: { "**": "no-store" } }),
      cacheControl: { "**": "no-store" },
    }),
  );
  await attempt(() => engine.destroy("files"));
  emu.clearFaults();
  for (const name of ["files", "deployer", "imported", "bucket"]) await engine.destroy(name);

  // With a dashboard token: a lifecycle and a refused call.
  const tokenEngine = await engineWith({ ...stackConfig(emu), "mamutecloud:apiKey": "", "mamutecloud:token": canaries.dashboardToken });
  await tokenEngine.up("DnsZone", "zone", { domain: "canary.example" });
  await attempt(() => tokenEngine.up("DnsZone", "taken", { domain: "canary.example" }));
  await tokenEngine.destroy("zone");
  await attempt(() => engineWith({ ...stackConfig(emu), "mamutecloud:endpoint": `http://user:${canaries.dashboardToken}@example.com` }));
}, 120_000);

afterAll(async () => {
  for (const host of hosts) await host.close();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("every canary was in play, and failures happened", () => {
  expect(Object.keys(canaries).sort()).toEqual(["apiKey", "dashboardToken", "privateKey", "s3Secret"]);
  for (const value of Object.values(canaries)) expect(value.length).toBeGreaterThanOrEqual(20);
  expect(errors.length).toBeGreaterThanOrEqual(7);
});

test("no canary in any __provider, any non-secret output or input, any error, or anything a host printed", () => {
  const texts: Array<[string, string]> = [];
  for (const engine of engines) {
    for (const state of [...engine.state.values(), ...engine.pendingDeletes]) {
      const strip = (props: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(props).filter(([key]) => !SECRET_PROPERTIES.includes(key)));
      texts.push([`${state.name} state`, JSON.stringify([strip(state.outputs), strip(state.inputs)])]);
    }
  }
  errors.forEach((error, i) => texts.push([`error ${i}`, error]));
  hosts.forEach((host, i) => texts.push([`host ${i} output`, host.stdout + host.stderr]));
  const leaks = texts.flatMap(([where, text]) =>
    Object.entries(canaries)
      .filter(([, canary]) => text.includes(canary))
      .map(([name]) => `${name} in ${where}`),
  );
  expect(leaks).toEqual([]);
  expect(hosts.some((host) => host.stderr.length > 0)).toBe(true);
});
