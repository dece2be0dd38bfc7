// Shardlyn's kinds through its native plugin against its emulator: what a user of each kind
// checks, how the provider signs in, and that nothing still there is ever dropped from state.
import { HostCallError, revealed, type ProviderHost } from "../harness/providerHost";
import { startPlugin } from "../harness/nativeRig";
import { SHARDLYN_DIALECT_NAMES } from "../../shardlyn/emulator";
import { Engine } from "../harness/engine";
import { invoke } from "../plugin/harness";
import { PLUGIN, shardlynApi, shardlynEnv, shardlynSettings, startShardlyn, type ShardlynRig, type SignIn } from "./harness";

let rig: ShardlynRig;

beforeAll(async () => {
  rig = await startShardlyn({ signIn: "session" });
});

afterAll(async () => rig?.close());

afterEach(() => {
  rig.emu.clearFaults();
  rig.emu.setDialect([]);
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the step to fail");
    },
    (err: unknown) => err as Error,
  );

const record = (name: string, content: string, type = "TXT") => ({
  credentialId: rig.emu.credentialId,
  zoneId: rig.emu.zoneId,
  type,
  name,
  content,
});

async function zoneRecords(): Promise<Array<{ id: string; type: string; name: string; content: string; ttl: number }>> {
  const { status, body } = await shardlynApi(rig.emu, "GET", `/v1/dns/zones/${rig.emu.zoneId}/records`);
  expect(status).toBe(200);
  return body;
}

/** A second plugin host on the same emulator, configured another way (another credential). */
async function otherHost(signIn: SignIn, extra: Record<string, unknown> = {}): Promise<{ engine: Engine; host: ProviderHost }> {
  const host = await startPlugin(
    { plugin: PLUGIN, pkg: "shardlyn", env: shardlynEnv(), settings: shardlynSettings(rig.emu, signIn, extra) },
    rig.logs,
  );
  return { engine: await Engine.create(host), host };
}

