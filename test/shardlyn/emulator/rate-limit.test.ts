// X-RateLimit-* on every /v1 answer, the 429 over the limit (Retry-After only under `retry-after`),
// `reset-seconds`, and injected 429 faults with the same headers.
import { expectError, useShardlyn } from "./helpers";

// The clock stands at 10 s into a minute unless a test moves it.
const START = Date.UTC(2026, 0, 31, 12, 0, 10);
const { emu, api } = useShardlyn({ clock: () => START });

describe("X-RateLimit headers", () => {
  it("off: Limit 1000, Remaining 1000, Reset the end of the current minute; /health and /_emulator carry none", async () => {
    for (const answer of [
      await api().get("/v1/dns/zones"),
      await api().get("/v1/nope"),
      await api().get("/v1/dns/zones", { token: null }),
    ]) {
      expect([answer.headers.get("x-ratelimit-limit"), answer.headers.get("x-ratelimit-remaining")]).toEqual(["1000", "1000"]);
      expect(answer.headers.get("x-ratelimit-reset")).toBe(String(Date.UTC(2026, 0, 31, 12, 1) / 1000));
      expect(answer.headers.get("x-request-id")).toMatch(/\S/);
    }
    expect((await api().get("/health", { token: null })).headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("on: counts down per window, then 429 rate limit exceeded with Remaining 0 and no Retry-After; a new window admits again", async () => {
    emu().setRateLimit({ requests: 3, windowMs: 60_000 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) remaining.push((await api().get("/v1/dns/zones")).headers.get("x-ratelimit-remaining")!);
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await api().get("/v1/dns/zones");
    expectError(refused, 429, "rate limit exceeded");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-limit")).toBe("3");
    expect(refused.headers.get("x-ratelimit-reset")).toBe(String(Date.UTC(2026, 0, 31, 12, 1) / 1000));
    expect(refused.headers.get("retry-after")).toBeNull();
    // Login is limited too, and the refusal comes before authentication.
    expect((await api().post("/v1/auth/login", { email: emu().email, password: emu().password }, { token: null })).status).toBe(429);
    expect(emu().requestCounts().throttled).toBe(2);
    emu().advanceClock(50_000);
    expect((await api().get("/v1/dns/zones")).headers.get("x-ratelimit-remaining")).toBe("2");
  });

  it("reset-seconds: Reset is seconds from now; retry-after: the 429 carries Retry-After", async () => {
    emu().setRateLimit({ requests: 1, windowMs: 60_000 });
    emu().setDialect(["reset-seconds", "retry-after"]);
    expect((await api().get("/v1/dns/zones")).headers.get("x-ratelimit-reset")).toBe("50");
    const refused = await api().get("/v1/dns/zones");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("50");
  });

  it("over /_emulator/settings", async () => {
    const put = await api().put("/_emulator/settings", { rate_limit_requests: 1, rate_limit_window_ms: 1000 }, { token: null });
    expect(put.body).toMatchObject({ rate_limit_requests: 1, rate_limit_window_ms: 1000 });
    await api().get("/v1/dns/zones");
    expect((await api().get("/v1/dns/zones")).status).toBe(429);
    expectError(await api().put("/_emulator/settings", { rate_limit_requests: -1 }, { token: null }), 400, /^rate_limit_requests: /);
  });

  it("an injected 429 carries X-RateLimit-* (Remaining 0) and the rule's Retry-After, using nothing up", async () => {
    emu().setRateLimit({ requests: 5, windowMs: 60_000 });
    emu().setFaults({ rules: [{ route: "POST /v1/dns/records", fault: "status", status: 429, retryAfter: 7, times: 1 }] });
    const injected = await api().record({ type: "A", name: "a", content: "203.0.113.1" });
    expectError(injected, 429, "injected fault: 429 on POST /v1/dns/records");
    expect([
      injected.headers.get("x-ratelimit-limit"),
      injected.headers.get("x-ratelimit-remaining"),
      injected.headers.get("retry-after"),
    ]).toEqual(["5", "0", "7"]);
    expect(injected.headers.get("x-ratelimit-reset")).toBe(String(Date.UTC(2026, 0, 31, 12, 1) / 1000));
    expect((await api().record({ type: "A", name: "a", content: "203.0.113.1" })).headers.get("x-ratelimit-remaining")).toBe("4");
  });
});
