// BucketCredential through the real provider host, in the engine's order, against the emulator;
// every secret is proven on the S3 data plane with the AWS SDK at its default settings.
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { Engine, UNKNOWN, CheckFailedError, type ResourceState } from "../harness/engine";
import { HostCallError, type ProviderHost, type Props } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";

const KIND = "BucketCredential";
const CREATE = "POST /object-storage/buckets/{bucketId}/credentials";
const REGENERATE = "POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/regenerate";
const DEACTIVATE = "POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/deactivate";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;

/** Every secret the stack was given, and every error the provider raised: the leak test reads them. */
const secretsSeen = new Set<string>();
const errorsSeen: string[] = [];

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function newBucket(name: string): Promise<string> {
  const { status, body } = await api(emu, "POST", "/object-storage/buckets", { name });
  expect(status).toBe(201);
  return body.id;
}

async function credentialsOf(bucketId: string): Promise<any[]> {
  return listAll(emu, `/object-storage/buckets/${bucketId}/credentials`);
}

/** The resource's state, remembering its secret for the leak test. */
function stateOf(name: string): ResourceState {
  const state = engine.get(name);
  if (typeof state.outputs.secretAccessKey === "string") secretsSeen.add(state.outputs.secretAccessKey);
  return state;
}

/** A PutObject with the credential: "ok", or the HTTP status and S3 error code. */
async function s3Put(bucketId: string, accessKeyId: unknown, secretAccessKey: unknown): Promise<string> {
  const s3 = new S3Client({
    endpoint: emu.s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: String(accessKeyId), secretAccessKey: String(secretAccessKey) },
  });
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucketId, Key: "probe.txt", Body: "probe" }));
    return "ok";
  } catch (err) {
    const failure = err as Error & { $metadata?: { httpStatusCode?: number } };
    return `${failure.$metadata?.httpStatusCode} ${failure.name}`;
  } finally {
    s3.destroy();
  }
}

function s3PutAs(state: ResourceState): Promise<string> {
  return s3Put(String(state.outputs.bucketId), state.outputs.accessKeyId, state.outputs.secretAccessKey);
}

/** Runs a step that must fail, keeping its error for the leak test. */
async function failing(step: Promise<unknown>): Promise<HostCallError> {
  const err = await step.then(
    () => {
      throw new Error("expected the step to fail");
    },
    (failure: unknown) => failure,
  );
  expect(err).toBeInstanceOf(HostCallError);
  const failure = err as HostCallError;
  // An init failure carries the outputs so far: the secret may be there, but only as secretAccessKey.
  const { secretAccessKey: _secret, ...others } = failure.initFailed?.properties ?? {};
  errorsSeen.push(String(failure), failure.stack ?? "", JSON.stringify(failure.initFailed?.reasons ?? []), JSON.stringify(others));
  return failure;
}

test("preview with an unknown bucketId: check passes, keeps the unknown, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview(KIND, "preview-only", { bucketId: UNKNOWN, rotation: "2026-11" });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs.bucketId).toBe(UNKNOWN);
  expect(step.check.inputs.active).toBe(true);
  expect(step.check.inputs.rotation).toBe("2026-11");
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check(KIND, "bad", { bucketId: "bkt_a/b", active: "yes", rotation: 5, secretAccessKey: "x" });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["active", "bucketId", "rotation", "secretAccessKey"]);
  expect(check.failures).toHaveLength(4);
  expect(byProperty.bucketId).toMatch(/must be a bucket id/);
  expect(byProperty.active).toMatch(/boolean/);
  expect(byProperty.rotation).toMatch(/string/);
  expect(byProperty.secretAccessKey).toMatch(/has no property "secretAccessKey"/);

  const missing = await engine.check(KIND, "bad", {});
  expect(missing.failures).toEqual([{ property: "bucketId", reason: "is required" }]);
  await expect(engine.up(KIND, "bad", { bucketId: "" })).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

