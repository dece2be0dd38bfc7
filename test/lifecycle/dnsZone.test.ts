// DnsZone through the real provider host, in the engine's order, against the emulator.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, HostCallError } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function zonesFor(domain: string) {
  return (await listAll(emu, "/dns/zones")).filter((zone) => zone.domain === domain);
}

test("preview with an unknown domain: check passes, keeps the unknown, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview("DnsZone", "preview-only", { domain: UNKNOWN });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({ domain: UNKNOWN, forceDestroy: false });
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check("DnsZone", "bad", { domain: "localhost", forceDestroy: "yes" });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["domain", "forceDestroy"]);
  expect(byProperty.domain).toMatch(/at least two labels, like example\.com/);
  expect(byProperty.forceDestroy).toMatch(/boolean/);
  await expect(engine.up("DnsZone", "bad", { domain: "-bad-.com" })).rejects.toThrow(CheckFailedError);
  await expect(engine.up("DnsZone", "bad", {})).rejects.toThrow(/domain: is required/);
  expect(emu.requests().total).toBe(0);
});

test("create, no-op diff, refresh, no-op again, delete; the domain is canonical", async () => {
  const created = await engine.up("DnsZone", "zone", { domain: "Lifecycle-Zone.Example." });
  expect(created.op).toBe("create");
  const state = engine.get("zone");
  expect(state.id).toMatch(/^zone_/);
  expect(state.outputs).toMatchObject({ domain: "lifecycle-zone.example", forceDestroy: false, status: "active" });
  expect(state.outputs.nameservers).toEqual(expect.arrayContaining([expect.stringMatching(/^ns[1-4]\.mamutecloud\.com$/)]));
  expect(state.outputs.nameservers).toHaveLength(2);
  const fromApi = await api(emu, "GET", `/dns/zones/${state.id}`);
  expect(fromApi.status).toBe(200);
  expect(fromApi.body.nameservers).toEqual(state.outputs.nameservers);

  expect((await engine.up("DnsZone", "zone", { domain: "lifecycle-zone.example" })).op).toBe("same");
  expect(await engine.refresh("zone")).toBe(true);
  const again = await engine.up("DnsZone", "zone", { domain: "LIFECYCLE-ZONE.EXAMPLE." });
  expect(again.op).toBe("same");
  expect(again.diff?.changes).toBe("none");

  // Only the zone's own apex NS record is in it: destroy goes ahead without forceDestroy.
  await engine.destroy("zone");
  expect((await api(emu, "GET", `/dns/zones/${state.id}`)).status).toBe(404);
});

test("a domain change replaces the zone, creating the new one first", async () => {
  await engine.up("DnsZone", "moved", { domain: "lifecycle-old.example" });
  const oldId = engine.get("moved").id;
  const step = await engine.up("DnsZone", "moved", { domain: "lifecycle-new.example" });
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["domain"]);
  expect(step.diff?.deleteBeforeReplace).toBe(false);
  expect(step.order).toEqual(["create", "delete"]);
  expect(engine.get("moved").id).not.toBe(oldId);
  expect((await api(emu, "GET", `/dns/zones/${oldId}`)).status).toBe(404);
  expect(await zonesFor("lifecycle-new.example")).toHaveLength(1);
  await engine.destroy("moved");
});

test("refresh after an out-of-band delete drops the zone; the next up creates it again", async () => {
  await engine.up("DnsZone", "gone", { domain: "lifecycle-gone.example" });
  const { id } = engine.get("gone");
  expect((await api(emu, "DELETE", `/dns/zones/${id}`)).status).toBe(204);
  expect(await engine.refresh("gone")).toBe(false);
  expect((await engine.up("DnsZone", "gone", { domain: "lifecycle-gone.example" })).op).toBe("create");
  expect(engine.get("gone").id).not.toBe(id);
  await engine.destroy("gone");
  // Deleting a zone that is already gone succeeds.
  await expect(
    host.delete("DnsZone", "gone", id, { ...engine.props("DnsZone", "gone", { domain: "lifecycle-gone.example" }) }),
  ).resolves.toBeUndefined();
});

