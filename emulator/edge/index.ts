// The CDN edge: serves a resource's origin by Host (distribution domain, active custom domain, or
// either with `.localhost`), through its behaviors, token auth, custom error responses and cache.
// One plane for both listeners; the HTTPS one (tls.ts) picks the certificate by SNI.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Plane } from "../plane";
import type { CdnBehavior, CdnCustomErrorResponse, CdnResource, EmulatorState } from "../state";
import { EdgeCache, cachePath, globMatcher, type CacheKey, type CachedAnswer } from "./cache";
import { canonicalRequestHost, resolveHost, type HostMatch } from "./hosts";
import { storageAnswer, type OriginAnswer } from "./origin";
import { OriginUnavailable, proxyToOrigin } from "./proxy";
import { sendText } from "./text";
import { parseRequestUrl } from "../management/router";
import { parseRange } from "../s3/objects";
import { TOKEN_PARAMETERS, verifySignedPath } from "./token";

export interface EdgeOptions {
  cache: EdgeCache;
  /** The emulator CA's certificate: HTTPS origins signed by it are trusted too. */
  caCertificatePem: string;
  /** For `redirect_to_https`; known once the HTTPS listener is up. */
  httpsPort: () => number;
}

const COUNTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);
const MAX_PROXIED_BODY_BYTES = 8 * 1024 * 1024;