test("create: the secret works on S3; no-op diff; refresh keeps the secret and gives no diff", async () => {
  const bucketId = await newBucket("cred-basic");
  const created = await engine.up(KIND, "basic", { bucketId });
  expect(created.op).toBe("create");
  const state = stateOf("basic");
  const { accessKeyId, secretAccessKey } = state.outputs;
  expect(accessKeyId).toMatch(/^MCAK[A-Z0-9]{16}$/);
  expect(secretAccessKey).toEqual(expect.any(String));
  expect(String(secretAccessKey)).toHaveLength(40);
  expect(state.id).toBe(`${bucketId}/${accessKeyId}`);
  expect(state.outputs).toMatchObject({ bucketId, active: true, status: "active", userName: "s3-cred-basic-1" });
  expect(state.outputs.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(state.outputs).not.toHaveProperty("updatedAt");
  expect(await s3PutAs(state)).toBe("ok");

  // The API lists it, without the secret.
  const listed = await credentialsOf(bucketId);
  expect(listed.map((c) => c.access_key_id)).toEqual([accessKeyId]);
  expect(JSON.stringify(listed)).not.toContain(String(secretAccessKey));

  const again = await engine.up(KIND, "basic", { bucketId });
  expect(again.op).toBe("same");
  expect(again.diff?.changes).toBe("none");

  emu.resetRequests();
  expect(await engine.refresh("basic")).toBe(true);
  expect(emu.requests().routes).toEqual({ "GET /object-storage/buckets/{bucketId}/credentials": 1 });
  const refreshed = stateOf("basic");
  expect(refreshed.id).toBe(state.id);
  expect(refreshed.outputs.secretAccessKey).toBe(secretAccessKey);
  expect(refreshed.outputs).toMatchObject({ accessKeyId, active: true, status: "active" });
  const afterRefresh = await engine.up(KIND, "basic", { bucketId });
  expect(afterRefresh.op).toBe("same");
  expect(afterRefresh.diff?.changes).toBe("none");
  expect(await s3PutAs(stateOf("basic"))).toBe("ok");
});

test("read works from the id alone (no state): the credential as the API has it, without a secret", async () => {
  const { id, outputs } = stateOf("basic");
  // Only what the shim needs to route the call: the kind and the serialized provider.
  const read = await host.read(KIND, "basic", id, engine.props(KIND, "basic", {}));
  expect(read.id).toBe(id);
  expect(read.properties).toMatchObject({
    bucketId: outputs.bucketId,
    accessKeyId: outputs.accessKeyId,
    userName: outputs.userName,
    status: "active",
    active: true,
    createdAt: outputs.createdAt,
  });
  expect(read.properties).not.toHaveProperty("secretAccessKey");
  expect(read.inputs).toMatchObject({ bucketId: outputs.bucketId, active: true });

  await expect(host.read(KIND, "basic", "not-an-id", engine.props(KIND, "basic", {}))).rejects.toThrow(
    /"not-an-id" is not a BucketCredential id: expected <bucketId>\/<accessKeyId>/,
  );
});

test("active: false deactivates in place (S3 refuses the key), true reactivates; id and secret stay", async () => {
  const before = stateOf("basic");
  const bucketId = before.outputs.bucketId;
  const off = await engine.up(KIND, "basic", { bucketId, active: false });
  expect(off.op).toBe("update");
  expect(off.diff?.replaces).toEqual([]);
  const deactivated = stateOf("basic");
  expect(deactivated.id).toBe(before.id);
  expect(deactivated.outputs).toMatchObject({ active: false, status: "inactive", secretAccessKey: before.outputs.secretAccessKey });
  expect(await s3PutAs(deactivated)).toBe("403 InvalidAccessKeyId");
  expect((await engine.up(KIND, "basic", { bucketId, active: false })).op).toBe("same");

  const on = await engine.up(KIND, "basic", { bucketId, active: true });
  expect(on.op).toBe("update");
  expect(stateOf("basic").outputs).toMatchObject({ active: true, status: "active", secretAccessKey: before.outputs.secretAccessKey });
  expect(await s3PutAs(stateOf("basic"))).toBe("ok");
});

test("rotation regenerates the secret in place: old one refused, new one works, key id and id unchanged", async () => {
  const before = stateOf("basic");
  const bucketId = before.outputs.bucketId;
  const step = await engine.up(KIND, "basic", { bucketId, rotation: "2026-11" });
  expect(step.op).toBe("update");
  expect(step.diff?.replaces).toEqual([]);
  const rotated = stateOf("basic");
  expect(rotated.id).toBe(before.id);
  expect(rotated.outputs.accessKeyId).toBe(before.outputs.accessKeyId);
  expect(rotated.outputs.rotation).toBe("2026-11");
  expect(rotated.outputs.secretAccessKey).toEqual(expect.any(String));
  expect(rotated.outputs.secretAccessKey).not.toBe(before.outputs.secretAccessKey);
  expect(await s3Put(String(bucketId), before.outputs.accessKeyId, before.outputs.secretAccessKey)).toBe("403 SignatureDoesNotMatch");
  expect(await s3PutAs(rotated)).toBe("ok");

  // The same rotation is no change; removing it is one (and a rotation), after which it stays removed.
  expect((await engine.up(KIND, "basic", { bucketId, rotation: "2026-11" })).op).toBe("same");
  expect((await engine.up(KIND, "basic", { bucketId })).op).toBe("update");
  const removed = stateOf("basic");
  expect(removed.outputs.rotation ?? null).toBeNull();
  expect(removed.outputs.secretAccessKey).not.toBe(rotated.outputs.secretAccessKey);
  expect(await s3PutAs(removed)).toBe("ok");
  expect((await engine.up(KIND, "basic", { bucketId })).op).toBe("same");
});

test("active and rotation change in one update: deactivated with a new secret, which works once reactivated", async () => {
  const before = stateOf("basic");
  const bucketId = before.outputs.bucketId;
  emu.resetRequests();
  expect((await engine.up(KIND, "basic", { bucketId, active: false, rotation: "both" })).op).toBe("update");
  expect(emu.requests().routes[DEACTIVATE]).toBe(1);
  expect(emu.requests().routes[REGENERATE]).toBe(1);
  const both = stateOf("basic");
  expect(both.outputs).toMatchObject({ active: false, status: "inactive", rotation: "both", accessKeyId: before.outputs.accessKeyId });
  expect(both.outputs.secretAccessKey).not.toBe(before.outputs.secretAccessKey);
  expect(await s3PutAs(both)).toBe("403 InvalidAccessKeyId");
  await engine.up(KIND, "basic", { bucketId, rotation: "both" });
  expect(await s3PutAs(stateOf("basic"))).toBe("ok");
});

test("a new bucketId replaces: a new credential on the new bucket first, then the old one is revoked", async () => {
  const old = stateOf("basic");
  const newBucketId = await newBucket("cred-other");
  const step = await engine.up(KIND, "basic", { bucketId: newBucketId, rotation: "both" });
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["bucketId"]);
  expect(step.diff?.deleteBeforeReplace).toBe(false);
  expect(step.order).toEqual(["create", "delete"]);
  const current = stateOf("basic");
  expect(current.id).toBe(`${newBucketId}/${current.outputs.accessKeyId}`);
  expect(current.outputs.accessKeyId).not.toBe(old.outputs.accessKeyId);
  expect(await s3PutAs(current)).toBe("ok");
  expect(await credentialsOf(String(old.outputs.bucketId))).toEqual([]);
  expect(await s3PutAs(old)).toBe("403 InvalidAccessKeyId");
  expect((await credentialsOf(newBucketId)).map((c) => c.access_key_id)).toEqual([current.outputs.accessKeyId]);
});

