// Objects: PUT/GET/HEAD/DELETE with sha256 checksums, keys (percent-decoding and the rules), the
// object and version lists, soft delete on versioned and unversioned buckets, public buckets.
import { expectError, makeBucket, rawRequest, sha256, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

describe("objects", () => {
  it("PUT answers the object record; GET the bytes with type, ETag and checksum; the list has it", async () => {
    await makeBucket(api(), "site");
    const put = await api().put("/storage/site/test.txt", "hello world", {
      headers: { "x-api-key": emu().apiKey, "content-type": "text/plain" },
    });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bucket: "site",
      key: "test.txt",
      size_bytes: 11,
      content_type: "text/plain",
      checksum: sha256("hello world"),
      upload_status: "AVAILABLE",
      version_id: "null",
      created_at: expect.any(String),
    });
    const got = await api().get("/storage/site/test.txt");
    expect(got.status).toBe(200);
    expect(got.body).toBe("hello world");
    expect(got.headers.get("content-type")).toBe("text/plain");
    expect(got.headers.get("etag")).toBe(`"${sha256("hello world")}"`);
    expect(got.headers.get("x-checksum-sha256")).toBe(sha256("hello world"));
    expect(got.headers.get("x-version-id")).toBe("null");
    const head = await api().call("HEAD", "/storage/site/test.txt");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("11");

    // No Content-Type: application/octet-stream; an empty body is an object too.
    const bare = await api().put("/storage/site/empty", Buffer.alloc(0));
    expect(bare.body).toMatchObject({ size_bytes: 0, content_type: "application/octet-stream", checksum: sha256("") });

    const listed = await api().get("/storage/site");
    expect(listed.body.map((o: any) => o.key)).toEqual(["empty", "test.txt"]);
    expect(listed.body[1]).toEqual(put.body);

    // A PUT replaces: on an unversioned bucket the old version is gone.
    const replaced = await api().put("/storage/site/test.txt", "bye");
    expect(replaced.body.checksum).toBe(sha256("bye"));
    expect((await api().get("/storage/site/test.txt")).body).toBe("bye");
    expect((await api().get("/storage/versions/site/test.txt")).body).toHaveLength(1);
  });

  it("keys: any UTF-8 path, percent-decoded, up to 1024 bytes; refused: .., ., leading /, control characters, bad encoding", async () => {
    await makeBucket(api(), "keys");
    const cases: [string, string][] = [
      ["a/b/c.txt", "a/b/c.txt"],
      ["caf%C3%A9%20menu.txt", "café menu.txt"],
      ["slash%2Finside", "slash/inside"],
      ["plus+stays", "plus+stays"],
      ["folder/", "folder/"],
      ["%E2%9C%93", "✓"],
    ];
    for (const [path, key] of cases) {
      const put = await api().put(`/storage/keys/${path}`, key);
      expect({ path, status: put.status, key: put.body.key }).toEqual({ path, status: 201, key });
      expect((await api().get(`/storage/keys/${path}`)).body).toBe(key);
    }
    expect((await api().put(`/storage/keys/${"k".repeat(1024)}`, "x")).status).toBe(201);
    expectError(await api().put(`/storage/keys/${"k".repeat(1025)}`, "x"), 400, "VALIDATION_ERROR", /^key: must be at most 1024 bytes/);
    for (const path of ["a/../b", "../x", "a/./b", "%2E%2E/x", "a/%2e", "%2Fleading", "tab%09key", "nul%00"]) {
      const refused = await rawRequest(emu().url, "PUT", `/storage/keys/${path}`, { "x-api-key": emu().apiKey }, "x");
      expectError(refused, 400, "VALIDATION_ERROR", /^key/);
    }
    for (const path of ["bad%zz", "bad%C3", "bad%"]) {
      expectError(await api().put(`/storage/keys/${path}`, "x"), 400, "VALIDATION_ERROR", /^key: is not valid percent-encoded UTF-8/);
    }
    expectError(await api().put("/storage/no-such/key", "x"), 404, "NOT_FOUND", /bucket/);
    expectError(await api().get("/storage/keys/missing"), 404, "NOT_FOUND", /object "missing" not found/);
    expectError(await api().call("POST", "/storage/keys/a/b/c.txt"), 405, "METHOD_NOT_ALLOWED");
  });

  it("unversioned DELETE removes the object (404 after, no versions left)", async () => {
    await makeBucket(api(), "plain");
    await api().put("/storage/plain/x", "x");
    expect((await api().delete("/storage/plain/x")).status).toBe(204);
    expectError(await api().get("/storage/plain/x"), 404, "NOT_FOUND");
    expectError(await api().delete("/storage/plain/x"), 404, "NOT_FOUND");
    expectError(await api().get("/storage/versions/plain/x"), 404, "NOT_FOUND");
    expect((await api().delete("/storage/buckets/plain")).status).toBe(204);
  });

  it("versioned: every PUT a version; DELETE marks the latest deleted, no older one becomes current; a PUT revives the key", async () => {
    await makeBucket(api(), "ver");
    await api().patch("/storage/buckets/ver/versioning", { enabled: true });
    const v1 = (await api().put("/storage/ver/doc", "one")).body;
    const v2 = (await api().put("/storage/ver/doc", "two")).body;
    expect(v1.version_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(v2.version_id).not.toBe(v1.version_id);
    expect((await api().get("/storage/ver/doc")).body).toBe("two");

    expect((await api().delete("/storage/ver/doc")).status).toBe(204);
    expectError(await api().get("/storage/ver/doc"), 404, "NOT_FOUND");
    expect((await api().get("/storage/ver")).body).toEqual([]);
    const versions = (await api().get("/storage/versions/ver/doc")).body;
    expect(versions.map((v: any) => [v.version_id, v.is_latest, v.is_deleted])).toEqual([
      [v2.version_id, true, true],
      [v1.version_id, false, false],
    ]);
    expect(versions[0]).toMatchObject({ key: "doc", checksum: sha256("two"), bucket: "ver" });

    const v3 = (await api().put("/storage/ver/doc", "three")).body;
    expect((await api().get("/storage/ver/doc")).body).toBe("three");
    expect((await api().get("/storage/ver")).body.map((o: any) => o.version_id)).toEqual([v3.version_id]);

    // Versioning off: new writes are the "null" version; a delete removes it and leaves the history deleted.
    await api().patch("/storage/buckets/ver/versioning", { enabled: false });
    expect((await api().put("/storage/ver/doc", "four")).body.version_id).toBe("null");
    expect((await api().delete("/storage/ver/doc")).status).toBe(204);
    expectError(await api().get("/storage/ver/doc"), 404, "NOT_FOUND");
    const after = (await api().get("/storage/versions/ver/doc")).body;
    expect(after.map((v: any) => v.version_id)).toEqual([v3.version_id, v2.version_id, v1.version_id]);
    expect(after[0].is_deleted).toBe(true);
  });

  it("soft-delete-reveals: the newest version not deleted becomes current", async () => {
    emu().setDialect(["soft-delete-reveals"]);
    await makeBucket(api(), "rev");
    await api().patch("/storage/buckets/rev/versioning", { enabled: true });
    await api().put("/storage/rev/doc", "one");
    await api().put("/storage/rev/doc", "two");
    await api().delete("/storage/rev/doc");
    expect((await api().get("/storage/rev/doc")).body).toBe("one");
    expect((await api().get("/storage/rev")).body.map((o: any) => o.checksum)).toEqual([sha256("one")]);
    await api().delete("/storage/rev/doc");
    expectError(await api().get("/storage/rev/doc"), 404, "NOT_FOUND");
  });

  it("public buckets serve GET and HEAD of objects without a key; lists, writes and private buckets need one", async () => {
    await makeBucket(api(), "pub", { is_public: true });
    await makeBucket(api(), "priv");
    await api().put("/storage/pub/index.html", "<h1>hi</h1>", { headers: { "x-api-key": emu().apiKey, "content-type": "text/html" } });
    await api().put("/storage/priv/secret", "s");
    const anonymous = { headers: {} };
    expect(await api().get("/storage/pub/index.html", anonymous)).toMatchObject({ status: 200, body: "<h1>hi</h1>" });
    expect((await api().call("HEAD", "/storage/pub/index.html", anonymous)).status).toBe(200);
    expectError(await api().get("/storage/pub/missing", anonymous), 404, "NOT_FOUND");
    expectError(await api().get("/storage/pub", anonymous), 401, "UNAUTHORIZED");
    expectError(await api().get("/storage/versions/pub/index.html", anonymous), 401, "UNAUTHORIZED");
    expectError(await api().put("/storage/pub/x", "x", anonymous), 401, "UNAUTHORIZED");
    expectError(await api().delete("/storage/pub/index.html", anonymous), 401, "UNAUTHORIZED");
    expectError(await api().get("/storage/priv/secret", anonymous), 401, "UNAUTHORIZED");
    expectError(await api().get("/storage/ghost/secret", anonymous), 401, "UNAUTHORIZED");
    // A wrong key is wrong even where none is needed.
    expectError(await api().get("/storage/pub/index.html", { key: "thecloud_bad" }), 401, "UNAUTHORIZED");

    emu().setDialect(["public-needs-key"]);
    expectError(await api().get("/storage/pub/index.html", anonymous), 401, "UNAUTHORIZED");
  });

  it("a big object streams in and out whole (16 MiB)", async () => {
    await makeBucket(api(), "big");
    const data = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
    const put = await api().put("/storage/big/blob.bin", data);
    expect(put.body).toMatchObject({ size_bytes: data.length, checksum: sha256(data) });
    const response = await fetch(`${emu().url}/storage/big/blob.bin`, { headers: { "x-api-key": emu().apiKey } });
    const back = Buffer.from(await response.arrayBuffer());
    expect(back.length).toBe(data.length);
    expect(sha256(back)).toBe(sha256(data));
  });

  it("cluster status answers one healthy node", async () => {
    const status = await api().get("/storage/cluster/status");
    expect(status.body).toEqual({ status: "HEALTHY", nodes: [{ id: "node-1", address: new URL(emu().url).host, status: "UP" }] });
  });
});
