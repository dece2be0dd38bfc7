// CdnResource through the real provider host, in the engine's order, against the emulator: the
// create that needs a POST and a PUT, the wait for `deployed` (with its progress and its timeout),
// updates that send only what changed and never the custom domains, and the adopt rule.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, Props } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { expectNoChangeAfterRefresh, failing } from "../harness/steps";
import { putObjects } from "../harness/s3";
import { edgeGet } from "../emulator/cdn-helpers";
import { outsideInterruptedAdvice } from "../harness/conflictMessage";

const KIND = "CdnResource";
const POST = "POST /cdn/resource";
const PUT = "PUT /cdn/resource/{id}";
const ORIGIN_PUT = "PUT /cdn/origin-group/{id}";
const CHECK_NAME = "GET /cdn/resource/check-distribution-name";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;
let bucketId: string;
let otherBucketId: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
  emu.setSettings({ cdnDeployDelayMs: 0 });
  bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "cdn-lifecycle-site" })).body.id;
  await putObjects(emu, bucketId, { "index.html": "<h1>home</h1>", "404.html": "not here" });
  otherBucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "cdn-lifecycle-other" })).body.id;
});

afterAll(() => lifecycle?.close());

afterEach(() => {
  emu.clearFaults();
  emu.setSettings({ cdnDeployDelayMs: 0 });
});

async function resourceOf(name: string) {
  const { status, body } = await api(emu, "GET", `/cdn/resource/${engine.get(name).id}`);
  expect(status).toBe(200);
  return body;
}

async function resourcesNamed(name: string) {
  return (await listAll(emu, "/cdn/resource")).filter((resource) => resource.name === name);
}

const site = (): Props => ({
  name: "lifecycle-site",
  storageOrigin: { bucketId },
  distributionDomain: "Lifecycle-Site",
  defaultBehavior: { subdomainRouting: true },
  customErrorResponses: [{ errorCode: 404, responsePagePath: "/404.html" }],
});

test("preview with an unknown bucket id: check passes, fills the API's defaults, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview(KIND, "preview-only", { storageOrigin: { bucketId: UNKNOWN }, distributionDomain: UNKNOWN });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs).toMatchObject({
    storageOrigin: { bucketId: UNKNOWN },
    distributionDomain: UNKNOWN,
    description: "",
    tokenAuth: false,
    deployTimeout: "30m",
    defaultBehavior: { cacheTtlSeconds: 86400, viewerProtocolPolicy: "allow_all", subdomainRouting: false },
    behaviors: [],
    customErrorResponses: [],
  });
  expect(step.check.inputs.name).toMatch(/^preview-only-[a-z0-9]{7}$/);
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, naming each property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check(KIND, "bad", {
    name: "-bad",
    customOrigin: { hostname: "origin..example.com", httpPort: 0, protocolPolicy: "ftp", originSslProtocols: ["SSLv3"] },
    distributionDomain: "a",
    defaultBehavior: { subdomainRouting: true },
    customErrorResponses: [{ errorCode: 200, responsePagePath: "404.html" }],
    deployTimeout: "soon",
  });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["customErrorResponses", "customOrigin", "deployTimeout", "distributionDomain", "name"]);
  expect(byProperty.name).toMatch(/starting with a letter or digit/);
  expect(byProperty.customOrigin).toMatch(/hostname/);
  expect(byProperty.customOrigin).toMatch(/httpPort/);
  expect(byProperty.customOrigin).toMatch(/"ftp" is not a protocol policy: use one of http_only, https_only, match_viewer/);
  expect(byProperty.customOrigin).toMatch(/"SSLv3" is not a TLS version/);
  expect(byProperty.distributionDomain).toMatch(/"a" is not a distribution name/);
  expect(byProperty.customErrorResponses).toMatch(/errorCode/);
  expect(byProperty.deployTimeout).toMatch(/positive duration/);

  // Origin rules across properties: exactly one origin; subdomain routing only for a bucket.
  const none = await engine.check(KIND, "bad", {});
  expect(none.failures).toEqual([
    { property: "storageOrigin", reason: expect.stringMatching(/storageOrigin \(a bucket\) or customOrigin/) },
  ]);
  const both = await engine.check(KIND, "bad", { storageOrigin: { bucketId }, customOrigin: { hostname: "example.com" } });
  expect(both.failures).toEqual([{ property: "customOrigin", reason: "give either storageOrigin or customOrigin, not both" }]);
  const routing = await engine.check(KIND, "bad", {
    customOrigin: { hostname: "example.com" },
    defaultBehavior: { subdomainRouting: true },
  });
  expect(routing.failures).toEqual([
    { property: "defaultBehavior", reason: expect.stringMatching(/subdomainRouting needs a storage origin/) },
  ]);
  await expect(engine.up(KIND, "bad", {})).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

