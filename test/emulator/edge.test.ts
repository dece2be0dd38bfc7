// The edge over HTTP as a visitor sees it: hosts, the storage origin's paths, custom error
// responses, the cache and its purges, token auth, a custom origin proxied (a local server),
// viewer protocol policies, and the counter, faults and rate limit on the edge plane.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useEmulator } from "./helpers";
import { edgeGet, newSiteBucket, newStorageResource, type TestSite } from "./cdn-helpers";

const { emu, api } = useEmulator();
let site: TestSite;

beforeAll(async () => {
  emu().setSettings({ cdnDeployDelayMs: 0 });
  site = await newSiteBucket(emu(), api(), "edge-site");
  await site.put("index.html", "home");
  await site.put("docs/index.html", "docs home");
  await site.put("a.txt", "a v1", "text/plain");
  await site.put("b.txt", "b v1", "text/plain");
  await site.put("404.html", "custom not found");
  await site.put("v2/index.html", "v2 home");
  await site.put("fresh.txt", "fresh v1", "text/plain", "no-store");
  await site.put("short.txt", "short v1", "text/plain", "max-age=5");
});

afterEach(() => {
  emu().state.clockOffsetMs = 0;
});

/** A resource of its own per test, so one test's cache and settings never meet another's. */
async function resource(name: string, extra: Record<string, unknown> = {}) {
  const created = await newStorageResource(api(), name, site.id, extra);
  return { id: created.id as string, host: created.distribution_domain as string };
}

