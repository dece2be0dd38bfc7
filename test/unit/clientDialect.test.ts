// The client against a scripted server that answers the ways the API documents leave open: errors
// by status whatever their body, the other API key header and storage prefix tried once and kept,
// and a create whose answer cannot be read handed to the adopt rule.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { forgetLearned, ApiClient, ApiError, UnreadableAnswerError, WrongEndpointError } from "../../provider/client";
import type { ProviderConfig } from "../../provider/mamutecloud/config";
import { mamuteDialect } from "../../provider/mamutecloud/dialect";
import { withProgress } from "../../provider/progress";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let port: number;
let handle: Handler = (_req, res) => res.end();
let seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }> = [];

// A server per test, on its own port: what the client learns is per endpoint and process, and a
// later test's server may get an earlier one's port, so each test starts as a new process would.
beforeEach(async () => {
  forgetLearned();
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      handle(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  seen = [];
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const KEY = "mamute-secretsecretsecret0001";
function client(overrides: Partial<ProviderConfig> = {}): ApiClient {
  const endpoint = `http://127.0.0.1:${port}`;
  return new ApiClient(
    {
      apiKey: KEY,
      endpoint,
      s3Endpoint: endpoint,
      authHeader: "authorization",
      storagePathPrefix: "",
      insecure: false,
      requestTimeoutMs: 2000,
      retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 50, rateLimitTimeoutMs: 200 },
      ...overrides,
    },
    mamuteDialect,
  );
}

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

const thing = z.object({ id: z.string() });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as Error,
  );

describe("errors by status first, whatever the body", () => {
  test.each([['{"message":"zone not found"}'], ['{"detail":"Not found."}'], ['{"error":"not found"}'], ["Not Found"], [""]])(
    "404 %j is gone",
    async (body) => {
      handle = (_req, res) => send(res, 404, body, body.startsWith("{") ? "application/json" : "text/plain");
      const c = client();
      await expect(c.find({ operation: "read zone z1", method: "GET", path: "/dns/zones/z1", response: thing })).resolves.toBeUndefined();
      await c.close();
    },
  );

  test("409 names the holder the body names", async () => {
    handle = (_req, res) => send(res, 409, '{"detail":"bucket name taken","existing_id":"bkt_77"}');
    const c = client();
    const err = await failure(c.call({ operation: 'create bucket "a"', method: "POST", path: "/object-storage/buckets", body: {} }));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isConflict).toBe(true);
    expect(err?.message).toBe('create bucket "a" failed: HTTP 409: bucket name taken (held by bkt_77)');
    await c.close();
  });

  test("an HTML page is another server, even on a 404", async () => {
    handle = (_req, res) => send(res, 404, "<!doctype html><h1>Not Found</h1>", "text/html");
    const c = client();
    await expect(c.call({ operation: "read zone z1", method: "GET", path: "/dns/zones/z1" })).rejects.toBeInstanceOf(WrongEndpointError);
    await c.close();
  });
});

describe("the API key header: both documented forms", () => {
  test("a 401 under Authorization tries X-API-Key once, keeps it for the process and says which setting makes it permanent", async () => {
    handle = (req, res) =>
      req.headers["x-api-key"] === KEY ? send(res, 200, '{"id":"1"}') : send(res, 401, '{"message":"missing X-API-Key"}');
    const c = client();
    const lines: string[] = [];
    await withProgress(
      (line) => lines.push(line),
      () => c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing }),
    );
    await c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing });
    expect(seen.map((s) => [s.headers.authorization, s.headers["x-api-key"]])).toEqual([
      [KEY, undefined],
      [undefined, KEY],
      [undefined, KEY],
    ]);
    expect(lines.join("\n")).toMatch(/Set mamutecloud:authHeader to "x-api-key"/);
    expect(lines.join("\n")).not.toContain(KEY);
    expect(c.deleteCommand("/things/1")).toContain('-H "X-API-Key: $MAMUTECLOUD_API_KEY"');
    await c.close();
  });

  test("refused both ways: the error names both forms by the key's prefix and the setting, never the key", async () => {
    handle = (_req, res) => send(res, 401, '{"error":"invalid api key"}');
    const c = client();
    const err = await failure(c.call({ operation: "list zones", method: "GET", path: "/dns/zones" }));
    expect((err as ApiError).isAuthFailure).toBe(true);
    expect(err?.message).toMatch(/HTTP 401: invalid api key/);
    expect(err?.message).toMatch(/sent as Authorization: mamute-se… and then as X-API-Key: mamute-se…/);
    expect(err?.message).toMatch(/mamutecloud:authHeader/);
    expect(err?.message).not.toContain(KEY);
    expect(seen).toHaveLength(2);
    await c.close();
  });

  test("a create refused with 401 is sent again under the other header: a refusal made nothing", async () => {
    handle = (req, res) => (req.headers["x-api-key"] ? send(res, 201, '{"id":"b1"}') : send(res, 401, ""));
    const c = client();
    await expect(c.call({ operation: "create thing", method: "POST", path: "/things", body: {}, response: thing })).resolves.toEqual({
      id: "b1",
    });
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST"]);
    await c.close();
  });
});

