// The Cloud's kinds through its native plugin against its emulator: what a user of each kind checks.
import { CheckFailedError } from "../harness/engine";
import { HostCallError, ProviderHost, REPO_ROOT, configurePlugin, revealed } from "../harness/providerHost";
import { invoke } from "../plugin/harness";
import { PLUGIN, startTheCloud, theCloudApi, theCloudEnv, theCloudSettings, type TheCloudRig } from "./harness";

let rig: TheCloudRig;

beforeAll(async () => {
  // The auth limit as the reference states it (5 a minute), in a window short enough for a test.
  rig = await startTheCloud({ emulator: { authRateLimit: 5, authRateWindowMs: 3000 } });
});

afterAll(async () => rig?.close());

async function listBuckets(): Promise<Array<{ name: string; is_public: boolean; versioning_enabled: boolean }>> {
  const { status, body } = await theCloudApi(rig.emu, "GET", "/storage/buckets");
  expect(status).toBe(200);
  return body;
}

async function put(bucket: string, key: string, text: string): Promise<void> {
  const response = await fetch(`${rig.emu.url}/storage/${bucket}/${key}`, {
    method: "PUT",
    headers: { "x-api-key": rig.emu.apiKey, "content-type": "text/plain" },
    body: text,
  });
  expect(response.status).toBeLessThan(300);
}

describe("Bucket", () => {
  test("up, refresh and preview agree; versioning changes in place; public replaces only once forceDestroy is set", async () => {
    const { engine } = rig;
    const created = await engine.up("Bucket", "assets", { versioning: true });
    expect(created.op).toBe("create");
    const name = engine.get("assets").id;
    expect(name).toMatch(/^assets-[a-z0-9]{7}$/);
    expect((await listBuckets()).find((b) => b.name === name)).toMatchObject({ is_public: false, versioning_enabled: true });

    expect(await engine.refresh("assets")).toBe(true);
    expect((await engine.preview("Bucket", "assets", { versioning: true })).op).toBe("same");

    rig.emu.resetRequests();
    expect((await engine.up("Bucket", "assets", { versioning: false })).op).toBe("update");
    expect(rig.emu.requestCounts().routes).toMatchObject({ "PATCH /storage/buckets/:bucket/versioning": 1 });
    expect((await listBuckets()).find((b) => b.name === name)?.versioning_enabled).toBe(false);

    // A replacement would delete the objects with the old bucket: refused at preview, naming the way.
    await put(name, "logo.txt", "hello");
    const refused = await engine.preview("Bucket", "assets", { public: true }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CheckFailedError);
    expect((refused as Error).message).toMatch(/public: changing public replaces the bucket .* forceDestroy: true/);

    await engine.up("Bucket", "assets", { forceDestroy: true });
    const replaced = await engine.up("Bucket", "assets", { public: true, forceDestroy: true });
    expect(replaced.op).toBe("replace");
    const newName = engine.get("assets").id;
    expect(newName).not.toBe(name);
    const after = await listBuckets();
    expect(after.map((b) => b.name)).toContain(newName);
    expect(after.map((b) => b.name)).not.toContain(name);
    await engine.destroy("assets");
    expect((await listBuckets()).map((b) => b.name)).not.toContain(newName);
  });

  test("destroying a bucket that holds objects without forceDestroy deletes nothing and says why", async () => {
    const { engine } = rig;
    await engine.up("Bucket", "kept", {});
    const name = engine.get("kept").id;
    await put(name, "a.txt", "a");
    await put(name, "b.txt", "b");
    rig.emu.resetRequests();
    const failed = await engine.destroy("kept").catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(HostCallError);
    expect((failed as Error).message).toMatch(
      new RegExp(`bucket "${name}" still holds 2 objects .*forceDestroy is false, so nothing was deleted`),
    );
    expect(rig.emu.requestCounts().routes["DELETE /storage/buckets/:bucket"]).toBeUndefined();
    expect((await listBuckets()).map((b) => b.name)).toContain(name);

    await engine.up("Bucket", "kept", { forceDestroy: true });
    await engine.destroy("kept");
    expect(rig.emu.requestCounts().routes).toMatchObject({ "DELETE /storage/buckets/:bucket": 1 });
    expect((await listBuckets()).map((b) => b.name)).not.toContain(name);
  });

  test("getBucket finds a bucket by name or id, and names what it did not find", async () => {
    const { engine } = rig;
    await engine.up("Bucket", "looked-up", { name: "looked-up-1", versioning: true });
    const byName = await invoke(rig.host, "thecloud:index:getBucket", { name: "looked-up-1" });
    expect(byName.failures).toEqual([]);
    expect(byName.result).toMatchObject({ id: "looked-up-1", name: "looked-up-1", versioning: true, public: false });
    expect((await invoke(rig.host, "thecloud:index:getBucket", { id: "looked-up-1" })).result).toMatchObject({ name: "looked-up-1" });
    const missing = await invoke(rig.host, "thecloud:index:getBucket", { name: "no-such-bucket" }).catch((err: unknown) => err);
    expect((missing as Error).message).toMatch(/getBucket: no Bucket with name "no-such-bucket"/);
    await engine.destroy("looked-up");
  });

  test("a bucket deleted out of band is dropped by refresh; a name the routes use is refused at preview", async () => {
    const { engine } = rig;
    await engine.up("Bucket", "gone", { name: "gone-bucket-1" });
    expect((await theCloudApi(rig.emu, "DELETE", "/storage/buckets/gone-bucket-1")).status).toBeLessThan(300);
    expect(await engine.refresh("gone")).toBe(false);

    const refused = await engine.preview("Bucket", "routes", { name: "versions" }).catch((err: unknown) => err);
    expect((refused as Error).message).toMatch(/name: must not be one of buckets, versions, multipart, cluster/);
  });
});

