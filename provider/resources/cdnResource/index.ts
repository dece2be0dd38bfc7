// CdnResource: `/cdn/resource` and its origin group (`/cdn/origin-group/{id}`). Everything updates
// in place except the origin's kind (a storage origin cannot become a custom one). The API refuses
// `distribution_domain` and `behaviors` on create, so a create is POST, then one PUT for those,
// then token auth, then a wait until `deployed`. Whatever fails after the POST keeps the resource
// in state (ResourceInitError) and the next `up` finishes the job from what the API then reports.
//
// An update sends only what this resource owns and what changed: never `custom_domains`, which
// belong to CdnCustomDomain resources and live on the same API object.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../../adopt";
import { deleteIt, interruptedAdvice } from "../../conflict";
import { statusKindOf } from "../../client/dialect";
import { autoname } from "../../naming";
import { adoptByUniqueKey } from "../../lookup";
import type { MamuteClient } from "../../client";
import { isUnknown, ResourceInitError, type CheckFailure, type PropertyMap, type ResourceDefinition } from "../../resource";
import { durationSchema, WaitTimeoutError } from "../../wait";
import { unlessGone } from "../../gone";
import {
  cdnResourcePath,
  cdnResourceResponse,
  DISTRIBUTION_SUFFIX,
  distributionHost,
  getCdnResource,
  DEFAULT_DEPLOY_TIMEOUT,
  type ApiCdnResource,
} from "../../cdnApi";
import { generatedNameReason, isGeneratedDistributionName } from "../distributionName";

import {
  type DefaultBehavior,
  type ErrorResponse,
  type StorageOrigin,
  behaviorsSchema,
  customOriginSchema,
  defaultBehaviorSchema,
  distributionDomainSchema,
  errorResponsesSchema,
  nameSchema,
  storageOriginSchema,
} from "./inputs";
import { errorResponsesBody, markText, originGroupBody, outputsOf, same } from "./mapping";
import { converge, ensureDistributionAvailable, findByName, nameTaken } from "./calls";

function originKind(props: PropertyMap): "storage" | "custom" | undefined {
  if (props.storageOrigin !== undefined && props.storageOrigin !== null) return "storage";
  if (props.customOrigin !== undefined && props.customOrigin !== null) return "custom";
  return undefined;
}

/**
 * The outputs with `siteUrl` where a browser on this machine opens the site: against the emulator
 * (an endpoint on loopback that says where its edge is), `http://<distribution domain>.localhost:<edge
 * port>` (browsers resolve every `*.localhost` to this machine; the emulator serves each name
 * there, and over HTTPS on its HTTPS port with its CA trusted); elsewhere as the API's domain.
 */
async function locally(client: MamuteClient, outs: PropertyMap): Promise<PropertyMap> {
  if (typeof outs.distributionDomain !== "string") return outs;
  const edge = (await client.emulatorEndpoints?.())?.edgeUrl;
  if (!edge) return outs;
  const { port } = new URL(edge);
  return { ...outs, siteUrl: `http://${outs.distributionDomain}.localhost${port ? `:${port}` : ""}` };
}

