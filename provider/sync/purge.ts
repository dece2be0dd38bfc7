// Purging the CDN after a sync: exactly the paths whose objects changed (uploaded or deleted), in
// as few calls as the API allows. `POST /cdn/resource/{id}/purge/url` takes `urls`; the reference
// gives no limit per call, so batches stay at a size CDNs commonly accept, and a change too large
// for a handful of calls (a first deploy of a big site) becomes one `purge/all`.
import type { MamuteClient } from "../client";

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

/** Purges what serves these keys on a CDN resource. Returns the requests made. */
export async function purgeKeys(client: MamuteClient, resourceId: string, keys: readonly string[], served?: ServedAt): Promise<PurgeRequest[]> {
  const requests = purgeRequests(purgePaths(keys, served));
  const base = `/cdn/resource/${encodeURIComponent(resourceId)}/purge`;
  for (const request of requests) {
    await client.call({
      operation:
        request.kind === "all" ? `purge all of CDN resource ${resourceId}` : `purge ${request.urls.length} path(s) on CDN resource ${resourceId}`,
      method: "POST",
      path: request.kind === "all" ? `${base}/all` : `${base}/url`,
      body: request.kind === "all" ? undefined : { urls: request.urls },
      // Purging twice is purging once.
      retry: "safe",
    });
  }
  return requests;
}
