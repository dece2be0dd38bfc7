// Every bad request is a 4xx, never a 500 or a crash; the request counter, fault injection and the
// /_emulator routes (the pieces every emulator shares) work for Shardlyn's routes.
import { startShardlynEmulator } from "../../../shardlyn/emulator";
import { Client, expectError, rawRequest, useShardlyn } from "./helpers";

const { emu, api } = useShardlyn();

const JSON_ROUTES: [string, string][] = [
  ["POST", "/v1/auth/login"],
  ["POST", "/v1/auth/refresh"],
  ["POST", "/v1/api-tokens"],
  ["POST", "/v1/dns/records"],
  ["PUT", "/v1/dns/records/RECORD"],
  ["PUT", "/v1/dns/auto-config"],
];

describe("bad requests", () => {
  it("garbage bodies, wrong types, huge values: 4xx on every JSON route, the emulator still answers", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    const malformed = ["{", "[]", "null", "42", '"text"', "\u0000\u0001", "{'single': 1}"];
    const odd = [
      '{"name": {"nested": true}, "email": [], "password": 5, "refresh_token": {}}',
      `{"type": "A", "name": "${"a".repeat(60_000)}", "content": "1.1.1.1", "credential_id": "${"x".repeat(100)}"}`,
      '{"ttl": 1e308, "expires_in": 1e308, "enabled": null, "content": [1], "zone_id": 7}',
      '{"ttl": -1, "name": "\\u0000", "type": "\\ud800", "node_id": {"a": 1}, "name_template": []}',
    ];
    for (const [method, template] of JSON_ROUTES) {
      const path = template.replace("RECORD", record.id);
      for (const raw of malformed) {
        const answer = await api().call(method, path, { raw });
        expect({ method, path, raw, status: answer.status }).toEqual({ method, path, raw, status: 400 });
        expect(typeof answer.body.error).toBe("string");
      }
      // Unknown fields are ignored (a PUT of auto-config may change nothing); never a 5xx.
      for (const raw of odd) {
        const answer = await api().call(method, path, { raw });
        const seen = { method, path, raw: raw.slice(0, 30), below500: answer.status < 500 };
        expect(seen).toEqual({ ...seen, below500: true });
      }
    }
    expectError(await api().post("/v1/api-tokens", undefined, { raw: "{" }), 400, "body: is not valid JSON");
    expectError(await api().post("/v1/api-tokens", undefined, { raw: "[1]" }), 400, "body: must be a JSON object");
    expect((await api().get("/health", { token: null })).status).toBe(200);
  });

  it("random fields of every type on every route: never a 5xx", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [null, true, 0, -1, 1e308, 1.5, "", " ", "@", ".", "..", "%", "*", "\u0000", "x".repeat(3000), [], {}, ["a"], { a: 1 }];
    const strings = [
      "A",
      "AAAA",
      "CNAME",
      "TXT",
      "MX",
      "NS",
      "SRV",
      "CAA",
      "fe80::1%eth0",
      "::",
      '0 issue ""',
      "1 2 3 .",
      "10 .",
      "mc.example.com.",
    ];
    const fields = [
      "credential_id",
      "zone_id",
      "type",
      "name",
      "content",
      "ttl",
      "node_id",
      "enabled",
      "record_type",
      "name_template",
      "expires_in",
      "email",
      "password",
      "refresh_token",
    ];
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    for (const type of strings.slice(0, 8))
      for (const content of [...strings, ...values]) {
        const answer = await api().record({ type, name: "every", content });
        expect({ type, content, status: answer.status < 500 }).toEqual({ type, content, status: true });
      }
    for (let i = 0; i < 600; i++) {
      const [method, template] = pick(JSON_ROUTES);
      // A valid base (so the checks past the first are reached), then a few fields replaced.
      const body: Record<string, unknown> = {
        credential_id: emu().credentialId,
        zone_id: emu().zoneId,
        type: pick(strings.slice(0, 8)),
        name: `f${i}`,
        content: pick(strings),
        ttl: 300,
      };
      for (let j = Math.floor(random() * 3); j > 0; j--) body[pick(fields)] = random() < 0.5 ? pick(values) : pick(strings);
      const answer = await api().call(method, template.replace("RECORD", record.id), { body });
      expect({ body, status: answer.status < 500 }).toEqual({ body, status: true });
    }
  });

  it("a JSON body over 64 KiB is 413, from Content-Length or from the bytes", async () => {
    const big = JSON.stringify({ name: "x".repeat(70 * 1024) });
    expectError(await api().post("/v1/api-tokens", undefined, { raw: big }), 413, /64 KiB/);
    const declared = await rawRequest(emu().url, "POST", "/v1/api-tokens", {
      authorization: `Bearer ${emu().apiToken}`,
      "content-length": 10 ** 9,
    });
    expectError(declared, 413);
  });

  it("unknown routes 404 (401 without a token), wrong methods 405 with Allow, odd targets", async () => {
    expectError(await api().get("/v1/nodes"), 404, "no route for GET /v1/nodes");
    expectError(await api().get("/"), 404);
    expectError(await api().get("/v1/nodes", { token: null }), 401, "missing Authorization header");
    const wrong = await api().call("PATCH", "/v1/dns/records/x");
    expectError(wrong, 405, /PATCH is not allowed on \/v1\/dns\/records\/\{id\}; use PUT, DELETE/);
    expect(wrong.headers.get("allow")).toBe("PUT, DELETE");
    expectError(await api().call("DELETE", "/v1/dns/zones"), 405);
    expectError(await api().call("GET", "/v1/auth/login", { token: null }), 401);
    expectError(await api().call("GET", "/v1/auth/login"), 405);
    expectError(await api().delete("/v1/api-tokens/%zz"), 404);
    expectError(await api().delete(`/v1/dns/records/${"x".repeat(5000)}`), 404, "record not found");
    expect((await api().get("/v1/dns/zones/")).status).toBe(200);
    const odd = await rawRequest(emu().url, "GET", "*", { authorization: `Bearer ${emu().apiToken}` });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
    expect((await api().get("/health/ready", { token: null })).body).toEqual({ status: "ok" });
    expect((await api().get("/health/live", { token: "garbage" })).status).toBe(200);
  });

  it("caps bound memory: past 1000 API tokens a create is 409", async () => {
    for (let i = emu().state.apiTokens.size; i < 1000; i++) emu().state.addApiToken(`t${i}`, null);
    expectError(await api().post("/v1/api-tokens", { name: "one more" }), 409, "too many API tokens (at most 1000); delete some first");
  });
});