describe("DnsRecord", () => {
  test("two records of one name and type coexist; content and TTL change in place; a new name replaces; names in any form are one", async () => {
    const { engine } = rig;
    await engine.up("DnsRecord", "spf-a", record("multi", "first"));
    await engine.up("DnsRecord", "spf-b", record("multi", "second"));
    expect((await zoneRecords()).filter((r) => r.name === "multi").map((r) => r.content)).toEqual(["first", "second"]);

    rig.emu.resetRequests();
    expect((await engine.up("DnsRecord", "spf-a", { ...record("multi", "first-changed"), ttl: 600 })).op).toBe("update");
    expect(rig.emu.requestCounts().routes).toEqual({ "PUT /v1/dns/records/{id}": 1 });
    expect((await zoneRecords()).find((r) => r.content === "first-changed")?.ttl).toBe(600);

    // The full name, with its trailing dot, in another case: the same record.
    expect((await engine.preview("DnsRecord", "spf-a", { ...record("MULTI.example.com.", "first-changed"), ttl: 600 })).op).toBe("same");
    const renamed = await engine.up("DnsRecord", "spf-a", { ...record("renamed", "first-changed"), ttl: 600 });
    expect(renamed.op).toBe("replace");
    expect((await zoneRecords()).map((r) => r.name).sort()).toEqual(["multi", "renamed"]);
    expect(engine.get("spf-a").outputs).toMatchObject({ fqdn: "renamed.example.com", zoneName: "example.com" });

    await engine.destroy("spf-a");
    await engine.destroy("spf-b");
    expect(await zoneRecords()).toEqual([]);
  });

  test("content is checked by type at preview, naming the property and the form it takes", async () => {
    rig.emu.resetRequests();
    const refused = await failure(rig.engine.preview("DnsRecord", "bad", record("www", "not-an-address", "A")));
    expect(refused.message).toMatch(/content: must be an IPv4 address for an A record/);
    const mx = await failure(rig.engine.preview("DnsRecord", "bad", record("@", "mail.example.com", "MX")));
    expect(mx.message).toMatch(/content: must be "<priority> <mail host>"/);
    expect(rig.emu.requestCounts().total).toBe(0);
  });

  test("refreshing many records costs one list of their zone", async () => {
    const names = ["r1", "r2", "r3", "r4", "r5"];
    for (const name of names) await rig.engine.up("DnsRecord", name, record(name, `v=${name}`));
    rig.emu.resetRequests();
    expect(await Promise.all(names.map((name) => rig.engine.refresh(name)))).toEqual(names.map(() => true));
    expect(rig.emu.requestCounts().routes).toEqual({ "GET /v1/dns/zones/{zoneId}/records": 1 });
    for (const name of names) await rig.engine.destroy(name);
  });

  test("a revoked external credential never drops a record: refresh fails naming the credential, whatever status passes it on", async () => {
    const { engine } = rig;
    await engine.up("DnsRecord", "kept", record("kept", "v=kept"));
    const id = engine.get("kept").id;
    rig.emu.revokeCredential(rig.emu.credentialId);
    try {
      for (const dialect of [[], ["external-403"]]) {
        rig.emu.setDialect(dialect);
        const failed = await failure(engine.refresh("kept"));
        expect(failed).toBeInstanceOf(HostCallError);
        expect(failed.message).toMatch(/HTTP (502|403)/);
        expect(failed.message).toContain(`credential ${rig.emu.credentialId}`);
        expect(failed.message).toMatch(/the record is kept in the stack/);
        expect(engine.get("kept").id).toBe(id);
        // Nor does a change or a destroy pretend: each fails, naming the credential, and the state stays.
        const update = await failure(engine.up("DnsRecord", "kept", record("kept", "v=changed")));
        expect(update.message).toContain(rig.emu.credentialId);
        expect(engine.get("kept").outputs.content).toBe("v=kept");
      }
    } finally {
      rig.emu.restoreCredential(rig.emu.credentialId);
    }
    expect(await engine.refresh("kept")).toBe(true);
    // Only a definite "gone" drops it (read after the 2 seconds a refresh's reads share one list).
    await shardlynApi(rig.emu, "DELETE", `/v1/dns/records/${id.split("/")[1]}`);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await engine.refresh("kept")).toBe(false);
  });

  test("getDnsZone finds a zone by domain with its credential, and names what it did not find", async () => {
    const found = await invoke(rig.host, "shardlyn:index:getDnsZone", { domain: "Example.com." });
    expect(found.result).toMatchObject({ id: rig.emu.zoneId, domain: "example.com", credentialId: rig.emu.credentialId });
    const missing = await failure(invoke(rig.host, "shardlyn:index:getDnsZone", { domain: "nowhere.example" }));
    expect(missing.message).toMatch(/getDnsZone: Shardlyn lists no zone "nowhere.example"/);
  });
});

test.each(SHARDLYN_DIALECT_NAMES)(
  "the emulator answering %s the other way: a record and the auto-DNS config go up, refresh, preview no change, change and go",
  async (dialect) => {
    rig.emu.setDialect([dialect]);
    const { engine } = rig;
    await engine.up("DnsRecord", "open", { ...record("open-point", "v=spf1 -all"), ttl: 300 });
    const auto = { enabled: true, credentialId: rig.emu.credentialId, zoneId: rig.emu.zoneId, ttl: 600 };
    await engine.up("AutoDnsConfig", "open-auto", auto);
    for (const name of ["open", "open-auto"]) expect(await engine.refresh(name)).toBe(true);
    expect((await engine.preview("DnsRecord", "open", { ...record("open-point", "v=spf1 -all"), ttl: 300 })).op).toBe("same");
    expect((await engine.preview("AutoDnsConfig", "open-auto", auto)).op).toBe("same");
    expect((await engine.up("DnsRecord", "open", { ...record("open-point", "v=spf1 ~all"), ttl: 300 })).op).toBe("update");
    expect(await engine.refresh("open")).toBe(true);
    expect((await engine.preview("DnsRecord", "open", { ...record("open-point", "v=spf1 ~all"), ttl: 300 })).op).toBe("same");
    await engine.destroy("open-auto");
    await engine.destroy("open");
    rig.emu.setDialect([]);
    expect(await zoneRecords()).toEqual([]);
    expect((await shardlynApi(rig.emu, "GET", "/v1/dns/auto-config")).body).toMatchObject({ enabled: false, ttl: 300 });
  },
);

