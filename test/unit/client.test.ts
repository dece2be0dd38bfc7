// The API client against a scripted local server: retries, Retry-After, what is never retried,
// error messages, response validation, pagination and authentication headers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { ApiClient, ApiError, UnexpectedResponseError } from "../../provider/client";
import type { ProviderConfig } from "../../provider/mamutecloud/config";
import { mamuteDialect } from "../../provider/mamutecloud/dialect";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let endpoint: string;
let script: Handler[] = [];
let seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string; at: number }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() });
      const next = script.shift() ?? ((_q, r) => json(r, 500, { error: { message: "script exhausted" } }));
      next(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script = [];
  seen = [];
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const ok =
  (body: unknown): Handler =>
  (_req, res) =>
    json(res, 200, body);
const status =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    json(res, code, { error: { code: "boom", message: `status ${code}` } }, headers);
const drop: Handler = (req) => req.socket.destroy();

function client(overrides: Partial<ProviderConfig> = {}): ApiClient {
  return new ApiClient(
    {
      apiKey: "mamute-test0000000000",
      endpoint,
      s3Endpoint: endpoint,
      authHeader: "authorization",
      storagePathPrefix: "",
      insecure: false,
      requestTimeoutMs: 2000,
      retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 1500, rateLimitTimeoutMs: 5000 },
      ...overrides,
    },
    mamuteDialect,
  );
}

const thing = z.object({ id: z.string(), name: z.string() });

test("GET is retried on 502/503/504 and succeeds", async () => {
  script = [status(503), status(502), status(504), ok({ id: "1", name: "a" })];
  const c = client();
  await expect(c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing })).resolves.toEqual({
    id: "1",
    name: "a",
  });
  expect(seen).toHaveLength(4);
  await c.close();
});

test("429 waits the server's Retry-After before the retry", async () => {
  script = [status(429, { "retry-after": "1" }), ok({ id: "1", name: "a" })];
  const c = client();
  await c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing });
  expect(seen).toHaveLength(2);
  expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(950);
  await c.close();
});