describe("hosts and paths", () => {
  it("serves / and directory paths as index.html, redirects a directory without its slash, 404s the rest", async () => {
    const { host } = await resource("paths");
    expect(await edgeGet(emu(), { host })).toMatchObject({ status: 200, body: "home" });
    expect(await edgeGet(emu(), { host, path: "/docs/" })).toMatchObject({ status: 200, body: "docs home" });
    const redirect = await edgeGet(emu(), { host, path: "/docs?x=1" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/docs/?x=1");
    const missing = await edgeGet(emu(), { host, path: "/nope.html" });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^text\/plain/);
    const a = await edgeGet(emu(), { host: host.toUpperCase(), path: "/a.txt" });
    expect(a).toMatchObject({ status: 200, body: "a v1" });
    expect(a.headers).toMatchObject({
      "content-type": "text/plain",
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      "last-modified": expect.any(String),
    });
    const head = await edgeGet(emu(), { host, path: "/a.txt", method: "HEAD" });
    expect(head).toMatchObject({ status: 200, body: "" });
    expect(head.headers["content-length"]).toBe("4");
    expect((await edgeGet(emu(), { host, path: "/a.txt", headers: { "if-none-match": a.headers.etag as string } })).status).toBe(304);
    const range = await edgeGet(emu(), { host, path: "/a.txt", headers: { range: "bytes=1-2" } });
    expect(range).toMatchObject({ status: 206, body: " v" });
    expect(range.headers["content-range"]).toBe("bytes 1-2/4");
    const beyond = await edgeGet(emu(), { host, path: "/a.txt", headers: { range: "bytes=9-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers["content-range"]).toBe("bytes */4");
    expect((await edgeGet(emu(), { host, path: "/%E0%A4%A" })).status).toBe(400);
    expect(await edgeGet(emu(), { host, path: "//a.txt" })).toMatchObject({ status: 404, body: "Not Found: //a.txt\n" });
    const post = await edgeGet(emu(), { host, path: "/a.txt", method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("streams an object too big to cache from disk, whole, by range, and on HEAD", async () => {
    const { host } = await resource("big-object");
    const lines = Array.from({ length: (9 * 1024 * 1024) / 16 }, (_, i) => `${i.toString(16).padStart(15, "0")}\n`).join("");
    await site.put("video.txt", lines, "text/plain");
    const whole = await edgeGet(emu(), { host, path: "/video.txt" });
    expect(whole.status).toBe(200);
    expect(whole.body === lines).toBe(true);
    expect(whole.headers).toMatchObject({ "content-length": String(lines.length), "x-cache": "BYPASS", "accept-ranges": "bytes" });
    const middle = await edgeGet(emu(), { host, path: "/video.txt", headers: { range: "bytes=8388608-8388639" } });
    expect(middle).toMatchObject({ status: 206, body: lines.slice(8388608, 8388640) });
    expect(middle.headers).toMatchObject({ "content-range": `bytes 8388608-8388639/${lines.length}`, "content-length": "32" });
    const tail = await edgeGet(emu(), { host, path: "/video.txt", headers: { range: "bytes=-16" } });
    expect(tail).toMatchObject({ status: 206, body: lines.slice(-16) });
    expect((await edgeGet(emu(), { host, path: "/video.txt", headers: { range: `bytes=${lines.length}-` } })).status).toBe(416);
    const head = await edgeGet(emu(), { host, path: "/video.txt", method: "HEAD" });
    expect(head).toMatchObject({ status: 200, body: "" });
    expect(head.headers["content-length"]).toBe(String(lines.length));
    expect((await edgeGet(emu(), { host, path: "/video.txt", headers: { "if-none-match": whole.headers.etag as string } })).status).toBe(
      304,
    );
  });

  it("answers 421 for a host no resource serves, and for a custom domain that is not active", async () => {
    const { id } = await resource("hosts");
    expect((await edgeGet(emu(), { host: "unknown.mamutecdn.com" })).status).toBe(421);
    expect((await edgeGet(emu(), { host: "127.0.0.1" })).status).toBe(421);
    const set = await api().put(`/cdn/resource/${id}`, { custom_domains: [{ domain_name: "www.hosts.example" }] });
    const domain = `/cdn/resource/${id}/custom-domain/${set.body.custom_domains[0].id}`;
    expect((await edgeGet(emu(), { host: "www.hosts.example" })).status).toBe(421);
    await api().post(`${domain}/activate`);
    expect(await edgeGet(emu(), { host: "www.hosts.example:8080" })).toMatchObject({ status: 200, body: "home" });
    expect(await edgeGet(emu(), { host: "www.hosts.example.localhost" })).toMatchObject({ status: 200, body: "home" });
    await api().post(`${domain}/deactivate`);
    expect((await edgeGet(emu(), { host: "www.hosts.example" })).status).toBe(421);
  });

  it("serves the origin path's prefix of the bucket", async () => {
    const { host } = await resource("prefixed", { origin_group: { type: "storage", bucket_id: site.id, origin_path: "/v2" } });
    expect(await edgeGet(emu(), { host })).toMatchObject({ status: 200, body: "v2 home" });
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).status).toBe(404);
  });

  it("answers errors with the custom error response's page and code", async () => {
    const spa = await resource("spa", {
      custom_error_responses: [{ error_code: 404, response_code: 200, response_page_path: "/index.html" }],
    });
    expect(await edgeGet(emu(), { host: spa.host, path: "/app/route" })).toMatchObject({ status: 200, body: "home" });
    const pretty = await resource("pretty404", { custom_error_responses: [{ error_code: 404, response_page_path: "/404.html" }] });
    expect(await edgeGet(emu(), { host: pretty.host, path: "/missing" })).toMatchObject({ status: 404, body: "custom not found" });
    // A page that is itself missing leaves the original error.
    const broken = await resource("broken404", { custom_error_responses: [{ error_code: 404, response_page_path: "/none.html" }] });
    expect(await edgeGet(emu(), { host: broken.host, path: "/missing" })).toMatchObject({ status: 404, body: "Not Found: /missing\n" });
  });

  it("applies the first matching behavior's viewer protocol policy", async () => {
    const { id, host } = await resource("policies");
    await api().put(`/cdn/resource/${id}`, {
      behaviors: [
        { action: "create", priority: 1, path_pattern: "/secure/*", viewer_protocol_policy: "https_only" },
        { action: "create", priority: 2, path_pattern: "/*.txt", viewer_protocol_policy: "redirect_to_https" },
      ],
    });
    expect((await edgeGet(emu(), { host, path: "/secure/a.txt" })).status).toBe(403);
    const redirect = await edgeGet(emu(), { host, path: "/a.txt?v=1" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://${host}:${new URL(emu().edgeHttpsUrl).port}/a.txt?v=1`);
    expect((await edgeGet(emu(), { host })).status).toBe(200);
  });
});

describe("cache", () => {
  it("says MISS then HIT with its age, serves a changed object stale until purged by URL, which evicts exactly that path", async () => {
    const { id, host } = await resource("cached");
    const first = await edgeGet(emu(), { host, path: "/a.txt" });
    expect(first.headers).toMatchObject({ "x-cache": "MISS", age: "0" });
    await edgeGet(emu(), { host, path: "/b.txt" });
    emu().state.clockOffsetMs = 7_000;
    const hit = await edgeGet(emu(), { host, path: "/a.txt" });
    expect(hit).toMatchObject({ status: 200, body: "a v1" });
    expect(hit.headers).toMatchObject({ "x-cache": "HIT", age: "7" });
    emu().state.clockOffsetMs = 0;

    await site.put("a.txt", "a v2", "text/plain");
    await site.put("b.txt", "b v2", "text/plain");
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).body).toBe("a v1");
    const purge = await api().post(`/cdn/resource/${id}/purge/url`, { urls: [`https://${host}/a.txt`] });
    expect(purge.body.evicted).toBe(1);
    const fresh = await edgeGet(emu(), { host, path: "/a.txt" });
    expect(fresh).toMatchObject({ body: "a v2", headers: expect.objectContaining({ "x-cache": "MISS" }) });
    expect(await edgeGet(emu(), { host, path: "/b.txt" })).toMatchObject({
      body: "b v1",
      headers: expect.objectContaining({ "x-cache": "HIT" }),
    });

    const byPattern = await api().post(`/cdn/resource/${id}/purge/pattern`, { patterns: ["/b*"] });
    expect(byPattern.body.evicted).toBe(1);
    expect((await edgeGet(emu(), { host, path: "/b.txt" })).body).toBe("b v2");
    await site.put("a.txt", "a v1", "text/plain");
    await site.put("b.txt", "b v1", "text/plain");
    expect((await api().post(`/cdn/resource/${id}/purge/all`)).body.evicted).toBe(2);
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).body).toBe("a v1");
  });

  it("keeps a copy for the behavior's TTL or the object's max-age, and none for no-store", async () => {
    const { id, host } = await resource("ttl");
    await api().put(`/cdn/resource/${id}`, { behaviors: [{ action: "update", priority: 0, cache_ttl_seconds: 60 }] });
    await edgeGet(emu(), { host, path: "/docs/" });
    await edgeGet(emu(), { host, path: "/short.txt" });
    emu().state.clockOffsetMs = 6_000;
    expect((await edgeGet(emu(), { host, path: "/docs/" })).headers["x-cache"]).toBe("HIT");
    expect((await edgeGet(emu(), { host, path: "/short.txt" })).headers["x-cache"]).toBe("MISS");
    emu().state.clockOffsetMs = 61_000;
    expect((await edgeGet(emu(), { host, path: "/docs/" })).headers["x-cache"]).toBe("MISS");
    emu().state.clockOffsetMs = 0;
    expect((await edgeGet(emu(), { host, path: "/fresh.txt" })).headers["x-cache"]).toBe("BYPASS");
    expect((await edgeGet(emu(), { host, path: "/fresh.txt" })).headers["x-cache"]).toBe("BYPASS");
  });

  it("forgets a deleted resource's copies and stops serving its host", async () => {
    const { id, host } = await resource("deleted");
    await edgeGet(emu(), { host, path: "/a.txt" });
    expect((await api().delete(`/cdn/resource/${id}`)).status).toBe(204);
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).status).toBe(421);
  });
});

describe("token auth", () => {
  it("refuses unsigned requests while enabled and serves signed URLs until they expire", async () => {
    const { id, host } = await resource("signed");
    await api().post(`/resource/${id}/token-auth/enable`);
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).status).toBe(403);
    const signed = await api().post(`/cdn/resource/${id}/signed-url`, { url: `https://${host}/a.txt`, expires_in: 60 });
    const url = new URL(signed.body.signed_url);
    const path = `${url.pathname}${url.search}`;
    expect(await edgeGet(emu(), { host, path })).toMatchObject({ status: 200, body: "a v1" });
    expect((await edgeGet(emu(), { host, path: path.replace("/a.txt", "/b.txt") })).status).toBe(403);
    expect((await edgeGet(emu(), { host, path: `${path}x` })).status).toBe(403);
    emu().state.clockOffsetMs = 61_000;
    expect((await edgeGet(emu(), { host, path })).status).toBe(403);
    emu().state.clockOffsetMs = 0;
    // A new key on the next enable: URLs signed before stop working.
    await api().post(`/cdn/resource/${id}/token-auth/disable`);
    expect((await edgeGet(emu(), { host, path: "/a.txt" })).status).toBe(200);
    await api().post(`/resource/${id}/token-auth/enable`);
    expect((await edgeGet(emu(), { host, path })).status).toBe(403);
  });
});

