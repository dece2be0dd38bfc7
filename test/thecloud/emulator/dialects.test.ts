// Each dialect answers one open question of the reference the other way (README.md, "What the
// reference leaves open"); the default answers are checked in the other files.
import { ALL_THECLOUD_DIALECT_NAMES, THECLOUD_DIALECT_NAMES, startTheCloudEmulator } from "../../../thecloud/emulator";
import { parseArgs } from "../../../thecloud/emulator/cli";
import { UsageError } from "../../../emulator/cli-support";
import { Api, makeBucket, sha256, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

describe("dialects", () => {
  it("error-string and error-text change the body only; faults take the shape too", async () => {
    emu().setDialect("error-string");
    const missing = await api().get("/storage/nope");
    expect(missing).toMatchObject({ status: 404, body: { error: 'bucket "nope" not found' } });
    emu().setDialect(["error-text"]);
    const text = await api().get("/storage/nope");
    expect(text.status).toBe(404);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.body).toBe('bucket "nope" not found');
    emu().setFaults({ rules: [{ route: "GET /storage/buckets", fault: "status", status: 503, times: 1 }] });
    expect(await api().get("/storage/buckets")).toMatchObject({ status: 503, body: "injected fault: 503 on GET /storage/buckets" });
  });

  it("wrapped-lists and paged-lists (pages of 2 followed by cursor, stable across changes)", async () => {
    for (const name of ["b-1", "b-2", "b-3", "b-4", "b-5"]) await makeBucket(api(), name);
    emu().setDialect(["wrapped-lists"]);
    expect((await api().get("/storage/buckets")).body.data.map((b: any) => b.name)).toEqual(["b-1", "b-2", "b-3", "b-4", "b-5"]);

    emu().setDialect(["paged-lists"]);
    const first = (await api().get("/storage/buckets")).body;
    expect(first.data.map((b: any) => b.name)).toEqual(["b-1", "b-2"]);
    expect(typeof first.next_cursor).toBe("string");
    // A bucket added before the cursor's position shifts nothing.
    await makeBucket(api(), "a-0");
    const second = (await api().get(`/storage/buckets?cursor=${first.next_cursor}`)).body;
    expect(second.data.map((b: any) => b.name)).toEqual(["b-3", "b-4"]);
    const third = (await api().get(`/storage/buckets?cursor=${second.next_cursor}`)).body;
    expect(third).toEqual({ data: [expect.objectContaining({ name: "b-5" })], next_cursor: null });
    expect((await api().get("/storage/buckets?cursor=garbage!")).status).toBe(400);
    expect((await api().get("/storage/buckets?cursor=Zm9v")).body.error.message).toMatch(/^cursor/);

    // Every list pages: keys, rules, objects, versions.
    for (let i = 0; i < 3; i++) await api().post("/auth/keys", { name: `k${i}` });
    const keys = (await api().get("/auth/keys")).body;
    expect(keys.data).toHaveLength(2);
    const moreKeys = (await api().get(`/auth/keys?cursor=${keys.next_cursor}`)).body;
    expect(moreKeys.data.map((k: any) => k.name)).toEqual(["k1", "k2"]);
    await api().patch("/storage/buckets/b-1/versioning", { enabled: true });
    for (const content of ["v1", "v2", "v3"]) await api().put("/storage/b-1/doc", content);
    const versions = (await api().get("/storage/versions/b-1/doc")).body;
    expect(versions.data.map((v: any) => v.checksum)).toEqual([sha256("v3"), sha256("v2")]);
    expect((await api().get(`/storage/versions/b-1/doc?cursor=${versions.next_cursor}`)).body.data.map((v: any) => v.checksum)).toEqual([
      sha256("v1"),
    ]);
  });

  it("lean-lists and list-no-checksum trim the lists only", async () => {
    await makeBucket(api(), "lean");
    await api().put("/storage/lean/x", "x");
    await api().post("/storage/buckets/lean/lifecycle", { prefix: "p/", expiration_days: 3 });
    emu().setDialect(["lean-lists", "list-no-checksum"]);
    expect(Object.keys((await api().get("/storage/buckets")).body[0]).sort()).toEqual(["created_at", "id", "name"]);
    expect(Object.keys((await api().get("/auth/keys")).body[0]).sort()).toEqual(["created_at", "id", "name"]);
    expect(Object.keys((await api().get("/storage/buckets/lean/lifecycle")).body[0]).sort()).toEqual(["expiration_days", "id", "prefix"]);
    const objects = (await api().get("/storage/lean")).body;
    expect(objects[0]).not.toHaveProperty("checksum");
    expect(objects[0]).toMatchObject({ key: "x", size_bytes: 1 });
    // Creates and GETs are whole.
    expect((await api().put("/storage/lean/y", "y")).body.checksum).toBe(sha256("y"));
    expect((await api().post("/storage/buckets", { name: "lean-2" })).body).toHaveProperty("versioning_enabled", false);
  });

  it("clash-400, nonempty-400, too-large-400", async () => {
    emu().setDialect(["clash-400", "nonempty-400", "too-large-400"]);
    await makeBucket(api(), "dup");
    expect((await api().post("/storage/buckets", { name: "dup" })).body.error).toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringMatching(/^name: is taken/),
    });
    await api().put("/storage/dup/x", "x");
    const nonEmpty = await api().delete("/storage/buckets/dup");
    expect(nonEmpty.status).toBe(400);
    expect(nonEmpty.body.error.message).toMatch(/is not empty: 1 object/);
    const big = await api().post("/storage/buckets", undefined, {
      raw: JSON.stringify({ name: "x".repeat(70 * 1024) }),
      headers: { "x-api-key": emu().apiKey },
    });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/^body: must be at most 64 KiB/);
  });

  it("ok-200: creates 200, deletes 200 with a message", async () => {
    emu().setDialect(["ok-200"]);
    expect((await api().post("/storage/buckets", { name: "okb" })).status).toBe(200);
    expect((await api().put("/storage/okb/x", "x")).status).toBe(200);
    expect(await api().delete("/storage/okb/x")).toMatchObject({ status: 200, body: { message: "object deleted" } });
    const key = await api().post("/auth/keys", { name: "k" });
    expect(key.status).toBe(200);
    expect((await api().post(`/auth/keys/${key.body.id}/rotate`)).status).toBe(200);
    expect(await api().delete("/storage/buckets/okb")).toMatchObject({ status: 200, body: { message: "bucket deleted" } });
  });

  it("rotate-keeps-id: same id and created_at, new key; the old value is 401", async () => {
    emu().setDialect(["rotate-keeps-id"]);
    const old = (await api().post("/auth/keys", { name: "keep" })).body;
    const rotated = (await api().post(`/auth/keys/${old.id}/rotate`)).body;
    expect(rotated).toMatchObject({ id: old.id, created_at: old.created_at, name: "keep" });
    expect(rotated.key).not.toBe(old.key);
    expect((await api().get("/auth/keys", { key: old.key })).status).toBe(401);
    expect((await api().get("/auth/keys", { key: rotated.key })).status).toBe(200);
  });

  it("reserved-names-allowed: the names are accepted; fixed routes still win", async () => {
    emu().setDialect(["reserved-names-allowed"]);
    await makeBucket(api(), "versions");
    await makeBucket(api(), "cluster");
    expect((await api().put("/storage/versions/readme", "r")).status).toBe(201);
    expect((await api().get("/storage/versions")).body.map((o: any) => o.key)).toEqual(["readme"]);
    expect((await api().get("/storage/cluster/status")).body.status).toBe("HEALTHY");
    expect((await api().put("/storage/cluster/file.txt", "f")).status).toBe(201);
    expect((await api().get("/storage/cluster/file.txt")).body).toBe("f");
    emu().setDialect([]);
    expect((await api().get("/storage/versions")).status).toBe(404);
  });

  it("base-path: the API under /api/v1, /_emulator at the root", async () => {
    emu().setDialect(["base-path"]);
    const prefixed = new Api(emu(), `${emu().url}/api/v1`);
    expect((await prefixed.post("/storage/buckets", { name: "based" })).status).toBe(201);
    expect((await prefixed.get("/storage/buckets")).body.map((b: any) => b.name)).toEqual(["based"]);
    expect((await prefixed.get("/health/live", { headers: {} })).status).toBe(200);
    expect((await api().get("/storage/buckets")).status).toBe(404);
    expect((await api().get("/_emulator/dialect", { headers: {} })).body).toEqual({ dialect: ["base-path"] });
    expect(emu().requestCounts().routes["POST /storage/buckets"]).toBe(1);
  });

  it("names: all, groups, unknown; over /_emulator/dialect, options and --dialect", async () => {
    expect(ALL_THECLOUD_DIALECT_NAMES).toContain("error-string");
    expect(ALL_THECLOUD_DIALECT_NAMES).not.toContain("error-text");
    emu().setDialect("all,error-text");
    expect(emu().dialect()).toContain("error-text");
    expect(emu().dialect()).toHaveLength(ALL_THECLOUD_DIALECT_NAMES.length);
    expect(() => emu().setDialect(["error-string", "error-text"])).toThrow(/same question/);
    expect(() => emu().setDialect(["nope"])).toThrow(/not a dialect/);
    const set = await api().call("PUT", "/_emulator/dialect", { body: { dialect: "ok-200,paged-lists" }, headers: {} });
    expect(set).toMatchObject({ status: 200, body: { dialect: ["paged-lists", "ok-200"] } });
    const refused = await api().call("PUT", "/_emulator/dialect", { body: { dialect: ["nope"] }, headers: {} });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: "validation_error", field: "dialect" } } });
    expect((await api().call("PUT", "/_emulator/dialect", { body: { dialect: ["default"] }, headers: {} })).body).toEqual({
      dialect: ["default"],
    });
    expect(parseArgs(["--dialect", "all"]).dialect).toEqual(ALL_THECLOUD_DIALECT_NAMES);
    expect(() => parseArgs(["--dialect", "nope"])).toThrow(UsageError);
    await expect(startTheCloudEmulator({ port: 0, dialect: ["nope"] })).rejects.toThrow(/not a dialect/);
    expect(THECLOUD_DIALECT_NAMES).toHaveLength(23);
  });

  it("all: a whole lifecycle still works", async () => {
    emu().setDialect("all");
    const api1 = new Api(emu(), `${emu().url}/api/v1`);
    expect((await api1.post("/storage/buckets", { name: "every" })).status).toBe(200);
    expect((await api1.put("/storage/every/a", "a")).status).toBe(200);
    expect((await api1.get("/storage/every")).body).toEqual({ data: [expect.objectContaining({ key: "a" })], next_cursor: null });
    expect((await api1.delete("/storage/buckets/every")).body).toEqual({ error: expect.stringMatching(/not empty/) });
    expect((await api1.delete("/storage/buckets/every?force=true")).status).toBe(200);
  });
});
