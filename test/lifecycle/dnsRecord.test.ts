// DnsRecord through the real provider host, in the engine's order, against the emulator. The
// canonical forms matter most here: whatever spelling a user writes, refresh then diff is no change.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, HostCallError, Props } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

const DOMAIN = "lifecycle-records.example";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
let zoneId: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
  await engine.up("DnsZone", "zone", { domain: DOMAIN });
  zoneId = engine.get("zone").id;
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

/** The zone's records as the API lists them, without the zone's own apex NS record. */
async function records(filter: { name?: string; type?: string } = {}) {
  const query = new URLSearchParams(filter as Record<string, string>).toString();
  const all = await listAll(emu, `/dns/zones/${zoneId}/records${query ? `?${query}` : ""}`);
  return all.filter((record) => !record.managed);
}

function recordOf(name: string) {
  const state = engine.get(name);
  return api(emu, "GET", `/dns/zones/${zoneId}/records/${state.outputs.recordId}`);
}

/** Refresh, then the same program again: must be no change at all. */
async function expectStableAfterRefresh(name: string, args: Props) {
  expect(await engine.refresh(name)).toBe(true);
  const step = await engine.up("DnsRecord", name, args);
  expect(step.op).toBe("same");
  expect(step.diff?.changes).toBe("none");
}

test("preview with an unknown zone and value: check passes, keeps the unknowns, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview("DnsRecord", "preview-only", {
    zoneId: UNKNOWN,
    name: "WWW",
    type: "aaaa",
    values: ["2001:DB8::1", UNKNOWN],
  });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({ zoneId: UNKNOWN, name: "www", type: "AAAA", ttl: 3600 });
  expect(step.check.inputs.values).toEqual(["2001:db8::1", UNKNOWN]);
  const mx = await engine.preview("DnsRecord", "preview-mx", { zoneId: UNKNOWN, name: "@", type: "MX", values: UNKNOWN, priority: UNKNOWN });
  expect(mx.check.failures).toEqual([]);
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check("DnsRecord", "bad", {
    zoneId: `${zoneId}/x`,
    name: "bad..name",
    type: "SRV",
    values: "192.0.2.1",
    ttl: 59,
    priority: 70000,
  });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["name", "priority", "ttl", "type", "values", "zoneId"]);
  expect(byProperty.zoneId).toMatch(/must be a DnsZone id/);
  expect(byProperty.name).toMatch(/not a valid record name: use "@" for the zone apex/);
  expect(byProperty.type).toMatch(/use one of A, AAAA, CNAME, MX, TXT, NS/);
  expect(byProperty.values).toMatch(/list of 1-100 strings/);
  expect(byProperty.ttl).toMatch(/60 to 86400/);
  expect(byProperty.priority).toMatch(/0 to 65535/);

  // Rules that depend on the type.
  const typed = await engine.check("DnsRecord", "bad", { zoneId, name: "@", type: "CNAME", values: ["a.example", "b..example"], priority: 1 });
  const byTyped = Object.fromEntries(typed.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byTyped).sort()).toEqual(["name", "priority", "values"]);
  expect(byTyped.name).toMatch(/CNAME record cannot be at the zone apex/);
  expect(byTyped.values).toMatch(/exactly one host name \(got 2\).*item 1 "b\.\.example" must be a host name/);
  expect(byTyped.priority).toMatch(/only MX records take a priority: remove it/);

  await expect(engine.up("DnsRecord", "bad", { zoneId, name: "@", type: "MX", values: ["mx.example"] })).rejects.toThrow(
    /priority: is required for MX records/,
  );
  await expect(engine.up("DnsRecord", "bad", { zoneId, name: "v6", type: "AAAA", values: ["2001:db8::1", "2001:DB8:0::1"] })).rejects.toThrow(
    CheckFailedError,
  );
  expect(emu.requests().total).toBe(0);
});

