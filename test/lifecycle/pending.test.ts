// Creates whose outcome stays unknown, through the real provider host: the answer is lost and the
// adoption lookup fails, or several credentials could be the one made. Nothing is lost track of:
// the stack keeps a `pending:` trace that the next up, refresh or destroy settles, and nothing
// that someone else made is adopted.
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Engine } from "../harness/engine";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { failing, startHeldLostCreate } from "../harness/steps";

const CREATE_BUCKET = "POST /object-storage/buckets";
const LIST_BUCKETS = "GET /object-storage/buckets";
const CREATE_CREDENTIAL = "POST /object-storage/buckets/{bucketId}/credentials";
const LIST_CREDENTIALS = "GET /object-storage/buckets/{bucketId}/credentials";

let emu: Emulator;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function bucketsNamed(name: string): Promise<any[]> {
  return (await listAll(emu, "/object-storage/buckets")).filter((bucket) => bucket.name === name);
}

/** A lost create whose every lookup fails: 500 on the list for all of the client's attempts. */
function loseCreateAndLookups(create: string, list: string): void {
  emu.setFaults({
    seed: 3,
    rules: [
      { route: create, fault: "lost_response", times: 1 },
      { route: list, fault: "status", status: 500, times: 6 },
    ],
  });
}

test("a lost create whose lookup fails once is looked up again (5xx on a GET is retried) and adopted", async () => {
  emu.setFaults({
    seed: 3,
    rules: [
      { route: CREATE_BUCKET, fault: "lost_response", times: 1 },
      { route: LIST_BUCKETS, fault: "status", status: 500, times: 1 },
    ],
  });
  expect((await engine.up("Bucket", "retried-lookup", { name: "pending-retried-lookup" })).op).toBe("create");
  const buckets = await bucketsNamed("pending-retried-lookup");
  expect(buckets.map((bucket) => bucket.id)).toEqual([engine.get("retried-lookup").id]);
  await engine.destroy("retried-lookup");
});

test("lookups failing: the error says what may exist, the stack keeps a trace, and the next up leaves exactly one bucket", async () => {
  loseCreateAndLookups(CREATE_BUCKET, LIST_BUCKETS);
  const err = await failing(engine.up("Bucket", "named", { name: "pending-named" }));
  expect(err.message).toMatch(/a bucket named "pending-named" may exist/i);
  expect(err.message).toMatch(/the next `pulumi up` settles it/);
  const trace = engine.get("named");
  expect(trace.id).toMatch(/^pending:/);
  expect(trace.initErrors?.length).toBe(1);
  expect(await bucketsNamed("pending-named")).toHaveLength(1);

  emu.clearFaults();
  // Before, every later up failed: "already taken by bucket …, which this stack did not create".
  const step = await engine.up("Bucket", "named", { name: "pending-named" });
  expect(step.op).toBe("replace");
  expect(step.order).toEqual(["delete", "create"]);
  const buckets = await bucketsNamed("pending-named");
  expect(buckets.map((bucket) => bucket.id)).toEqual([engine.get("named").id]);
  expect(engine.get("named").initErrors).toBeUndefined();
  expect((await engine.up("Bucket", "named", { name: "pending-named" })).op).toBe("same");
  await engine.destroy("named");
  expect(await bucketsNamed("pending-named")).toHaveLength(0);
});

test("an auto-named bucket is not orphaned: the next up leaves one, and destroy leaves none", async () => {
  loseCreateAndLookups(CREATE_BUCKET, LIST_BUCKETS);
  await failing(engine.up("Bucket", "auto", {}));
  const name = String(engine.get("auto").outputs.name);
  expect(name).toMatch(/^auto-[a-z0-9]{7}$/);
  expect(await bucketsNamed(name)).toHaveLength(1);
  emu.clearFaults();
  await engine.up("Bucket", "auto", {});
  const all = (await listAll(emu, "/object-storage/buckets")).filter((bucket) => bucket.name.startsWith("auto-"));
  expect(all.map((bucket) => bucket.id)).toEqual([engine.get("auto").id]);
  await engine.destroy("auto");
  expect((await listAll(emu, "/object-storage/buckets")).filter((bucket) => bucket.name.startsWith("auto-"))).toHaveLength(0);
});

