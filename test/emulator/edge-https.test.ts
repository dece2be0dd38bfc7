// The edge over HTTPS, end to end as a user does it: a requested certificate validated through a
// DNS record in an emulator zone, attached to a custom domain and the site fetched over HTTPS
// verified against the emulator's CA (by Node and by curl, as the README's quick start does); an
// imported certificate served exactly as given; handshakes that fail as production's would; and
// a certificate in use that cannot be deleted.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type PeerCertificate } from "node:tls";
import { promisify } from "node:util";
import { useEmulator, expectError } from "./helpers";
import { edgeGetTls, newSiteBucket, newStorageResource } from "./cdn-helpers";
import { TestCa, fingerprint } from "./ssl-helpers";

const { emu, api } = useEmulator();
let bucketId: string;

beforeAll(async () => {
  emu().setSettings({ cdnDeployDelayMs: 0 });
  const site = await newSiteBucket(emu(), api(), "tls-site");
  await site.put("index.html", "secure home");
  bucketId = site.id;
});

/** The handshake alone, as a client trusting only `ca` that asks for `servername`. */
function handshake(servername: string, ca: string): Promise<{ certificate: PeerCertificate } | { error: string }> {
  const url = new URL(emu().edgeHttpsUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), servername, ca }, () => {
      const certificate = socket.getPeerCertificate();
      socket.destroy();
      resolve({ certificate });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

/** A custom domain on a new resource, with a certificate, activated; answers the resource. */
async function servedDomain(name: string, domainName: string, certificateId: string) {
  const resource = await newStorageResource(api(), name, bucketId);
  const set = await api().put(`/cdn/resource/${resource.id}`, {
    custom_domains: [{ domain_name: domainName, certificate_id: certificateId }],
  });
  const domain = `/cdn/resource/${resource.id}/custom-domain/${set.body.custom_domains[0].id}`;
  return { resource, domain, activate: () => api().post(`${domain}/activate`) };
}

it("serves a distribution domain under the CA-signed *.mamutecdn.com", async () => {
  const resource = await newStorageResource(api(), "tls-dist", bucketId);
  const answer = await edgeGetTls(emu(), { host: resource.distribution_domain, ca: emu().caCertificatePem });
  expect(answer).toMatchObject({ status: 200, body: "secure home" });
});

it("serves a custom domain over HTTPS once its requested certificate is validated by a DNS record in an emulator zone", async () => {
  const zone = await api().post("/dns/zones", { domain: "example.com" });
  const requested = await api().post("/cdn/ssl-certificate", { domain_name: "www.example.com" });
  expect(requested.body.status).toBe("pending_validation");
  const { domain, activate } = await servedDomain("tls-requested", "www.example.com", requested.body.id);

  // Not issued yet: activation is refused, saying why.
  expect(expectError(await activate(), 400, "validation_error", "certificate_id").message).toContain("pending_validation");

  const [record] = requested.body.validation_records as { name: string; type: string; value: string }[];
  expect(
    (await api().post(`/dns/zones/${zone.body.id}/records`, { name: record.name, type: record.type, values: [record.value] })).status,
  ).toBe(201);
  expect((await activate()).body.status).toBe("active");
  expect((await api().get(`/cdn/ssl-certificate/${requested.body.id}`)).body.status).toBe("issued");

  const answer = await edgeGetTls(emu(), { host: "www.example.com", ca: emu().caCertificatePem });
  expect(answer).toMatchObject({ status: 200, body: "secure home" });
  const served = await handshake("www.example.com", emu().caCertificatePem);
  expect("certificate" in served && served.certificate.subjectaltname).toBe("DNS:www.example.com");

  // A certificate in use cannot be deleted; detached, it can.
  expectError(await api().delete(`/cdn/ssl-certificate/${requested.body.id}`), 409, "conflict");
  await api().post(`${domain}/deactivate`);
  expect((await api().put(domain, { certificate_id: null })).body.certificate_id).toBeNull();
  expect((await api().delete(`/cdn/ssl-certificate/${requested.body.id}`)).status).toBe(204);
});

it("serves subdomain-routed tenants over HTTPS under a wildcard certificate, as the recipe requires", async () => {
  const tenants = await newSiteBucket(emu(), api(), "tls-tenants");
  await tenants.put("index.html", "root");
  await tenants.put("abc/index.html", "abc home");
  const zone = await api().post("/dns/zones", { domain: "tenants.example" });
  const requested = await api().post("/cdn/ssl-certificate", {
    domain_name: "*.tenants.example",
    subject_alternative_names: ["tenants.example"],
  });
  // `*.tenants.example` and `tenants.example` share one validation record.
  const [record] = requested.body.validation_records as { name: string; type: string; value: string }[];
  await api().post(`/dns/zones/${zone.body.id}/records`, { name: record.name, type: record.type, values: [record.value] });
  const resource = await newStorageResource(api(), "tls-tenants", tenants.id);
  await api().put(`/cdn/resource/${resource.id}`, {
    behaviors: [{ action: "update", priority: 0, subdomain_routing: true }],
    custom_domains: [{ domain_name: "*.tenants.example", additional_domains: ["tenants.example"], certificate_id: requested.body.id }],
  });
  const domainId = (await api().get(`/cdn/resource/${resource.id}`)).body.custom_domains[0].id;
  expect((await api().post(`/cdn/resource/${resource.id}/custom-domain/${domainId}/activate`)).body.status).toBe("active");

  const ca = emu().caCertificatePem;
  expect(await edgeGetTls(emu(), { host: "abc.tenants.example", ca })).toMatchObject({ status: 200, body: "abc home" });
  expect(await edgeGetTls(emu(), { host: "www.tenants.example", ca })).toMatchObject({ status: 200, body: "root" });
  expect(await edgeGetTls(emu(), { host: "tenants.example", ca })).toMatchObject({ status: 200, body: "root" });
  // One label only: the wildcard neither serves nor covers a.b.tenants.example.
  expect(await handshake("a.b.tenants.example", ca)).toEqual({ error: expect.any(String) });
});

it("serves an imported certificate exactly as given, with its chain", async () => {
  const ca = await TestCa.create();
  const leaf = await ca.leaf(["shop.example.net"]);
  const imported = await api().post("/cdn/ssl-certificate/import", {
    certificate: leaf.certificate,
    private_key: leaf.privateKey,
    certificate_chain: ca.certificate,
  });
  expect(imported.status).toBe(201);
  const { activate } = await servedDomain("tls-imported", "shop.example.net", imported.body.id);
  expect((await activate()).body.status).toBe("active");

  const served = await handshake("shop.example.net", ca.certificate);
  if (!("certificate" in served)) throw new Error(`handshake failed: ${served.error}`);
  expect(served.certificate.fingerprint256).toBe(fingerprint(leaf.certificate));
  expect(await edgeGetTls(emu(), { host: "shop.example.net", ca: ca.certificate })).toMatchObject({ status: 200, body: "secure home" });
  // The chain goes out too: a client that trusts only the emulator's CA meets the test CA in it.
  expect(await handshake("shop.example.net", emu().caCertificatePem)).toEqual({ error: "SELF_SIGNED_CERT_IN_CHAIN" });
});

it("fails the handshake for an unknown name and for an active domain without a certificate, and answers 421 when Host and SNI differ", async () => {
  expect(await handshake("nobody.example.org", emu().caCertificatePem)).toEqual({ error: expect.any(String) });
  const resource = await newStorageResource(api(), "tls-none", bucketId);
  const set = await api().put(`/cdn/resource/${resource.id}`, { custom_domains: [{ domain_name: "plain.example.org" }] });
  await api().post(`/cdn/resource/${resource.id}/custom-domain/${set.body.custom_domains[0].id}/activate`);
  expect(await handshake("plain.example.org", emu().caCertificatePem)).toEqual({ error: expect.any(String) });
  const misdirected = await edgeGetTls(emu(), {
    host: resource.distribution_domain,
    ca: emu().caCertificatePem,
    headers: { host: "plain.example.org" },
  });
  expect(misdirected.status).toBe(421);
});

const CURL = "/usr/bin/curl";
const haveCurl = existsSync(CURL);
if (!haveCurl) console.warn(`curl test skipped: ${CURL} is not installed (apt-get install curl)`);
(haveCurl ? it : it.skip)("verifies with curl --cacert <ca file> --resolve, as the README's quick start does", async () => {
  const resource = await newStorageResource(api(), "tls-curl", bucketId);
  await api().put(`/cdn/resource/${resource.id}`, { distribution_domain: "curl-site" });
  const port = new URL(emu().edgeHttpsUrl).port;
  const { stdout } = await promisify(execFile)(CURL, [
    "--silent",
    "--show-error",
    "--fail",
    "--cacert",
    emu().caCertificatePath,
    "--resolve",
    `curl-site.mamutecdn.com:${port}:127.0.0.1`,
    `https://curl-site.mamutecdn.com:${port}/`,
  ]);
  expect(stdout).toBe("secure home");
});
