// Certificate and CertificateValidation through the real provider host, in the engine's order,
// against the emulator: the validation records are created the way a user would (DnsRecords in a
// DnsZone hosted by the emulator), and issuance is what the emulator's CA signs.
import { X509Certificate } from "node:crypto";
import { CheckFailedError, UNKNOWN, type Engine } from "../harness/engine";
import type { HostCallError, ProviderHost } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

const REQUEST = "POST /cdn/ssl-certificate";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
let zoneId: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
  // Names outside the emulator's zones are issued after this delay; none of these tests wants that.
  emu.setSettings({ sslValidationDelayMs: 600_000 });
  await engine.up("DnsZone", "zone", { domain: "certs.example" });
  zoneId = engine.get("zone").id;
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function certificatesFor(domainName: string): Promise<any[]> {
  return (await listAll(emu, "/cdn/ssl-certificate")).filter((cert) => cert.domain_name === domainName);
}

/** What a user's program does with `validationRecords`: one CNAME DnsRecord each. */
async function createValidationRecords(certificateName: string, only?: number): Promise<string[]> {
  const records = engine.get(certificateName).outputs.validationRecords as Array<{ name: string; type: string; value: string }>;
  const made: string[] = [];
  for (const [index, record] of records.entries()) {
    if (only !== undefined && index !== only) continue;
    const name = `${certificateName}-validation-${index}`;
    await engine.up("DnsRecord", name, { zoneId, name: record.name, type: record.type, values: [record.value] });
    made.push(name);
  }
  return made;
}