test("a 4xx that is the caller's fault is never retried, and the error says what and why", async () => {
  script = [
    (_req, res) =>
      json(
        res,
        400,
        { error: { code: "validation_error", message: "name: must be 3-63 characters", field: "name" } },
        { "x-request-id": "req-42" },
      ),
  ];
  const c = client();
  const error = await c.call({ operation: 'create thing "ab"', method: "PUT", path: "/things/1", body: { name: "ab" } }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect(error.message).toBe('create thing "ab" failed: HTTP 400 validation_error: name: must be 3-63 characters (request req-42)');
  expect(error.field).toBe("name");
  expect(seen).toHaveLength(1);
  await c.close();
});

test("retries stop at maxRetries and the error counts the attempts", async () => {
  script = [status(503), status(503), status(503), status(503), status(503)];
  const c = client();
  const error = await c.call({ operation: "list things", method: "GET", path: "/things" }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(error.message).toMatch(/^list things failed after 4 attempts: HTTP 503 boom: status 503/);
  expect(seen).toHaveLength(4);
  await c.close();
});

test("a create (POST) is not repeated after a 5xx or a dropped connection: its outcome is unknown", async () => {
  const c = client();
  script = [status(503)];
  const after5xx = await c.call({ operation: "create thing", method: "POST", path: "/things", body: {} }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(after5xx.outcomeUnknown).toBe(true);
  expect(seen).toHaveLength(1);

  script = [drop];
  const afterDrop = await c.call({ operation: "create thing", method: "POST", path: "/things", body: {} }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(afterDrop).toBeInstanceOf(ApiError);
  expect(afterDrop.outcomeUnknown).toBe(true);
  expect(afterDrop.message).toMatch(/^create thing failed: no answer from/);
  expect(seen).toHaveLength(2);
  await c.close();
});

test("a create (POST) is repeated after 429: the API refused it, nothing was made", async () => {
  script = [status(429, { "retry-after": "0" }), (_req, res) => json(res, 201, { id: "1", name: "a" })];
  const c = client();
  await expect(c.call({ operation: "create thing", method: "POST", path: "/things", body: {}, response: thing })).resolves.toEqual({
    id: "1",
    name: "a",
  });
  expect(seen.map((s) => s.method)).toEqual(["POST", "POST"]);
  await c.close();
});

test("a dropped connection on an idempotent call is retried with the same body", async () => {
  script = [drop, ok({ id: "1", name: "b" })];
  const c = client();
  await c.call({ operation: "rename thing", method: "PUT", path: "/things/1", body: { name: "b" }, response: thing });
  expect(seen.map((s) => s.body)).toEqual(['{"name":"b"}', '{"name":"b"}']);
  await c.close();
});

test("a slow answer times out and is retried", async () => {
  // The late answer is dropped once the client has hung up, so no timer outlives the test.
  const late: Handler = (_req, res) => {
    const timer = setTimeout(() => json(res, 200, { id: "late", name: "x" }), 1500);
    res.on("close", () => clearTimeout(timer));
  };
  script = [late, ok({ id: "1", name: "a" })];
  const c = client({ requestTimeoutMs: 300 });
  await expect(c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing })).resolves.toEqual({
    id: "1",
    name: "a",
  });
  expect(seen).toHaveLength(2);
  await c.close();
});

test("a 2xx body without a field the provider needs fails clearly", async () => {
  script = [ok({ id: "1" })];
  const c = client();
  const error = await c.call({ operation: "read thing 1", method: "GET", path: "/things/1", response: thing }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(error).toBeInstanceOf(UnexpectedResponseError);
  expect(error.message).toMatch(/^read thing 1: the MamuteCloud API answered with an unexpected body \(name: /);
  await c.close();
});

test("listAll follows total_pages", async () => {
  const page =
    (n: number, total: number): Handler =>
    (_req, res) =>
      json(res, 200, { data: [{ id: String(n), name: `n${n}` }], pagination: { page: n, limit: 100, total, total_pages: total } });
  script = [page(1, 3), page(2, 3), page(3, 3)];
  const c = client();
  const items = await c.listAll({ operation: "list things", path: "/things", item: thing });
  expect(items.map((i) => i.id)).toEqual(["1", "2", "3"]);
  expect(seen.map((s) => s.url)).toEqual(["/things?page=1&limit=100", "/things?page=2&limit=100", "/things?page=3&limit=100"]);
  await c.close();
});

test("authentication header styles and the storage path prefix", async () => {
  script = [ok({ id: "1", name: "a" }), ok({ id: "1", name: "a" }), ok({ id: "1", name: "a" })];
  const byKey = client();
  await byKey.call({ operation: "x", method: "GET", path: "/object-storage/buckets/1", response: thing });
  const byXApiKey = client({ authHeader: "x-api-key", storagePathPrefix: "/storage" });
  await byXApiKey.call({ operation: "x", method: "GET", path: "/object-storage/buckets/1", response: thing });
  const byToken = client({ apiKey: undefined, token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig" });
  await byToken.call({ operation: "x", method: "GET", path: "/dns/zones", response: thing });
  expect(seen[0].headers.authorization).toBe("mamute-test0000000000");
  expect(seen[0].url).toBe("/object-storage/buckets/1");
  expect(seen[1].headers["x-api-key"]).toBe("mamute-test0000000000");
  expect(seen[1].headers.authorization).toBeUndefined();
  expect(seen[1].url).toBe("/storage/object-storage/buckets/1");
  expect(seen[2].headers.authorization).toBe("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig");
  expect(seen[2].url).toBe("/dns/zones");
  await Promise.all([byKey.close(), byXApiKey.close(), byToken.close()]);
});

test("no credential: a clear error at first use", () => {
  expect(() => client({ apiKey: undefined, token: undefined })).toThrow(/No MamuteCloud credential is configured/);
});

test("an API message that echoes the key is redacted", async () => {
  script = [(_req, res) => json(res, 401, { error: { code: "unauthorized", message: "key mamute-test0000000000 is revoked" } })];
  const c = client();
  const error = await c.call({ operation: "list things", method: "GET", path: "/things" }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(error.message).toContain("HTTP 401 unauthorized");
  expect(error.message).not.toContain("mamute-test0000000000");
  await c.close();
});

// The limiter is shared per endpoint across the process: these use another spelling of the same
// server, so the slowdown they cause does not reach the tests above.
const throttledClient = (overrides: Partial<ProviderConfig["retry"]> = {}) =>
  new ApiClient(
    {
      apiKey: "mamute-test0000000000",
      endpoint: endpoint.replace("127.0.0.1", "localhost"),
      authHeader: "authorization",
      storagePathPrefix: "",
      insecure: false,
      requestTimeoutMs: 2000,
      retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 1500, rateLimitTimeoutMs: 5000, ...overrides },
    },
    mamuteDialect,
  );

test("a GET is retried on any 5xx but 501 (a lookup is safe to repeat)", async () => {
  script = [status(500), status(507), ok({ id: "1", name: "a" })];
  const c = client();
  await expect(c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing })).resolves.toEqual({
    id: "1",
    name: "a",
  });
  script = [status(501)];
  await expect(c.call({ operation: "read thing", method: "GET", path: "/things/1" })).rejects.toThrow(/HTTP 501/);
  expect(seen).toHaveLength(4);
  await c.close();
});

test("429s do not spend the error retries: three in a row, then success, with maxRetries 0", async () => {
  script = [...Array.from({ length: 3 }, () => status(429, { "retry-after": "0" })), ok({ id: "1", name: "a" })];
  const c = throttledClient({ maxRetries: 0 });
  await expect(c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing })).resolves.toEqual({
    id: "1",
    name: "a",
  });
  expect(seen).toHaveLength(4);
  await c.close();
});

test("a 429 whose Retry-After ends past rateLimitTimeout fails at once, saying how long the API asked to wait", async () => {
  script = [status(429, { "retry-after": "900" }), ok({ id: "1", name: "a" })];
  const c = throttledClient({ rateLimitTimeoutMs: 5000 });
  const started = Date.now();
  const error = await c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(Date.now() - started).toBeLessThan(1000);
  expect(seen).toHaveLength(1);
  expect(error.message).toMatch(
    /HTTP 429.*asks to wait 900 s before the next request \(Retry-After\), longer than mamutecloud:rateLimitTimeout/,
  );
  await c.close();
});

test("429s are bounded by rateLimitTimeout, not by a count", async () => {
  script = Array.from({ length: 50 }, () => status(429));
  const c = throttledClient({ rateLimitTimeoutMs: 1500 });
  const started = Date.now();
  const error = await c.call({ operation: "list things", method: "GET", path: "/things" }).then(
    () => undefined,
    (e: any) => e,
  );
  expect(error.message).toMatch(/^list things failed( after \d+ attempts)?: HTTP 429/);
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(1500);
  expect(elapsed).toBeLessThan(1500 + 2000);
  expect(seen.length).toBeLessThan(50);
  await c.close();
});