test("create, no-op diff, refresh then no diff: IPv6 forms, upper-case name, values out of order", async () => {
  const args = { zoneId, name: "WWW", type: "aaaa", values: ["2001:DB8:0:0::1", "2001:db8::A"] };
  expect((await engine.up("DnsRecord", "v6", args)).op).toBe("create");
  const state = engine.get("v6");
  expect(state.id).toBe(`${zoneId}/${state.outputs.recordId}`);
  expect(state.outputs.recordId).toMatch(/^rec_/);
  expect(state.outputs).toMatchObject({
    zoneId,
    name: "www",
    type: "AAAA",
    values: ["2001:db8::1", "2001:db8::a"],
    ttl: 3600,
    fqdn: `www.${DOMAIN}`,
  });
  const fromApi = await recordOf("v6");
  expect(fromApi.body).toMatchObject({ name: `www.${DOMAIN}.`, type: "AAAA", values: ["2001:db8::1", "2001:db8::a"], ttl: 3600 });

  expect((await engine.up("DnsRecord", "v6", args)).op).toBe("same");
  await expectStableAfterRefresh("v6", args);
  // The user's spelling of the name survives the refresh.
  expect(engine.get("v6").outputs.name).toBe("www");

  // The absolute spellings of the same name are no change either.
  for (const name of [`www.${DOMAIN}`, `WWW.${DOMAIN.toUpperCase()}.`]) {
    expect((await engine.up("DnsRecord", "v6", { ...args, name })).op).toBe("same");
  }
  await engine.destroy("v6");
  expect((await api(emu, "GET", `/dns/zones/${zoneId}/records/${state.outputs.recordId}`)).status).toBe(404);
});

test("CNAME target without a trailing dot and an absolute name: refresh then no diff", async () => {
  const args = { zoneId, name: `Docs.${DOMAIN}`, type: "cname", values: ["Target.Example.NET"] };
  await engine.up("DnsRecord", "docs", args);
  expect(engine.get("docs").outputs).toMatchObject({ name: `docs.${DOMAIN}`, values: ["target.example.net."], fqdn: `docs.${DOMAIN}` });
  expect((await recordOf("docs")).body.values).toEqual(["target.example.net."]);
  await expectStableAfterRefresh("docs", args);
  await engine.destroy("docs");
});

test("MX and TXT at the apex, values out of order: refresh then no diff", async () => {
  const mx = { zoneId, name: "@", type: "MX", values: ["MX2.example.net", "mx1.example.net."], priority: 10 };
  await engine.up("DnsRecord", "mx", mx);
  expect(engine.get("mx").outputs).toMatchObject({ values: ["mx1.example.net.", "mx2.example.net."], priority: 10, fqdn: DOMAIN });
  await expectStableAfterRefresh("mx", mx);

  const txt = { zoneId, name: "", type: "TXT", values: ["v=spf1 -all", "google-site-verification=abc"], ttl: 300 };
  await engine.up("DnsRecord", "txt", txt);
  expect(engine.get("txt").outputs.values).toEqual(["google-site-verification=abc", "v=spf1 -all"]);
  await expectStableAfterRefresh("txt", txt);
  // "@" and "" are both the apex.
  expect((await engine.up("DnsRecord", "txt", { ...txt, name: "@" })).op).toBe("same");

  await engine.destroy("mx");
  await engine.destroy("txt");
});

test("values, ttl and MX priority update in place and keep the id", async () => {
  await engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values: ["mx1.example.net"], priority: 10 });
  const { id } = engine.get("mail");

  const values = await engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values: ["mx2.example.net", "mx1.example.net"], priority: 10 });
  expect(values.op).toBe("update");
  expect(values.diff?.replaces).toEqual([]);
  const ttl = await engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values: ["mx2.example.net", "mx1.example.net"], priority: 10, ttl: 600 });
  expect(ttl.op).toBe("update");
  const priority = await engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values: ["mx2.example.net", "mx1.example.net"], priority: 5, ttl: 600 });
  expect(priority.op).toBe("update");

  expect(engine.get("mail").id).toBe(id);
  expect(engine.get("mail").outputs).toMatchObject({ values: ["mx1.example.net.", "mx2.example.net."], ttl: 600, priority: 5 });
  expect((await recordOf("mail")).body).toMatchObject({ values: ["mx1.example.net.", "mx2.example.net."], ttl: 600, priority: 5 });
  // Removing ttl goes back to the default, in place.
  expect((await engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values: ["mx1.example.net", "mx2.example.net"], priority: 5 })).op).toBe("update");
  expect((await recordOf("mail")).body.ttl).toBe(3600);
  await engine.destroy("mail");
});

test("a type change at the same name with a CNAME involved replaces, deleting first", async () => {
  await engine.up("DnsRecord", "alias", { zoneId, name: "alias", type: "A", values: ["192.0.2.1"] });
  const oldId = engine.get("alias").id;
  const step = await engine.up("DnsRecord", "alias", { zoneId, name: `alias.${DOMAIN}.`, type: "CNAME", values: ["elsewhere.example.net"] });
  expect(step.op).toBe("replace");
  // The absolute spelling is the same name: only the type replaces.
  expect(step.diff?.replaces).toEqual(["type"]);
  expect(step.diff?.deleteBeforeReplace).toBe(true);
  expect(step.order).toEqual(["delete", "create"]);
  expect(engine.get("alias").id).not.toBe(oldId);
  const atName = await records({ name: `alias.${DOMAIN}.` });
  expect(atName.map((record) => record.type)).toEqual(["CNAME"]);
  await engine.destroy("alias");
});

