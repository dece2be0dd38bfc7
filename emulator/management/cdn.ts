// CDN resources and their origin group: create (what POST refuses is set by PUT, as documented),
// read, update, delete, and the distribution name check. Every change that affects serving puts the
// resource back to `in_progress` (see cdn-json.ts).
import type { CdnResource, EmulatorState } from "../state";
import type { EdgeCache } from "../edge/cache";
import {
  DISTRIBUTION_SUFFIX,
  Fields,
  applyBehaviorActions,
  customErrorResponses,
  defaultBehavior,
  description,
  distributionLabel,
  isGeneratedDistributionLabel,
  readOriginGroup,
  resourceName,
} from "./cdn-fields";
import { changeServing, originGroupJson, resourceById, resourceJson } from "./cdn-json";
import { customDomainRoutes, replaceCustomDomains, type CertificateLookup } from "./cdn-domains";
import { cdnCacheRoutes } from "./cdn-purge";
import { compare } from "./buckets";
import { conflict, notFound, validationError, type JsonObject } from "./http";
import { queryString } from "./fields";
import { paginate, parsePage } from "./pagination";
import type { Route } from "./router";

export interface CdnOptions {
  certificates: CertificateLookup;
  /** Purges and deletes evict from it. */
  edgeCache: EdgeCache;
}

/** `cdn_5f2c…` is served first at `r-5f2c….mamutecdn.com`. */
function generatedLabel(resource: CdnResource): string {
  return `r-${resource.id.slice(resource.id.indexOf("_") + 1)}`;
}

function assertNameFree(state: EmulatorState, name: string, exceptId?: string): void {
  for (const resource of state.cdnResources.values()) {
    if (resource.name === name && resource.id !== exceptId)
      throw conflict(`name: a CDN resource named ${name} exists (${resource.id})`, "name");
  }
}

type Availability = { available: true } | { available: false; reason: "taken" | "reserved" };

function distributionAvailability(state: EmulatorState, label: string, forResource?: CdnResource): Availability {
  if (isGeneratedDistributionLabel(label) && (!forResource || generatedLabel(forResource) !== label)) {
    return { available: false, reason: "reserved" };
  }
  const domain = `${label}.${DISTRIBUTION_SUFFIX}`;
  for (const resource of state.cdnResources.values()) {
    if (resource.distributionDomain === domain && resource !== forResource) return { available: false, reason: "taken" };
  }
  return { available: true };
}

const REFUSED_ON_CREATE = ["distribution_domain", "behaviors", "origin_groups", "custom_domains"] as const;

function createResource(state: EmulatorState, body: JsonObject): CdnResource {
  const fields = new Fields(body);
  for (const name of REFUSED_ON_CREATE) {
    fields.refuse(name, `is not accepted on POST /cdn/resource; set it with PUT /cdn/resource/{id} once the resource exists`);
  }
  const name = resourceName(fields, "name") ?? fields.fail("name", "is required");
  const text = description(fields) ?? "";
  if (!fields.has("origin_group"))
    fields.fail("origin_group", "is required (an object with type storage and bucket_id, or type custom and hostname)");
  const now = state.now();
  const originGroup = readOriginGroup(Fields.of(body.origin_group, "origin_group"), {
    id: state.newId("og"),
    now,
    defaultName: `${name}-origin`.slice(0, 64),
    bucketExists: (bucketId) => state.buckets.has(bucketId),
  });
  const errorResponses = fields.has("custom_error_responses")
    ? customErrorResponses(body.custom_error_responses, "custom_error_responses")
    : [];
  assertNameFree(state, name);
  const id = state.newId("cdn");
  const resource: CdnResource = {
    id,
    name,
    description: text,
    distributionDomain: "",
    originGroup,
    behaviors: [defaultBehavior()],
    customErrorResponses: errorResponses,
    customDomains: [],
    tokenAuthKey: null,
    purges: [],
    servingChangedAt: now,
    createdAt: now,
    updatedAt: now,
  };
  resource.distributionDomain = `${generatedLabel(resource)}.${DISTRIBUTION_SUFFIX}`;
  state.cdnResources.set(id, resource);
  return resource;
}