test("refresh sees an out-of-band deactivate (drift), and the next up reactivates it", async () => {
  const state = stateOf("basic");
  const { bucketId, accessKeyId } = state.outputs;
  expect((await api(emu, "POST", `/object-storage/buckets/${bucketId}/credentials/${accessKeyId}/deactivate`)).status).toBe(200);
  expect(await engine.refresh("basic")).toBe(true);
  const drifted = stateOf("basic");
  expect(drifted.outputs).toMatchObject({ active: false, status: "inactive", secretAccessKey: state.outputs.secretAccessKey });
  expect(drifted.inputs.active).toBe(false);

  const fix = await engine.up(KIND, "basic", { bucketId, rotation: "both" });
  expect(fix.op).toBe("update");
  expect(stateOf("basic").outputs).toMatchObject({ active: true, status: "active", secretAccessKey: state.outputs.secretAccessKey });
  expect(await s3PutAs(stateOf("basic"))).toBe("ok");
});

test("refresh after an out-of-band revoke drops the credential; the next up creates a new one", async () => {
  const state = stateOf("basic");
  const { bucketId, accessKeyId } = state.outputs;
  expect((await api(emu, "DELETE", `/object-storage/buckets/${bucketId}/credentials/${accessKeyId}`)).status).toBe(204);
  expect(await engine.refresh("basic")).toBe(false);
  expect(engine.state.has("basic")).toBe(false);
  expect((await engine.up(KIND, "basic", { bucketId, rotation: "both" })).op).toBe("create");
  const recreated = stateOf("basic");
  expect(recreated.outputs.accessKeyId).not.toBe(accessKeyId);
  expect(await s3PutAs(recreated)).toBe("ok");
});