test("a type change without a collision (A to AAAA) creates the new record first", async () => {
  await engine.up("DnsRecord", "dual", { zoneId, name: "dual", type: "A", values: ["192.0.2.1"] });
  const step = await engine.up("DnsRecord", "dual", { zoneId, name: "dual", type: "AAAA", values: ["2001:db8::1"] });
  expect(step.diff?.deleteBeforeReplace).toBe(false);
  expect(step.order).toEqual(["create", "delete"]);
  expect((await records({ name: `dual.${DOMAIN}.` })).map((record) => record.type)).toEqual(["AAAA"]);
  await engine.destroy("dual");
});

test("a name change replaces the record, creating the new one first", async () => {
  await engine.up("DnsRecord", "renamed", { zoneId, name: "before", type: "A", values: ["192.0.2.7"] });
  const old = engine.get("renamed");
  const step = await engine.up("DnsRecord", "renamed", { zoneId, name: "after", type: "A", values: ["192.0.2.7"] });
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["name"]);
  expect(step.diff?.deleteBeforeReplace).toBe(false);
  expect(step.order).toEqual(["create", "delete"]);
  expect(engine.get("renamed").outputs.fqdn).toBe(`after.${DOMAIN}`);
  expect((await api(emu, "GET", `/dns/zones/${zoneId}/records/${old.outputs.recordId}`)).status).toBe(404);
  await engine.destroy("renamed");
});

test("refresh sees an out-of-band change of values and TTL; the next up puts them back", async () => {
  const args = { zoneId, name: "drift", type: "A", values: ["192.0.2.1", "192.0.2.2"] };
  await engine.up("DnsRecord", "drift", args);
  const { id, outputs } = engine.get("drift");
  const edited = await api(emu, "PUT", `/dns/records/${outputs.recordId}`, { values: ["198.51.100.9"], ttl: 120 });
  expect(edited.status).toBe(200);

  await engine.refresh("drift");
  expect(engine.get("drift").outputs).toMatchObject({ values: ["198.51.100.9"], ttl: 120, name: "drift" });
  const step = await engine.up("DnsRecord", "drift", args);
  expect(step.op).toBe("update");
  expect(engine.get("drift").id).toBe(id);
  expect((await recordOf("drift")).body).toMatchObject({ values: ["192.0.2.1", "192.0.2.2"], ttl: 3600 });
  await engine.destroy("drift");
});

test("refresh after an out-of-band delete drops the record; the next up creates it again", async () => {
  const args = { zoneId, name: "gone", type: "TXT", values: ["bye"] };
  await engine.up("DnsRecord", "gone", args);
  const { id, outputs } = engine.get("gone");
  expect((await api(emu, "DELETE", `/dns/zones/${zoneId}/records/${outputs.recordId}`)).status).toBe(204);
  expect(await engine.refresh("gone")).toBe(false);
  expect((await engine.up("DnsRecord", "gone", args)).op).toBe("create");
  expect(engine.get("gone").id).not.toBe(id);
  await engine.destroy("gone");
  // Deleting a record that is already gone succeeds.
  await expect(host.delete("DnsRecord", "gone", id, engine.props("DnsRecord", "gone", args))).resolves.toBeUndefined();
});

test("read works from the id alone (no state but the kind): the API's absolute name and the zone's domain", async () => {
  await engine.up("DnsRecord", "bare", { zoneId, name: "bare", type: "A", values: ["192.0.2.3"] });
  const { id } = engine.get("bare");
  const read = await host.read("DnsRecord", "bare", id, { __kind: "DnsRecord", __provider: engine.props("DnsRecord", "bare", {}).__provider });
  expect(read.id).toBe(id);
  expect(read.properties).toMatchObject({ zoneId, name: `bare.${DOMAIN}.`, type: "A", values: ["192.0.2.3"], ttl: 3600, fqdn: `bare.${DOMAIN}` });
  await engine.destroy("bare");
});

