// Each dialect answers one open point of the reference the other way (README.md, "What the
// reference leaves open"); the default answers it as the README decides.
import { startShardlynEmulator, SHARDLYN_DIALECT_NAMES, ALL_SHARDLYN_DIALECT_NAMES } from "../../../shardlyn/emulator";
import { expectError, useShardlyn } from "./helpers";

const { emu, api } = useShardlyn();

describe("dialect names", () => {
  it("all is one of each group; unknown names and two of one group are refused", async () => {
    expect(SHARDLYN_DIALECT_NAMES).toEqual([
      "names-full",
      "names-fqdn",
      "external-ids",
      "create-bare",
      "put-whole",
      "txt-quoted",
      "lists-enveloped",
      "lists-paged",
      "external-403",
      "token-expiry-short",
      "auto-config-whole",
      "reset-seconds",
      "retry-after",
    ]);
    emu().setDialect("all");
    expect(emu().dialect()).toEqual(ALL_SHARDLYN_DIALECT_NAMES);
    expect(emu().dialect()).toContain("names-fqdn");
    expect(emu().dialect()).toContain("lists-paged");
    expect(emu().dialect()).not.toContain("retry-after");
    expect(() => emu().setDialect(["names-full", "names-fqdn"])).toThrow(/give one of them/);
    expect(() => emu().setDialect("nope")).toThrow(/not a dialect/);
    const put = await api().put("/_emulator/dialect", { dialect: ["all", "names-full"] }, { token: null });
    expect(put.body.dialect).toContain("names-full");
    expectError(await api().put("/_emulator/dialect", { dialect: ["nope"] }, { token: null }), 400, /not a dialect/);
    await expect(startShardlynEmulator({ port: 0, dialect: "bogus" })).rejects.toThrow(/not a dialect/);
  });
});

describe("record answers", () => {
  it("names-full and names-fqdn read names back as full names; input in any form still works", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    const apex = (await api().record({ type: "A", name: "@", content: "203.0.113.1" })).body;
    emu().setDialect("names-full");
    expect((await api().get("/v1/dns/records")).body.map((r: any) => r.name)).toEqual(["mc.example.com", "example.com"]);
    emu().setDialect("names-fqdn");
    expect((await api().get("/v1/dns/records")).body.map((r: any) => r.name)).toEqual(["mc.example.com.", "example.com."]);
    // What a client read back, sent back, names the same record.
    expect((await api().put(`/v1/dns/records/${record.id}`, { name: "mc.example.com.", ttl: 60 })).body.name).toBe("mc.example.com.");
    expect((await api().put(`/v1/dns/records/${apex.id}`, { name: "example.com." })).status).toBe(200);
  });

  it("external-ids: ids are the provider's 32 hex, and PUT/DELETE take them", async () => {
    emu().setDialect("external-ids");
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    expect(record.id).toMatch(/^[0-9a-f]{32}$/);
    expect(emu().externalRecords(emu().zoneId)[0].id).toBe(record.id);
    expect((await api().put(`/v1/dns/records/${record.id}`, { ttl: 60 })).status).toBe(200);
    expect((await api().delete(`/v1/dns/records/${record.id}`)).status).toBe(204);
  });

  it("create-bare: 201 with no body; the record shows in the lists", async () => {
    emu().setDialect("create-bare");
    const created = await api().record({ type: "A", name: "mc", content: "203.0.113.1" });
    expect(created.status).toBe(201);
    expect(created.body).toBe("");
    expect((await api().get("/v1/dns/records")).body).toEqual([expect.objectContaining({ name: "mc", content: "203.0.113.1" })]);
  });

  it("put-whole: type, name, content and ttl are required, the first missing named", async () => {
    const record = (await api().record({ type: "A", name: "mc", content: "203.0.113.1" })).body;
    emu().setDialect("put-whole");
    expectError(await api().put(`/v1/dns/records/${record.id}`, { content: "203.0.113.2" }), 400, /^type: is required/);
    expectError(
      await api().put(`/v1/dns/records/${record.id}`, { type: "A", name: "mc", content: "203.0.113.2" }),
      400,
      /^ttl: is required/,
    );
    const whole = await api().put(`/v1/dns/records/${record.id}`, { type: "A", name: "mc", content: "203.0.113.2", ttl: 120 });
    expect(whole.body).toMatchObject({ content: "203.0.113.2", ttl: 120 });
  });

  it("txt-quoted: TXT content reads back in double quotes; sending either form is one record", async () => {
    emu().setDialect("txt-quoted");
    const record = (await api().record({ type: "TXT", name: "@", content: "v=spf1 -all" })).body;
    expect(record.content).toBe('"v=spf1 -all"');
    expectError(await api().record({ type: "TXT", name: "@", content: '"v=spf1 -all"' }), 409, "record already exists");
    expect(emu().externalRecords(emu().zoneId)[0].content).toBe("v=spf1 -all");
  });
});