test("preview with unknown names: check passes, keeps the unknowns, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview("Certificate", "preview-only", { domainName: UNKNOWN, subjectAlternativeNames: UNKNOWN });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({ domainName: UNKNOWN, subjectAlternativeNames: UNKNOWN, deleteTimeout: "30m" });
  const validation = await engine.preview("CertificateValidation", "preview-validation", { certificateId: UNKNOWN });
  expect(validation.check.inputs).toMatchObject({ certificateId: UNKNOWN, timeout: "1h" });
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check("Certificate", "bad", {
    domainName: "*.com",
    subjectAlternativeNames: ["cdn.mamutecdn.com"],
    deleteTimeout: "later",
  });
  expect(Object.fromEntries(check.failures.map((f) => [f.property, f.reason]))).toEqual({
    domainName: expect.stringMatching(/at least two labels/),
    subjectAlternativeNames: expect.stringMatching(/is a MamuteCloud distribution domain/),
    deleteTimeout: expect.stringMatching(/must be a positive duration/),
  });
  await expect(engine.up("CertificateValidation", "bad", { certificateId: "cert_1", timeout: "0s" })).rejects.toThrow(
    /timeout: must be a positive duration/,
  );
  await expect(engine.up("CertificateValidation", "bad", {})).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

test("create, validation that times out naming the missing records, validation once they exist, no-op, refresh, delete", async () => {
  const args = { domainName: "WWW.Certs.Example.", subjectAlternativeNames: ["api.certs.example", "www.certs.example"] };
  expect((await engine.up("Certificate", "site", args)).op).toBe("create");
  const cert = engine.get("site");
  expect(cert.id).toMatch(/^cert_[0-9a-f]{16}$/);
  expect(cert.outputs).toMatchObject({
    domainName: "www.certs.example",
    subjectAlternativeNames: ["api.certs.example"],
    status: "pending_validation",
    deleteTimeout: "30m",
  });
  const records = cert.outputs.validationRecords as any[];
  expect(records).toEqual([
    {
      domainName: "www.certs.example",
      name: expect.stringMatching(/^_[0-9a-f]{32}\.www\.certs\.example\.$/),
      type: "CNAME",
      value: expect.stringMatching(/\.validation\.mamutecdn\.com\.$/),
      status: "pending",
    },
    {
      domainName: "api.certs.example",
      name: expect.stringMatching(/^_[0-9a-f]{32}\.api\.certs\.example\.$/),
      type: "CNAME",
      value: expect.any(String),
      status: "pending",
    },
  ]);
  expect(cert.outputs.fingerprint).toBeUndefined();
  expect((await engine.up("Certificate", "site", args)).op).toBe("same");

  // One of the two records exists: the wait times out naming the other one, and keeps nothing.
  await createValidationRecords("site", 0);
  const started = Date.now();
  const timedOut = (await engine
    .up("CertificateValidation", "site-validation", { certificateId: cert.id, timeout: "2s" })
    .catch((err) => err)) as HostCallError;
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(timedOut.message).toContain(`timed out after 2s waiting for certificate ${cert.id} to be issued; last status: pending_validation`);
  expect(timedOut.message).toContain(
    `validation records still missing: CNAME ${records[1].name} → ${records[1].value} (for api.certs.example)`,
  );
  expect(timedOut.message).not.toContain(records[0].name);
  expect(timedOut.message).toMatch(/run `pulumi up` again: it waits again/);
  expect(timedOut.initFailed).toBeUndefined();
  expect(engine.state.has("site-validation")).toBe(false);
  expect(host.stdout).toContain(`waiting for certificate ${cert.id} to be issued (status pending_validation, timeout 2s)`);

  // With both records the next up waits again and succeeds.
  await createValidationRecords("site", 1);
  expect((await engine.up("CertificateValidation", "site-validation", { certificateId: cert.id, timeout: "2m" })).op).toBe("create");
  const validation = engine.get("site-validation");
  expect(validation.id).toBe(cert.id);
  const fromApi = (await api(emu, "GET", `/cdn/ssl-certificate/${cert.id}`)).body;
  expect(validation.outputs).toMatchObject({
    certificateId: cert.id,
    status: "issued",
    domainName: "www.certs.example",
    subjectAlternativeNames: ["api.certs.example"],
    notAfter: fromApi.not_after,
    fingerprint: fromApi.fingerprint_sha256,
  });

  // Refresh sees the issued certificate; nothing diffs afterwards.
  expect(await engine.refresh("site")).toBe(true);
  expect(engine.get("site").outputs).toMatchObject({ status: "issued", fingerprint: fromApi.fingerprint_sha256, issuer: fromApi.issuer });
  expect((engine.get("site").outputs.validationRecords as any[]).map((r) => r.status)).toEqual(["validated", "validated"]);
  const ca = new X509Certificate(emu.caCertificatePem);
  expect(fromApi.issuer).toBe(ca.subject.split("\n").join(", "));
  expect(await engine.refresh("site-validation")).toBe(true);
  expect(
    (
      await engine.up("Certificate", "site", {
        domainName: "www.certs.example",
        subjectAlternativeNames: ["www.certs.example", "api.certs.example"],
      })
    ).op,
  ).toBe("same");
  const again = await engine.up("CertificateValidation", "site-validation", { certificateId: cert.id, timeout: "2m" });
  expect(again.op).toBe("same");

  // A longer timeout changes in place and calls nothing.
  emu.resetRequests();
  expect((await engine.up("CertificateValidation", "site-validation", { certificateId: cert.id, timeout: "3h" })).op).toBe("update");
  expect((await engine.up("Certificate", "site", { ...args, deleteTimeout: "5m" })).op).toBe("update");
  expect(emu.requests().total).toBe(0);

  await engine.destroy("site-validation");
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${cert.id}`)).status).toBe(200); // the validation deletes nothing
  await engine.destroy("site");
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${cert.id}`)).status).toBe(404);
  for (const name of ["site-validation-0", "site-validation-1"]) await engine.destroy(name);
});

test("a wildcard and its apex share one validation record; one DnsRecord validates both", async () => {
  await engine.up("Certificate", "wild", { domainName: "*.Wild.Certs.Example", subjectAlternativeNames: ["wild.certs.example"] });
  const records = engine.get("wild").outputs.validationRecords as any[];
  expect(records).toEqual([
    expect.objectContaining({ domainName: "wild.certs.example", name: expect.stringMatching(/\.wild\.certs\.example\.$/) }),
  ]);
  const made = await createValidationRecords("wild");
  await engine.up("CertificateValidation", "wild-validation", { certificateId: engine.get("wild").id, timeout: "1m" });
  expect(engine.get("wild-validation").outputs).toMatchObject({
    domainName: "*.wild.certs.example",
    subjectAlternativeNames: ["wild.certs.example"],
  });
  await engine.destroy("wild-validation");
  await engine.destroy("wild");
  for (const name of made) await engine.destroy(name);
});

