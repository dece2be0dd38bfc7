// CdnResource's API answers as outputs, and its inputs as request bodies: pure, no calls.
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { present } from "../../resource";
import {
  behaviorResponse,
  distributionHost,
  distributionLabel,
  originGroupOf,
  type ApiCdnResource,
  type ApiOriginGroup,
} from "../../cdnApi";

import {
  type CdnInputs,
  type CdnState,
  type CustomOrigin,
  type DefaultBehavior,
  type ErrorResponse,
  type StorageOrigin,
  behaviorsSchema,
  customOriginSchema,
  defaultBehaviorSchema,
  errorResponsesSchema,
  storageOriginSchema,
} from "./inputs";

/**
 * The origin as inputs would canonically state it (through the same schema, so key order and
 * defaults agree); nothing when the answer does not show it well enough to say.
 */
export function originOutputs(group: ApiOriginGroup | undefined): { storageOrigin?: StorageOrigin; customOrigin?: CustomOrigin } {
  if (group?.type === "storage") {
    const parsed = storageOriginSchema.safeParse({
      bucketId: group.bucket_id ?? "",
      originPath: group.origin_path ?? undefined,
      defaultRootObject: group.default_root_object ?? undefined,
    });
    return parsed.success ? { storageOrigin: parsed.data } : {};
  }
  if (group?.type !== "custom") return {};
  const parsed = customOriginSchema.safeParse({
    hostname: group.hostname ?? "",
    originPath: group.origin_path ?? undefined,
    protocolPolicy: group.protocol_policy ?? undefined,
    httpPort: group.http_port ?? undefined,
    httpsPort: group.https_port ?? undefined,
    originSslProtocols: group.origin_ssl_protocols ?? undefined,
    customHeaders: group.custom_headers ?? undefined,
    connectionAttempts: group.connection_attempts ?? undefined,
    connectionTimeoutSeconds: group.connection_timeout_seconds ?? undefined,
    responseTimeoutSeconds: group.response_timeout_seconds ?? undefined,
    keepaliveTimeoutSeconds: group.keepalive_timeout_seconds ?? undefined,
  });
  return parsed.success ? { customOrigin: parsed.data } : {};
}

/**
 * A CDN resource created without a description carries this one instead: made from the URN
 * (naming.ts), it proves that the resource holding it was made by this very resource, whatever its
 * name, so a user-named resource whose create was interrupted (its deployment wait is inside the
 * create) is adopted by the next `up` too. The outputs show it as the empty description it stands for.
 */
export const OWNERSHIP_MARK = /^Made by pulumi-mamutecloud for one Pulumi resource \(mark [a-z0-9]{12}\)$/;
export const markText = (mark: string) => `Made by pulumi-mamutecloud for one Pulumi resource (mark ${mark})`;

/**
 * Outputs from what the API said; what it did not say is left out (a create keeps the inputs, a
 * read what state had), and converge sends the wanted value of anything it cannot compare.
 */
export function outputsOf(resource: ApiCdnResource): CdnState {
  const fields = (b: z.infer<typeof behaviorResponse>) => ({
    cacheTtlSeconds: b.cache_ttl_seconds,
    viewerProtocolPolicy: b.viewer_protocol_policy,
    subdomainRouting: b.subdomain_routing,
  });
  const byPriority = resource.behaviors && [...resource.behaviors].sort((a, b) => a.priority - b.priority);
  const main = byPriority?.find((b) => b.priority === 0);
  const behaviors =
    byPriority &&
    behaviorsSchema.safeParse(
      byPriority.filter((b) => b.priority !== 0).map((b) => ({ priority: b.priority, pathPattern: b.path_pattern, ...fields(b) })),
    );
  const errorResponses =
    resource.custom_error_responses &&
    errorResponsesSchema.safeParse(
      resource.custom_error_responses.map((e) => ({
        errorCode: e.error_code,
        responsePagePath: e.response_page_path,
        responseCode: e.response_code,
        cacheTtlSeconds: e.cache_ttl_seconds,
      })),
    );
  const description = resource.description ?? undefined;
  const distributionDomain = distributionHost(resource.distribution_domain);
  return present({
    name: resource.name,
    description: description === undefined ? undefined : OWNERSHIP_MARK.test(description) ? "" : description,
    ...originOutputs(originGroupOf(resource)),
    distributionDomain,
    defaultBehavior: byPriority && defaultBehaviorSchema.parse(main ? fields(main) : {}),
    behaviors: behaviors?.success ? behaviors.data : undefined,
    customErrorResponses: errorResponses?.success ? errorResponses.data : undefined,
    tokenAuth: resource.token_auth?.enabled,
    siteUrl: distributionDomain && `https://${distributionDomain}`,
    originGroupId: resource.origin_group_id ?? originGroupOf(resource)?.id,
    status: resource.status,
    createdAt: resource.created_at,
  });
}

