// Every route of Shardlyn's emulator with its handler, as the reference writes them. The template
// is also the route key the request counter and fault rules use (`PUT /v1/dns/records/{id}`).
import type { RouteSpec } from "../../emulator/management/router";
import type { Context, Reply } from "./http";
import { loginHandler, refreshHandler, type AuthSettings } from "./auth";
import type { LoginLockout } from "./lockout";
import { createToken, deleteToken, listTokens } from "./tokens";
import { createRecord, deleteRecord, listAllRecords, listZoneRecords, listZones, updateRecord } from "./records";
import { getAutoConfig, putAutoConfig } from "./auto-config";

export interface ShardlynRoute extends RouteSpec {
  handler: (ctx: Context) => Reply | Promise<Reply>;
  /** Served without `Authorization`. */
  public?: boolean;
}

const health = (): Reply => ({ status: 200, body: { status: "ok" } });

export function shardlynRoutes(settings: () => AuthSettings, lockout: LoginLockout): ShardlynRoute[] {
  return [
    { method: "GET", template: "/health", handler: health, public: true },
    { method: "GET", template: "/health/live", handler: health, public: true },
    { method: "GET", template: "/health/ready", handler: health, public: true },
    { method: "POST", template: "/v1/auth/login", handler: loginHandler(settings, lockout), public: true },
    { method: "POST", template: "/v1/auth/refresh", handler: refreshHandler(settings), public: true },
    { method: "GET", template: "/v1/api-tokens", handler: listTokens },
    { method: "POST", template: "/v1/api-tokens", handler: createToken },
    { method: "DELETE", template: "/v1/api-tokens/{id}", handler: deleteToken },
    { method: "GET", template: "/v1/dns/zones", handler: listZones },
    { method: "GET", template: "/v1/dns/zones/{zoneId}/records", handler: listZoneRecords },
    { method: "GET", template: "/v1/dns/records", handler: listAllRecords },
    { method: "POST", template: "/v1/dns/records", handler: createRecord },
    { method: "PUT", template: "/v1/dns/records/{id}", handler: updateRecord },
    { method: "DELETE", template: "/v1/dns/records/{id}", handler: deleteRecord },
    { method: "GET", template: "/v1/dns/auto-config", handler: getAutoConfig },
    { method: "PUT", template: "/v1/dns/auto-config", handler: putAutoConfig },
  ];
}
