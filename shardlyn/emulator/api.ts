// The API plane: from a request to an answer. In order: which route, the `/v1` rate limit (its
// `X-RateLimit-*` headers go on every `/v1` answer), authentication (before 404/405, so a caller
// without a token learns nothing about routes), 404/405, the JSON body read whole (64 KiB), the
// handler, and any failure as `{"error": "<message>"}`. The request counter and fault injection
// wrap this plane (emulator/controls.ts), as they wrap the other emulators'.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plane } from "../../emulator/plane";
import type { EmulatorControls } from "../../emulator/controls";
import { ensureRequestId, parseJsonObject, type JsonObject } from "../../emulator/management/http";
import { Router, isAdminPath, parseRequestUrl } from "../../emulator/management/router";
import { authenticate, type AuthSettings } from "./auth";
import type { LoginLockout } from "./lockout";
import { rateLimitHeaders, type FixedWindowLimiter } from "./rate-limit";
import { shardlynRoutes, type ShardlynRoute } from "./routes";
import type { ShardlynState } from "./state";
import { ApiError, fail, readJsonText, sendReply, sendShardlynError, type Context } from "./http";

export type ShardlynPlaneName = "api";
export const SHARDLYN_PLANES: readonly ShardlynPlaneName[] = ["api"];

export interface ApiPlaneOptions {
  state: ShardlynState;
  controls: EmulatorControls<ShardlynPlaneName>;
  limiter: FixedWindowLimiter;
  lockout: LoginLockout;
  settings: () => AuthSettings;
  /** Answers `/_emulator/*` (or refuses them off loopback). */
  admin: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

function isV1(path: string): boolean {
  return path === "/v1" || path.startsWith("/v1/");
}

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

async function answer(options: ApiPlaneOptions, router: Router<ShardlynRoute>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state, controls, limiter } = options;
  const dialect = state.dialect;
  const method = req.method ?? "GET";
  const path = parseRequestUrl(req.url).pathname;
  const match = router.resolve(method, req.url);

  if (isV1(path)) {
    const quota = limiter.take(clientOf(req));
    const headers = rateLimitHeaders(quota, state.nowMs(), dialect.resetSeconds);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (!quota.allowed) {
      controls.countThrottled();
      const retry = Math.max(1, Math.ceil((quota.resetAtMs - state.nowMs()) / 1000));
      throw fail(429, "rate limit exceeded", dialect.retryAfter ? { "retry-after": String(retry) } : {});
    }
  }

  const route = match.kind === "route" ? match.route : undefined;
  const settings = options.settings();
  // The JWT-only refusal is for the routes the reference marks so: every known one that is not public.
  const principal = route?.public
    ? undefined
    : authenticate(req, state, { ...settings, apiTokensOnJwtRoutes: settings.apiTokensOnJwtRoutes || route === undefined });

  if (match.kind === "not_found") throw fail(404, `no route for ${method} ${path}`);
  if (match.kind === "method_not_allowed") {
    const allowed = match.allowed.join(", ");
    throw fail(405, `${method} is not allowed on ${match.template}; use ${allowed}`, { allow: allowed });
  }
  const text = await readJsonText(req);
  let body: JsonObject | undefined;
  const ctx: Context = {
    req,
    state,
    params: match.params,
    query: match.query,
    principal,
    dialect,
    json: async () => (body ??= parseJsonObject(text)),
  };
  sendReply(res, await match.route.handler(ctx));
}

/** The plane the emulator's server wraps with its counter and faults. */
export function createApiPlane(options: ApiPlaneOptions): Plane<ShardlynPlaneName> {
  const { state, limiter } = options;
  const router = new Router<ShardlynRoute>(shardlynRoutes(options.settings, options.lockout));
  return {
    name: "api",
    routeKey: (req) => router.routeKey(req),
    handle: async (req, res) => {
      ensureRequestId(res);
      if (isAdminPath(parseRequestUrl(req.url).pathname)) return options.admin(req, res);
      try {
        await answer(options, router, req, res);
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendShardlynError(
          res,
          error instanceof ApiError ? error : fail(500, `emulator error: ${(error as Error)?.message ?? String(error)}`),
        );
      }
    },
    // Faults the server injects: a `/v1` answer still carries X-RateLimit-* (Remaining 0 on a 429), nothing used up.
    writeError: (res, error) => {
      if (res.req && isV1(parseRequestUrl(res.req.url).pathname)) {
        const quota = limiter.peek(clientOf(res.req));
        const headers = rateLimitHeaders(
          error.status === 429 ? { ...quota, remaining: 0 } : quota,
          state.nowMs(),
          state.dialect.resetSeconds,
        );
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      }
      sendShardlynError(res, error);
    },
  };
}