test("refresh adopts what the lost create made: the id becomes the bucket's, and the next up changes nothing", async () => {
  loseCreateAndLookups(CREATE_BUCKET, LIST_BUCKETS);
  await failing(engine.up("Bucket", "refreshed", { name: "pending-refreshed" }));
  emu.clearFaults();
  const [made] = await bucketsNamed("pending-refreshed");
  expect(await engine.refresh("refreshed")).toBe(true);
  expect(engine.get("refreshed").id).toBe(made.id);
  expect((await engine.up("Bucket", "refreshed", { name: "pending-refreshed" })).op).toBe("same");
  await engine.destroy("refreshed");
  expect(await bucketsNamed("pending-refreshed")).toHaveLength(0);
});

test("destroy deletes what the lost create made; a trace of a create that made nothing is simply dropped", async () => {
  loseCreateAndLookups(CREATE_BUCKET, LIST_BUCKETS);
  await failing(engine.up("Bucket", "destroyed", { name: "pending-destroyed" }));
  emu.clearFaults();
  await engine.destroy("destroyed");
  expect(await bucketsNamed("pending-destroyed")).toHaveLength(0);

  // Dropped before it was applied, and the lookups failed: nothing to find, nothing to delete.
  emu.setFaults({
    seed: 3,
    rules: [
      { route: CREATE_BUCKET, fault: "drop", times: 1 },
      { route: LIST_BUCKETS, fault: "status", status: 500, times: 6 },
    ],
  });
  await failing(engine.up("Bucket", "never-made", { name: "pending-never-made" }));
  emu.clearFaults();
  expect(await engine.refresh("never-made")).toBe(false);
  expect(engine.state.has("never-made")).toBe(false);
});

test("a record's trace is settled by the next up: one record, the stack's", async () => {
  await engine.up("DnsZone", "zone", { domain: "pending.example" });
  const zoneId = engine.get("zone").id;
  loseCreateAndLookups("POST /dns/zones/{zone_id}/records", "GET /dns/zones/{zone_id}/records");
  const err = await failing(engine.up("DnsRecord", "www", { zoneId, name: "www", type: "A", values: ["192.0.2.1"] }));
  expect(err.message).toMatch(/an A record for www\.pending\.example may exist/i);
  emu.clearFaults();
  await engine.up("DnsRecord", "www", { zoneId, name: "www", type: "A", values: ["192.0.2.1"] });
  const records = (await listAll(emu, `/dns/zones/${zoneId}/records`)).filter((record) => !record.managed);
  expect(records.map((record) => `${zoneId}/${record.id}`)).toEqual([engine.get("www").id]);
  await engine.destroy("www");
  await engine.destroy("zone");
});

