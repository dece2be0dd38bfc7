// The first hour of a new user, against the emulator, through the real provider host: a StaticSite
// configured with the endpoint and the API key alone (no `mamutecloud:s3Endpoint`) uploads its
// files where its bucket's answer says, or, when the answer says nothing (the documents promise
// only `bucket { id }`), where the emulator says; its URL opens on this machine. A wrong key names
// the setting; an emulator that is not running is reported at once with the command that starts
// it; an endpoint nothing else tells the S3 plane of fails naming the setting.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createServer } from "node:net";
import { ApiClient } from "../../provider/client";
import { resolveConfig } from "../../provider/mamutecloud/config";
import { mamuteDialect } from "../../provider/mamutecloud/dialect";
import { s3EndpointFor } from "../../provider/resources/folder";
import { cleanEnv, listAll } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { destroyAll, runProgram } from "../harness/program";
import { REPO_ROOT } from "../harness/providerHost";
import { browse } from "../emulator/cdn-helpers";

jest.setTimeout(180_000);

const PROGRAM_DIR = path.join(REPO_ROOT, ".tmp", "first-hour-program");
const PROGRAM = path.join(PROGRAM_DIR, "index.js");
// The README's three lines.
const PROGRAM_TEXT = `const mamutecloud = require("pulumi-mamutecloud");
const site = new mamutecloud.StaticSite("site", { path: process.env.SITE_DIR });
exports.url = site.url;
`;

let lifecycle: Lifecycle;
let site: string;

beforeAll(async () => {
  fs.mkdirSync(PROGRAM_DIR, { recursive: true });
  fs.writeFileSync(PROGRAM, PROGRAM_TEXT);
  site = fs.mkdtempSync(path.join(os.tmpdir(), "first-hour-"));
  fs.writeFileSync(path.join(site, "index.html"), "<h1>first hour</h1>");
  // Endpoint and key only: the empty value is how a stack leaves a setting unset.
  lifecycle = await startLifecycle({ "mamutecloud:s3Endpoint": "" });
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 100 });
});

afterEach(async () => {
  lifecycle.emu.setDialect("default");
  if (lifecycle?.engine.state.size) await destroyAll(lifecycle.engine).catch(() => undefined);
});

