// CdnResource: `/cdn/resource` and its origin group (`/cdn/origin-group/{id}`). Everything updates
// in place except the origin's kind (a storage origin cannot become a custom one). The API refuses
// `distribution_domain` and `behaviors` on create, so a create is POST, then one PUT for those,
// then token auth, then a wait until `deployed`. Whatever fails after the POST keeps the resource
// in state (ResourceInitError) and the next `up` finishes the job from what the API then reports.
//
// An update sends only what this resource owns and what changed: never `custom_domains`, which
// belong to CdnCustomDomain resources and live on the same API object.
import { createAdopting, CreateConflictError } from "../../adopt";
import { deleteIt, interruptedAdvice } from "../../mamutecloud/conflict";
import { statusKindOf } from "../../client/dialect";
import { autoname } from "../../naming";
import { adoptByUniqueKey } from "../../lookup";
import type { ApiClient } from "../../client";
import { defineResource, isUnknown, ResourceInitError, type CheckFailure, type PropertyMap } from "../../resource";
import { WaitTimeoutError } from "../../wait";
import { unlessGone } from "../../gone";
import { cdnResourcePath, cdnResourceResponse, distributionHost, getCdnResource, type ApiCdnResource } from "../../cdnApi";
import { generatedNameReason, isGeneratedDistributionName } from "../distributionName";

import {
  type CdnState,
  type DefaultBehavior,
  type StorageOrigin,
  cdnResourceInputs,
  cdnResourceOutputs,
  defaultBehaviorSchema,
  nameSchema,
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
async function locally(client: ApiClient, outs: CdnState): Promise<CdnState> {
  if (outs.distributionDomain === undefined) return outs;
  const edge = (await client.emulatorEndpoints?.())?.edgeUrl;
  if (!edge) return outs;
  const { port } = new URL(edge);
  return { ...outs, siteUrl: `http://${outs.distributionDomain}.localhost${port ? `:${port}` : ""}` };
}

export const cdnResource = defineResource({
  kind: "CdnResource",
  argsRequired: true,
  description:
    "A MamuteCloud CDN resource serving a bucket (`storageOrigin`) or an HTTP(S) server (`customOrigin`) at its distribution " +
    "domain and at its custom domains (see CdnCustomDomain). Each create and update waits until the API reports it `deployed`.",
  inputs: cdnResourceInputs,
  outputs: cdnResourceOutputs,

  internalInputs: ["__autoname", "__nameFromUrn", "__mark"],

  // Property bags, as same, replaces and deleteBeforeReplace see them: values may be UNKNOWN at preview.
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
    const { name } = inputs;
    // Found by its name, an object is this resource's when that name was derived from the URN, or
    // when it carries the mark made from it (adopt.ts). `__mark` is refine's, outside the tables: untyped.
    const mark = typeof inputs.__mark === "string" ? markText(inputs.__mark) : undefined;
    const marked = (found: ApiCdnResource) => inputs.__nameFromUrn === true || (mark !== undefined && found.description === mark);
    // Before anything is made: a taken name fails here, with nothing to clean up. Unless an
    // earlier, interrupted attempt of this create took it: the POST below then adopts that one.
    if (inputs.distributionDomain !== undefined) {
      const domain = inputs.distributionDomain;
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
            custom_error_responses: errorResponsesBody(inputs.customErrorResponses ?? []),
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
      latest = await converge(client, created, inputs, inputs.distributionDomain, { justCreated: true });
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
});
