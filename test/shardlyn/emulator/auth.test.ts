// Sign-in (login, refresh with rotation, expiry on the emulator's clock), the login lockout, the
// JWT-only switch, and API tokens (create, list, delete, expiry).
import { createHmac } from "node:crypto";
import { Client, expectError, useShardlyn } from "./helpers";

// A clock that stands still unless a test moves it, so expiry is exact to the millisecond.
const START = Date.UTC(2026, 0, 31);
const { emu, api } = useShardlyn({ jwtLifetimeMs: 2000, loginLockout: { failures: 3, lockMs: 60_000 }, clock: () => START });

function claimsOf(jwt: string) {
  const [header, payload] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()),
    payload: JSON.parse(Buffer.from(payload, "base64url").toString()),
  };
}

describe("login and refresh", () => {
  it("login answers a real HS256 JWT pair; the access token works, then expires after 2000 ms", async () => {
    const pair = await api().login();
    expect(pair).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 2, token_type: "Bearer" });
    const { header, payload } = claimsOf(pair.access_token);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: expect.any(String), jti: expect.any(String), iat: expect.any(Number), exp: expect.any(Number) });
    expect(payload.exp_ms).toBe(START + 2000);
    expect(payload.exp).toBe((START + 2000) / 1000);

    expect((await api().get("/v1/dns/zones", { token: pair.access_token })).status).toBe(200);
    emu().advanceClock(1999);
    expect((await api().get("/v1/dns/zones", { token: pair.access_token })).status).toBe(200);
    emu().advanceClock(1);
    expectError(await api().get("/v1/dns/zones", { token: pair.access_token }), 401, "token expired");
  });

  it("refresh rotates: a new pair, the old refresh token refused", async () => {
    const first = await api().login();
    emu().advanceClock(5000);
    const refreshed = await api().post("/v1/auth/refresh", { refresh_token: first.refresh_token }, { token: null });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect((await api().get("/v1/api-tokens", { token: refreshed.body.access_token })).status).toBe(200);
    expectError(
      await api().post("/v1/auth/refresh", { refresh_token: first.refresh_token }, { token: null }),
      401,
      "invalid or expired refresh token",
    );
    // An access token is no refresh token, and the other way round.
    expectError(
      await api().post("/v1/auth/refresh", { refresh_token: refreshed.body.access_token }, { token: null }),
      401,
      "invalid or expired refresh token",
    );
    expectError(await api().get("/v1/dns/zones", { token: refreshed.body.refresh_token }), 401, "invalid token");
    expectError(await api().post("/v1/auth/refresh", {}, { token: null }), 400, /^refresh_token: is required/);
  });

  it("a refresh token expires after refreshLifetimeMs (7 days)", async () => {
    const pair = await api().login();
    emu().advanceClock(7 * 86_400_000);
    expectError(await api().post("/v1/auth/refresh", { refresh_token: pair.refresh_token }, { token: null }), 401);
  });

  it("wrong login 401, missing fields 400; bad, forged and missing tokens 401; reset invalidates JWTs", async () => {
    expectError(
      await api().post("/v1/auth/login", { email: emu().email, password: "nope" }, { token: null }),
      401,
      "invalid email or password",
    );
    expectError(await api().post("/v1/auth/login", { email: emu().email }, { token: null }), 400, /^password: is required/);
    expectError(await api().post("/v1/auth/login", { email: `${"x".repeat(300)}@a.b`, password: "p" }, { token: null }), 400, /^email: /);
    expectError(await api().get("/v1/dns/zones", { token: null }), 401, "missing Authorization header");
    expectError(await api().get("/v1/dns/zones", { headers: { authorization: "Basic abc" }, token: null }), 401);
    expectError(await api().get("/v1/dns/zones", { token: "eyJ.not.jwt" }), 401, "invalid token");
    const pair = await api().login();
    const [header, payload] = pair.access_token.split(".");
    const forged = `${header}.${payload}.${createHmac("sha256", "guess").update(`${header}.${payload}`).digest("base64url")}`;
    expectError(await api().get("/v1/dns/zones", { token: forged }), 401, "invalid token");
    emu().reset();
    expectError(await api().get("/v1/dns/zones", { token: pair.access_token }), 401, "invalid token");
    expect((await api().get("/v1/dns/zones")).status).toBe(200);
  });

  it("the email is matched without case", async () => {
    const answer = await api().post("/v1/auth/login", { email: emu().email.toUpperCase(), password: emu().password }, { token: null });
    expect(answer.status).toBe(200);
  });
});

describe("login lockout", () => {
  it("after 3 failures in a row: 429 with Retry-After, even with the right password, until the lock passes", async () => {
    const wrong = { email: emu().email, password: "wrong" };
    for (let i = 0; i < 3; i++) expectError(await api().post("/v1/auth/login", wrong, { token: null }), 401);
    const right = { email: emu().email, password: emu().password };
    const locked = await api().post("/v1/auth/login", right, { token: null });
    expectError(locked, 429, "too many failed logins: account locked for 60 seconds");
    expect(locked.headers.get("retry-after")).toBe("60");
    emu().advanceClock(59_000);
    expect((await api().post("/v1/auth/login", right, { token: null })).headers.get("retry-after")).toBe("1");
    emu().advanceClock(1000);
    expect((await api().post("/v1/auth/login", right, { token: null })).status).toBe(200);
  });

  it("a good login starts the count again; other emails are apart", async () => {
    const wrong = { email: emu().email, password: "wrong" };
    for (let i = 0; i < 2; i++) await api().post("/v1/auth/login", wrong, { token: null });
    await api().login();
    for (let i = 0; i < 2; i++) expectError(await api().post("/v1/auth/login", wrong, { token: null }), 401);
    for (let i = 0; i < 3; i++) await api().post("/v1/auth/login", { email: "x@y.z", password: "a" }, { token: null });
    expect((await api().post("/v1/auth/login", { email: "x@y.z", password: "a" }, { token: null })).status).toBe(429);
    await api().login();
  });
});

