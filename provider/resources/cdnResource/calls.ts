// CdnResource's calls beyond the shared CDN API (cdnApi.ts): lookups by name, the distribution
// name check, the resource's PUT and token auth, and converge, which brings the API object to the
// inputs from whatever state a run left it in.
import { z } from "zod";
import { CreateConflictError } from "../../adopt";
import { isConflict, ApiError, type ApiClient } from "../../client";
import { dialectOf } from "../../mamutecloud/dialect";
import { conflictAdvice } from "../../mamutecloud/conflict";
import { durationMs } from "../../wait";
import {
  cdnResourcePath,
  cdnResourceResponse,
  DISTRIBUTION_SUFFIX,
  distributionNameAnswer,
  distributionHost,
  resourceAfter,
  waitDeployed,
  DEFAULT_DEPLOY_TIMEOUT,
  distributionLabel,
  putOriginGroup,
  type ApiCdnResource,
} from "../../cdnApi";

import { type CdnInputs, type CdnState } from "./inputs";
import { originGroupBody, outputsOf, resourceChanges, same, type ResourceChanges } from "./mapping";

/** `target[key] ??= source[key]` for each key. */
function fillIn<T, K extends keyof T>(target: T, source: T, keys: readonly K[]): void {
  for (const key of keys) target[key] ??= source[key];
}

export async function findByName(client: ApiClient, name: string): Promise<ApiCdnResource | undefined> {
  const all = await client.listAll({ operation: "list CDN resources", path: "/cdn/resource", item: cdnResourceResponse });
  // Checked here whatever the server did with the list: a lookup adopts only the resource of this name.
  return all.find((resource) => resource.name === name);
}

/** `interrupted`: the advice for a create (interruptedAdvice), not for a rename. */
export function nameTaken(name: string, found: ApiCdnResource | undefined, interrupted = ""): Error {
  return new CreateConflictError(
    `CDN resource name "${name}" is already taken${found ? ` by CDN resource ${found.id}${found.distribution_domain ? ` (${distributionHost(found.distribution_domain)})` : ""}` : ""}. ` +
      `${interrupted}${conflictAdvice("CDN resource")} Otherwise choose another name, or omit name to get a generated one.`,
  );
}

/** A chosen distribution domain that is not free: reserved, or held by a CDN resource (named when it is one of the caller's). */
export async function distributionTaken(client: ApiClient, domain: string, reason: string | undefined): Promise<Error> {
  const otherwise = `Otherwise choose another name for distributionDomain, or omit it to keep the generated r-<id>.${DISTRIBUTION_SUFFIX}.`;
  if (reason === "reserved") return new Error(`distributionDomain "${domain}" is reserved for generated names. ${otherwise}`);
  const all = await client.listAll({ operation: "list CDN resources", path: "/cdn/resource", item: cdnResourceResponse }).catch(() => []);
  const holder = all.find((resource) => distributionHost(resource.distribution_domain) === domain);
  return new CreateConflictError(
    `distributionDomain "${domain}" is already taken${holder ? ` by CDN resource ${holder.id} ("${holder.name}")` : " by a CDN resource"}. ` +
      `${holder ? `${conflictAdvice("CDN resource")} ` : ""}${otherwise}`,
  );
}

export async function ensureDistributionAvailable(client: ApiClient, domain: string): Promise<void> {
  const label = distributionLabel(domain);
  const answer = await client.call({
    operation: `check whether distribution name "${label}" is free`,
    method: "GET",
    path: "/cdn/resource/check-distribution-name",
    query: { distribution_name: label },
    response: distributionNameAnswer,
  });
  if (!answer.available) throw await distributionTaken(client, domain, answer.reason);
}

