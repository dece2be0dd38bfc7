// The emulator's dialects, asked the way curl would: each answers where the API documents are
// silent in the way emulator/README.md ("What the documentation leaves open") says, the default
// answers as before, and no dialect turns a bad request into a 500.
import { startEmulator, type Emulator } from "../../emulator";
import { readDialect, ALL_DIALECT_NAMES, DIALECT_NAMES } from "../../emulator/dialect";
import { parseArgs } from "../../emulator/cli";

interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: any;
}

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: "127.0.0.1", cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
});

afterAll(() => emu?.close());

afterEach(() => {
  emu.setDialect([]);
  emu.clearFaults();
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
});

/** A request with the API key in `Authorization` (or the headers given instead). */
async function call(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers = options.headers ?? { authorization: emu.apiKey };
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text, json };
}

/** Made in the default dialect, so the setup never depends on the dialect under test. */
async function defaultCall(method: string, path: string, body?: unknown): Promise<any> {
  const before = emu.dialect();
  emu.setDialect([]);
  try {
    const answer = await call(method, path, { body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.json;
  } finally {
    emu.setDialect([...before]);
  }
}

let serial = 0;
const unique = (prefix: string) => `${prefix}-${process.pid % 1000}-${++serial}`;

async function newBucket(): Promise<string> {
  return (await defaultCall("POST", "/object-storage/buckets", { name: unique("dialect") })).id;
}

async function newResource(origin: object = { type: "storage", bucket_id: undefined }): Promise<any> {
  const originGroup = "bucket_id" in origin ? { type: "storage", bucket_id: await newBucket() } : origin;
  return defaultCall("POST", "/cdn/resource", { name: unique("site"), origin_group: originGroup });
}

describe("the default dialect", () => {
  test("answers as the README documents: error objects, {data, pagination}, whole objects", async () => {
    expect(emu.dialect()).toEqual([]);
    const missing = await call("GET", "/dns/zones/zone_0000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: "not_found", message: "zone zone_0000000000000000 not found" } });
    const bucket = await call("POST", "/object-storage/buckets", { body: { name: unique("default") } });
    expect(bucket.status).toBe(201);
    expect(Object.keys(bucket.json).sort()).toEqual([
      "created_at",
      "id",
      "name",
      "object_count",
      "region",
      "s3_endpoint",
      "size_bytes",
      "storage_class",
      "updated_at",
    ]);
    const list = await call("GET", "/object-storage/buckets?limit=100");
    expect(Object.keys(list.json).sort()).toEqual(["data", "pagination"]);
    expect(list.json.pagination).toMatchObject({ page: 1, limit: 100 });
  });

  test("serves both storage prefixes and both API key headers", async () => {
    expect((await call("GET", "/object-storage/buckets")).status).toBe(200);
    expect((await call("GET", "/storage/object-storage/buckets")).status).toBe(200);
    expect((await call("GET", "/dns/zones", { headers: { "x-api-key": emu.apiKey } })).status).toBe(200);
  });
});

describe("error bodies", () => {
  const shapes: Array<[string, (message: string) => unknown]> = [
    ["errors-message", (message) => ({ message })],
    ["errors-detail", (message) => ({ detail: message })],
    ["errors-string", (message) => ({ error: message })],
  ];

  test.each(shapes)("%s: the message in that shape, the status unchanged", async (dialect, shape) => {
    emu.setDialect([dialect]);
    const missing = await call("GET", "/dns/zones/zone_0000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual(shape("zone zone_0000000000000000 not found"));
    const unauthorized = await call("GET", "/dns/zones", { headers: { authorization: "mamute-wrong" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json).toEqual(shape("the API key is unknown or has been revoked"));
    const invalid = await call("POST", "/object-storage/buckets", { body: { name: "A" } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual(shape(expect.stringMatching(/^name: must be lowercase/)));
  });

  test("errors-text: a plain text body", async () => {
    emu.setDialect(["errors-text"]);
    const missing = await call("GET", "/dns/zones/zone_0000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.contentType).toMatch(/^text\/plain/);
    expect(missing.text).toBe("zone zone_0000000000000000 not found");
  });

  test("injected faults answer in the dialect's shape too", async () => {
    emu.setDialect(["errors-detail"]);
    emu.setFaults({ rules: [{ route: "GET /dns/zones", fault: "status", status: 503 }] });
    const fault = await call("GET", "/dns/zones");
    expect(fault.status).toBe(503);
    expect(fault.json).toEqual({ detail: "injected fault: 503 on GET /dns/zones" });
  });
});

describe("list envelopes and page size", () => {
  let bucketIds: string[];

  beforeAll(async () => {
    // Seven, so a page of five is short of the whole.
    bucketIds = [];
    for (let i = 0; i < 7; i++) bucketIds.push(await newBucket());
  });

  test("list-array: a bare array", async () => {
    emu.setDialect(["list-array"]);
    const list = await call("GET", "/object-storage/buckets?limit=100");
    expect(Array.isArray(list.json)).toBe(true);
    expect(list.json.map((bucket: any) => bucket.id)).toEqual(expect.arrayContaining(bucketIds));
  });

  test("list-data: {data} without pagination", async () => {
    emu.setDialect(["list-data"]);
    const list = await call("GET", "/object-storage/buckets?limit=2&page=2");
    expect(Object.keys(list.json)).toEqual(["data"]);
    expect(list.json.data).toHaveLength(2);
  });

  test("list-meta: {data, meta}", async () => {
    emu.setDialect(["list-meta"]);
    const list = await call("GET", "/object-storage/buckets?limit=2");
    expect(Object.keys(list.json).sort()).toEqual(["data", "meta"]);
    expect(list.json.meta).toEqual({ current_page: 1, per_page: 2, total: expect.any(Number), last_page: expect.any(Number) });
    expect(list.json.meta.total).toBeGreaterThanOrEqual(7);
  });

  test("list-items: {items}", async () => {
    emu.setDialect(["list-items"]);
    const list = await call("GET", "/object-storage/buckets");
    expect(Object.keys(list.json)).toEqual(["items"]);
  });

  test("page-size-refuse: a limit above 5 is a 400; none gives pages of 5", async () => {
    emu.setDialect(["page-size-refuse"]);
    const refused = await call("GET", "/object-storage/buckets?limit=100");
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: { code: "validation_error", message: "limit: must be an integer from 1 to 5", field: "limit" } });
    const first = await call("GET", "/object-storage/buckets");
    expect(first.json.data).toHaveLength(5);
    expect(first.json.pagination).toMatchObject({ page: 1, limit: 5 });
    expect((await call("GET", "/object-storage/buckets?limit=5&page=2")).json.data.length).toBeGreaterThanOrEqual(2);
  });

  test("page-size-clamp: a limit above 5 gives 5", async () => {
    emu.setDialect(["page-size-clamp"]);
    const clamped = await call("GET", "/object-storage/buckets?limit=100");
    expect(clamped.status).toBe(200);
    expect(clamped.json.data).toHaveLength(5);
    expect(clamped.json.pagination.limit).toBe(5);
  });

  test("every list route takes the envelope (credentials, zones, records, certificates, CDN, purges)", async () => {
    const bucketId = bucketIds[0];
    await defaultCall("POST", `/object-storage/buckets/${bucketId}/credentials`);
    const zone = await defaultCall("POST", "/dns/zones", { domain: `${unique("lists")}.example` });
    const resource = await newResource();
    await defaultCall("POST", `/cdn/resource/${resource.id}/purge/all`);
    emu.setDialect(["list-array"]);
    for (const path of [
      `/object-storage/buckets/${bucketId}/credentials`,
      "/dns/zones",
      `/dns/zones/${zone.id}/records`,
      `/dns/records?zone_id=${zone.id}`,
      "/cdn/ssl-certificate",
      "/cdn/resource",
      `/cdn/resource/${resource.id}/purge/history`,
      `/object-storage/buckets/${bucketId}/files`,
    ]) {
      const list = await call("GET", path);
      expect([path, list.status, Array.isArray(list.json)]).toEqual([path, 200, true]);
    }
  });
});

describe("documented fields only", () => {
  beforeEach(() => emu.setDialect(["documented-fields"]));

  test("a bucket create answers {id}; a read its id, name and storage class", async () => {
    const created = await call("POST", "/object-storage/buckets", { body: { name: unique("documented") } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.stringMatching(/^bkt_/) });
    const read = await call("GET", `/object-storage/buckets/${created.json.id}`);
    expect(read.json).toEqual({ id: created.json.id, name: expect.any(String), storage_class: "Standard" });
    const listed = (await call("GET", "/object-storage/buckets?limit=100")).json.data.find((bucket: any) => bucket.id === created.json.id);
    expect(listed).toEqual(read.json);
  });

  test("a credential create answers {access_key_id, secret_access_key}; a list only the key ids; the secret is the one kept", async () => {
    const bucketId = await newBucket();
    const created = await call("POST", `/object-storage/buckets/${bucketId}/credentials`);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ access_key_id: expect.stringMatching(/^MCAK/), secret_access_key: expect.any(String) });
    expect(emu.state.credentials.get(created.json.access_key_id)?.secretAccessKey).toBe(created.json.secret_access_key);
    expect((await call("GET", `/object-storage/buckets/${bucketId}/credentials`)).json.data).toEqual([
      { access_key_id: created.json.access_key_id },
    ]);
    const regenerated = await call("POST", `/object-storage/buckets/${bucketId}/credentials/${created.json.access_key_id}/regenerate`);
    expect(Object.keys(regenerated.json).sort()).toEqual(["access_key_id", "secret_access_key"]);
  });

  test("a CDN create answers {id, distribution_domain, status: in_progress}; a read what the bodies name", async () => {
    emu.setSettings({ cdnDeployDelayMs: 60_000 });
    const created = await call("POST", "/cdn/resource", {
      body: { name: unique("doc-site"), origin_group: { type: "storage", bucket_id: await newBucket() } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^cdn_/),
      distribution_domain: expect.stringMatching(/\.mamutecdn\.com$/),
      status: "in_progress",
    });
    const read = (await call("GET", `/cdn/resource/${created.json.id}`)).json;
    expect(Object.keys(read).sort()).toEqual([
      "behaviors",
      "custom_domains",
      "custom_error_responses",
      "description",
      "distribution_domain",
      "id",
      "name",
      "origin_groups",
      "status",
    ]);
    expect(read.origin_groups[0]).not.toHaveProperty("created_at");
    expect(read.origin_groups[0]).toMatchObject({ type: "storage", bucket_id: expect.any(String) });
  });

  test("zones, records and certificates: a create answers {id}; a read keeps what a client needs", async () => {
    const zone = await call("POST", "/dns/zones", { body: { domain: `${unique("documented")}.example` } });
    expect(zone.json).toEqual({ id: expect.stringMatching(/^zone_/) });
    expect(Object.keys((await call("GET", `/dns/zones/${zone.json.id}`)).json).sort()).toEqual(["domain", "id"]);
    const record = await call("POST", `/dns/zones/${zone.json.id}/records`, { body: { name: "www", type: "A", values: ["192.0.2.1"] } });
    expect(record.json).toEqual({ id: expect.stringMatching(/^rec_/) });
    const records = (await call("GET", `/dns/zones/${zone.json.id}/records`)).json.data;
    expect(records.find((each: any) => each.id === record.json.id)).toEqual({
      id: record.json.id,
      zone_id: zone.json.id,
      name: expect.stringMatching(/^www\./),
      type: "A",
      values: ["192.0.2.1"],
      ttl: 3600,
    });
    const cert = await call("POST", "/cdn/ssl-certificate", { body: { domain_name: `www.${unique("cert")}.example` } });
    expect(cert.json).toEqual({ id: expect.stringMatching(/^cert_/) });
    expect(Object.keys((await call("GET", `/cdn/ssl-certificate/${cert.json.id}`)).json).sort()).toEqual([
      "domain_name",
      "id",
      "status",
      "subject_alternative_names",
      "tags",
      "validation_records",
    ]);
  });
});

describe("status words", () => {
  test("status-words: a deployed CDN resource says active, an issued certificate says ready; in_progress stays", async () => {
    emu.setDialect(["status-words"]);
    emu.setSettings({ cdnDeployDelayMs: 60_000 });
    const resource = await newResource();
    expect((await call("GET", `/cdn/resource/${resource.id}`)).json.status).toBe("in_progress");
    emu.setSettings({ cdnDeployDelayMs: 0 });
    expect((await call("GET", `/cdn/resource/${resource.id}`)).json.status).toBe("active");
    const cert = (await call("POST", "/cdn/ssl-certificate", { body: { domain_name: `www.${unique("words")}.example` } })).json;
    expect((await call("GET", `/cdn/ssl-certificate/${cert.id}`)).json.status).toBe("ready");
    expect(emu.state.certificates.get(cert.id)?.status).toBe("issued");
  });

  test("status-failures: deploys end failed (bucket origin) or error (custom origin)", async () => {
    emu.setDialect(["status-failures"]);
    const storage = await newResource();
    const custom = await newResource({ type: "custom", hostname: "origin.example.com" });
    expect((await call("GET", `/cdn/resource/${storage.id}`)).json.status).toBe("failed");
    expect((await call("GET", `/cdn/resource/${custom.id}`)).json.status).toBe("error");
  });

  test("status-failures: certificates end validation_timed_out (DNS elsewhere) or failed (validated here), never issued", async () => {
    emu.setDialect(["status-failures"]);
    const outside = (await call("POST", "/cdn/ssl-certificate", { body: { domain_name: `www.${unique("outside")}.example` } })).json;
    expect((await call("GET", `/cdn/ssl-certificate/${outside.id}`)).json.status).toBe("validation_timed_out");

    const domain = `${unique("inside")}.example`;
    const zone = await defaultCall("POST", "/dns/zones", { domain });
    emu.setSettings({ sslValidationDelayMs: 60_000 });
    const inside = (await call("POST", "/cdn/ssl-certificate", { body: { domain_name: `www.${domain}` } })).json;
    expect(inside.status).toBe("pending_validation");
    for (const record of inside.validation_records) {
      await defaultCall("POST", `/dns/zones/${zone.id}/records`, { name: record.name, type: record.type, values: [record.value] });
    }
    const settled = (await call("GET", `/cdn/ssl-certificate/${inside.id}`)).json;
    expect(settled.status).toBe("failed");
    expect(settled.not_after).toBeNull();
    // A failed certificate stays failed, whatever the dialect later.
    emu.setDialect([]);
    expect((await call("GET", `/cdn/ssl-certificate/${inside.id}`)).json.status).toBe("failed");
  });
});

describe("one API key header", () => {
  test("auth-authorization: X-API-Key is refused 401, Authorization works", async () => {
    emu.setDialect(["auth-authorization"]);
    const refused = await call("GET", "/dns/zones", { headers: { "x-api-key": emu.apiKey } });
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toMatch(/Authorization/);
    expect((await call("GET", "/dns/zones", { headers: { authorization: emu.apiKey } })).status).toBe(200);
  });

  test("auth-x-api-key: a key in Authorization is refused 401, X-API-Key and a Bearer JWT work", async () => {
    emu.setDialect(["auth-x-api-key"]);
    const refused = await call("GET", "/dns/zones", { headers: { authorization: emu.apiKey } });
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toMatch(/X-API-Key/);
    expect((await call("GET", "/dns/zones", { headers: { "x-api-key": emu.apiKey } })).status).toBe(200);
    expect((await call("GET", "/dns/zones", { headers: { authorization: `Bearer ${emu.dashboardToken()}` } })).status).toBe(200);
    // Both headers sent: the one this server reads decides.
    expect((await call("GET", "/dns/zones", { headers: { authorization: "mamute-wrong", "x-api-key": emu.apiKey } })).status).toBe(200);
  });
});

describe("one storage prefix", () => {
  test("prefix-object-storage: /storage/object-storage/... is an unknown route (404)", async () => {
    emu.setDialect(["prefix-object-storage"]);
    const other = await call("GET", "/storage/object-storage/buckets");
    expect(other.status).toBe(404);
    expect(other.json.error.message).toMatch(/^no route for GET/);
    expect((await call("GET", "/object-storage/buckets")).status).toBe(200);
    expect(emu.requests().routes["GET (unknown route)"]).toBeGreaterThanOrEqual(1);
  });

  test("prefix-storage: /object-storage/... is an unknown route (404)", async () => {
    emu.setDialect(["prefix-storage"]);
    expect((await call("GET", "/object-storage/buckets")).status).toBe(404);
    expect((await call("POST", "/object-storage/buckets", { body: { name: unique("prefix") } })).status).toBe(404);
    expect((await call("GET", "/storage/object-storage/buckets")).status).toBe(200);
    expect((await call("GET", "/dns/zones")).status).toBe(200);
  });
});

describe("purge targets and the distribution name", () => {
  test("purge-absolute: a bare path is a 400, an absolute URL is purged", async () => {
    const resource = await newResource();
    emu.setDialect(["purge-absolute"]);
    const path = await call("POST", `/cdn/resource/${resource.id}/purge/url`, { body: { urls: ["/index.html"] } });
    expect(path.status).toBe(400);
    expect(path.json.error.field).toBe("urls[0]");
    expect(
      (
        await call("POST", `/cdn/resource/${resource.id}/purge/url`, {
          body: { urls: [`https://${resource.distribution_domain}/index.html`] },
        })
      ).status,
    ).toBe(201);
  });

  test("purge-paths: an absolute URL is a 400, a path is purged", async () => {
    const resource = await newResource();
    emu.setDialect(["purge-paths"]);
    expect(
      (
        await call("POST", `/cdn/resource/${resource.id}/purge/url`, {
          body: { urls: [`https://${resource.distribution_domain}/index.html`] },
        })
      ).status,
    ).toBe(400);
    expect((await call("POST", `/cdn/resource/${resource.id}/purge/url`, { body: { urls: ["/index.html"] } })).status).toBe(201);
  });

  test("distribution-label: `my-site` is taken, `my-site.mamutecdn.com` is a 400 (PUT and the name check)", async () => {
    const resource = await newResource();
    emu.setDialect(["distribution-label"]);
    const label = unique("label");
    const full = await call("PUT", `/cdn/resource/${resource.id}`, { body: { distribution_domain: `${label}.mamutecdn.com` } });
    expect(full.status).toBe(400);
    expect(full.json.error.field).toBe("distribution_domain");
    expect((await call("GET", `/cdn/resource/check-distribution-name?distribution_name=${label}.mamutecdn.com`)).status).toBe(400);
    expect((await call("GET", `/cdn/resource/check-distribution-name?distribution_name=${label}`)).json.available).toBe(true);
    const put = await call("PUT", `/cdn/resource/${resource.id}`, { body: { distribution_domain: label } });
    expect(put.status).toBe(200);
    expect(put.json.distribution_domain).toBe(`${label}.mamutecdn.com`);
  });
});

describe("filters ignored", () => {
  test("filters-ignored: ?name= and ?type= on record lists give the whole list", async () => {
    const zone = await defaultCall("POST", "/dns/zones", { domain: `${unique("filters")}.example` });
    await defaultCall("POST", `/dns/zones/${zone.id}/records`, { name: "www", type: "A", values: ["192.0.2.1"] });
    await defaultCall("POST", `/dns/zones/${zone.id}/records`, { name: "mail", type: "TXT", values: ["hello"] });
    const filtered = await call("GET", `/dns/zones/${zone.id}/records?name=www&type=A`);
    expect(filtered.json.data).toHaveLength(1);
    emu.setDialect(["filters-ignored"]);
    for (const path of [`/dns/zones/${zone.id}/records?name=www&type=A`, `/dns/records?zone_id=${zone.id}&name=www`]) {
      const names = (await call("GET", path)).json.data.map((record: any) => `${record.type} ${record.name}`);
      expect(names).toHaveLength(3);
      expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^NS /), expect.stringMatching(/^TXT mail\./)]));
    }
  });
});

describe("all, and choosing dialects", () => {
  test("all: one of each group that lets a lifecycle complete, and not status-failures", () => {
    const all = readDialect("all");
    expect(all.names).toEqual(ALL_DIALECT_NAMES);
    expect(all.names).not.toContain("status-failures");
    expect(all).toMatchObject({
      errorShape: "error-string",
      listEnvelope: "array",
      pageSize: { max: 5, over: "refuse" },
      documentedFieldsOnly: true,
      otherStatusWords: true,
      failingStatuses: false,
      apiKeyHeader: "x-api-key",
      storagePrefix: "/storage/object-storage",
      purgeTargets: "absolute",
      distributionLabelOnly: true,
      filtersIgnored: true,
    });
    // A name beside `all` takes its group's place.
    expect(readDialect("all,errors-text").errorShape).toBe("text");
    expect(readDialect(["default"]).names).toEqual([]);
  });

  test("an unknown name, or two answers to one question, is refused naming the field", () => {
    expect(() => readDialect("errors-loud")).toThrow(/dialect: "errors-loud" is not a dialect/);
    expect(() => readDialect("list-array,list-items")).toThrow(/list-array and list-items answer the same question/);
    expect(() => readDialect(5)).toThrow(/dialect: must be/);
  });

  test("all answers together: x-api-key, /storage prefix, bare arrays of 5, {error: text}", async () => {
    emu.setDialect("all");
    const headers = { "x-api-key": emu.apiKey };
    const refused = await call("GET", "/storage/object-storage/buckets?limit=6", { headers });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: "limit: must be an integer from 1 to 5" });
    const list = await call("GET", "/storage/object-storage/buckets", { headers });
    expect(Array.isArray(list.json)).toBe(true);
    expect(list.json.length).toBeLessThanOrEqual(5);
    expect(Object.keys(list.json[0]).sort()).toEqual(["id", "name", "storage_class"]);
  });

  test("/_emulator/dialect reads and switches it; startEmulator and --dialect take names", async () => {
    const put = await fetch(`${emu.url}/_emulator/dialect`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dialect: ["errors-detail", "list-items"] }),
    });
    expect(await put.json()).toEqual({ dialect: ["errors-detail", "list-items"] });
    expect(emu.dialect()).toEqual(["errors-detail", "list-items"]);
    const bad = await fetch(`${emu.url}/_emulator/dialect`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dialect: ["nope"] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe("dialect");
    const reset = await fetch(`${emu.url}/_emulator/dialect`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dialect: ["default"] }),
    });
    expect(await reset.json()).toEqual({ dialect: ["default"] });
    expect(await (await fetch(`${emu.url}/_emulator/dialect`)).json()).toEqual({ dialect: ["default"] });

    expect(parseArgs(["--dialect", "errors-text,list-meta"]).dialect).toEqual(["errors-text", "list-meta"]);
    expect(parseArgs(["--dialect=all"]).dialect).toEqual(ALL_DIALECT_NAMES);
    expect(() => parseArgs(["--dialect", "loud"])).toThrow(/--dialect: "loud" is not a dialect/);
    const other = await startEmulator({ port: 0, dialect: ["errors-message"] });
    try {
      expect(other.dialect()).toEqual(["errors-message"]);
    } finally {
      await other.close();
    }
  });
});