test("create: checks the name is free, POST, one PUT for what POST refuses, waits until deployed while showing progress", async () => {
  emu.setSettings({ cdnDeployDelayMs: 400 });
  emu.resetRequests();
  const step = await engine.up(KIND, "site", site());
  expect(step.op).toBe("create");
  const { id, outputs } = engine.get("site");
  expect(id).toMatch(/^cdn_[0-9a-f]{16}$/);
  expect(outputs).toMatchObject({
    name: "lifecycle-site",
    distributionDomain: "lifecycle-site.mamutecdn.com",
    // Against the emulator, where a browser on its machine opens the site.
    siteUrl: `http://lifecycle-site.mamutecdn.com.localhost:${new URL(emu.edgeUrl).port}`,
    status: "deployed",
    storageOrigin: { bucketId, originPath: "", defaultRootObject: "index.html" },
    defaultBehavior: { subdomainRouting: true, cacheTtlSeconds: 86400, viewerProtocolPolicy: "allow_all" },
    customErrorResponses: [{ errorCode: 404, responsePagePath: "/404.html", responseCode: 404, cacheTtlSeconds: 10 }],
    tokenAuth: false,
  });
  expect(outputs.originGroupId).toMatch(/^og_[0-9a-f]{16}$/);
  expect(outputs).not.toHaveProperty("customDomains");
  const routes = emu.requests().routes;
  expect(routes[CHECK_NAME]).toBe(1);
  expect(routes[POST]).toBe(1);
  expect(routes[PUT]).toBe(1);

  const api_ = await resourceOf("site");
  expect(api_.distribution_domain).toBe("lifecycle-site.mamutecdn.com");
  expect(api_.behaviors[0]).toMatchObject({ priority: 0, subdomain_routing: true });
  // The edge serves the bucket at the friendlier domain, with the custom error page.
  const home = await edgeGet(emu, { host: "lifecycle-site.mamutecdn.com", path: "/" });
  expect([home.status, home.body]).toEqual([200, "<h1>home</h1>"]);
  const missing = await edgeGet(emu, { host: "lifecycle-site.mamutecdn.com", path: "/nope" });
  expect([missing.status, missing.body]).toEqual([404, "not here"]);
  // Progress reached the host's output, which the Pulumi CLI shows.
  expect(host.stdout).toMatch(
    new RegExp(`waiting for CDN resource ${id} \\(lifecycle-site\\) to be deployed \\(status in_progress, timeout 30m\\)`),
  );
  expect(host.stdout).toMatch(new RegExp(`CDN resource ${id} \\(lifecycle-site\\) to be deployed: deployed after \\d+s`));
});

test("no-op, then refresh and no diff", async () => {
  const again = await engine.up(KIND, "site", site());
  expect(again.op).toBe("same");
  await expectNoChangeAfterRefresh(engine, KIND, "site", site());
});

