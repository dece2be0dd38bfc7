// ImportedCertificate through the real provider host, in the engine's order, against the emulator,
// with certificates the test makes (a root, an intermediate, server certificates). The private key
// must reach the API and the state, and nothing else: no error, no log line, no other output.
import { X509Certificate } from "node:crypto";
import { UNKNOWN, type Engine } from "../harness/engine";
import type { HostCallError, ProviderHost } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { DAY, newKeyPair, TestCa, type ServerCertificate } from "../harness/testCertificates";

const KIND = "ImportedCertificate";
const IMPORT = "POST /cdn/ssl-certificate/import";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
let root: TestCa;
let intermediate: TestCa;
let site: ServerCertificate;
const keysSeen: string[] = [];
const errorsSeen: string[] = [];

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
  root = await TestCa.root();
  intermediate = await root.intermediate("Imported Intermediate");
  site = await server(["www.imported.example", "imported.example"]);
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function server(names: string[], options = {}): Promise<ServerCertificate> {
  const made = await intermediate.server(names, options);
  keysSeen.push(made.privateKeyPem);
  return made;
}

function argsOf(cert: ServerCertificate, extra: Record<string, unknown> = {}) {
  return { certificate: cert.certificatePem, certificateChain: intermediate.certificatePem, privateKey: cert.privateKeyPem, ...extra };
}

async function failing(run: Promise<unknown>): Promise<HostCallError> {
  const err = (await run.then(
    () => undefined,
    (failure) => failure,
  )) as HostCallError | undefined;
  if (!err) throw new Error("expected a failure");
  errorsSeen.push(String(err.stack ?? err));
  return err;
}

/** The key's base64 body in pieces: none may appear outside the privateKey property. */
function keyPieces(privateKeyPem: string): string[] {
  const body = privateKeyPem.replace(/-----[^-]+-----|\s/g, "");
  return [body.slice(0, 24), body.slice(40, 64), body.slice(-24)];
}

test("preview with an unknown key: check passes, keeps the unknown, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview(KIND, "preview-only", {
    certificate: site.certificatePem,
    privateKey: UNKNOWN,
    certificateChain: UNKNOWN,
  });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({ privateKey: UNKNOWN, certificateChain: UNKNOWN, deleteTimeout: "30m" });
  expect(emu.requests().total).toBe(0);
});

