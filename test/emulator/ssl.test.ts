// SSL certificates as a user of the API sees them: a requested certificate is validated by the
// DNS record it asks for and then verifies against the emulator's CA in a real TLS handshake; an
// import is checked field by field; no answer ever holds a private key; a certificate in use
// cannot be deleted; the CA is in its file and at /_emulator/ca.pem.
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { startEmulator } from "../../emulator";
import { certificateCovers } from "../../emulator/tls";
import { expectError, useEmulator, type Answer } from "./helpers";
import { TestCa, encrypted, fingerprint, rsaKey, selfSignedRsa, tlsVerifyError, withEcParameters } from "./ssl-helpers";

const { emu, api } = useEmulator();

/** Every answer of this file, checked at the end for key material. */
const answers: Answer[] = [];
const keysSent: string[] = [];

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await api().call(method, path, { body });
  answers.push(answer);
  return answer;
}

async function newZone(domain: string): Promise<string> {
  const zone = await call("POST", "/dns/zones", { domain });
  expect(zone.status).toBe(201);
  return zone.body.id;
}

async function importCertificate(body: Record<string, unknown>): Promise<Answer> {
  if (typeof body.private_key === "string") keysSent.push(body.private_key);
  return call("POST", "/cdn/ssl-certificate/import", body);
}

/** A CDN resource (over a new bucket) with one custom domain that uses the certificate. */
async function attach(certificateId: string, domainName: string): Promise<{ resourceId: string; customDomainId: string }> {
  const bucket = await call("POST", "/object-storage/buckets", { name: `ssl-${Date.now().toString(36)}` });
  const resource = await call("POST", "/cdn/resource", {
    name: `ssl-${bucket.body.id}`,
    origin_group: { type: "storage", bucket_id: bucket.body.id },
  });
  const updated = await call("PUT", `/cdn/resource/${resource.body.id}`, {
    custom_domains: [{ domain_name: domainName, certificate_id: certificateId }],
  });
  expect(updated.status).toBe(200);
  return { resourceId: resource.body.id, customDomainId: updated.body.custom_domains[0].id };
}

/** The PEM with the middle third of its base64 lines removed: still PEM, no longer DER. */
function truncated(pem: string): string {
  const lines = pem.trim().split("\n");
  const body = lines.slice(1, -1);
  return [lines[0], ...body.slice(0, body.length / 3), ...body.slice((2 * body.length) / 3), lines[lines.length - 1], ""].join("\n");
}

let testCa: TestCa;
beforeAll(async () => {
  testCa = await TestCa.create();
});

describe("certificateCovers (RFC 6125)", () => {
  const cert = { domainName: "*.example.com", subjectAlternativeNames: ["example.com", "shop.example.net"] };
  it.each([
    ["a.example.com", true],
    ["WWW.Example.COM.", true],
    ["example.com", true],
    ["shop.example.net", true],
    ["a.b.example.com", false],
    [".example.com", false],
    ["example.net", false],
    ["a.shop.example.net", false],
    ["aexample.com", false],
  ])("%s → %s", (hostname, covered) => {
    expect(certificateCovers(cert, hostname)).toBe(covered);
  });
  it("a wildcard alone does not cover its apex", () => {
    expect(certificateCovers({ domainName: "*.example.com", subjectAlternativeNames: [] }, "example.com")).toBe(false);
  });
});