test("forceDestroy false: a zone holding a record made outside the stack is not deleted, nor the record", async () => {
  await engine.up("DnsZone", "kept", { domain: "lifecycle-kept.example" });
  const { id } = engine.get("kept");
  const outside = await api(emu, "POST", `/dns/zones/${id}/records`, { name: "by-hand", type: "TXT", values: ["made in the console"] });
  expect(outside.status).toBe(201);

  const failure = engine.destroy("kept");
  await expect(failure).rejects.toThrow(
    /still holds 1 record not managed by this stack \(e\.g\. TXT by-hand\.lifecycle-kept\.example, rec_[0-9a-f]+\) and forceDestroy is false/,
  );
  await expect(failure).rejects.toThrow(/set forceDestroy: true/);
  expect((await api(emu, "GET", `/dns/zones/${id}`)).status).toBe(200);
  expect((await api(emu, "GET", `/dns/zones/${id}/records/${outside.body.id}`)).status).toBe(200);

  // Setting forceDestroy is an in-place change that touches nothing; then destroy deletes it all.
  const step = await engine.up("DnsZone", "kept", { domain: "lifecycle-kept.example", forceDestroy: true });
  expect(step.op).toBe("update");
  expect(engine.get("kept").id).toBe(id);
  expect((await api(emu, "GET", `/dns/zones/${id}/records/${outside.body.id}`)).status).toBe(200);
  await engine.destroy("kept");
  expect((await api(emu, "GET", `/dns/zones/${id}`)).status).toBe(404);
});

test("a record deleted beside its zone in the same destroy (no dependency between them) does not stop the zone's delete", async () => {
  // A program that names its zone by a literal id (as `pulumi import` writes it) gives the engine no
  // order between the two deletes: the zone's delete waits for the record's, instead of refusing.
  await engine.up("DnsZone", "beside", { domain: "lifecycle-beside.example" });
  const { id } = engine.get("beside");
  const record = await api(emu, "POST", `/dns/zones/${id}/records`, { name: "www", type: "A", values: ["192.0.2.1"] });
  expect(record.status).toBe(201);
  const started = Date.now();
  const deleted = new Promise<number>((resolve) =>
    setTimeout(async () => resolve((await api(emu, "DELETE", `/dns/zones/${id}/records/${record.body.id}`)).status), 2000),
  );
  await engine.destroy("beside");
  expect(await deleted).toBe(204);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  expect((await api(emu, "GET", `/dns/zones/${id}`)).status).toBe(404);
});

test("a domain whose zone exists outside the stack is an error naming that zone, and nothing is adopted", async () => {
  const other = await api(emu, "POST", "/dns/zones", { domain: "someone-elses.example" });
  expect(other.status).toBe(201);
  const attempt = engine.up("DnsZone", "thief", { domain: "Someone-Elses.Example" });
  await expect(attempt).rejects.toThrow(`a DNS zone for "someone-elses.example" already exists (zone ${other.body.id})`);
  expect(engine.state.has("thief")).toBe(false);
  expect(await zonesFor("someone-elses.example")).toHaveLength(1);
});

test("a create whose response is lost adopts the zone instead of making a second one", async () => {
  emu.setFaults({ seed: 1, rules: [{ route: "POST /dns/zones", fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up("DnsZone", "lost", { domain: "lifecycle-lost.example" });
  const zones = await zonesFor("lifecycle-lost.example");
  expect(zones).toHaveLength(1);
  expect(engine.get("lost").id).toBe(zones[0].id);
  expect(engine.get("lost").outputs.nameservers).toEqual(zones[0].nameservers);
  expect(emu.requests().routes["POST /dns/zones"]).toBe(1);
  await engine.destroy("lost");
});

test("errors from the host never carry the API key", async () => {
  const failed = await host
    .create("DnsZone", "x", { ...engine.props("DnsZone", "x", { domain: "someone-elses.example", forceDestroy: false }) })
    .catch((err: HostCallError) => err);
  expect(String(failed)).toMatch(/already exists/);
  expect(String(failed)).not.toContain(emu.apiKey);
  expect(host.stderr).not.toContain(emu.apiKey);
  for (const state of engine.state.values()) expect(JSON.stringify(state)).not.toContain(emu.apiKey);
});
