// DNS: zones, records (create, clashes, PUT rules, names in any form), a revoked credential at the
// external provider, and the auto-DNS config.
import { expectError, useShardlyn } from "./helpers";

const { emu, api } = useShardlyn();

describe("zones", () => {
  it("lists every credential's zones; the starting one is example.com", async () => {
    const other = emu().addCredential({ name: "second" });
    const zone = emu().addZone({ credentialId: other.id, name: "Example.ORG." });
    expect(zone).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: "example.org" });
    const zones = await api().get("/v1/dns/zones");
    expect(zones.status).toBe(200);
    expect(zones.body).toEqual([
      { id: emu().zoneId, name: "example.com", credential_id: emu().credentialId, provider: "cloudflare", status: "active" },
      { id: zone.id, name: "example.org", credential_id: other.id, provider: "cloudflare", status: "active" },
    ]);
    expectError(await api().get("/v1/dns/zones/nope/records"), 404, "zone not found");
    expect((await api().get(`/v1/dns/zones/${zone.id}/records`)).body).toEqual([]);
  });

  it("seeding refuses what cannot be", () => {
    expect(() => emu().addZone({ credentialId: "nope", name: "a.com" })).toThrow("credential not found");
    expect(() => emu().addZone({ credentialId: emu().credentialId, name: "not a domain" })).toThrow(/^name: /);
    expect(() => emu().addZone({ credentialId: emu().credentialId, name: "example.com" })).toThrow(/already exists/);
    expect(() => emu().addCredential({ provider: "nope", name: "x" })).toThrow(/^provider: /);
  });
});

