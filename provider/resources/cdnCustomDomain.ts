// CdnCustomDomain: one entry of a CDN resource's `custom_domains`. The API keeps the list on the
// resource and `PUT /cdn/resource/{id}` replaces it whole, so attaching or detaching a domain is a
// read-modify-write of the list: two at once would each write back a list without the other's
// domain. Every change to a resource's list (and to an entry, which a concurrent list write would
// revert) therefore runs under a lock keyed by the resource id, so twenty domains declared on one
// resource all land. Waits (activation, deployment) run outside the lock.
//
// The id `<resourceId>/<customDomainId>` is all `read` needs. A create whose outcome stayed unknown
// leaves a `pending:` id instead, which the handlers give to `findPending`, never to the parse.
// About 400 lines: the list changes under the lock and their waits are one story, kept in one file.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { joinChildId, parentIdSchema, splitChildId } from "../childId";
import { isConflict, isNotFound, UnexpectedResponseError, UnreadableAnswerError, type ApiError, type ApiClient } from "../client";
import { dialectOf } from "../mamutecloud/dialect";
import { conflictAdvice, interruptedAdvice } from "../mamutecloud/conflict";
import { withLock } from "../lock";
import { madeWithin } from "../pending";
import { cleared, defineResource, present, ResourceInitError, type PropertyMap } from "../resource";
import { durationMs, durationSchema, waitUntil, WaitTimeoutError } from "../wait";
import { unlessGone } from "../gone";
import { canonicalZoneDomain } from "./dns";
import {
  cdnResourcePath,
  cdnResourceResponse,
  customDomainResponse,
  DISTRIBUTION_SUFFIX,
  distributionHost,
  getCdnResource,
  type ApiCdnResource,
  type ApiCustomDomain,
} from "../cdnApi";

const DEFAULT_ACTIVATION_TIMEOUT = "30m";
const MAX_ADDITIONAL = 10;

/** A host name, or a wildcard `*.example.com`; lower case, no trailing dot. */
const hostSchema = z.string().transform((raw, ctx) => {
  const trimmed = raw.trim().toLowerCase().replace(/\.$/, "");
  const wildcard = trimmed.startsWith("*.");
  const result = canonicalZoneDomain(wildcard ? trimmed.slice(2) : trimmed);
  if ("error" in result) {
    ctx.addIssue({
      code: "custom",
      message: `"${raw}" is not a domain name (a wildcard "*." may only be the first label): ${result.error}`,
    });
    return z.NEVER;
  }
  const host = wildcard ? `*.${result.domain}` : result.domain;
  if (host === DISTRIBUTION_SUFFIX || host.endsWith(`.${DISTRIBUTION_SUFFIX}`)) {
    ctx.addIssue({ code: "custom", message: `"${raw}" is under ${DISTRIBUTION_SUFFIX}: set a CdnResource's distributionDomain for those` });
    return z.NEVER;
  }
  return host;
});

const additionalSchema = z
  .array(hostSchema)
  .max(MAX_ADDITIONAL, `at most ${MAX_ADDITIONAL} additional domains`)
  // The API answers them sorted; duplicates are one name.
  .transform((hosts) => [...new Set(hosts)].sort());

const resourceIdSchema = parentIdSchema("a CDN resource id (a CdnResource's `id` output, e.g. cdn_5f2c9d1e8a7b4c3d)");

export function parseCustomDomainId(id: string): { resourceId: string; customDomainId: string } {
  const [resourceId, customDomainId] = splitChildId(
    id,
    "CdnCustomDomain",
    "<resourceId>/<customDomainId>",
    "cdn_5f2c9d1e8a7b4c3d/cd_9f8e7d6c5b4a3921",
  );
  return { resourceId, customDomainId };
}

/** Whether a status word says the domain is served (`active`, or another ready word of the dialect). */
function isActive(client: ApiClient, status: string | undefined): boolean {
  return dialectOf(client).statusKind(status) === "ready";
}

