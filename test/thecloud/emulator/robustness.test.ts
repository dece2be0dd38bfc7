// Every bad request is a 4xx, never a 500 or a crash; the request counter, fault injection and the
// /_emulator routes (the same pieces as MamuteCloud's emulator) work for The Cloud's routes.
import { request } from "node:http";
import { startTheCloudEmulator } from "../../../thecloud/emulator";
import { Api, expectError, makeBucket, rawRequest, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

const ROUTES: [string, string][] = [
  ["POST", "/auth/register"],
  ["POST", "/auth/login"],
  ["POST", "/auth/forgot-password"],
  ["POST", "/auth/reset-password"],
  ["POST", "/auth/keys"],
  ["POST", "/auth/keys/x/rotate"],
  ["POST", "/storage/buckets"],
  ["PATCH", "/storage/buckets/bkt/versioning"],
  ["POST", "/storage/buckets/bkt/lifecycle"],
  ["POST", "/storage/multipart/init/bkt/k"],
  ["POST", "/storage/multipart/complete/x"],
];

describe("bad requests", () => {
  it("garbage JSON, wrong types, huge values: 4xx on every JSON route, the emulator still answers", async () => {
    await makeBucket(api(), "bkt");
    const malformed = ["{", "[]", "null", "42", '"text"', "\u0000\u0001", "{'single': 1}"];
    const oddFields = [
      '{"name": {"nested": true}}',
      '{"name": [1,2], "email": 5, "enabled": "yes", "parts": {}}',
      `{"name": "${"n".repeat(60_000)}"}`,
    ];
    const headers = { "x-api-key": emu().apiKey, "content-type": "application/json" };
    for (const [method, path] of ROUTES) {
      for (const raw of malformed) {
        const answer = await api().call(method, path, { raw, headers });
        expect({ method, path, raw, status: answer.status }).toEqual({ method, path, raw, status: path.includes("/x") ? 404 : 400 });
      }
      for (const raw of oddFields) {
        const answer = await api().call(method, path, { raw, headers });
        expect({ method, path, raw: raw.slice(0, 30), below500: answer.status < 500 }).toEqual({
          method,
          path,
          raw: raw.slice(0, 30),
          below500: true,
        });
      }
    }
    expectError(await api().post("/storage/buckets", undefined, { raw: "{", headers: { "x-api-key": emu().apiKey } }), 400, "INVALID_JSON");
    expectError(
      await api().post("/storage/buckets", undefined, { raw: "[1]", headers: { "x-api-key": emu().apiKey } }),
      400,
      "INVALID_JSON",
    );
    expect((await api().get("/health/live")).status).toBe(200);
  });

  it("a JSON body over 64 KiB is 413, from Content-Length or from the bytes", async () => {
    const big = JSON.stringify({ name: "x".repeat(70 * 1024) });
    expectError(
      await api().post("/storage/buckets", undefined, { raw: big, headers: { "x-api-key": emu().apiKey } }),
      413,
      "PAYLOAD_TOO_LARGE",
      /64 KiB/,
    );
    const declared = await rawRequest(emu().url, "POST", "/storage/buckets", { "x-api-key": emu().apiKey, "content-length": 10 ** 9 });
    expectError(declared, 413, "PAYLOAD_TOO_LARGE");
  });

  it("an object over 5 GiB by Content-Length is 413 before any byte is read", async () => {
    await makeBucket(api(), "bkt");
    const object = await rawRequest(emu().url, "PUT", "/storage/bkt/huge", { "x-api-key": emu().apiKey, "content-length": 6 * 1024 ** 3 });
    expectError(object, 413, "PAYLOAD_TOO_LARGE", /5 GiB/);
    expect(object.headers.get("connection")).toBe("close");
  });

  it("Expect: 100-continue: the body is asked for only once the checks that need none pass", async () => {
    await makeBucket(api(), "bkt");
    const send = (path: string, headers: Record<string, string>, body: string) =>
      new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
        const target = new URL(emu().url);
        let continued = false;
        const req = request({
          host: target.hostname,
          port: target.port,
          method: "PUT",
          path,
          headers: { ...headers, expect: "100-continue", "content-length": String(body.length) },
        });
        req.on("continue", () => {
          continued = true;
          req.end(body);
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ continued, status: res.statusCode ?? 0 }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    const key = { "x-api-key": emu().apiKey };
    expect(await send("/storage/bkt/ok", key, "body")).toEqual({ continued: true, status: 201 });
    expect(await send("/storage/missing/x", key, "body")).toEqual({ continued: false, status: 404 });
    expect(await send("/storage/bkt/x", {}, "body")).toEqual({ continued: false, status: 401 });
    expect((await api().get("/storage/bkt/ok")).body).toBe("body");
  });

  it("unknown routes and methods, odd targets", async () => {
    expectError(await api().get("/storage"), 404, "NOT_FOUND");
    expectError(await api().get("/"), 404, "NOT_FOUND");
    expectError(await api().get("/auth/keys/x/y/z"), 404, "NOT_FOUND");
    expectError(await api().call("PUT", "/auth/keys"), 405, "METHOD_NOT_ALLOWED");
    expectError(await api().call("DELETE", "/storage/buckets"), 405, "METHOD_NOT_ALLOWED");
    expectError(await api().get("/storage/multipart/whatever"), 404, "NOT_FOUND");
    expectError(await api().delete("/auth/keys/%zz"), 400, "VALIDATION_ERROR", /^id/);
    expectError(await api().delete(`/auth/keys/${"x".repeat(5000)}`), 404, "NOT_FOUND");
    const absolute = await rawRequest(emu().url, "GET", `http://example.com/storage/buckets`, { "x-api-key": emu().apiKey });
    expect(absolute.status).toBe(200);
    const odd = await rawRequest(emu().url, "GET", "*", { "x-api-key": emu().apiKey });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
    expect((await api().get("/health/live")).status).toBe(200);
  });
});

describe("request counter and faults", () => {
  it("counts by route key (also 401s, 404s and 429s), not /_emulator; resets", async () => {
    emu().resetRequests();
    await makeBucket(api(), "cnt");
    await api().put("/storage/cnt/a/b", "x");
    await api().put("/storage/cnt/c", "x");
    await api().get("/storage/cnt");
    await api().get("/storage/buckets", { headers: {} });
    await api().get("/nowhere");
    await api().get("/_emulator/requests", { headers: {} });
    const expected = {
      total: 6,
      throttled: 0,
      routes: {
        "POST /storage/buckets": 1,
        "PUT /storage/:bucket/*key": 2,
        "GET /storage/:bucket": 1,
        "GET /storage/buckets": 1,
        "GET (unknown route)": 1,
      },
    };
    expect(emu().requestCounts()).toEqual(expected);
    expect((await api().get("/_emulator/requests", { headers: {} })).body).toEqual(expected);
    expect((await api().delete("/_emulator/requests", { headers: {} })).status).toBe(204);
    expect(emu().requestCounts()).toEqual({ total: 0, throttled: 0, routes: {} });
  });

  it("status (with Retry-After), lost_response, drop and delay, over /_emulator/faults", async () => {
    const put = await api().call("PUT", "/_emulator/faults", {
      body: {
        seed: 7,
        rules: [
          { route: "POST /storage/buckets", fault: "lost_response", times: 1 },
          { route: "GET /storage/buckets", fault: "status", status: 429, retry_after: 2, times: 1 },
          { route: "DELETE /storage/:bucket/*key", fault: "drop", times: 1 },
        ],
      },
      headers: {},
    });
    expect(put.status).toBe(204);
    // The create ran, its answer was lost: the bucket exists, the client saw a closed connection.
    await expect(api().post("/storage/buckets", { name: "lost" })).rejects.toThrow();
    const throttled = await api().get("/storage/buckets");
    expectError(throttled, 429, "RATE_LIMITED", /injected fault/);
    expect(throttled.headers.get("retry-after")).toBe("2");
    expect((await api().get("/storage/buckets")).body.map((b: any) => b.name)).toEqual(["lost"]);
    await api().put("/storage/lost/x", "x");
    await expect(api().delete("/storage/lost/x")).rejects.toThrow();
    expect((await api().get("/storage/lost/x")).status).toBe(200);
    const report = (await api().get("/_emulator/faults", { headers: {} })).body;
    expect(report.rules.map((rule: any) => rule.injected)).toEqual([1, 1, 1]);

    const refused = await api().call("PUT", "/_emulator/faults", { body: { rules: [{ fault: "status" }] }, headers: {} });
    expect(refused).toMatchObject({ status: 400, body: { error: { field: "rules[0].status" } } });
    expect(() => emu().setFaults({ rules: [{ plane: "management" as any, fault: "drop" }] })).toThrow(/plane: must be one of api/);
    emu().setFaults({ rules: [{ plane: "api", method: "GET", fault: "delay", delayMs: 50 }] });
    const started = Date.now();
    expect((await api().get("/storage/buckets")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect((await api().delete("/_emulator/faults", { headers: {} })).status).toBe(204);
    expect(emu().faults().rules).toEqual([]);
  });
});

describe("/_emulator", () => {
  it("health, clock, reset", async () => {
    expect((await api().get("/_emulator/health", { headers: {} })).body).toEqual({ status: "ok", emulator: "thecloud" });
    const clock = (await api().get("/_emulator/clock", { headers: {} })).body;
    expect(clock.offset_ms).toBe(0);
    expect((await api().post("/_emulator/clock", { advance_ms: -1 }, { headers: {} })).status).toBe(400);
    await makeBucket(api(), "gone");
    const extra = (await api().post("/auth/keys", { name: "extra" })).body;
    expect((await api().post("/_emulator/reset", undefined, { headers: {} })).status).toBe(204);
    expect((await api().get("/storage/buckets")).body).toEqual([]);
    expect((await api().get("/auth/keys", { key: extra.key })).status).toBe(401);
    expect((await api().get("/auth/keys")).body.map((k: any) => k.name)).toEqual(["emulator"]);
  });

  it("off loopback every /_emulator route is 403 unless allowed", async () => {
    const remote = await startTheCloudEmulator({ port: 0, host: "0.0.0.0" });
    try {
      expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await new Api(remote).get("/_emulator/requests", { headers: {} });
      expect(answer).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
      expect((await new Api(remote).get("/storage/buckets")).status).toBe(200);
    } finally {
      await remote.stop();
    }
    await expect(startTheCloudEmulator({ apiKey: "mamute-123" })).rejects.toThrow(/thecloud_/);
  });
});