describe("lists", () => {
  it("lists-enveloped: {data: [...]} on every list", async () => {
    await api().record({ type: "A", name: "mc", content: "203.0.113.1" });
    emu().setDialect("lists-enveloped");
    for (const path of ["/v1/dns/zones", `/v1/dns/zones/${emu().zoneId}/records`, "/v1/dns/records", "/v1/api-tokens"]) {
      const answer = await api().get(path);
      expect(Object.keys(answer.body)).toEqual(["data"]);
      expect(answer.body.data).toHaveLength(1);
    }
  });

  it("lists-paged: pages of 20 by cursor, ?limit up to 100, next_cursor null on the last", async () => {
    for (let i = 0; i < 45; i++) await api().record({ type: "A", name: `h${i}`, content: "203.0.113.1" });
    emu().setDialect("lists-paged");
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: any = await api().get(`/v1/dns/zones/${emu().zoneId}/records${cursor ? `?cursor=${cursor}` : ""}`);
      expect(answer.status).toBe(200);
      names.push(...answer.body.data.map((r: any) => r.name));
      cursor = answer.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual(Array.from({ length: 45 }, (_, i) => `h${i}`));
    const big = (await api().get("/v1/dns/records?limit=100")).body;
    expect(big.data).toHaveLength(45);
    expect(big.next_cursor).toBeNull();
    expectError(await api().get("/v1/dns/records?limit=101"), 400, /^limit: /);
    expectError(await api().get("/v1/dns/records?cursor=garbage!"), 400, /^cursor: /);
    expect((await api().get("/v1/api-tokens")).body).toEqual({ data: [expect.objectContaining({ name: "emulator" })], next_cursor: null });
  });
});

describe("tokens, auto-config, external refusal", () => {
  it("token-expiry-short: expires_at a day short of created_at + expires_in, and the token ends then", async () => {
    emu().setDialect("token-expiry-short");
    const token = (await api().post("/v1/api-tokens", { name: "ci", expires_in: 2_592_000 })).body;
    expect(Date.parse(token.expires_at) - Date.parse(token.created_at)).toBe(2_592_000_000 - 86_400_000);
    emu().advanceClock(2_592_000_000 - 86_400_000 + 1000);
    expectError(await api().get("/v1/dns/zones", { token: token.token }), 401, "invalid API token");
  });

  it("auto-config-whole: PUT carries every field, the first missing named", async () => {
    emu().setDialect("auto-config-whole");
    expectError(await api().put("/v1/dns/auto-config", { enabled: false }), 400, /^credential_id: is required/);
    const whole = {
      enabled: true,
      credential_id: emu().credentialId,
      zone_id: emu().zoneId,
      record_type: "A",
      ttl: 300,
      name_template: "{instance}",
    };
    expect((await api().put("/v1/dns/auto-config", whole)).body).toEqual(whole);
  });
});
