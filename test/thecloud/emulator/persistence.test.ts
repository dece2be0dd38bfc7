// --data-dir: users, keys, buckets, object versions with their bytes, rules and unfinished uploads
// survive a restart; the starting key is kept (or replaced by --api-key); the folder is locked.
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTheCloudEmulator } from "../../../thecloud/emulator";
import { Api, sha256 } from "./helpers";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "thecloud-persist-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("everything but the counters survives a restart", async () => {
  const first = await startTheCloudEmulator({ port: 0, dataDir: dir, authRateLimit: 0 });
  const api = new Api(first);
  await api.post("/storage/buckets", { name: "kept", is_public: true });
  await api.patch("/storage/buckets/kept/versioning", { enabled: true });
  await api.put("/storage/kept/doc.txt", "one");
  await api.put("/storage/kept/doc.txt", "two");
  await api.put("/storage/kept/gone.txt", "gone");
  await api.delete("/storage/kept/gone.txt");
  const rule = (await api.post("/storage/buckets/kept/lifecycle", { prefix: "logs/", expiration_days: 9 })).body;
  const key = (await api.post("/auth/keys", { name: "ci" })).body;
  await api.post("/auth/register", { email: "saved@example.com", password: "password", name: "Saved" }, { headers: {} });
  const upload = (await api.post("/storage/multipart/init/kept/big.bin")).body;
  await api.put(`/storage/multipart/upload/${upload.id}/parts?part=1`, "part one");
  await first.stop();
  expect(readdirSync(dir).sort()).toEqual(["objects", "state.json", "tmp"]);

  const second = await startTheCloudEmulator({ port: 0, dataDir: dir, authRateLimit: 0 });
  try {
    expect(second.apiKey).toBe(first.apiKey);
    const again = new Api(second);
    expect((await again.get("/storage/buckets")).body).toEqual([
      expect.objectContaining({ name: "kept", is_public: true, versioning_enabled: true }),
    ]);
    expect((await again.get("/storage/kept/doc.txt", { headers: {} })).body).toBe("two");
    expect((await again.get("/storage/versions/kept/doc.txt")).body.map((v: any) => v.checksum)).toEqual([sha256("two"), sha256("one")]);
    expect((await again.get("/storage/kept/gone.txt")).status).toBe(404);
    expect((await again.get("/storage/buckets/kept/lifecycle")).body).toEqual([rule]);
    expect((await again.get("/auth/keys", { key: key.key })).status).toBe(200);
    expect((await again.post("/auth/login", { email: "saved@example.com", password: "password" }, { headers: {} })).status).toBe(200);
    const pending = (await again.get("/_emulator/multipart", { headers: {} })).body.uploads;
    expect(pending).toEqual([
      expect.objectContaining({ id: upload.id, parts: [{ part: 1, size_bytes: 8, checksum: sha256("part one") }] }),
    ]);
    const done = await again.post(`/storage/multipart/complete/${upload.id}`);
    expect(done.body.checksum).toBe(sha256("part one"));
    expect(second.requestCounts().routes["PUT /storage/:bucket/*key"]).toBeUndefined();

    // A second emulator on the same folder is refused.
    await expect(startTheCloudEmulator({ port: 0, dataDir: dir })).rejects.toThrow(/in use by another emulator/);
  } finally {
    await second.stop();
  }

  // --api-key replaces the starting key; the saved keys stay.
  const given = `thecloud_${"ab".repeat(20)}`;
  const third = await startTheCloudEmulator({ port: 0, dataDir: dir, apiKey: given });
  try {
    expect(third.apiKey).toBe(given);
    expect((await new Api(third).get("/storage/kept/big.bin")).body).toBe("part one");
    expect((await new Api(third).get("/auth/keys", { key: first.apiKey })).status).toBe(200);
  } finally {
    await third.stop();
  }
});

it("bytes removed by hand drop their versions, named at start; a deleted starting key is replaced", async () => {
  const first = await startTheCloudEmulator({ port: 0, dataDir: dir });
  const api = new Api(first);
  await api.post("/storage/buckets", { name: "hand" });
  await api.put("/storage/hand/a", "a");
  await api.put("/storage/hand/b", "b");
  const own = (await api.get("/auth/keys")).body[0];
  await api.delete(`/auth/keys/${own.id}`);
  await first.stop();
  const blobs = readdirSync(join(dir, "objects"));
  expect(blobs).toHaveLength(2);
  unlinkSync(join(dir, "objects", blobs[0]));

  const second = await startTheCloudEmulator({ port: 0, dataDir: dir });
  try {
    expect(second.droppedObjects).toHaveLength(1);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect((await new Api(second).get("/storage/hand")).body).toHaveLength(1);
  } finally {
    await second.stop();
  }
});
