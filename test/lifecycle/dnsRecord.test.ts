// DnsRecord through the real provider host, in the engine's order, against the emulator. The
// canonical forms matter most here: whatever spelling a user writes, refresh then diff is no change.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, HostCallError, Props } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { STATE_VERSION } from "../../provider/resource";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { outsideInterruptedAdvice } from "../harness/conflictMessage";

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
  const mx = await engine.preview("DnsRecord", "preview-mx", {
    zoneId: UNKNOWN,
    name: "@",
    type: "MX",
    values: UNKNOWN,
    priority: UNKNOWN,
  });
  expect(mx.check.failures).toEqual([]);
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check("DnsRecord", "bad", {
    zoneId: `${zoneId}/x`,
    name: "bad..name",
    type: "PTR",
    values: "192.0.2.1",
    ttl: 59,
    priority: 70000,
  });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["name", "priority", "ttl", "type", "values", "zoneId"]);
  expect(byProperty.zoneId).toMatch(/must be a DnsZone id/);
  expect(byProperty.name).toMatch(/not a valid record name: use "@" for the zone apex/);
  expect(byProperty.type).toMatch(/use one of A, AAAA, CNAME, MX, TXT, NS, SRV, CAA/);
  expect(byProperty.values).toMatch(/list of 1-100 strings/);
  expect(byProperty.ttl).toMatch(/60 to 86400/);
  expect(byProperty.priority).toMatch(/0 to 65535/);

  // Rules that depend on the type.
  const typed = await engine.check("DnsRecord", "bad", {
    zoneId,
    name: "@",
    type: "CNAME",
    values: ["a.example", "b..example"],
    priority: 1,
  });
  const byTyped = Object.fromEntries(typed.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byTyped).sort()).toEqual(["name", "priority", "values"]);
  expect(byTyped.name).toMatch(/CNAME record cannot be at the zone apex/);
  expect(byTyped.values).toMatch(/exactly one host name \(got 2\).*item 1 "b\.\.example" must be a host name/);
  expect(byTyped.priority).toMatch(/only MX records take a priority: remove it/);

  await expect(engine.up("DnsRecord", "bad", { zoneId, name: "@", type: "MX", values: ["mx.example"] })).rejects.toThrow(
    /values: item 0 "mx.example" must be "<priority> <host>"/,
  );
  // The apex NS set is the zone's own.
  await expect(engine.up("DnsRecord", "bad", { zoneId, name: "@", type: "NS", values: ["ns.example.net"] })).rejects.toThrow(
    /name: the NS record set at the zone apex is managed by MamuteCloud/,
  );
  // New types, each rule named with its property.
  const srv = await engine.check("DnsRecord", "bad", { zoneId, name: "sip", type: "SRV", values: ["10 5 sip.example.net"] });
  expect(Object.fromEntries(srv.failures.map((f) => [f.property, f.reason]))).toEqual({
    name: expect.stringMatching(/must start with _service._protocol/),
    values: expect.stringMatching(/item 0 "10 5 sip.example.net" must be "<priority> <weight> <port> <target>"/),
  });
  const caa = await engine.check("DnsRecord", "bad", { zoneId, name: "@", type: "CAA", values: ['0 issue "bad ca"', '0 contact "x"'] });
  expect(caa.failures).toEqual([
    { property: "values", reason: expect.stringMatching(/item 0 "0 issue \\"bad ca\\"" must be .*; item 1 "0 contact \\"x\\"" must be/) },
  ]);
  const cnameToIp = await engine.check("DnsRecord", "bad", { zoneId, name: "www", type: "CNAME", values: ["192.0.2.1"] });
  expect(cnameToIp.failures).toEqual([{ property: "values", reason: expect.stringMatching(/not an IP address/) }]);
  await expect(
    engine.up("DnsRecord", "bad", { zoneId, name: "v6", type: "AAAA", values: ["2001:db8::1", "2001:DB8:0::1"] }),
  ).rejects.toThrow(CheckFailedError);
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

