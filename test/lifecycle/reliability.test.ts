// Retries and failure handling through the real provider host, proven with the emulator's fault
// switches and request counter: attempts counted, Retry-After waited, user errors not retried.
import type { Engine } from "../harness/engine";
import type { ProviderHost } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle({ "mamutecloud:maxRetries": "4" });
  ({ emu, host, engine } = lifecycle);
  await engine.up("Bucket", "subject", { name: "reliability-subject" });
});

afterAll(() => lifecycle?.close());

beforeEach(() => emu.resetRequests());
afterEach(() => {
  emu.clearFaults();
  emu.clearRateLimit();
});

const READ = "GET /object-storage/buckets/{bucketId}";
const RENAME = "PUT /object-storage/buckets/{bucketId}";

test("a refresh survives two 503s: three attempts, then success", async () => {
  emu.setFaults({ seed: 7, rules: [{ route: READ, fault: "status", status: 503, times: 2 }] });
  expect(await engine.refresh("subject")).toBe(true);
  expect(emu.requests().routes[READ]).toBe(3);
});

test("429 with Retry-After is waited out before the next attempt", async () => {
  emu.setFaults({ seed: 7, rules: [{ route: READ, fault: "status", status: 429, retryAfter: 1, times: 1 }] });
  const started = Date.now();
  expect(await engine.refresh("subject")).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(emu.requests().routes[READ]).toBe(2);
});

test("a dropped connection on an update is retried, and the update lands once", async () => {
  emu.setFaults({ seed: 7, rules: [{ route: RENAME, fault: "drop", times: 1 }] });
  const step = await engine.up("Bucket", "subject", { name: "reliability-renamed" });
  expect(step.op).toBe("update");
  expect(emu.requests().routes[RENAME]).toBe(2);
  const { body } = await api(emu, "GET", `/object-storage/buckets/${engine.get("subject").id}`);
  expect(body.name).toBe("reliability-renamed");
});

test("a 400 is the caller's fault: one attempt, and the error carries the API's message", async () => {
  emu.setFaults({ seed: 7, rules: [{ route: RENAME, fault: "status", status: 400, times: 1 }] });
  await expect(engine.up("Bucket", "subject", { name: "reliability-other" })).rejects.toThrow(/HTTP 400/);
  expect(emu.requests().routes[RENAME]).toBe(1);
});

test("giving up after maxRetries says how many attempts were made", async () => {
  emu.setFaults({ seed: 7, rules: [{ route: READ, fault: "status", status: 503 }] });
  await expect(engine.refresh("subject")).rejects.toThrow(/read bucket bkt_[0-9a-f]+ failed after 5 attempts: HTTP 503/);
  expect(emu.requests().routes[READ]).toBe(5);
});

test("under a rate limit, a burst of operations still completes", async () => {
  emu.setRateLimit({ requestsPerSecond: 20, burst: 2, plane: "management" });
  const names = ["rl-a", "rl-b", "rl-c", "rl-d", "rl-e", "rl-f"];
  await Promise.all(names.map((name) => engine.up("Bucket", name, { name: `reliability-${name}` })));
  emu.clearRateLimit();
  // Creates refused with 429 were tried again without making a second bucket: one bucket each.
  const buckets = await listAll(emu, "/object-storage/buckets");
  for (const name of names) {
    expect(engine.get(name).id).toMatch(/^bkt_/);
    expect(buckets.filter((bucket) => bucket.name === `reliability-${name}`)).toHaveLength(1);
  }
  await Promise.all(names.map((name) => engine.destroy(name)));
});

test("nothing the host printed contains the API key", () => {
  expect(host.stderr).not.toContain(emu.apiKey);
});