describe("custom origin", () => {
  let origin: Server;
  let originPort: number;
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

  beforeAll(async () => {
    origin = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url?.startsWith("/app/hang")) return; // never answers
        if (req.url?.startsWith("/app/big")) {
          res.writeHead(200, { "content-type": "application/octet-stream" });
          return res.end(Buffer.alloc(9 * 1024 * 1024, "x"));
        }
        if (req.url?.startsWith("/app/error")) {
          res.writeHead(500, { "content-type": "text/plain" });
          return res.end("origin broke");
        }
        res.writeHead(200, { "content-type": "text/plain", "cache-control": req.url?.includes("nocache") ? "private" : "max-age=30" });
        res.end(`origin says ${req.method} ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    originPort = (origin.address() as AddressInfo).port;
  });

  afterAll(async () => {
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
  });

  async function proxied(name: string, group: Record<string, unknown> = {}) {
    const created = await api().post("/cdn/resource", {
      name,
      origin_group: {
        type: "custom",
        hostname: "127.0.0.1",
        http_port: originPort,
        protocol_policy: "http_only",
        origin_path: "/app",
        ...group,
      },
    });
    return created.body.distribution_domain as string;
  }

  it("proxies with the origin path, query, forwarding headers and custom headers, and caches GETs", async () => {
    const host = await proxied("proxied", { custom_headers: [{ name: "X-Origin-Secret", value: "s3cr3t" }] });
    seen.length = 0;
    const answer = await edgeGet(emu(), { host, path: "/page?q=1", headers: { "x-custom": "kept" } });
    expect(answer).toMatchObject({ status: 200, body: "origin says GET /app/page?q=1" });
    expect(answer.headers["x-cache"]).toBe("MISS");
    expect(seen[0].headers).toMatchObject({
      host: `127.0.0.1:${originPort}`,
      "x-forwarded-host": host,
      "x-forwarded-proto": "http",
      "x-forwarded-for": "127.0.0.1",
      "x-origin-secret": "s3cr3t",
      "x-custom": "kept",
    });
    const ranged = await edgeGet(emu(), { host, path: "/page?q=1", headers: { range: "bytes=0-5" } });
    expect(ranged).toMatchObject({ status: 206, body: "origin", headers: expect.objectContaining({ "x-cache": "HIT" }) });
    expect((await edgeGet(emu(), { host, path: "/page?q=2" })).headers["x-cache"]).toBe("MISS");
    expect(seen).toHaveLength(2);
    const posted = await edgeGet(emu(), {
      host,
      path: "/form",
      method: "POST",
      body: "a=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(posted).toMatchObject({ status: 200, body: "origin says POST /app/form" });
    expect(posted.headers["x-cache"]).toBe("BYPASS");
    expect(seen[2].body).toBe("a=1");
    expect((await edgeGet(emu(), { host, path: "/nocache" })).headers["x-cache"]).toBe("BYPASS");
    // A HEAD never makes the copy a GET is then served from.
    expect((await edgeGet(emu(), { host, path: "/head-first", method: "HEAD" })).body).toBe("");
    expect(await edgeGet(emu(), { host, path: "/head-first" })).toMatchObject({
      body: "origin says GET /app/head-first",
      headers: expect.objectContaining({ "x-cache": "MISS" }),
    });
    // Past the cache's 8 MiB limit an answer streams through, whole, and is not kept.
    const big = await edgeGet(emu(), { host, path: "/big" });
    expect({ status: big.status, length: big.body.length, cache: big.headers["x-cache"] }).toEqual({
      status: 200,
      length: 9 * 1024 * 1024,
      cache: "BYPASS",
    });
    const failed = await edgeGet(emu(), { host, path: "/error" });
    expect(failed).toMatchObject({ status: 500, body: "origin broke" });
  });

  it("answers 502 when the origin cannot be reached and 504 when it does not answer in time", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await proxied("unreachable", { http_port: closedPort, connection_attempts: 2 });
    const refused = await edgeGet(emu(), { host: unreachable, path: "/x" });
    expect(refused.status).toBe(502);
    expect(refused.body).toContain("after 2 attempts");
    const slow = await proxied("slow", { response_timeout_seconds: 1 });
    const timedOut = await edgeGet(emu(), { host: slow, path: "/hang" });
    expect(timedOut.status).toBe(504);
  });
});

describe("counter, faults and rate limit", () => {
  it("counts edge requests by method and injects faults and the rate limit on the edge plane as plain text", async () => {
    const { host } = await resource("edge-controls");
    emu().resetRequests();
    await edgeGet(emu(), { host });
    await edgeGet(emu(), { host, method: "HEAD" });
    await edgeGet(emu(), { host, method: "PROPFIND" });
    expect(emu().requests().routes).toEqual({ "EDGE GET": 1, "EDGE HEAD": 1, "EDGE OTHER": 1 });

    emu().setFaults({ rules: [{ plane: "edge", fault: "status", status: 503, retryAfter: 2, times: 1 }] });
    try {
      const faulted = await edgeGet(emu(), { host });
      expect(faulted.status).toBe(503);
      expect(faulted.headers).toMatchObject({ "retry-after": "2", "content-type": "text/plain; charset=utf-8" });
      expect((await edgeGet(emu(), { host })).status).toBe(200);
    } finally {
      emu().clearFaults();
    }
    emu().setRateLimit({ requestsPerSecond: 0.001, burst: 1, plane: "edge" });
    try {
      expect((await edgeGet(emu(), { host })).status).toBe(200);
      const limited = await edgeGet(emu(), { host });
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBeDefined();
      expect((await api().get("/cdn/resource")).status).toBe(200);
    } finally {
      emu().clearRateLimit();
    }
  });
});