test("MX with the first version's record-wide priority, and TXT at the apex: refresh then no diff", async () => {
  const mx = { zoneId, name: "@", type: "MX", values: ["MX2.example.net", "mx1.example.net."], priority: 10 };
  await engine.up("DnsRecord", "mx", mx);
  expect(engine.get("mx").outputs).toMatchObject({ values: ["10 mx1.example.net.", "10 mx2.example.net."], fqdn: DOMAIN });
  expect(engine.get("mx").outputs).not.toHaveProperty("priority");
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

test("values, ttl and MX priorities update in place and keep the id", async () => {
  const mail = (values: string[], more: Props = {}) =>
    engine.up("DnsRecord", "mail", { zoneId, name: "mail", type: "MX", values, ...more });
  await mail(["10 mx1.example.net"]);
  const { id } = engine.get("mail");

  const values = await mail(["20 mx2.example.net", "10 mx1.example.net"]);
  expect(values.op).toBe("update");
  expect(values.diff?.replaces).toEqual([]);
  expect((await mail(["20 mx2.example.net", "10 mx1.example.net"], { ttl: 600 })).op).toBe("update");
  // One value's priority alone.
  expect((await mail(["5 mx2.example.net", "10 mx1.example.net"], { ttl: 600 })).op).toBe("update");
  // The record-wide priority still updates in place too.
  expect((await mail(["mx2.example.net", "mx1.example.net"], { ttl: 600, priority: 7 })).op).toBe("update");
  expect((await mail(["5 mx2.example.net", "10 mx1.example.net"], { ttl: 600 })).op).toBe("update");

  expect(engine.get("mail").id).toBe(id);
  expect(engine.get("mail").outputs).toMatchObject({ values: ["10 mx1.example.net.", "5 mx2.example.net."], ttl: 600 });
  expect((await recordOf("mail")).body).toMatchObject({ values: ["10 mx1.example.net.", "5 mx2.example.net."], ttl: 600 });
  // Removing ttl goes back to the default, in place.
  expect((await mail(["5 mx2.example.net", "10 mx1.example.net"])).op).toBe("update");
  expect((await recordOf("mail")).body.ttl).toBe(3600);
  await engine.destroy("mail");
});

test("a type change at the same name with a CNAME involved replaces, deleting first", async () => {
  await engine.up("DnsRecord", "alias", { zoneId, name: "alias", type: "A", values: ["192.0.2.1"] });
  const oldId = engine.get("alias").id;
  const step = await engine.up("DnsRecord", "alias", {
    zoneId,
    name: `alias.${DOMAIN}.`,
    type: "CNAME",
    values: ["elsewhere.example.net"],
  });
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

test("a replaced zone: the preview lists its records' replacement in the order up performs it", async () => {
  // Issue 19: the preview said "delete first" (zone id unknown) while up created first (new id known).
  const zones = await Engine.create(host);
  await zones.up("DnsZone", "moving", { domain: "before-move.example" });
  const oldZoneId = zones.get("moving").id;
  await zones.up("DnsRecord", "moving-www", { zoneId: oldZoneId, name: "www", type: "A", values: ["192.0.2.1"] });

  // Preview: the zone is replaced (new domain), so the record's zone id is unknown.
  const zonePreview = await zones.preview("DnsZone", "moving", { domain: "after-move.example" });
  expect(zonePreview.op).toBe("replace");
  expect(zonePreview.diff?.deleteBeforeReplace).toBe(false);
  const recordPreview = await zones.preview("DnsRecord", "moving-www", { zoneId: UNKNOWN, name: "www", type: "A", values: ["192.0.2.1"] });
  expect(recordPreview.op).toBe("replace");

  // Up, in the engine's order: the new zone first, then the record with its id, old zone deleted last.
  await zones.up("DnsZone", "moving", { domain: "after-move.example" }, { deferDelete: true });
  const newZoneId = zones.get("moving").id;
  const recordUp = await zones.up("DnsRecord", "moving-www", { zoneId: newZoneId, name: "www", type: "A", values: ["192.0.2.1"] });
  expect(recordUp.op).toBe("replace");
  expect(recordUp.diff?.deleteBeforeReplace).toBe(recordPreview.diff?.deleteBeforeReplace);
  expect(recordUp.order).toEqual(["create", "delete"]);
  await zones.finishReplacements();
  await zones.destroy("moving-www");
  await zones.destroy("moving");
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
  const read = await host.read("DnsRecord", "bare", id, {
    __kind: "DnsRecord",
    __provider: engine.props("DnsRecord", "bare", {}).__provider,
  });
  expect(read.id).toBe(id);
  expect(read.properties).toMatchObject({
    zoneId,
    name: `bare.${DOMAIN}.`,
    type: "A",
    values: ["192.0.2.3"],
    ttl: 3600,
    fqdn: `bare.${DOMAIN}`,
  });
  await engine.destroy("bare");
});

describe("a mail and service setup: two MX priorities, SRV and CAA", () => {
  // Spelled as users paste them: odd case, no trailing dots, extra spaces, CAA values unquoted.
  // (zoneId is added when each test runs: the zone is made in beforeAll.)
  const mail = { name: "@", type: "mx", values: ["20  MX2.Example.NET", "10 mx1.example.net."] };
  const sip = { name: "_SIP._tcp", type: "SRV", values: ["20 0 5060 Backup.example.net", "10 60 5060 sip.example.net."], ttl: 300 };
  const caa = {
    name: "",
    type: "caa",
    values: [
      "0 ISSUE letsencrypt.org",
      '0 issuewild ";"',
      "0 iodef mailto:security@example.net",
      '0 issue "pki.goog;  cansignhttpexchanges=yes"',
    ],
  };
  const setup = { mail, sip, caa };

  test("goes up in the API's canonical forms", async () => {
    for (const [name, args] of Object.entries(setup)) expect((await engine.up("DnsRecord", name, { ...args, zoneId })).op).toBe("create");
    expect(engine.get("mail").outputs).toMatchObject({ type: "MX", values: ["10 mx1.example.net.", "20 mx2.example.net."], fqdn: DOMAIN });
    expect(engine.get("sip").outputs).toMatchObject({
      fqdn: `_sip._tcp.${DOMAIN}`,
      values: ["10 60 5060 sip.example.net.", "20 0 5060 backup.example.net."],
    });
    const caaValues = [
      '0 iodef "mailto:security@example.net"',
      '0 issue "letsencrypt.org"',
      '0 issue "pki.goog; cansignhttpexchanges=yes"',
      '0 issuewild ";"',
    ];
    expect(engine.get("caa").outputs.values).toEqual(caaValues);
    expect((await recordOf("mail")).body).toMatchObject({
      name: `${DOMAIN}.`,
      type: "MX",
      values: ["10 mx1.example.net.", "20 mx2.example.net."],
    });
    expect((await recordOf("sip")).body).toMatchObject({ type: "SRV", ttl: 300 });
    expect((await recordOf("caa")).body.values).toEqual(caaValues);
  });

  test("previews empty, then refreshes clean (no diff after the refresh)", async () => {
    for (const [name, args] of Object.entries(setup)) {
      const preview = await engine.preview("DnsRecord", name, { ...args, zoneId });
      expect(preview.op).toBe("same");
      await expectStableAfterRefresh(name, { ...args, zoneId });
    }
    // Other spellings of the same values are no change either.
    expect(
      (
        await engine.preview("DnsRecord", "caa", {
          ...caa,
          zoneId,
          values: [
            '0 issue "LetsEncrypt.org."',
            "0 issuewild ;",
            '0 IODEF "mailto:security@example.net"',
            "0 issue pki.goog; cansignhttpexchanges=yes",
          ],
        })
      ).op,
    ).toBe("same");
  });

  test("changes values and TTL in place", async () => {
    const ids = Object.fromEntries(Object.keys(setup).map((name) => [name, engine.get(name).id]));
    const steps = [
      await engine.up("DnsRecord", "mail", { ...mail, zoneId, values: ["10 mx1.example.net", "30 mx2.example.net"] }),
      await engine.up("DnsRecord", "sip", { ...sip, zoneId, values: ["10 60 5061 sip.example.net"], ttl: 600 }),
      await engine.up("DnsRecord", "caa", { ...caa, zoneId, values: ["0 issue letsencrypt.org"] }),
    ];
    for (const step of steps) expect(step).toMatchObject({ op: "update", diff: { replaces: [] } });
    for (const [name, id] of Object.entries(ids)) expect(engine.get(name).id).toBe(id);
    expect((await recordOf("mail")).body.values).toEqual(["10 mx1.example.net.", "30 mx2.example.net."]);
    expect((await recordOf("sip")).body).toMatchObject({ values: ["10 60 5061 sip.example.net."], ttl: 600 });
    expect((await recordOf("caa")).body.values).toEqual(['0 issue "letsencrypt.org"']);
  });

  test("is destroyed", async () => {
    for (const name of Object.keys(setup)) {
      const { outputs } = engine.get(name);
      await engine.destroy(name);
      expect((await api(emu, "GET", `/dns/zones/${zoneId}/records/${outputs.recordId}`)).status).toBe(404);
    }
  });
});

test("TXT over 255 characters: one value, given whole or as zone-file strings; refresh then no diff", async () => {
  const key = `v=DKIM1; k=rsa; p=${"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(10)}`;
  expect(key.length).toBeGreaterThan(255);
  const args = { zoneId, name: "mail._domainkey", type: "TXT", values: [key] };
  await engine.up("DnsRecord", "dkim", args);
  expect((await recordOf("dkim")).body.values).toEqual([key]);
  await expectStableAfterRefresh("dkim", args);
  // What DKIM tools print: 255-character strings in quotes.
  const chunks = key.match(/.{1,255}/g) ?? [];
  expect(chunks.length).toBeGreaterThan(1);
  const split = chunks.map((chunk) => `"${chunk}"`).join(" ");
  expect((await engine.up("DnsRecord", "dkim", { ...args, values: [split] })).op).toBe("same");
  await engine.destroy("dkim");
});

test("a stack written by the previous version (MX with a record-wide priority) sees no change, refreshes clean and updates in place", async () => {
  // State as version 1 of this package wrote it (test/fixtures: captured from its create), for a
  // record the API holds as that version made it (the same request body).
  const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/dnsRecord-mx-state-v1.json"), "utf8"));
  const made = await api(emu, "POST", `/dns/zones/${zoneId}/records`, {
    name: `${DOMAIN}.`,
    type: "MX",
    values: fixture.outputs.values,
    ttl: 600,
    priority: 10,
  });
  expect(made.status).toBe(201);
  const rewrite = (props: Props) => ({
    ...props,
    zoneId,
    recordId: made.body.id,
    __zoneDomain: DOMAIN,
    fqdn: DOMAIN,
    __provider: engine.props("DnsRecord", "legacy", {}).__provider,
  });
  const { recordId: _r, __zoneDomain: _d, fqdn: _f, ...legacyInputs } = rewrite(fixture.inputs);
  engine.state.set("legacy", {
    kind: "DnsRecord",
    name: "legacy",
    id: `${zoneId}/${made.body.id}`,
    inputs: legacyInputs,
    outputs: rewrite(fixture.outputs),
  });
  expect(engine.get("legacy").outputs).toMatchObject({ __version: 1, priority: 10, values: ["mx1.example.net.", "mx2.example.net."] });

  // The program as it was written for version 1.
  const program = { zoneId, name: "@", type: "MX", values: ["MX2.example.net", "mx1.example.net."], priority: 10, ttl: 600 };
  expect((await engine.preview("DnsRecord", "legacy", program)).op).toBe("same");
  expect(await engine.refresh("legacy")).toBe(true);
  expect(engine.get("legacy").outputs).toMatchObject({ __version: STATE_VERSION, values: ["10 mx1.example.net.", "10 mx2.example.net."] });
  expect(engine.get("legacy").outputs).not.toHaveProperty("priority");
  expect((await engine.up("DnsRecord", "legacy", program)).op).toBe("same");
  // Moving the priority into the values is no change; giving mx2 its own priority updates in place.
  const moved = { ...program, values: ["10 mx1.example.net", "10 mx2.example.net"], priority: undefined };
  expect((await engine.up("DnsRecord", "legacy", moved)).op).toBe("same");
  const step = await engine.up("DnsRecord", "legacy", { ...moved, values: ["10 mx1.example.net", "20 mx2.example.net"] });
  expect(step).toMatchObject({ op: "update", diff: { replaces: [] } });
  expect(engine.get("legacy").id).toBe(`${zoneId}/${made.body.id}`);
  expect((await recordOf("legacy")).body.values).toEqual(["10 mx1.example.net.", "20 mx2.example.net."]);
  await engine.destroy("legacy");
});

test("version 1 state is also updated and deleted without a refresh first", async () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/dnsRecord-mx-state-v1.json"), "utf8"));
  const made = await api(emu, "POST", `/dns/zones/${zoneId}/records`, {
    name: "old-mail",
    type: "MX",
    values: fixture.outputs.values,
    ttl: 600,
    priority: 10,
  });
  const outputs = {
    ...fixture.outputs,
    name: "old-mail",
    zoneId,
    recordId: made.body.id,
    __zoneDomain: DOMAIN,
    fqdn: `old-mail.${DOMAIN}`,
    __provider: engine.props("DnsRecord", "old", {}).__provider,
  };
  engine.state.set("old", { kind: "DnsRecord", name: "old", id: `${zoneId}/${made.body.id}`, inputs: {}, outputs });
  // The user changes the record-wide priority, as version 1 allowed: an update, not a replacement.
  const step = await engine.up("DnsRecord", "old", {
    zoneId,
    name: "old-mail",
    type: "MX",
    values: ["mx1.example.net", "mx2.example.net"],
    priority: 20,
    ttl: 600,
  });
  expect(step).toMatchObject({ op: "update", diff: { replaces: [] } });
  expect(engine.get("old").outputs).toMatchObject({ __version: STATE_VERSION, values: ["20 mx1.example.net.", "20 mx2.example.net."] });
  expect(engine.get("old").outputs).not.toHaveProperty("priority");
  // Deleting straight from version 1 state.
  engine.state.set("old", { ...engine.get("old"), outputs });
  await engine.destroy("old");
  expect((await api(emu, "GET", `/dns/zones/${zoneId}/records/${made.body.id}`)).status).toBe(404);
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

  // The zone's own apex NS record, named absolutely (check cannot tell it is the apex): refused
  // before the API is asked, and its records are untouched.
  emu.resetRequests();
  await expect(engine.up("DnsRecord", "thief", { zoneId, name: DOMAIN, type: "NS", values: ["ns.example.net"] })).rejects.toThrow(
    /whose NS records MamuteCloud manages/,
  );
  expect(emu.requests().routes["POST /dns/zones/{zone_id}/records"]).toBeUndefined();
});

test("two records of the stack swapping names: the 409 names the record in the way and points at aliases, never at deleting it", async () => {
  await engine.up("DnsRecord", "left", { zoneId, name: "swap-a", type: "A", values: ["192.0.2.1"] });
  await engine.up("DnsRecord", "right", { zoneId, name: "swap-b", type: "A", values: ["192.0.2.2"] });
  const holder = engine.get("right").outputs.recordId;
  const failure = engine.up("DnsRecord", "left", { zoneId, name: "swap-b", type: "A", values: ["192.0.2.1"] });
  await expect(failure).rejects.toThrow(`an A record for swap-b.${DOMAIN} already exists (${holder})`);
  await expect(failure).rejects.toThrow(/`aliases`.*`deleteBeforeReplace: true`/s);
  expect(
    outsideInterruptedAdvice(
      await failure.then(
        () => "",
        (err: Error) => err.message,
      ),
    ),
  ).not.toMatch(/did not create|delete (it|that)/i);
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
    .create(
      "DnsRecord",
      "x",
      engine.props("DnsRecord", "x", { zoneId: "zone_doesnotexist", name: "x", type: "A", values: ["192.0.2.1"], ttl: 3600 }),
    )
    .catch((err: HostCallError) => err);
  expect(String(failed)).toMatch(/the zone does not exist/);
  expect(String(failed)).not.toContain(emu.apiKey);
  expect(host.stderr).not.toContain(emu.apiKey);
  for (const state of engine.state.values()) expect(JSON.stringify(state)).not.toContain(emu.apiKey);
});
