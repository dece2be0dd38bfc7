// S3 credentials (secret shown once, lifecycle, bucket scoping) and the files view of the objects
// S3 stored (seeded straight into the state here, as the S3 plane would).
import { createHash } from "node:crypto";
import type { StoredObject } from "../../emulator/state";
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

async function newBucket(name: string): Promise<string> {
  const created = await api().post("/object-storage/buckets", { name });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe("S3 credentials", () => {
  it("returns the secret on create only, and lists without it", async () => {
    const bucketId = await newBucket("cred-site");
    const created = await api().post(`/object-storage/buckets/${bucketId}/credentials`);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      access_key_id: expect.stringMatching(/^MCAK[A-Z0-9]{16}$/),
      secret_access_key: expect.stringMatching(/^\S{40}$/),
      bucket_id: bucketId,
      user_name: "s3-cred-site-1",
      status: "active",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const second = await api().post(`/storage/object-storage/buckets/${bucketId}/credentials`, undefined, {
      headers: { "x-api-key": emu().apiKey },
    });
    expect(second.body.user_name).toBe("s3-cred-site-2");

    const list = await api().get(`/object-storage/buckets/${bucketId}/credentials`);
    expect(list.body.pagination).toEqual({ page: 1, limit: 20, total: 2, total_pages: 1 });
    expect(list.body.data.map((c: { access_key_id: string }) => c.access_key_id).sort()).toEqual(
      [created.body.access_key_id, second.body.access_key_id].sort(),
    );
    for (const credential of list.body.data) expect(credential).not.toHaveProperty("secret_access_key");
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret_access_key);
  });

  it("deactivates, activates, regenerates (same id, new secret) and revokes", async () => {
    const bucketId = await newBucket("cred-cycle");
    const { access_key_id: id, secret_access_key: firstSecret } = (await api().post(`/object-storage/buckets/${bucketId}/credentials`))
      .body;
    const base = `/object-storage/buckets/${bucketId}/credentials/${id}`;

    const deactivated = await api().post(`${base}/deactivate`);
    expect(deactivated).toMatchObject({ status: 200, body: { access_key_id: id, status: "inactive" } });
    expect(deactivated.body).not.toHaveProperty("secret_access_key");
    expect(emu().state.credentials.get(id)?.status).toBe("inactive");

    expect((await api().post(`${base}/activate`)).body).toMatchObject({ access_key_id: id, status: "active" });

    await api().post(`${base}/deactivate`);
    const regenerated = await api().post(`${base}/regenerate`);
    expect(regenerated.status).toBe(200);
    expect(regenerated.body).toMatchObject({ access_key_id: id, status: "inactive" });
    expect(regenerated.body.secret_access_key).toMatch(/^\S{40}$/);
    expect(regenerated.body.secret_access_key).not.toBe(firstSecret);
    expect(emu().state.credentials.get(id)?.secretAccessKey).toBe(regenerated.body.secret_access_key);

    expect((await api().delete(base)).status).toBe(204);
    expect((await api().get(`/object-storage/buckets/${bucketId}/credentials`)).body.data).toEqual([]);
    expectError(await api().post(`${base}/activate`), 404, "not_found");
    expectError(await api().delete(base), 404, "not_found");
  });

  it("answers 404 for an unknown bucket or another bucket's key", async () => {
    const mine = await newBucket("cred-mine");
    const theirs = await newBucket("cred-theirs");
    const theirKey = (await api().post(`/object-storage/buckets/${theirs}/credentials`)).body.access_key_id;
    for (const action of ["deactivate", "activate", "regenerate"]) {
      expectError(await api().post(`/object-storage/buckets/${mine}/credentials/${theirKey}/${action}`), 404, "not_found");
    }
    expectError(await api().delete(`/object-storage/buckets/${mine}/credentials/${theirKey}`), 404, "not_found");
    expect(emu().state.credentials.get(theirKey)?.status).toBe("active");
    expectError(await api().post("/object-storage/buckets/bkt_0000000000000000/credentials"), 404, "not_found");
    expectError(await api().get("/object-storage/buckets/bkt_0000000000000000/credentials"), 404, "not_found");
  });
});