test("an update of a credential revoked outside the stack says so and how to recover", async () => {
  const { bucketId, accessKeyId } = stateOf("basic").outputs;
  expect((await api(emu, "DELETE", `/object-storage/buckets/${bucketId}/credentials/${accessKeyId}`)).status).toBe(204);
  const err = await failing(engine.up(KIND, "basic", { bucketId, rotation: "gone" }));
  expect(err.message).toMatch(
    new RegExp(`cannot regenerate the secret of credential ${accessKeyId} of bucket ${bucketId}: it no longer exists`),
  );
  expect(err.message).toMatch(/pulumi refresh/);
  expect(await engine.refresh("basic")).toBe(false);
});

test("delete revokes the credential (S3 refuses it); deleting it again is not an error", async () => {
  const bucketId = await newBucket("cred-delete");
  await engine.up(KIND, "doomed", { bucketId });
  const state = stateOf("doomed");
  expect(await s3PutAs(state)).toBe("ok");
  await engine.destroy("doomed");
  expect(await credentialsOf(bucketId)).toEqual([]);
  expect(await s3PutAs(state)).toBe("403 InvalidAccessKeyId");
  await host.delete(KIND, "doomed", state.id, state.outputs);
});

test("the bucket deleted: refresh drops the credential, delete succeeds, create names the missing bucket", async () => {
  const bucketId = await newBucket("cred-bucket-gone");
  await engine.up(KIND, "orphan", { bucketId });
  const state = stateOf("orphan");
  expect((await api(emu, "DELETE", `/object-storage/buckets/${bucketId}`)).status).toBe(204);
  await host.delete(KIND, "orphan", state.id, state.outputs);
  expect(await engine.refresh("orphan")).toBe(false);
  const err = await failing(engine.up(KIND, "orphan", { bucketId }));
  expect(err.message).toMatch(new RegExp(`cannot create a credential for bucket "${bucketId}": the bucket does not exist`));
  expect(err.message).toMatch(/not its name/);
  expect(engine.state.has("orphan")).toBe(false);
});

