// Purges (all, by URL, by pattern) with their history, and token authentication with signed URLs.
import { randomBytes } from "node:crypto";
import type { CdnPurge, CdnResource, EmulatorState } from "../state";
import { cachePath, globMatcher, type EdgeCache } from "../edge/cache";
import { canonicalRequestHost, isHostOf } from "../edge/hosts";
import { signPath } from "../edge/token";
import { Fields } from "./cdn-fields";
import { changeServing, purgeJson, resourceById, resourceJson } from "./cdn-json";
import { conflict, timestamp, validationError } from "./http";
import { paginate, parsePage } from "./pagination";
import type { PurgeTargets } from "../dialect";
import { parseRequestUrl, type Route, type RouteContext } from "./router";

const MAX_PURGE_ENTRIES = 100;
const KEPT_PURGES = 100;
const MAX_SIGNED_SECONDS = 31_536_000;
const DEFAULT_SIGNED_SECONDS = 3600;

/**
 * A URL given to purge or sign: absolute http(s), or (for purges) a bare path. The reference says
 * only `urls` (array); a `purge-*` dialect accepts one of the two forms, refusing the other.
 */
function parseViewerUrl(
  raw: unknown,
  path: string,
  allowBarePath: boolean,
  purgeTargets: PurgeTargets = "both",
): { host?: string; pathname: string } {
  if (typeof raw !== "string") throw validationError(path, "must be a string");
  if (allowBarePath && raw.startsWith("/")) {
    if (purgeTargets === "absolute")
      throw validationError(path, "must be an absolute http(s):// URL of the resource's domain, not a bare path");
    return { pathname: parseRequestUrl(raw).pathname };
  }
  if (allowBarePath && purgeTargets === "paths") throw validationError(path, "must be a path starting with /, not a URL");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError(path, allowBarePath ? "must be a path starting with / or an http(s):// URL" : "must be an http(s):// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw validationError(path, "must be an http(s):// URL");
  return { host: canonicalRequestHost(url.host), pathname: url.pathname };
}

function assertHostOf(resource: CdnResource, host: string, path: string): void {
  if (!isHostOf(resource, host)) {
    throw validationError(path, `host ${host} is not served by resource ${resource.id} (its distribution domain or a custom domain name)`);
  }
}

function entries(body: Record<string, unknown>, name: "urls" | "patterns"): string[] {
  const fields = new Fields(body);
  const list = fields.array(name, MAX_PURGE_ENTRIES) ?? [];
  if (list.length === 0) fields.fail(name, `is required (1-${MAX_PURGE_ENTRIES} entries)`);
  return list.map((value, index) =>
    typeof value === "string" && value.length > 0 && value.length <= 2048
      ? value
      : fields.fail(`${name}[${index}]`, "must be a string of 1-2048 characters"),
  );
}

function recordPurge(state: EmulatorState, resource: CdnResource, purge: Omit<CdnPurge, "id" | "createdAt">) {
  const stored: CdnPurge = { ...purge, id: state.newId("prg"), createdAt: state.now() };
  resource.purges.unshift(stored);
  resource.purges.length = Math.min(resource.purges.length, KEPT_PURGES);
  return { status: 201, body: purgeJson(stored, resource.id) };
}

function purgeRoutes(state: EmulatorState, cache: EdgeCache): Route[] {
  return [
    {
      method: "POST",
      template: "/cdn/resource/{id}/purge/all",
      handler: (ctx) => {
        const resource = resourceById(state, ctx.params.id);
        return recordPurge(state, resource, { type: "all", urls: null, patterns: null, evicted: cache.evict(resource.id) });
      },
    },
    {
      method: "POST",
      template: "/cdn/resource/{id}/purge/url",
      handler: async (ctx) => {
        const body = await ctx.body();
        const resource = resourceById(state, ctx.params.id);
        const urls = entries(body, "urls");
        const targets = urls.map((raw, index) => {
          const target = parseViewerUrl(raw, `urls[${index}]`, true, state.dialect.purgeTargets);
          if (target.host !== undefined) assertHostOf(resource, target.host, `urls[${index}]`);
          return target;
        });
        // Compared as the cache keys paths (edge/cache.ts): any spelling of a URL purges it.
        const origin = resource.originGroup.type;
        const paths = targets.map((target) => ({ ...target, pathname: cachePath(target.pathname, origin) }));
        const evicted = cache.evict(resource.id, (host, path) =>
          paths.some((target) => target.pathname === path && (target.host === undefined || target.host === host)),
        );
        return recordPurge(state, resource, { type: "url", urls, patterns: null, evicted });
      },
    },
    {
      method: "POST",
      template: "/cdn/resource/{id}/purge/pattern",
      handler: async (ctx) => {
        const body = await ctx.body();
        const resource = resourceById(state, ctx.params.id);
        const patterns = entries(body, "patterns");
        patterns.forEach((pattern, index) => {
          if (!pattern.startsWith("/"))
            throw validationError(`patterns[${index}]`, "must be a path starting with / (* matches any run of characters)");
        });
        const matchers = patterns.map((pattern) => globMatcher(cachePath(pattern, resource.originGroup.type)));
        const evicted = cache.evict(resource.id, (_host, path) => matchers.some((matches) => matches(path)));
        return recordPurge(state, resource, { type: "pattern", urls: null, patterns, evicted });
      },
    },
    {
      method: "GET",
      template: "/cdn/resource/{id}/purge/history",
      handler: (ctx) => {
        const resource = resourceById(state, ctx.params.id);
        return { status: 200, body: paginate(resource.purges, parsePage(ctx.query), (purge) => purgeJson(purge, resource.id)) };
      },
    },
  ];
}

function tokenAuthRoutes(state: EmulatorState): Route[] {
  const enable = (ctx: RouteContext) => {
    const resource = resourceById(state, ctx.params.resource_id);
    const changed = changeServing(state, resource, () => {
      resource.tokenAuthKey ??= randomBytes(32);
    });
    return { status: 200, body: resourceJson(state, resource, changed) };
  };
  return [
    // The reference documents enable without the `/cdn` prefix; both spellings are served.
    { method: "POST", template: "/resource/{resource_id}/token-auth/enable", handler: enable },
    { method: "POST", template: "/cdn/resource/{resource_id}/token-auth/enable", handler: enable },
    {
      method: "POST",
      template: "/cdn/resource/{resource_id}/token-auth/disable",
      handler: (ctx) => {
        const resource = resourceById(state, ctx.params.resource_id);
        const changed = changeServing(state, resource, () => {
          resource.tokenAuthKey = null;
        });
        return { status: 200, body: resourceJson(state, resource, changed) };
      },
    },
    {
      method: "POST",
      template: "/cdn/resource/{resource_id}/signed-url",
      handler: async (ctx) => {
        const fields = new Fields(await ctx.body());
        const resource = resourceById(state, ctx.params.resource_id);
        const raw = fields.requiredString("url");
        const target = parseViewerUrl(raw, "url", false);
        assertHostOf(resource, target.host!, "url");
        const seconds = fields.integer("expires_in", 1, MAX_SIGNED_SECONDS) ?? DEFAULT_SIGNED_SECONDS;
        if (resource.tokenAuthKey === null) {
          throw conflict(
            `token auth is not enabled on resource ${resource.id}; enable it with POST /resource/${resource.id}/token-auth/enable`,
          );
        }
        const expires = Math.floor(state.now().getTime() / 1000) + seconds;
        const url = new URL(raw);
        url.searchParams.set("expires", String(expires));
        url.searchParams.set("token", signPath(resource.tokenAuthKey, url.pathname, expires));
        return { status: 200, body: { signed_url: url.toString(), expires_at: timestamp(new Date(expires * 1000)) } };
      },
    },
  ];
}

export function cdnCacheRoutes(state: EmulatorState, cache: EdgeCache): Route[] {
  return [...purgeRoutes(state, cache), ...tokenAuthRoutes(state)];
}