async function seed(bucketId: string, key: string, body: string, contentType = "text/plain"): Promise<void> {
  const object: StoredObject = {
    key,
    segments: [await emu().state.blobs.fromBuffer(Buffer.from(body))],
    size: Buffer.byteLength(body),
    etag: createHash("md5").update(body).digest("hex"),
    contentType,
    metadata: {},
    createdAt: new Date(),
    lastModified: new Date(),
  };
  emu().state.buckets.get(bucketId)!.objects.set(key, object);
}

describe("files", () => {
  it("lists one file for a bucket holding only a/b.txt, in the documented shape", async () => {
    const bucketId = await newBucket("files-one");
    await seed(bucketId, "a/b.txt", "hello world");
    const list = await api().get(`/object-storage/buckets/${bucketId}/files`);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ page: 1, limit: 20, total: 1, total_pages: 1 });
    expect(list.body.data).toEqual([
      {
        id: expect.stringMatching(/^fil_[0-9a-f]{16}$/),
        name: "b.txt",
        key: "a/b.txt",
        folder_id: expect.stringMatching(/^fld_[0-9a-f]{16}$/),
        size: 11,
        content_type: "text/plain",
        etag: "5eb63bbbe01eeed093cb22bb8f5acdc3",
        storage_class: "Standard",
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const file = list.body.data[0];
    expect((await api().get(`/object-storage/buckets/${bucketId}/files/${file.id}`)).body).toEqual(file);
  });

  it("lists every object at any depth by key, pages it, and filters by folder and name", async () => {
    const bucketId = await newBucket("files-many");
    const keys = ["index.html", "a/b.txt", "a/c/d.txt", "a/B2.TXT", "z.css"];
    for (const key of keys) await seed(bucketId, key, key);
    for (let i = 0; i < 21; i++) await seed(bucketId, `assets/img-${String(i).padStart(2, "0")}.png`, "png", "image/png");

    const all: Array<{ key: string; folder_id: string | null; name: string }> = [];
    for (let page = 1, totalPages = 1; page <= totalPages; page++) {
      const answer = await api().get(`/object-storage/buckets/${bucketId}/files?page=${page}&limit=10`);
      totalPages = answer.body.pagination.total_pages;
      expect(answer.body.pagination.total).toBe(26);
      all.push(...answer.body.data);
    }
    expect(all.map((file) => file.key)).toEqual(
      [...keys, ...Array.from({ length: 21 }, (_, i) => `assets/img-${String(i).padStart(2, "0")}.png`)].sort(),
    );

    const root = all.find((file) => file.key === "index.html")!;
    expect(root.folder_id).toBeNull();
    const folderA = all.find((file) => file.key === "a/b.txt")!.folder_id;
    expect(all.find((file) => file.key === "a/B2.TXT")!.folder_id).toBe(folderA);
    expect(all.find((file) => file.key === "a/c/d.txt")!.folder_id).not.toBe(folderA);

    const inA = await api().get(`/object-storage/buckets/${bucketId}/files?folder_id=${folderA}`);
    expect(inA.body.data.map((file: { key: string }) => file.key)).toEqual(["a/B2.TXT", "a/b.txt"]);
    const named = await api().get(`/object-storage/buckets/${bucketId}/files?filename=B`);
    expect(named.body.data.map((file: { key: string }) => file.key)).toEqual(["a/B2.TXT", "a/b.txt"]);
  });

  it("deletes the object behind a file; unknown files are 404", async () => {
    const bucketId = await newBucket("files-delete");
    await seed(bucketId, "keep.txt", "keep");
    await seed(bucketId, "drop/me.txt", "drop");
    const list = (await api().get(`/object-storage/buckets/${bucketId}/files`)).body.data;
    const target = list.find((file: { key: string }) => file.key === "drop/me.txt");
    expect((await api().delete(`/object-storage/buckets/${bucketId}/files/${target.id}`)).status).toBe(204);
    expect([...emu().state.buckets.get(bucketId)!.objects.keys()]).toEqual(["keep.txt"]);
    expectError(await api().get(`/object-storage/buckets/${bucketId}/files/${target.id}`), 404, "not_found");
    expectError(await api().delete(`/object-storage/buckets/${bucketId}/files/${target.id}`), 404, "not_found");
    expect((await api().get(`/object-storage/buckets/${bucketId}`)).body).toMatchObject({ object_count: 1, size_bytes: 4 });
  });
});