test("bad PEM, a mismatched key, an expired certificate and a chain in the wrong order fail at check with zero API calls", async () => {
  emu.resetRequests();
  const other = await newKeyPair();
  const expired = await server(["old.imported.example"], {
    notBefore: new Date(Date.now() - 100 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [
      { ...argsOf(site), certificate: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----" },
      "certificate",
      /not valid base64/,
    ],
    [
      { ...argsOf(site), privateKey: other.privateKeyPem },
      "privateKey",
      /does not belong to the certificate \(CN=www\.imported\.example\)/,
    ],
    [argsOf(expired), "certificate", /^expired on .* \(CN=old\.imported\.example\); renew it/],
    [{ ...argsOf(site), certificateChain: root.certificatePem + intermediate.certificatePem }, "certificateChain", /is in reverse order/],
  ];
  keysSeen.push(other.privateKeyPem);
  for (const [args, property, reason] of cases) {
    const check = await engine.check(KIND, "bad", args);
    expect(check.failures.map((f) => f.property)).toEqual([property]);
    expect(check.failures[0].reason).toMatch(reason);
    const err = await failing(engine.up(KIND, "bad", args));
    expect(err.message).toContain(`${property}:`);
  }
  expect(emu.requests().total).toBe(0);
  expect(engine.state.has("bad")).toBe(false);
});

test("create, no-op with the PEM reformatted, refresh keeps what the API never returns, no diff, delete", async () => {
  expect((await engine.up(KIND, "site", argsOf(site))).op).toBe("create");
  const state = engine.get("site");
  expect(state.id).toMatch(/^cert_/);
  const local = new X509Certificate(site.certificatePem);
  expect(state.outputs).toMatchObject({
    domainName: "www.imported.example",
    subjectAlternativeNames: ["imported.example"],
    status: "issued",
    fingerprint: local.fingerprint256,
    notAfter: new Date(local.validTo).toISOString(),
    issuer: "CN=Imported Intermediate, O=pulumi-mamutecloud tests",
  });
  expect(state.outputs.privateKey).toBe(site.privateKeyPem.replace(/\r\n/g, "\n"));
  const fromApi = await api(emu, "GET", `/cdn/ssl-certificate/${state.id}`);
  expect(fromApi.body).toMatchObject({ type: "imported", fingerprint_sha256: local.fingerprint256 });
  expect(JSON.stringify(fromApi.body)).not.toContain("PRIVATE KEY");

  const crlf = (pem: string) => pem.replace(/\n/g, "\r\n").replace(/^/, "# exported from the old CDN\r\n");
  const reformatted = {
    certificate: crlf(site.certificatePem),
    certificateChain: crlf(intermediate.certificatePem),
    privateKey: crlf(site.privateKeyPem),
  };
  expect((await engine.up(KIND, "site", reformatted)).op).toBe("same");

  expect(await engine.refresh("site")).toBe(true);
  const refreshed = engine.get("site");
  for (const key of ["certificate", "certificateChain", "privateKey", "fingerprint", "notAfter"]) {
    expect(refreshed.outputs[key]).toEqual(state.outputs[key]);
  }
  expect(refreshed.inputs.privateKey).toBe(state.outputs.privateKey);
  const after = await engine.up(KIND, "site", reformatted);
  expect(after.op).toBe("same");
  expect(after.diff?.changes).toBe("none");

  await engine.destroy("site");
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${state.id}`)).status).toBe(404);
});

test("a renewed certificate replaces the imported one, creating the new one first", async () => {
  await engine.up(KIND, "renewed", argsOf(site));
  const oldId = engine.get("renewed").id;
  const renewal = await server(["www.imported.example", "imported.example"]);
  const step = await engine.up(KIND, "renewed", argsOf(renewal));
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces.sort()).toEqual(["certificate", "privateKey"]);
  expect(step.order).toEqual(["create", "delete"]);
  expect(engine.get("renewed").outputs.fingerprint).toBe(new X509Certificate(renewal.certificatePem).fingerprint256);
  expect((await api(emu, "GET", `/cdn/ssl-certificate/${oldId}`)).status).toBe(404);
  // Dropping the chain is a change too.
  const dropped = await engine.up(KIND, "renewed", { certificate: renewal.certificatePem, privateKey: renewal.privateKeyPem });
  expect(dropped.diff?.replaces).toEqual(["certificateChain"]);
  await engine.destroy("renewed");
});

test("refresh after an out-of-band delete drops it; the next up imports it again", async () => {
  await engine.up(KIND, "gone", argsOf(site));
  const { id } = engine.get("gone");
  expect((await api(emu, "DELETE", `/cdn/ssl-certificate/${id}`)).status).toBe(204);
  expect(await engine.refresh("gone")).toBe(false);
  expect((await engine.up(KIND, "gone", argsOf(site))).op).toBe("create");
  expect(engine.get("gone").id).not.toBe(id);
  await engine.destroy("gone");
});

test("a create whose response is lost adopts the new import, not the same certificate imported before", async () => {
  const before = await api(emu, "POST", "/cdn/ssl-certificate/import", {
    certificate: site.certificatePem,
    private_key: site.privateKeyPem,
  });
  expect(before.status).toBe(201);
  emu.setFaults({ seed: 1, rules: [{ route: IMPORT, fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up(KIND, "lost", argsOf(site));
  const same = (await listAll(emu, "/cdn/ssl-certificate")).filter((cert) => cert.fingerprint_sha256 === before.body.fingerprint_sha256);
  expect(same).toHaveLength(2);
  expect(engine.get("lost").id).toBe(same.find((cert) => cert.id !== before.body.id).id);
  expect(emu.requests().routes[IMPORT]).toBe(1);
  await engine.destroy("lost");
  expect((await api(emu, "DELETE", `/cdn/ssl-certificate/${before.body.id}`)).status).toBe(204);
});

test("an import the API refuses fails with its message, and no error or log carries the key", async () => {
  emu.setFaults({ seed: 2, rules: [{ route: IMPORT, fault: "status", status: 400, times: 1 }] });
  const err = await failing(engine.up(KIND, "refused", argsOf(site)));
  expect(err.message).toMatch(/import certificate [0-9A-F:]{95} failed: HTTP 400/);
  expect(engine.state.has("refused")).toBe(false);
});

describe("delete while a custom domain uses the certificate", () => {
  let resourceId: string;
  let customDomainId: string;
  let certificateId: string;

  /** A CDN resource made outside the stack whose custom domain uses the stack's certificate. */
  async function attach(): Promise<void> {
    const bucket = await api(emu, "POST", "/object-storage/buckets", { name: "inuse-site-bucket" });
    const resource = await api(emu, "POST", "/cdn/resource", {
      name: "inuse-site",
      origin_group: { type: "storage", bucket_id: bucket.body.id },
    });
    expect(resource.status).toBe(201);
    resourceId = resource.body.id;
    const withDomain = await api(emu, "PUT", `/cdn/resource/${resourceId}`, {
      custom_domains: [{ domain_name: "www.imported.example", certificate_id: certificateId }],
    });
    expect(withDomain.status).toBe(200);
    customDomainId = withDomain.body.custom_domains[0].id;
  }

  test("gives up after deleteTimeout naming the custom domain; waits and succeeds once the domain lets go", async () => {
    await engine.up(KIND, "in-use", argsOf(site, { deleteTimeout: "2s" }));
    certificateId = engine.get("in-use").id;
    await attach();

    const started = Date.now();
    const err = await failing(engine.destroy("in-use"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(err.message).toContain(
      `cannot delete imported certificate ${certificateId} (www.imported.example): after 2s it is still used by ` +
        `www.imported.example (CDN resource ${resourceId}, custom domain ${customDomainId})`,
    );
    expect(err.message).toMatch(/Point those custom domains at another certificate \(certificateId\) or delete them/);
    expect((await api(emu, "GET", `/cdn/ssl-certificate/${certificateId}`)).status).toBe(200);
    expect(engine.state.has("in-use")).toBe(true);

    // A longer timeout (in place, no call); the domain switches away while the delete waits.
    expect((await engine.up(KIND, "in-use", argsOf(site, { deleteTimeout: "1m" }))).op).toBe("update");
    const detach = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
      api(emu, "PUT", `/cdn/resource/${resourceId}/custom-domain/${customDomainId}`, { certificate_id: null }),
    );
    const waited = Date.now();
    await engine.destroy("in-use");
    expect((await detach).status).toBe(200);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(1400);
    expect((await api(emu, "GET", `/cdn/ssl-certificate/${certificateId}`)).status).toBe(404);
    expect(host.stdout).toContain(`waiting for imported certificate ${certificateId} (www.imported.example) to be released`);
    expect((await api(emu, "DELETE", `/cdn/resource/${resourceId}`)).status).toBe(204);
  });
});

test("the private key appears nowhere but the privateKey property, and the API key nowhere at all", () => {
  expect(errorsSeen.length).toBeGreaterThanOrEqual(6);
  for (const text of [...errorsSeen, host.stderr, host.stdout, JSON.stringify([...engine.state.values()])])
    expect(text).not.toContain(emu.apiKey);
  for (const key of keysSeen) {
    for (const piece of keyPieces(key)) {
      for (const text of [...errorsSeen, host.stderr, host.stdout]) expect(text).not.toContain(piece);
      for (const state of engine.state.values()) {
        const { privateKey: _key, ...others } = state.outputs;
        const { privateKey: _input, ...otherInputs } = state.inputs;
        expect(JSON.stringify([others, otherInputs])).not.toContain(piece);
      }
    }
  }
});
