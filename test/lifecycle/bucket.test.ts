// Bucket through the real provider host, in the engine's order, against the emulator.
import { Engine, UNKNOWN, CheckFailedError } from "../harness/engine";
import type { ProviderHost, HostCallError } from "../harness/providerHost";
import { api, listAll, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { putObjects } from "../harness/s3";

let emu: Emulator;
let host: ProviderHost;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, host, engine } = lifecycle);
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

async function bucketsNamed(name: string) {
  return (await listAll(emu, "/object-storage/buckets")).filter((bucket) => bucket.name === name);
}

test("preview with unknown inputs: check passes, keeps the unknowns, and calls no API", async () => {
  emu.resetRequests();
  const step = await engine.preview("Bucket", "preview-only", { name: UNKNOWN, storageClass: "infrequent_access" });
  expect(step.op).toBe("create");
  expect(step.check.failures).toEqual([]);
  expect(step.check.inputs.name).toBe(UNKNOWN);
  expect(step.check.inputs.storageClass).toBe("InfrequentAccess");
  expect(emu.requests().total).toBe(0);
});

test("invalid inputs fail at check, one failure per property, before any API call", async () => {
  emu.resetRequests();
  const check = await engine.check("Bucket", "bad", { name: "a_b", storageClass: "Glacier", forceDestroy: "yes" });
  const byProperty = Object.fromEntries(check.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["forceDestroy", "name", "storageClass"]);
  expect(byProperty.name).toMatch(/3-63 characters/);
  expect(byProperty.storageClass).toMatch(/Standard, InfrequentAccess, Archive/);
  expect(byProperty.forceDestroy).toMatch(/boolean/);
  await expect(engine.up("Bucket", "bad", { name: "x" })).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

test("auto-named bucket: create, no-op diff, refresh, no-op again, delete", async () => {
  const created = await engine.up("Bucket", "site", {});
  expect(created.op).toBe("create");
  const state = engine.get("site");
  expect(state.outputs.name).toMatch(/^site-[a-z0-9]{7}$/);
  expect(state.outputs.storageClass).toBe("Standard");
  expect(state.outputs.forceDestroy).toBe(false);
  expect(state.outputs.s3Endpoint).toBe(emu.s3Url);
  const fromApi = await api(emu, "GET", `/object-storage/buckets/${state.id}`);
  expect(fromApi.status).toBe(200);
  expect(fromApi.body.name).toBe(state.outputs.name);

  expect((await engine.up("Bucket", "site", {})).op).toBe("same");
  expect(engine.get("site").outputs.name).toBe(state.outputs.name);

  expect(await engine.refresh("site")).toBe(true);
  const again = await engine.up("Bucket", "site", {});
  expect(again.op).toBe("same");
  expect(again.diff?.changes).toBe("none");
  expect(engine.get("site").outputs.name).toBe(state.outputs.name);

  await engine.destroy("site");
  expect((await api(emu, "GET", `/object-storage/buckets/${state.id}`)).status).toBe(404);
});

test("rename updates in place and keeps the id; case is the API's", async () => {
  await engine.up("Bucket", "renamed", { name: "lifecycle-rename-a" });
  const { id } = engine.get("renamed");
  const step = await engine.up("Bucket", "renamed", { name: "Lifecycle-Rename-B" });
  expect(step.op).toBe("update");
  expect(step.diff?.replaces).toEqual([]);
  expect(engine.get("renamed").id).toBe(id);
  expect(engine.get("renamed").outputs.name).toBe("lifecycle-rename-b");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).body.name).toBe("lifecycle-rename-b");
  // Same name in another case is no change at all.
  expect((await engine.up("Bucket", "renamed", { name: "LIFECYCLE-RENAME-B" })).op).toBe("same");
  await engine.destroy("renamed");
});

test("storage class change with a chosen name replaces, deleting first (the name would collide)", async () => {
  await engine.up("Bucket", "archive", { name: "lifecycle-archive", forceDestroy: true });
  const oldId = engine.get("archive").id;
  const step = await engine.up("Bucket", "archive", { name: "lifecycle-archive", storageClass: "Archive", forceDestroy: true });
  expect(step.op).toBe("replace");
  expect(step.diff?.replaces).toEqual(["storageClass"]);
  expect(step.diff?.deleteBeforeReplace).toBe(true);
  expect(step.order).toEqual(["delete", "create"]);
  const current = engine.get("archive");
  expect(current.id).not.toBe(oldId);
  expect(current.outputs.storageClass).toBe("Archive");
  expect(await bucketsNamed("lifecycle-archive")).toHaveLength(1);
  await engine.destroy("archive");
});

