// CdnCustomDomain through the real provider host, against the emulator. The list of custom domains
// lives on the CDN resource and is replaced whole by each PUT, so the concurrency tests are the
// point: twenty domains attached at once all land, and detaching half of them leaves the other half.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, Props } from "../harness/providerHost";
import { api, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { expectNoChangeAfterRefresh, failing } from "../harness/steps";
import { putObjects } from "../harness/s3";
import { edgeGet } from "../emulator/cdn-helpers";
import { outsideInterruptedAdvice } from "../harness/conflictMessage";

const KIND = "CdnCustomDomain";
const RESOURCE_PUT = "PUT /cdn/resource/{id}";
const DOMAIN_PUT = "PUT /cdn/resource/{id}/custom-domain/{customDomainId}";
const ACTIVATE = "POST /cdn/resource/{id}/custom-domain/{customDomainId}/activate";
const DEACTIVATE = "POST /cdn/resource/{id}/custom-domain/{customDomainId}/deactivate";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
let resourceId: string;
let distributionDomain: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
  emu.setSettings({ cdnDeployDelayMs: 0 });
  const bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "domains-lifecycle" })).body.id;
  await putObjects(emu, bucketId, { "index.html": "root", "abc/index.html": "tenant abc" });
  await engine.up("CdnResource", "cdn", { name: "domains-site", storageOrigin: { bucketId }, defaultBehavior: { subdomainRouting: true } });
  resourceId = engine.get("cdn").id;
  distributionDomain = String(engine.get("cdn").outputs.distributionDomain);
});

afterAll(() => lifecycle?.close());

afterEach(() => {
  emu.clearFaults();
  emu.setSettings({ cdnDeployDelayMs: 0 });
});

async function domainsOf(id = resourceId): Promise<any[]> {
  const { status, body } = await api(emu, "GET", `/cdn/resource/${id}`);
  expect(status).toBe(200);
  return body.custom_domains;
}

test("preview with an unknown resource id: check passes, keeps the unknown, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview(KIND, "preview-only", { resourceId: UNKNOWN, domainName: "WWW.Example.COM.", certificateId: UNKNOWN });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({
    resourceId: UNKNOWN,
    domainName: "www.example.com",
    certificateId: UNKNOWN,
    additionalDomains: [],
    active: true,
    activationTimeout: "30m",
  });
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, naming each property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check(KIND, "bad", {
    resourceId: "cdn_1/x",
    domainName: "a.*.example.com",
    additionalDomains: ["ok.example.com", "site.mamutecdn.com"],
    active: "yes",
    activationTimeout: "forever",
  });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["activationTimeout", "active", "additionalDomains", "domainName", "resourceId"]);
  expect(byProperty.resourceId).toMatch(/must be a CDN resource id/);
  expect(byProperty.domainName).toMatch(/"a\.\*\.example\.com" is not a domain name/);
  expect(byProperty.additionalDomains).toMatch(/"site.mamutecdn.com" is under mamutecdn.com/);
  expect(byProperty.activationTimeout).toMatch(/positive duration/);
  const missing = await engine.check(KIND, "bad", {});
  expect(missing.failures.map((f) => f.property).sort()).toEqual(["domainName", "resourceId"]);
  await expect(engine.up(KIND, "bad", { resourceId })).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

const www = (extra: Props = {}): Props => ({
  resourceId,
  domainName: "www.lifecycle.example",
  additionalDomains: ["lifecycle.example"],
  ...extra,
});

