// The provider against the emulator's dialects (emulator/README.md, "What the documentation leaves
// open"): answers a real MamuteCloud may give that the documents allow. Each test switches the
// dialect of one emulator, runs the lifecycle a user would, and checks what matters: the object is
// in state (with its secret), a refresh shows no diff, nothing is left behind, nothing foreign is
// adopted, no wait outlives a failure word. The whole matrix is test/conformance; these are the
// provider's own cases, each named for the reading it proves.
import { api, listAll, type Emulator } from "../harness/emulator";
import type { Engine } from "../harness/engine";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

let emu: Emulator;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
});
afterAll(() => lifecycle?.close());
afterEach(() => {
  emu.clearFaults();
  emu.setDialect([]);
});

/** The API's objects, read in the default dialect (the test's own client speaks only that). */
async function inDefault<T>(read: () => Promise<T>): Promise<T> {
  const dialect = emu.dialect();
  emu.setDialect([]);
  try {
    return await read();
  } finally {
    emu.setDialect(dialect);
  }
}

test("everything at once: a bucket and its credential are in state with the secret, refresh shows no diff, destroy leaves nothing", async () => {
  emu.setDialect("all");
  await engine.up("Bucket", "all-bucket", { name: "dialect-all-bucket" });
  const bucket = engine.get("all-bucket");
  expect(bucket.id).toMatch(/^bkt_/);
  await engine.up("BucketCredential", "all-key", { bucketId: bucket.id });
  const key = engine.get("all-key");
  expect(key.outputs.secretAccessKey).toEqual(expect.any(String));
  expect(key.outputs.active).toBe(true);
  // The secret works on the data plane.
  const credentials = await inDefault(() => listAll(emu, `/object-storage/buckets/${bucket.id}/credentials`));
  expect(credentials.map((credential) => credential.access_key_id)).toEqual([key.outputs.accessKeyId]);

  for (const [kind, name, args] of [
    ["Bucket", "all-bucket", { name: "dialect-all-bucket" }],
    ["BucketCredential", "all-key", { bucketId: bucket.id }],
  ] as const) {
    expect(await engine.refresh(name)).toBe(true);
    expect((await engine.preview(kind, name, args)).op).toBe("same");
  }
  expect(engine.get("all-key").outputs.secretAccessKey).toBe(key.outputs.secretAccessKey);

  await engine.destroy("all-key");
  await engine.destroy("all-bucket");
  expect(await inDefault(() => listAll(emu, "/object-storage/buckets"))).toEqual([]);
}, 60_000);

test("errors in another shape: a zone deleted in the dashboard is gone at refresh, and a taken name is a conflict, not a wrong endpoint", async () => {
  emu.setDialect("errors-detail");
  await engine.up("DnsZone", "detail-zone", { domain: "dialect-detail.example" });
  const { id } = engine.get("detail-zone");
  await inDefault(() => api(emu, "DELETE", `/dns/zones/${id}`));
  expect(await engine.refresh("detail-zone")).toBe(false);

  emu.setDialect("errors-text");
  await inDefault(() => api(emu, "POST", "/object-storage/buckets", { name: "dialect-taken" }));
  const refused = await engine.up("Bucket", "taken", { name: "dialect-taken" }).then(
    () => "created",
    (err: Error) => err.message,
  );
  expect(refused).toMatch(/bucket name "dialect-taken" is already taken/);
  expect(refused).not.toMatch(/mamutecloud:endpoint/);
}, 60_000);

test("filters ignored: a record whose create lost its answer adopts its own record, never another name's", async () => {
  emu.setDialect(["filters-ignored", "documented-fields", "list-array"]);
  await engine.up("DnsZone", "filters-zone", { domain: "dialect-filters.example" });
  const zoneId = engine.get("filters-zone").id;
  // Someone else's A record, listed first whatever name is asked for.
  await engine.up("DnsRecord", "theirs", { zoneId, name: "theirs", type: "A", values: ["192.0.2.1"] });

  emu.setFaults({ seed: 1, rules: [{ route: "POST /dns/zones/{zone_id}/records", fault: "lost_response", times: 1 }] });
  await engine.up("DnsRecord", "mine", { zoneId, name: "mine", type: "A", values: ["192.0.2.2"] });
  const mine = engine.get("mine");
  const listed = await inDefault(() => listAll(emu, `/dns/zones/${zoneId}/records?type=A`));
  const byName = new Map(listed.map((record) => [record.name, record.id]));
  expect(mine.id).toBe(`${zoneId}/${byName.get("mine.dialect-filters.example.")}`);
  expect(mine.id).not.toBe(engine.get("theirs").id);
  expect(listed).toHaveLength(2);
  expect((await engine.preview("DnsRecord", "mine", { zoneId, name: "mine", type: "A", values: ["192.0.2.2"] })).op).toBe("same");

  for (const name of ["mine", "theirs", "filters-zone"]) await engine.destroy(name);
}, 60_000);

test("other status words: a CDN resource that says `active` is ready; one whose deploy says `failed` stops at once and stays in state", async () => {
  emu.setDialect("status-words");
  emu.setSettings({ cdnDeployDelayMs: 200 });
  await engine.up("Bucket", "words-bucket", {});
  const bucketId = engine.get("words-bucket").id;
  await engine.up("CdnResource", "words-site", { storageOrigin: { bucketId }, distributionDomain: "dialect-words" });
  expect(engine.get("words-site").outputs).toMatchObject({ status: "active", distributionDomain: "dialect-words.mamutecdn.com" });
  expect((await engine.preview("CdnResource", "words-site", { storageOrigin: { bucketId }, distributionDomain: "dialect-words" })).op).toBe(
    "same",
  );

  emu.setDialect("status-failures");
  const started = Date.now();
  const failed = await engine.up("CdnResource", "failing-site", { storageOrigin: { bucketId } }).then(
    () => "created",
    (err: Error) => err.message,
  );
  expect(failed).toMatch(
    /gave up waiting for CDN resource \S+ \(\S+\) to be deployed after \d+s: the API reports that the deployment failed/,
  );
  expect(failed).toMatch(/status failed/);
  expect(Date.now() - started).toBeLessThan(20_000);
  // Kept in state (no orphan), so destroy removes it.
  expect(engine.get("failing-site").id).toMatch(/^cdn_/);

  emu.setDialect([]);
  for (const name of ["failing-site", "words-site", "words-bucket"]) await engine.destroy(name);
  expect(await listAll(emu, "/cdn/resource")).toEqual([]);
}, 90_000);

test("distribution_domain as a label only: set as the documents' example sends it, and a stack written before previews no change", async () => {
  emu.setDialect("distribution-label");
  emu.setSettings({ cdnDeployDelayMs: 50 });
  await engine.up("Bucket", "label-bucket", {});
  const bucketId = engine.get("label-bucket").id;
  const args = { storageOrigin: { bucketId }, distributionDomain: "dialect-label.mamutecdn.com" };
  await engine.up("CdnResource", "label-site", args);
  expect(engine.get("label-site").outputs).toMatchObject({
    distributionDomain: "dialect-label.mamutecdn.com",
    siteUrl: `http://dialect-label.mamutecdn.com.localhost:${new URL(emu.edgeUrl).port}`,
  });
  expect((await engine.preview("CdnResource", "label-site", { ...args, distributionDomain: "dialect-label" })).op).toBe("same");
  expect(await engine.refresh("label-site")).toBe(true);
  expect((await engine.preview("CdnResource", "label-site", args)).op).toBe("same");
  for (const name of ["label-site", "label-bucket"]) await engine.destroy(name);
}, 60_000);