function outputsOf(client: ApiClient, domain: ApiCustomDomain, resource: Pick<ApiCdnResource, "distribution_domain">): PropertyMap {
  return {
    ...cleared({ certificateId: domain.certificate_id }),
    ...present({
      domainName: domain.domain_name.toLowerCase().replace(/\.$/, ""),
      additionalDomains: domain.additional_domains && [...domain.additional_domains].sort(),
      certificateId: domain.certificate_id ?? undefined,
      active: domain.status === undefined ? undefined : isActive(client, domain.status),
      customDomainId: domain.id,
      status: domain.status,
      cnameTarget: distributionHost(resource.distribution_domain),
      createdAt: domain.created_at,
    }),
  };
}

/** The entry as the list PUT takes it back: everything the API lets a client set and showed, unchanged. */
function entryOf(domain: ApiCustomDomain): Record<string, unknown> {
  return present({
    id: domain.id,
    domain_name: domain.domain_name,
    additional_domains: domain.additional_domains,
    certificate_id: domain.certificate_id,
  });
}

/** The resource's custom domains: the list this kind lives in, so the answer must show it. */
function domainsOf(resource: ApiCdnResource): ApiCustomDomain[] {
  if (!resource.custom_domains) {
    throw new UnexpectedResponseError(
      `read the custom domains of CDN resource ${resource.id}`,
      "custom_domains: missing or unreadable, and a custom domain is an entry of that list",
      "MamuteCloud",
    );
  }
  return resource.custom_domains;
}

async function mustGetResource(client: ApiClient, resourceId: string, action: string): Promise<ApiCdnResource> {
  const resource = await getCdnResource(client, resourceId);
  if (!resource) {
    throw new Error(`cannot ${action}: CDN resource ${resourceId} does not exist. resourceId takes a CdnResource's \`id\` output.`);
  }
  return resource;
}

/** Writes the whole list; answers the resource as the answer shows it, or as read again. */
async function putDomainList(client: ApiClient, resourceId: string, entries: unknown[], operation: string, retry: "safe" | "create") {
  const answer = await client.call({
    operation,
    method: "PUT",
    path: cdnResourcePath(resourceId),
    body: { custom_domains: entries },
    response: z.unknown(),
    retry,
  });
  const parsed = cdnResourceResponse.safeParse(answer);
  return parsed.success && parsed.data.custom_domains ? parsed.data : undefined;
}

const domainPath = (resourceId: string, customDomainId: string) =>
  `${cdnResourcePath(resourceId)}/custom-domain/${encodeURIComponent(customDomainId)}`;

async function setActive(client: ApiClient, resourceId: string, customDomainId: string, active: boolean): Promise<void> {
  const action = active ? "activate" : "deactivate";
  await client.call({
    operation: `${action} custom domain ${customDomainId} of CDN resource ${resourceId}`,
    method: "POST",
    path: `${domainPath(resourceId, customDomainId)}/${action}`,
    // Nothing in the answer is needed: the wait that follows reads the state.
    response: z.unknown(),
    // Setting a state twice is the same as once.
    retry: "safe",
  });
}

/**
 * Waits until the domain has the wanted state and the resource has deployed it (only then does the
 * edge serve it everywhere). Returns the domain and resource as then read.
 */
async function waitServing(
  client: ApiClient,
  resourceId: string,
  customDomainId: string,
  domainName: string,
  active: boolean,
  timeoutMs: number,
): Promise<{ domain: ApiCustomDomain; resource: ApiCdnResource }> {
  const wanted = active ? "active" : "inactive";
  return waitUntil({
    what: `custom domain ${domainName} (${customDomainId}) on CDN resource ${resourceId} to be ${wanted} and deployed`,
    poll: async () => {
      const resource = await mustGetResource(client, resourceId, `wait for custom domain ${domainName}`);
      const domain = domainsOf(resource).find((d) => d.id === customDomainId);
      if (!domain)
        throw new Error(`custom domain ${domainName} (${customDomainId}) was removed from CDN resource ${resourceId} while waiting for it`);
      return { domain, resource };
    },
    status: ({ domain, resource }) => `domain ${domain.status ?? "(status not shown)"}, resource ${resource.status}`,
    // A domain whose status the API does not show is judged by its resource's deployment alone.
    done: ({ domain, resource }) =>
      (domain.status === undefined || (active ? isActive(client, domain.status) : !isActive(client, domain.status))) &&
      dialectOf(client).statusKind(resource.status) === "ready",
    failed: ({ domain, resource }) => {
      const failedWord = [domain.status, resource.status].find((word) => dialectOf(client).statusKind(word) === "failed");
      return failedWord === undefined
        ? undefined
        : `the API reports "${failedWord}". Check the domain's DNS (its CNAME must point at the resource's distribution domain) ` +
            "and certificate in the dashboard, fix them, and run `pulumi up` again: the custom domain is kept and settled again";
    },
    timeoutMs,
  });
}

