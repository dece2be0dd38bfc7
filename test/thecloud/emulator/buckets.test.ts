// Buckets (names, reserved names, clash, versioning, delete with and without force) and lifecycle
// rules with their expiration on the emulator's clock.
import { expectError, makeBucket, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

const DAY = 86_400_000;

describe("buckets", () => {
  it("create answers the bucket; the list has it, by name", async () => {
    const created = await api().post("/storage/buckets", { name: "my-assets", is_public: false });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "my-assets",
      is_public: false,
      versioning_enabled: false,
      created_at: expect.any(String),
    });
    await makeBucket(api(), "a-public", { is_public: true });
    const listed = await api().get("/storage/buckets");
    expect(listed.status).toBe(200);
    expect(listed.body.map((b: any) => [b.name, b.is_public])).toEqual([
      ["a-public", true],
      ["my-assets", false],
    ]);
    expect(listed.body[1]).toEqual(created.body);
  });

  it("refuses bad, reserved and taken names", async () => {
    for (const name of ["ab", "x".repeat(64), "Upper", "-start", "end-", "under_score", "dots.dots", "with space"]) {
      expectError(await api().post("/storage/buckets", { name }), 400, "VALIDATION_ERROR", /^name: must be 3-63/);
    }
    for (const name of ["buckets", "versions", "multipart", "cluster"]) {
      expectError(await api().post("/storage/buckets", { name }), 400, "VALIDATION_ERROR", /reserved/);
    }
    expectError(await api().post("/storage/buckets", {}), 400, "VALIDATION_ERROR", /^name: is required/);
    expectError(await api().post("/storage/buckets", { name: 12 }), 400, "VALIDATION_ERROR", /^name: must be a string/);
    expectError(await api().post("/storage/buckets", { name: "okay", is_public: "yes" }), 400, "VALIDATION_ERROR", /^is_public/);
    await makeBucket(api(), "taken");
    expectError(await api().post("/storage/buckets", { name: "taken" }), 409, "CONFLICT", /already exists/);
    expect((await api().get("/storage/buckets")).body).toHaveLength(1);
  });

  it("there is no GET of one bucket: GET /storage/buckets/:b is 405, GET /storage/:b the object list", async () => {
    await makeBucket(api(), "one");
    const refused = await api().get("/storage/buckets/one");
    expectError(refused, 405, "METHOD_NOT_ALLOWED");
    expect(refused.headers.get("allow")).toBe("DELETE");
    expect(await api().get("/storage/one")).toMatchObject({ status: 200, body: [] });
    expect(await api().get("/storage/one/")).toMatchObject({ status: 200, body: [] });
    expectError(await api().get("/storage/nope"), 404, "NOT_FOUND", /bucket "nope" not found/);
  });

  it("PATCH versioning turns it on and off", async () => {
    await makeBucket(api(), "ver");
    const on = await api().patch("/storage/buckets/ver/versioning", { enabled: true });
    expect(on).toMatchObject({ status: 200, body: { name: "ver", versioning_enabled: true } });
    expect((await api().get("/storage/buckets")).body[0].versioning_enabled).toBe(true);
    expect((await api().patch("/storage/buckets/ver/versioning", { enabled: false })).body.versioning_enabled).toBe(false);
    expectError(await api().patch("/storage/buckets/ver/versioning", {}), 400, "VALIDATION_ERROR", /^enabled: is required/);
    expectError(await api().patch("/storage/buckets/ver/versioning", { enabled: "true" }), 400, "VALIDATION_ERROR", /^enabled/);
    expectError(await api().patch("/storage/buckets/none/versioning", { enabled: true }), 404, "NOT_FOUND");
  });

  it("delete: empty at once; non-empty 409 with the counts, soft-deleted versions included; force takes everything", async () => {
    await makeBucket(api(), "empty");
    expect((await api().delete("/storage/buckets/empty")).status).toBe(204);
    expectError(await api().delete("/storage/buckets/empty"), 404, "NOT_FOUND");

    await makeBucket(api(), "full");
    await api().patch("/storage/buckets/full/versioning", { enabled: true });
    await api().put("/storage/full/a.txt", "a1");
    await api().put("/storage/full/a.txt", "a2");
    await api().put("/storage/full/b.txt", "b");
    expect((await api().delete("/storage/full/b.txt")).status).toBe(204);
    await api().post("/storage/buckets/full/lifecycle", { prefix: "logs/", expiration_days: 7 });
    await api().post("/storage/multipart/init/full/big.bin");

    expectError(
      await api().delete("/storage/buckets/full"),
      409,
      "CONFLICT",
      /^bucket "full" is not empty: 1 object and 1 soft-deleted object \(3 versions in all\); delete them or pass \?force=true$/,
    );
    expectError(await api().delete("/storage/buckets/full?force=yes"), 400, "VALIDATION_ERROR", /^force/);
    expect((await api().delete("/storage/buckets/full?force=false")).status).toBe(409);
    expect((await api().delete("/storage/buckets/full?force=true")).status).toBe(204);
    expect((await api().get("/storage/buckets")).body).toEqual([]);
    expect((await api().get("/_emulator/multipart", { headers: {} })).body).toEqual({ uploads: [] });
    expect(emu().state.rules.size).toBe(0);

    // A bucket of the same name starts empty.
    await makeBucket(api(), "full");
    expect((await api().get("/storage/full")).body).toEqual([]);
    expectError(await api().get("/storage/versions/full/a.txt"), 404, "NOT_FOUND");
  });

  it("a bucket holding only soft-deleted versions is still not empty (soft-delete-empties: it is)", async () => {
    await makeBucket(api(), "soft");
    await api().patch("/storage/buckets/soft/versioning", { enabled: true });
    await api().put("/storage/soft/x", "x");
    await api().delete("/storage/soft/x");
    expectError(await api().delete("/storage/buckets/soft"), 409, "CONFLICT", /0 objects and 1 soft-deleted object \(1 version in all\)/);
    emu().setDialect(["soft-delete-empties"]);
    expect((await api().delete("/storage/buckets/soft")).status).toBe(204);
  });
});

