// What StaticSite declares for each shape of its arguments (under mocks, nothing applied): which
// children, parented to the site, with which inputs. The whole program against the emulator is
// test/component/staticSite.test.ts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, registrationOf, registrations, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";
import { constructStaticSite } from "../../sdk/native/staticSite";

let dir: string;
beforeAll(async () => {
  await captureRegistrations();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "static-site-sdk-"));
  for (const folder of ["www", "acme", "globex"]) {
    fs.mkdirSync(path.join(dir, folder));
    fs.writeFileSync(path.join(dir, folder, "index.html"), folder);
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The registrations of one site, by name without the site's prefix: `bucket`, `files`, … */
function childrenOf(site: string): Record<string, { type: string; inputs: Record<string, any> }> {
  const prefix = `${site}-`;
  return Object.fromEntries(registrations.filter((r) => r.name.startsWith(prefix)).map((r) => [r.name.slice(prefix.length), r]));
}

const kind = (type: string) => type.replace("pulumi-nodejs:dynamic/mamutecloud:", "");
const urnOf = (resource: pulumi.Resource) => new Promise<string>((resolve) => resource.urn.apply(resolve));

test("without a domain: bucket, credential, files and CDN, each a child of the site", async () => {
  const site = new mamutecloud.StaticSite("plain", { path: path.join(dir, "www"), errorDocument: "/404.html", cacheTtlSeconds: 60 });
  await settled();
  const children = childrenOf("plain");
  expect(Object.fromEntries(Object.entries(children).map(([name, r]) => [name, kind(r.type)]))).toEqual({
    bucket: "Bucket",
    credential: "BucketCredential",
    cdn: "CdnResource",
    files: "SyncedFolder",
  });
  expect(children.cdn.inputs).toMatchObject({
    storageOrigin: { bucketId: "plain-bucket-id" },
    defaultBehavior: { cacheTtlSeconds: 60 },
    customErrorResponses: [{ errorCode: 404, responsePagePath: "/404.html" }],
  });
  expect(children.cdn.inputs.defaultBehavior.subdomainRouting).toBeUndefined();
  expect(children.files.inputs).toMatchObject({
    bucket: "plain-bucket-id",
    cdnResourceId: "plain-cdn-id",
    files: expect.stringMatching(/^@files 1\nindex\.html\t\S+ 3 \S+\n$/),
  });
  expect(children.files.inputs.cdnBaseUrl).toBeUndefined();
  for (const child of [site.bucket, site.credential, site.cdn, ...site.files]) {
    expect(await urnOf(child)).toContain("::mamutecloud:index:StaticSite$pulumi-nodejs:dynamic/mamutecloud:");
  }
});

test("every child sends its URN, as the engine names it, for names derived from it; the parent adds no dependency", async () => {
  const site = new mamutecloud.StaticSite("urns", { path: path.join(dir, "www") });
  await settled();
  const children = childrenOf("urns");
  for (const [name, child] of [
    ["bucket", site.bucket],
    ["credential", site.credential],
    ["cdn", site.cdn],
  ] as const) {
    expect(children[name].inputs.__urn).toBe(await urnOf(child));
  }
  expect(children.bucket.inputs.__urn).toBe(
    "urn:pulumi:stack::project::mamutecloud:index:StaticSite$pulumi-nodejs:dynamic/mamutecloud:Bucket::urns-bucket",
  );
  // A component as a dependency stands for all its children: the bucket would wait for the CDN resource that serves it.
  expect(registrations.find((r) => r.name === "urns-bucket")?.dependencies).toEqual([]);
});

test("with an existing zone and a given certificate: no zone, no certificate request; the custom domain uses it", async () => {
  new mamutecloud.StaticSite("byo", {
    path: path.join(dir, "www"),
    domain: { name: "shop.example.com", zoneId: "zone-1", certificateId: "cert-1" },
  });
  await settled();
  const children = childrenOf("byo");
  expect(Object.keys(children).sort()).toEqual(["bucket", "cdn", "cname", "credential", "domain", "files"]);
  expect(children.domain.inputs).toMatchObject({ resourceId: "byo-cdn-id", domainName: "shop.example.com", certificateId: "cert-1" });
  expect(children.cname.inputs).toMatchObject({ zoneId: "zone-1", name: "shop", type: "CNAME" });
});

test("with externalDns: the certificate, its validation and the custom domain, no zone and no record; dnsRecords says what to create elsewhere", async () => {
  const site = new mamutecloud.StaticSite("ext", {
    path: path.join(dir, "www"),
    distributionDomain: "ext-site.mamutecdn.com",
    domain: { name: "shop.example.com", externalDns: true },
  });
  await settled();
  const children = childrenOf("ext");
  expect(Object.keys(children).sort()).toEqual(["bucket", "cdn", "certificate", "certificate-validation", "credential", "domain", "files"]);
  expect(children.certificate.inputs).toMatchObject({ domainName: "shop.example.com" });
  // Nothing of the site's to wait for: the validation polls until the records made elsewhere are found.
  const dependencies = registrationOf("ext-certificate-validation").dependencies.map((urn) => urn.replace(/^.*::/, ""));
  expect(dependencies).toEqual(["ext-certificate"]);
  expect(children.domain.inputs).toMatchObject({ domainName: "shop.example.com", certificateId: "ext-certificate-id" });
  // (The mocks give the certificate no validation records: only the CNAME here; the emulator test checks both.)
  expect(await new Promise((resolve) => site.dnsRecords.apply(resolve))).toEqual([
    { name: "shop.example.com", type: "CNAME", value: "ext-site.mamutecdn.com" },
  ]);
  expect(await new Promise((resolve) => site.nameservers.apply(resolve))).toBeUndefined();
});

test("through the plugin (Construct), externalDns needs domain.certificateId: the program would get dnsRecords only once the certificate waiting for them is issued", () => {
  const inputs = { path: path.join(dir, "www"), domain: { name: "shop.example.com", externalDns: true } };
  expect(() => constructStaticSite("ext-native", inputs, {})).toThrow(
    /StaticSite ext-native: domain\.externalDns with a certificate the site requests works in TypeScript programs only .* Request the certificate in the program instead: a Certificate, .* a CertificateValidation, and its certificateId as domain\.certificateId/,
  );
});

test("with tenants: one bucket and CDN with subdomain routing, a folder per tenant purged at its host, a wildcard custom domain and CNAME", async () => {
  const site = new mamutecloud.StaticSite("multi", {
    path: path.join(dir, "www"),
    tenants: { acme: path.join(dir, "acme"), globex: path.join(dir, "globex") },
    domain: { name: "sites.example.com", zoneDomain: "example.com", certificateId: "wildcard-cert" },
  });
  await settled();
  const children = childrenOf("multi");
  expect(Object.keys(children).sort()).toEqual([
    "bucket",
    "cdn",
    "cname",
    "credential",
    "domain",
    "files",
    "files-acme",
    "files-globex",
    "zone",
  ]);
  expect(children.cdn.inputs.defaultBehavior).toMatchObject({ subdomainRouting: true });
  expect(children.zone.inputs).toMatchObject({ domain: "example.com" });
  expect(children.domain.inputs).toMatchObject({ domainName: "*.sites.example.com", certificateId: "wildcard-cert" });
  expect(children.cname.inputs).toMatchObject({ name: "*.sites", type: "CNAME" });
  expect(children["files-acme"].inputs).toMatchObject({ prefix: "acme", cdnBaseUrl: "https://acme.sites.example.com/" });
  expect(children["files-globex"].inputs).toMatchObject({ prefix: "globex", cdnBaseUrl: "https://globex.sites.example.com/" });
  expect(children.files.inputs.prefix).toBeUndefined();
  expect(await new Promise((resolve) => site.tenantUrls.apply(resolve))).toEqual({
    acme: "https://acme.sites.example.com/",
    globex: "https://globex.sites.example.com/",
  });
});

test("with tenants and a domain, each tenant's folder is a behavior of its own (isolated at the edge); the user's follow, routed by subdomain too", async () => {
  new mamutecloud.StaticSite("isolated", {
    path: path.join(dir, "www"),
    tenants: { globex: path.join(dir, "globex"), acme: path.join(dir, "acme") },
    domain: { name: "isolated.example.com", zoneDomain: "example.com", certificateId: "wildcard-cert" },
    behaviors: [{ priority: 1, pathPattern: "*.css", cacheTtlSeconds: 60 }],
  });
  // Without a domain there are no tenant hosts: the tenants are the distribution domain's folders, as before.
  new mamutecloud.StaticSite("shared-origin", { path: path.join(dir, "www"), tenants: { acme: path.join(dir, "acme") } });
  await settled();
  expect(childrenOf("isolated").cdn.inputs.behaviors).toEqual([
    { priority: 1, pathPattern: "/acme/*", subdomainRouting: true },
    { priority: 2, pathPattern: "/globex/*", subdomainRouting: true },
    { priority: 3, pathPattern: "*.css", cacheTtlSeconds: 60, subdomainRouting: true },
  ]);
  expect(childrenOf("shared-origin").cdn.inputs.behaviors).toBeUndefined();
});

test("with tenants and no certificate given, the one requested is the wildcard", async () => {
  new mamutecloud.StaticSite("wild", { tenants: { acme: path.join(dir, "acme") }, domain: { name: "example.org" } });
  await settled();
  expect(childrenOf("wild").certificate.inputs).toMatchObject({ domainName: "*.example.org" });
});

test("atomic: a SiteReleases of path instead of a SyncedFolder, and a CDN resource that leaves its origin path to it", async () => {
  const site = new mamutecloud.StaticSite("atomic", { path: path.join(dir, "www"), atomic: { keep: 3, release: "0123456789abcdef" } });
  await settled();
  const children = childrenOf("atomic");
  expect(Object.fromEntries(Object.entries(children).map(([name, r]) => [name, kind(r.type)]))).toEqual({
    bucket: "Bucket",
    credential: "BucketCredential",
    cdn: "CdnResource",
    releases: "SiteReleases",
  });
  expect(children.cdn.inputs).toMatchObject({ storageOrigin: { bucketId: "atomic-bucket-id" }, originPathSwitched: true });
  expect(children.releases.inputs).toMatchObject({
    bucket: "atomic-bucket-id",
    cdnResourceId: "atomic-cdn-id",
    keep: 3,
    release: "0123456789abcdef",
    files: expect.stringMatching(/^@files 1\nindex\.html\t\S+ 3 \S+\n$/),
  });
  expect(site.files).toEqual([]);
  expect(await urnOf(site.releases!)).toContain("::mamutecloud:index:StaticSite$pulumi-nodejs:dynamic/mamutecloud:SiteReleases::");
  expect(() => new mamutecloud.StaticSite("wrong-atomic", { tenants: { acme: path.join(dir, "acme") }, atomic: true })).toThrow(
    /StaticSite wrong-atomic: atomic deploys one folder \(path\); leave atomic out when tenants are given/,
  );
  await settled();
  expect(registrations.filter((r) => r.name.startsWith("wrong-atomic-"))).toEqual([]);
});

test("mistakes in the arguments throw when the program runs, naming the option", () => {
  const www = path.join(dir, "www");
  expect(() => new mamutecloud.StaticSite("bad1", { path: www, domain: { name: "example.com" } })).toThrow(mamutecloud.StaticSiteError);
  expect(() => new mamutecloud.StaticSite("bad2", { path: www, domain: { name: "not a domain" } })).toThrow(
    /StaticSite bad2: domain.name /,
  );
  expect(() => new mamutecloud.StaticSite("bad3", { tenants: { "Acme Corp": www } })).toThrow(/tenants key "Acme Corp" is not a DNS label/);
  for (const key of ["zoneId", "zoneDomain"]) {
    const domain = { name: "www.example.com", externalDns: true, [key]: "example.com" };
    expect(() => new mamutecloud.StaticSite("bad4", { path: www, domain })).toThrow(
      new RegExp(`StaticSite bad4: domain\\.${key} names a MamuteCloud DNS zone .* domain\\.externalDns says .*: give one or the other`),
    );
  }
  expect(registrations.filter((r) => r.name.startsWith("bad"))).toEqual([]);
});

test("an unknown option fails naming it and the nearest known one, before anything is declared", () => {
  const www = path.join(dir, "www");
  // As a JavaScript program, or arguments built elsewhere, pass them: the type checker does not see them.
  const unknown = (args: object) => () => new mamutecloud.StaticSite("unknown", args as mamutecloud.StaticSiteArgs);
  expect(unknown({ path: www, errorDocumnet: "404.html" })).toThrow(
    /StaticSite unknown: unknown option "errorDocumnet": did you mean "errorDocument"\? StaticSite takes path, tenants, domain, /,
  );
  expect(unknown({ path: www, s3Endpoint: "http://127.0.0.1:4681" })).toThrow(/unknown option "s3Endpoint": StaticSite takes path, /);
  expect(unknown({ path: www, domain: { name: "www.example.com", zone: "example.com" } })).toThrow(
    /unknown option domain\."zone": did you mean "zoneId"\? domain takes name, zoneId, zoneDomain, externalDns, certificateId, validationTimeout/,
  );
  expect(unknown({ path: www, atomic: { keeep: 3 } })).toThrow(
    /unknown option atomic\."keeep": did you mean "keep"\? atomic takes keep, release/,
  );
  expect(registrations.filter((r) => r.name.startsWith("unknown"))).toEqual([]);
});