describe("request counter and faults", () => {
  it("counts by route key (401s, 404s and 429s too), not /_emulator; resets", async () => {
    emu().resetRequests();
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    await api().put(`/v1/dns/records/${record.id}`, { ttl: 60 });
    await api().get(`/v1/dns/zones/${emu().zoneId}/records`);
    await api().get("/v1/dns/zones", { token: null });
    await api().get("/nowhere");
    await api().get("/_emulator/requests", { token: null });
    const expected = {
      total: 5,
      throttled: 0,
      routes: {
        "POST /v1/dns/records": 1,
        "PUT /v1/dns/records/{id}": 1,
        "GET /v1/dns/zones/{zoneId}/records": 1,
        "GET /v1/dns/zones": 1,
        "GET (unknown route)": 1,
      },
    };
    expect(emu().requestCounts()).toEqual(expected);
    expect((await api().get("/_emulator/requests", { token: null })).body).toEqual(expected);
    expect((await api().delete("/_emulator/requests", { token: null })).status).toBe(204);
    expect(emu().requestCounts()).toEqual({ total: 0, throttled: 0, routes: {} });
  });

  it("status, lost_response, drop and delay, over /_emulator/faults; the plane is api", async () => {
    const put = await api().put(
      "/_emulator/faults",
      {
        seed: 7,
        rules: [
          { route: "POST /v1/dns/records", fault: "lost_response", times: 1 },
          { route: "GET /v1/dns/zones", fault: "status", status: 503, times: 1 },
          { route: "DELETE /v1/dns/records/{id}", fault: "drop", times: 1 },
        ],
      },
      { token: null },
    );
    expect(put.status).toBe(204);
    await expect(api().record({ type: "A", name: "lost", content: "203.0.113.1" })).rejects.toThrow();
    expect(
      emu()
        .externalRecords(emu().zoneId)
        .map((r) => r.name),
    ).toEqual(["lost.example.com"]);
    expectError(await api().get("/v1/dns/zones"), 503, "injected fault: 503 on GET /v1/dns/zones");
    const id = (await api().get("/v1/dns/records")).body[0].id;
    await expect(api().delete(`/v1/dns/records/${id}`)).rejects.toThrow();
    expect(emu().externalRecords(emu().zoneId)).toHaveLength(1);
    expect(
      emu()
        .faults()
        .rules.map((rule) => rule.injected),
    ).toEqual([1, 1, 1]);
    expectError(await api().put("/_emulator/faults", { rules: [{ fault: "status" }] }, { token: null }), 400, /^rules\[0\]\.status: /);
    expect(() => emu().setFaults({ rules: [{ plane: "management" as any, fault: "drop" }] })).toThrow(/plane: must be one of api/);
    emu().setFaults({ rules: [{ plane: "api", method: "GET", fault: "delay", delayMs: 50 }] });
    const started = Date.now();
    expect((await api().get("/v1/dns/zones")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    emu().clearFaults();
    expect(emu().faults().rules).toEqual([]);
  });
});

describe("/_emulator", () => {
  it("health, clock, seeding, reset", async () => {
    expect((await api().get("/_emulator/health", { token: null })).body).toEqual({ status: "ok", emulator: "shardlyn" });
    expect((await api().post("/_emulator/clock", { advance_ms: 1000 }, { token: null })).body.offset_ms).toBe(1000);
    expectError(await api().post("/_emulator/clock", { advance_ms: -1 }, { token: null }), 400, /^advance_ms: /);
    const credential = await api().post("/_emulator/credentials", { name: "second" }, { token: null });
    expect(credential).toMatchObject({
      status: 201,
      body: { id: expect.any(String), provider: "cloudflare", name: "second", revoked: false, zones: [] },
    });
    const zone = await api().post("/_emulator/zones", { credential_id: credential.body.id, name: "second.org" }, { token: null });
    expect(zone).toMatchObject({
      status: 201,
      body: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: "second.org", credential_id: credential.body.id },
    });
    expectError(await api().post("/_emulator/zones", { credential_id: credential.body.id, name: "" }, { token: null }), 400, /^name: /);
    expectError(await api().post("/_emulator/credentials", {}, { token: null }), 400, /^name: /);
    expectError(await api().get("/_emulator/external/zones/nope/records", { token: null }), 404, "zone not found");
    expect((await api().get("/_emulator/credentials", { token: null })).body).toHaveLength(2);
    const extra = (await api().post("/v1/api-tokens", { name: "extra" })).body;
    const startIds = [emu().credentialId, emu().zoneId];
    expect((await api().post("/_emulator/reset", undefined, { token: null })).status).toBe(204);
    expect([emu().credentialId, emu().zoneId]).toEqual(startIds);
    expect((await api().get("/v1/dns/zones")).body.map((z: any) => [z.credential_id, z.id, z.name])).toEqual([
      [...startIds, "example.com"],
    ]);
    expectError(await api().get("/v1/api-tokens", { token: extra.token }), 401);
    expect((await api().get("/v1/api-tokens")).body.map((t: any) => t.name)).toEqual(["emulator"]);
  });

  it("off loopback every /_emulator route is 403 unless allowed", async () => {
    const remote = await startShardlynEmulator({ port: 0, host: "0.0.0.0" });
    try {
      expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expectError(await new Client(remote).get("/_emulator/requests", { token: null }), 403, /--allow-remote-admin/);
      expect((await new Client(remote).get("/v1/dns/zones")).status).toBe(200);
    } finally {
      await remote.stop();
    }
  });
});
