// The API plane: from a request to an answer. In order: which route (router.ts), the `/auth/*`
// rate limit, authentication (`X-API-Key`, or a public route or public bucket), 404/405/400 for
// what matched no route, the JSON body read in full (object bodies are streamed by their handler),
// the handler, and any failure as The Cloud's error in the dialect's shape. The request counter
// and fault injection wrap this plane (emulator/controls.ts), as they wrap MamuteCloud's.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plane } from "../../emulator/plane";
import type { EmulatorControls } from "../../emulator/controls";
import { ensureRequestId, parseJsonObject, type JsonObject } from "../../emulator/management/http";
import { isAdminPath } from "../../emulator/management/router";
import { authenticate } from "./auth";
import type { AuthRateLimiter } from "./auth-limit";
import { BASE_PATH, Router, routeKeyOf, splitTarget, type ResolveOptions } from "./router";
import { ROUTES, type RouteEntry } from "./routes";
import type { TheCloudState } from "./state";
import type { TheCloudDialect } from "./dialect";
import {
  ApiError,
  continueIfExpected,
  readJsonText,
  sendReply,
  sendTheCloudError,
  unauthorized,
  validationError,
  type Context,
  type Principal,
} from "./http";

export type TheCloudPlaneName = "api";
export const THECLOUD_PLANES: readonly TheCloudPlaneName[] = ["api"];

const router = new Router<RouteEntry>(ROUTES);

function resolveOptions(dialect: TheCloudDialect): ResolveOptions {
  return { reservedNamesAllowed: dialect.reservedNamesAllowed, basePath: dialect.basePath };
}

/** The path as the routes spell it: without the `base-path` prefix. */
function apiPath(path: string, dialect: TheCloudDialect): string {
  return dialect.basePath && path.startsWith(BASE_PATH) ? path.slice(BASE_PATH.length) : path;
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The `/auth/*` budget this request draws from, or undefined when it is not limited. */
function authBudget(req: IncomingMessage, path: string, routeKey: string, dialect: TheCloudDialect): string | undefined {
  if (!isUnder(path, "/auth")) return undefined;
  if (!dialect.authKeysLimited && isUnder(path, "/auth/keys")) return undefined;
  const client = req.socket.remoteAddress ?? "unknown";
  return dialect.authLimitPerRoute ? `${client} ${routeKey}` : client;
}

/** A GET or HEAD of an object in a public bucket needs no key (unless `public-needs-key`). */
function isPublicRead(state: TheCloudState, entry: RouteEntry, params: Record<string, string>): boolean {
  if (!state.dialect.publicReadsWithoutKey || entry.template !== "/storage/:bucket/*key") return false;
  if (entry.method !== "GET" && entry.method !== "HEAD") return false;
  return state.buckets.get(params.bucket)?.isPublic === true;
}

function principalOf(req: IncomingMessage, state: TheCloudState, publicRoute: boolean): Principal | undefined {
  const header = req.headers["x-api-key"];
  if (header === undefined) {
    if (publicRoute) return undefined;
    throw unauthorized("X-API-Key: is required (an API key, thecloud_…)");
  }
  return authenticate({ state }, Array.isArray(header) ? header.join(",") : header);
}

export interface ApiPlaneOptions {
  state: TheCloudState;
  controls: EmulatorControls<TheCloudPlaneName>;
  limiter: AuthRateLimiter;
  /** Answers `/_emulator/*` (or refuses them off loopback). */
  admin: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

async function answer(options: ApiPlaneOptions, req: IncomingMessage, res: ServerResponse, dialect: TheCloudDialect): Promise<void> {
  const { state, controls, limiter } = options;
  const method = req.method ?? "GET";
  const { path, query } = splitTarget(req.url);
  const match = router.resolve(method, path, resolveOptions(dialect));
  const routeKey = routeKeyOf(method, match);

  const budget = authBudget(req, apiPath(path, dialect), routeKey, dialect);
  const refused = budget === undefined ? undefined : limiter.take(budget);
  if (refused) {
    controls.countThrottled();
    const { requests, windowMs } = limiter.limit;
    throw new ApiError(
      429,
      "rate_limited",
      `rate limit of ${requests} requests per ${windowMs / 1000} s on /auth/* exceeded; retry after ${refused.retryAfterSeconds} s`,
      undefined,
      { "retry-after": String(refused.retryAfterSeconds) },
    );
  }

  const publicRoute = match.kind === "route" && (match.route.public === true || isPublicRead(state, match.route, match.params));
  const principal = principalOf(req, state, publicRoute);

  switch (match.kind) {
    case "not_found":
      throw new ApiError(404, "not_found", `no route for ${method} ${path}`);
    case "method_not_allowed": {
      const allowed = match.allowed.join(", ");
      throw new ApiError(405, "method_not_allowed", `${method} is not allowed on ${match.template}; use ${allowed}`, undefined, {
        allow: allowed,
      });
    }
    case "bad_encoding":
      throw validationError(match.parameter, "is not valid percent-encoded UTF-8");
  }
  const text = match.route.rawBody ? "" : await readJsonText(req, res, dialect);
  let body: JsonObject | undefined;
  const ctx: Context = {
    req,
    res,
    state,
    params: match.params,
    query,
    principal,
    dialect,
    json: async () => (body ??= parseJsonObject(text)),
  };
  const reply = await match.route.handler(ctx);
  if (reply) sendReply(res, reply);
}

/** The plane the emulator's server wraps with its counter and faults. */
export function createApiPlane(options: ApiPlaneOptions): Plane<TheCloudPlaneName> {
  const { state } = options;
  return {
    name: "api",
    routeKey: (req) => {
      const { path } = splitTarget(req.url);
      return isAdminPath(path) ? undefined : router.routeKey(req.method ?? "GET", path, resolveOptions(state.dialect));
    },
    handle: async (req, res) => {
      ensureRequestId(res);
      if (isAdminPath(splitTarget(req.url).path)) {
        continueIfExpected(req, res);
        return options.admin(req, res);
      }
      // One dialect for the whole request, even if it is switched meanwhile.
      const dialect = state.dialect;
      try {
        await answer(options, req, res, dialect);
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const failure =
          error instanceof ApiError
            ? error
            : new ApiError(500, "internal_error", `emulator error: ${(error as Error)?.message ?? String(error)}`);
        sendTheCloudError(res, failure, dialect);
      }
    },
    writeError: (res, error) => sendTheCloudError(res, error, state.dialect),
  };
}
