// Interrupted creates: the provider host SIGKILLed INSIDE a create, after the API made the object
// and before the engine heard its id, then `up` again from the checkpoint as it was (which does not
// know the object). An auto-name derived from the resource's URN marks the object as this
// resource's, so the next `up` adopts it (a CDN resource still deploying, a bucket); a key the user
// chose proves nothing, so the next `up` stops with what to do, creates nothing, and completes once
// the user did it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../harness/engine";
import { api, listAll } from "../harness/emulator";
import { killedRun } from "../harness/kill";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import type { ProviderHost } from "../harness/providerHost";
import { FIRST, fetchFromEdge, siteFiles, upSite, writeSite } from "../harness/site";
import { apiObjectIds, fullInventory } from "../harness/stack";
import { TestCa } from "../harness/testCertificates";

const PREFIX = "cut";
const HOST = `www.${PREFIX}.example`;

let lifecycle: Lifecycle;
let dir: string;
const hosts: ProviderHost[] = [];

beforeAll(async () => {
  lifecycle = await startLifecycle();
  dir = mkdtempSync(join(tmpdir(), "interrupted-create-"));
});

afterAll(async () => {
  for (const host of hosts) await host.close();
  await lifecycle?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => lifecycle.emu.clearFaults());

/**
 * Runs `up` of one resource, its POST applied but its answer lost and the lookup that follows
 * stalled, and kills the host there: inside the create. `lookups`: how many requests of the
 * lookup's route the create makes up to that lookup. Returns the next run's engine and the one
 * object the POST left in `list` (an API list route), which the checkpoint does not know.
 */
async function killedAfterPost(
  resource: { kind: string; name: string; args: Record<string, unknown> },
  routes: { post: string; lookup: string; lookups?: number },
  list: string,
): Promise<{ engine: Engine; left: any }> {
  const { emu } = lifecycle;
  const { post, lookup, lookups = 1 } = routes;
  const before = (await listAll(emu, list)).map((item) => item.id);
  emu.setFaults({
    seed: 1,
    rules: [
      { route: post, fault: "lost_response", times: 1 },
      { route: lookup, fault: "delay", delayMs: 1000, times: lookups },
    ],
  });
  const { kind, name, args } = resource;
  const engine = await killedRun(
    emu,
    lifecycle.engine,
    (current) => current.up(kind, name, args),
    { route: lookup, count: lookups, delayMs: 20 },
    hosts,
  );
  emu.clearFaults();
  expect(engine.state.has(name)).toBe(false);
  const left = (await listAll(emu, list)).filter((item) => !before.includes(item.id));
  expect(left).toHaveLength(1);
  return { engine, left: left[0] };
}

test("killed while the CDN resource waits for its deployment, the next up adopts it: one CDN resource, the site served", async () => {
  const { emu } = lifecycle;
  // A deployment long enough for the kill to land in the wait, before create returns.
  emu.setSettings({ cdnDeployDelayMs: 5000, sslValidationDelayMs: 0 });
  writeSite(dir, siteFiles(0));
  const engine: Engine = await killedRun(
    emu,
    lifecycle.engine,
    (current) => upSite(current, PREFIX, dir, FIRST),
    { route: "GET /cdn/resource/{id}", count: 2, delayMs: 50 },
    hosts,
  );
  expect(engine.state.has("cdn")).toBe(false);
  const left = await listAll(emu, "/cdn/resource");
  expect(left.map((resource) => resource.status)).toEqual(["in_progress"]);

  emu.setSettings({ cdnDeployDelayMs: 300 });
  await upSite(engine, PREFIX, dir, FIRST);
  // The one made by the killed run, not a second one beside it.
  expect((await listAll(emu, "/cdn/resource")).map((resource) => resource.id)).toEqual([left[0].id]);
  expect(engine.get("cdn").id).toBe(left[0].id);
  expect(engine.get("cdn").outputs.status).toBe("deployed");
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  expect(await fetchFromEdge(emu, HOST)).toEqual({ status: 200, body: siteFiles(0)["index.html"] });
  lifecycle.engine = engine;
}, 90_000);

test("a CDN resource with a chosen name, killed in its deployment wait: its mark (no description given) gets it adopted too", async () => {
  const { emu } = lifecycle;
  const bucketId = lifecycle.engine.get("bucket").id;
  const args = { name: `${PREFIX}-named`, storageOrigin: { bucketId }, deployTimeout: "2m" };
  emu.setSettings({ cdnDeployDelayMs: 5000 });
  const engine = await killedRun(
    emu,
    lifecycle.engine,
    (current) => current.up("CdnResource", "named", args),
    { route: "GET /cdn/resource/{id}", count: 1, delayMs: 50 },
    hosts,
  );
  expect(engine.state.has("named")).toBe(false);
  const [left] = (await listAll(emu, "/cdn/resource")).filter((resource) => resource.name === args.name);
  expect(left).toMatchObject({
    status: "in_progress",
    description: expect.stringMatching(/^Made by pulumi-mamutecloud for one Pulumi resource \(mark [a-z0-9]{12}\)$/),
  });

  emu.setSettings({ cdnDeployDelayMs: 300 });
  await engine.up("CdnResource", "named", args);
  expect(engine.get("named").id).toBe(left.id);
  expect(engine.get("named").outputs).toMatchObject({ description: "", status: "deployed" });
  expect((await listAll(emu, "/cdn/resource")).filter((resource) => resource.name === args.name)).toHaveLength(1);
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  // The mark is no change: the description the program gives is still none.
  expect((await engine.preview("CdnResource", "named", args)).op).toBe("same");
  lifecycle.engine = engine;
}, 60_000);

test("killed right after an auto-named bucket's POST, the next up adopts the bucket instead of making a second one", async () => {
  const { emu } = lifecycle;
  const { engine, left } = await killedAfterPost(
    { kind: "Bucket", name: "assets", args: {} },
    { post: "POST /object-storage/buckets", lookup: "GET /object-storage/buckets" },
    "/object-storage/buckets",
  );
  expect(left.name).toMatch(/^assets-[a-z0-9]{7}$/);

  await engine.up("Bucket", "assets", {});
  expect(engine.get("assets").id).toBe(left.id);
  expect(engine.get("assets").outputs.name).toBe(left.name);
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  // And from then on, nothing to do.
  expect((await engine.preview("Bucket", "assets", {})).op).toBe("same");
  lifecycle.engine = engine;
}, 60_000);

test("killed right after an imported certificate's POST, the next up adopts it by the mark in its tags instead of importing it twice", async () => {
  const { emu } = lifecycle;
  const intermediate = await (await TestCa.root()).intermediate("Cut Intermediate");
  const made = await intermediate.server([`shop.${PREFIX}.example`]);
  const args = { certificate: made.certificatePem, certificateChain: intermediate.certificatePem, privateKey: made.privateKeyPem };
  const { engine, left } = await killedAfterPost(
    { kind: "ImportedCertificate", name: "shop", args },
    // The list before the POST is the first request of the route; the lookup after the lost answer the second.
    { post: "POST /cdn/ssl-certificate/import", lookup: "GET /cdn/ssl-certificate", lookups: 2 },
    "/cdn/ssl-certificate",
  );
  expect(left.tags).toEqual([{ key: "pulumi-mamutecloud-mark", value: expect.stringMatching(/^[a-z0-9]{12}$/) }]);

  await engine.up("ImportedCertificate", "shop", args);
  expect(engine.get("shop").id).toBe(left.id);
  expect((await listAll(emu, "/cdn/ssl-certificate")).filter((cert) => cert.fingerprint_sha256 === left.fingerprint_sha256)).toHaveLength(
    1,
  );
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  lifecycle.engine = engine;
}, 60_000);

test("killed right after a DNS record's POST, the next up stops with how to adopt it and creates nothing; done so, it completes", async () => {
  const { emu } = lifecycle;
  const zoneId = lifecycle.engine.get("zone").id;
  const args = { zoneId, name: "blog", type: "A", values: ["192.0.2.44"] };
  const { engine, left } = await killedAfterPost(
    { kind: "DnsRecord", name: "blog", args },
    { post: "POST /dns/zones/{zone_id}/records", lookup: "GET /dns/zones/{zone_id}/records" },
    `/dns/zones/${zoneId}/records`,
  );
  expect([left.name, left.type, left.values]).toEqual([`blog.${PREFIX}.example.`, "A", ["192.0.2.44"]]);

  const inventory = await fullInventory(emu);
  const refused = await engine.up("DnsRecord", "blog", args).then(
    () => "created",
    (err: Error) => err.message,
  );
  const id = `${zoneId}/${left.id}`;
  expect(refused).toContain(`already exists (${left.id})`);
  expect(refused).toContain(
    `If no resource of this stack has the id ${id} (\`pulumi stack --show-ids\`) and an earlier \`pulumi up\` was interrupted`,
  );
  expect(refused).toContain(`it is the object that run made (created ${left.created_at})`);
  expect(refused).toContain(`\`import: "${id}"\``);
  const deleteCommand = `curl -X DELETE -H "Authorization: $MAMUTECLOUD_API_KEY" ${emu.url}/dns/zones/${zoneId}/records/${left.id}`;
  expect(refused).toContain(deleteCommand);
  expect(await fullInventory(emu)).toEqual(inventory);

  // What the message says for the dynamic provider: delete it, then up.
  const [method, path] = ["DELETE", deleteCommand.slice(deleteCommand.indexOf(emu.url) + emu.url.length)];
  expect((await api(emu, method, path)).status).toBeLessThan(300);
  await engine.up("DnsRecord", "blog", args);
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  expect(engine.get("blog").outputs).toMatchObject({ fqdn: `blog.${PREFIX}.example`, values: ["192.0.2.44"] });
  lifecycle.engine = engine;
}, 60_000);