/** Why the edge answers itself rather than the origin: a status and a line for the visitor. */
class EdgeRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ViewerRequest {
  method: string;
  scheme: "http" | "https";
  host: string;
  match: HostMatch;
  behavior: CdnBehavior;
  /** Percent-encoded, as sent (normalised by the URL parser). */
  rawPath: string;
  path: string;
  /** `""` or `?…`, without the token parameters. */
  query: string;
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

function matchingBehavior(resource: CdnResource, path: string): CdnBehavior {
  const specific = resource.behaviors.filter((behavior) => behavior.priority > 0);
  return specific.find((behavior) => globMatcher(behavior.pathPattern)(path)) ?? resource.behaviors[0];
}

/** Host, SNI, behavior, protocol policy and token: everything decided before the origin is asked. */
function readViewerRequest(state: EmulatorState, req: IncomingMessage, options: EdgeOptions): ViewerRequest {
  const scheme = isEncrypted(req) ? "https" : "http";
  const host = canonicalRequestHost(req.headers.host ?? "");
  if (scheme === "https") {
    const sni = (req.socket as TLSSocket).servername;
    if (typeof sni === "string" && canonicalRequestHost(sni) !== host) {
      throw new EdgeRefusal(421, `Misdirected Request: Host ${host} differs from the TLS server name ${sni}`);
    }
  }
  const match = resolveHost(state, host);
  if (!match) throw new EdgeRefusal(421, `Misdirected Request: no CDN resource serves ${host || "(no Host header)"}`);
  let url: URL;
  let path: string;
  try {
    url = parseRequestUrl(req.url);
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new EdgeRefusal(400, "Bad Request: the request target is not a valid URL path");
  }
  const { resource } = match;
  const behavior = matchingBehavior(resource, path);
  if (scheme === "http" && behavior.viewerProtocolPolicy === "redirect_to_https") {
    const location = `https://${(req.headers.host ?? host).replace(/:\d+$/, "")}:${options.httpsPort()}${url.pathname}${url.search}`;
    throw new EdgeRefusal(301, "Moved Permanently", { location });
  }
  if (scheme === "http" && behavior.viewerProtocolPolicy === "https_only")
    throw new EdgeRefusal(403, "Forbidden: this path is served over HTTPS only");
  if (resource.tokenAuthKey !== null && !verifySignedPath(resource.tokenAuthKey, url.pathname, url.searchParams, state.now().getTime())) {
    throw new EdgeRefusal(403, "Forbidden: a valid signed URL (expires and token) is required");
  }
  for (const name of TOKEN_PARAMETERS) url.searchParams.delete(name);
  return { method: req.method ?? "GET", scheme, host, match, behavior, rawPath: url.pathname, path, query: url.search };
}

function tenantOf(request: ViewerRequest): string | undefined {
  if (!request.behavior.subdomainRouting) return undefined;
  const label = request.match.wildcardLabel;
  return label === undefined || label === "www" ? undefined : label;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PROXIED_BODY_BYTES) throw new EdgeRefusal(413, "Payload Too Large: the edge forwards request bodies of at most 8 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The origin's answer for `path` (the viewer's, or a custom error response's page). */
async function askOrigin(
  state: EmulatorState,
  req: IncomingMessage,
  request: ViewerRequest,
  path: string,
  rawPath: string,
  options: EdgeOptions,
): Promise<OriginAnswer> {
  const group = request.match.resource.originGroup;
  if (group.type === "storage") return storageAnswer(state, group, { path, rawPath, query: request.query, tenant: tenantOf(request) });
  const body = request.method === "GET" || request.method === "HEAD" ? Buffer.alloc(0) : await readBody(req);
  return proxyToOrigin(
    group,
    {
      method: rawPath === request.rawPath ? request.method : "GET",
      target: `${group.originPath}${rawPath}${rawPath === request.rawPath ? request.query : ""}`,
      viewerHeaders: req.headers,
      viewerHost: req.headers.host ?? request.host,
      viewerScheme: request.scheme,
      clientAddress: req.socket.remoteAddress ?? "",
      body,
    },
    options.caCertificatePem,
  );
}

/** TTL in seconds for a `200`: the origin's `s-maxage`/`max-age`, else the behavior's; 0 when it says not to. */
function cacheSeconds(answer: OriginAnswer, behavior: CdnBehavior): number {
  const control = (answer.headers["cache-control"] ?? "").toLowerCase();
  if (/(^|[\s,])(no-store|no-cache|private)([\s,=]|$)/.test(control)) return 0;
  const shared = /(?:^|[\s,])s-maxage=(\d+)/.exec(control) ?? /(?:^|[\s,])max-age=(\d+)/.exec(control);
  return shared ? Number(shared[1]) : behavior.cacheTtlSeconds;
}

interface Served {
  answer: OriginAnswer;
  /** Seconds to cache it; 0 not at all. */
  ttl: number;
}

async function fromOrigin(state: EmulatorState, req: IncomingMessage, request: ViewerRequest, options: EdgeOptions): Promise<Served> {
  let answer: OriginAnswer;
  try {
    answer = await askOrigin(state, req, request, request.path, request.rawPath, options);
  } catch (error) {
    if (error instanceof OriginUnavailable)
      answer = { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" }, body: Buffer.from(`${error.message}\n`) };
    else throw error;
  }
  const custom = request.match.resource.customErrorResponses.find((response) => response.errorCode === answer.status);
  if (custom && !answer.rest && !answer.stored) {
    const page = await customErrorPage(state, req, request, custom, options);
    if (page) return { answer: page, ttl: custom.cacheTtlSeconds };
  }
  return { answer, ttl: answer.status === 200 && !answer.rest && !answer.stored ? cacheSeconds(answer, request.behavior) : 0 };
}

async function customErrorPage(
  state: EmulatorState,
  req: IncomingMessage,
  request: ViewerRequest,
  custom: CdnCustomErrorResponse,
  options: EdgeOptions,
): Promise<OriginAnswer | undefined> {
  let page: OriginAnswer;
  try {
    page = await askOrigin(
      state,
      req,
      { ...request, method: "GET" },
      decodeURIComponent(custom.responsePagePath),
      custom.responsePagePath,
      options,
    );
  } catch {
    return undefined;
  }
  page.rest?.destroy();
  return page.status === 200 && !page.rest && !page.stored ? { ...page, status: custom.responseCode } : undefined;
}

function notModified(req: IncomingMessage, headers: Record<string, string>): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined && headers.etag !== undefined) {
    return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === headers.etag);
  }
  const ifModifiedSince = req.headers["if-modified-since"];
  if (ifModifiedSince !== undefined && headers["last-modified"] !== undefined) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Date.parse(headers["last-modified"]) <= since;
  }
  return false;
}

/**
 * The part of a whole `200` a `Range` asks for: a `206` slice, a `416`, or the answer unchanged.
 * Whole copies are cached; a range is cut from one, as a CDN does for video and resumed downloads.
 */
function ranged(req: IncomingMessage, answer: OriginAnswer): OriginAnswer {
  if (answer.status !== 200 || answer.rest) return answer;
  const headers: Record<string, string> = { ...answer.headers, "accept-ranges": "bytes" };
  const { stored } = answer;
  const size = stored?.size ?? answer.body.length;
  const range = parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    const body = Buffer.from("Range Not Satisfiable\n");
    return { status: 416, headers: { "content-type": "text/plain; charset=utf-8", "content-range": `bytes */${size}` }, body };
  }
  if (range === "ignore") {
    return stored ? { ...answer, headers: { ...headers, "content-length": String(size) }, rest: stored.open() } : { ...answer, headers };
  }
  headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  if (stored)
    return {
      status: 206,
      headers: { ...headers, "content-length": String(range.end - range.start + 1) },
      body: Buffer.alloc(0),
      rest: stored.open(range),
    };
  return { status: 206, headers, body: answer.body.subarray(range.start, range.end + 1) };
}

