// Provider configuration as the engine hands it over: stack config through Configure, the
// environment of the `pulumi` command, and what happens without a credential.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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

async function engineWith(stack: Record<string, string | boolean | number>, env: NodeJS.ProcessEnv = {}): Promise<Engine> {
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

test("typed stack config (`pulumi config set --type bool|int`, YAML true and 60) configures the provider", async () => {
  // Issue 19: a boolean reached the resolver as a boolean and crashed `up` with "raw.trim is not a function".
  const engine = await engineWith({
    "mamutecloud:apiKey": emu.apiKey,
    "mamutecloud:endpoint": emu.url,
    "mamutecloud:insecure": true,
    "mamutecloud:requestTimeout": 60,
    "mamutecloud:maxRetries": 2,
  });
  await engine.up("Bucket", "typed", { name: "config-typed" });
  expect(await bucketExists("config-typed")).toBe(true);
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

/** The error of the first operation, and everything the host printed. */
async function firstError(stack: Record<string, string>): Promise<{ message: string; stderr: string }> {
  const engine = await engineWith(stack);
  const message = await engine.up("Bucket", "probe", { name: "config-probe" }).then(
    () => "no error",
    (err: Error) => err.message,
  );
  return { message, stderr: hosts[hosts.length - 1].stderr };
}

test("a password in an endpoint URL, or a secret pasted into the wrong setting, is never echoed", async () => {
  const password = "hunter2-very-secret-password";
  const inUrl = await firstError({
    "mamutecloud:apiKey": emu.apiKey,
    "mamutecloud:endpoint": `https://deploy:${password}@api.example.com`,
  });
  expect(inUrl.message).toMatch(/mamutecloud:endpoint \(or MAMUTECLOUD_ENDPOINT\) holds a user name or password: remove it/);

  const s3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1";
  const asEndpoint = await firstError({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": s3Secret });
  expect(asEndpoint.message).toMatch(/mamutecloud:endpoint \(or MAMUTECLOUD_ENDPOINT\) is not a URL/);
  const asHeader = await firstError({
    "mamutecloud:apiKey": emu.apiKey,
    "mamutecloud:endpoint": emu.url,
    "mamutecloud:authHeader": s3Secret,
  });
  expect(asHeader.message).toMatch(/mamutecloud:authHeader \(or MAMUTECLOUD_AUTH_HEADER\) must be "authorization" or "x-api-key"/);
  const asTimeout = await firstError({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:requestTimeout": s3Secret });
  expect(asTimeout.message).toMatch(/mamutecloud:requestTimeout/);

  for (const { message, stderr } of [inUrl, asEndpoint, asHeader, asTimeout]) {
    for (const secret of [password, s3Secret]) {
      expect(message).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  }
});

test("an endpoint with a path or query is refused, naming the address to use", async () => {
  const { message } = await firstError({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": `${emu.url}/v1?region=us` });
  expect(message).toMatch(/mamutecloud:endpoint \(or MAMUTECLOUD_ENDPOINT\) must be the server's address alone/);
  expect(message).toContain(`Use ${emu.url}.`);
  expect(await bucketExists("config-probe")).toBe(false);
});

describe("an endpoint that is not the management API", () => {
  let web: Server;
  let webUrl: string;

  beforeAll(async () => {
    web = createServer((req, res) => {
      const status = req.url?.startsWith("/object-storage") && req.method === "GET" ? 404 : 200;
      res.writeHead(status, { "content-type": "text/html" });
      res.end("<html><body>Welcome to our website</body></html>");
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    web.closeAllConnections();
    await new Promise((resolve) => web.close(resolve));
  });

  test("the S3 endpoint given as the API endpoint: check mamutecloud:endpoint, without the raw body", async () => {
    const { message } = await firstError({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": emu.s3Url });
    expect(message).toMatch(/answered HTTP 4\d\d with a body that is not a MamuteCloud API error \(application\/xml\)/);
    expect(message).toMatch(/Check mamutecloud:endpoint \(or MAMUTECLOUD_ENDPOINT\)/);
    expect(message).not.toMatch(/<Error>|may have changed/);
  });

  test("a web server given as the API endpoint: check mamutecloud:endpoint, on a 200 and on a 404", async () => {
    const created = await firstError({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": webUrl });
    expect(created.message).toMatch(/answered HTTP 200 with a body that is not JSON \(text\/html\)/);
    expect(created.message).toMatch(/Check mamutecloud:endpoint/);
    expect(created.message).not.toMatch(/<html>|may have changed/);

    const engine = await engineWith({ "mamutecloud:apiKey": emu.apiKey, "mamutecloud:endpoint": webUrl });
    const read = await engine.host.read("Bucket", "probe", "bkt_0123456789abcdef", engine.props("Bucket", "probe", {})).then(
      () => "no error",
      (err: Error) => err.message,
    );
    expect(read).toMatch(/answered HTTP 404 with a body that is not a MamuteCloud API error \(text\/html\).*Check mamutecloud:endpoint/s);
  });
});