describe("credentials", () => {
  let bucketId: string;

  beforeAll(async () => {
    bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "pending-credentials" })).body.id;
  });

  const credentials = async () => listAll(emu, `/object-storage/buckets/${bucketId}/credentials`);

  async function s3Works(accessKeyId: string, secretAccessKey: string): Promise<boolean> {
    const s3 = new S3Client({
      endpoint: emu.s3Url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucketId, Key: "probe.txt", Body: "probe" }));
      return true;
    } catch {
      return false;
    } finally {
      s3.destroy();
    }
  }

  /** An up whose credential create is held 300 ms and then loses its answer; resolves while it is held. */
  const upWithHeldLostCreate = (name: string) =>
    startHeldLostCreate(emu, CREATE_CREDENTIAL, () => engine.up("BucketCredential", name, { bucketId }));

  test("a lost create whose lookups fail is not orphaned: the next up leaves one credential, the stack's", async () => {
    // The list before the create must pass: the 500s are switched on while the create is held.
    const attempt = (await upWithHeldLostCreate("orphan")).outcome;
    emu.setFaults({ seed: 4, rules: [{ route: LIST_CREDENTIALS, fault: "status", status: 500, times: 6 }] });
    const err = await attempt;
    expect(err.message).toMatch(/a credential on bucket bkt_[0-9a-f]+ may exist/i);
    expect(engine.get("orphan").id).toMatch(/^pending:/);
    expect(await credentials()).toHaveLength(1);

    emu.clearFaults();
    await engine.up("BucketCredential", "orphan", { bucketId });
    const state = engine.get("orphan");
    expect((await credentials()).map((c) => `${bucketId}/${c.access_key_id}`)).toEqual([state.id]);
    expect(await s3Works(String(state.outputs.accessKeyId), String(state.outputs.secretAccessKey))).toBe(true);
    await engine.destroy("orphan");
    expect(await credentials()).toHaveLength(0);
  });

  test("someone else's credential made during a lost create is never adopted: nothing is, the error lists both", async () => {
    const attempt = (await upWithHeldLostCreate("mine")).outcome;
    // Another user makes a key on the same bucket while the stack's create is under way.
    const theirs = await api(emu, "POST", `/object-storage/buckets/${bucketId}/credentials`);
    expect(theirs.status).toBe(201);
    const err = await attempt;
    const listed = await credentials();
    expect(listed).toHaveLength(2);
    for (const credential of listed) expect(err.message).toContain(credential.access_key_id);
    expect(err.message).toMatch(/none was adopted/);
    expect(emu.requests().routes["POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/regenerate"]).toBeUndefined();
    expect(await s3Works(theirs.body.access_key_id, theirs.body.secret_access_key)).toBe(true);
    expect(engine.get("mine").id).toMatch(/^pending:/);

    // While both remain, up stops rather than guess, and touches neither.
    const again = await failing(engine.up("BucketCredential", "mine", { bucketId }));
    expect(again.message).toContain(theirs.body.access_key_id);
    expect(await credentials()).toHaveLength(2);

    // Told apart (the stack's own revoked): the next up leaves theirs alone and makes a new one.
    const ours = listed.find((credential) => credential.access_key_id !== theirs.body.access_key_id)!;
    expect((await api(emu, "DELETE", `/object-storage/buckets/${bucketId}/credentials/${ours.access_key_id}`)).status).toBe(204);
    await engine.up("BucketCredential", "mine", { bucketId });
    const state = engine.get("mine");
    expect((await credentials()).map((c) => c.access_key_id).sort()).toEqual(
      [theirs.body.access_key_id, String(state.outputs.accessKeyId)].sort(),
    );
    expect(await s3Works(theirs.body.access_key_id, theirs.body.secret_access_key)).toBe(true);
    await engine.destroy("mine");
    expect((await credentials()).map((c) => c.access_key_id)).toEqual([theirs.body.access_key_id]);
  });
});

describe("a server whose created_at lags its Date header", () => {
  afterEach(() => {
    emu.state.clockOffsetMs = 0;
  });

  test("a lost create is adopted before any create has shown the lag (10 s)", async () => {
    // A fresh host: nothing learned yet about the clock that stamps created_at.
    const fresh = await startLifecycle();
    try {
      fresh.emu.state.clockOffsetMs = -10_000;
      fresh.emu.setFaults({ seed: 6, rules: [{ route: CREATE_BUCKET, fault: "lost_response", times: 1 }] });
      // Before: "already taken by bucket …, which this stack did not create" (2 s of slack).
      await fresh.engine.up("Bucket", "lagging", { name: "lagging-first" });
      const buckets = (await listAll(fresh.emu, "/object-storage/buckets")).filter((bucket) => bucket.name === "lagging-first");
      expect(buckets.map((bucket) => bucket.id)).toEqual([fresh.engine.get("lagging").id]);
    } finally {
      await fresh.close();
    }
  });

  test("once a create has answered, any lag is learned (5 minutes)", async () => {
    emu.state.clockOffsetMs = -300_000;
    await engine.up("Bucket", "teacher", { name: "lagging-teacher" });
    emu.setFaults({ seed: 7, rules: [{ route: CREATE_BUCKET, fault: "lost_response", times: 1 }] });
    await engine.up("Bucket", "pupil", { name: "lagging-pupil" });
    expect((await bucketsNamed("lagging-pupil")).map((bucket) => bucket.id)).toEqual([engine.get("pupil").id]);
    await engine.destroy("pupil");
    await engine.destroy("teacher");
  });
});