test("storage class change of an auto-named bucket creates the new one first, under a new name", async () => {
  await engine.up("Bucket", "auto", { forceDestroy: true });
  const old = engine.get("auto");
  const step = await engine.up("Bucket", "auto", { storageClass: "InfrequentAccess", forceDestroy: true });
  expect(step.op).toBe("replace");
  expect(step.diff?.deleteBeforeReplace).toBe(false);
  expect(step.order).toEqual(["create", "delete"]);
  const current = engine.get("auto");
  expect(current.outputs.name).toMatch(/^auto-[a-z0-9]{7}$/);
  expect(current.outputs.name).not.toBe(old.outputs.name);
  expect((await api(emu, "GET", `/object-storage/buckets/${old.id}`)).status).toBe(404);
  // The new generated name is stable from now on.
  expect((await engine.up("Bucket", "auto", { storageClass: "InfrequentAccess", forceDestroy: true })).op).toBe("same");
  await engine.destroy("auto");
});

test("refresh sees an out-of-band rename; the next up renames it back", async () => {
  await engine.up("Bucket", "drift", { name: "lifecycle-drift" });
  const { id } = engine.get("drift");
  expect((await api(emu, "PUT", `/object-storage/buckets/${id}`, { name: "renamed-by-hand" })).status).toBe(200);
  await engine.refresh("drift");
  expect(engine.get("drift").outputs.name).toBe("renamed-by-hand");
  const step = await engine.up("Bucket", "drift", { name: "lifecycle-drift" });
  expect(step.op).toBe("update");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).body.name).toBe("lifecycle-drift");
  await engine.destroy("drift");
});

test("refresh after an out-of-band delete drops the bucket; the next up creates it again", async () => {
  await engine.up("Bucket", "gone", { name: "lifecycle-gone" });
  const { id } = engine.get("gone");
  expect((await api(emu, "DELETE", `/object-storage/buckets/${id}`)).status).toBe(204);
  expect(await engine.refresh("gone")).toBe(false);
  expect((await engine.up("Bucket", "gone", { name: "lifecycle-gone" })).op).toBe("create");
  expect(engine.get("gone").id).not.toBe(id);
  await engine.destroy("gone");
});

test("forceDestroy false: a bucket holding only a/b.txt is not deleted, and keeps its file", async () => {
  await engine.up("Bucket", "kept", { name: "lifecycle-kept" });
  const { id } = engine.get("kept");
  await putObjects(emu, id, { "a/b.txt": "still here" });

  const failure = engine.destroy("kept");
  await expect(failure).rejects.toThrow(/still holds 1 file \(e\.g\. a\/b\.txt\) and forceDestroy is false/);
  await expect(failure).rejects.toThrow(/set forceDestroy: true/);
  const files = await listAll(emu, `/object-storage/buckets/${id}/files`);
  expect(files.map((file) => file.key)).toEqual(["a/b.txt"]);

  // Setting forceDestroy is an in-place change that touches nothing; then destroy deletes it all.
  const step = await engine.up("Bucket", "kept", { name: "lifecycle-kept", forceDestroy: true });
  expect(step.op).toBe("update");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).status).toBe(200);
  await engine.destroy("kept");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).status).toBe(404);
});

test("a name taken by a bucket outside the stack is an error naming it, and nothing is adopted", async () => {
  const other = await api(emu, "POST", "/object-storage/buckets", { name: "someone-elses" });
  expect(other.status).toBe(201);
  const attempt = engine.up("Bucket", "thief", { name: "someone-elses" });
  await expect(attempt).rejects.toThrow(/bucket name "someone-elses" is already taken by bucket bkt_/);
  expect(engine.state.has("thief")).toBe(false);
  expect(await bucketsNamed("someone-elses")).toHaveLength(1);
});

test("a create whose response is lost adopts the bucket instead of making a second one", async () => {
  emu.setFaults({ seed: 1, rules: [{ route: "POST /object-storage/buckets", fault: "lost_response", times: 1 }] });
  emu.resetRequests();
  await engine.up("Bucket", "lost", { name: "lifecycle-lost-response" });
  const buckets = await bucketsNamed("lifecycle-lost-response");
  expect(buckets).toHaveLength(1);
  expect(engine.get("lost").id).toBe(buckets[0].id);
  expect(emu.requests().routes["POST /object-storage/buckets"]).toBe(1);
  await engine.destroy("lost");
});

test("a create that failed with 503 before it was applied is tried again, once applied", async () => {
  emu.setFaults({ seed: 2, rules: [{ route: "POST /object-storage/buckets", fault: "status", status: 503, times: 1 }] });
  emu.resetRequests();
  await engine.up("Bucket", "retried", { name: "lifecycle-retried" });
  expect(await bucketsNamed("lifecycle-retried")).toHaveLength(1);
  expect(emu.requests().routes["POST /object-storage/buckets"]).toBe(2);
  await engine.destroy("retried");
});