describe("signing in", () => {
  test("a 10-second up with a 2-second JWT lifetime: the session is renewed through the refresh route, signed in once", async () => {
    const short = await startShardlyn({ emulator: { jwtLifetimeMs: 2000 }, signIn: "session" });
    try {
      // Each create takes 1.7 seconds: six of them, one after another, outlive five access tokens.
      short.emu.setFaults({ rules: [{ route: "POST /v1/dns/records", fault: "delay", delayMs: 1700 }] });
      const started = Date.now();
      for (let i = 0; i < 6; i++) {
        const step = await short.engine.up("DnsRecord", `slow-${i}`, {
          credentialId: short.emu.credentialId,
          zoneId: short.emu.zoneId,
          type: "A",
          name: `slow-${i}`,
          content: `203.0.113.${i + 1}`,
        });
        expect(step.op).toBe("create");
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      const routes = short.emu.requestCounts().routes;
      expect(routes["POST /v1/auth/login"]).toBe(1);
      expect(routes["POST /v1/auth/refresh"]).toBeGreaterThanOrEqual(4);
      expect(routes["POST /v1/dns/records"]).toBe(6);
      expect(short.emu.externalRecords(short.emu.zoneId)).toHaveLength(6);
    } finally {
      await short.close();
    }
  }, 40_000);

  test("an API token refused on a JWT-only route: the error says the route wants a session and names the settings", async () => {
    rig.emu.setApiTokensOnJwtRoutes(false);
    const { engine, host } = await otherHost("token");
    try {
      const refused = await failure(engine.up("DnsRecord", "by-token", record("by-token", "v=1")));
      expect(refused.message).toMatch(/HTTP 403/);
      expect(refused.message).toMatch(/takes a signed-in session \(a JWT\), not an API token: set shardlyn:email and shardlyn:password/);
      expect(host.stderr + refused.message).not.toContain(rig.emu.apiToken);
    } finally {
      rig.emu.setApiTokensOnJwtRoutes(true);
      await host.close();
    }
  });

  test("a wrong password is one refused sign-in (never retried into a lockout), named by its settings", async () => {
    rig.emu.resetRequests();
    const { engine, host } = await otherHost("session", { password: "not-the-password" });
    try {
      const refused = await failure(engine.up("DnsRecord", "wrong", record("wrong", "v=1")));
      expect(refused.message).toMatch(/sign in as admin@shardlyn\.local failed: HTTP 401/);
      expect(refused.message).toMatch(/check them/);
      expect(refused.message).toContain("shardlyn:email and shardlyn:password");
      expect(refused.message).not.toContain("not-the-password");
      expect(rig.emu.requestCounts().routes["POST /v1/auth/login"]).toBe(1);
    } finally {
      await host.close();
    }
  });
});

test("an account locked after failed sign-ins: the next operation fails at once, saying how long Shardlyn asks to wait", async () => {
  const locked = await startShardlyn({ emulator: { loginLockout: { failures: 1, lockMs: 900_000 } }, signIn: "session" });
  try {
    const wrong = await startPlugin(
      { plugin: PLUGIN, pkg: "shardlyn", env: shardlynEnv(), settings: shardlynSettings(locked.emu, "session", { password: "wrong" }) },
      locked.logs,
    );
    await failure(
      (await Engine.create(wrong)).up("DnsRecord", "x", {
        credentialId: locked.emu.credentialId,
        zoneId: locked.emu.zoneId,
        type: "TXT",
        name: "x",
        content: "x",
      }),
    );
    await wrong.close();
    const started = Date.now();
    const refused = await failure(
      locked.engine.up("DnsRecord", "y", {
        credentialId: locked.emu.credentialId,
        zoneId: locked.emu.zoneId,
        type: "TXT",
        name: "y",
        content: "y",
      }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(refused.message).toMatch(/sign in as admin@shardlyn\.local failed: HTTP 429: too many failed logins/);
    expect(refused.message).toMatch(/asks to wait 900 s before the next request \(Retry-After\), longer than shardlyn:rateLimitTimeout/);
  } finally {
    await locked.close();
  }
});

describe("ApiToken", () => {
  test("its value is a secret kept across refresh; once expired, the next preview replaces it, new before old", async () => {
    // The reference's own example: expires_at a day short of created_at + expires_in, so 86402 s end in 2.
    rig.emu.setDialect(["token-expiry-short"]);
    const { engine } = rig;
    await engine.up("ApiToken", "ci", { name: "ci", expiresIn: 86402 });
    const first = revealed(engine.get("ci").outputs);
    expect(first.token).toMatch(/^shardlyn_api_/);
    expect(await engine.refresh("ci")).toBe(true);
    expect(revealed(engine.get("ci").outputs).token).toBe(first.token);
    expect((await engine.preview("ApiToken", "ci", { name: "ci", expiresIn: 86402 })).op).toBe("same");

    // Renewed ahead of its end when asked: a token within `renewBefore` of expiring is replaced already.
    const ahead = await engine.preview("ApiToken", "ci", { name: "ci", expiresIn: 86402, renewBefore: 3600 });
    expect([ahead.op, ahead.diff?.replaces]).toEqual(["replace", ["expiresIn"]]);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(String(first.expiresAt)) - Date.now() + 100));
    const expired = await engine.preview("ApiToken", "ci", { name: "ci", expiresIn: 86402 });
    expect([expired.op, expired.diff?.replaces]).toEqual(["replace", ["expiresIn"]]);
    rig.emu.setDialect([]);
    await engine.up("ApiToken", "ci", { name: "ci", expiresIn: 86402 });
    const second = revealed(engine.get("ci").outputs);
    expect(second.token).not.toBe(first.token);
    const { body } = await shardlynApi<Array<{ id: string; name: string }>>(rig.emu, "GET", "/v1/api-tokens");
    expect(body.filter((token) => token.name === "ci").map((token) => token.id)).toEqual([engine.get("ci").id]);
    await engine.destroy("ci");
  });
});

describe("AutoDnsConfig", () => {
  test("manages the fields given, and destroy writes back the config it found", async () => {
    const before = (await shardlynApi(rig.emu, "GET", "/v1/dns/auto-config")).body;
    const { engine } = rig;
    const args = { enabled: true, credentialId: rig.emu.credentialId, zoneId: rig.emu.zoneId, nameTemplate: "{instance}.games" };
    expect((await engine.up("AutoDnsConfig", "auto", args)).op).toBe("create");
    expect((await shardlynApi(rig.emu, "GET", "/v1/dns/auto-config")).body).toMatchObject({
      enabled: true,
      zone_id: rig.emu.zoneId,
      name_template: "{instance}.games",
      ttl: before.ttl,
    });
    expect(await engine.refresh("auto")).toBe(true);
    expect((await engine.preview("AutoDnsConfig", "auto", args)).op).toBe("same");
    // A field the program does not set is not managed: changed elsewhere, it is no diff.
    await shardlynApi(rig.emu, "PUT", "/v1/dns/auto-config", { ttl: 120 });
    expect(await engine.refresh("auto")).toBe(true);
    expect((await engine.preview("AutoDnsConfig", "auto", args)).op).toBe("same");
    expect((await engine.up("AutoDnsConfig", "auto", { ...args, nameTemplate: "{instance}" })).op).toBe("update");
    await engine.destroy("auto");
    expect((await shardlynApi(rig.emu, "GET", "/v1/dns/auto-config")).body).toEqual({ ...before, ttl: 120 });
  });
});
