// Every route of The Cloud's emulator with its handler, in order of precedence (fixed `/storage/…`
// routes before the bucket routes they also match). The template is the route key.
import type { RouteSpec } from "./router";
import type { Context, Reply } from "./http";
import { createKey, deleteKey, forgotPassword, listKeys, login, register, resetPassword, rotateKey } from "./auth";
import { createBucket, createRule, deleteBucket, deleteRule, listBuckets, listRules, setVersioning } from "./buckets";
import { clusterStatus, deleteObject, getObject, listObjects, listVersions, putObject } from "./objects";
import { abortUpload, completeUpload, initUpload, uploadPart } from "./multipart";

export interface RouteEntry extends RouteSpec {
  /** Undefined when the handler wrote the answer itself (object bytes). */
  handler: (ctx: Context) => Reply | undefined | Promise<Reply | undefined>;
  /** Served without `X-API-Key`. */
  public?: boolean;
  /** The body is raw bytes the handler streams (not a JSON document read first). */
  rawBody?: boolean;
}

const health = (): Reply => ({ status: 200, body: { status: "ok" } });

export const ROUTES: readonly RouteEntry[] = [
  { method: "GET", template: "/health/live", handler: health, public: true },
  { method: "POST", template: "/auth/register", handler: register, public: true },
  { method: "POST", template: "/auth/login", handler: login, public: true },
  { method: "POST", template: "/auth/forgot-password", handler: forgotPassword, public: true },
  { method: "POST", template: "/auth/reset-password", handler: resetPassword, public: true },
  { method: "POST", template: "/auth/keys", handler: createKey },
  { method: "GET", template: "/auth/keys", handler: listKeys },
  { method: "DELETE", template: "/auth/keys/:id", handler: deleteKey },
  { method: "POST", template: "/auth/keys/:id/rotate", handler: rotateKey },
  { method: "POST", template: "/auth/keys/:id/regenerate", handler: rotateKey },
  { method: "GET", template: "/storage/buckets", handler: listBuckets },
  { method: "POST", template: "/storage/buckets", handler: createBucket },
  { method: "DELETE", template: "/storage/buckets/:bucket", handler: deleteBucket },
  { method: "PATCH", template: "/storage/buckets/:bucket/versioning", handler: setVersioning },
  { method: "GET", template: "/storage/buckets/:bucket/lifecycle", handler: listRules },
  { method: "POST", template: "/storage/buckets/:bucket/lifecycle", handler: createRule },
  { method: "DELETE", template: "/storage/buckets/:bucket/lifecycle/:id", handler: deleteRule },
  { method: "GET", template: "/storage/cluster/status", handler: clusterStatus },
  { method: "GET", template: "/storage/versions/:bucket/*key", handler: listVersions },
  { method: "POST", template: "/storage/multipart/init/:bucket/*key", handler: initUpload },
  { method: "PUT", template: "/storage/multipart/upload/:id/parts", handler: uploadPart, rawBody: true },
  { method: "POST", template: "/storage/multipart/complete/:id", handler: completeUpload },
  { method: "DELETE", template: "/storage/multipart/abort/:id", handler: abortUpload },
  { method: "GET", template: "/storage/:bucket", handler: listObjects },
  { method: "PUT", template: "/storage/:bucket/*key", handler: putObject, rawBody: true },
  { method: "GET", template: "/storage/:bucket/*key", handler: getObject },
  { method: "HEAD", template: "/storage/:bucket/*key", handler: getObject },
  { method: "DELETE", template: "/storage/:bucket/*key", handler: deleteObject },
];
