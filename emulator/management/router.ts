// Maps a method and path to the documented route template. The template is also the route key the
// request counter and fault rules use, so "which route was this" is decided in exactly one place.
import type { IncomingMessage } from "node:http";
import type { JsonObject } from "./http";
import type { StoragePrefix } from "../dialect";

export interface RouteContext {
  req: IncomingMessage;
  /** Path parameters by their template name, URL-decoded: `{bucketId}` → `params.bucketId`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body, read on demand (GET and DELETE handlers never call it). */
  body(): Promise<JsonObject>;
}

/** What a handler answers; the plane writes it. `body` undefined means `204 No Content`. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Set for a body that is not JSON: `body` is then a string written as is (`/_emulator/ca.pem`). */
  contentType?: string;
}

export type RouteHandler = (ctx: RouteContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  /** The documented template, e.g. `/object-storage/buckets/{bucketId}`. */
  template: string;
  handler: RouteHandler;
  /** Served without authentication (`GET /health`). */
  public?: boolean;
}

/** What the router needs of a route; `Route` (the management API's) is one, another emulator may add its own fields. */
export interface RouteSpec {
  method: string;
  /** `{name}` segments are parameters. */
  template: string;
}

export type RouteMatch<R extends RouteSpec = Route> =
  | { kind: "route"; route: R; params: Record<string, string>; query: URLSearchParams }
  | { kind: "method_not_allowed"; template: string; allowed: string[] }
  | { kind: "not_found" };

/** The emulator's own routes; never counted, faulted or authenticated. */
export const ADMIN_PREFIX = "/_emulator";

export function isAdminPath(pathname: string): boolean {
  return pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`);
}

/** The authentication guide's paths: `/storage/object-storage/...` is `/object-storage/...`. */
const STORAGE_ALIAS = "/storage/object-storage";

export function parseRequestUrl(rawUrl: string | undefined): URL {
  // Only the path and query matter. Prefixing (rather than resolving against a base) keeps a
  // target such as `//dns/zones` a path instead of reading `dns` as a host name.
  const target = rawUrl ?? "/";
  return target.startsWith("/") ? new URL(`http://emulator.invalid${target}`) : new URL(target, "http://emulator.invalid");
}

const STORAGE_PATH = "/object-storage";

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The path as the route templates spell it; undefined for a storage path under the prefix the
 * dialect does not serve (which then answers 404 like any unknown route).
 */
function canonicalPath(pathname: string, storagePrefix: StoragePrefix): string | undefined {
  let path = pathname;
  if (isUnder(path, STORAGE_ALIAS)) {
    if (storagePrefix === STORAGE_PATH) return undefined;
    path = path.slice("/storage".length);
  } else if (isUnder(path, STORAGE_PATH) && storagePrefix === STORAGE_ALIAS) {
    return undefined;
  }
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

interface CompiledRoute<R extends RouteSpec> {
  route: R;
  segments: string[];
}

export class Router<R extends RouteSpec = Route> {
  private readonly routes: CompiledRoute<R>[];

  constructor(
    routes: R[],
    /** Which storage prefixes are served: both by default, one under a `prefix-*` dialect. */
    private readonly storagePrefix: () => StoragePrefix = () => "both",
  ) {
    this.routes = routes.map((route) => ({ route, segments: route.template.split("/").slice(1) }));
  }

  resolve(method: string, rawUrl: string | undefined): RouteMatch<R> {
    const url = parseRequestUrl(rawUrl);
    const path = canonicalPath(url.pathname, this.storagePrefix());
    if (path === undefined) return { kind: "not_found" };
    const segments = path.split("/").slice(1);
    let pathMatch: { template: string; allowed: string[] } | undefined;
    for (const compiled of this.routes) {
      const params = matchSegments(compiled.segments, segments);
      if (!params) continue;
      if (compiled.route.method === method) {
        return { kind: "route", route: compiled.route, params, query: url.searchParams };
      }
      pathMatch ??= { template: compiled.route.template, allowed: [] };
      if (compiled.route.template === pathMatch.template) pathMatch.allowed.push(compiled.route.method);
    }
    return pathMatch ? { kind: "method_not_allowed", ...pathMatch } : { kind: "not_found" };
  }

  /**
   * `GET /object-storage/buckets/{bucketId}`; a wrong method on a known path keeps the template
   * (it is still that route, answered 405); an unknown path is `<METHOD> (unknown route)`.
   */
  routeKey(req: IncomingMessage): string | undefined {
    const method = req.method ?? "GET";
    if (isAdminPath(parseRequestUrl(req.url).pathname)) return undefined;
    const match = this.resolve(method, req.url);
    switch (match.kind) {
      case "route":
        return `${method} ${match.route.template}`;
      case "method_not_allowed":
        return `${method} ${match.template}`;
      case "not_found":
        return `${method} (unknown route)`;
    }
  }
}

function matchSegments(template: string[], path: string[]): Record<string, string> | undefined {
  if (template.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i];
    const actual = path[i];
    if (expected.startsWith("{") && expected.endsWith("}")) {
      if (actual === "") return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
      params[expected.slice(1, -1)] = decoded;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