describe("the storage prefix: both documented forms", () => {
  /** A server with storage routes under /storage only; bucket b1 exists, b2 does not. */
  const storageUnderStorage: Handler = (req, res) => {
    if (!req.url!.startsWith("/storage/object-storage/")) return send(res, 404, '{"message":"route not found"}');
    if (req.url === "/storage/object-storage/buckets") return send(res, 200, "[]");
    if (req.url === "/storage/object-storage/buckets/b1") return send(res, 200, '{"id":"b1"}');
    return send(res, 404, '{"message":"bucket not found"}');
  };

  test("a route that does not exist under one prefix is found under the other and kept", async () => {
    handle = storageUnderStorage;
    const c = client();
    const lines: string[] = [];
    const found = await withProgress(
      (line) => lines.push(line),
      () => c.find({ operation: "read bucket b1", method: "GET", path: "/object-storage/buckets/b1", response: thing }),
    );
    expect(found).toEqual({ id: "b1" });
    expect(lines.join("\n")).toMatch(/Set mamutecloud:storagePathPrefix to "\/storage"/);
    seen = [];
    // Learned: a missing bucket is now simply gone, in one request.
    await expect(
      c.find({ operation: "read bucket b2", method: "GET", path: "/object-storage/buckets/b2", response: thing }),
    ).resolves.toBeUndefined();
    expect(seen.map((s) => s.url)).toEqual(["/storage/object-storage/buckets/b2"]);
    await c.close();
  });

  test("a 404 for an object whose route exists is the object gone: no switch", async () => {
    handle = (req, res) =>
      req.url === "/object-storage/buckets" ? send(res, 200, "[]") : send(res, 404, '{"message":"bucket not found"}');
    const c = client();
    await expect(
      c.find({ operation: "read bucket b2", method: "GET", path: "/object-storage/buckets/b2", response: thing }),
    ).resolves.toBeUndefined();
    expect(seen.map((s) => s.url)).toEqual(["/object-storage/buckets/b2", "/object-storage/buckets"]);
    await c.close();
  });
});

test("a create answered 2xx without what the provider needs is made: handed to the adopt rule with the body it carried", async () => {
  handle = (_req, res) => send(res, 201, '{"secret_access_key":"s3cretS3cretS3cret"}');
  const c = client();
  const err = await failure(c.call({ operation: "create credential", method: "POST", path: "/things", body: {}, response: thing }));
  expect(err).toBeInstanceOf(UnreadableAnswerError);
  expect((err as UnreadableAnswerError).outcomeUnknown).toBe(true);
  expect((err as UnreadableAnswerError).answer).toEqual({ secret_access_key: "s3cretS3cretS3cret" });
  expect(JSON.stringify(err)).not.toContain("s3cret");
  await c.close();
});

test("a list in any envelope, with the server's default page when it refuses the limit", async () => {
  handle = (req, res) => {
    if (req.url!.includes("limit=")) return send(res, 422, '{"detail":[{"loc":["query","limit"],"msg":"must be at most 50"}]}');
    send(res, 200, JSON.stringify({ items: [{ id: "a" }, { id: "b" }] }));
  };
  const c = client();
  await expect(c.listAll({ operation: "list things", path: "/things", item: thing })).resolves.toEqual([{ id: "a" }, { id: "b" }]);
  expect(seen.map((s) => s.url)).toEqual(["/things?page=1&limit=100", "/things?page=1", "/things?page=2"]);
  await c.close();
});

test("concurrent 401s wait for the first one's try of the other header, then follow it", async () => {
  handle = (req, res) =>
    req.headers["x-api-key"] === KEY ? send(res, 200, '{"id":"1"}') : send(res, 401, '{"message":"missing X-API-Key"}');
  const c = client();
  const all = await Promise.all(
    Array.from({ length: 6 }, () => c.call({ operation: "read thing", method: "GET", path: "/things/1", response: thing })),
  );
  expect(all).toEqual(Array.from({ length: 6 }, () => ({ id: "1" })));
  await c.close();
});

test("concurrent storage 404s wait for one search of the prefix, then follow it", async () => {
  handle = (req, res) => {
    if (req.url === "/storage/object-storage/buckets") return send(res, 200, "[]");
    if (req.url!.startsWith("/storage/object-storage/buckets/")) return send(res, 200, '{"id":"b"}');
    send(res, 404, "no route");
  };
  const c = client();
  const all = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      c.find({ operation: "read bucket", method: "GET", path: `/object-storage/buckets/b${i}`, response: thing }),
    ),
  );
  expect(all).toEqual(Array.from({ length: 5 }, () => ({ id: "b" })));
  expect(seen.filter((s) => s.url === "/object-storage/buckets")).toHaveLength(1);
  await c.close();
});