describe("requested certificates", () => {
  it("asks for one CNAME per distinct name, and is issued by the emulator CA once the records exist in an emulator zone", async () => {
    const zoneId = await newZone("shop.example");
    const requested = await call("POST", "/cdn/ssl-certificate", {
      domain_name: "*.Shop.Example.",
      subject_alternative_names: ["shop.example", "*.shop.example", "static.shop.example", "shop.example"],
    });
    expect(requested.status).toBe(201);
    const record = { type: "CNAME", status: "pending" };
    expect(requested.body).toEqual({
      id: expect.stringMatching(/^cert_[0-9a-f]{16}$/),
      domain_name: "*.shop.example",
      subject_alternative_names: ["shop.example", "static.shop.example"],
      type: "requested",
      status: "pending_validation",
      validation_records: [
        {
          ...record,
          domain_name: "shop.example",
          name: expect.stringMatching(/^_[0-9a-f]{32}\.shop\.example\.$/),
          value: expect.stringMatching(/^_[0-9a-f]{32}\.validation\.mamutecdn\.com\.$/),
        },
        {
          ...record,
          domain_name: "static.shop.example",
          name: expect.stringMatching(/^_[0-9a-f]{32}\.static\.shop\.example\.$/),
          value: expect.any(String),
        },
      ],
      issuer: null,
      serial_number: null,
      not_before: null,
      not_after: null,
      fingerprint_sha256: null,
      in_use_by: [],
      tags: [],
      issued_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id: string = requested.body.id;
    const [apex, stat] = requested.body.validation_records as { name: string; value: string }[];

    // A record with another value, or only one of the two records, validates nothing yet.
    const wrong = await call("POST", `/dns/zones/${zoneId}/records`, {
      name: stat.name,
      type: "CNAME",
      values: ["_elsewhere.example.org."],
    });
    expect(wrong.status).toBe(201);
    expect((await call("POST", `/dns/zones/${zoneId}/records`, { name: apex.name, type: "CNAME", values: [apex.value] })).status).toBe(201);
    const half = await call("GET", `/cdn/ssl-certificate/${id}`);
    expect(half.body.status).toBe("pending_validation");
    expect(half.body.validation_records.map((r: { status: string }) => r.status)).toEqual(["validated", "pending"]);

    // The records are posted exactly as answered: their names and values are the DNS API's canonical forms.
    expect((await call("PUT", `/dns/records/${wrong.body.id}`, { values: [stat.value] })).status).toBe(200);
    const issued = await call("GET", `/cdn/ssl-certificate/${id}`);
    expect(issued.body).toMatchObject({
      status: "issued",
      issuer: expect.stringMatching(/^CN=MamuteCloud Emulator CA [0-9a-f]{8}, O=MamuteCloud Emulator$/),
      serial_number: expect.stringMatching(/^[0-9A-F]+$/),
      fingerprint_sha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      validation_records: [expect.objectContaining({ status: "validated" }), expect.objectContaining({ status: "validated" })],
    });
    const issuedAt = Math.floor(Date.parse(issued.body.issued_at) / 1000) * 1000; // X.509 keeps whole seconds
    expect(Date.parse(issued.body.not_before)).toBe(issuedAt - 3600_000);
    expect(Date.parse(issued.body.not_after)).toBe(issuedAt + 395 * 86400_000);

    // What the edge would serve: signed by the CA the emulator publishes, for exactly these names.
    const served = emu().state.certificates.get(id)!.issued!;
    const x509 = new X509Certificate(served.certificatePem);
    expect(x509.fingerprint256).toBe(issued.body.fingerprint_sha256);
    expect(x509.verify(new X509Certificate(emu().caCertificatePem).publicKey)).toBe(true);
    expect(x509.subjectAltName).toBe("DNS:*.shop.example, DNS:shop.example, DNS:static.shop.example");
    const tls = { key: served.privateKeyPem, cert: served.certificatePem };
    expect(await tlsVerifyError(tls, emu().caCertificatePem, "www.shop.example")).toBeUndefined();
    expect(await tlsVerifyError(tls, emu().caCertificatePem, "shop.example")).toBeUndefined();
    expect(await tlsVerifyError(tls, emu().caCertificatePem, "a.b.shop.example")).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(await tlsVerifyError(tls, testCa.certificate, "www.shop.example")).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");

    // Issued stays issued: deleting the records afterwards changes nothing; reads do not re-sign.
    await call("DELETE", `/dns/zones/${zoneId}`);
    const later = await call("GET", `/cdn/ssl-certificate/${id}`);
    expect(later.body).toMatchObject({ status: "issued", fingerprint_sha256: issued.body.fingerprint_sha256 });
  });

  it("asks every certificate for a name for the same record, so one record validates them all", async () => {
    const first = await call("POST", "/cdn/ssl-certificate", { domain_name: "same.example" });
    const second = await call("POST", "/cdn/ssl-certificate", { domain_name: "*.same.example" });
    expect(second.body.validation_records).toEqual(first.body.validation_records);
    const zoneId = await newZone("same.example");
    const [record] = first.body.validation_records;
    await call("POST", `/dns/zones/${zoneId}/records`, { name: record.name, type: "CNAME", values: [record.value] });
    const listed = await call("GET", "/cdn/ssl-certificate?limit=100");
    const statuses = Object.fromEntries(listed.body.data.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect([statuses[first.body.id], statuses[second.body.id]]).toEqual(["issued", "issued"]);
  });

  it("signs once when several reads race to issue the same certificate", async () => {
    const zoneId = await newZone("race.example");
    const requested = await call("POST", "/cdn/ssl-certificate", { domain_name: "race.example" });
    const [record] = requested.body.validation_records;
    await call("POST", `/dns/zones/${zoneId}/records`, { name: record.name, type: "CNAME", values: [record.value] });
    const reads = await Promise.all([
      ...Array.from({ length: 8 }, () => call("GET", `/cdn/ssl-certificate/${requested.body.id}`)),
      call("GET", "/cdn/ssl-certificate?limit=100"),
    ]);
    const listed = reads.pop()!.body.data.find((c: { id: string }) => c.id === requested.body.id);
    const fingerprints = new Set([...reads.map((read) => read.body.fingerprint_sha256), listed.fingerprint_sha256]);
    expect([...fingerprints]).toEqual([expect.stringMatching(/^[0-9A-F:]{95}$/)]);
  });

  it("issues names whose DNS is hosted elsewhere after the external validation delay, which applies at once when changed", async () => {
    const before = emu().settings().sslValidationDelayMs;
    try {
      emu().setSettings({ sslValidationDelayMs: 600_000 });
      const requested = await call("POST", "/cdn/ssl-certificate", { domain_name: "www.elsewhere.example" });
      expect(requested.body.status).toBe("pending_validation");
      expect((await call("GET", `/cdn/ssl-certificate/${requested.body.id}`)).body.status).toBe("pending_validation");
      expect((await call("PUT", "/_emulator/settings", { ssl_validation_delay_ms: 0 })).body).toMatchObject({ ssl_validation_delay_ms: 0 });
      expect((await call("GET", `/cdn/ssl-certificate/${requested.body.id}`)).body.status).toBe("issued");

      // A zone hosted here decides instead: without the record, no delay issues it.
      await newZone("here.example");
      const here = await call("POST", "/cdn/ssl-certificate", { domain_name: "here.example" });
      expect((await call("GET", `/cdn/ssl-certificate/${here.body.id}`)).body.status).toBe("pending_validation");
    } finally {
      emu().setSettings({ sslValidationDelayMs: before });
    }
  });

  it("refuses bad names with a 400 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "domain_name"],
      [{ domain_name: 42 }, "domain_name"],
      [{ domain_name: "localhost" }, "domain_name"],
      [{ domain_name: "*.com" }, "domain_name"],
      [{ domain_name: "a.*.example.com" }, "domain_name"],
      [{ domain_name: "-bad.example.com" }, "domain_name"],
      [{ domain_name: "my-site.mamutecdn.com" }, "domain_name"],
      [{ domain_name: `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(40)}.com` }, "domain_name"],
      [{ domain_name: "example.com", subject_alternative_names: "www.example.com" }, "subject_alternative_names"],
      [{ domain_name: "example.com", subject_alternative_names: ["www.example.com", 7] }, "subject_alternative_names"],
      [{ domain_name: "example.com", subject_alternative_names: ["www.example.com", "bad name"] }, "subject_alternative_names"],
      [
        { domain_name: "example.com", subject_alternative_names: Array.from({ length: 101 }, (_, i) => `n${i}.example.com`) },
        "subject_alternative_names",
      ],
    ];
    for (const [body, field] of cases) expectError(await call("POST", "/cdn/ssl-certificate", body), 400, "validation_error", field);
    const error = expectError(
      await call("POST", "/cdn/ssl-certificate", { domain_name: "example.com", subject_alternative_names: ["ok.example.com", "bad name"] }),
      400,
      "validation_error",
    );
    expect(error.message).toContain('[1] "bad name"');
  });
});

describe("imported certificates", () => {
  it("imports a certificate with its chain and answers its names, dates, issuer and fingerprint, never the key", async () => {
    const leaf = await testCa.leaf(["www.imported.example", "imported.example"]);
    const imported = await importCertificate({
      certificate: leaf.certificate,
      private_key: leaf.privateKey,
      certificate_chain: testCa.certificate,
      tags: [{ key: "env", value: "test" }],
    });
    expect(imported.status).toBe(201);
    const x509 = new X509Certificate(leaf.certificate);
    expect(imported.body).toEqual({
      id: expect.stringMatching(/^cert_/),
      domain_name: "www.imported.example",
      subject_alternative_names: ["imported.example"],
      type: "imported",
      status: "issued",
      validation_records: [],
      issuer: x509.issuer.split("\n").join(", "),
      serial_number: x509.serialNumber.toUpperCase(),
      not_before: new Date(x509.validFrom).toISOString(),
      not_after: new Date(x509.validTo).toISOString(),
      fingerprint_sha256: fingerprint(leaf.certificate),
      in_use_by: [],
      tags: [{ key: "env", value: "test" }],
      issued_at: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    // Served as given: the certificate then the chain, verifying against the issuer the user trusts.
    const served = emu().state.certificates.get(imported.body.id)!.issued!;
    expect(served.certificatePem.trim()).toBe(leaf.certificate.trim());
    expect(served.chainPem.trim()).toBe(testCa.certificate.trim());
    expect(
      await tlsVerifyError(
        { key: served.privateKeyPem, cert: served.certificatePem + served.chainPem },
        testCa.certificate,
        "www.imported.example",
      ),
    ).toBeUndefined();
  });

  it("accepts a certificate without a chain, an RSA certificate (CN only, PKCS#1 key) and an openssl ecparam key", async () => {
    const leaf = await testCa.leaf(["solo.example"]);
    const ok = await importCertificate({
      certificate: leaf.certificate,
      private_key: withEcParameters(leaf.privateKey),
      certificate_chain: "",
    });
    expect(ok.body).toMatchObject({ status: "issued", domain_name: "solo.example", subject_alternative_names: [] });

    const rsa = await selfSignedRsa("rsa.example");
    expect(rsa.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const imported = await importCertificate({ certificate: rsa.certificate, private_key: rsa.privateKey });
    expect(imported.body).toMatchObject({ status: "issued", domain_name: "rsa.example", issuer: "CN=rsa.example" });
    const served = emu().state.certificates.get(imported.body.id)!.issued!;
    expect(
      await tlsVerifyError({ key: served.privateKeyPem, cert: served.certificatePem }, rsa.certificate, "rsa.example"),
    ).toBeUndefined();
  });

  it("refuses what a CDN could not serve with a 400 naming the field", async () => {
    const good = await testCa.leaf(["good.example"]);
    const other = await testCa.leaf(["other.example"]);
    const expired = await testCa.leaf(["old.example"], -30, -1);
    const future = await testCa.leaf(["soon.example"], 1, 30);
    const unrelatedCa = await TestCa.create();
    const intermediateSigned = await unrelatedCa.leaf(["chained.example"]);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ private_key: good.privateKey }, "certificate", /is required/],
      [{ certificate: "hello", private_key: good.privateKey }, "certificate", /exactly one PEM certificate/],
      [{ certificate: good.certificate + other.certificate, private_key: good.privateKey }, "certificate", /exactly one PEM certificate/],
      [
        { certificate: "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", private_key: good.privateKey },
        "certificate",
        /does not parse/,
      ],
      [{ certificate: truncated(good.certificate), private_key: good.privateKey }, "certificate", /does not parse/],
      [{ certificate: testCa.certificate, private_key: good.privateKey }, "certificate", /names no DNS name/],
      [{ certificate: expired.certificate, private_key: expired.privateKey }, "certificate", /expired on/],
      [{ certificate: future.certificate, private_key: future.privateKey }, "certificate", /not valid before/],
      [{ certificate: good.certificate }, "private_key", /is required/],
      [
        { certificate: good.certificate, private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" },
        "private_key",
        /does not parse/,
      ],
      [{ certificate: good.certificate, private_key: good.certificate }, "private_key", /unencrypted PEM private key/],
      [{ certificate: good.certificate, private_key: encrypted(good.privateKey) }, "private_key", /is encrypted/],
      [{ certificate: good.certificate, private_key: rsaKey(1024) }, "private_key", /at least 2048 bits/],
      [{ certificate: good.certificate, private_key: other.privateKey }, "private_key", /does not match/],
      [{ certificate: good.certificate, private_key: rsaKey(2048) }, "private_key", /does not match/],
      [
        { certificate: good.certificate, private_key: good.privateKey, certificate_chain: "garbage" },
        "certificate_chain",
        /only PEM certificates/,
      ],
      [
        { certificate: good.certificate, private_key: good.privateKey, certificate_chain: good.privateKey },
        "certificate_chain",
        /certificate 1 is not a PEM certificate/,
      ],
      [
        { certificate: good.certificate, private_key: good.privateKey, certificate_chain: unrelatedCa.certificate },
        "certificate_chain",
        /certificate 1 did not issue certificate/,
      ],
      [
        {
          certificate: intermediateSigned.certificate,
          private_key: intermediateSigned.privateKey,
          certificate_chain: unrelatedCa.certificate + testCa.certificate,
        },
        "certificate_chain",
        /certificate 2 did not issue chain certificate 1/,
      ],
      [{ certificate: good.certificate, private_key: good.privateKey, tags: ["env=prod"] }, "tags", /\{"key": string, "value": string\}/],
    ];
    for (const [body, field, message] of cases) {
      const error = expectError(await importCertificate(body), 400, "validation_error", field);
      expect(error.message).toMatch(message);
    }
    expect(
      (await call("GET", "/cdn/ssl-certificate?limit=100")).body.data.map((c: { domain_name: string }) => c.domain_name),
    ).not.toContain("good.example");
  });
});

describe("expiry", () => {
  it("says expired once not_after passes on the emulator's clock", async () => {
    const leaf = await testCa.leaf(["short.example"], -1, 30);
    const imported = await importCertificate({ certificate: leaf.certificate, private_key: leaf.privateKey });
    const before = emu().settings().sslValidationDelayMs;
    emu().setSettings({ sslValidationDelayMs: 0 });
    const requested = await call("POST", "/cdn/ssl-certificate", { domain_name: "long.elsewhere.example" });
    expect((await call("GET", `/cdn/ssl-certificate/${requested.body.id}`)).body.status).toBe("issued");
    const statuses = async () => [
      (await call("GET", `/cdn/ssl-certificate/${imported.body.id}`)).body.status,
      (await call("GET", `/cdn/ssl-certificate/${requested.body.id}`)).body.status,
    ];
    try {
      emu().state.clockOffsetMs = 31 * 86400_000;
      expect(await statuses()).toEqual(["expired", "issued"]);
      emu().state.clockOffsetMs = 396 * 86400_000;
      expect(await statuses()).toEqual(["expired", "expired"]);
    } finally {
      emu().state.clockOffsetMs = 0;
      emu().setSettings({ sslValidationDelayMs: before });
    }
    expect(await statuses()).toEqual(["issued", "issued"]);
  });
});

describe("listing and deleting", () => {
  it("lists oldest first with pagination, and refuses to delete a certificate while a custom domain uses it", async () => {
    const a = await call("POST", "/cdn/ssl-certificate", { domain_name: "list-a.example" });
    const b = await call("POST", "/cdn/ssl-certificate", { domain_name: "list-b.example" });
    const all = await call("GET", "/cdn/ssl-certificate?limit=100");
    const ids = all.body.data.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining([a.body.id, b.body.id]));
    const order = all.body.data.map((c: { id: string; created_at: string }) => [c.created_at, c.id].join(" "));
    expect(order).toEqual([...order].sort());
    const page = await call("GET", "/cdn/ssl-certificate?page=2&limit=1");
    expect(page.body.pagination).toEqual({ page: 2, limit: 1, total: ids.length, total_pages: ids.length });
    expect(page.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    expectError(await call("GET", "/cdn/ssl-certificate?limit=0"), 400, "validation_error", "limit");

    const { resourceId, customDomainId } = await attach(a.body.id, "www.list-a.example");
    expect((await call("GET", `/cdn/ssl-certificate/${a.body.id}`)).body.in_use_by).toEqual([
      { resource_id: resourceId, custom_domain_id: customDomainId, domain_name: "www.list-a.example" },
    ]);
    const refused = expectError(await call("DELETE", `/cdn/ssl-certificate/${a.body.id}`), 409, "conflict");
    expect(refused.message).toContain(`www.list-a.example (custom domain ${customDomainId} of CDN resource ${resourceId})`);
    expect((await call("GET", `/cdn/ssl-certificate/${a.body.id}`)).status).toBe(200);

    // Detached, it can go.
    const detached = await call("PUT", `/cdn/resource/${resourceId}/custom-domain/${customDomainId}`, { certificate_id: null });
    expect(detached.status).toBe(200);
    expect((await call("GET", `/cdn/ssl-certificate/${a.body.id}`)).body.in_use_by).toEqual([]);
    expect((await call("DELETE", `/cdn/ssl-certificate/${a.body.id}`)).status).toBe(204);
    expectError(await call("GET", `/cdn/ssl-certificate/${a.body.id}`), 404, "not_found");
    expectError(await call("DELETE", `/cdn/ssl-certificate/${a.body.id}`), 404, "not_found");
  });
});

describe("the emulator CA", () => {
  it("is served at /_emulator/ca.pem and written to its file, which goes away on close", async () => {
    const other = await startEmulator({ port: 0 });
    const path = other.caCertificatePath;
    try {
      const served = await fetch(`${other.url}/_emulator/ca.pem`);
      expect(served.headers.get("content-type")).toBe("application/x-pem-file");
      const pem = await served.text();
      expect(pem).toBe(other.caCertificatePem);
      expect(readFileSync(path, "utf8")).toBe(pem);
      const ca = new X509Certificate(pem);
      expect(ca.ca).toBe(true);
      expect(ca.subject).toMatch(/^CN=MamuteCloud Emulator CA [0-9a-f]{8}\nO=MamuteCloud Emulator$/);
      expect(pem).not.toContain("PRIVATE KEY");
      expect(pem).not.toBe(emu().caCertificatePem);
    } finally {
      await other.close();
    }
    expect(existsSync(path)).toBe(false);
  });
});

// Last in the file: every key the emulator holds (imported, or made when issuing), line by line, in no answer above.
it("answered no private key, imported or issued, in any of the answers above", () => {
  const everything = JSON.stringify(answers.map((answer) => answer.body));
  const held = [...emu().state.certificates.values()].flatMap((cert) => (cert.issued ? [cert.issued.privateKeyPem] : []));
  expect(held.length).toBeGreaterThan(3);
  for (const key of [...keysSent, ...held]) {
    for (const line of key.split("\n").filter((text) => text.length >= 40)) expect(everything).not.toContain(line);
  }
});
