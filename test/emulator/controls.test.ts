// The server around both planes: the request counter by route key, fault injection (each kind,
// `times`, seeded rates) and their `/_emulator` routes. Every fault here is one a provider's
// retry and adopt logic must survive, so each test checks what the client sees and what happened.
import { ControlConfigError } from "../../emulator";
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

afterEach(() => {
  emu().clearFaults();
  emu().resetRequests();
});

async function bucketNames(): Promise<string[]> {
  return (await api().get("/object-storage/buckets?limit=100")).body.data.map((bucket: { name: string }) => bucket.name);
}

describe("request counter", () => {
  it("counts requests by route key, both storage prefixes alike, and not the /_emulator routes", async () => {
    emu().resetRequests();
    const bucket = (await api().post("/object-storage/buckets", { name: "counted" })).body;
    await api().get(`/object-storage/buckets/${bucket.id}`);
    await api().get(`/storage/object-storage/buckets/${bucket.id}`);
    await api().put(`/object-storage/buckets/${bucket.id}`, { name: "counted-2" });
    await api().get("/dns/zones", { headers: {} }); // a 401 is still a request
    await api().get("/health");
    await api().get("/_emulator/requests", { headers: {} });

    const expected = {
      total: 6,
      throttled: 0,
      routes: {
        "POST /object-storage/buckets": 1,
        "GET /object-storage/buckets/{bucketId}": 2,
        "PUT /object-storage/buckets/{bucketId}": 1,
        "GET /dns/zones": 1,
        "GET /health": 1,
      },
    };
    expect(emu().requests()).toEqual(expected);
    expect((await api().get("/_emulator/requests", { headers: {} })).body).toEqual(expected);

    await fetch(`${emu().s3Url}/counted-2/index.html`);
    const routes = Object.keys(emu().requests().routes);
    expect(routes.filter((route) => route.startsWith("S3 "))).toHaveLength(1);

    expect((await api().delete("/_emulator/requests", { headers: {} })).status).toBe(204);
    expect(emu().requests()).toEqual({ total: 0, throttled: 0, routes: {} });
  });
});

