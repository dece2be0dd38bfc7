// StaticSite as a whole program: the component runs under `pulumi.runtime.setMocks` in a child
// process and every dynamic resource it declares goes through the real provider host, in the
// engine's order, against the emulator. What a user checks: the site served at the edge (over
// HTTPS at the custom domain, verified with the emulator's CA), a second `up` that changes nothing
// and sends nothing, one edited file that costs one PUT and purges exactly its path, a mistake in
// the domain refused before anything is created, a domain whose DNS is hosted elsewhere (no zone,
// no record, the records to make there as an output), and a destroy that leaves nothing behind.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listAll } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { destroyAll, runProgram, type ProgramRun } from "../harness/program";
import { REPO_ROOT } from "../harness/providerHost";
import { browse, edgeGet, edgeGetTls, type EdgeAnswer } from "../emulator/cdn-helpers";

jest.setTimeout(180_000);

// Inside the repository, so the program resolves @pulumi/pulumi and pulumi-mamutecloud from its node_modules.
const PROGRAM_DIR = path.join(REPO_ROOT, ".tmp", "static-site-program");
const PROGRAM = path.join(PROGRAM_DIR, "index.js");
// The StaticSite arguments come in as JSON, so one program serves every case.
const PROGRAM_TEXT = `const mamutecloud = require("pulumi-mamutecloud");
const site = new mamutecloud.StaticSite("site", JSON.parse(process.env.STATIC_SITE_ARGS));
exports.url = site.url;
exports.tenantUrls = site.tenantUrls;
exports.distributionDomain = site.distributionDomain;
exports.bucketId = site.bucketId;
exports.cdnResourceId = site.cdnResourceId;
exports.nameservers = site.nameservers;
exports.releaseId = site.releaseId;
exports.keptReleases = site.keptReleases;
exports.certificateId = site.certificateId;
exports.dnsRecords = site.dnsRecords;
`;

let lifecycle: Lifecycle;
let work: string;

beforeAll(async () => {
  fs.mkdirSync(PROGRAM_DIR, { recursive: true });
  fs.writeFileSync(PROGRAM, PROGRAM_TEXT);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "static-site-"));
  lifecycle = await startLifecycle();
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 100 });
});

// A failed test leaves its stack behind; the next starts from nothing.
afterEach(async () => {
  if (lifecycle?.engine.state.size) await destroyAll(lifecycle.engine).catch(() => undefined);
});

