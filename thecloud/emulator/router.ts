// The Cloud's routes as its reference writes them (`/storage/:bucket/*key`): which route a method
// and raw path are, with their parameters percent-decoded. The template is also the route key the
// request counter and fault rules use. Fixed routes (`/storage/buckets…`, `/storage/versions/…`,
// `/storage/multipart/…`, `/storage/cluster/status`) win over the bucket routes they also match.
//
// The path is read as sent, not through `new URL`, which would resolve `..` and `%2e%2e` segments
// and so silently name another key.

/** Bucket names that are also the first segment of a fixed `/storage/…` route. */
export const RESERVED_BUCKET_NAMES: readonly string[] = ["buckets", "versions", "multipart", "cluster"];

/** Where the `base-path` dialect serves every API route. */
export const BASE_PATH = "/api/v1";

export interface RouteSpec {
  method: string;
  /** `/auth/keys/:id`; a last segment `*key` takes the rest of the path (one segment or more). */
  template: string;
}

export type RouteMatch<R extends RouteSpec> =
  | { kind: "route"; route: R; params: Record<string, string> }
  | { kind: "method_not_allowed"; template: string; allowed: string[] }
  | { kind: "bad_encoding"; template: string; parameter: string }
  | { kind: "not_found" };

export interface ResolveOptions {
  /** `reserved-names-allowed`: a path under a reserved name that no fixed route takes is a bucket's. */
  reservedNamesAllowed: boolean;
  /** `base-path`: the API lives under BASE_PATH. */
  basePath: boolean;
}

/** The path and query of a request target, the path still percent-encoded. */
export function splitTarget(rawUrl: string | undefined): { path: string; query: URLSearchParams } {
  let target = rawUrl ?? "/";
  if (!target.startsWith("/")) {
    // Absolute form (`http://host/path`), rare from clients; its path as the URL parser reads it.
    try {
      const url = new URL(target);
      target = `${url.pathname}${url.search}`;
    } catch {
      target = "/";
    }
  }
  const mark = target.indexOf("?");
  return mark < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

type Piece = { literal: string } | { param: string } | { rest: string };

interface Compiled<R extends RouteSpec> {
  route: R;
  pieces: Piece[];
  /** Under `/storage/:bucket`: skipped for a reserved first segment unless allowed. */
  bucketScoped: boolean;
}

function compile(template: string): Piece[] {
  return template
    .split("/")
    .slice(1)
    .map((part) => (part.startsWith(":") ? { param: part.slice(1) } : part.startsWith("*") ? { rest: part.slice(1) } : { literal: part }));
}

/** The params of `segments` under `pieces`; undefined when the path is another shape. */
function matchPieces(pieces: Piece[], segments: string[]): { params: Record<string, string> } | { badParam: string } | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if ("rest" in piece) {
      const rest = segments.slice(i).join("/");
      if (i >= segments.length || rest === "") return undefined;
      const value = decode(rest);
      if (value === undefined) return { badParam: piece.rest };
      params[piece.rest] = value;
      return { params };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if ("literal" in piece) {
      if (segment !== piece.literal) return undefined;
      continue;
    }
    if (segment === "") return undefined;
    const value = decode(segment);
    if (value === undefined) return { badParam: piece.param };
    params[piece.param] = value;
  }
  return segments.length === pieces.length ? { params } : undefined;
}

export class Router<R extends RouteSpec> {
  private readonly routes: Compiled<R>[];

  /** `routes` in order of precedence: the first template that matches a path owns it. */
  constructor(routes: readonly R[]) {
    this.routes = routes.map((route) => ({
      route,
      pieces: compile(route.template),
      bucketScoped: route.template.startsWith("/storage/:bucket"),
    }));
  }

  resolve(method: string, rawPath: string, options: ResolveOptions): RouteMatch<R> {
    let path = rawPath;
    if (options.basePath) {
      if (path !== BASE_PATH && !path.startsWith(`${BASE_PATH}/`)) return { kind: "not_found" };
      path = path.slice(BASE_PATH.length) || "/";
    }
    const segments = path.split("/").slice(1);
    // `/storage/b/` is `/storage/b`; a wildcard keeps its trailing `/` (`logs/` is a key).
    const trimmed = segments.length > 1 && segments[segments.length - 1] === "" ? segments.slice(0, -1) : segments;
    const reservedFirst = segments[0] === "storage" && RESERVED_BUCKET_NAMES.includes(segments[1] ?? "");
    let owner: string | undefined;
    const allowed: string[] = [];
    for (const compiled of this.routes) {
      if (owner !== undefined && compiled.route.template !== owner) continue;
      if (compiled.bucketScoped && reservedFirst && !options.reservedNamesAllowed) continue;
      const hasRest = compiled.pieces.some((piece) => "rest" in piece);
      const matched = matchPieces(compiled.pieces, hasRest ? segments : trimmed);
      if (matched === undefined) continue;
      if ("badParam" in matched) return { kind: "bad_encoding", template: compiled.route.template, parameter: matched.badParam };
      if (compiled.route.method === method) return { kind: "route", route: compiled.route, params: matched.params };
      owner = compiled.route.template;
      allowed.push(compiled.route.method);
    }
    return owner === undefined ? { kind: "not_found" } : { kind: "method_not_allowed", template: owner, allowed };
  }

  /** `PUT /storage/:bucket/*key`; a known path with another method keeps its template; else `<METHOD> (unknown route)`. */
  routeKey(method: string, rawPath: string, options: ResolveOptions): string {
    return routeKeyOf(method, this.resolve(method, rawPath, options));
  }
}

/** The route key of a match (see `Router.routeKey`). */
export function routeKeyOf(method: string, match: RouteMatch<RouteSpec>): string {
  switch (match.kind) {
    case "route":
      return `${method} ${match.route.template}`;
    case "method_not_allowed":
    case "bad_encoding":
      return `${method} ${match.template}`;
    default:
      return `${method} (unknown route)`;
  }
}