describe("the JWT-only switch", () => {
  it("API tokens work everywhere by default; switched off they are 403 on JWT-only routes, JWTs still work", async () => {
    expect((await api().get("/v1/dns/zones")).status).toBe(200);
    emu().setApiTokensOnJwtRoutes(false);
    const message = "this route requires a JWT access token (sign in); API tokens are not accepted";
    expectError(await api().get("/v1/dns/zones"), 403, message);
    expectError(await api().get("/v1/api-tokens"), 403, message);
    expectError(await api().record({ type: "A", name: "a", content: "203.0.113.1" }), 403, message);
    // An unknown or expired API token is still 401, public routes still public.
    expectError(await api().get("/v1/dns/zones", { token: "shardlyn_api_nope" }), 401, "invalid API token");
    expect((await api().get("/health", { token: null })).body).toEqual({ status: "ok" });
    const { access_token } = await api().login();
    expect((await api().get("/v1/dns/zones", { token: access_token })).status).toBe(200);
  });

  it("also over /_emulator/settings and the option", async () => {
    const put = await api().put("/_emulator/settings", { api_tokens_on_jwt_routes: false }, { token: null });
    expect(put.body).toMatchObject({ api_tokens_on_jwt_routes: false, jwt_lifetime_ms: 2000 });
    expect((await api().get("/v1/dns/records")).status).toBe(403);
    expectError(
      await api().put("/_emulator/settings", { api_tokens_on_jwt_routes: "no" }, { token: null }),
      400,
      /^api_tokens_on_jwt_routes/,
    );
    expect((await api().get("/_emulator/settings", { token: null })).body.api_tokens_on_jwt_routes).toBe(false);
  });
});

describe("API tokens", () => {
  it("create answers the value once, list never; the new token works; delete 204 then 401", async () => {
    const created = await api().post("/v1/api-tokens", { name: "ci", expires_in: 2_592_000 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "ci",
      token: expect.stringMatching(/^shardlyn_api_[0-9a-f]{40}$/),
      expires_at: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(2_592_000_000);
    const listed = (await api().get("/v1/api-tokens")).body;
    expect(listed.map((t: any) => t.name)).toEqual(["emulator", "ci"]);
    expect(listed[1]).toEqual({
      id: created.body.id,
      name: "ci",
      expires_at: created.body.expires_at,
      created_at: created.body.created_at,
      last_used_at: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.body.token);

    expect((await api().get("/v1/dns/zones", { token: created.body.token })).status).toBe(200);
    const used = (await api().get("/v1/api-tokens")).body.find((t: any) => t.id === created.body.id);
    expect(used.last_used_at).toEqual(expect.any(String));
    expect((await api().delete(`/v1/api-tokens/${created.body.id}`)).status).toBe(204);
    expectError(await api().delete(`/v1/api-tokens/${created.body.id}`), 404, "API token not found");
    expectError(await api().get("/v1/dns/zones", { token: created.body.token }), 401, "invalid API token");
  });

  it("no expires_in never expires; an expired token is 401 yet still listed", async () => {
    const forever = (await api().post("/v1/api-tokens", { name: "forever" })).body;
    expect(forever.expires_at).toBeNull();
    const short = (await api().post("/v1/api-tokens", { name: "short", expires_in: 60 })).body;
    emu().advanceClock(60_000);
    expectError(await api().get("/v1/dns/zones", { token: short.token }), 401, "invalid API token");
    expect((await api().get("/v1/dns/zones", { token: forever.token })).status).toBe(200);
    const listed = (await api().get("/v1/api-tokens")).body.find((t: any) => t.id === short.id);
    expect(listed.expires_at).toBe(short.expires_at);
    expect(Date.parse(listed.expires_at)).toBeLessThanOrEqual(emu().now().getTime());
  });

  it("validates name and expires_in", async () => {
    expectError(await api().post("/v1/api-tokens", {}), 400, /^name: is required/);
    expectError(await api().post("/v1/api-tokens", { name: "x".repeat(101) }), 400, /^name: must be 1-100/);
    for (const expires_in of [0, -1, 1.5, "60", 10 * 365 * 86_400 + 1])
      expectError(await api().post("/v1/api-tokens", { name: "x", expires_in }), 400, /^expires_in: /);
  });

  it("a starting apiToken of the wrong form is refused", async () => {
    const { startShardlynEmulator } = await import("../../../shardlyn/emulator");
    await expect(startShardlynEmulator({ port: 0, apiToken: "thecloud_abc" })).rejects.toThrow(/apiToken: must start with shardlyn_api_/);
    expect(new Client(emu()).emu.apiToken).toMatch(/^shardlyn_api_[0-9a-f]{40}$/);
  });
});
