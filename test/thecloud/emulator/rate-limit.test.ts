// The reference's 5 requests/minute on /auth/*: one budget per client IP over every /auth route
// (keys included), 429 with Retry-After, storage never limited. Time is the emulator's clock, moved
// by the test: no test here waits for a window.
import { startTheCloudEmulator, type TheCloudEmulator } from "../../../thecloud/emulator";
import { Api, expectError, type Answer } from "./helpers";

let now = Date.parse("2026-03-04T17:00:00Z");
let emu: TheCloudEmulator;
let api: Api;

beforeAll(async () => {
  // The default limit (5 per 60 s), with a clock the test moves.
  emu = await startTheCloudEmulator({ port: 0, clock: () => now });
  api = new Api(emu);
});
beforeEach(() => {
  emu.reset();
  emu.setDialect([]);
  emu.setAuthRateLimit({ requests: 5, windowMs: 60_000 });
});
afterAll(() => emu.stop());

const login = () => api.post("/auth/login", { email: "user@thecloud.local", password: "thecloud" }, { headers: {} });

describe("the /auth/* limit", () => {
  it("admits 5 requests a minute over every /auth route together; the 6th is 429 with Retry-After", async () => {
    now += 0;
    expect((await api.post("/auth/keys", { name: "a" })).status).toBe(201);
    now += 10_000;
    expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await login()).status).toBe(200);
    expect((await api.post("/auth/forgot-password", { email: "x@y.z" }, { headers: {} })).status).toBe(200);
    // A refused key still costs budget: the limit comes before authentication.
    expect((await api.get("/auth/keys", { key: "thecloud_wrong" })).status).toBe(401);
    const refused = await api.get("/auth/keys");
    expectError(refused, 429, "RATE_LIMITED", /5 requests per 60 s/);
    // The oldest admitted request (t=0) leaves the window at t=60 s; now is t=10 s.
    expect(refused.headers.get("retry-after")).toBe("50");
    expect(emu.requestCounts().throttled).toBe(1);

    // Storage and health are never limited.
    for (let i = 0; i < 10; i++) expect((await api.get("/storage/buckets")).status).toBe(200);
    expect((await api.get("/health/live")).status).toBe(200);

    // Refused requests use nothing up: once the first request leaves the window, one more is admitted.
    now += 50_000;
    expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await api.get("/auth/keys")).status).toBe(429);
    now += 10_000;
    expect((await api.get("/auth/keys")).status).toBe(200);
  });

  it("is configurable (0 is off) and the clock can be moved from /_emulator", async () => {
    const set = await api.call("PUT", "/_emulator/auth-rate-limit", { body: { requests: 2, window_ms: 1000 }, headers: {} });
    expect(set).toMatchObject({ status: 200, body: { requests: 2, window_ms: 1000 } });
    expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await api.get("/auth/keys")).status).toBe(200);
    const refused = await api.get("/auth/keys");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    const moved = await api.post("/_emulator/clock", { advance_ms: 1000 }, { headers: {} });
    expect(moved.status).toBe(200);
    expect(moved.body.offset_ms).toBe(1000);
    expect((await api.get("/auth/keys")).status).toBe(200);

    emu.setAuthRateLimit({ requests: 0 });
    for (let i = 0; i < 8; i++) expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await api.get("/_emulator/auth-rate-limit", { headers: {} })).body).toEqual({ requests: 0, window_ms: 1000 });
    expect((await api.call("PUT", "/_emulator/auth-rate-limit", { body: { requests: -1 }, headers: {} })).status).toBe(400);
    expect(() => emu.setAuthRateLimit({ windowMs: 0 })).toThrow(/window/);
  });

  it("dialects: no-retry-after, auth-limit-per-route, auth-keys-unlimited", async () => {
    emu.setAuthRateLimit({ requests: 1 });
    emu.setDialect(["no-retry-after"]);
    expect((await api.get("/auth/keys")).status).toBe(200);
    const refused = await api.get("/auth/keys");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();

    emu.setAuthRateLimit({ requests: 1 });
    emu.setDialect(["auth-limit-per-route"]);
    expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await api.post("/auth/keys", { name: "k" })).status).toBe(201);
    expect((await login()).status).toBe(200);
    expect((await api.get("/auth/keys")).status).toBe(429);
    expect((await login()).status).toBe(429);

    emu.setAuthRateLimit({ requests: 1 });
    emu.setDialect(["auth-keys-unlimited"]);
    for (let i = 0; i < 4; i++) expect((await api.get("/auth/keys")).status).toBe(200);
    expect((await login()).status).toBe(200);
    expect((await login()).status).toBe(429);
  });

  it("six API keys are created, listed and deleted under the limit by a client that honours Retry-After", async () => {
    emu.setAuthRateLimit({ requests: 5, windowMs: 60_000 });
    const call = async (run: () => Promise<Answer>) => {
      for (;;) {
        const answer = await run();
        if (answer.status !== 429) return answer;
        now += Number(answer.headers.get("retry-after")) * 1000;
      }
    };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await call(() => api.post("/auth/keys", { name: `ci-${i}` }))).body.id);
    const listed = (await call(() => api.get("/auth/keys"))).body.map((k: any) => k.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
    for (const id of ids) expect((await call(() => api.delete(`/auth/keys/${id}`))).status).toBe(204);
    expect(emu.requestCounts().throttled).toBeGreaterThan(0);
  });
});
