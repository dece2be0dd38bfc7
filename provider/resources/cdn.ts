// What CdnResource and CdnCustomDomain share: the API's CDN resource as it answers (its origin
// group, behaviors and custom domains in one object) and the one read of it. The answers are
// documented by the emulator's README (the API reference gives request bodies only).
import { z } from "zod";
import type { MamuteClient } from "../client";

export const DISTRIBUTION_SUFFIX = "mamutecdn.com";

export const cdnResourcePath = (id: string) => `/cdn/resource/${encodeURIComponent(id)}`;

export const originGroupResponse = z.object({
  id: z.string(),
  type: z.string(),
  bucket_id: z.string().nullable(),
  origin_path: z.string(),
  default_root_object: z.string().nullable(),
  hostname: z.string().nullable(),
  protocol_policy: z.string().nullable(),
  http_port: z.number().int().nullable(),
  https_port: z.number().int().nullable(),
  origin_ssl_protocols: z.array(z.string()).nullable(),
  custom_headers: z.array(z.object({ name: z.string(), value: z.string() })).nullable(),
  connection_attempts: z.number().int().nullable(),
  connection_timeout_seconds: z.number().int().nullable(),
  response_timeout_seconds: z.number().int().nullable(),
  keepalive_timeout_seconds: z.number().int().nullable(),
});
export type ApiOriginGroup = z.infer<typeof originGroupResponse>;

export const behaviorResponse = z.object({
  priority: z.number().int(),
  path_pattern: z.string(),
  cache_ttl_seconds: z.number().int(),
  viewer_protocol_policy: z.string(),
  subdomain_routing: z.boolean(),
});

export const customDomainResponse = z.object({
  id: z.string(),
  domain_name: z.string(),
  additional_domains: z.array(z.string()),
  certificate_id: z.string().nullable(),
  status: z.string(),
  created_at: z.string(),
});
export type ApiCustomDomain = z.infer<typeof customDomainResponse>;

export const cdnResourceResponse = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  distribution_domain: z.string(),
  status: z.string(),
  origin_group_id: z.string(),
  origin_groups: z.array(originGroupResponse).min(1),
  behaviors: z.array(behaviorResponse),
  custom_error_responses: z.array(
    z.object({ error_code: z.number().int(), response_code: z.number().int(), response_page_path: z.string(), cache_ttl_seconds: z.number().int() }),
  ),
  custom_domains: z.array(customDomainResponse),
  token_auth: z.object({ enabled: z.boolean() }),
  created_at: z.string(),
});
export type ApiCdnResource = z.infer<typeof cdnResourceResponse>;

export const distributionNameAnswer = z.object({ available: z.boolean(), reason: z.string().optional() });

/** The resource, or undefined when it does not exist. */
export function getCdnResource(client: MamuteClient, id: string): Promise<ApiCdnResource | undefined> {
  return client.find({ operation: `read CDN resource ${id}`, method: "GET", path: cdnResourcePath(id), response: cdnResourceResponse });
}