export async function putResource(client: ApiClient, id: string, body: ResourceChanges): Promise<ApiCdnResource> {
  try {
    const answer = await client.call({
      operation: `update CDN resource ${id} (${Object.keys(body).join(", ")})`,
      method: "PUT",
      path: cdnResourcePath(id),
      body,
      response: z.unknown(),
    });
    return await resourceAfter(client, id, answer);
  } catch (err) {
    // Which of the two unique values a 409 is about: the field the API blamed, else its message,
    // else the only one of them sent.
    const about = (field: string, word: RegExp) =>
      err instanceof ApiError &&
      (err.field === field ||
        (err.field === undefined &&
          (word.test(err.message) ||
            Object.keys(body)
              .filter((key) => key === "name" || key === "distribution_domain")
              .join() === field)));
    if (isConflict(err) && body.distribution_domain !== undefined && about("distribution_domain", /distribution/i)) {
      throw await distributionTaken(client, distributionHost(body.distribution_domain) ?? body.distribution_domain, "taken");
    }
    if (isConflict(err) && body.name !== undefined && about("name", /\bname\b/i)) {
      throw nameTaken(body.name, await findByName(client, body.name).catch(() => undefined));
    }
    throw err;
  }
}

export async function setTokenAuth(client: ApiClient, id: string, enabled: boolean): Promise<ApiCdnResource> {
  const answer = await client.call({
    operation: `${enabled ? "enable" : "disable"} token auth of CDN resource ${id}`,
    method: "POST",
    // The reference documents enable without the /cdn prefix, and disable with it.
    path: enabled ? `/resource/${encodeURIComponent(id)}/token-auth/enable` : `${cdnResourcePath(id)}/token-auth/disable`,
    response: z.unknown(),
    retry: "safe",
  });
  return resourceAfter(client, id, answer);
}

/**
 * Brings the API object from `current` to `wanted`, then waits for the deployment. `current` is
 * what the API reported last, so a run that stopped half-way resumes where it stopped.
 */
export async function converge(
  client: ApiClient,
  resource: ApiCdnResource,
  wanted: CdnInputs,
  /** A distribution domain found free just before (by create): not asked again. */
  checkedDomain?: string,
  /**
   * What stands for a field the answer does not show: for a resource just made from `wanted`, what
   * the POST sent (and the API's default for the rest); for an update, what state last knew.
   */
  known: { justCreated: true } | { state: CdnState } = { state: {} },
): Promise<ApiCdnResource> {
  const id = resource.id;
  const current = outputsOf(resource);
  const fallback: CdnState =
    "justCreated" in known
      ? {
          storageOrigin: wanted.storageOrigin,
          customOrigin: wanted.customOrigin,
          tokenAuth: false,
          description: wanted.description,
          customErrorResponses: wanted.customErrorResponses,
        }
      : known.state;
  if (current.storageOrigin === undefined && current.customOrigin === undefined) {
    Object.assign(current, { storageOrigin: fallback.storageOrigin, customOrigin: fallback.customOrigin });
  }
  fillIn(current, fallback, ["tokenAuth", "description", "customErrorResponses", "defaultBehavior", "behaviors", "distributionDomain"]);
  let latest = resource;
  if (wanted.originPathSwitched === true && wanted.storageOrigin && current.storageOrigin) {
    wanted = { ...wanted, storageOrigin: { ...wanted.storageOrigin, originPath: current.storageOrigin.originPath } };
  }
  // The origin group's own route answers the group, not the resource's status.
  let originChanged = false;
  const originKey = wanted.storageOrigin ? "storageOrigin" : "customOrigin";
  if (!same(current[originKey], wanted[originKey])) {
    await putOriginGroup(client, resource, originGroupBody(wanted), `update the origin of CDN resource ${id}`);
    originChanged = true;
  }
  const body = resourceChanges(current, wanted);
  // The body carries a distribution_domain only when one is wanted.
  if (body.distribution_domain !== undefined && wanted.distributionDomain !== undefined && wanted.distributionDomain !== checkedDomain) {
    await ensureDistributionAvailable(client, wanted.distributionDomain);
  }
  if (Object.keys(body).length) latest = await putResource(client, id, body);
  if (current.tokenAuth !== wanted.tokenAuth) latest = await setTokenAuth(client, id, wanted.tokenAuth === true);
  // A change that affects serving answers `in_progress`; one that does not (a new description) keeps the status.
  if (!originChanged && dialectOf(client).statusKind(latest.status) === "ready") return latest;
  return waitDeployed(client, id, latest.name ?? wanted.name, durationMs(wanted.deployTimeout, DEFAULT_DEPLOY_TIMEOUT));
}
