// The management API plane: routing, authentication and the JSON conventions around the
// handlers of each API area (one module per area).
import type { Plane } from "../plane";
import type { EmulatorState } from "../state";
import type { EmulatorCertificates } from "../tls";
import { authenticate, type DashboardTokens } from "./auth";
import { dispatchRoute } from "./dispatch";
import { sendError } from "./http";
import { Router, type Route } from "./router";
import { apiKeyRoutes } from "./apikeys";
import { bucketRoutes } from "./buckets";
import { credentialRoutes } from "./credentials";
import { fileRoutes } from "./files";
import { dnsRoutes } from "./dns";
import { cdnRoutes } from "./cdn";
import type { EdgeCache } from "../edge/cache";
import { sslRoutes } from "./ssl";
import { notEmulatedRoutes } from "./documented-routes";

export interface ManagementOptions {
  /** Public URL of the S3 data plane, reported in bucket objects. */
  s3Url: () => string;
  /** Verifies `Authorization: Bearer <jwt>`; the same issuer signs the dashboard tokens. */
  tokens: DashboardTokens;
  /** The emulator CA and the certificates it can serve (SSL routes, custom-domain activation). */
  certificates: EmulatorCertificates;
  /** The edge's cache, which purges and resource deletes evict from. */
  edgeCache: EdgeCache;
}

export function managementRoutes(state: EmulatorState, options: ManagementOptions): Route[] {
  return [
    { method: "GET", template: "/health", public: true, handler: () => ({ status: 200, body: { status: "ok" } }) },
    ...apiKeyRoutes(state),
    ...bucketRoutes(state, options.s3Url),
    ...credentialRoutes(state),
    ...fileRoutes(state),
    ...dnsRoutes(state),
    ...sslRoutes(state, options.certificates),
    ...cdnRoutes(state, { certificates: options.certificates, edgeCache: options.edgeCache }),
  ];
}

export function createManagementPlane(state: EmulatorState, options: ManagementOptions): Plane {
  const routes = managementRoutes(state, options);
  const router = new Router([...routes, ...notEmulatedRoutes(routes)], () => state.dialect.storagePrefix);
  return {
    name: "management",
    routeKey: (req) => router.routeKey(req),
    handle: (req, res) =>
      dispatchRoute(
        router,
        req,
        res,
        (match) => {
          if (match.kind !== "route" || !match.route.public) authenticate(req, state, options.tokens);
        },
        () => state.dialect,
      ),
    // Injected faults and the rate limit answer in the dialect's error shape too.
    writeError: (res, error) => sendError(res, error, state.dialect.errorShape),
  };
}
