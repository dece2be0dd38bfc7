// Authentication as the two API documents describe it, and the API key's lifecycle.
import { startEmulator } from "../../emulator";
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

describe("authentication", () => {
  it("accepts the API key as Authorization, as X-API-Key, and a dashboard JWT as Bearer", async () => {
    const key = emu().apiKey;
    expect((await api().get("/dns/zones", { headers: { authorization: key } })).status).toBe(200);
    expect((await api().get("/dns/zones", { headers: { "x-api-key": key } })).status).toBe(200);
    const jwt = emu().dashboardToken();
    expect((await api().get("/dns/zones", { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
  });

  it("serves the storage routes under /object-storage and /storage/object-storage alike", async () => {
    const created = await api().post("/storage/object-storage/buckets", { name: "auth-prefix-check" });
    expect(created.status).toBe(201);
    const viaReference = await api().get(`/object-storage/buckets/${created.body.id}`);
    const viaGuide = await api().get(`/storage/object-storage/buckets/${created.body.id}`, { headers: { "x-api-key": emu().apiKey } });
    expect(viaReference.body).toEqual(viaGuide.body);
    expect(viaReference.body.name).toBe("auth-prefix-check");
  });

  it("answers 401 JSON without a credential, with a malformed one, or with an unknown key", async () => {
    expectError(await api().get("/object-storage/buckets", { headers: {} }), 401, "unauthorized");
    expectError(await api().get("/object-storage/buckets", { headers: { authorization: "Basic dXNlcjpwYXNz" } }), 401, "unauthorized");
    expectError(await api().get("/dns/zones", { headers: { authorization: `mamute-${"0".repeat(40)}` } }), 401, "unauthorized");
    expectError(await api().get("/dns/zones", { headers: { "x-api-key": "not-a-key" } }), 401, "unauthorized");
    expectError(await api().get("/dns/zones", { headers: { authorization: `Bearer ${emu().apiKey}` } }), 401, "unauthorized");
  });

  it("refuses an expired, tampered or foreign JWT", async () => {
    const expired = emu().dashboardToken(-1);
    expect(
      expectError(await api().get("/dns/zones", { headers: { authorization: `Bearer ${expired}` } }), 401, "unauthorized").message,
    ).toMatch(/expired/);

    const [header, payload, signature] = emu().dashboardToken().split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1e6 })).toString("base64url");
    expectError(
      await api().get("/dns/zones", { headers: { authorization: `Bearer ${header}.${forged}.${signature}` } }),
      401,
      "unauthorized",
    );

    const other = await startEmulator({ port: 0 });
    try {
      expectError(await api().get("/dns/zones", { headers: { authorization: `Bearer ${other.dashboardToken()}` } }), 401, "unauthorized");
    } finally {
      await other.close();
    }
  });

  it("issues dashboard tokens over /_emulator that authenticate", async () => {
    const issued = await api().post("/_emulator/dashboard-token", { expires_in: 60 }, { headers: {} });
    expect(issued.status).toBe(200);
    const expiresAt = Date.parse(issued.body.expires_at);
    expect(expiresAt - Date.now()).toBeGreaterThan(50_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(61_000);
    expect((await api().get("/dns/zones", { headers: { authorization: `Bearer ${issued.body.token}` } })).status).toBe(200);
    expectError(await api().post("/_emulator/dashboard-token", { expires_in: 0 }, { headers: {} }), 400, "validation_error", "expires_in");
  });

  it("serves GET /health without authentication, and an x-request-id on every answer", async () => {
    const health = await api().get("/health", { headers: {} });
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(health.headers.get("x-request-id")).toMatch(/\S/);
    expect((await api().get("/dns/zones", { headers: {} })).headers.get("x-request-id")).toMatch(/\S/);
  });
});

// Last in this file: it replaces and then revokes the key the other tests authenticate with.
describe("API key lifecycle", () => {
  it("generates a key that replaces the previous one, shows it once, and can be revoked", async () => {
    const startKey = emu().apiKey;
    const before = await api().get("/security/apikey");
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ name: "emulator", prefix: startKey.slice(0, 11) });
    expect(before.body.key).toBeUndefined();
    expect(typeof before.body.last_used_at).toBe("string");

    expectError(await api().post("/security/apikey", {}), 400, "validation_error", "name");
    expectError(await api().post("/security/apikey", { name: "x".repeat(65) }), 400, "validation_error", "name");

    const generated = await api().post("/security/apikey", { name: "deploy-key" });
    expect(generated.status).toBe(201);
    const newKey: string = generated.body.key;
    expect(newKey).toMatch(/^mamute-[0-9a-f]{40}$/);
    expect(generated.body).toMatchObject({ name: "deploy-key", prefix: newKey.slice(0, 11) });
    expect(generated.body.id).toMatch(/^key_/);

    // The old key stops working at once, in both header styles.
    expectError(await api().get("/dns/zones", { headers: { authorization: startKey } }), 401, "unauthorized");
    expectError(await api().get("/dns/zones", { headers: { "x-api-key": startKey } }), 401, "unauthorized");

    const current = await api().get("/security/apikey", { headers: { "x-api-key": newKey } });
    expect(current.body).toMatchObject({ id: generated.body.id, name: "deploy-key", prefix: newKey.slice(0, 11) });
    expect(current.body.key).toBeUndefined();

    expect((await api().delete("/security/apikey", { headers: { authorization: newKey } })).status).toBe(204);
    expectError(await api().get("/dns/zones", { headers: { authorization: newKey } }), 401, "unauthorized");

    // Afterwards only a JWT authenticates, and there is no key to show or revoke.
    const jwt = { authorization: `Bearer ${emu().dashboardToken()}` };
    expectError(await api().get("/security/apikey", { headers: jwt }), 404, "not_found");
    expectError(await api().delete("/security/apikey", { headers: jwt }), 404, "not_found");
    const again = await api().post("/security/apikey", { name: "after-revoke" }, { headers: jwt });
    expect(again.status).toBe(201);
    expect((await api().get("/dns/zones", { headers: { authorization: again.body.key } })).status).toBe(200);
  });
});