test("a create whose response is lost adopts the one credential it made and regenerates its secret", async () => {
  const bucketId = await newBucket("cred-lost");
  emu.setFaults({ seed: 1, rules: [{ route: CREATE, fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  expect((await engine.up(KIND, "lost", { bucketId })).op).toBe("create");
  expect(emu.faults().rules[0].injected).toBe(1);
  const state = stateOf("lost");
  const listed = await credentialsOf(bucketId);
  expect(listed.map((c) => c.access_key_id)).toEqual([state.outputs.accessKeyId]);
  expect(state.id).toBe(`${bucketId}/${state.outputs.accessKeyId}`);
  expect(emu.requests().routes[CREATE]).toBe(1);
  expect(emu.requests().routes[REGENERATE]).toBe(1);
  expect(await s3PutAs(state)).toBe("ok");
  expect((await engine.up(KIND, "lost", { bucketId })).op).toBe("same");
});

test("a lost response never adopts a credential that existed before the create", async () => {
  const bucketId = await newBucket("cred-lost-old");
  const existing = await api(emu, "POST", `/object-storage/buckets/${bucketId}/credentials`);
  expect(existing.status).toBe(201);
  secretsSeen.add(existing.body.secret_access_key);
  emu.setFaults({ seed: 1, rules: [{ route: CREATE, fault: "lost_response", times: 1 }] });
  await engine.up(KIND, "beside", { bucketId, active: false });
  const state = stateOf("beside");
  expect(state.outputs.accessKeyId).not.toBe(existing.body.access_key_id);
  expect(state.outputs).toMatchObject({ active: false, status: "inactive" });
  // The other credential is untouched: still active, its secret still valid.
  expect(await s3Put(bucketId, existing.body.access_key_id, existing.body.secret_access_key)).toBe("ok");
  expect((await credentialsOf(bucketId)).map((c) => c.access_key_id).sort()).toEqual(
    [existing.body.access_key_id, state.outputs.accessKeyId].sort(),
  );
  // The adopted credential's regenerated secret is the real one (it works once active).
  await engine.up(KIND, "beside", { bucketId });
  expect(await s3PutAs(stateOf("beside"))).toBe("ok");
});

test("two creates on one bucket at once, both losing their responses: two credentials, each adopted once", async () => {
  const bucketId = await newBucket("cred-pair");
  emu.setFaults({ seed: 1, rules: [{ route: CREATE, fault: "lost_response", times: 2 }] });
  emu.resetRequests();
  await Promise.all([engine.up(KIND, "pair-a", { bucketId }), engine.up(KIND, "pair-b", { bucketId })]);
  const a = stateOf("pair-a");
  const b = stateOf("pair-b");
  expect(a.outputs.accessKeyId).not.toBe(b.outputs.accessKeyId);
  expect((await credentialsOf(bucketId)).map((c) => c.access_key_id).sort()).toEqual([a.outputs.accessKeyId, b.outputs.accessKeyId].sort());
  expect(emu.faults().rules[0].injected).toBe(2);
  expect(emu.requests().routes[CREATE]).toBe(2);
  expect(emu.requests().routes[REGENERATE]).toBe(2);
  expect(await s3PutAs(a)).toBe("ok");
  expect(await s3PutAs(b)).toBe("ok");
});

test("a create refused with 503 before it was applied is tried again: one credential", async () => {
  const bucketId = await newBucket("cred-503");
  emu.setFaults({ seed: 2, rules: [{ route: CREATE, fault: "status", status: 503, times: 1 }] });
  emu.resetRequests();
  await engine.up(KIND, "retried", { bucketId });
  expect(emu.requests().routes[CREATE]).toBe(2);
  expect(emu.requests().routes[REGENERATE]).toBeUndefined();
  expect(await credentialsOf(bucketId)).toHaveLength(1);
  expect(await s3PutAs(stateOf("retried"))).toBe("ok");
});

test("a failed deactivate after create keeps the credential in state (init failure); the next up deactivates it", async () => {
  const bucketId = await newBucket("cred-init-deactivate");
  emu.setFaults({ seed: 3, rules: [{ route: DEACTIVATE, fault: "status", status: 400, times: 1 }] });
  const err = await failing(engine.up(KIND, "half", { bucketId, active: false }));
  expect(err.message).toMatch(/was created but could not be deactivated, so it is still active/);
  expect(err.message).toMatch(/HTTP 400/);
  expect(err.initFailed?.id).toMatch(new RegExp(`^${bucketId}/MCAK`));
  const kept = stateOf("half");
  expect(kept.id).toBe(err.initFailed?.id);
  expect(kept.outputs).toMatchObject({ bucketId, active: true, status: "active", __kind: KIND });
  expect(kept.outputs.secretAccessKey).toEqual(expect.any(String));
  expect(await s3PutAs(kept)).toBe("ok");

  const repair = await engine.up(KIND, "half", { bucketId, active: false });
  expect(repair.op).toBe("update");
  expect(stateOf("half").outputs).toMatchObject({ active: false, status: "inactive", secretAccessKey: kept.outputs.secretAccessKey });
  expect(await s3PutAs(stateOf("half"))).toBe("403 InvalidAccessKeyId");
  expect(await credentialsOf(bucketId)).toHaveLength(1);
});

test("lost response and then a failed regenerate: kept without a secret; the next up regenerates it", async () => {
  const bucketId = await newBucket("cred-init-regenerate");
  emu.setFaults({
    seed: 4,
    rules: [
      { route: CREATE, fault: "lost_response", times: 1 },
      { route: REGENERATE, fault: "status", status: 400, times: 1 },
    ],
  });
  const err = await failing(engine.up(KIND, "secretless", { bucketId }));
  expect(err.message).toMatch(/the answer carrying its secret was lost and regenerating the secret failed/);
  const kept = stateOf("secretless");
  expect(kept.id).toBe(err.initFailed?.id);
  expect(kept.outputs).not.toHaveProperty("secretAccessKey");
  expect(kept.outputs).toMatchObject({ bucketId, status: "active", __kind: KIND });

  const repair = await engine.up(KIND, "secretless", { bucketId });
  expect(repair.op).toBe("update");
  expect(repair.diff?.replaces).toEqual([]);
  const repaired = stateOf("secretless");
  expect(repaired.id).toBe(kept.id);
  expect(await s3PutAs(repaired)).toBe("ok");
  expect((await engine.up(KIND, "secretless", { bucketId })).op).toBe("same");
  expect(await credentialsOf(bucketId)).toHaveLength(1);
});

test("a credential kept by an init failure can be refreshed and destroyed before any repair", async () => {
  const bucketId = await newBucket("cred-init-destroy");
  emu.setFaults({ seed: 5, rules: [{ route: DEACTIVATE, fault: "status", status: 400, times: 1 }] });
  const err = await failing(engine.up(KIND, "abandoned", { bucketId, active: false }));
  // The engine keeps these properties as the outputs that read and delete are handed later.
  expect(err.initFailed?.properties.__provider).toEqual(expect.any(String));
  expect(err.initFailed?.properties.__version).toEqual(expect.any(Number));
  expect(await engine.refresh("abandoned")).toBe(true);
  expect(stateOf("abandoned").outputs).toMatchObject({ active: true, status: "active" });
  await engine.destroy("abandoned");
  expect(await credentialsOf(bucketId)).toEqual([]);
});

test("no secret leaks: not on the host's stderr, in errors, or in any output but secretAccessKey; the API key nowhere", async () => {
  expect(secretsSeen.size).toBeGreaterThanOrEqual(5);
  const states = [...engine.state.values()];
  expect(states.length).toBeGreaterThan(0);
  for (const secret of secretsSeen) {
    expect(host.stderr).not.toContain(secret);
    for (const error of errorsSeen) expect(error).not.toContain(secret);
    for (const state of states) {
      const { secretAccessKey: _secret, ...others } = state.outputs as Props;
      expect(JSON.stringify(others)).not.toContain(secret);
      expect(JSON.stringify(state.inputs)).not.toContain(secret);
    }
  }
  expect(host.stderr).not.toContain(emu.apiKey);
  for (const error of errorsSeen) expect(error).not.toContain(emu.apiKey);
  for (const state of states) expect(JSON.stringify(state)).not.toContain(emu.apiKey);
});