test("errors from the host never carry the API key", async () => {
  const failed = await host
    .create("Bucket", "x", { ...engine.props("Bucket", "x", { name: "someone-elses" }) })
    .catch((err: HostCallError) => err);
  expect(String(failed)).toMatch(/already taken/);
  expect(String(failed)).not.toContain(emu.apiKey);
  expect(host.stderr).not.toContain(emu.apiKey);
  for (const state of engine.state.values()) expect(JSON.stringify(state)).not.toContain(emu.apiKey);
});

test("a storage class change is refused at check while forceDestroy is false in the state: the replacement would delete the files", async () => {
  await engine.up("Bucket", "classy", { name: "lifecycle-classy" });
  const { id } = engine.get("classy");
  await putObjects(emu, id, { "keep.txt": "precious" });
  emu.resetRequests();
  // Even with forceDestroy set in the same change: the old bucket is deleted with its old state.
  for (const forceDestroy of [false, true]) {
    const check = await engine.check("Bucket", "classy", { name: "lifecycle-classy", storageClass: "Archive", forceDestroy });
    expect(check.failures.map((f) => f.property)).toEqual(["storageClass"]);
    expect(check.failures[0].reason).toMatch(/replaces the bucket, and the replacement deletes the old bucket with every file in it/);
    expect(check.failures[0].reason).toMatch(/first set forceDestroy: true and run `pulumi up`/);
  }
  await expect(engine.up("Bucket", "classy", { name: "lifecycle-classy", storageClass: "Archive" })).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
  expect(engine.get("classy").id).toBe(id);
  expect((await listAll(emu, `/object-storage/buckets/${id}/files`)).map((file) => file.key)).toEqual(["keep.txt"]);

  // Done as the message says, the replacement goes through, and the loss of the files was asked for.
  expect((await engine.up("Bucket", "classy", { name: "lifecycle-classy", forceDestroy: true })).op).toBe("update");
  const step = await engine.up("Bucket", "classy", { name: "lifecycle-classy", storageClass: "Archive", forceDestroy: true });
  expect(step.op).toBe("replace");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).status).toBe(404);
  expect(engine.get("classy").outputs.storageClass).toBe("Archive");
  await engine.destroy("classy");
});

test("an auto-named bucket renamed outside the stack is renamed back by the next up after a refresh", async () => {
  await engine.up("Bucket", "autodrift", {});
  const { id, outputs } = engine.get("autodrift");
  expect((await api(emu, "PUT", `/object-storage/buckets/${id}`, { name: "renamed-by-hand-auto" })).status).toBe(200);
  await engine.refresh("autodrift");
  expect(engine.get("autodrift").outputs.name).toBe("renamed-by-hand-auto");
  const step = await engine.up("Bucket", "autodrift", {});
  expect(step.op).toBe("update");
  expect((await api(emu, "GET", `/object-storage/buckets/${id}`)).body.name).toBe(outputs.name);
  expect((await engine.up("Bucket", "autodrift", {})).op).toBe("same");
  await engine.destroy("autodrift");
});

test("renaming a bucket deleted outside the stack says to run `pulumi refresh`", async () => {
  await engine.up("Bucket", "vanished", { name: "lifecycle-vanished" });
  const { id } = engine.get("vanished");
  expect((await api(emu, "DELETE", `/object-storage/buckets/${id}`)).status).toBe(204);
  const failure = engine.up("Bucket", "vanished", { name: "lifecycle-vanished-2" });
  await expect(failure).rejects.toThrow(/cannot rename bucket "lifecycle-vanished" \(bkt_[0-9a-f]+\): it no longer exists/);
  await expect(failure).rejects.toThrow(/Run `pulumi refresh`/);
  expect(await engine.refresh("vanished")).toBe(false);
});

test("a rename onto a name the stack's other bucket holds names that bucket and points at aliases, never at deleting it", async () => {
  await engine.up("Bucket", "first", { name: "lifecycle-swap-a" });
  await engine.up("Bucket", "second", { name: "lifecycle-swap-b" });
  const failure = engine.up("Bucket", "first", { name: "lifecycle-swap-b" });
  await expect(failure).rejects.toThrow(`bucket name "lifecycle-swap-b" is already taken by bucket ${engine.get("second").id}`);
  await expect(failure).rejects.toThrow(/`aliases`.*`deleteBeforeReplace: true`/s);
  await expect(failure).rejects.not.toThrow(/did not create|delete (it|that)/i);
  await engine.destroy("second");
  await engine.destroy("first");
});