test("create attaches and activates, waiting until deployed; outputs the CNAME target; no-op; refresh and no diff", async () => {
  emu.setSettings({ cdnDeployDelayMs: 300 });
  emu.resetRequests();
  expect((await engine.up(KIND, "www", www())).op).toBe("create");
  const { id, outputs } = engine.get("www");
  expect(id).toMatch(new RegExp(`^${resourceId}/cd_[0-9a-f]{16}$`));
  expect(outputs).toMatchObject({
    resourceId,
    domainName: "www.lifecycle.example",
    additionalDomains: ["lifecycle.example"],
    active: true,
    status: "active",
    cnameTarget: distributionDomain,
    customDomainId: id.split("/")[1],
  });
  expect(emu.requests().routes[RESOURCE_PUT]).toBe(1);
  expect(emu.requests().routes[ACTIVATE]).toBe(1);
  expect(await domainsOf()).toEqual([
    expect.objectContaining({ id: outputs.customDomainId, status: "active", domain_name: "www.lifecycle.example" }),
  ]);
  expect((await api(emu, "GET", `/cdn/resource/${resourceId}`)).body.status).toBe("deployed");
  expect(host.stdout).toMatch(
    /waiting for custom domain www.lifecycle.example \(cd_[0-9a-f]{16}\) on CDN resource cdn_[0-9a-f]{16} to be active and deployed/,
  );

  const served = await edgeGet(emu, { host: "lifecycle.example", path: "/" });
  expect([served.status, served.body]).toEqual([200, "root"]);

  expect((await engine.up(KIND, "www", www())).op).toBe("same");
  await expectNoChangeAfterRefresh(engine, KIND, "www", www());

  // The read id alone is enough.
  const read = await host.read(KIND, "www", id, engine.props(KIND, "www", {}));
  expect(read.properties).toMatchObject({
    resourceId,
    domainName: "www.lifecycle.example",
    status: "active",
    cnameTarget: distributionDomain,
  });
});

test("update in place: names, then active false deactivates and true reactivates; the id stays", async () => {
  const before = engine.get("www");
  emu.resetRequests();
  const renamed = www({ domainName: "web.lifecycle.example", additionalDomains: ["LIFECYCLE.example", "www.lifecycle.example"] });
  const step = await engine.up(KIND, "www", renamed);
  expect(step.op).toBe("update");
  expect(step.diff?.replaces).toEqual([]);
  expect(emu.requests().routes[DOMAIN_PUT]).toBe(1);
  expect(emu.requests().routes[RESOURCE_PUT]).toBeUndefined();
  expect(engine.get("www").id).toBe(before.id);
  expect(await domainsOf()).toEqual([
    expect.objectContaining({
      domain_name: "web.lifecycle.example",
      additional_domains: ["lifecycle.example", "www.lifecycle.example"],
      status: "active",
    }),
  ]);
  await expectNoChangeAfterRefresh(engine, KIND, "www", renamed);

  expect((await engine.up(KIND, "www", { ...renamed, active: false })).op).toBe("update");
  expect(engine.get("www").outputs).toMatchObject({ active: false, status: "inactive" });
  expect(emu.requests().routes[DEACTIVATE]).toBe(1);
  expect((await engine.up(KIND, "www", { ...renamed, active: false })).op).toBe("same");
  expect((await engine.up(KIND, "www", renamed)).op).toBe("update");
  expect(engine.get("www").outputs).toMatchObject({ active: true, status: "active" });
});

test("refresh sees an out-of-band deactivation and removal; the next up restores each", async () => {
  const { outputs } = engine.get("www");
  const args = www({ domainName: "web.lifecycle.example", additionalDomains: ["lifecycle.example", "www.lifecycle.example"] });
  await api(emu, "POST", `/cdn/resource/${resourceId}/custom-domain/${outputs.customDomainId}/deactivate`);
  expect(await engine.refresh("www")).toBe(true);
  expect(engine.get("www").outputs).toMatchObject({ active: false, status: "inactive" });
  expect((await engine.up(KIND, "www", args)).op).toBe("update");
  expect((await domainsOf())[0].status).toBe("active");

  await api(emu, "PUT", `/cdn/resource/${resourceId}`, { custom_domains: [] });
  expect(await engine.refresh("www")).toBe(false);
  expect((await engine.up(KIND, "www", args)).op).toBe("create");
  expect(await domainsOf()).toEqual([expect.objectContaining({ domain_name: "web.lifecycle.example", status: "active" })]);
});

