// The CDN API that CdnResource, CdnCustomDomain, SiteReleases and the sync layer call: the API's
// CDN resource as it answers (its origin group, behaviors and custom domains in one object), the
// one read of it, the wait until it is deployed, and the one change of its origin group. The
// answers are documented by the emulator's README (the API reference gives request bodies only).
import { z } from "zod";
import type { ApiClient } from "./client";
import { dialectOf } from "./mamutecloud/dialect";
import { waitUntil } from "./wait";

/** How long a change waits for `deployed` unless the resource says otherwise. */
export const DEFAULT_DEPLOY_TIMEOUT = "30m";

export const DISTRIBUTION_SUFFIX = "mamutecdn.com";

export const cdnResourcePath = (id: string) => `/cdn/resource/${encodeURIComponent(id)}`;

/**
 * Read by need. A field the provider only compares or copies is optional, and one whose value it
 * cannot read counts as unsaid (`.catch`): an update then sends the wanted value instead of
 * comparing, and outputs keep what they had. Required are the id and the status waited on.
 */
const unsaid = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);

export const originGroupResponse = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
  bucket_id: z.string().nullish(),
  origin_path: z.string().nullish(),
  default_root_object: z.string().nullish(),
  hostname: z.string().nullish(),
  protocol_policy: z.string().nullish(),
  http_port: z.number().int().nullish(),
  https_port: z.number().int().nullish(),
  origin_ssl_protocols: z.array(z.string()).nullish(),
  custom_headers: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
  connection_attempts: z.number().int().nullish(),
  connection_timeout_seconds: z.number().int().nullish(),
  response_timeout_seconds: z.number().int().nullish(),
  keepalive_timeout_seconds: z.number().int().nullish(),
});
export type ApiOriginGroup = z.infer<typeof originGroupResponse>;

export const behaviorResponse = z.object({
  priority: z.number().int(),
  path_pattern: z.string(),
  cache_ttl_seconds: z.number().int(),
  viewer_protocol_policy: z.string(),
  subdomain_routing: z.boolean(),
});

/** An entry of `custom_domains`: CdnCustomDomain finds its own by id and name; the rest it copies. */
export const customDomainResponse = z.object({
  id: z.string(),
  domain_name: z.string(),
  additional_domains: unsaid(z.array(z.string())),
  certificate_id: z.string().nullish(),
  status: z.string().optional(),
  created_at: z.string().optional(),
});
export type ApiCustomDomain = z.infer<typeof customDomainResponse>;

export const cdnResourceResponse = z.object({
  id: z.string(),
  status: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  distribution_domain: z.string().optional(),
  origin_group_id: z.string().optional(),
  origin_groups: unsaid(z.array(originGroupResponse).min(1)),
  behaviors: unsaid(z.array(behaviorResponse)),
  custom_error_responses: unsaid(
    z.array(
      z.object({
        error_code: z.number().int(),
        response_code: z.number().int(),
        response_page_path: z.string(),
        cache_ttl_seconds: z.number().int(),
      }),
    ),
  ),
  custom_domains: unsaid(z.array(customDomainResponse)),
  token_auth: unsaid(z.object({ enabled: z.boolean() })),
  created_at: z.string().optional(),
});
export type ApiCdnResource = z.infer<typeof cdnResourceResponse>;

/**
 * The full distribution host name, however the API spells it: the documents' one example sends
 * the label (`my-site`) and serves `my-site.mamutecdn.com`; an answer may hold either.
 */
export function distributionHost(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  const host = value.trim().toLowerCase().replace(/\.$/, "");
  return host.includes(".") ? host : `${host}.${DISTRIBUTION_SUFFIX}`;
}

/** The label of a distribution host name: `my-site.mamutecdn.com` → `my-site`. */
export function distributionLabel(host: string): string {
  return host.endsWith(`.${DISTRIBUTION_SUFFIX}`) ? host.slice(0, -DISTRIBUTION_SUFFIX.length - 1) : host;
}

export const distributionNameAnswer = z.object({ available: z.boolean(), reason: z.string().optional() });

