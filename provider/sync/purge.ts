// Purging the CDN after a sync: exactly the paths whose objects changed (uploaded or deleted), in
// as few calls as the API allows. `POST /cdn/resource/{id}/purge/url` takes `urls`; the reference
// gives no limit per call, so batches stay at a size CDNs commonly accept, and a change too large
// for a handful of calls (a first deploy of a big site) becomes one `purge/all`.
//
// The reference names `urls` (array) and no form for its items: an API may take only absolute URLs
// or only paths. A batch refused with a 400/422 that blames `urls` is sent again in the other form
// (paths become URLs on the resource's distribution domain; URLs become their paths), which is kept
// for the process; refused that way too, the change is purged with one `purge/all`, which always
// purges at least what changed.
import { ApiError, type ApiClient } from "../client";
import { unlessGone } from "../gone";
import { cdnResourceResponse, distributionHost } from "../cdnApi";

/** Paths per `purge/url` call. */
export const PURGE_URLS_PER_CALL = 100;
/** Above this many paths, one `purge/all` replaces the batches. */
export const PURGE_ALL_ABOVE = 1000;

export type PurgeRequest = { kind: "url"; urls: string[] } | { kind: "all" };

/**
 * Where a folder's files are served when not at `/<key>`: the keys under `prefix` at `baseUrl` +
 * their path within it (a tenant's folder under subdomain routing: `acme/` at
 * `https://acme.example.com/`).
 */
export interface ServedAt {
  prefix: string;
  baseUrl: string;
}

const ROOT = /^(?:https?:\/\/[^/]+)?\/$/;

/**
 * A key as a URL path: every character but RFC 3986's unreserved ones percent-encoded as UTF-8,
 * `/` kept. `encodeURI` would leave `#` and `?` as they are, which end a URL's path, so a file
 * named `a#1.css` was purged as `/a`; and `+ ; & = , $ : @ ! ' ( ) *`, which some servers and
 * caches take for separators. Unicode keeps its form (NFC or NFD): it is the key's bytes.
 */
export function keyPath(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/**
 * The public paths that can serve these keys: `/<key>` (or its URL under `served`), and for an
 * `index.html` also its folder (`/docs/` and `/docs`), which the CDN serves from it.
 */
export function purgePaths(keys: readonly string[], served?: ServedAt): string[] {
  const paths = new Set<string>();
  for (const key of keys) {
    const url = served && key.startsWith(served.prefix) ? served.baseUrl + keyPath(key.slice(served.prefix.length)) : `/${keyPath(key)}`;
    paths.add(url);
    if (url.endsWith("/index.html")) {
      const folder = url.slice(0, -"index.html".length);
      paths.add(folder);
      if (!ROOT.test(folder)) paths.add(folder.slice(0, -1));
    }
  }
  return [...paths].sort();
}

/** The calls that purge these paths: batches of `purge/url`, or one `purge/all` for a large change. */
export function purgeRequests(paths: readonly string[]): PurgeRequest[] {
  if (paths.length === 0) return [];
  if (paths.length > PURGE_ALL_ABOVE) return [{ kind: "all" }];
  const requests: PurgeRequest[] = [];
  for (let start = 0; start < paths.length; start += PURGE_URLS_PER_CALL) {
    requests.push({ kind: "url", urls: paths.slice(start, start + PURGE_URLS_PER_CALL) });
  }
  return requests;
}

/** The URL form an endpoint was found to take, when it refused the one purgePaths gives. */
const urlFormByEndpoint = new Map<string, "absolute" | "path">();

const ABSOLUTE = /^https?:\/\/[^/]+/;

/** Whether a refusal is about the form of `urls` (not a purge the API cannot do at all). */
function refusesUrlForm(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    (err.status === 400 || err.status === 422) &&
    (err.field?.startsWith("urls") === true || (err.field === undefined && /\burls?\b/i.test(err.message)))
  );
}

/** `urls` in the given form: paths on the resource's distribution host, or the paths of URLs. */
function inForm(urls: readonly string[], form: "absolute" | "path", host: string | undefined): string[] | undefined {
  if (form === "path") return urls.map((url) => url.replace(ABSOLUTE, "") || "/");
  if (host === undefined) return undefined;
  return urls.map((url) => (ABSOLUTE.test(url) ? url : `https://${host}${url}`));
}

async function distributionHostOf(client: ApiClient, resourceId: string): Promise<string | undefined> {
  const resource = await unlessGone(() =>
    client.find({
      operation: `read CDN resource ${resourceId}`,
      method: "GET",
      path: `/cdn/resource/${encodeURIComponent(resourceId)}`,
      response: cdnResourceResponse,
    }),
  );
  return distributionHost(resource?.distribution_domain);
}

/** Purges what serves these keys on a CDN resource. Returns the requests made. */
export async function purgeKeys(
  client: ApiClient,
  resourceId: string,
  keys: readonly string[],
  served?: ServedAt,
): Promise<PurgeRequest[]> {
  const requests = purgeRequests(purgePaths(keys, served));
  const base = `/cdn/resource/${encodeURIComponent(resourceId)}/purge`;
  const endpoint = client.config?.endpoint ?? "";
  let host: string | undefined;
  const send = (request: PurgeRequest) =>
    client.call({
      operation:
        request.kind === "all"
          ? `purge all of CDN resource ${resourceId}`
          : `purge ${request.urls.length} path(s) on CDN resource ${resourceId}`,
      method: "POST",
      path: request.kind === "all" ? `${base}/all` : `${base}/url`,
      body: request.kind === "all" ? undefined : { urls: request.urls },
      // Purging twice is purging once.
      retry: "safe",
    });
  const made: PurgeRequest[] = [];
  for (const planned of requests) {
    let request = planned;
    const learned = urlFormByEndpoint.get(endpoint);
    if (request.kind === "url" && learned) {
      if (learned === "absolute") host ??= await distributionHostOf(client, resourceId);
      const urls = inForm(request.urls, learned, host);
      if (urls) request = { kind: "url", urls };
    }
    try {
      await send(request);
      made.push(request);
      continue;
    } catch (err) {
      if (request.kind !== "url" || !refusesUrlForm(err)) throw err;
    }
    // Refused for the form of its URLs: the other form once, then everything.
    const other = ABSOLUTE.test(request.urls[0] ?? "") ? "path" : "absolute";
    if (other === "absolute") host ??= await distributionHostOf(client, resourceId);
    const urls = inForm(request.urls, other, host);
    if (urls) {
      try {
        const retried: PurgeRequest = { kind: "url", urls };
        await send(retried);
        urlFormByEndpoint.set(endpoint, other);
        made.push(retried);
        continue;
      } catch (err) {
        if (!refusesUrlForm(err)) throw err;
      }
    }
    const all: PurgeRequest = { kind: "all" };
    await send(all);
    made.push(all);
    // One purge of everything covers the batches still to come.
    return made;
  }
  return made;
}