test("new names replace the certificate, creating the new one first", async () => {
  await engine.up("Certificate", "moving", { domainName: "old.certs.example" });
  const oldId = engine.get("moving").id;
  const step = await engine.up("Certificate", "moving", {
    domainName: "old.certs.example",
    subjectAlternativeNames: ["new.certs.example"],
  });
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["subjectAlternativeNames"]);
  expect(step.order).toEqual(["create", "delete"]);
  expect(engine.get("moving").id).not.toBe(oldId);
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${oldId}`)).status).toBe(404);
  await engine.destroy("moving");
});

test("a certificate deleted out of band: refresh drops it and its validation, the next up requests and waits again", async () => {
  await engine.up("Certificate", "gone", { domainName: "gone.certs.example" });
  const first = engine.get("gone").id;
  const records = await createValidationRecords("gone");
  await engine.up("CertificateValidation", "gone-validation", { certificateId: first, timeout: "1m" });

  expect((await api(emu, "DELETE", `/cdn/ssl-certificate/${first}`)).status).toBe(204);
  expect(await engine.refresh("gone-validation")).toBe(false);
  expect(await engine.refresh("gone")).toBe(false);
  // Deleting what is already gone succeeds.
  await expect(
    host.delete("Certificate", "gone", first, engine.props("Certificate", "gone", { domainName: "gone.certs.example" })),
  ).resolves.toBeUndefined();

  expect((await engine.up("Certificate", "gone", { domainName: "gone.certs.example" })).op).toBe("create");
  const second = engine.get("gone").id;
  expect(second).not.toBe(first);
  // The records are derived from the name, so the ones in the zone validate the new certificate too.
  expect((await engine.up("CertificateValidation", "gone-validation", { certificateId: second, timeout: "1m" })).op).toBe("create");
  expect(engine.get("gone-validation").outputs.status).toBe("issued");
  await engine.destroy("gone-validation");
  await engine.destroy("gone");
  for (const name of records) await engine.destroy(name);
});

test("a validation for a certificate that does not exist fails at once, saying so", async () => {
  const started = Date.now();
  await expect(engine.up("CertificateValidation", "orphan", { certificateId: "cert_0000000000000000", timeout: "1h" })).rejects.toThrow(
    "cannot validate certificate cert_0000000000000000: it does not exist",
  );
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(engine.state.has("orphan")).toBe(false);
});

test("a create whose response is lost adopts the new certificate, not an older one for the same name", async () => {
  const older = await api(emu, "POST", "/cdn/ssl-certificate", { domain_name: "lost.certs.example" });
  expect(older.status).toBe(201);
  emu.setFaults({ seed: 1, rules: [{ route: REQUEST, fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up("Certificate", "lost", { domainName: "lost.certs.example" });
  const all = await certificatesFor("lost.certs.example");
  expect(all).toHaveLength(2);
  const made = all.find((cert) => cert.id !== older.body.id);
  expect(engine.get("lost").id).toBe(made.id);
  expect(emu.requests().routes[REQUEST]).toBe(1);
  await engine.destroy("lost");
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${older.body.id}`)).status).toBe(200);
});

test("a create that keeps failing with an unknown outcome looks for the certificate after each attempt; none found, nothing is kept", async () => {
  emu.setFaults({ seed: 3, rules: [{ route: REQUEST, fault: "status", status: 500 }] });
  emu.resetRequests();
  const failure = engine.up("Certificate", "unknown", { domainName: "unknown.certs.example" });
  await expect(failure).rejects.toThrow(/request certificate for unknown\.certs\.example failed: HTTP 500/);
  // Every lookup answered and found nothing: no certificate can exist, so none is said to.
  await expect(failure).rejects.not.toThrow(/may exist/);
  const counts = emu.requests().routes;
  expect(counts[REQUEST]).toBeGreaterThan(1);
  // One list before the first attempt, then one after each attempt whose outcome was unknown.
  expect(counts["GET /cdn/ssl-certificate"]).toBe(counts[REQUEST] + 1);
  expect(engine.state.has("unknown")).toBe(false);
  expect(await certificatesFor("unknown.certs.example")).toEqual([]);
});