describe("records", () => {
  it("create answers the whole record; it shows in both lists and at the external provider", async () => {
    const created = await api().record({ type: "A", name: "mc", content: "203.0.113.10", node_id: "node-1" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      credential_id: emu().credentialId,
      zone_id: emu().zoneId,
      type: "A",
      name: "mc",
      content: "203.0.113.10",
      ttl: 300,
      node_id: "node-1",
      created_at: expect.stringMatching(/Z$/),
    });
    expect((await api().get(`/v1/dns/zones/${emu().zoneId}/records`)).body).toEqual([created.body]);
    expect((await api().get("/v1/dns/records")).body).toEqual([created.body]);
    expect(emu().externalRecords(emu().zoneId)).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        zone_id: emu().zoneId,
        type: "A",
        name: "mc.example.com",
        content: "203.0.113.10",
        ttl: 300,
      },
    ]);
    const overHttp = await api().get(`/_emulator/external/zones/${emu().zoneId}/records`, { token: null });
    expect(overHttp.body).toEqual(emu().externalRecords(emu().zoneId));
  });

  it("names in any form are one name, stored relative; @ is the apex", async () => {
    const forms = ["www", "WWW.example.com", "www.example.com."];
    expect((await api().record({ type: "TXT", name: forms[0], content: "a" })).body.name).toBe("www");
    for (const name of forms.slice(1)) expectError(await api().record({ type: "TXT", name, content: "a" }), 409, "record already exists");
    for (const name of ["@", "example.com", "example.com."])
      expect((await api().record({ type: "TXT", name, content: name })).body.name).toBe("@");
    expect((await api().record({ type: "TXT", name: "_acme-challenge.www", content: "tok" })).body.name).toBe("_acme-challenge.www");
    expect((await api().record({ type: "A", name: "*", content: "203.0.113.1" })).body.name).toBe("*");
    for (const name of ["bad name", "a..b", "-x", "mc.other.org.", "", "x".repeat(64), 5])
      expectError(await api().record({ type: "A", name, content: "203.0.113.1" }), 400, /^name: /);
  });

  it("duplicates are 409; two records of one name and type with different content coexist", async () => {
    expect((await api().record({ type: "A", name: "mc", content: "203.0.113.10" })).status).toBe(201);
    expectError(await api().record({ type: "A", name: "mc", content: "203.0.113.10", ttl: 60 }), 409, "record already exists");
    expect((await api().record({ type: "A", name: "mc", content: "203.0.113.11" })).status).toBe(201);
    expect((await api().record({ type: "AAAA", name: "mc", content: "2001:db8::1" })).status).toBe(201);
    expectError(await api().record({ type: "AAAA", name: "mc", content: "2001:0DB8:0:0:0:0:0:1" }), 409, "record already exists");
    expect((await api().get("/v1/dns/records")).body.map((r: any) => r.content)).toEqual(["203.0.113.10", "203.0.113.11", "2001:db8::1"]);
  });

  it("a CNAME is alone at its name", async () => {
    const cname = "a CNAME record cannot share its name with other records";
    expect((await api().record({ type: "CNAME", name: "www", content: "target.example.net" })).status).toBe(201);
    expectError(await api().record({ type: "A", name: "www", content: "203.0.113.1" }), 409, cname);
    expectError(await api().record({ type: "CNAME", name: "www", content: "other.example.net" }), 409, cname);
    expect((await api().record({ type: "TXT", name: "api", content: "x" })).status).toBe(201);
    expectError(await api().record({ type: "CNAME", name: "api", content: "t.example.net" }), 409, cname);
  });

  it("content by type, ttl, type and node_id are checked", async () => {
    const good: [string, string][] = [
      ["MX", "10 mail.example.com"],
      ["NS", "ns1.example.net."],
      ["SRV", "10 5 25565 mc.example.com"],
      ["CAA", '0 issue "letsencrypt.org"'],
      ["TXT", "v=spf1 -all"],
    ];
    for (const [type, content] of good) expect((await api().record({ type, name: `ok${type.toLowerCase()}`, content })).status).toBe(201);
    const bad: [string, unknown][] = [
      ["A", "999.1.1.1"],
      ["A", "2001:db8::1"],
      ["AAAA", "203.0.113.1"],
      ["AAAA", "fe80::1%eth0"],
      ["CNAME", "not a host"],
      ["MX", "mail.example.com"],
      ["MX", "70000 mail.example.com"],
      ["SRV", "1 2 mc.example.com"],
      ["CAA", "0 issue letsencrypt.org"],
      ["TXT", "x".repeat(2049)],
      ["TXT", ""],
      ["A", 42],
    ];
    for (const [type, content] of bad) expectError(await api().record({ type, name: "bad", content }), 400, /^content: /);
    for (const ttl of [0, 59, 86401, 2.5, "300"])
      expectError(
        await api().record({ type: "A", name: "t", content: "203.0.113.1", ttl }),
        400,
        /^ttl: must be an integer from 60 to 86400, or 1 for automatic$/,
      );
    expect((await api().record({ type: "A", name: "auto", content: "203.0.113.1", ttl: 1 })).body.ttl).toBe(1);
    expect((await api().record({ type: "A", name: "dflt", content: "203.0.113.1", ttl: undefined })).body.ttl).toBe(300);
    expectError(
      await api().record({ type: "PTR", name: "x", content: "a" }),
      400,
      /^type: must be one of A, AAAA, CNAME, TXT, MX, NS, SRV, CAA$/,
    );
    expectError(await api().record({ type: "A", name: "n", content: "203.0.113.1", node_id: "a b" }), 400, /^node_id: /);
  });

  it("credential and zone: unknown credential 404, a zone of another credential 400", async () => {
    const other = emu().addCredential({ name: "other" });
    const otherZone = emu().addZone({ credentialId: other.id, name: "other.org" });
    expectError(await api().record({ type: "A", name: "a", content: "203.0.113.1", credential_id: "nope" }), 404, "credential not found");
    expectError(
      await api().record({ type: "A", name: "a", content: "203.0.113.1", zone_id: otherZone.id }),
      400,
      `zone_id: not a zone of credential ${emu().credentialId}`,
    );
    expectError(await api().post("/v1/dns/records", { zone_id: emu().zoneId }), 400, /^credential_id: is required/);
  });

  it("PUT changes content, ttl and node_id; type and name only if unchanged (any form); answers the whole record", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.10", node_id: "n1" })).body;
    const updated = await api().put(`/v1/dns/records/${record.id}`, {
      content: "203.0.113.20",
      ttl: 600,
      type: "A",
      name: "mc.example.com.",
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...record, content: "203.0.113.20", ttl: 600 });
    expect((await api().put(`/v1/dns/records/${record.id}`, { node_id: null })).body.node_id).toBeNull();
    expect((await api().put(`/v1/dns/records/${record.id}`, {})).body).toEqual({
      ...record,
      content: "203.0.113.20",
      ttl: 600,
      node_id: null,
    });
    const message = /cannot be changed \(delete the record and create another\)$/;
    expectError(await api().put(`/v1/dns/records/${record.id}`, { name: "other" }), 400, message);
    expectError(await api().put(`/v1/dns/records/${record.id}`, { type: "AAAA" }), 400, message);
    expectError(await api().put(`/v1/dns/records/${record.id}`, { content: "nope" }), 400, /^content: /);
    expectError(await api().put("/v1/dns/records/nope", { content: "203.0.113.1" }), 404, "record not found");
    const twin = (await api().record({ type: "A", name: "mc", content: "203.0.113.30" })).body;
    expectError(await api().put(`/v1/dns/records/${twin.id}`, { content: "203.0.113.20" }), 409, "record already exists");
    expect(
      emu()
        .externalRecords(emu().zoneId)
        .map((r) => r.content),
    ).toEqual(["203.0.113.20", "203.0.113.30"]);
  });

  it("DELETE 204, then 404", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.10" })).body;
    expect((await api().delete(`/v1/dns/records/${record.id}`)).status).toBe(204);
    expectError(await api().delete(`/v1/dns/records/${record.id}`), 404, "record not found");
    expect(emu().externalRecords(emu().zoneId)).toEqual([]);
  });
});

