// Buckets: the documented shape, canonical forms, validation that names the field, conflicts.
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

describe("buckets", () => {
  it("creates a bucket with the documented shape and default storage class", async () => {
    const created = await api().post("/object-storage/buckets", { name: "my-site" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^bkt_[0-9a-f]{16}$/),
      name: "my-site",
      storage_class: "Standard",
      region: "us-east-1",
      s3_endpoint: emu().s3Url,
      object_count: 0,
      size_bytes: 0,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: created.body.created_at,
    });
    expect((await api().get(`/object-storage/buckets/${created.body.id}`)).body).toEqual(created.body);
  });

  it("answers the storage class in its canonical spelling, whatever spelling was sent", async () => {
    const spellings = [
      ["infrequent_access", "InfrequentAccess"],
      ["INFREQUENT-ACCESS", "InfrequentAccess"],
      ["archive", "Archive"],
      ["Standard", "Standard"],
    ];
    for (const [index, [sent, answered]] of spellings.entries()) {
      const created = await api().post("/object-storage/buckets", { name: `class-${index}`, storage_class: sent });
      expect(created.status).toBe(201);
      expect(created.body.storage_class).toBe(answered);
    }
    expectError(
      await api().post("/object-storage/buckets", { name: "class-bad", storage_class: "Glacier" }),
      400,
      "validation_error",
      "storage_class",
    );
  });

  it("refuses invalid names with a 400 that names the field and the rule", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /required/],
      [42, /string/],
      ["ab", /3-63/],
      ["a".repeat(64), /3-63/],
      ["my_site", /a-z, 0-9 and -/],
      ["my.site", /a-z, 0-9 and -/],
      ["-my-site", /start and end/],
      ["My-Site", /lowercase.*"my-site"/],
      ["my-site-", /start and end/],
    ];
    for (const [name, rule] of cases) {
      const error = expectError(await api().post("/object-storage/buckets", { name }), 400, "validation_error", "name");
      expect(error.message).toMatch(rule);
    }
    expectError(await api().call("POST", "/object-storage/buckets", { rawBody: "{not json" }), 400, "invalid_json");
    expectError(await api().call("POST", "/object-storage/buckets", { rawBody: "[1,2]" }), 400, "invalid_json");
  });

  it("answers 409 when the name is taken", async () => {
    expect((await api().post("/object-storage/buckets", { name: "taken-name" })).status).toBe(201);
    expectError(await api().post("/object-storage/buckets", { name: "taken-name" }), 409, "conflict");
  });

  it("renames a bucket, keeps its id, and refuses a taken name or a storage class change", async () => {
    const bucket = (await api().post("/object-storage/buckets", { name: "before-rename", storage_class: "Archive" })).body;
    const other = (await api().post("/object-storage/buckets", { name: "someone-else" })).body;

    const renamed = await api().put(`/object-storage/buckets/${bucket.id}`, { name: "after-rename" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: bucket.id, name: "after-rename", storage_class: "Archive" });
    expect((await api().get(`/object-storage/buckets/${bucket.id}`)).body.name).toBe("after-rename");

    // The old name is free again.
    expect((await api().post("/object-storage/buckets", { name: "before-rename" })).status).toBe(201);
    expectError(await api().put(`/object-storage/buckets/${bucket.id}`, { name: other.name }), 409, "conflict");
    expectError(await api().put(`/object-storage/buckets/${bucket.id}`, { name: "x" }), 400, "validation_error", "name");
    expectError(await api().put(`/object-storage/buckets/${bucket.id}`, { name: "After-Rename" }), 400, "validation_error", "name");
    expectError(
      await api().put(`/object-storage/buckets/${bucket.id}`, { name: "after-rename", storage_class: "Standard" }),
      400,
      "validation_error",
      "storage_class",
    );
    // Sending the current class (in any spelling) is not a change.
    expect((await api().put(`/object-storage/buckets/${bucket.id}`, { name: "after-rename", storage_class: "archive" })).status).toBe(200);
  });

  it("deletes a bucket with its objects and credentials; unknown ids are 404, other methods 405", async () => {
    const bucket = (await api().post("/object-storage/buckets", { name: "to-delete" })).body;
    const credential = (await api().post(`/object-storage/buckets/${bucket.id}/credentials`)).body;
    emu()
      .state.buckets.get(bucket.id)!
      .objects.set("index.html", {
        key: "index.html",
        segments: [await emu().state.blobs.fromBuffer(Buffer.from("<h1>hi</h1>"))],
        size: 11,
        etag: "x",
        contentType: "text/html",
        metadata: {},
        createdAt: new Date(),
        lastModified: new Date(),
      });
    expect((await api().get(`/object-storage/buckets/${bucket.id}`)).body).toMatchObject({ object_count: 1, size_bytes: 11 });

    expect((await api().delete(`/object-storage/buckets/${bucket.id}`)).status).toBe(204);
    expectError(await api().get(`/object-storage/buckets/${bucket.id}`), 404, "not_found");
    expectError(await api().delete(`/object-storage/buckets/${bucket.id}`), 404, "not_found");
    expect(emu().state.credentials.has(credential.access_key_id)).toBe(false);
    // The name can be used again.
    expect((await api().post("/object-storage/buckets", { name: "to-delete" })).status).toBe(201);

    const notAllowed = await api().call("PATCH", `/object-storage/buckets/${bucket.id}`, { body: {} });
    expectError(notAllowed, 405, "method_not_allowed");
    expect(notAllowed.headers.get("allow")).toBe("GET, PUT, DELETE");
    expectError(await api().get("/object-storage/nothing-here"), 404, "not_found");
  });
});

describe("pagination", () => {
  const { api: fresh } = useEmulator();

  it("pages the bucket list oldest first, and a client following total_pages sees each bucket once", async () => {
    const names = Array.from({ length: 23 }, (_, i) => `page-bucket-${String(i).padStart(2, "0")}`);
    for (const name of names) expect((await fresh().post("/object-storage/buckets", { name })).status).toBe(201);

    const first = await fresh().get("/object-storage/buckets");
    expect(first.body.pagination).toEqual({ page: 1, limit: 20, total: 23, total_pages: 2 });
    expect(first.body.data).toHaveLength(20);

    const seen: Array<{ name: string; id: string; created_at: string }> = [];
    for (let page = 1, totalPages = 1; page <= totalPages; page++) {
      const answer = await fresh().get(`/object-storage/buckets?page=${page}&limit=10`);
      expect(answer.body.pagination).toMatchObject({ page, limit: 10, total: 23 });
      totalPages = answer.body.pagination.total_pages;
      seen.push(...answer.body.data);
    }
    expect(seen.map((bucket) => bucket.name).sort()).toEqual(names);
    // Oldest first; buckets made in the same millisecond are ordered by id.
    const documentedOrder = [...seen].sort((a, b) => a.created_at.localeCompare(b.created_at) || (a.id < b.id ? -1 : 1));
    expect(seen).toEqual(documentedOrder);

    const pastTheEnd = await fresh().get("/object-storage/buckets?page=9&limit=10");
    expect(pastTheEnd.body).toEqual({ data: [], pagination: { page: 9, limit: 10, total: 23, total_pages: 3 } });
    expectError(await fresh().get("/object-storage/buckets?limit=101"), 400, "validation_error", "limit");
    expectError(await fresh().get("/object-storage/buckets?limit=0"), 400, "validation_error", "limit");
    expectError(await fresh().get("/object-storage/buckets?page=0"), 400, "validation_error", "page");
    expectError(await fresh().get("/object-storage/buckets?page=two"), 400, "validation_error", "page");
  });
});
