// Secrets stay secret across every resource kind: the API key and S3 secret access keys appear in
// no `__provider`, no output other than `secretAccessKey`, no error and nothing the host printed.
import type { Engine } from "../harness/engine";
import type { ProviderHost } from "../harness/providerHost";
import type { Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
const errors: string[] = [];
const secrets: string[] = [];

async function failing(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    errors.push(String((err as Error).stack ?? err));
    return;
  }
  throw new Error("expected the operation to fail");
}

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);

  await engine.up("Bucket", "site", { name: "secrets-site" });
  const bucketId = engine.get("site").id;
  await engine.up("BucketCredential", "deployer", { bucketId });
  secrets.push(String(engine.get("deployer").outputs.secretAccessKey));
  await engine.up("BucketCredential", "deployer", { bucketId, rotation: "2" });
  secrets.push(String(engine.get("deployer").outputs.secretAccessKey));
  await engine.up("DnsZone", "zone", { domain: "secrets-example.com" });
  await engine.up("DnsRecord", "www", { zoneId: engine.get("zone").id, name: "www", type: "A", values: ["192.0.2.1"] });
  for (const name of ["site", "deployer", "zone", "www"]) await engine.refresh(name);

  // Failures on every path that prints: create, update, read, delete.
  await failing(() => engine.up("Bucket", "taken", { name: "secrets-site" }));
  emu.setFaults({ seed: 1, rules: [{ plane: "management", fault: "status", status: 500 }] });
  await failing(() => engine.up("BucketCredential", "deployer", { bucketId, rotation: "3" }));
  await failing(() => engine.refresh("deployer"));
  await failing(() => engine.destroy("www"));
  emu.clearFaults();
});

afterAll(() => lifecycle?.close());

test("the credential made real secrets, and they changed with rotation", () => {
  expect(secrets).toHaveLength(2);
  expect(secrets[0]).toMatch(/^\S{40}$/);
  expect(secrets[1]).not.toBe(secrets[0]);
});

test("no __provider holds a secret or the API key", () => {
  for (const state of engine.state.values()) {
    const provider = String(state.outputs.__provider);
    for (const secret of [emu.apiKey, ...secrets]) expect(provider).not.toContain(secret);
  }
});

test("only secretAccessKey holds an S3 secret; nothing holds the API key", () => {
  for (const state of engine.state.values()) {
    const { secretAccessKey: _secret, ...rest } = state.outputs;
    const text = JSON.stringify([rest, state.inputs]);
    for (const secret of [emu.apiKey, ...secrets]) expect(text).not.toContain(secret);
  }
});

test("errors and the host's stderr hold no secret", () => {
  expect(errors.length).toBe(4);
  expect(host.stderr.length).toBeGreaterThan(0);
  for (const text of [...errors, host.stderr, host.stdout]) {
    for (const secret of [emu.apiKey, ...secrets]) expect(text).not.toContain(secret);
  }
});
