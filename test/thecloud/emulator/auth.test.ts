// API keys and the routes of the Authentication section: keys shown once, rotate (new id, old key
// dead at once), a revoked key and the request's own key, login, register and the password routes.
import { START_USER } from "../../../thecloud/emulator";
import { expectError, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

const KEY = /^thecloud_[0-9a-f]{40}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("authentication", () => {
  it("needs X-API-Key everywhere but the public routes; a missing, unknown or malformed key is 401", async () => {
    expect((await api().get("/health/live", { headers: {} })).body).toEqual({ status: "ok" });
    expectError(await api().get("/storage/buckets", { headers: {} }), 401, "UNAUTHORIZED", /X-API-Key/);
    expectError(await api().get("/storage/buckets", { key: `thecloud_${"0".repeat(40)}` }), 401, "UNAUTHORIZED");
    expectError(await api().get("/storage/buckets", { key: "nonsense" }), 401, "UNAUTHORIZED");
    // Unknown routes too: a caller without a key learns nothing about routes.
    expectError(await api().get("/no/such/route", { headers: {} }), 401, "UNAUTHORIZED");
    expectError(await api().get("/no/such/route"), 404, "NOT_FOUND", /no route for GET \/no\/such\/route/);
    // The starting key is a key like any other, owned by the starting user.
    expect(emu().apiKey).toMatch(KEY);
  });
});

describe("/auth/keys", () => {
  it("create answers the key once; the list never carries it; the new key authenticates", async () => {
    const created = await api().post("/auth/keys", { name: "Production Key" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user_id: expect.any(String),
      name: "Production Key",
      key: expect.stringMatching(KEY),
      created_at: expect.stringMatching(ISO),
      last_used: created.body.created_at,
    });
    const listed = await api().get("/auth/keys");
    expect(listed.status).toBe(200);
    expect(listed.body.map((key: any) => key.name)).toEqual(["emulator", "Production Key"]);
    for (const key of listed.body) expect(Object.keys(key).sort()).toEqual(["created_at", "id", "last_used", "name", "user_id"]);
    expect(listed.body[1].id).toBe(created.body.id);

    emu().advanceClock(5_000);
    expect((await api().get("/storage/buckets", { key: created.body.key })).status).toBe(200);
    const after = (await api().get("/auth/keys")).body.find((key: any) => key.id === created.body.id);
    expect(Date.parse(after.last_used)).toBeGreaterThan(Date.parse(created.body.created_at));
  });

  it("checks the name", async () => {
    expectError(await api().post("/auth/keys", {}), 400, "VALIDATION_ERROR", /^name: is required/);
    expectError(await api().post("/auth/keys", { name: 42 }), 400, "VALIDATION_ERROR", /^name: must be a string/);
    expectError(await api().post("/auth/keys", { name: "" }), 400, "VALIDATION_ERROR", /^name: must be 1-128/);
    expectError(await api().post("/auth/keys", { name: "x".repeat(129) }), 400, "VALIDATION_ERROR", /^name/);
  });

  it("delete revokes at once (404 after); a user cannot touch another user's key", async () => {
    const key = (await api().post("/auth/keys", { name: "ci" })).body;
    expect((await api().delete(`/auth/keys/${key.id}`)).status).toBe(204);
    expectError(await api().get("/storage/buckets", { key: key.key }), 401, "UNAUTHORIZED", /revoked/);
    expectError(await api().delete(`/auth/keys/${key.id}`), 404, "NOT_FOUND");
    expectError(await api().post(`/auth/keys/${key.id}/rotate`), 404, "NOT_FOUND");

    expect(
      (await api().post("/auth/register", { email: "other@example.com", password: "password", name: "Other" }, { headers: {} })).status,
    ).toBe(201);
    const otherKey = (await api().post("/auth/login", { email: "other@example.com", password: "password" }, { headers: {} })).body.api_key;
    const mine = (await api().post("/auth/keys", { name: "mine" })).body;
    expectError(await api().delete(`/auth/keys/${mine.id}`, { key: otherKey }), 404, "NOT_FOUND");
    expect((await api().get("/auth/keys", { key: otherKey })).body.map((k: any) => k.name)).toEqual(["login"]);
    // One tenant: the other user sees the same buckets.
    expect((await api().post("/storage/buckets", { name: "shared" })).status).toBe(201);
    expect((await api().get("/storage/buckets", { key: otherKey })).body.map((b: any) => b.name)).toEqual(["shared"]);
  });

  it("rotate and regenerate: a new id and key, same name; the old key is 401 from the next request", async () => {
    for (const action of ["rotate", "regenerate"]) {
      const old = (await api().post("/auth/keys", { name: `to-${action}` })).body;
      const rotated = await api().post(`/auth/keys/${old.id}/${action}`);
      expect(rotated.status).toBe(201);
      expect(rotated.body).toMatchObject({ name: `to-${action}`, user_id: old.user_id, key: expect.stringMatching(KEY) });
      expect(rotated.body.id).not.toBe(old.id);
      expect(rotated.body.key).not.toBe(old.key);
      expectError(await api().get("/auth/keys", { key: old.key }), 401, "UNAUTHORIZED");
      expect((await api().get("/auth/keys", { key: rotated.body.key })).status).toBe(200);
      const ids = (await api().get("/auth/keys")).body.map((k: any) => k.id);
      expect(ids).toContain(rotated.body.id);
      expect(ids).not.toContain(old.id);
    }
  });

  it("a request may delete or rotate the very key it uses; that key is 401 afterwards", async () => {
    const own = (await api().post("/auth/keys", { name: "self" })).body;
    const rotated = await api().post(`/auth/keys/${own.id}/rotate`, undefined, { key: own.key });
    expect(rotated.status).toBe(201);
    expectError(await api().get("/auth/keys", { key: own.key }), 401, "UNAUTHORIZED");
    expect((await api().delete(`/auth/keys/${rotated.body.id}`, { key: rotated.body.key })).status).toBe(204);
    expectError(await api().get("/auth/keys", { key: rotated.body.key }), 401, "UNAUTHORIZED");
  });
});

describe("register, login, passwords", () => {
  it("login with the starting user issues a new key named login; a wrong password is 401", async () => {
    const login = await api().post("/auth/login", { email: START_USER.email, password: START_USER.password }, { headers: {} });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({
      user: { id: expect.any(String), email: START_USER.email, name: START_USER.name },
      api_key: expect.stringMatching(KEY),
    });
    expect((await api().get("/storage/buckets", { key: login.body.api_key })).status).toBe(200);
    expect((await api().get("/auth/keys")).body.map((k: any) => k.name)).toEqual(["emulator", "login"]);
    expectError(
      await api().post("/auth/login", { email: START_USER.email, password: "wrong-password" }, { headers: {} }),
      401,
      "UNAUTHORIZED",
    );
    expectError(
      await api().post("/auth/login", { email: "nobody@example.com", password: "whatever1" }, { headers: {} }),
      401,
      "UNAUTHORIZED",
    );
    expectError(await api().post("/auth/login", { email: START_USER.email }, { headers: {} }), 400, "VALIDATION_ERROR", /^password/);
  });

  it("register checks its fields and refuses a taken email with 409", async () => {
    const body = { email: "new@example.com", password: "longenough", name: "New" };
    const registered = await api().post("/auth/register", body, { headers: {} });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ message: "user created successfully", user_id: expect.any(String) });
    expectError(
      await api().post("/auth/register", { ...body, email: "NEW@example.com" }, { headers: {} }),
      409,
      "CONFLICT",
      /already exists/,
    );
    expectError(await api().post("/auth/register", { ...body, email: "not-an-email" }, { headers: {} }), 400, "VALIDATION_ERROR", /^email/);
    expectError(
      await api().post("/auth/register", { ...body, email: "b@example.com", password: "short" }, { headers: {} }),
      400,
      "VALIDATION_ERROR",
      /^password/,
    );
    expectError(
      await api().post("/auth/register", { ...body, email: "c@example.com", name: "" }, { headers: {} }),
      400,
      "VALIDATION_ERROR",
      /^name/,
    );
  });

  it("forgot-password always answers its message; reset-password never succeeds", async () => {
    const forgot = await api().post("/auth/forgot-password", { email: "anyone@example.com" }, { headers: {} });
    expect(forgot).toMatchObject({ status: 200, body: { message: "If the email exists, a reset token has been sent." } });
    expectError(
      await api().post("/auth/reset-password", { token: "t", new_password: "new-secure-password" }, { headers: {} }),
      400,
      "VALIDATION_ERROR",
      /^token: is invalid or expired/,
    );
  });
});