test("a new resourceId replaces: detached from the old resource first (a name has one custom domain), then attached", async () => {
  const bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "domains-lifecycle-2" })).body.id;
  await engine.up("CdnResource", "cdn2", { name: "domains-site-2", storageOrigin: { bucketId } });
  const otherId = engine.get("cdn2").id;
  const args = www({
    resourceId: otherId,
    domainName: "web.lifecycle.example",
    additionalDomains: ["lifecycle.example", "www.lifecycle.example"],
  });
  const step = await engine.up(KIND, "www", args);
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["resourceId"]);
  expect(step.order).toEqual(["delete", "create"]);
  expect(await domainsOf()).toEqual([]);
  expect(await domainsOf(otherId)).toEqual([expect.objectContaining({ domain_name: "web.lifecycle.example", status: "active" })]);
  expect(engine.get("www").outputs.cnameTarget).toBe(engine.get("cdn2").outputs.distributionDomain);
  await engine.destroy("www");
  expect(await domainsOf(otherId)).toEqual([]);
  await engine.destroy("cdn2");
});

test("a wildcard domain with subdomain routing serves each tenant's folder; inactive, it is not served", async () => {
  await engine.up(KIND, "tenants", { resourceId, domainName: "*.tenants.example" });
  const tenant = await edgeGet(emu, { host: "abc.tenants.example", path: "/" });
  expect([tenant.status, tenant.body]).toEqual([200, "tenant abc"]);
  const www_ = await edgeGet(emu, { host: "www.tenants.example", path: "/" });
  expect([www_.status, www_.body]).toEqual([200, "root"]);
  await engine.up(KIND, "tenants", { resourceId, domainName: "*.tenants.example", active: false });
  expect((await edgeGet(emu, { host: "abc.tenants.example", path: "/" })).status).toBe(421);
  await engine.destroy("tenants");
});

test("20 custom domains created at once on one resource all land; deleting 10 at once leaves exactly the other 10", async () => {
  emu.setSettings({ cdnDeployDelayMs: 50 });
  const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
  await Promise.all(names.map((name) => engine.up(KIND, name, { resourceId, domainName: `${name}.many.example` })));
  const all = await domainsOf();
  expect(all.map((d) => d.domain_name).sort()).toEqual(names.map((n) => `${n}.many.example`).sort());
  expect(all.every((d) => d.status === "active")).toBe(true);
  for (const name of names) expect(all.map((d) => d.id)).toContain(engine.get(name).outputs.customDomainId);

  const [gone, kept] = [names.slice(0, 10), names.slice(10)];
  await Promise.all(gone.map((name) => engine.destroy(name)));
  expect((await domainsOf()).map((d) => d.domain_name).sort()).toEqual(kept.map((n) => `${n}.many.example`).sort());
  await Promise.all(kept.map((name) => engine.destroy(name)));
  expect(await domainsOf()).toEqual([]);
});

test("a CDN resource with active custom domains is destroyed in one destroy (domains first, as the engine orders it)", async () => {
  const bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "domains-destroy" })).body.id;
  await engine.up("CdnResource", "doomed", { name: "domains-doomed", storageOrigin: { bucketId } });
  const doomedId = engine.get("doomed").id;
  await Promise.all(
    ["a", "b", "c"].map((n) => engine.up(KIND, `doomed-${n}`, { resourceId: doomedId, domainName: `${n}.doomed.example` })),
  );
  expect((await domainsOf(doomedId)).map((d) => d.status)).toEqual(["active", "active", "active"]);
  // `pulumi destroy`: dependents (the domains) at once, then the resource.
  await Promise.all(["a", "b", "c"].map((n) => engine.destroy(`doomed-${n}`)));
  await engine.destroy("doomed");
  expect((await api(emu, "GET", `/cdn/resource/${doomedId}`)).status).toBe(404);
  // The names are free again.
  await engine.up(KIND, "reuse", { resourceId, domainName: "a.doomed.example" });
  await engine.destroy("reuse");
});

test("an activation that outlasts activationTimeout stays in state with the error saying what and the last status; the next up finishes", async () => {
  emu.setSettings({ cdnDeployDelayMs: 60_000 });
  const args = { resourceId, domainName: "slow.lifecycle.example", activationTimeout: "1s" };
  const err = await failing(engine.up(KIND, "slow", args));
  expect(err.message).toMatch(
    /custom domain slow.lifecycle.example was attached to CDN resource cdn_[0-9a-f]{16} but timed out after 1s waiting for custom domain slow.lifecycle.example \(cd_[0-9a-f]{16}\) on CDN resource cdn_[0-9a-f]{16} to be active and deployed; last status: domain active, resource in_progress/,
  );
  expect(engine.get("slow").id).toBe(err.initFailed?.id);
  emu.setSettings({ cdnDeployDelayMs: 0 });
  emu.resetRequests();
  expect((await engine.up(KIND, "slow", args)).op).toBe("update");
  expect(emu.requests().routes[RESOURCE_PUT]).toBeUndefined();
  expect((await engine.up(KIND, "slow", args)).op).toBe("same");
  expect((await domainsOf()).filter((d) => d.domain_name === "slow.lifecycle.example")).toHaveLength(1);
  await engine.destroy("slow");
});