describe("a revoked credential", () => {
  it("is 502 naming the credential on its zone's routes; /v1/dns/records leaves it out; restore ends it", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.10" })).body;
    const other = emu().addCredential({ name: "other" });
    const otherZone = emu().addZone({ credentialId: other.id, name: "other.org" });
    await api().post("/v1/dns/records", { credential_id: other.id, zone_id: otherZone.id, type: "A", name: "x", content: "203.0.113.5" });
    emu().revokeCredential(emu().credentialId);
    const message = `cloudflare credential ${emu().credentialId} ("emulator"): the DNS provider refused it (403 Forbidden)`;
    expectError(await api().get("/v1/dns/zones"), 502, message);
    expectError(await api().get(`/v1/dns/zones/${emu().zoneId}/records`), 502, message);
    expectError(await api().record({ type: "A", name: "new", content: "203.0.113.1" }), 502, message);
    expectError(await api().put(`/v1/dns/records/${record.id}`, { ttl: 600 }), 502, message);
    expectError(await api().delete(`/v1/dns/records/${record.id}`), 502, message);
    expect((await api().get("/v1/dns/records")).body.map((r: any) => r.name)).toEqual(["x"]);
    // Bad input is still 400 first: the provider is asked only for a valid change.
    expectError(await api().record({ type: "A", name: "new", content: "nope" }), 400);

    emu().setDialect(["external-403"]);
    expectError(await api().get("/v1/dns/zones"), 403, message);
    expectError(await api().delete(`/v1/dns/records/${record.id}`), 403, message);

    expect((await api().post(`/_emulator/credentials/${emu().credentialId}/restore`, undefined, { token: null })).status).toBe(204);
    expect((await api().get("/v1/dns/zones")).status).toBe(200);
    expect((await api().delete(`/v1/dns/records/${record.id}`)).status).toBe(204);
    expect((await api().post(`/_emulator/credentials/${emu().credentialId}/revoke`, undefined, { token: null })).status).toBe(204);
    expect((await api().get("/v1/dns/zones")).status).toBe(403);
    expectError(await api().post("/_emulator/credentials/nope/revoke", undefined, { token: null }), 404, "credential not found");
  });
});

describe("auto-DNS config", () => {
  const initial = { enabled: false, credential_id: null, zone_id: null, record_type: "A", ttl: 300, name_template: "{instance}" };

  it("reads the initial config; PUT takes any subset and answers the whole", async () => {
    expect((await api().get("/v1/dns/auto-config")).body).toEqual(initial);
    const put = await api().put("/v1/dns/auto-config", { credential_id: emu().credentialId, zone_id: emu().zoneId });
    expect(put.body).toEqual({ ...initial, credential_id: emu().credentialId, zone_id: emu().zoneId });
    const enabled = await api().put("/v1/dns/auto-config", {
      enabled: true,
      ttl: 1,
      record_type: "AAAA",
      name_template: "{instance}.play",
    });
    expect(enabled.body).toEqual({
      enabled: true,
      credential_id: emu().credentialId,
      zone_id: emu().zoneId,
      record_type: "AAAA",
      ttl: 1,
      name_template: "{instance}.play",
    });
    expect((await api().get("/v1/dns/auto-config")).body).toEqual(enabled.body);
    // null clears an id, and is absence for the other fields.
    const cleared = await api().put("/v1/dns/auto-config", { enabled: false, zone_id: null, credential_id: null, ttl: null });
    expect(cleared.body).toEqual({ ...enabled.body, enabled: false, zone_id: null, credential_id: null });
  });

  it("checks every field, and the whole", async () => {
    const other = emu().addCredential({ name: "other" });
    expectError(await api().put("/v1/dns/auto-config", { enabled: "yes" }), 400, /^enabled: /);
    expectError(await api().put("/v1/dns/auto-config", { credential_id: "nope" }), 404, "credential not found");
    expectError(
      await api().put("/v1/dns/auto-config", { credential_id: other.id, zone_id: emu().zoneId }),
      400,
      `zone_id: not a zone of credential ${other.id}`,
    );
    expectError(await api().put("/v1/dns/auto-config", { zone_id: emu().zoneId }), 400, /^zone_id: needs credential_id/);
    expectError(await api().put("/v1/dns/auto-config", { record_type: "TXT" }), 400, /^record_type: must be one of A, AAAA, CNAME/);
    expectError(await api().put("/v1/dns/auto-config", { ttl: 30 }), 400, /^ttl: /);
    for (const name_template of ["", "Has Space", "x".repeat(256), 5])
      expectError(await api().put("/v1/dns/auto-config", { name_template }), 400, /^name_template: /);
    expectError(await api().put("/v1/dns/auto-config", { enabled: true }), 400, /^credential_id: is required when enabled/);
    expect((await api().get("/v1/dns/auto-config")).body).toEqual(initial);
  });
});