describe("faults", () => {
  it("status: answers the status (with Retry-After) without running the request, `times` times", async () => {
    emu().setFaults({ rules: [{ route: "POST /object-storage/buckets", fault: "status", status: 429, retryAfter: 1, times: 2 }] });
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await api().post("/object-storage/buckets", { name: "status-fault" });
      expectError(refused, 429, "rate_limited");
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.headers.get("x-request-id")).toMatch(/\S/);
    }
    expect(await bucketNames()).not.toContain("status-fault");
    expect((await api().post("/object-storage/buckets", { name: "status-fault" })).status).toBe(201);
    expect(emu().faults().rules[0]).toMatchObject({ fault: "status", injected: 2 });

    emu().setFaults({ rules: [{ plane: "management", method: "get", fault: "status", status: 503 }] });
    expectError(await api().get("/dns/zones"), 503, "service_unavailable");
    expect((await api().post("/dns/zones", { domain: "status-fault.example" })).status).toBe(201);
  });

  it("delay: waits, then runs the request; a delay lets a later rule fire too", async () => {
    emu().setFaults({ rules: [{ route: "GET /dns/zones", fault: "delay", delayMs: 300 }] });
    let started = Date.now();
    expect((await api().get("/dns/zones")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emu().setFaults({
      rules: [
        { fault: "delay", delayMs: 150 },
        { route: "GET /dns/zones", fault: "status", status: 500 },
      ],
    });
    started = Date.now();
    expectError(await api().get("/dns/zones"), 500, "internal_error");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("drop: closes the connection without an answer and without running the request", async () => {
    emu().setFaults({ rules: [{ route: "POST /object-storage/buckets", fault: "drop", times: 1 }] });
    await expect(api().post("/object-storage/buckets", { name: "dropped" })).rejects.toThrow();
    expect(await bucketNames()).not.toContain("dropped");
    expect((await api().post("/object-storage/buckets", { name: "dropped" })).status).toBe(201);
  });

  it("lost_response: runs the request, then closes the connection; the change is there afterwards", async () => {
    emu().setFaults({ rules: [{ route: "POST /object-storage/buckets", fault: "lost_response", times: 1 }] });
    await expect(api().post("/object-storage/buckets", { name: "lost-answer" })).rejects.toThrow();
    expect(await bucketNames()).toContain("lost-answer");
    // A retry of the create now meets the bucket it made: the conflict a provider must adopt from.
    expectError(await api().post("/object-storage/buckets", { name: "lost-answer" }), 409, "conflict");

    // Never on reads: a rule without a method leaves GETs alone.
    emu().setFaults({ rules: [{ fault: "lost_response" }] });
    expect((await api().get("/dns/zones")).status).toBe(200);
    expect(emu().faults().rules[0].injected).toBe(0);
    await expect(api().delete("/object-storage/buckets/bkt_0000000000000000")).rejects.toThrow();
    expect(() => emu().setFaults({ rules: [{ method: "GET", fault: "lost_response" }] })).toThrow(ControlConfigError);
  });

  it("rate: the same seed gives the same fault sequence", async () => {
    const sequence = async (seed: number) => {
      emu().setFaults({ seed, rules: [{ route: "GET /health", fault: "status", status: 503, rate: 0.5 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await api().get("/health")).status);
      return statuses;
    };
    const first = await sequence(42);
    expect(first).toContain(200);
    expect(first).toContain(503);
    expect(await sequence(42)).toEqual(first);
    expect(emu().faults().rules[0].injected).toBe(first.filter((status) => status === 503).length);
    expect(await sequence(7)).not.toEqual(first);
  });

  it("applies to the S3 plane with S3 XML errors", async () => {
    const s3Get = () => fetch(`${emu().s3Url}/some-bucket/key.txt`);
    for (const [status, code] of [
      [503, "ServiceUnavailable"],
      [500, "InternalError"],
      [429, "SlowDown"],
    ] as const) {
      emu().setFaults({ rules: [{ plane: "s3", fault: "status", status, retryAfter: 2 }] });
      const answer = await s3Get();
      expect(answer.status).toBe(status);
      expect(answer.headers.get("content-type")).toContain("xml");
      expect(answer.headers.get("retry-after")).toBe("2");
      expect(await answer.text()).toContain(`<Code>${code}</Code>`);
    }
    emu().setFaults({ rules: [{ plane: "s3", fault: "drop" }] });
    await expect(s3Get()).rejects.toThrow();
    // A management rule does not touch S3, and the other way round.
    emu().setFaults({ rules: [{ plane: "management", fault: "status", status: 503 }] });
    expect((await s3Get()).status).not.toBe(503);
    expect((await api().get("/_emulator/faults", { headers: {} })).status).toBe(200);
  });

  it("is steered over /_emulator/faults in snake_case, with field-naming errors", async () => {
    const rules = { seed: 5, rules: [{ route: "GET /dns/zones", fault: "status", status: 429, retry_after: 3, times: 1 }] };
    expect((await api().put("/_emulator/faults", rules, { headers: {} })).status).toBe(204);
    const refused = await api().get("/dns/zones");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("3");
    expect((await api().get("/_emulator/faults", { headers: {} })).body).toEqual({
      seed: 5,
      rules: [{ route: "GET /dns/zones", fault: "status", status: 429, retry_after: 3, times: 1, injected: 1 }],
    });

    const bad: Array<[unknown, string]> = [
      [{ rules: [{ fault: "explode" }] }, "rules[0].fault"],
      [{ rules: [{ fault: "status" }] }, "rules[0].status"],
      [{ rules: [{ fault: "delay" }] }, "rules[0].delay_ms"],
      [{ rules: [{ fault: "drop", rate: 2 }] }, "rules[0].rate"],
      [{ rules: [{ fault: "drop", times: 0 }] }, "rules[0].times"],
      [{ rules: [{ fault: "drop", plane: "cdn" }] }, "rules[0].plane"],
      [{ rules: "all" }, "rules"],
    ];
    for (const [body, field] of bad) {
      expectError(await api().put("/_emulator/faults", body, { headers: {} }), 400, "validation_error", field);
    }
    expect((await api().delete("/_emulator/faults", { headers: {} })).status).toBe(204);
    expect(emu().faults()).toEqual({ seed: 0, rules: [] });
  });

  it("never faults or counts the /_emulator routes", async () => {
    emu().setFaults({ rules: [{ fault: "status", status: 503 }] });
    expectError(await api().get("/health"), 503, "service_unavailable");
    expect((await api().get("/_emulator/requests", { headers: {} })).body).toEqual({
      total: 1,
      throttled: 0,
      routes: { "GET /health": 1 },
    });
  });
});
