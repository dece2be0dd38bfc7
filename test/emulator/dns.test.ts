// DNS zones and records: canonical forms (so a provider's diff settles), per-type validation that
// names the field, conflicts, managed records, and the nested vs flat endpoints.
import { expectError, useEmulator } from "./helpers";

const { api } = useEmulator();

async function newZone(domain: string) {
  const created = await api().post("/dns/zones", { domain });
  expect(created.status).toBe(201);
  return created.body as { id: string; domain: string; nameservers: string[] };
}

describe("DNS zones", () => {
  it("creates a zone with a canonical domain, two nameservers and a managed apex NS record", async () => {
    const created = await api().post("/dns/zones", { domain: "Example.COM." });
    expect(created.body).toEqual({
      id: expect.stringMatching(/^zone_[0-9a-f]{16}$/),
      domain: "example.com",
      status: "active",
      nameservers: expect.any(Array),
      record_count: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const nameservers: string[] = created.body.nameservers;
    expect(nameservers).toHaveLength(2);
    for (const ns of nameservers) expect(ns).toMatch(/^ns[1-4]\.mamutecloud\.com$/);
    expect([...nameservers].sort()).toEqual(nameservers);
    expect(new Set(nameservers).size).toBe(2);

    const zone = await api().get(`/dns/zones/${created.body.id}`);
    expect(zone.body.records).toEqual([
      {
        id: expect.stringMatching(/^rec_/),
        zone_id: created.body.id,
        name: "example.com.",
        type: "NS",
        values: nameservers.map((ns) => `${ns}.`),
        ttl: 86400,
        managed: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);

    const managed = zone.body.records[0];
    expectError(await api().put(`/dns/records/${managed.id}`, { ttl: 300 }), 409, "conflict");
    expectError(await api().delete(`/dns/zones/${created.body.id}/records/${managed.id}`), 409, "conflict");
    expectError(
      await api().post(`/dns/zones/${created.body.id}/records`, { name: "@", type: "NS", values: ["ns.other.net"] }),
      409,
      "conflict",
    );
    expectError(await api().post("/dns/zones", { domain: "example.com" }), 409, "conflict", "domain");
  });

  it("refuses invalid domains naming the field", async () => {
    for (const domain of [
      undefined,
      "localhost",
      "-bad.com",
      "bad-.com",
      "a..com",
      "exa mple.com",
      "example.123",
      `${"a".repeat(64)}.com`,
      `${"abcdefghi.".repeat(26)}com`,
    ]) {
      expectError(await api().post("/dns/zones", { domain }), 400, "validation_error", "domain");
    }
  });

  it("lists zones by domain and deletes a zone with its records", async () => {
    const zulu = await newZone("zulu.test");
    const alpha = await newZone("alpha.test");
    await api().post(`/dns/zones/${zulu.id}/records`, { name: "www", type: "A", values: ["192.0.2.1"] });
    const domains = (await api().get("/dns/zones?limit=100")).body.data.map((zone: { domain: string }) => zone.domain);
    expect(domains.indexOf("alpha.test")).toBeLessThan(domains.indexOf("zulu.test"));
    expect([...domains].sort()).toEqual(domains);

    expect((await api().delete(`/dns/zones/${zulu.id}`)).status).toBe(204);
    expectError(await api().get(`/dns/zones/${zulu.id}`), 404, "not_found");
    expectError(await api().get(`/dns/records?zone_id=${zulu.id}`), 404, "not_found");
    expect((await api().get(`/dns/zones/${alpha.id}`)).status).toBe(200);
  });
});

describe("DNS records", () => {
  let zoneId: string;
  const records = () => `/dns/zones/${zoneId}/records`;
  beforeAll(async () => {
    zoneId = (await newZone("records.example")).id;
  });

  it("answers names and values in canonical form, values sorted, TTL defaulted", async () => {
    const a = await api().post(records(), { name: "WWW", type: "a", values: ["192.0.2.10", "192.0.2.1"] });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({
      id: expect.stringMatching(/^rec_[0-9a-f]{16}$/),
      zone_id: zoneId,
      name: "www.records.example.",
      type: "A",
      values: ["192.0.2.1", "192.0.2.10"],
      ttl: 3600,
      managed: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const aaaa = await api().post(records(), {
      name: "v6.records.example",
      type: "AAAA",
      values: ["2001:DB8:0:0::1", "::ffff:192.0.2.1", "fe80:0:0:0:0:0:0:1"],
    });
    expect(aaaa.body).toMatchObject({ name: "v6.records.example.", values: ["2001:db8::1", "::ffff:c000:201", "fe80::1"] });

    const cname = await api().post(records(), { name: "Blog.Records.Example.", type: "cname", values: ["Sites.Host.NET"], ttl: 300 });
    expect(cname.body).toMatchObject({ name: "blog.records.example.", type: "CNAME", values: ["sites.host.net."], ttl: 300 });

    const apexTxt = await api().post(records(), { name: "@", type: "TXT", values: ["v=spf1 -all", 'Hello "World"'] });
    expect(apexTxt.body).toMatchObject({ name: "records.example.", values: ['Hello "World"', "v=spf1 -all"] });

    const wildcard = await api().post(records(), { name: "*.apps", type: "A", values: ["192.0.2.7"] });
    expect(wildcard.body.name).toBe("*.apps.records.example.");
    const underscore = await api().post(records(), { name: "_acme-challenge", type: "CNAME", values: ["_abc.validation.example.net."] });
    expect(underscore.body).toMatchObject({ name: "_acme-challenge.records.example.", values: ["_abc.validation.example.net."] });

    const mx = await api().post(records(), {
      name: "",
      type: "MX",
      values: ["20  MX2.Records.Example", "10 mx1.records.example.", "010 mx3.records.example"],
    });
    expect(mx.body).toMatchObject({
      name: "records.example.",
      values: ["10 mx1.records.example.", "10 mx3.records.example.", "20 mx2.records.example."],
    });
    expect(mx.body).not.toHaveProperty("priority");

    const srv = await api().post(records(), {
      name: "_SIP._tcp",
      type: "srv",
      values: ["10 5 5060 SIP.records.example", " 20 0 5060  backup.example.net. ", "0 0 0 ."],
    });
    expect(srv.body).toMatchObject({
      name: "_sip._tcp.records.example.",
      type: "SRV",
      values: ["0 0 0 .", "10 5 5060 sip.records.example.", "20 0 5060 backup.example.net."],
    });

    const caa = await api().post(records(), {
      name: "@",
      type: "CAA",
      values: [
        "0 ISSUE letsencrypt.org",
        '0 issuewild ";"',
        '128  iodef  "mailto:security@records.example"',
        '0 issue "Pki.Goog.;  cansignhttpexchanges=yes"',
      ],
    });
    expect(caa.body).toMatchObject({
      type: "CAA",
      values: [
        '0 issue "letsencrypt.org"',
        '0 issue "pki.goog; cansignhttpexchanges=yes"',
        '0 issuewild ";"',
        '128 iodef "mailto:security@records.example"',
      ],
    });

    // The list's type filter takes the new types, in any case.
    expect((await api().get(`${records()}?type=srv`)).body.data.map((r: { id: string }) => r.id)).toEqual([srv.body.id]);
    expect((await api().get(`/dns/records?zone_id=${zoneId}&type=CAA`)).body.data.map((r: { id: string }) => r.id)).toEqual([caa.body.id]);
  });

  it("reads the first MX form: a set-wide priority for bare host names", async () => {
    const legacy = await api().post(records(), {
      name: "legacy-mx",
      type: "MX",
      values: ["Mail.records.example", "5 backup.records.example"],
      priority: 10,
    });
    expect(legacy.body.values).toEqual(["10 mail.records.example.", "5 backup.records.example."]);
    // `priority` alone in a PUT gives every value of the set that priority.
    const moved = await api().put(`/dns/records/${legacy.body.id}`, { priority: 20 });
    expect(moved.body.values).toEqual(["20 backup.records.example.", "20 mail.records.example."]);
  });

  it("TXT: zone-file strings in quotes are joined; text longer than 255 characters is one value", async () => {
    const dkimKey = `v=DKIM1; k=rsa; p=${"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A".repeat(12)}`;
    expect(dkimKey.length).toBeGreaterThan(255);
    const split = `"${dkimKey.slice(0, 255)}" "${dkimKey.slice(255)}"`;
    const txt = await api().post(records(), {
      name: "selector._domainkey",
      type: "TXT",
      values: [split, '"say \\"hi\\""', 'plain "as sent"'],
    });
    expect(txt.status).toBe(201);
    expect(txt.body.values).toEqual([dkimKey, 'plain "as sent"', 'say "hi"'].sort());
  });

  it("refuses bad values per type, naming the field", async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ type: "A", values: ["192.0.2.256"] }, "values"],
      [{ type: "A", values: ["192.0.2.01"] }, "values"],
      [{ type: "A", values: ["2001:db8::1"] }, "values"],
      [{ type: "AAAA", values: ["192.0.2.1"] }, "values"],
      [{ type: "AAAA", values: ["2001:db8::1::2"] }, "values"],
      [{ type: "AAAA", values: ["fe80::1%eth0"] }, "values"],
      [{ type: "CNAME", values: ["a.example.", "b.example."] }, "values"],
      [{ type: "CNAME", values: ["not a host"] }, "values"],
      [{ type: "NS", values: ["*.example."] }, "values"],
      [{ type: "TXT", values: ["x".repeat(2049)] }, "values"],
      [{ type: "TXT", values: ["tab\there"] }, "values"],
      [{ type: "TXT", values: [""] }, "values"],
      [{ type: "A", values: [] }, "values"],
      [{ type: "A", values: Array.from({ length: 101 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`) }, "values"],
      [{ type: "A", values: "192.0.2.1" }, "values"],
      [{ type: "A", values: [1] }, "values"],
      [{ type: "A" }, "values"],
      [{ type: "A", values: ["192.0.2.1", "192.0.2.1"] }, "values"],
      [{ type: "AAAA", values: ["2001:db8::1", "2001:DB8:0::1"] }, "values"],
      [{ type: "PTR", values: ["x.example."] }, "type"],
      [{ type: "CNAME", values: ["192.0.2.1"] }, "values"],
      [{ type: "MX", values: ["mail.example."] }, "values"],
      [{ type: "MX", values: ["65536 mail.example."] }, "values"],
      [{ type: "MX", values: ["10 mail.example. extra"] }, "values"],
      [{ type: "MX", values: ["-1 mail.example."] }, "values"],
      [{ name: "_sip._tcp", type: "SRV", values: ["10 5 5060"] }, "values"],
      [{ name: "_sip._tcp", type: "SRV", values: ["10 5 70000 sip.example."] }, "values"],
      [{ name: "_sip._tcp", type: "SRV", values: ["10 5 5060 192.0.2.1"] }, "values"],
      [{ name: "sip", type: "SRV", values: ["10 5 5060 sip.example."] }, "name"],
      [{ name: "@", type: "SRV", values: ["10 5 5060 sip.example."] }, "name"],
      [{ type: "CAA", values: ['0 issue "a b"'] }, "values"],
      [{ type: "CAA", values: ['256 issue "ca.example"'] }, "values"],
      [{ type: "CAA", values: ['0 policy "ca.example"'] }, "values"],
      [{ type: "CAA", values: ['0 issue "ca.example'] }, "values"],
      [{ type: "CAA", values: ['0 iodef "ftp://x.example"'] }, "values"],
      [{ type: "CAA", values: ['0 issue "ca.example; bad param"'] }, "values"],
      [{ type: "TXT", values: ['"unclosed'] }, "values"],
      [{ type: "TXT", values: ['""'] }, "values"],
      [{ values: ["192.0.2.1"] }, "type"],
      [{ type: "A", values: ["192.0.2.1"], ttl: 59 }, "ttl"],
      [{ type: "A", values: ["192.0.2.1"], ttl: 86401 }, "ttl"],
      [{ type: "A", values: ["192.0.2.1"], ttl: 300.5 }, "ttl"],
      [{ type: "A", values: ["192.0.2.1"], ttl: "300" }, "ttl"],
      [{ type: "MX", values: ["mail.example."], priority: 65536 }, "priority"],
      [{ type: "MX", values: ["mail.example."], priority: -1 }, "priority"],
      [{ type: "A", values: ["192.0.2.1"], priority: 10 }, "priority"],
    ];
    for (const [body, field] of bad) {
      const answer = await api().post(records(), { name: "bad", ...body });
      expectError(answer, 400, "validation_error", field);
    }
    const error = expectError(
      await api().post(records(), { name: "bad", type: "A", values: ["192.0.2.01"] }),
      400,
      "validation_error",
      "values",
    );
    expect(error.message).toMatch(/IPv4/);
    const mx = expectError(
      await api().post(records(), { name: "bad", type: "MX", values: ["mail.example."] }),
      400,
      "validation_error",
      "values",
    );
    expect(mx.message).toMatch(/values\[0\] "mail.example." must be "<priority> <host>"/);
  });

  it("refuses bad names: outside the zone, bad labels, CNAME at the apex", async () => {
    for (const name of ["www.other.example.", "a..b", "-".repeat(64), "w*w", "a.*", "sp ace", undefined]) {
      expectError(await api().post(records(), { name, type: "A", values: ["192.0.2.1"] }), 400, "validation_error", "name");
    }
    expectError(await api().post(records(), { name: "@", type: "CNAME", values: ["x.example."] }), 400, "validation_error", "name");
  });

  it("accepts TTL bounds and MX priority bounds", async () => {
    expect((await api().post(records(), { name: "ttl-low", type: "A", values: ["192.0.2.1"], ttl: 60 })).body.ttl).toBe(60);
    expect((await api().post(records(), { name: "ttl-high", type: "A", values: ["192.0.2.1"], ttl: 86400 })).body.ttl).toBe(86400);
    expect((await api().post(records(), { name: "mx0", type: "MX", values: ["0 m.example."] })).body.values).toEqual(["0 m.example."]);
    expect((await api().post(records(), { name: "mx-max", type: "MX", values: ["m.example."], priority: 65535 })).body.values).toEqual([
      "65535 m.example.",
    ]);
  });

  it("answers 409 for a duplicate name+type and for a CNAME beside other data, either way round", async () => {
    await api().post(records(), { name: "dup", type: "A", values: ["192.0.2.1"] });
    expectError(await api().post(records(), { name: "DUP.records.example.", type: "A", values: ["192.0.2.2"] }), 409, "conflict");
    // The very same record again (a create repeated after its answer was lost): refused, never a duplicate.
    expectError(await api().post(records(), { name: "dup", type: "A", values: ["192.0.2.1"] }), 409, "conflict");
    expect((await api().post(records(), { name: "dup", type: "TXT", values: ["ok"] })).status).toBe(201);
    expectError(await api().post(records(), { name: "dup", type: "CNAME", values: ["x.example."] }), 409, "conflict");

    await api().post(records(), { name: "alias", type: "CNAME", values: ["x.example."] });
    expectError(await api().post(records(), { name: "alias", type: "TXT", values: ["no"] }), 409, "conflict");
    expectError(await api().post(records(), { name: "alias", type: "CNAME", values: ["y.example."] }), 409, "conflict");
  });

  it("serves the nested and the flat endpoints over the same records", async () => {
    const viaFlat = await api().post("/dns/records", { zone_id: zoneId, name: "flat", type: "A", values: ["192.0.2.3"] });
    expect(viaFlat.status).toBe(201);
    expect(viaFlat.body).toMatchObject({ zone_id: zoneId, name: "flat.records.example." });
    expectError(await api().post("/dns/records", { name: "flat2", type: "A", values: ["192.0.2.3"] }), 400, "validation_error", "zone_id");
    expectError(
      await api().post("/dns/records", { zone_id: "zone_0000000000000000", name: "x", type: "A", values: ["192.0.2.3"] }),
      404,
      "not_found",
    );

    const nested = await api().get(`${records()}?limit=100`);
    const flat = await api().get(`/dns/records?zone_id=${zoneId}&limit=100`);
    expect(flat.body).toEqual(nested.body);
    const ordered = nested.body.data.map((r: { name: string; type: string }) => [r.name, r.type]);
    expect(ordered).toEqual(
      [...ordered].sort(([n1, t1]: string[], [n2, t2]: string[]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : t1 < t2 ? -1 : t1 > t2 ? 1 : 0)),
    );
    expect(nested.body.data.some((r: { id: string }) => r.id === viaFlat.body.id)).toBe(true);
    expectError(await api().get("/dns/records"), 400, "validation_error", "zone_id");

    const filtered = await api().get(`${records()}?type=a&name=FLAT`);
    expect(filtered.body.data.map((r: { id: string }) => r.id)).toEqual([viaFlat.body.id]);
    const byType = await api().get(`/dns/records?zone_id=${zoneId}&type=MX&limit=100`);
    expect(byType.body.data.length).toBeGreaterThan(0);
    for (const record of byType.body.data) expect(record.type).toBe("MX");

    expect((await api().get(`${records()}/${viaFlat.body.id}`)).body).toEqual(viaFlat.body);
    const otherZone = await newZone("other-records.example");
    expectError(await api().get(`/dns/zones/${otherZone.id}/records/${viaFlat.body.id}`), 404, "not_found");
    expectError(await api().delete(`/dns/zones/${otherZone.id}/records/${viaFlat.body.id}`), 404, "not_found");
    expect((await api().delete(`${records()}/${viaFlat.body.id}`)).status).toBe(204);
    expectError(await api().get(`${records()}/${viaFlat.body.id}`), 404, "not_found");
    expectError(await api().put(`/dns/records/${viaFlat.body.id}`, { ttl: 300 }), 404, "not_found");
    expectError(await api().get(`/dns/records/${viaFlat.body.id}`), 405, "method_not_allowed");
  });

  it("updates values and TTL with PUT, and refuses a change of name, type or zone", async () => {
    const mx = (await api().post(records(), { name: "mail-in", type: "MX", values: ["5 b.example.", "5 a.example."] })).body;
    const updated = await api().put(`/dns/records/${mx.id}`, { values: ["20 C.example", "5 a.example"], ttl: 600 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: mx.id, name: mx.name, type: "MX", values: ["20 c.example.", "5 a.example."], ttl: 600 });
    // Repeating the identity unchanged (in any spelling) is fine.
    expect((await api().put(`/dns/records/${mx.id}`, { name: "MAIL-IN", type: "mx", zone_id: zoneId, ttl: 900 })).body.ttl).toBe(900);

    expectError(await api().put(`/dns/records/${mx.id}`, { name: "other" }), 400, "validation_error", "name");
    expectError(await api().put(`/dns/records/${mx.id}`, { type: "A" }), 400, "validation_error", "type");
    expectError(await api().put(`/dns/records/${mx.id}`, { zone_id: "zone_0000000000000000" }), 400, "validation_error", "zone_id");
    expectError(await api().put(`/dns/records/${mx.id}`, { values: ["192.0.2.1 "] }), 400, "validation_error", "values");
    expectError(await api().put(`/dns/records/${mx.id}`, { ttl: 10 }), 400, "validation_error", "ttl");

    const a = (await api().post(records(), { name: "put-a", type: "A", values: ["192.0.2.1"] })).body;
    expectError(await api().put(`/dns/records/${a.id}`, { priority: 1 }), 400, "validation_error", "priority");
    const stored = (await api().get(`${records()}/${mx.id}`)).body;
    expect(stored).toMatchObject({ values: ["20 c.example.", "5 a.example."], ttl: 900 });
  });
});