function write(
  req: IncomingMessage,
  res: ServerResponse,
  whole: OriginAnswer,
  cache: { status: "HIT" | "MISS" | "BYPASS"; ageSeconds: number },
): void {
  const answer = ranged(req, whole);
  const headers: Record<string, string | number> = {
    ...answer.headers,
    "x-cache": cache.status,
    age: cache.ageSeconds,
    via: "1.1 mamutecdn (emulator)",
  };
  if (whole.status === 200 && notModified(req, whole.headers)) {
    delete headers["content-type"];
    delete headers["content-range"];
    res.writeHead(304, headers);
    res.end();
    answer.rest?.destroy();
    return;
  }
  if (!answer.rest) headers["content-length"] = answer.body.length;
  res.writeHead(answer.status, headers);
  if (req.method === "HEAD") {
    res.end();
    answer.rest?.destroy();
    return;
  }
  if (!answer.rest) {
    res.end(answer.body);
    return;
  }
  res.write(answer.body);
  const rest = answer.rest;
  res.once("close", () => rest.destroy()); // a viewer that leaves frees the origin's connection
  rest.pipe(res);
}

/**
 * Origin isolation under subdomain routing: a behavior with `subdomain_routing` and a path pattern
 * of its own (priority 1-100, e.g. `/acme/*`) says those paths are a tenant's folder. At a host
 * that names no tenant (`www`, the apex, the distribution domain, an exact custom domain) they
 * would read the tenant's files under the root site's origin, where its scripts could read the
 * root site's cookies and storage: refused, as not found. At a tenant's host they are its own
 * folder's paths, as ever.
 */
function refuseTenantPathAtRootHost(request: ViewerRequest): void {
  const { behavior } = request;
  if (behavior.priority > 0 && behavior.subdomainRouting && tenantOf(request) === undefined) {
    throw new EdgeRefusal(404, `Not Found: ${request.path} is a tenant's folder, served only at the tenant's own host`);
  }
}

async function serve(state: EmulatorState, req: IncomingMessage, res: ServerResponse, options: EdgeOptions): Promise<void> {
  const request = readViewerRequest(state, req, options);
  refuseTenantPathAtRootHost(request);
  const { resource } = request.match;
  if (resource.originGroup.type === "storage" && request.method !== "GET" && request.method !== "HEAD") {
    throw new EdgeRefusal(405, `Method Not Allowed: a storage origin serves GET and HEAD`, { allow: "GET, HEAD" });
  }
  const cacheable = request.method === "GET" || request.method === "HEAD";
  const key: CacheKey = {
    resourceId: resource.id,
    host: request.host,
    path: cachePath(request.rawPath, resource.originGroup.type),
    query: request.query,
  };
  const now = state.now().getTime();
  if (cacheable) {
    const hit = options.cache.get(key, now);
    if (hit) return write(req, res, hit, { status: "HIT", ageSeconds: Math.floor((now - hit.storedAt) / 1000) });
  }
  const served = await fromOrigin(state, req, request, options);
  // The resource may have been deleted or changed while the origin answered: keep nothing then.
  // A HEAD reads the GET's copy but never makes one: a proxied HEAD has no body to keep.
  const kept = request.method === "GET" && served.ttl > 0;
  if (kept && state.cdnResources.get(resource.id) === resource) {
    const entry: CachedAnswer = { ...served.answer, storedAt: now, expiresAt: now + served.ttl * 1000 };
    options.cache.set(key, entry);
  }
  write(req, res, served.answer, { status: kept ? "MISS" : "BYPASS", ageSeconds: 0 });
}

export function createEdgePlane(state: EmulatorState, options: EdgeOptions): Plane {
  return {
    name: "edge",
    routeKey: (req) => `EDGE ${COUNTED_METHODS.has(req.method ?? "") ? req.method : "OTHER"}`,
    handle: async (req, res) => {
      try {
        await serve(state, req, res, options);
      } catch (error) {
        if (!(error instanceof EdgeRefusal)) throw error;
        sendText(res, error.status, error.message, error.headers, req.method);
      }
    },
  };
}