afterAll(async () => {
  await lifecycle?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  return dir;
}

function up(args: object): Promise<ProgramRun> {
  return runProgram(lifecycle.engine, PROGRAM, { ...process.env, STATIC_SITE_ARGS: JSON.stringify(args) });
}

function https(host: string, pathname = "/"): Promise<EdgeAnswer> {
  return edgeGetTls(lifecycle.emu, { host, path: pathname, ca: lifecycle.emu.caCertificatePem });
}

const s3Requests = () => Object.entries(lifecycle.emu.requests().routes).filter(([route]) => route.startsWith("S3 "));

async function lastPurge(cdnResourceId: string): Promise<any> {
  return (await listAll(lifecycle.emu, `/cdn/resource/${cdnResourceId}/purge/history`))[0];
}

async function expectNothingLeft(): Promise<void> {
  const { emu } = lifecycle;
  expect(await listAll(emu, "/cdn/resource")).toEqual([]);
  expect(await listAll(emu, "/cdn/ssl-certificate")).toEqual([]);
  expect(await listAll(emu, "/dns/zones")).toEqual([]);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
}

test("one declaration serves the site at www.example.com over HTTPS; no-op; one edited file is one PUT and one purged path; destroy", async () => {
  const { emu, engine } = lifecycle;
  const site = writeFiles(path.join(work, "www"), {
    "index.html": "<h1>home</h1>",
    "404.html": "<h1>not here</h1>",
    "style.css": "body { color: black }",
    "docs/index.html": "<h1>docs</h1>",
  });
  const args = { path: site, errorDocument: "404.html", domain: { name: "www.example.com" } };

  const first = await up(args);
  expect(first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`).sort()).toEqual([
    "Bucket:site-bucket:create",
    "BucketCredential:site-credential:create",
    "CdnCustomDomain:site-domain:create",
    "CdnResource:site-cdn:create",
    "Certificate:site-certificate:create",
    "CertificateValidation:site-certificate-validation:create",
    "DnsRecord:site-certificate-validation-record:create",
    "DnsRecord:site-cname:create",
    "DnsZone:site-zone:create",
    "SyncedFolder:site-files:create",
  ]);
  // The URL opens in a browser on this machine: the emulator's edge at www.example.com.localhost.
  expect(first.outputs.url).toBe(`http://www.example.com.localhost:${new URL(emu.edgeUrl).port}/`);
  expect(await browse(first.outputs.url)).toMatchObject({ status: 200, body: "<h1>home</h1>" });
  const httpsUrl = `https://www.example.com.localhost:${new URL(emu.edgeHttpsUrl).port}/`;
  expect(await browse(httpsUrl, { ca: emu.caCertificatePem })).toMatchObject({ status: 200, body: "<h1>home</h1>" });
  expect(first.outputs.nameservers.length).toBeGreaterThan(0);
  expect(await https("www.example.com")).toMatchObject({ status: 200, body: "<h1>home</h1>" });
  expect(await https("www.example.com", "/docs/")).toMatchObject({ status: 200, body: "<h1>docs</h1>" });
  expect(await https("www.example.com", "/nope")).toMatchObject({ status: 404, body: "<h1>not here</h1>" });
  // The CNAME points the host at the distribution domain, which serves the same site.
  const zoneId = engine.get("site-zone").id;
  const cname = (await listAll(emu, `/dns/zones/${zoneId}/records`)).find((r) => r.name === "www.example.com." && r.type === "CNAME");
  expect(cname.values).toEqual([`${first.outputs.distributionDomain}.`]);
  expect((await edgeGet(emu, { host: first.outputs.distributionDomain })).body).toBe("<h1>home</h1>");
  // The stylesheet is now in the edge's cache: only a purge makes an edit visible.
  await https("www.example.com", "/style.css");
  expect((await https("www.example.com", "/style.css")).headers["x-cache"]).toBe("HIT");

  emu.resetRequests();
  const second = await up(args);
  expect(second.steps.filter((step) => step.op !== "same")).toEqual([]);
  expect(second.deleted).toEqual([]);
  expect(emu.requests().total).toBe(0);

  fs.writeFileSync(path.join(site, "style.css"), "body { color: teal }");
  emu.resetRequests();
  const third = await up(args);
  expect(third.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual(["site-files:update"]);
  expect(Object.fromEntries(s3Requests().filter(([route]) => route !== "S3 ListObjectsV2"))).toEqual({ "S3 PutObject": 1 });
  expect((await lastPurge(first.outputs.cdnResourceId)).urls).toEqual(["/style.css"]);
  expect(await https("www.example.com", "/style.css")).toMatchObject({ status: 200, body: "body { color: teal }" });
  expect(await https("www.example.com")).toMatchObject({ status: 200, body: "<h1>home</h1>" });

  const destroyed = await destroyAll(engine);
  expect(destroyed).toHaveLength(10);
  await expectNothingLeft();
});

test("tenants: one bucket and one CDN serve a folder per subdomain under a wildcard certificate; an edit to one tenant reaches only it", async () => {
  const { emu, engine } = lifecycle;
  const root = writeFiles(path.join(work, "root"), { "index.html": "root site" });
  const acme = writeFiles(path.join(work, "acme"), { "index.html": "acme home", "app.css": "acme v1" });
  const globex = writeFiles(path.join(work, "globex"), { "index.html": "globex home", "app.css": "globex v1" });
  const args = { path: root, tenants: { acme, globex }, domain: { name: "tenants.example" } };

  const first = await up(args);
  const kinds = first.steps.map((step) => `${step.kind}:${step.name}`);
  expect(kinds.filter((kind) => kind.startsWith("Bucket:") || kind.startsWith("CdnResource:"))).toEqual([
    "Bucket:site-bucket",
    "CdnResource:site-cdn",
  ]);
  expect(kinds.filter((kind) => kind.startsWith("SyncedFolder:")).sort()).toEqual([
    "SyncedFolder:site-files",
    "SyncedFolder:site-files-acme",
    "SyncedFolder:site-files-globex",
  ]);
  expect(engine.get("site-certificate").outputs.domainName).toBe("*.tenants.example");
  expect(engine.get("site-cname").outputs.fqdn).toBe("*.tenants.example");
  const edgePort = new URL(emu.edgeUrl).port;
  expect(first.outputs.url).toBe(`http://www.tenants.example.localhost:${edgePort}/`);
  expect(first.outputs.tenantUrls).toEqual({
    acme: `http://acme.tenants.example.localhost:${edgePort}/`,
    globex: `http://globex.tenants.example.localhost:${edgePort}/`,
  });
  expect((await browse(first.outputs.tenantUrls.acme)).body).toBe("acme home");
  expect((await browse(first.outputs.url)).body).toBe("root site");
  expect((await https("acme.tenants.example")).body).toBe("acme home");
  expect((await https("globex.tenants.example")).body).toBe("globex home");
  expect((await https("www.tenants.example")).body).toBe("root site");
  // Origin isolation: a tenant's files are served at its own host only, never under the root
  // site's host, the distribution domain, or another tenant's host.
  const distribution = String(first.outputs.distributionDomain);
  for (const [host, pathname] of [
    ["www.tenants.example", "/acme/app.css"],
    ["www.tenants.example", "/globex/"],
    ["www.tenants.example", "/globex/index.html"],
    ["acme.tenants.example", "/globex/app.css"],
  ]) {
    expect([host, pathname, (await https(host, pathname)).status]).toEqual([host, pathname, 404]);
  }
  expect((await edgeGet(emu, { host: distribution, path: "/acme/app.css" })).status).toBe(404);
  expect((await edgeGet(emu, { host: `${distribution}.localhost`, path: "/globex/index.html" })).status).toBe(404);
  expect((await edgeGet(emu, { host: distribution, path: "/" })).body).toBe("root site");
  await https("acme.tenants.example", "/app.css");
  await https("globex.tenants.example", "/app.css");
  expect((await https("acme.tenants.example", "/app.css")).headers["x-cache"]).toBe("HIT");

  fs.writeFileSync(path.join(acme, "app.css"), "acme v2");
  emu.resetRequests();
  const second = await up(args);
  expect(second.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual(["site-files-acme:update"]);
  expect(emu.requests().routes["S3 PutObject"]).toBe(1);
  expect(await https("acme.tenants.example", "/app.css")).toMatchObject({ status: 200, body: "acme v2" });
  // The other tenant's copy stays cached: the purge named acme's path only.
  expect(await https("globex.tenants.example", "/app.css")).toMatchObject({
    body: "globex v1",
    headers: expect.objectContaining({ "x-cache": "HIT" }),
  });

  await destroyAll(engine);
  await expectNothingLeft();
});

test("a domain at a zone's apex fails the preview with what to do, before any API call", async () => {
  const { emu, engine } = lifecycle;
  const site = writeFiles(path.join(work, "apex"), { "index.html": "apex" });
  emu.resetRequests();
  const failure = up({ path: site, domain: { name: "example.com" } });
  await expect(failure).rejects.toThrow(/domain\.name "example\.com" is the apex of the zone example\.com, where a CNAME record cannot go/);
  await expect(failure).rejects.toThrow(/Serve it at a subdomain instead, e.g. domain.name "www.example.com"/);
  await expect(up({ path: site, domain: { name: "shop.example.com", zoneDomain: "shop.example.com" } })).rejects.toThrow(
    /is the apex of the zone shop\.example\.com/,
  );
  await expect(up({ path: site, domain: { name: "www.example.org", zoneDomain: "example.com" } })).rejects.toThrow(
    /domain\.name "www\.example\.org" is not in the zone "example\.com"/,
  );
  await expect(up({ tenants: { www: site } })).rejects.toThrow(/tenants key "www" is the root site/);
  // A root folder holding a tenant's name: the tenant would overwrite it.
  const rootWithAcme = writeFiles(path.join(work, "root-with-acme"), { "index.html": "root", "acme/index.html": "root's acme page" });
  await expect(up({ path: rootWithAcme, tenants: { acme: site }, domain: { name: "tenants.example" } })).rejects.toThrow(
    /path ".*root-with-acme" holds "acme", and tenants\.acme is served from the bucket's "acme\/" folder too/,
  );
  await expect(up({ errorDocument: "404.html" })).rejects.toThrow(/StaticSite site: path is required/);
  // externalDns means no zone of the site's: a zone beside it would go unused.
  await expect(up({ path: site, domain: { name: "www.example.com", externalDns: true, zoneId: "zone-1" } })).rejects.toThrow(
    /StaticSite site: domain\.zoneId names a MamuteCloud DNS zone .* and domain\.externalDns says the domain's DNS is hosted elsewhere/,
  );
  expect(emu.requests().total).toBe(0);
  expect(engine.state.size).toBe(0);
});

test("externalDns: no zone and no record here; dnsRecords names the validation record and the CNAME; the certificate is issued once they are found elsewhere; the site is served", async () => {
  const { emu, engine } = lifecycle;
  // The emulator issues a certificate whose names lie in no zone of its own once this delay has
  // passed: the time the records take to appear at the other DNS.
  const { sslValidationDelayMs } = emu.settings();
  emu.setSettings({ sslValidationDelayMs: 800 });
  try {
    const site = writeFiles(path.join(work, "external"), { "index.html": "<h1>elsewhere</h1>" });
    emu.resetRequests();
    const first = await up({ path: site, domain: { name: "www.elsewhere.example", externalDns: true, validationTimeout: "2m" } });
    expect(first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`).sort()).toEqual([
      "Bucket:site-bucket:create",
      "BucketCredential:site-credential:create",
      "CdnCustomDomain:site-domain:create",
      "CdnResource:site-cdn:create",
      "Certificate:site-certificate:create",
      "CertificateValidation:site-certificate-validation:create",
      "SyncedFolder:site-files:create",
    ]);
    expect(await listAll(emu, "/dns/zones")).toEqual([]);
    expect(emu.requests().routes["POST /dns/zones/{zone_id}/records"]).toBeUndefined();

    // What to create at the other DNS: full names and targets, without trailing dots.
    const [certificate] = await listAll(emu, "/cdn/ssl-certificate");
    expect(certificate).toMatchObject({ id: first.outputs.certificateId, domain_name: "www.elsewhere.example", status: "issued" });
    expect(certificate.validation_records).toHaveLength(1);
    const [validation] = certificate.validation_records;
    expect(validation.name).toMatch(/^_[^.]+\.www\.elsewhere\.example\.$/);
    expect(first.outputs.dnsRecords).toEqual([
      { name: validation.name.replace(/\.$/, ""), type: "CNAME", value: validation.value.replace(/\.$/, "") },
      { name: "www.elsewhere.example", type: "CNAME", value: first.outputs.distributionDomain },
    ]);
    // Issued no sooner than the records could be found out there.
    expect(Date.parse(certificate.issued_at) - Date.parse(certificate.created_at)).toBeGreaterThanOrEqual(800);

    expect(first.outputs.url).toBe(`http://www.elsewhere.example.localhost:${new URL(emu.edgeUrl).port}/`);
    expect(await https("www.elsewhere.example")).toMatchObject({ status: 200, body: "<h1>elsewhere</h1>" });
    expect((await edgeGet(emu, { host: first.outputs.distributionDomain })).body).toBe("<h1>elsewhere</h1>");

    emu.resetRequests();
    const second = await up({ path: site, domain: { name: "www.elsewhere.example", externalDns: true, validationTimeout: "2m" } });
    expect(second.steps.filter((step) => step.op !== "same")).toEqual([]);
    expect(second.outputs.dnsRecords).toEqual(first.outputs.dnsRecords);
    expect(emu.requests().total).toBe(0);

    expect(await destroyAll(engine)).toHaveLength(7);
    await expectNothingLeft();
  } finally {
    emu.setSettings({ sslValidationDelayMs });
  }
});

const writes = () =>
  Object.fromEntries(
    Object.entries(lifecycle.emu.requests().routes).filter(([route]) => ["S3 PutObject", "S3 CopyObject"].includes(route)),
  );

test("atomic: a release per build, switched at once; rollback by atomic.release with no upload; destroy leaves nothing", async () => {
  const { emu, engine } = lifecycle;
  const v1 = { "index.html": '<script src="/app-11111111.js"></script>v1', "app-11111111.js": "v1()", "logo.svg": "<svg/>" };
  const v2 = { "index.html": '<script src="/app-22222222.js"></script>v2', "app-22222222.js": "v2()", "logo.svg": "<svg/>" };
  const dir = writeFiles(path.join(work, "atomic"), v1);

  const first = await up({ path: dir, atomic: { keep: 3 } });
  expect(first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`).sort()).toEqual([
    "Bucket:site-bucket:create",
    "BucketCredential:site-credential:create",
    "CdnResource:site-cdn:create",
    "SiteReleases:site-releases:create",
  ]);
  const host = first.outputs.distributionDomain;
  const page = async () => (await edgeGet(emu, { host })).body;
  expect(await page()).toBe(v1["index.html"]);
  expect(first.outputs.keptReleases).toEqual([first.outputs.releaseId]);

  fs.rmSync(dir, { recursive: true });
  writeFiles(dir, v2);
  emu.resetRequests();
  const second = await up({ path: dir, atomic: { keep: 3 } });
  expect(second.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual(["site-releases:update"]);
  expect(writes()).toEqual({ "S3 PutObject": 2, "S3 CopyObject": 1 });
  expect(await page()).toBe(v2["index.html"]);
  expect((await edgeGet(emu, { host, path: "/app-22222222.js" })).body).toBe("v2()");

  emu.resetRequests();
  const back = await up({ path: dir, atomic: { keep: 3, release: first.outputs.releaseId } });
  expect(back.outputs.releaseId).toBe(first.outputs.releaseId);
  expect(writes()).toEqual({});
  expect(await page()).toBe(v1["index.html"]);

  // A refresh and an up of the whole site leave the rolled-back release serving.
  for (const name of engine.state.keys()) await engine.refresh(name);
  const again = await up({ path: dir, atomic: { keep: 3, release: first.outputs.releaseId } });
  expect(again.steps.filter((step) => step.op !== "same")).toEqual([]);
  expect(await page()).toBe(v1["index.html"]);

  await destroyAll(engine);
  await expectNothingLeft();
});

test("turning atomic on for a live site: the releases are filled and switched to, then the SyncedFolder's files go", async () => {
  const { emu, engine } = lifecycle;
  const dir = writeFiles(path.join(work, "switch-on"), { "index.html": "home", "about/index.html": "about" });
  const plain = await up({ path: dir });
  const host = plain.outputs.distributionDomain;
  expect((await edgeGet(emu, { host })).body).toBe("home");

  const atomic = await up({ path: dir, atomic: true });
  expect(
    atomic.steps
      .filter((step) => step.op !== "same")
      .map((step) => `${step.kind}:${step.op}`)
      .sort(),
  ).toEqual(["CdnResource:update", "SiteReleases:create"]);
  expect(atomic.deleted).toEqual(["site-files"]);
  expect((await edgeGet(emu, { host })).body).toBe("home");
  expect((await edgeGet(emu, { host, path: "/about/" })).body).toBe("about");
  const bucketId = engine.get("site-bucket").id;
  const keys = (await listAll(emu, `/object-storage/buckets/${bucketId}/files`)).map((file) => file.key);
  expect(keys.sort()).toEqual([`releases/${atomic.outputs.releaseId}/about/index.html`, `releases/${atomic.outputs.releaseId}/index.html`]);
});