describe("bad requests answer 4xx in every dialect", () => {
  test.each<string>(["default", ...DIALECT_NAMES, "all"])("%s", async (dialect) => {
    emu.setDialect(dialect);
    const auth = { authorization: emu.apiKey, "x-api-key": emu.apiKey };
    const requests: Array<[string, string, { rawBody?: string; headers?: Record<string, string> }]> = [
      ["POST", "/object-storage/buckets", { rawBody: "{not json", headers: auth }],
      ["POST", "/storage/object-storage/buckets", { rawBody: "[]", headers: auth }],
      ["GET", "/object-storage/buckets?limit=abc&page=-1", { headers: auth }],
      ["GET", "/dns/records?zone_id=zone_nope&name=%zz&type=BOGUS", { headers: auth }],
      ["PUT", "/cdn/resource/cdn_nope", { rawBody: '{"distribution_domain": 5}', headers: auth }],
      ["POST", "/cdn/resource/cdn_nope/purge/url", { rawBody: '{"urls": [null]}', headers: auth }],
      ["GET", "/nowhere", { headers: auth }],
      ["DELETE", "/dns/zones", { headers: auth }],
      ["GET", "/dns/zones", { headers: {} }],
    ];
    for (const [method, path, options] of requests) {
      const answer = await call(method, path, options);
      expect([method, path, answer.status >= 400 && answer.status < 500]).toEqual([method, path, true]);
    }
  });
});