test("a lost response on attach adopts the domain it made instead of attaching it twice", async () => {
  emu.setFaults({ seed: 1, rules: [{ route: RESOURCE_PUT, fault: "lost_response", times: 1 }] });
  await engine.up(KIND, "lost", { resourceId, domainName: "lost.lifecycle.example" });
  expect(emu.faults().rules[0].injected).toBe(1);
  const found = (await domainsOf()).filter((d) => d.domain_name === "lost.lifecycle.example");
  expect(found).toHaveLength(1);
  expect(engine.get("lost").outputs).toMatchObject({ customDomainId: found[0].id, status: "active" });
  await engine.destroy("lost");
});

test("a name already attached before the create is a conflict that names it, never an adoption", async () => {
  await api(emu, "PUT", `/cdn/resource/${resourceId}`, { custom_domains: [{ domain_name: "theirs.lifecycle.example" }] });
  const err = await failing(engine.up(KIND, "mine", { resourceId, domainName: "theirs.lifecycle.example" }));
  expect(err.message).toMatch(/custom domain "theirs.lifecycle.example" is already in use on CDN resource cdn_\w+ as cd_\w+/);
  expect(err.message).toMatch(/`aliases`.*`deleteBeforeReplace: true`/s);
  expect(outsideInterruptedAdvice(err.message)).not.toMatch(/did not create|not by this stack|detach it|delete (it|that)/i);
  expect(engine.state.has("mine")).toBe(false);
  expect(await domainsOf()).toHaveLength(1);
  await api(emu, "PUT", `/cdn/resource/${resourceId}`, { custom_domains: [] });
});

test("a name held by another custom domain, on a rename or an attach elsewhere, is a conflict that names the holder and points at aliases", async () => {
  await engine.up(KIND, "first", { resourceId, domainName: "first.lifecycle.example" });
  await engine.up(KIND, "second", { resourceId, domainName: "second.lifecycle.example" });
  const second = String(engine.get("second").outputs.customDomainId);
  const rename = await failing(engine.up(KIND, "first", { resourceId, domainName: "second.lifecycle.example" }));
  expect(rename.message).toMatch(/cannot rename custom domain first\.lifecycle\.example \(cd_\w+\) to "second\.lifecycle\.example"/);
  expect(rename.message).toContain(second);
  expect(rename.message).toMatch(/`aliases`.*`deleteBeforeReplace: true`/s);
  expect(rename.message).not.toMatch(/did not create|detach it|delete (it|that)/i);

  const bucketId = (engine.get("cdn").outputs.storageOrigin as { bucketId: string }).bucketId;
  const other = await api(emu, "POST", "/cdn/resource", { name: "domains-other", origin_group: { type: "storage", bucket_id: bucketId } });
  expect(other.status).toBe(201);
  const elsewhere = await failing(engine.up(KIND, "elsewhere", { resourceId: other.body.id, domainName: "second.lifecycle.example" }));
  expect(elsewhere.message).toContain(second);
  expect(elsewhere.message).toMatch(/`aliases`/);
  expect(engine.state.has("elsewhere")).toBe(false);

  expect((await domainsOf()).map((d) => d.domain_name).sort()).toEqual(["first.lifecycle.example", "second.lifecycle.example"]);
  await engine.destroy("first");
  await engine.destroy("second");
  await api(emu, "DELETE", `/cdn/resource/${other.body.id}`);
});

test("attaching to a resource that does not exist says so", async () => {
  const err = await failing(engine.up(KIND, "orphan", { resourceId: "cdn_0000000000000000", domainName: "orphan.example.com" }));
  expect(err.message).toMatch(/CDN resource cdn_0000000000000000 does not exist/);
});