export const cdnResource: ResourceDefinition = {
  kind: "CdnResource",
  argsRequired: true,
  description:
    "A MamuteCloud CDN resource serving a bucket (`storageOrigin`) or an HTTP(S) server (`customOrigin`) at its distribution " +
    "domain and at its custom domains (see CdnCustomDomain). Each create and update waits until the API reports it `deployed`.",
  inputs: {
    name: {
      description:
        "Name, unique among your CDN resources: 1-64 letters, digits, spaces, `.`, `_`, `-`. Changes in place. Omitted: " +
        "`<resource name>-<7 characters derived from the resource's URN>`, kept across runs; a replacement derives a new one.",
      outputDescription: "The resource's name, chosen or generated; unique among your CDN resources.",
      schema: nameSchema,
      computed: true,
    },
    description: {
      description:
        "Free text, at most 500 characters. Omitted or empty: the API holds a mark made from the resource's URN instead " +
        "(`Made by pulumi-mamutecloud for one Pulumi resource (mark …)`), by which an interrupted create is adopted by the next " +
        '`pulumi up`; the output shows `""`.',
      outputDescription: 'The description, `""` when none was given.',
      schema: z.string().max(500),
      default: "",
    },
    storageOrigin: {
      description:
        "Serve a bucket. Exactly one of `storageOrigin` and `customOrigin`; changing from one kind to the other replaces the resource.",
      outputDescription: "The bucket served, with defaults filled in; undefined for a custom origin.",
      schema: storageOriginSchema,
    },
    customOrigin: {
      description: "Proxy to an HTTP(S) server. Exactly one of `storageOrigin` and `customOrigin`.",
      outputDescription: "The HTTP(S) server proxied, with defaults filled in; undefined for a bucket origin.",
      schema: customOriginSchema,
    },
    distributionDomain: {
      description:
        `A friendlier distribution domain: \`my-site\` or \`my-site.${DISTRIBUTION_SUFFIX}\`. Checked for availability before it is ` +
        `set. Omitted: the generated \`r-<id>.${DISTRIBUTION_SUFFIX}\` (removing it later keeps the domain in force).`,
      outputDescription: "The full distribution domain, e.g. `my-site.mamutecdn.com`: the CNAME target of custom domains.",
      schema: distributionDomainSchema,
      computed: true,
    },
    defaultBehavior: {
      description: "Cache, protocol and subdomain-routing rules for paths no other behavior matches.",
      outputDescription: "Caching and protocol rules for paths no behavior matches, with defaults filled in.",
      schema: defaultBehaviorSchema,
      typedAsSet: true,
    },
    behaviors: {
      description: "More behaviors, by path pattern and priority (1-100).",
      outputDescription: "The path-specific rules, with defaults filled in.",
      schema: behaviorsSchema,
      typedAsSet: true,
    },
    customErrorResponses: {
      description: "Pages served instead of origin errors, by error code (at most 20).",
      outputDescription: "The pages served in place of origin errors, with defaults filled in.",
      schema: errorResponsesSchema,
      typedAsSet: true,
    },
    tokenAuth: {
      description: "Require signed URLs (`expires` and `token`) for every request. Default false.",
      outputDescription: "Whether every request must carry a signed URL.",
      schema: z.boolean(),
      default: false,
    },
    originPathSwitched: {
      description:
        "True when a SiteReleases switches `storageOrigin.originPath` between releases: this resource then leaves the origin " +
        "path as it finds it (no update, no diff after a refresh). Default false.",
      outputDescription: "True when a SiteReleases switches the storage origin's path.",
      schema: z.boolean(),
      default: false,
    },
    deployTimeout: {
      description:
        `How long a create or update waits for the deployment, e.g. \`30m\` (the default), \`1h\`. On timeout the resource stays ` +
        "in the stack and the next `pulumi up` waits again.",
      outputDescription: 'How long a create or update waits for `deployed`, e.g. `"30m"`.',
      schema: durationSchema,
      default: DEFAULT_DEPLOY_TIMEOUT,
    },
  },
  outputs: {
    siteUrl: {
      description:
        "`https://<distributionDomain>`; against the emulator, where a browser on its machine opens it: " +
        "`http://<distributionDomain>.localhost:<edge port>` (HTTPS on the edge's HTTPS port with the emulator's CA trusted).",
      schema: z.string(),
    },
    originGroupId: { description: "Id of the resource's origin group.", schema: z.string() },
    status: { description: "`in_progress` or `deployed`, as last reported.", schema: z.string() },
    createdAt: { description: "When the resource was created (ISO 8601).", schema: z.string() },
  },

  internalInputs: ["__autoname", "__nameFromUrn", "__mark"],

  refine(inputs, olds, failures: CheckFailure[], naming) {
    const kind = originKind(inputs);
    const originInvalid = failures.some((f) => f.property === "storageOrigin" || f.property === "customOrigin");
    if (inputs.storageOrigin !== undefined && inputs.customOrigin !== undefined) {
      failures.push({ property: "customOrigin", reason: "give either storageOrigin or customOrigin, not both" });
    } else if (kind === undefined && !originInvalid) {
      failures.push({ property: "storageOrigin", reason: "is required: give storageOrigin (a bucket) or customOrigin (a server)" });
    }
    if (inputs.originPathSwitched === true) {
      const origin = inputs.storageOrigin as Partial<StorageOrigin> | undefined;
      if (kind === "custom")
        failures.push({ property: "originPathSwitched", reason: "needs a storage origin: SiteReleases switches bucket prefixes" });
      else if (origin && !isUnknown(origin) && origin.originPath !== undefined && origin.originPath !== "") {
        failures.push({
          property: "storageOrigin",
          reason: "originPath must be left out with originPathSwitched: the SiteReleases sets it",
        });
      }
    }
    // Defaults of the nested objects are the API's, so a refresh shows no diff.
    if (inputs.defaultBehavior === undefined) inputs.defaultBehavior = defaultBehaviorSchema.parse({});
    inputs.behaviors ??= [];
    inputs.customErrorResponses ??= [];
    const routes = (b: unknown) => !isUnknown(b) && (b as DefaultBehavior).subdomainRouting === true;
    const routing = routes(inputs.defaultBehavior)
      ? "defaultBehavior"
      : Array.isArray(inputs.behaviors) && inputs.behaviors.some(routes)
        ? "behaviors"
        : undefined;
    if (routing && kind === "custom") {
      failures.push({
        property: routing,
        reason: "subdomainRouting needs a storage origin: the edge rewrites bucket paths, which a custom origin does not have",
      });
    }
    const chosen = inputs.distributionDomain;
    // Kept when the previous inputs chose the same name already: then it is this resource's own.
    if (typeof chosen === "string" && isGeneratedDistributionName(chosen) && olds.distributionDomain !== chosen) {
      failures.push({ property: "distributionDomain", reason: generatedNameReason(chosen) });
    }
    const mark = inputs.description === "" ? naming?.mark() : undefined;
    if (mark) inputs.__mark = mark;
    else delete inputs.__mark;
    if (inputs.name !== undefined) {
      inputs.__autoname = false;
      return;
    }
    const kept = olds.__autoname === true && typeof olds.name === "string" ? olds.name : undefined;
    const replacing = kept !== undefined && (cdnResource.replaces?.(olds, inputs) ?? []).length > 0;
    autoname(inputs, olds, naming, kept, replacing);
  },

  same: {
    storageOrigin: (old, next, _olds, news) =>
      news.originPathSwitched === true && old && next && typeof old === "object" && typeof next === "object"
        ? same({ ...old, originPath: "" }, { ...next, originPath: "" })
        : same(old, next),
    // Omitted means "whatever the API gave": no change to make.
    distributionDomain: (old, next) => next === undefined || next === null || old === next,
    // A resource whose deployment was not seen to finish is updated (waited for) by the next up.
    // Pure (diff has no client): the default dialect's words decide.
    deployTimeout: (old, next, olds) => old === next && (olds.status === undefined || statusKindOf(String(olds.status)) === "ready"),
  },

  replaces(olds, news) {
    const before = originKind(olds);
    const after = originKind(news);
    if (before === undefined || after === undefined || before === after) return [];
    return ["storageOrigin", "customOrigin"];
  },

  // The name and a chosen distribution domain are unique: the new resource cannot exist beside the old one.
  deleteBeforeReplace: (olds, news) =>
    isUnknown(news.name) ||
    olds.name === news.name ||
    (news.distributionDomain !== undefined && (isUnknown(news.distributionDomain) || news.distributionDomain === olds.distributionDomain)),

  async create(ctx, inputs) {
    const client = ctx.client();
    const name = String(inputs.name);
    // Found by its name, an object is this resource's when that name was derived from the URN, or
    // when it carries the mark made from it (adopt.ts).
    const mark = typeof inputs.__mark === "string" ? markText(inputs.__mark) : undefined;
    const marked = (found: ApiCdnResource) => inputs.__nameFromUrn === true || (mark !== undefined && found.description === mark);
    // Before anything is made: a taken name fails here, with nothing to clean up. Unless an
    // earlier, interrupted attempt of this create took it: the POST below then adopts that one.
    if (inputs.distributionDomain !== undefined) {
      const domain = String(inputs.distributionDomain);
      try {
        await ensureDistributionAvailable(client, domain);
      } catch (err) {
        const earlier = err instanceof CreateConflictError ? await findByName(client, name).catch(() => undefined) : undefined;
        if (!earlier || !marked(earlier) || distributionHost(earlier.distribution_domain) !== domain) throw err;
      }
    }

    const created = await createAdopting({
      client,
      key: { name },
      what: `a CDN resource named "${name}"`,
      idOf: (found) => found.id,
      create: () =>
        client.call({
          operation: `create CDN resource "${name}"`,
          method: "POST",
          path: "/cdn/resource",
          body: {
            name,
            description: inputs.description === "" && mark !== undefined ? mark : inputs.description,
            origin_group: originGroupBody(inputs),
            custom_error_responses: errorResponsesBody((inputs.customErrorResponses ?? []) as ErrorResponse[]),
          },
          response: cdnResourceResponse,
        }),
      lookup: async () => {
        const found = await findByName(client, name);
        return found ? [found] : [];
      },
      createdAt: (found) => found.created_at,
      marked,
      conflict: (found) =>
        nameTaken(
          name,
          found,
          found &&
            `${interruptedAdvice({ kind: "CdnResource", id: found.id, createdAt: found.created_at, removal: deleteIt(client, cdnResourcePath(found.id)) })} `,
        ),
    });

    let latest = created;
    try {
      latest = await converge(client, created, inputs, inputs.distributionDomain as string | undefined, { justCreated: true });
    } catch (err) {
      // The resource exists: keep it in state with what the API last said, and let the next up finish.
      const detail = err instanceof Error ? err.message : String(err);
      const fresh = (await getCdnResource(client, created.id).catch(() => undefined)) ?? latest;
      const message =
        err instanceof WaitTimeoutError
          ? `CDN resource ${created.id} was created but ${detail}. It is kept in the stack; the next \`pulumi up\` waits again`
          : `CDN resource ${created.id} was created but could not be finished: ${detail}. It is kept in the stack; the next \`pulumi up\` finishes it`;
      throw new ResourceInitError(message, created.id, await locally(client, outputsOf(fresh)));
    }
    return { id: created.id, outs: await locally(client, outputsOf(latest)) };
  },

  // Refresh adopts it as the POST left it; the next up's update then converges the rest.
  async read(ctx, id) {
    const found = await getCdnResource(ctx.client(), id);
    return found && locally(ctx.client(), outputsOf(found));
  },

  ...adoptByUniqueKey({
    kind: "CdnResource",
    key: "name",
    keyArg: { description: "The CDN resource's name.", schema: nameSchema },
    lookupDescription: "An existing CDN resource, by id or by name.",
    find: findByName,
    outputsOf,
  }),

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    // From what the API says now, not from state: an earlier run may have stopped half-way.
    const current = await getCdnResource(client, id);
    if (!current) {
      throw new Error(
        `CDN resource ${id} no longer exists: run \`pulumi refresh\` to drop it from the stack; the next \`pulumi up\` creates a new one.`,
      );
    }
    try {
      return await locally(client, outputsOf(await converge(client, current, news, undefined, { state: olds })));
    } catch (err) {
      if (err instanceof WaitTimeoutError) {
        err.message += ". The change was made; the next `pulumi up` waits again";
      }
      throw err;
    }
  },

  async delete(ctx, id, state) {
    await unlessGone(() =>
      ctx.client().call({ operation: `delete CDN resource "${state.name}" (${id})`, method: "DELETE", path: cdnResourcePath(id) }),
    );
  },
};