afterAll(async () => {
  await lifecycle?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const up = () => runProgram(lifecycle.engine, PROGRAM, cleanEnv({ SITE_DIR: site }));

test.each([
  ["the bucket's answer names its S3 endpoint", "default"],
  ["the bucket's answer has only the documented fields: the emulator tells its S3 endpoint", "documented-fields"],
])("endpoint and key alone: %s; the site is served and its url opens on this machine", async (_case, dialect) => {
  const { emu, engine } = lifecycle;
  emu.setDialect(dialect);
  emu.resetRequests();
  const run = await up();
  expect(run.steps.filter((step) => step.kind === "SyncedFolder").map((step) => step.op)).toEqual(["create"]);
  expect(emu.requests().routes["S3 PutObject"]).toBe(1);
  const url = String(run.outputs.url);
  expect(url).toMatch(new RegExp(`^http://[a-z0-9-]+\\.mamutecdn\\.com\\.localhost:${new URL(emu.edgeUrl).port}/$`));
  expect(await browse(url)).toMatchObject({ status: 200, body: "<h1>first hour</h1>" });
  await destroyAll(engine);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
});

test("a wrong API key is refused naming mamutecloud:apiKey and MAMUTECLOUD_API_KEY, never the key", async () => {
  const wrongKey = "mamute-wrong0123456789abcdef0123456789abcdef0123";
  const client = new ApiClient(
    resolveConfig(undefined, { MAMUTECLOUD_ENDPOINT: lifecycle.emu.url, MAMUTECLOUD_API_KEY: wrongKey }),
    mamuteDialect,
  );
  try {
    const failure = await client
      .call({ operation: "list buckets", method: "GET", path: "/object-storage/buckets" })
      .catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain("mamutecloud:apiKey");
    expect(message).toContain("MAMUTECLOUD_API_KEY");
    expect(message).toContain("401");
    expect(message).not.toContain(wrongKey);
  } finally {
    await client.close();
  }
});

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("an emulator that is not running fails at once (no retries) and says how to start it", async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  // The default retry settings: five retries with backoff would take seconds.
  const client = new ApiClient(
    resolveConfig(undefined, { MAMUTECLOUD_ENDPOINT: endpoint, MAMUTECLOUD_API_KEY: lifecycle.emu.apiKey }),
    mamuteDialect,
  );
  try {
    const started = Date.now();
    const failure = await client
      .call({ operation: "create bucket", method: "POST", path: "/object-storage/buckets", body: { name: "first-hour" } })
      .catch((err: Error) => err);
    expect(Date.now() - started).toBeLessThan(1000);
    const message = (failure as Error).message;
    expect(message).toContain(`nothing listens at ${endpoint}`);
    expect(message).toContain("npx mamutecloud-emulator");
    expect(message).toContain("mamutecloud:endpoint");
    expect(message).not.toContain(lifecycle.emu.apiKey);
  } finally {
    await client.close();
  }
});

describe("where the files go", () => {
  const bucket = { bucket: "b-1" };
  const config = (env: Record<string, string>) => resolveConfig(undefined, { MAMUTECLOUD_API_KEY: "mamute-x", ...env });
  const answer = (endpoint?: string) => async () => endpoint;

  test("the resource's own s3Endpoint first", async () => {
    const given = { ...bucket, s3Endpoint: "https://s3.given.example/" };
    expect(
      await s3EndpointFor(config({ MAMUTECLOUD_S3_ENDPOINT: "https://s3.example.net" }), given, answer("https://s3.bucket.example")),
    ).toBe("https://s3.given.example");
  });

  test("then mamutecloud:s3Endpoint, when set", async () => {
    expect(
      await s3EndpointFor(config({ MAMUTECLOUD_S3_ENDPOINT: "https://s3.example.net" }), bucket, answer("https://s3.bucket.example")),
    ).toBe("https://s3.example.net");
  });

  test("then the bucket's own answer", async () => {
    expect(await s3EndpointFor(config({ MAMUTECLOUD_ENDPOINT: lifecycle.emu.url }), bucket, answer("https://s3.bucket.example/"))).toBe(
      "https://s3.bucket.example",
    );
  });

  test("then, against the emulator, its S3 endpoint", async () => {
    expect(await s3EndpointFor(config({ MAMUTECLOUD_ENDPOINT: lifecycle.emu.url }), bucket, answer(undefined))).toBe(lifecycle.emu.s3Url);
  });

  test("the production S3 endpoint for the production API", async () => {
    expect(await s3EndpointFor(config({}), bucket, answer(undefined))).toBe("https://s3-us-east-1.mamutecloud.com");
  });

  test("another API with nothing known: an error naming mamutecloud:s3Endpoint, not a guess", async () => {
    await expect(s3EndpointFor(config({ MAMUTECLOUD_ENDPOINT: "https://api.staging.example" }), bucket, answer(undefined))).rejects.toThrow(
      /S3 endpoint of bucket b-1 is not known.*pulumi config set mamutecloud:s3Endpoint/,
    );
  });
});

// An emulator restarted on other ports (npm run demo, then demo:destroy: test/e2e/demo.test.ts) or
// a moved S3 endpoint is followed: the state keeps no copy that a later delete would use.
test("the files' state records no S3 endpoint: each operation asks the bucket where it is served", async () => {
  const { engine } = lifecycle;
  await up();
  expect(Object.keys(engine.get("site-files").outputs)).not.toContain("s3Endpoint");
  expect(Object.keys(engine.get("site-files").inputs ?? {})).not.toContain("s3Endpoint");
});