export function originGroupBody(origin: { storageOrigin?: StorageOrigin; customOrigin?: CustomOrigin }): Record<string, unknown> {
  if (origin.storageOrigin) {
    const o = origin.storageOrigin;
    return { type: "storage", bucket_id: o.bucketId, origin_path: o.originPath, default_root_object: o.defaultRootObject };
  }
  // Check requires one of the two (refine): no storage origin is a custom one.
  const o = origin.customOrigin as CustomOrigin;
  return {
    type: "custom",
    hostname: o.hostname,
    origin_path: o.originPath,
    protocol_policy: o.protocolPolicy,
    http_port: o.httpPort,
    https_port: o.httpsPort,
    origin_ssl_protocols: o.originSslProtocols,
    custom_headers: o.customHeaders,
    connection_attempts: o.connectionAttempts,
    connection_timeout_seconds: o.connectionTimeoutSeconds,
    response_timeout_seconds: o.responseTimeoutSeconds,
    keepalive_timeout_seconds: o.keepaliveTimeoutSeconds,
  };
}

export function behaviorBody(b: DefaultBehavior): Record<string, unknown> {
  return { cache_ttl_seconds: b.cacheTtlSeconds, viewer_protocol_policy: b.viewerProtocolPolicy, subdomain_routing: b.subdomainRouting };
}

export function errorResponsesBody(list: ErrorResponse[]): unknown[] {
  return list.map((e) => ({
    error_code: e.errorCode,
    response_page_path: e.responsePagePath,
    response_code: e.responseCode,
    cache_ttl_seconds: e.cacheTtlSeconds,
  }));
}

/** Deep equality that ignores key order: values that crossed the engine's wire come back with sorted keys. */
export const same = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

/**
 * The `behaviors` actions that turn `current` into `wanted`, or undefined when they agree. When
 * the API did not show its behaviors, the default one is updated and each other wanted one created
 * (what a resource just created holds: POST takes no behaviors).
 */
export function behaviorActions(current: CdnState, wanted: CdnInputs): unknown[] | undefined {
  const actions: unknown[] = [];
  // Check fills in the default behavior (refine): unset, it is the API's default, as there.
  const wantedDefault = wanted.defaultBehavior ?? defaultBehaviorSchema.parse({});
  if (!same(current.defaultBehavior, wantedDefault)) {
    actions.push({ action: "update", priority: 0, ...behaviorBody(wantedDefault) });
  }
  const before = new Map((current.behaviors ?? []).map((b) => [b.priority, b]));
  const after = new Map((wanted.behaviors ?? []).map((b) => [b.priority, b]));
  for (const priority of before.keys()) if (!after.has(priority)) actions.push({ action: "delete", priority });
  for (const [priority, b] of after) {
    const old = before.get(priority);
    if (same(old, b)) continue;
    actions.push({ action: old ? "update" : "create", priority, path_pattern: b.pathPattern, ...behaviorBody(b) });
  }
  return actions.length ? actions : undefined;
}

/** A `PUT /cdn/resource/{id}` body: the fields a CdnResource owns (never `custom_domains`). */
export type ResourceChanges = {
  name?: string;
  description?: string;
  distribution_domain?: string;
  behaviors?: unknown[];
  custom_error_responses?: unknown[];
};

/** The `PUT /cdn/resource/{id}` body that turns `current` into `wanted`: only owned fields that differ. */
export function resourceChanges(current: CdnState, wanted: CdnInputs): ResourceChanges {
  const body: ResourceChanges = {};
  if (current.name !== wanted.name) body.name = wanted.name;
  if (current.description !== wanted.description) body.description = wanted.description;
  if (wanted.distributionDomain !== undefined && current.distributionDomain !== wanted.distributionDomain) {
    // As the documents' example sends it: the label (`my-site`), not the host name.
    body.distribution_domain = distributionLabel(wanted.distributionDomain);
  }
  const behaviors = behaviorActions(current, wanted);
  if (behaviors) body.behaviors = behaviors;
  if (!same(current.customErrorResponses, wanted.customErrorResponses)) {
    // Check fills them in (refine): unset, there are none, as there.
    body.custom_error_responses = errorResponsesBody(wanted.customErrorResponses ?? []);
  }
  return body;
}