/** Brings the domain to the wanted `active` state and waits for it to be served that way. */
async function settle(
  client: ApiClient,
  resourceId: string,
  domain: ApiCustomDomain,
  inputs: { active: boolean; activationTimeout: string },
) {
  const active = inputs.active !== false;
  // Unsaid, the wanted state is set: setting it twice is the same as once.
  if (domain.status === undefined || active !== isActive(client, domain.status)) {
    await setActive(client, resourceId, domain.id, active);
  }
  return waitServing(
    client,
    resourceId,
    domain.id,
    domain.domain_name,
    active,
    durationMs(inputs.activationTimeout, DEFAULT_ACTIVATION_TIMEOUT),
  );
}

function nameInUse(domainName: string, cause: ApiError | undefined, found: ApiCustomDomain | undefined, resourceId: string): Error {
  if (!found) {
    // The API's message names the custom domain that holds the name, wherever it is.
    return new CreateConflictError(
      `custom domain "${domainName}" cannot be attached to CDN resource ${resourceId}: ${cause?.message ?? "conflict"}. ` +
        `${conflictAdvice("custom domain")} Otherwise choose another name.`,
    );
  }
  const interrupted = interruptedAdvice({
    kind: "CdnCustomDomain",
    id: joinChildId(resourceId, found.id),
    createdAt: found.created_at,
    // The API has no delete of its own for one: it is an entry of the resource's list.
    removal: `detach it (in the dashboard, or with \`PUT /cdn/resource/${resourceId}\` whose \`custom_domains\` lists only the others)`,
  });
  return new CreateConflictError(
    `custom domain "${domainName}" is already in use on CDN resource ${resourceId} as ${found.id}; a name is served by one ` +
      `custom domain only. ${interrupted} ${conflictAdvice("custom domain")} Otherwise choose another name.`,
  );
}

type Attached = { domain: ApiCustomDomain; resource: ApiCdnResource };

/** The entries of a resource's list that hold a domain name: at most one (the API keeps names unique). */
async function attachedAs(client: ApiClient, resourceId: string, domainName: string): Promise<Attached[]> {
  const resource = await getCdnResource(client, resourceId);
  // Checked here: the entry holding this very name, however the API spells it.
  const domain = resource && domainsOf(resource).find((d) => d.domain_name.toLowerCase().replace(/\.$/, "") === domainName);
  return resource && domain ? [{ domain, resource }] : [];
}