describe("lifecycle rules", () => {
  it("create, list oldest first, delete; checks fields; unknown ids 404", async () => {
    await makeBucket(api(), "logs");
    const rule = await api().post("/storage/buckets/logs/lifecycle", { prefix: "logs/", expiration_days: 30 });
    expect(rule.status).toBe(201);
    expect(rule.body).toEqual({
      id: expect.any(String),
      bucket: "logs",
      prefix: "logs/",
      expiration_days: 30,
      created_at: expect.any(String),
    });
    const all = await api().post("/storage/buckets/logs/lifecycle", { expiration_days: 1 });
    expect(all.body.prefix).toBe("");
    expect((await api().get("/storage/buckets/logs/lifecycle")).body.map((r: any) => r.id)).toEqual([rule.body.id, all.body.id]);

    for (const days of [0, 3651, 1.5, "30", null]) {
      expectError(
        await api().post("/storage/buckets/logs/lifecycle", { prefix: "", expiration_days: days }),
        400,
        "VALIDATION_ERROR",
        /^expiration_days/,
      );
    }
    expectError(await api().post("/storage/buckets/logs/lifecycle", { prefix: 3, expiration_days: 1 }), 400, "VALIDATION_ERROR", /^prefix/);
    expectError(
      await api().post("/storage/buckets/logs/lifecycle", { prefix: "p".repeat(1025), expiration_days: 1 }),
      400,
      "VALIDATION_ERROR",
      /^prefix/,
    );
    expectError(await api().post("/storage/buckets/none/lifecycle", { expiration_days: 1 }), 404, "NOT_FOUND");
    expectError(await api().get("/storage/buckets/none/lifecycle"), 404, "NOT_FOUND");

    await makeBucket(api(), "other");
    expectError(await api().delete(`/storage/buckets/other/lifecycle/${rule.body.id}`), 404, "NOT_FOUND");
    expect((await api().delete(`/storage/buckets/logs/lifecycle/${rule.body.id}`)).status).toBe(204);
    expectError(await api().delete(`/storage/buckets/logs/lifecycle/${rule.body.id}`), 404, "NOT_FOUND");
    expect((await api().get("/storage/buckets/logs/lifecycle")).body.map((r: any) => r.id)).toEqual([all.body.id]);
  });

  it("expiration soft-deletes objects under the prefix once the clock passes expiration_days", async () => {
    await makeBucket(api(), "exp");
    await api().put("/storage/exp/logs/old.txt", "old");
    await api().put("/storage/exp/keep.txt", "keep");
    await api().post("/storage/buckets/exp/lifecycle", { prefix: "logs/", expiration_days: 2 });
    emu().advanceClock(DAY);
    await api().put("/storage/exp/logs/new.txt", "new");
    expect((await api().post("/_emulator/lifecycle/run", undefined, { headers: {} })).body).toEqual({ expired: 0 });
    const moved = await api().post("/_emulator/clock", { advance_ms: DAY }, { headers: {} });
    expect(moved.status).toBe(200);
    expect((await api().get("/storage/exp")).body.map((o: any) => o.key)).toEqual(["keep.txt", "logs/new.txt"]);
    emu().advanceClock(DAY);
    expect((await api().get("/storage/exp")).body.map((o: any) => o.key)).toEqual(["keep.txt"]);
  });

  it("expire-from-rule counts from the rule's creation when it is later", async () => {
    emu().setDialect(["expire-from-rule"]);
    await makeBucket(api(), "exp2");
    await api().put("/storage/exp2/a", "a");
    emu().advanceClock(10 * DAY);
    await api().post("/storage/buckets/exp2/lifecycle", { prefix: "", expiration_days: 1 });
    expect(emu().runLifecycle()).toBe(0);
    emu().advanceClock(DAY);
    expect((await api().get("/storage/exp2")).body).toEqual([]);
  });
});
