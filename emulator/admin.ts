// `/_emulator/*` on the management port: what tests and benchmarks use to look inside and steer
// the emulator over HTTP (dashboard tokens, the request counter, faults, the rate limit). No
// authentication, never counted or faulted: the plane's route key is undefined for these paths.
// The request counter and fault routes (`controlRoutes`) serve The Cloud's emulator as well.
import type { Plane } from "./plane";
import type { EmulatorControls } from "./controls";
import type { DashboardTokens } from "./management/auth";
import type { EmulatorCertificates } from "./tls";
import type { EmulatorState } from "./state";
import { applySettings, readSettings, settingsJson } from "./settings";
import { dialectJson, readDialect } from "./dialect";
import { ControlConfigError } from "./control-config";
import { faultReportJson, readFaultConfig } from "./faults";
import { readRateLimitConfig } from "./rate-limit";
import { ApiError, sendError, validationError } from "./management/http";
import { dispatchRoute } from "./management/dispatch";
import { optionalInteger } from "./management/fields";
import { ADMIN_PREFIX, Router, isAdminPath, parseRequestUrl, type Route } from "./management/router";

const DEFAULT_TOKEN_SECONDS = 3600;
const MAX_TOKEN_SECONDS = 366 * 86400;

/** Where the emulator's other planes answer, for a client that knows only the management URL. */
export interface EmulatorEndpoints {
  s3: string;
  edge: string;
  edgeHttps: string;
}

const noContent = { status: 204 };

/** A setting read from a body; a `ControlConfigError` becomes the 400 naming its field. */
export function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ControlConfigError) throw validationError(error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
}

/** `/_emulator/requests` and `/_emulator/faults`: the same in every emulator built on `EmulatorControls`. */
export function controlRoutes<P extends string>(controls: EmulatorControls<P>): Route[] {
  return [
    { method: "GET", template: `${ADMIN_PREFIX}/requests`, handler: () => ({ status: 200, body: controls.requests() }) },
    {
      method: "DELETE",
      template: `${ADMIN_PREFIX}/requests`,
      handler: () => {
        controls.resetRequests();
        return noContent;
      },
    },
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/faults`,
      handler: async (ctx) => {
        const body = await ctx.body();
        controls.faults.set(configured(() => readFaultConfig(body, "snake", controls.planes)));
        return noContent;
      },
    },
    { method: "GET", template: `${ADMIN_PREFIX}/faults`, handler: () => ({ status: 200, body: faultReportJson(controls.faultReport()) }) },
    {
      method: "DELETE",
      template: `${ADMIN_PREFIX}/faults`,
      handler: () => {
        controls.faults.clear();
        return noContent;
      },
    },
  ];
}

/**
 * `GET`/`PUT /_emulator/dialect` over an emulator's dialect: `current` reads it, `apply` reads the
 * names given (throwing `ControlConfigError` for a bad one) and switches to them.
 */
export function dialectRoutes(current: () => { readonly names: readonly string[] }, apply: (value: unknown) => void): Route[] {
  return [
    { method: "GET", template: `${ADMIN_PREFIX}/dialect`, handler: () => ({ status: 200, body: dialectJson(current()) }) },
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/dialect`,
      handler: async (ctx) => {
        const body = await ctx.body();
        if (body.dialect === undefined) throw validationError("dialect", 'is required: a list of dialect names, ["default"] for none');
        configured(() => apply(body.dialect));
        return { status: 200, body: dialectJson(current()) };
      },
    },
  ];
}

function adminRoutes(
  controls: EmulatorControls,
  tokens: DashboardTokens,
  certificates: EmulatorCertificates,
  state: EmulatorState,
  endpoints: () => EmulatorEndpoints,
): Route[] {
  return [
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/dashboard-token`,
      handler: async (ctx) => {
        const expiresIn = optionalInteger(await ctx.body(), "expires_in", 1, MAX_TOKEN_SECONDS) ?? DEFAULT_TOKEN_SECONDS;
        const { token, expiresAt } = tokens.issue(expiresIn);
        return { status: 200, body: { token, expires_at: expiresAt.toISOString() } };
      },
    },
    {
      method: "GET",
      template: `${ADMIN_PREFIX}/ca.pem`,
      handler: () => ({ status: 200, contentType: "application/x-pem-file", body: certificates.caCertificatePem }),
    },
    {
      // The provider asks here, against an endpoint on loopback, for the S3 endpoint a bucket's
      // answer did not give and for the edge address a browser on this machine opens.
      method: "GET",
      template: `${ADMIN_PREFIX}/endpoints`,
      handler: () => {
        const { s3, edge, edgeHttps } = endpoints();
        return { status: 200, body: { s3_endpoint: s3, edge_url: edge, edge_https_url: edgeHttps } };
      },
    },
    ...controlRoutes(controls),
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/rate-limit`,
      handler: async (ctx) => {
        const body = await ctx.body();
        controls.rateLimiter.set(configured(() => readRateLimitConfig(body, "snake")));
        return noContent;
      },
    },
    { method: "GET", template: `${ADMIN_PREFIX}/settings`, handler: () => ({ status: 200, body: settingsJson(state.settings) }) },
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/settings`,
      handler: async (ctx) => {
        const body = await ctx.body();
        return {
          status: 200,
          body: settingsJson(
            applySettings(
              state,
              configured(() => readSettings(body, "snake")),
            ),
          ),
        };
      },
    },
    ...dialectRoutes(
      () => state.dialect,
      (value) => (state.dialect = readDialect(value)),
    ),
    {
      method: "DELETE",
      template: `${ADMIN_PREFIX}/rate-limit`,
      handler: () => {
        controls.rateLimiter.clear();
        return noContent;
      },
    },
  ];
}

/**
 * The answer of every `/_emulator/*` route when the emulator listens beyond loopback and they were
 * not allowed: they change the emulator without authentication. Every emulator answers it so.
 */
export function remoteAdminRefused(): ApiError {
  return new ApiError(
    403,
    "forbidden",
    "/_emulator routes are off because the emulator listens beyond loopback; start it with --allow-remote-admin to allow them",
  );
}

/**
 * The management plane with `/_emulator/*` answered in front of it. These routes mint dashboard
 * JWTs, inject faults and change settings without authentication, so off loopback they answer 403
 * unless enabled.
 */
export function withAdminRoutes(
  plane: Plane,
  controls: EmulatorControls,
  tokens: DashboardTokens,
  certificates: EmulatorCertificates,
  state: EmulatorState,
  enabled = true,
  endpoints: () => EmulatorEndpoints = () => ({ s3: "", edge: "", edgeHttps: "" }),
): Plane {
  const router = new Router(adminRoutes(controls, tokens, certificates, state, endpoints));
  const handleAdmin: Plane["handle"] = async (req, res) =>
    enabled ? dispatchRoute(router, req, res) : sendError(res, remoteAdminRefused());
  return {
    name: plane.name,
    routeKey: (req) => plane.routeKey(req),
    handle: (req, res) => (isAdminPath(parseRequestUrl(req.url).pathname) ? handleAdmin(req, res) : plane.handle(req, res)),
    writeError: plane.writeError,
  };
}
