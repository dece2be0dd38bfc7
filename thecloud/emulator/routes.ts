// Every route of The Cloud's emulator, in order of precedence (fixed `/storage/…` routes before the
// bucket routes they also match). The template is the route key. Handlers are filled in by the
// modules of each area; a route without one answers 501 until it is written.
import type { RouteSpec } from "./router";

export interface RouteEntry extends RouteSpec {
  /** Served without `X-API-Key`. */
  public?: boolean;
  /** Under the `/auth/*` rate limit. */
  authLimited?: boolean;
}

export const ROUTES: readonly RouteEntry[] = [
  { method: "GET", template: "/health/live", public: true },
  { method: "POST", template: "/auth/register", public: true, authLimited: true },
  { method: "POST", template: "/auth/login", public: true, authLimited: true },
  { method: "POST", template: "/auth/forgot-password", public: true, authLimited: true },
  { method: "POST", template: "/auth/reset-password", public: true, authLimited: true },
  { method: "POST", template: "/auth/keys", authLimited: true },
  { method: "GET", template: "/auth/keys", authLimited: true },
  { method: "DELETE", template: "/auth/keys/:id", authLimited: true },
  { method: "POST", template: "/auth/keys/:id/rotate", authLimited: true },
  { method: "POST", template: "/auth/keys/:id/regenerate", authLimited: true },
  { method: "GET", template: "/storage/buckets" },
  { method: "POST", template: "/storage/buckets" },
  { method: "DELETE", template: "/storage/buckets/:bucket" },
  { method: "PATCH", template: "/storage/buckets/:bucket/versioning" },
  { method: "GET", template: "/storage/buckets/:bucket/lifecycle" },
  { method: "POST", template: "/storage/buckets/:bucket/lifecycle" },
  { method: "DELETE", template: "/storage/buckets/:bucket/lifecycle/:id" },
  { method: "GET", template: "/storage/cluster/status" },
  { method: "GET", template: "/storage/versions/:bucket/*key" },
  { method: "POST", template: "/storage/multipart/init/:bucket/*key" },
  { method: "PUT", template: "/storage/multipart/upload/:id/parts" },
  { method: "POST", template: "/storage/multipart/complete/:id" },
  { method: "DELETE", template: "/storage/multipart/abort/:id" },
  { method: "GET", template: "/storage/:bucket" },
  { method: "PUT", template: "/storage/:bucket/*key" },
  { method: "GET", template: "/storage/:bucket/*key" },
  { method: "HEAD", template: "/storage/:bucket/*key" },
  { method: "DELETE", template: "/storage/:bucket/*key" },
];