test("update in place sends only what changed, and leaves the custom domains alone", async () => {
  const { id } = engine.get("site");
  // A custom domain attached outside this resource (as CdnCustomDomain does).
  const attached = await api(emu, "PUT", `/cdn/resource/${id}`, { custom_domains: [{ domain_name: "keep.example.com" }] });
  expect(attached.status).toBe(200);

  emu.resetRequests();
  const args = {
    ...site(),
    description: "the site",
    storageOrigin: { bucketId: otherBucketId, originPath: "/public/" },
    behaviors: [{ priority: 1, pathPattern: "/assets/*", cacheTtlSeconds: 3600 }],
    customErrorResponses: [],
    tokenAuth: true,
  };
  const step = await engine.up(KIND, "site", args);
  expect(step.op).toBe("update");
  expect(step.diff?.replaces).toEqual([]);
  const routes = emu.requests().routes;
  expect(routes[ORIGIN_PUT]).toBe(1);
  expect(routes[PUT]).toBe(1);
  expect(routes[POST]).toBeUndefined();
  expect(routes[CHECK_NAME]).toBeUndefined(); // the distribution domain did not change

  const now = await resourceOf("site");
  expect(now.id).toBe(id);
  expect(now.description).toBe("the site");
  expect(now.origin_groups[0]).toMatchObject({ bucket_id: otherBucketId, origin_path: "/public" });
  expect(now.behaviors.map((b: any) => [b.priority, b.path_pattern, b.cache_ttl_seconds])).toEqual([
    [0, "*", 86400],
    [1, "/assets/*", 3600],
  ]);
  expect(now.custom_error_responses).toEqual([]);
  expect(now.token_auth.enabled).toBe(true);
  expect(now.custom_domains.map((d: any) => d.domain_name)).toEqual(["keep.example.com"]);
  expect(engine.get("site").outputs).toMatchObject({ status: "deployed", tokenAuth: true, storageOrigin: { originPath: "/public" } });
  // Token auth is in force at the edge: an unsigned request is refused.
  expect((await edgeGet(emu, { host: "lifecycle-site.mamutecdn.com", path: "/" })).status).toBe(403);
  await expectNoChangeAfterRefresh(engine, KIND, "site", args);

  // Back again, token auth off, the behavior removed.
  expect((await engine.up(KIND, "site", site())).op).toBe("update");
  const back = await resourceOf("site");
  expect(back.behaviors).toHaveLength(1);
  expect(back.token_auth.enabled).toBe(false);
  expect(back.custom_domains.map((d: any) => d.domain_name)).toEqual(["keep.example.com"]);
  expect((await edgeGet(emu, { host: "lifecycle-site.mamutecdn.com", path: "/" })).body).toBe("<h1>home</h1>");
  await api(emu, "PUT", `/cdn/resource/${id}`, { custom_domains: [] });
  await expectNoChangeAfterRefresh(engine, KIND, "site", site());
});

test("a distribution domain that is taken fails before any change, naming it", async () => {
  const other = await api(emu, "POST", "/cdn/resource", { name: "someone-else", origin_group: { type: "storage", bucket_id: bucketId } });
  await api(emu, "PUT", `/cdn/resource/${other.body.id}`, { distribution_domain: "taken-name" });
  emu.resetRequests();
  const err = await failing(engine.up(KIND, "site", { ...site(), description: "changed", distributionDomain: "taken-name" }));
  expect(err.message).toContain(`distributionDomain "taken-name.mamutecdn.com" is already taken by CDN resource ${other.body.id}`);
  expect(err.message).toMatch(/`aliases`/);
  expect(err.message).not.toMatch(/did not create|delete (it|that)/i);
  expect(emu.requests().routes[PUT]).toBeUndefined();

  // On create, too: nothing is made.
  emu.resetRequests();
  const onCreate = await failing(engine.up(KIND, "clash", { storageOrigin: { bucketId }, distributionDomain: "taken-name.mamutecdn.com" }));
  expect(onCreate.message).toMatch(/"taken-name.mamutecdn.com" is already taken/);
  expect(onCreate.initFailed).toBeUndefined();
  expect(emu.requests().routes[POST]).toBeUndefined();
  await api(emu, "DELETE", `/cdn/resource/${other.body.id}`);
});