test("a record that exists outside the stack is an error naming it, and nothing is adopted", async () => {
  const other = await api(emu, "POST", `/dns/zones/${zoneId}/records`, { name: "taken", type: "A", values: ["192.0.2.50"] });
  expect(other.status).toBe(201);
  const attempt = engine.up("DnsRecord", "thief", { zoneId, name: "Taken", type: "A", values: ["192.0.2.1"] });
  await expect(attempt).rejects.toThrow(`an A record for taken.${DOMAIN} already exists (${other.body.id})`);
  expect(engine.state.has("thief")).toBe(false);
  const taken = await records({ name: `taken.${DOMAIN}.` });
  expect(taken).toHaveLength(1);
  expect(taken[0].values).toEqual(["192.0.2.50"]);

  // A CNAME beside other data: the message names the record in the way.
  const cname = engine.up("DnsRecord", "thief", { zoneId, name: "taken", type: "CNAME", values: ["example.net"] });
  await expect(cname).rejects.toThrow(`taken.${DOMAIN} already has an A record (${other.body.id}), and a CNAME cannot share its name`);
  expect(engine.state.has("thief")).toBe(false);
  expect(await records({ name: `taken.${DOMAIN}.` })).toHaveLength(1);

  // The zone's own apex NS record.
  await expect(engine.up("DnsRecord", "thief", { zoneId, name: "@", type: "NS", values: ["ns.example.net"] })).rejects.toThrow(
    /is the zone's own \(rec_[0-9a-f]+, managed by MamuteCloud/,
  );
});

test("two records of the stack swapping names: the 409 names the record in the way and points at aliases, never at deleting it", async () => {
  await engine.up("DnsRecord", "left", { zoneId, name: "swap-a", type: "A", values: ["192.0.2.1"] });
  await engine.up("DnsRecord", "right", { zoneId, name: "swap-b", type: "A", values: ["192.0.2.2"] });
  const holder = engine.get("right").outputs.recordId;
  const failure = engine.up("DnsRecord", "left", { zoneId, name: "swap-b", type: "A", values: ["192.0.2.1"] });
  await expect(failure).rejects.toThrow(`an A record for swap-b.${DOMAIN} already exists (${holder})`);
  await expect(failure).rejects.toThrow(/`aliases`.*`deleteBeforeReplace: true`/s);
  await expect(failure).rejects.not.toThrow(/did not create|delete (it|that)/i);
  // Nothing the stack manages was touched.
  expect((await records({ name: `swap-b.${DOMAIN}.` })).map((record) => record.id)).toEqual([holder]);
  expect((await records({ name: `swap-a.${DOMAIN}.` })).map((record) => record.id)).toEqual([engine.get("left").outputs.recordId]);
  await engine.destroy("left");
  await engine.destroy("right");
});

test("a create whose response is lost adopts exactly one record", async () => {
  emu.setFaults({ seed: 1, rules: [{ route: "POST /dns/zones/{zone_id}/records", fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up("DnsRecord", "lost", { zoneId, name: "lost", type: "A", values: ["192.0.2.77"] });
  const found = await records({ name: `lost.${DOMAIN}.`, type: "A" });
  expect(found).toHaveLength(1);
  expect(engine.get("lost").id).toBe(`${zoneId}/${found[0].id}`);
  expect(emu.requests().routes["POST /dns/zones/{zone_id}/records"]).toBe(1);
  await engine.destroy("lost");
});

test("the stack's own records do not block the zone's destroy (they go first)", async () => {
  await engine.up("DnsRecord", "last", { zoneId, name: "last", type: "A", values: ["192.0.2.1"] });
  await engine.destroy("last");
  // Only the record made outside the stack in the 409 test is left: remove it, then the zone goes.
  for (const record of await records()) {
    expect((await api(emu, "DELETE", `/dns/zones/${zoneId}/records/${record.id}`)).status).toBe(204);
  }
  await engine.destroy("zone");
  expect((await api(emu, "GET", `/dns/zones/${zoneId}`)).status).toBe(404);
});

test("errors from the host never carry the API key", async () => {
  const failed = await host
    .create("DnsRecord", "x", engine.props("DnsRecord", "x", { zoneId: "zone_doesnotexist", name: "x", type: "A", values: ["192.0.2.1"], ttl: 3600 }))
    .catch((err: HostCallError) => err);
  expect(String(failed)).toMatch(/the zone does not exist/);
  expect(String(failed)).not.toContain(emu.apiKey);
  expect(host.stderr).not.toContain(emu.apiKey);
  for (const state of engine.state.values()) expect(JSON.stringify(state)).not.toContain(emu.apiKey);
});