/** The resource, or undefined when it does not exist. */
export function getCdnResource(client: ApiClient, id: string): Promise<ApiCdnResource | undefined> {
  return client.find({ operation: `read CDN resource ${id}`, method: "GET", path: cdnResourcePath(id), response: cdnResourceResponse });
}

/** The id of the resource's origin group (the route that changes the origin), when the answer shows it. */
export function originGroupIdOf(resource: ApiCdnResource): string | undefined {
  return resource.origin_group_id ?? resource.origin_groups?.[0]?.id;
}

/** The origin group the resource serves from, when the answer shows it. */
export function originGroupOf(resource: ApiCdnResource): ApiOriginGroup | undefined {
  const groups = resource.origin_groups;
  return groups?.find((group) => group.id !== undefined && group.id === resource.origin_group_id) ?? groups?.[0];
}

/**
 * The resource after a call that changed it: from the call's answer when it reads as one, else
 * read again (an answer need not carry the resource; the documents do not say).
 */
export async function resourceAfter(client: ApiClient, id: string, answer: unknown): Promise<ApiCdnResource> {
  const parsed = cdnResourceResponse.safeParse(answer);
  if (parsed.success && parsed.data.id === id) return parsed.data;
  const found = await getCdnResource(client, id);
  if (!found) throw new Error(`CDN resource ${id} was deleted while it was being changed`);
  return found;
}

/** Waits until the resource is deployed (a ready word); returns it as then read. A failure word ends the wait. */
export async function waitDeployed(client: ApiClient, id: string, name: string | undefined, timeoutMs: number): Promise<ApiCdnResource> {
  const label = name ? `CDN resource ${id} (${name})` : `CDN resource ${id}`;
  return waitUntil({
    what: `${label} to be deployed`,
    poll: async () => {
      const found = await getCdnResource(client, id);
      if (!found) throw new Error(`${label} was deleted while waiting for it to be deployed`);
      return found;
    },
    status: (resource) => resource.status,
    done: (resource) => dialectOf(client).statusKind(resource.status) === "ready",
    failed: (resource) =>
      dialectOf(client).statusKind(resource.status) === "failed"
        ? "the API reports that the deployment failed. Check the resource in the dashboard (its origin must be reachable), " +
          "fix its settings, and run `pulumi up` again: the resource is kept and updated"
        : undefined,
    timeoutMs,
  });
}

/**
 * Changes the resource's origin group (the one route that changes an origin): the whole origin, or
 * only its path. Throws, naming what is missing, when the answer `resource` came from does not show
 * the group's id.
 */
export async function putOriginGroup(
  client: ApiClient,
  resource: ApiCdnResource,
  body: Record<string, unknown>,
  action: string,
): Promise<void> {
  const groupId = originGroupIdOf(resource);
  if (groupId === undefined) {
    throw new Error(
      `cannot ${action}: the API's answer does not show its origin group's id (origin_group_id), which the route that ` +
        "changes an origin needs. Change the origin in the dashboard, or report this answer.",
    );
  }
  await client.call({
    operation: `${action} (origin group ${groupId})`,
    method: "PUT",
    path: `/cdn/origin-group/${encodeURIComponent(groupId)}`,
    body,
    response: z.unknown(), // nothing in it is needed
  });
}

/**
 * Points the CDN resource at another path of its bucket in one update of its origin group, then
 * waits until it is deployed (purging before would let edges still on the old path cache the old
 * files again).
 */
export async function switchOriginPath(client: ApiClient, resourceId: string, originPath: string, deployTimeoutMs: number): Promise<void> {
  const resource = await getCdnResource(client, resourceId);
  if (!resource) throw new Error(`CDN resource ${resourceId} does not exist: cdnResourceId takes a CdnResource's id`);
  // Unsaid, the path is set anyway: setting it twice is the same as once.
  if (originGroupOf(resource)?.origin_path !== originPath) {
    await putOriginGroup(client, resource, { origin_path: originPath }, `point CDN resource ${resourceId} at ${originPath}`);
  }
  await waitDeployed(client, resource.id, resource.name, deployTimeoutMs);
}