test("switching the origin kind replaces the resource, deleting the old one first (the name is unique)", async () => {
  const old = engine.get("site");
  const args = {
    name: "lifecycle-site",
    customOrigin: { hostname: "origin.example.com", protocolPolicy: "https-only" },
    distributionDomain: "lifecycle-site",
  };
  const step = await engine.up(KIND, "site", args);
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces.sort()).toEqual(["customOrigin", "storageOrigin"]);
  expect(step.order).toEqual(["delete", "create"]);
  const current = engine.get("site");
  expect(current.id).not.toBe(old.id);
  expect(current.outputs).toMatchObject({
    customOrigin: {
      hostname: "origin.example.com",
      protocolPolicy: "https_only",
      httpPort: 80,
      httpsPort: 443,
      originSslProtocols: ["TLSv1.2"],
    },
    distributionDomain: "lifecycle-site.mamutecdn.com",
  });
  expect(current.outputs.storageOrigin).toBeUndefined();
  expect((await api(emu, "GET", `/cdn/resource/${old.id}`)).status).toBe(404);
  await expectNoChangeAfterRefresh(engine, KIND, "site", args);
  // Within one kind the origin changes in place.
  const moved = { ...args, customOrigin: { hostname: "origin2.example.com", customHeaders: [{ name: "X-Origin", value: "cdn" }] } };
  expect((await engine.up(KIND, "site", moved)).op).toBe("update");
  expect((await resourceOf("site")).origin_groups[0]).toMatchObject({ hostname: "origin2.example.com", protocol_policy: "match_viewer" });
  await expectNoChangeAfterRefresh(engine, KIND, "site", moved);
});

test("refresh sees an out-of-band change, and the next up puts it back", async () => {
  const { id } = engine.get("site");
  await api(emu, "PUT", `/cdn/resource/${id}`, {
    description: "edited in the dashboard",
    behaviors: [{ action: "update", priority: 0, cache_ttl_seconds: 5 }],
  });
  expect(await engine.refresh("site")).toBe(true);
  expect(engine.get("site").outputs).toMatchObject({ description: "edited in the dashboard", defaultBehavior: { cacheTtlSeconds: 5 } });
  const args = {
    name: "lifecycle-site",
    customOrigin: { hostname: "origin2.example.com", customHeaders: [{ name: "X-Origin", value: "cdn" }] },
    distributionDomain: "lifecycle-site",
  };
  expect((await engine.up(KIND, "site", args)).op).toBe("update");
  expect(await resourceOf("site")).toMatchObject({ description: "", behaviors: [{ cache_ttl_seconds: 86400 }] });
});

test("refresh after an out-of-band delete drops it; the next up creates it again; destroy deletes it", async () => {
  const { id } = engine.get("site");
  expect((await api(emu, "DELETE", `/cdn/resource/${id}`)).status).toBe(204);
  expect(await engine.refresh("site")).toBe(false);
  expect((await engine.up(KIND, "site", site())).op).toBe("create");
  const again = engine.get("site");
  expect(again.id).not.toBe(id);
  await engine.destroy("site");
  expect((await api(emu, "GET", `/cdn/resource/${again.id}`)).status).toBe(404);
  // Deleting what is already gone is not an error.
  await host.delete(KIND, "site", again.id, again.outputs);
});

test("a deployment that outlasts deployTimeout: the error says what, how long and the last status; it stays in state; the next up finishes it", async () => {
  emu.setSettings({ cdnDeployDelayMs: 60_000 });
  emu.resetRequests();
  const args = { name: "lifecycle-slow", storageOrigin: { bucketId }, distributionDomain: "lifecycle-slow", deployTimeout: "2s" };
  const err = await failing(engine.up(KIND, "slow", args));
  expect(err.message).toMatch(
    /CDN resource cdn_[0-9a-f]{16} was created but timed out after 2s waiting for CDN resource cdn_[0-9a-f]{16} \(lifecycle-slow\) to be deployed; last status: in_progress\. It is kept in the stack; the next `pulumi up` waits again/,
  );
  expect(err.initFailed?.id).toMatch(/^cdn_/);
  const kept = engine.get("slow");
  expect(kept.id).toBe(err.initFailed?.id);
  expect(kept.outputs).toMatchObject({ status: "in_progress", distributionDomain: "lifecycle-slow.mamutecdn.com" });
  expect(host.stdout).toMatch(
    /still waiting for CDN resource cdn_[0-9a-f]{16} \(lifecycle-slow\) to be deployed: status in_progress, \ds elapsed of 2s/,
  );

  // The deployment finishes; the next up waits for it, and creates nothing.
  emu.setSettings({ cdnDeployDelayMs: 0 });
  emu.resetRequests();
  const next = await engine.up(KIND, "slow", args);
  expect(next.op).toBe("update");
  expect(engine.get("slow")).toMatchObject({ id: kept.id, outputs: { status: "deployed" } });
  expect(emu.requests().routes[POST]).toBeUndefined();
  expect(emu.requests().routes[PUT]).toBeUndefined();
  expect((await engine.up(KIND, "slow", args)).op).toBe("same");
  expect(await resourcesNamed("lifecycle-slow")).toHaveLength(1);

  // An update whose deployment outlasts the timeout: the change is made, and the next up waits for it.
  emu.setSettings({ cdnDeployDelayMs: 60_000 });
  const changed = { ...args, description: "slower" };
  const updateErr = await failing(engine.up(KIND, "slow", changed));
  expect(updateErr.message).toMatch(
    /timed out after 2s waiting for CDN resource .* to be deployed; last status: in_progress\. The change was made; the next `pulumi up` waits again/,
  );
  expect(engine.get("slow").outputs.description).toBe("");
  emu.setSettings({ cdnDeployDelayMs: 0 });
  emu.resetRequests();
  expect((await engine.up(KIND, "slow", changed)).op).toBe("update");
  expect(emu.requests().routes[PUT]).toBeUndefined(); // already made: only the wait
  expect(engine.get("slow").outputs).toMatchObject({ description: "slower", status: "deployed" });
  await engine.destroy("slow");
});