describe("BucketLifecycleRule", () => {
  test("created, read back, replaced on a change of days, and deleted", async () => {
    const { engine } = rig;
    await engine.up("Bucket", "logs", {});
    const bucket = engine.get("logs").id;
    await engine.up("BucketLifecycleRule", "expire", { bucket, prefix: "logs/", expirationDays: 30 });
    const rule = engine.get("expire");
    expect(rule.id).toMatch(new RegExp(`^${bucket}/`));
    expect(await engine.refresh("expire")).toBe(true);
    expect((await engine.preview("BucketLifecycleRule", "expire", { bucket, prefix: "logs/", expirationDays: 30 })).op).toBe("same");

    const replaced = await engine.up("BucketLifecycleRule", "expire", { bucket, prefix: "logs/", expirationDays: 7 });
    expect(replaced.op).toBe("replace");
    const { body } = await theCloudApi(rig.emu, "GET", `/storage/buckets/${bucket}/lifecycle`);
    expect(body).toEqual([expect.objectContaining({ prefix: "logs/", expiration_days: 7 })]);

    await engine.destroy("expire");
    expect((await theCloudApi(rig.emu, "GET", `/storage/buckets/${bucket}/lifecycle`)).body).toEqual([]);
    await engine.destroy("logs");
  });

  test("a bad number of days fails at preview naming the property", async () => {
    const refused = await rig.engine
      .preview("BucketLifecycleRule", "bad", { bucket: "some-bucket", expirationDays: 0 })
      .catch((err: unknown) => err);
    expect((refused as Error).message).toMatch(/expirationDays: must be at least 1 day/);
  });
});

describe("ApiKey", () => {
  test("six keys are created, refreshed and destroyed under the 5-a-minute auth limit, the secret kept across refresh", async () => {
    const { engine } = rig;
    const names = ["ci-1", "ci-2", "ci-3", "ci-4", "ci-5", "ci-6"];
    rig.emu.resetRequests();
    await Promise.all(names.map((name) => engine.up("ApiKey", name, { name })));
    const secrets = names.map((name) => engine.get(name).outputs.key as unknown);
    for (const secret of secrets) expect(JSON.stringify(secret)).toMatch(/thecloud_/);

    // Six creates, and a list before them (what a lost create could have made is new since it) that
    // creates starting together share: not one per key. Throttled attempts are retries, not requests asked.
    const created = rig.emu.requestCounts();
    expect(Object.keys(created.routes).sort()).toEqual(["GET /auth/keys", "POST /auth/keys"]);
    const lists = created.routes["GET /auth/keys"] + created.routes["POST /auth/keys"] - created.throttled - 6;
    expect(lists).toBeGreaterThanOrEqual(1);
    expect(lists).toBeLessThanOrEqual(2);
    rig.emu.resetRequests();
    await Promise.all(names.map((name) => engine.refresh(name)));
    expect(names.map((name) => engine.get(name).outputs.key)).toEqual(secrets);
    // The refresh read the key list once, not once per key: one request of the five a minute (and
    // its retries while the limit still counted the creates).
    const counts = rig.emu.requestCounts();
    expect(counts.routes).toEqual({ "GET /auth/keys": 1 + counts.throttled });

    await Promise.all(names.map((name) => engine.destroy(name)));
    const { body } = await theCloudApi(rig.emu, "GET", "/auth/keys");
    expect((body as Array<{ name: string }>).filter((key) => names.includes(key.name))).toEqual([]);
  }, 120_000);

  test("rotation makes a new secret, the new key before the old one goes; the provider's own key is never deleted", async () => {
    const { engine } = rig;
    await engine.up("ApiKey", "deploy", { name: "deploy" });
    const first = engine.get("deploy");
    const rotated = await engine.up("ApiKey", "deploy", { name: "deploy", rotation: "2026-12" });
    expect(rotated.op).toBe("replace");
    expect(rotated.order).toEqual(["create", "delete"]);
    expect(engine.get("deploy").id).not.toBe(first.id);
    expect(engine.get("deploy").outputs.key).not.toEqual(first.outputs.key);
    const { body } = await theCloudApi(rig.emu, "GET", "/auth/keys");
    expect((body as Array<{ id: string }>).map((key) => key.id)).not.toContain(first.id);

    // A provider signed in with this very key refuses to delete it, and the key still works.
    const secret = revealed(engine.get("deploy").outputs).key as string;
    const signedIn = await ProviderHost.startExecutable(PLUGIN, {
      cwd: REPO_ROOT,
      engineAddress: rig.logs.address,
      env: theCloudEnv(),
      pkg: "thecloud",
    });
    try {
      await configurePlugin(signedIn, theCloudSettings({ url: rig.emu.url, apiKey: secret }));
      const refused = await engine
        .resumeWith(signedIn)
        .destroy("deploy")
        .catch((err: unknown) => err);
      expect((refused as Error).message).toMatch(/is the key this provider signs in with \(thecloud:apiKey\), so it will not delete it/);
      expect((await theCloudApi({ url: rig.emu.url, apiKey: secret }, "GET", "/auth/keys")).status).toBe(200);
    } finally {
      await signedIn.close();
    }
    await engine.destroy("deploy");
  }, 60_000);
});
