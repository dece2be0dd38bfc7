// Provider configuration as the engine hands it over: stack config through Configure, the
// environment of the `pulumi` command, and what happens without a credential.
import { Engine } from "../harness/engine";
import { ProviderHost } from "../harness/providerHost";
import { cleanEnv, listAll, startTestEmulator, type Emulator } from "../harness/emulator";

let emu: Emulator;
const hosts: ProviderHost[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
  await emu?.close();
});

async function engineWith(stack: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<Engine> {
  const host = await ProviderHost.start({ env: cleanEnv(env) });
  hosts.push(host);
  await host.configure(stack);
  return Engine.create(host);
}

async function bucketExists(name: string): Promise<boolean> {
  return (await listAll(emu, "/object-storage/buckets")).some((bucket) => bucket.name === name);
}

test("the environment alone configures the provider", async () => {
  const engine = await engineWith(
    {},
    { MAMUTECLOUD_API_KEY: emu.apiKey, MAMUTECLOUD_ENDPOINT: emu.url, MAMUTECLOUD_S3_ENDPOINT: emu.s3Url },
  );
  await engine.up("Bucket", "from-env", { name: "config-from-env" });
  expect(await bucketExists("config-from-env")).toBe(true);
  expect(engine.get("from-env").outputs.s3Endpoint).toBe(emu.s3Url);
});

test("stack config wins over the environment", async () => {
  const engine = await engineWith(
    { "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": emu.url },
    { MAMUTECLOUD_API_KEY: "mamute-wrongwrongwrongwrong", MAMUTECLOUD_ENDPOINT: "http://127.0.0.1:9" },
  );
  await engine.up("Bucket", "stack-wins", { name: "config-stack-wins" });
  expect(await bucketExists("config-stack-wins")).toBe(true);
});

test("X-API-Key and the /storage prefix, as the authentication guide documents them", async () => {
  const engine = await engineWith({
    "mamutecloud:apiKey": emu.apiKey,
    "mamutecloud:endpoint": emu.url,
    "mamutecloud:authHeader": "x-api-key",
    "mamutecloud:storagePathPrefix": "/storage",
  });
  await engine.up("Bucket", "guide", { name: "config-guide-style" });
  expect(await engine.refresh("guide")).toBe(true);
  await engine.destroy("guide");
  expect(await bucketExists("config-guide-style")).toBe(false);
});

test("a dashboard JWT works where no API key is set", async () => {
  const engine = await engineWith({ "mamutecloud:token": emu.dashboardToken(), "mamutecloud:endpoint": emu.url });
  await engine.up("Bucket", "jwt", { name: "config-jwt" });
  expect(await bucketExists("config-jwt")).toBe(true);
});

test("without a credential, a preview still works and the first API call says how to set one", async () => {
  const engine = await engineWith({ "mamutecloud:endpoint": emu.url });
  emu.resetRequests();
  const preview = await engine.preview("Bucket", "no-key", { name: "config-no-key" });
  expect(preview.check.failures).toEqual([]);
  const failure = engine.up("Bucket", "no-key", { name: "config-no-key" });
  await expect(failure).rejects.toThrow(/No MamuteCloud credential is configured/);
  await expect(failure).rejects.toThrow(/mamutecloud:apiKey.*MAMUTECLOUD_API_KEY/);
  expect(emu.requests().total).toBe(0);
});

test("a bad setting fails the first operation with the setting's name", async () => {
  const engine = await engineWith({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": "http://api.example.com" });
  await expect(engine.up("Bucket", "insecure", { name: "config-insecure" })).rejects.toThrow(
    /mamutecloud:endpoint \(or MAMUTECLOUD_ENDPOINT\) uses plain http to api\.example\.com/,
  );
});