test("a create whose follow-up PUT failed stays in state, and the next up finishes the PUT", async () => {
  emu.setFaults({ seed: 3, rules: [{ route: PUT, fault: "status", status: 400 }] });
  const args = { name: "lifecycle-halfway", storageOrigin: { bucketId }, defaultBehavior: { subdomainRouting: true } };
  const err = await failing(engine.up(KIND, "halfway", args));
  expect(err.message).toMatch(
    /CDN resource cdn_[0-9a-f]{16} was created but could not be finished: update CDN resource .* failed: HTTP 400/,
  );
  expect(engine.get("halfway").outputs).toMatchObject({ defaultBehavior: { subdomainRouting: false } });
  emu.clearFaults();
  expect((await engine.up(KIND, "halfway", args)).op).toBe("update");
  expect((await resourceOf("halfway")).behaviors[0].subdomain_routing).toBe(true);
  expect(await resourcesNamed("lifecycle-halfway")).toHaveLength(1);
  await engine.destroy("halfway");
});

test("a create whose response is lost adopts the resource (found by its name) instead of making a second one", async () => {
  emu.setFaults({ seed: 1, rules: [{ route: POST, fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up(KIND, "lost", { name: "lifecycle-lost", storageOrigin: { bucketId }, distributionDomain: "lifecycle-lost" });
  expect(emu.faults().rules[0].injected).toBe(1);
  const found = await resourcesNamed("lifecycle-lost");
  expect(found).toHaveLength(1);
  expect(engine.get("lost").id).toBe(found[0].id);
  expect(engine.get("lost").outputs).toMatchObject({ distributionDomain: "lifecycle-lost.mamutecdn.com", status: "deployed" });
  expect(emu.requests().routes[POST]).toBe(1);
  await engine.destroy("lost");
});

test("a name taken before the create is a conflict that names it, never an adoption", async () => {
  const theirs = await api(emu, "POST", "/cdn/resource", {
    name: "lifecycle-theirs",
    origin_group: { type: "storage", bucket_id: bucketId },
  });
  const err = await failing(engine.up(KIND, "mine", { name: "lifecycle-theirs", storageOrigin: { bucketId } }));
  expect(err.message).toMatch(new RegExp(`CDN resource name "lifecycle-theirs" is already taken by CDN resource ${theirs.body.id}`));
  expect(err.message).toMatch(/`aliases`.*`deleteBeforeReplace: true`/s);
  expect(outsideInterruptedAdvice(err.message)).not.toMatch(/did not create|delete (it|that)/i);
  expect(engine.state.has("mine")).toBe(false);
  await api(emu, "DELETE", `/cdn/resource/${theirs.body.id}`);
});

test("nothing the host printed contains the API key", () => {
  expect(host.stderr).not.toContain(emu.apiKey);
  expect(host.stdout).not.toContain(emu.apiKey);
});
