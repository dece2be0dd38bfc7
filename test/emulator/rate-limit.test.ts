// The rate limit: off by default; over it a management request gets 429 JSON and an S3 request
// 503 SlowDown, both with Retry-After in whole seconds; waiting that long is enough.
import { ControlConfigError } from "../../emulator";
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

afterEach(() => emu().clearRateLimit());

describe("rate limit", () => {
  it("is off by default", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        api()
          .get("/health")
          .then((answer) => answer.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("answers 429 with Retry-After over the limit, and lets the request through after waiting it", async () => {
    emu().setRateLimit({ requestsPerSecond: 2, burst: 2, plane: "management" });
    emu().resetRequests();
    expect((await api().get("/dns/zones")).status).toBe(200);
    expect((await api().get("/dns/zones")).status).toBe(200);
    const limited = await api().get("/dns/zones");
    expectError(limited, 429, "rate_limited");
    const retryAfter = limited.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(emu().requests()).toMatchObject({ total: 3, throttled: 1 });

    // The S3 plane was not limited.
    expect((await fetch(`${emu().s3Url}/b/k`)).status).not.toBe(503);
    // Nor the emulator's own routes.
    expect((await api().get("/_emulator/requests", { headers: {} })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
    expect((await api().get("/dns/zones")).status).toBe(200);

    emu().clearRateLimit();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api()
          .get("/health")
          .then((answer) => answer.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("throttles S3 with 503 SlowDown XML, set over /_emulator/rate-limit", async () => {
    const set = await api().put("/_emulator/rate-limit", { requests_per_second: 1, burst: 1, plane: "s3" }, { headers: {} });
    expect(set.status).toBe(204);
    await fetch(`${emu().s3Url}/b/k`);
    const limited = await fetch(`${emu().s3Url}/b/k`);
    expect(limited.status).toBe(503);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.text()).toContain("<Code>SlowDown</Code>");
    // Management is untouched.
    for (let i = 0; i < 5; i++) expect((await api().get("/health")).status).toBe(200);

    expect((await api().delete("/_emulator/rate-limit", { headers: {} })).status).toBe(204);
    expect((await fetch(`${emu().s3Url}/b/k`)).status).not.toBe(503);
  });

  it("refuses settings that cannot work, naming the field", async () => {
    expectError(await api().put("/_emulator/rate-limit", { burst: 3 }, { headers: {} }), 400, "validation_error", "requests_per_second");
    expectError(
      await api().put("/_emulator/rate-limit", { requests_per_second: 0 }, { headers: {} }),
      400,
      "validation_error",
      "requests_per_second",
    );
    expectError(
      await api().put("/_emulator/rate-limit", { requests_per_second: 5, burst: 0.5 }, { headers: {} }),
      400,
      "validation_error",
      "burst",
    );
    expectError(
      await api().put("/_emulator/rate-limit", { requests_per_second: 5, plane: "cdn" }, { headers: {} }),
      400,
      "validation_error",
      "plane",
    );
    expect(() => emu().setRateLimit({ requestsPerSecond: -1 })).toThrow(ControlConfigError);
  });

  it("counts refused requests, since a client's retries are requests too", async () => {
    emu().resetRequests();
    emu().setRateLimit({ requestsPerSecond: 1, burst: 1 });
    await api().get("/dns/zones");
    await api().get("/dns/zones");
    expect(emu().requests().routes["GET /dns/zones"]).toBe(2);
  });
});