export const cdnCustomDomain = defineResource({
  kind: "CdnCustomDomain",
  description:
    "A custom domain (with optional additional domains and certificate) attached to a CdnResource. Point the domain's CNAME " +
    "at `cnameTarget`. `active` activates it; each change waits until the resource has deployed it.",
  inputs: {
    resourceId: {
      description:
        "Id of the CDN resource (a CdnResource's `id`). Changing it moves the domain: detached first, then attached to the new one.",
      outputDescription: "The id of the CDN resource the domain is attached to.",
      schema: resourceIdSchema,
      required: true,
      replaceOnChange: true,
    },
    domainName: {
      description:
        "The domain, e.g. `www.example.com`, or a wildcard `*.example.com` (lower-cased, a trailing dot dropped). Changes in place.",
      outputDescription: "The domain served (`www.example.com` or `*.example.com`).",
      schema: hostSchema,
      required: true,
    },
    additionalDomains: {
      description: `Up to ${MAX_ADDITIONAL} more names served the same way, e.g. the apex \`example.com\`. Changes in place.`,
      outputDescription: "The other names served the same way, sorted.",
      schema: additionalSchema,
      typedAsSet: true,
    },
    certificateId: {
      description:
        "Id of an issued certificate covering every name (a Certificate's or ImportedCertificate's `id`), for HTTPS. Changes in " +
        "place: a certificate can be replaced while the domain serves.",
      outputDescription: "The certificate used for HTTPS; undefined when the domain is served over HTTP only.",
      schema: z.string().min(1),
    },
    active: {
      description: "Whether the edge serves the domain (default true). Changes in place (activate/deactivate), waiting until deployed.",
      outputDescription: "Whether the edge serves the domain.",
      schema: z.boolean(),
      default: true,
    },
    activationTimeout: {
      description: `How long a change waits for the domain's state and the resource's deployment, e.g. \`${DEFAULT_ACTIVATION_TIMEOUT}\` (the default).`,
      outputDescription: 'How long a change waits for the domain\'s state and the deployment, e.g. `"30m"`.',
      schema: durationSchema,
      default: DEFAULT_ACTIVATION_TIMEOUT,
    },
  },
  outputs: {
    customDomainId: { description: "The API's id of the custom domain on its resource.", schema: z.string() },
    status: { description: "`pending`, `active` or `inactive`, as last reported.", schema: z.string() },
    cnameTarget: { description: "Where the domain's CNAME record must point: the resource's distribution domain.", schema: z.string() },
    createdAt: { description: "When the custom domain was attached (ISO 8601).", schema: z.string() },
  },

  refine(inputs) {
    // The API's default, so that a refresh shows no diff.
    inputs.additionalDomains ??= [];
  },

  same: {
    // A domain whose state was not seen to settle is updated (waited for) by the next up.
    activationTimeout: (old, next, olds) => old === next && olds.__settled !== false,
  },

  // A domain name is served by one custom domain only: the new one cannot exist beside the old one.
  deleteBeforeReplace: () => true,

  async create(ctx, inputs) {
    const client = ctx.client();
    const { resourceId, domainName } = inputs;
    const entry = {
      domain_name: domainName,
      additional_domains: inputs.additionalDomains ?? [],
      certificate_id: inputs.certificateId ?? null,
    };

    const { domain, resource } = await withLock(resourceId, () =>
      createAdopting<Attached>({
        client,
        key: { resourceId, domainName },
        what: `custom domain ${domainName} on CDN resource ${resourceId}`,
        idOf: (found) => found.domain.id,
        create: async () => {
          const current = await mustGetResource(client, resourceId, `attach custom domain ${domainName}`);
          // Already there before this attempt: someone else's (a lost answer of ours is found by the lookup instead).
          const existing = domainsOf(current).find((d) => d.domain_name.toLowerCase().replace(/\.$/, "") === domainName);
          if (existing) throw nameInUse(domainName, undefined, existing, resourceId);
          const operation = `attach custom domain ${domainName} to CDN resource ${resourceId}`;
          const updated = await putDomainList(
            client,
            resourceId,
            [...domainsOf(current).map(entryOf), entry],
            operation,
            // Not blindly repeatable: an entry without id is a new domain. Unknown outcomes go through the adopt rule.
            "create",
          );
          const made = updated?.custom_domains?.find((d) => d.domain_name.toLowerCase().replace(/\.$/, "") === domainName);
          // Made (2xx) but not shown: found by its name, as a lost answer is.
          if (!updated || !made) throw new UnreadableAnswerError(operation, 200, "custom_domains does not list it", undefined);
          return { domain: made, resource: updated };
        },
        lookup: () => attachedAs(client, resourceId, domainName),
        createdAt: (found) => found.domain.created_at,
        conflict: (found, cause) => nameInUse(domainName, cause, found?.domain, resourceId),
      }),
    );

    const id = joinChildId(resourceId, domain.id);
    try {
      const settled = await settle(client, resourceId, domain, inputs);
      return { id, outs: { ...outputsOf(client, settled.domain, settled.resource), __settled: true } };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const now = await getCdnResource(client, resourceId).catch(() => undefined);
      const latest = now?.custom_domains?.find((d) => d.id === domain.id) ?? domain;
      const message =
        err instanceof WaitTimeoutError
          ? `custom domain ${domainName} was attached to CDN resource ${resourceId} but ${detail}. It is kept in the stack; the next \`pulumi up\` waits again`
          : `custom domain ${domainName} was attached to CDN resource ${resourceId} but could not be ${inputs.active === false ? "settled" : "activated"}: ${detail}. It is kept in the stack; the next \`pulumi up\` tries again`;
      throw new ResourceInitError(message, id, { ...outputsOf(client, latest, now ?? resource), __settled: false });
    }
  },

  // Under the resource's lock, as every change to its list: a list write of this process that is
  // under way cannot be half-seen.
  async findPending(ctx, trace) {
    const { resourceId, domainName } = trace.key;
    const [found] = await withLock(resourceId, () => attachedAs(ctx.client(), resourceId, domainName));
    if (!found || !madeWithin(trace, found.domain.created_at)) return undefined;
    return { id: joinChildId(resourceId, found.domain.id), outs: { resourceId, ...outputsOf(ctx.client(), found.domain, found.resource) } };
  },

  async read(ctx, id) {
    const { resourceId, customDomainId } = parseCustomDomainId(id);
    const resource = await getCdnResource(ctx.client(), resourceId);
    const domain = resource && domainsOf(resource).find((d) => d.id === customDomainId);
    return resource && domain && { resourceId, ...outputsOf(ctx.client(), domain, resource) };
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    const { resourceId, customDomainId } = parseCustomDomainId(id);
    const { domainName } = news;
    const changes: Record<string, unknown> = {};
    if (olds.domainName !== news.domainName) changes.domain_name = news.domainName;
    if (JSON.stringify(olds.additionalDomains ?? []) !== JSON.stringify(news.additionalDomains ?? [])) {
      changes.additional_domains = news.additionalDomains ?? [];
    }
    if ((olds.certificateId ?? null) !== (news.certificateId ?? null)) changes.certificate_id = news.certificateId ?? null;

    const gone = () =>
      new Error(
        `custom domain ${domainName} (${customDomainId}) is no longer on CDN resource ${resourceId}: run \`pulumi refresh\` to drop it ` +
          "from the stack; the next `pulumi up` attaches it again.",
      );
    let domain: ApiCustomDomain | undefined;
    if (Object.keys(changes).length) {
      domain = await withLock(resourceId, async () => {
        const answer = await client.call({
          operation: `update custom domain ${domainName} (${customDomainId}) of CDN resource ${resourceId} (${Object.keys(changes).join(", ")})`,
          method: "PUT",
          path: domainPath(resourceId, customDomainId),
          body: changes,
          response: z.unknown(),
        });
        const parsed = customDomainResponse.safeParse(answer);
        if (parsed.success) return parsed.data;
        // The answer need not be the domain: read it from its resource.
        const resource = await mustGetResource(client, resourceId, `update custom domain ${domainName}`);
        return domainsOf(resource).find((d) => d.id === customDomainId);
      }).catch((err: unknown) => {
        if (isNotFound(err)) throw gone();
        if (isConflict(err) && changes.domain_name !== undefined) {
          throw new CreateConflictError(
            `cannot rename custom domain ${olds.domainName} (${customDomainId}) to "${domainName}": the name is already a custom ` +
              `domain (${err.message}). ${conflictAdvice("custom domain")} Otherwise choose another name.`,
          );
        }
        throw err;
      });
    } else {
      const resource = await mustGetResource(client, resourceId, `update custom domain ${domainName}`);
      domain = domainsOf(resource).find((d) => d.id === customDomainId);
    }
    if (!domain) throw gone();
    try {
      const settled = await settle(client, resourceId, domain, news);
      return { ...outputsOf(client, settled.domain, settled.resource), __settled: true };
    } catch (err) {
      if (err instanceof WaitTimeoutError) err.message += ". The change was made; the next `pulumi up` waits again";
      throw err;
    }
  },

  async delete(ctx, id) {
    const client = ctx.client();
    const { resourceId, customDomainId } = parseCustomDomainId(id);
    await withLock(resourceId, async () => {
      const current = await getCdnResource(client, resourceId);
      const domain = current && domainsOf(current).find((d) => d.id === customDomainId);
      if (!current || !domain) return; // already detached, or its resource deleted (which detaches it)
      await unlessGone(() =>
        putDomainList(
          client,
          resourceId,
          domainsOf(current)
            .filter((d) => d.id !== customDomainId)
            .map(entryOf),
          `detach custom domain ${domain.domain_name} (${customDomainId}) from CDN resource ${resourceId}`,
          // The whole list is sent: repeating it gives the same list.
          "safe",
        ),
      );
    });
  },
});
