// `/_emulator/*` of The Cloud's emulator: the request counter and faults (the routes MamuteCloud's
// emulator serves, emulator/admin.ts), the dialect, unfinished multipart uploads, the auth rate
// limit, the clock, lifecycle expiration and a reset. No authentication, never counted, faulted or
// rate-limited; answered with the shared admin router and error body (emulator/management).
import type { IncomingMessage, ServerResponse } from "node:http";
import { configured, remoteAdminRefused, controlRoutes, dialectRoutes } from "../../emulator/admin";
import type { EmulatorControls } from "../../emulator/controls";
import { dispatchRoute } from "../../emulator/management/dispatch";
import { sendError, validationError } from "../../emulator/management/http";
import { ADMIN_PREFIX, Router, type Route } from "../../emulator/management/router";
import { readAuthRateLimit, type AuthRateLimit } from "./auth-limit";
import { readTheCloudDialect } from "./dialect";
import { unfinishedUploads } from "./multipart";
import type { TheCloudState } from "./state";
import type { TheCloudPlaneName } from "./api";

/** The longest move of the clock at once: a hundred years. */
const MAX_ADVANCE_MS = 100 * 366 * 86_400_000;

/** What the admin routes steer beyond the state; index.ts implements it. */
export interface AdminActions {
  authRateLimit(): AuthRateLimit;
  setAuthRateLimit(limit: AuthRateLimit): void;
  advanceClock(ms: number): void;
  runLifecycle(): number;
  reset(): void;
}

function authRateLimitJson(limit: AuthRateLimit) {
  return { requests: limit.requests, window_ms: limit.windowMs };
}

function adminRoutes(state: TheCloudState, controls: EmulatorControls<TheCloudPlaneName>, actions: AdminActions): Route[] {
  const clock = () => ({ status: 200, body: { now: state.now().toISOString(), offset_ms: state.clockOffsetMs } });
  return [
    { method: "GET", template: `${ADMIN_PREFIX}/health`, handler: () => ({ status: 200, body: { status: "ok", emulator: "thecloud" } }) },
    ...controlRoutes(controls),
    ...dialectRoutes(
      () => state.dialect,
      (value) => (state.dialect = readTheCloudDialect(value)),
    ),
    { method: "GET", template: `${ADMIN_PREFIX}/multipart`, handler: () => ({ status: 200, body: { uploads: unfinishedUploads(state) } }) },
    {
      method: "GET",
      template: `${ADMIN_PREFIX}/auth-rate-limit`,
      handler: () => ({ status: 200, body: authRateLimitJson(actions.authRateLimit()) }),
    },
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/auth-rate-limit`,
      handler: async (ctx) => {
        const body = await ctx.body();
        actions.setAuthRateLimit(configured(() => readAuthRateLimit(body, "snake", actions.authRateLimit())));
        return { status: 200, body: authRateLimitJson(actions.authRateLimit()) };
      },
    },
    { method: "GET", template: `${ADMIN_PREFIX}/clock`, handler: clock },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/clock`,
      handler: async (ctx) => {
        const advance = (await ctx.body()).advance_ms;
        if (typeof advance !== "number" || !Number.isInteger(advance) || advance < 0 || advance > MAX_ADVANCE_MS) {
          throw validationError("advance_ms", `is required: an integer from 0 to ${MAX_ADVANCE_MS} (milliseconds)`);
        }
        actions.advanceClock(advance);
        return clock();
      },
    },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/lifecycle/run`,
      handler: () => ({ status: 200, body: { expired: actions.runLifecycle() } }),
    },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/reset`,
      handler: () => {
        actions.reset();
        return { status: 204 };
      },
    },
  ];
}

/** The handler of `/_emulator/*`; off loopback (`enabled` false) every one answers 403. */
export function createAdmin(
  state: TheCloudState,
  controls: EmulatorControls<TheCloudPlaneName>,
  actions: AdminActions,
  enabled: boolean,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const router = new Router(adminRoutes(state, controls, actions));
  return async (req, res) => (enabled ? dispatchRoute(router, req, res) : sendError(res, remoteAdminRefused()));
}