/** `PUT /cdn/resource/{id}`: every field is read and checked before anything changes. */
async function updateResource(state: EmulatorState, options: CdnOptions, resource: CdnResource, body: JsonObject): Promise<boolean> {
  const fields = new Fields(body);
  const name = resourceName(fields, "name");
  if (name !== undefined) assertNameFree(state, name, resource.id);
  const text = description(fields);
  let distributionDomain: string | undefined;
  const rawDistribution = fields.string("distribution_domain");
  if (rawDistribution !== undefined) {
    const label = distributionLabel(rawDistribution, "distribution_domain", state.dialect.distributionLabelOnly);
    const availability = distributionAvailability(state, label, resource);
    if (!availability.available && availability.reason === "reserved") {
      throw validationError("distribution_domain", `${label} is reserved (r- followed by 16 hex is a generated name)`);
    }
    if (!availability.available)
      throw conflict(`distribution_domain: ${label}.${DISTRIBUTION_SUFFIX} is taken by another resource`, "distribution_domain");
    distributionDomain = `${label}.${DISTRIBUTION_SUFFIX}`;
  }
  let originGroup = resource.originGroup;
  const groups = fields.array("origin_groups", 1);
  if (groups !== undefined) {
    if (groups.length !== 1) fields.fail("origin_groups", "must have exactly one entry (a resource has one origin group)");
    originGroup = updatedOriginGroup(state, resource, Fields.of(groups[0], "origin_groups[0]"));
  }
  const behaviorActions = fields.array("behaviors", 100);
  const behaviors =
    behaviorActions === undefined ? resource.behaviors : applyBehaviorActions(resource.behaviors, behaviorActions, originGroup.type);
  const errorResponses = fields.has("custom_error_responses")
    ? customErrorResponses(body.custom_error_responses, "custom_error_responses")
    : resource.customErrorResponses;
  const domainsBefore = resource.customDomains;
  const customDomains = fields.has("custom_domains")
    ? await replaceCustomDomains(state, options.certificates, resource, body.custom_domains)
    : domainsBefore;
  // Settling a certificate awaited: a concurrent change to the list makes these checks stale.
  if (state.cdnResources.get(resource.id) !== resource) throw notFound(`CDN resource ${resource.id} not found`);
  if (resource.customDomains !== domainsBefore)
    throw conflict(`custom_domains: resource ${resource.id} changed during this request; retry it`, "custom_domains");

  return changeServing(state, resource, () => {
    if (name !== undefined) resource.name = name;
    if (text !== undefined) resource.description = text;
    if (distributionDomain !== undefined) resource.distributionDomain = distributionDomain;
    resource.originGroup = originGroup;
    resource.behaviors = behaviors;
    resource.customErrorResponses = errorResponses;
    resource.customDomains = customDomains;
  });
}

function updatedOriginGroup(state: EmulatorState, resource: CdnResource, fields: Fields) {
  const id = fields.string("id");
  if (id !== undefined && id !== resource.originGroup.id)
    fields.fail("id", `must be the resource's origin group ${resource.originGroup.id}`);
  const group = readOriginGroup(fields, {
    id: resource.originGroup.id,
    now: state.now(),
    current: resource.originGroup,
    defaultName: resource.originGroup.name,
    bucketExists: (bucketId) => state.buckets.has(bucketId),
  });
  // An unchanged group keeps its updated_at.
  const { updatedAt: _a, ...before } = resource.originGroup;
  const { updatedAt: _b, ...after } = group;
  return JSON.stringify(before) === JSON.stringify(after) ? resource.originGroup : group;
}

function resourceOfOriginGroup(state: EmulatorState, originGroupId: string): CdnResource {
  for (const resource of state.cdnResources.values()) {
    if (resource.originGroup.id === originGroupId) return resource;
  }
  throw notFound(`origin group ${originGroupId} not found`);
}

export function cdnRoutes(state: EmulatorState, options: CdnOptions): Route[] {
  return [
    // Before `/cdn/resource/{id}`, which would otherwise take it as an id.
    {
      method: "GET",
      template: "/cdn/resource/check-distribution-name",
      handler: (ctx) => {
        const raw = queryString(ctx.query, "distribution_name");
        if (raw === undefined) throw validationError("distribution_name", "is required");
        const label = distributionLabel(raw, "distribution_name", state.dialect.distributionLabelOnly);
        const answer = { distribution_name: label, distribution_domain: `${label}.${DISTRIBUTION_SUFFIX}` };
        return { status: 200, body: { ...answer, ...distributionAvailability(state, label) } };
      },
    },
    {
      method: "POST",
      template: "/cdn/resource",
      handler: async (ctx) => ({ status: 201, body: resourceJson(state, createResource(state, await ctx.body()), true) }),
    },
    {
      method: "GET",
      template: "/cdn/resource",
      handler: (ctx) => {
        const resources = [...state.cdnResources.values()].sort(
          (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id),
        );
        return { status: 200, body: paginate(resources, parsePage(ctx.query), (resource) => resourceJson(state, resource)) };
      },
    },
    {
      method: "GET",
      template: "/cdn/resource/{id}",
      handler: (ctx) => ({ status: 200, body: resourceJson(state, resourceById(state, ctx.params.id)) }),
    },
    {
      method: "PUT",
      template: "/cdn/resource/{id}",
      handler: async (ctx) => {
        const body = await ctx.body();
        const resource = resourceById(state, ctx.params.id);
        const changed = await updateResource(state, options, resource, body);
        return { status: 200, body: resourceJson(state, resource, changed) };
      },
    },
    {
      method: "DELETE",
      template: "/cdn/resource/{id}",
      handler: (ctx) => {
        const resource = resourceById(state, ctx.params.id);
        state.cdnResources.delete(resource.id);
        options.edgeCache.evict(resource.id);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      template: "/cdn/origin-group/{id}",
      handler: (ctx) => {
        const resource = resourceOfOriginGroup(state, ctx.params.id);
        return { status: 200, body: originGroupJson(resource.originGroup, resource.id) };
      },
    },
    {
      method: "PUT",
      template: "/cdn/origin-group/{id}",
      handler: async (ctx) => {
        const body = await ctx.body();
        const resource = resourceOfOriginGroup(state, ctx.params.id);
        const group = updatedOriginGroup(state, resource, new Fields(body));
        changeServing(state, resource, () => {
          resource.originGroup = group;
        });
        return { status: 200, body: originGroupJson(group, resource.id) };
      },
    },
    ...customDomainRoutes(state, options.certificates),
    ...cdnCacheRoutes(state, options.edgeCache),
  ];
}
