// The CDN objects as the API answers them, and the deploy status every answer reports.
import type { CdnCustomDomain, CdnOriginGroup, CdnPurge, CdnResource, CdnStatus, EmulatorState } from "../state";
import { notFound, timestamp } from "./http";

export function resourceById(state: EmulatorState, id: string): CdnResource {
  const resource = state.cdnResources.get(id);
  if (!resource) throw notFound(`CDN resource ${id} not found`);
  return resource;
}

/**
 * `deployed` once the deploy delay in force has passed since the last change that affected serving.
 * Under the `status-failures` dialect the deploy ends `failed` (a bucket origin) or `error` (a
 * custom origin) instead, so a client's wait can be shown to stop at a failure word.
 */
export function deployStatus(state: EmulatorState, resource: CdnResource): CdnStatus {
  const deployedAt = resource.servingChangedAt.getTime() + state.settings.cdnDeployDelayMs;
  if (state.now().getTime() < deployedAt) return "in_progress";
  if (state.dialect.failingStatuses) return resource.originGroup.type === "storage" ? "failed" : "error";
  return "deployed";
}

/** What the edge serves, without timestamps: a change to it is a change that needs deploying. */
export function servingSnapshot(resource: CdnResource): string {
  const { createdAt: _c, updatedAt: _u, ...group } = resource.originGroup;
  return JSON.stringify([
    resource.distributionDomain,
    group,
    resource.behaviors,
    resource.customErrorResponses,
    resource.customDomains.map(({ createdAt: _a, updatedAt: _b, ...domain }) => domain),
    resource.tokenAuthKey !== null,
  ]);
}

/**
 * Runs `change` on the resource; when it changed what the edge serves, the resource goes back to
 * `in_progress`. Returns whether it did, so the answer to the change can say `in_progress`.
 */
export function changeServing(state: EmulatorState, resource: CdnResource, change: () => void): boolean {
  const before = servingSnapshot(resource);
  const described = [resource.name, resource.description];
  change();
  const serving = servingSnapshot(resource) !== before;
  if (serving || described[0] !== resource.name || described[1] !== resource.description) resource.updatedAt = state.now();
  if (serving) resource.servingChangedAt = resource.updatedAt;
  return serving;
}

export function originGroupJson(group: CdnOriginGroup, resourceId: string) {
  const storage = group.type === "storage" ? group : undefined;
  const custom = group.type === "custom" ? group : undefined;
  return {
    id: group.id,
    resource_id: resourceId,
    name: group.name,
    type: group.type,
    bucket_id: storage?.bucketId ?? null,
    origin_path: group.originPath,
    default_root_object: storage?.defaultRootObject ?? null,
    hostname: custom?.hostname ?? null,
    protocol_policy: custom?.protocolPolicy ?? null,
    http_port: custom?.httpPort ?? null,
    https_port: custom?.httpsPort ?? null,
    origin_ssl_protocols: custom ? [...custom.originSslProtocols] : null,
    custom_headers: custom ? custom.customHeaders.map((header) => ({ ...header })) : null,
    connection_attempts: custom?.connectionAttempts ?? null,
    connection_timeout_seconds: custom?.connectionTimeoutSeconds ?? null,
    response_timeout_seconds: custom?.responseTimeoutSeconds ?? null,
    keepalive_timeout_seconds: custom?.keepaliveTimeoutSeconds ?? null,
    created_at: timestamp(group.createdAt),
    updated_at: timestamp(group.updatedAt),
  };
}

export function customDomainJson(domain: CdnCustomDomain) {
  return {
    id: domain.id,
    domain_name: domain.domainName,
    additional_domains: [...domain.additionalDomains],
    certificate_id: domain.certificateId,
    status: domain.status,
    created_at: timestamp(domain.createdAt),
    updated_at: timestamp(domain.updatedAt),
  };
}

/** `justChanged`: the answer to a change that affected serving, which always says `in_progress`. */
export function resourceJson(state: EmulatorState, resource: CdnResource, justChanged = false) {
  return {
    id: resource.id,
    name: resource.name,
    description: resource.description,
    distribution_domain: resource.distributionDomain,
    status: justChanged ? "in_progress" : deployStatus(state, resource),
    origin_group_id: resource.originGroup.id,
    origin_groups: [originGroupJson(resource.originGroup, resource.id)],
    behaviors: resource.behaviors.map((behavior) => ({
      priority: behavior.priority,
      path_pattern: behavior.pathPattern,
      cache_ttl_seconds: behavior.cacheTtlSeconds,
      viewer_protocol_policy: behavior.viewerProtocolPolicy,
      subdomain_routing: behavior.subdomainRouting,
    })),
    custom_error_responses: resource.customErrorResponses.map((response) => ({
      error_code: response.errorCode,
      response_code: response.responseCode,
      response_page_path: response.responsePagePath,
      cache_ttl_seconds: response.cacheTtlSeconds,
    })),
    custom_domains: resource.customDomains.map(customDomainJson),
    token_auth: { enabled: resource.tokenAuthKey !== null },
    created_at: timestamp(resource.createdAt),
    updated_at: timestamp(resource.updatedAt),
  };
}

export function purgeJson(purge: CdnPurge, resourceId: string) {
  return {
    id: purge.id,
    resource_id: resourceId,
    type: purge.type,
    urls: purge.urls && [...purge.urls],
    patterns: purge.patterns && [...purge.patterns],
    status: "completed",
    evicted: purge.evicted,
    created_at: timestamp(purge.createdAt),
    completed_at: timestamp(purge.createdAt),
  };
}
