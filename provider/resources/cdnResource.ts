// CdnResource: `/cdn/resource` and its origin group (`/cdn/origin-group/{id}`). Everything updates
// in place except the origin's kind (a storage origin cannot become a custom one). The API refuses
// `distribution_domain` and `behaviors` on create, so a create is POST, then one PUT for those,
// then token auth, then a wait until `deployed`. Whatever fails after the POST keeps the resource
// in state (ResourceInitError) and the next `up` finishes the job from what the API then reports.
//
// An update sends only what this resource owns and what changed: never `custom_domains`, which
// belong to CdnCustomDomain resources and live on the same API object.
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { dialectOf, isConflict, isNotFound, MamuteApiError, type MamuteClient } from "../client";
import { conflictAdvice, deleteIt, interruptedAdvice } from "../conflict";
import { statusKindOf } from "../client/dialect";
import { autoname } from "../naming";
import { idArg, idOrKey } from "../lookup";
import { madeWithin } from "../pending";
import { isUnknown, present, ResourceInitError, type CheckFailure, type PropertyMap, type ResourceDefinition } from "../resource";
import { durationMs, durationSchema, waitUntil, WaitTimeoutError } from "../wait";
import {
  behaviorResponse,
  cdnResourcePath,
  cdnResourceResponse,
  DISTRIBUTION_SUFFIX,
  distributionNameAnswer,
  distributionHost,
  getCdnResource,
  originGroupOf,
  resourceAfter,
  waitDeployed,
  type ApiCdnResource,
  type ApiOriginGroup,
} from "./cdn";
import { generatedNameReason, isGeneratedDistributionName } from "./distributionName";
import { canonicalZoneDomain } from "./dns";

export const DEFAULT_DEPLOY_TIMEOUT = "30m";
export { waitDeployed };

// ---- inputs -------------------------------------------------------------------------------------

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const nameSchema = z.string().refine((name) => NAME_RULE.test(name), {
  message:
    '1-64 characters of letters, digits, space, ".", "_" and "-", starting with a letter or digit; ' +
    "omit it to get a generated name",
});

const LABEL_RULE = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
/** `my-site` or `my-site.mamutecdn.com` → `my-site.mamutecdn.com`. */
const distributionDomainSchema = z.string().transform((raw, ctx) => {
  const lowered = raw.trim().toLowerCase().replace(/\.$/, "");
  const label = lowered.endsWith(`.${DISTRIBUTION_SUFFIX}`) ? lowered.slice(0, -DISTRIBUTION_SUFFIX.length - 1) : lowered;
  if (!LABEL_RULE.test(label)) {
    ctx.addIssue({
      code: "custom",
      message:
        `"${raw}" is not a distribution name: use a label of 3-63 characters of a-z, 0-9 and "-" (not starting or ending ` +
        `with "-"), like "my-site", or the full "my-site.${DISTRIBUTION_SUFFIX}"`,
    });
    return z.NEVER;
  }
  return `${label}.${DISTRIBUTION_SUFFIX}`;
});

const ORIGIN_PATH_RULE =
  'must be "" or a path of "/"-separated segments starting with "/" (e.g. "/site"), at most 255 characters, without "." or ".." segments, "?" or "#"';
const originPathSchema = z
  .string()
  .transform((path) => (path.length > 1 ? path.replace(/\/+$/, "") : path === "/" ? "" : path))
  .refine(
    (path) => path === "" || (path.startsWith("/") && path.length <= 255 && !/[?#]/.test(path) && path.split("/").slice(1).every((s) => s !== "" && s !== "." && s !== "..")),
    { message: ORIGIN_PATH_RULE },
  );

const int = (min: number, max: number, what: string) =>
  z.int({ error: `must be a whole number ${what} from ${min} to ${max}` }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** `http-only`, `HTTP_ONLY`, `httpOnly` → `http_only`. */
function enumSchema<T extends string>(values: readonly T[], hint: string) {
  return z.string().transform((raw, ctx): T => {
    const key = raw.replace(/([a-z])([A-Z])/g, "$1_$2").replace(/[-\s]/g, "_").toLowerCase();
    const match = values.find((value) => value === key);
    if (!match) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not ${hint}: use one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return match;
  });
}

const PROTOCOL_POLICIES = ["http_only", "https_only", "match_viewer"] as const;
const VIEWER_POLICIES = ["allow_all", "redirect_to_https", "https_only"] as const;
const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

const tlsVersionsSchema = z
  .array(z.string())
  .min(1, "must name at least one TLS version")
  .transform((raw, ctx) => {
    const picked = new Set<string>();
    for (const version of raw) {
      const match = TLS_VERSIONS.find((known) => known.toLowerCase() === version.trim().toLowerCase());
      if (!match) {
        ctx.addIssue({ code: "custom", message: `"${version}" is not a TLS version: use ${TLS_VERSIONS.join(", ")}` });
        return z.NEVER;
      }
      picked.add(match);
    }
    // The API answers them in this order, whatever order they were sent in.
    return TLS_VERSIONS.filter((version) => picked.has(version));
  });

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_HEADERS = ["host", "connection", "content-length", "transfer-encoding"];
const customHeader = z
  .object({
    name: z.string().refine((name) => HEADER_TOKEN.test(name), { message: "must be an HTTP header name (a token)" })
      .refine((name) => !FORBIDDEN_HEADERS.includes(name.toLowerCase()) && !name.toLowerCase().startsWith("x-forwarded-"), {
        message: `must not be ${FORBIDDEN_HEADERS.join(", ")} or X-Forwarded-*: the CDN sets those`,
      }),
    value: z.string().max(1024).refine((value) => /^[\x20-\x7e]*$/.test(value), { message: "must be printable ASCII" }),
  })
  .meta({ id: "CdnOriginHeader", description: "A header the CDN adds to every request to the origin." });

const customHeadersSchema = z
  .array(customHeader)
  .max(10, "at most 10 headers")
  .refine((headers) => new Set(headers.map((h) => h.name.toLowerCase())).size === headers.length, {
    message: "header names must be unique (ignoring case)",
  });

const storageOriginSchema = z
  .object({
    bucketId: z.string().min(1).describe("Id of the bucket served (a Bucket's `id`)."),
    originPath: originPathSchema.default("").describe("Bucket prefix served, e.g. `/site` serves the keys under `site/`. Default: the whole bucket."),
    defaultRootObject: z
      .string()
      .min(1)
      .max(255)
      .refine((key) => !key.startsWith("/"), { message: 'must be a key name without a leading "/"' })
      .default("index.html")
      .describe("Key served for `/` and for every path ending in `/`. Default `index.html`."),
  })
  .strict()
  .meta({ id: "CdnStorageOrigin", description: "A bucket served by the CDN." });

const customOriginSchema = z
  .object({
    hostname: z
      .string()
      .transform((raw, ctx) => {
        const host = raw.trim().toLowerCase().replace(/\.$/, "");
        if (host === "localhost" || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host;
        const result = canonicalZoneDomain(host);
        if ("error" in result) {
          ctx.addIssue({ code: "custom", message: `must be a host name or an IPv4 address: ${result.error}` });
          return z.NEVER;
        }
        return result.domain;
      })
      .describe("Host name or IPv4 address of the origin server."),
    originPath: originPathSchema.default("").describe("Path prefixed to every request sent to the origin, e.g. `/app`."),
    protocolPolicy: enumSchema(PROTOCOL_POLICIES, "a protocol policy")
      .default("match_viewer")
      .describe("How the CDN reaches the origin: `http_only`, `https_only` or `match_viewer` (the default)."),
    httpPort: int(1, 65535, "port").default(80).describe("Origin HTTP port; default 80."),
    httpsPort: int(1, 65535, "port").default(443).describe("Origin HTTPS port; default 443."),
    originSslProtocols: tlsVersionsSchema
      .default(["TLSv1.2"])
      .describe("TLS versions spoken to an HTTPS origin: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`; default `[\"TLSv1.2\"]`."),
    customHeaders: customHeadersSchema.default([]).describe("Up to 10 headers added to every request to the origin."),
    connectionAttempts: int(1, 3, "of attempts").default(3).describe("Connection attempts, 1-3; default 3."),
    connectionTimeoutSeconds: int(1, 10, "of seconds").default(10).describe("Seconds per connection attempt, 1-10; default 10."),
    responseTimeoutSeconds: int(1, 60, "of seconds").default(30).describe("Seconds to wait for the origin's answer, 1-60; default 30."),
    keepaliveTimeoutSeconds: int(1, 60, "of seconds").default(5).describe("Seconds an idle origin connection is kept, 1-60; default 5."),
  })
  .strict()
  .meta({ id: "CdnCustomOrigin", description: "An HTTP(S) server the CDN proxies to." });

const behaviorFields = {
  cacheTtlSeconds: int(0, 31_536_000, "of seconds").default(86_400).describe("Seconds an answer is cached, 0-31536000 (0 caches nothing); default 86400."),
  viewerProtocolPolicy: enumSchema(VIEWER_POLICIES, "a viewer protocol policy")
    .default("allow_all")
    .describe("`allow_all` (the default), `redirect_to_https` or `https_only`."),
  subdomainRouting: z
    .boolean()
    .default(false)
    .describe("Serve `<sub>.example.com/x` from the bucket's `<sub>/x` (storage origin, with a wildcard custom domain). Default false."),
};

const defaultBehaviorSchema = z
  .object(behaviorFields)
  .strict()
  .meta({ id: "CdnDefaultBehavior", description: "The behavior for every path no other behavior matches (priority 0, path `*`)." });

const PATH_PATTERN_RULE = 'must be 1-255 characters starting with "/", where "*" matches anything (e.g. "/assets/*")';
const behaviorSchema = z
  .object({
    priority: int(1, 100, "").describe("1-100, unique: the first matching behavior by ascending priority wins."),
    pathPattern: z
      .string()
      .refine((p) => p.startsWith("/") && p.length <= 255, { message: PATH_PATTERN_RULE })
      .describe("Paths this behavior applies to, starting with `/`; `*` matches any run of characters."),
    ...behaviorFields,
  })
  .strict()
  .meta({ id: "CdnBehavior", description: "Cache and protocol rules for the paths matching `pathPattern`." });

const behaviorsSchema = z
  .array(behaviorSchema)
  .max(100)
  .transform((list) => [...list].sort((a, b) => a.priority - b.priority))
  .refine((list) => new Set(list.map((b) => b.priority)).size === list.length, { message: "priorities must be unique" });

const errorResponseSchema = z
  .object({
    errorCode: int(400, 599, "HTTP status").describe("The origin's error status this replaces, 400-599."),
    responsePagePath: z
      .string()
      .refine((p) => p.startsWith("/"), { message: 'must be a path starting with "/", e.g. "/404.html"' })
      .describe("Page served instead, from the origin."),
    responseCode: int(100, 599, "HTTP status").optional().describe("Status answered with it; default: `errorCode`."),
    cacheTtlSeconds: int(0, 31_536_000, "of seconds").default(10).describe("Seconds the error page is cached; default 10."),
  })
  .strict()
  .transform((entry) => ({
    errorCode: entry.errorCode,
    responsePagePath: entry.responsePagePath,
    responseCode: entry.responseCode ?? entry.errorCode,
    cacheTtlSeconds: entry.cacheTtlSeconds,
  }))
  .meta({ id: "CdnCustomErrorResponse", description: "A page served instead of an origin error." });

const errorResponsesSchema = z
  .array(errorResponseSchema)
  .max(20, "at most 20 custom error responses")
  .transform((list) => [...list].sort((a, b) => a.errorCode - b.errorCode))
  .refine((list) => new Set(list.map((e) => e.errorCode)).size === list.length, { message: "error codes must be unique" });

type StorageOrigin = z.output<typeof storageOriginSchema>;
type CustomOrigin = z.output<typeof customOriginSchema>;
type DefaultBehavior = z.output<typeof defaultBehaviorSchema>;
type Behavior = z.output<typeof behaviorSchema>;
type ErrorResponse = z.output<typeof errorResponseSchema>;

// ---- API ↔ inputs -------------------------------------------------------------------------------

/**
 * The origin as inputs would canonically state it (through the same schema, so key order and
 * defaults agree); nothing when the answer does not show it well enough to say.
 */
function originOutputs(group: ApiOriginGroup | undefined): { storageOrigin?: StorageOrigin; customOrigin?: CustomOrigin } {
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
const OWNERSHIP_MARK = /^Made by pulumi-mamutecloud for one Pulumi resource \(mark [a-z0-9]{12}\)$/;
const markText = (mark: string) => `Made by pulumi-mamutecloud for one Pulumi resource (mark ${mark})`;

/**
 * Outputs from what the API said; what it did not say is left out (a create keeps the inputs, a
 * read what state had), and converge sends the wanted value of anything it cannot compare.
 */
function outputsOf(resource: ApiCdnResource): PropertyMap {
  const fields = (b: z.infer<typeof behaviorResponse>) => ({
    cacheTtlSeconds: b.cache_ttl_seconds,
    viewerProtocolPolicy: b.viewer_protocol_policy,
    subdomainRouting: b.subdomain_routing,
  });
  const byPriority = resource.behaviors && [...resource.behaviors].sort((a, b) => a.priority - b.priority);
  const main = byPriority?.find((b) => b.priority === 0);
  const behaviors =
    byPriority &&
    behaviorsSchema.safeParse(byPriority.filter((b) => b.priority !== 0).map((b) => ({ priority: b.priority, pathPattern: b.path_pattern, ...fields(b) })));
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

function originGroupBody(origin: { storageOrigin?: StorageOrigin; customOrigin?: CustomOrigin }): Record<string, unknown> {
  if (origin.storageOrigin) {
    const o = origin.storageOrigin;
    return { type: "storage", bucket_id: o.bucketId, origin_path: o.originPath, default_root_object: o.defaultRootObject };
  }
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

function behaviorBody(b: DefaultBehavior): Record<string, unknown> {
  return { cache_ttl_seconds: b.cacheTtlSeconds, viewer_protocol_policy: b.viewerProtocolPolicy, subdomain_routing: b.subdomainRouting };
}

function errorResponsesBody(list: ErrorResponse[]): unknown[] {
  return list.map((e) => ({
    error_code: e.errorCode,
    response_page_path: e.responsePagePath,
    response_code: e.responseCode,
    cache_ttl_seconds: e.cacheTtlSeconds,
  }));
}

/** Deep equality that ignores key order: values that crossed the engine's wire come back with sorted keys. */
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

/**
 * The `behaviors` actions that turn `current` into `wanted`, or undefined when they agree. When
 * the API did not show its behaviors, the default one is updated and each other wanted one created
 * (what a resource just created holds: POST takes no behaviors).
 */
function behaviorActions(current: PropertyMap, wanted: PropertyMap): unknown[] | undefined {
  const actions: unknown[] = [];
  if (!same(current.defaultBehavior, wanted.defaultBehavior)) {
    actions.push({ action: "update", priority: 0, ...behaviorBody(wanted.defaultBehavior as DefaultBehavior) });
  }
  const before = new Map(((current.behaviors ?? []) as Behavior[]).map((b) => [b.priority, b]));
  const after = new Map(((wanted.behaviors ?? []) as Behavior[]).map((b) => [b.priority, b]));
  for (const priority of before.keys()) if (!after.has(priority)) actions.push({ action: "delete", priority });
  for (const [priority, b] of after) {
    const old = before.get(priority);
    if (same(old, b)) continue;
    actions.push({ action: old ? "update" : "create", priority, path_pattern: b.pathPattern, ...behaviorBody(b) });
  }
  return actions.length ? actions : undefined;
}

/** The `PUT /cdn/resource/{id}` body that turns `current` into `wanted`: only owned fields that differ. */
function resourceChanges(current: PropertyMap, wanted: PropertyMap): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (current.name !== wanted.name) body.name = wanted.name;
  if (current.description !== wanted.description) body.description = wanted.description;
  if (wanted.distributionDomain !== undefined && current.distributionDomain !== wanted.distributionDomain) {
    // As the documents' example sends it: the label (`my-site`), not the host name.
    body.distribution_domain = distributionLabel(String(wanted.distributionDomain));
  }
  const behaviors = behaviorActions(current, wanted);
  if (behaviors) body.behaviors = behaviors;
  if (!same(current.customErrorResponses, wanted.customErrorResponses)) {
    body.custom_error_responses = errorResponsesBody(wanted.customErrorResponses as ErrorResponse[]);
  }
  return body;
}

// ---- calls --------------------------------------------------------------------------------------

/** The label of a distribution host name: `my-site.mamutecdn.com` → `my-site`. */
function distributionLabel(host: string): string {
  return host.endsWith(`.${DISTRIBUTION_SUFFIX}`) ? host.slice(0, -DISTRIBUTION_SUFFIX.length - 1) : host;
}

async function findByName(client: MamuteClient, name: string): Promise<ApiCdnResource | undefined> {
  const all = await client.listAll({ operation: "list CDN resources", path: "/cdn/resource", item: cdnResourceResponse });
  // Checked here whatever the server did with the list: a lookup adopts only the resource of this name.
  return all.find((resource) => resource.name === name);
}

/** `interrupted`: the advice for a create (interruptedAdvice), not for a rename. */
function nameTaken(name: string, found: ApiCdnResource | undefined, interrupted = ""): Error {
  return new CreateConflictError(
    `CDN resource name "${name}" is already taken${found ? ` by CDN resource ${found.id}${found.distribution_domain ? ` (${distributionHost(found.distribution_domain)})` : ""}` : ""}. ` +
      `${interrupted}${conflictAdvice("CDN resource")} Otherwise choose another name, or omit name to get a generated one.`,
  );
}

/** A chosen distribution domain that is not free: reserved, or held by a CDN resource (named when it is one of the caller's). */
async function distributionTaken(client: MamuteClient, domain: string, reason: string | undefined): Promise<Error> {
  const otherwise = `Otherwise choose another name for distributionDomain, or omit it to keep the generated r-<id>.${DISTRIBUTION_SUFFIX}.`;
  if (reason === "reserved") return new Error(`distributionDomain "${domain}" is reserved for generated names. ${otherwise}`);
  const all = await client.listAll({ operation: "list CDN resources", path: "/cdn/resource", item: cdnResourceResponse }).catch(() => []);
  const holder = all.find((resource) => distributionHost(resource.distribution_domain) === domain);
  return new CreateConflictError(
    `distributionDomain "${domain}" is already taken${holder ? ` by CDN resource ${holder.id} ("${holder.name}")` : " by a CDN resource"}. ` +
      `${holder ? `${conflictAdvice("CDN resource")} ` : ""}${otherwise}`,
  );
}

async function ensureDistributionAvailable(client: MamuteClient, domain: string): Promise<void> {
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

async function putResource(client: MamuteClient, id: string, body: Record<string, unknown>): Promise<ApiCdnResource> {
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
      err instanceof MamuteApiError &&
      (err.field === field || (err.field === undefined && (word.test(err.message) || Object.keys(body).filter((key) => key === "name" || key === "distribution_domain").join() === field)));
    if (isConflict(err) && body.distribution_domain !== undefined && about("distribution_domain", /distribution/i)) {
      throw await distributionTaken(client, distributionHost(String(body.distribution_domain)) ?? String(body.distribution_domain), "taken");
    }
    if (isConflict(err) && body.name !== undefined && about("name", /\bname\b/i)) {
      throw nameTaken(String(body.name), await findByName(client, String(body.name)).catch(() => undefined));
    }
    throw err;
  }
}

async function setTokenAuth(client: MamuteClient, id: string, enabled: boolean): Promise<ApiCdnResource> {
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
async function converge(
  client: MamuteClient,
  resource: ApiCdnResource,
  wanted: PropertyMap,
  /** A distribution domain found free just before (by create): not asked again. */
  checkedDomain?: string,
  /**
   * What stands for a field the answer does not show: for a resource just made from `wanted`, what
   * the POST sent (and the API's default for the rest); for an update, what state last knew.
   */
  known: { justCreated: true } | { state: PropertyMap } = { state: {} },
): Promise<ApiCdnResource> {
  const id = resource.id;
  const current = outputsOf(resource);
  const fallback: PropertyMap =
    "justCreated" in known
      ? { storageOrigin: wanted.storageOrigin, customOrigin: wanted.customOrigin, tokenAuth: false, description: wanted.description, customErrorResponses: wanted.customErrorResponses }
      : known.state;
  if (current.storageOrigin === undefined && current.customOrigin === undefined) {
    Object.assign(current, { storageOrigin: fallback.storageOrigin, customOrigin: fallback.customOrigin });
  }
  for (const key of ["tokenAuth", "description", "customErrorResponses", "defaultBehavior", "behaviors", "distributionDomain"]) {
    current[key] ??= fallback[key];
  }
  let latest = resource;
  if (wanted.originPathSwitched === true && wanted.storageOrigin && current.storageOrigin) {
    wanted = { ...wanted, storageOrigin: { ...(wanted.storageOrigin as StorageOrigin), originPath: (current.storageOrigin as StorageOrigin).originPath } };
  }
  // The origin group's own route answers the group, not the resource's status.
  let originChanged = false;
  const originKey = wanted.storageOrigin ? "storageOrigin" : "customOrigin";
  if (!same(current[originKey], wanted[originKey])) {
    if (current.originGroupId === undefined) {
      throw new Error(
        `cannot update the origin of CDN resource ${id}: the API's answer does not show its origin group's id (origin_group_id), ` +
          "which the route that changes an origin needs. Change the origin in the dashboard, or report this answer.",
      );
    }
    await client.call({
      operation: `update origin group ${current.originGroupId} of CDN resource ${id}`,
      method: "PUT",
      path: `/cdn/origin-group/${encodeURIComponent(String(current.originGroupId))}`,
      body: originGroupBody(wanted),
      response: z.unknown(), // nothing in it is needed
    });
    originChanged = true;
  }
  const body = resourceChanges(current, wanted);
  if (body.distribution_domain !== undefined && wanted.distributionDomain !== checkedDomain) {
    await ensureDistributionAvailable(client, String(wanted.distributionDomain));
  }
  if (Object.keys(body).length) latest = await putResource(client, id, body);
  if (current.tokenAuth !== wanted.tokenAuth) latest = await setTokenAuth(client, id, wanted.tokenAuth === true);
  // A change that affects serving answers `in_progress`; one that does not (a new description) keeps the status.
  if (!originChanged && dialectOf(client).statusKind(latest.status) === "ready") return latest;
  return waitDeployed(client, id, latest.name ?? (wanted.name as string | undefined), durationMs(wanted.deployTimeout, DEFAULT_DEPLOY_TIMEOUT));
}

// ---- definition ---------------------------------------------------------------------------------

function originKind(props: PropertyMap): "storage" | "custom" | undefined {
  if (props.storageOrigin !== undefined && props.storageOrigin !== null) return "storage";
  if (props.customOrigin !== undefined && props.customOrigin !== null) return "custom";
  return undefined;
}

export const cdnResource: ResourceDefinition = {
  kind: "CdnResource",
  description:
    "A MamuteCloud CDN resource serving a bucket (`storageOrigin`) or an HTTP(S) server (`customOrigin`) at its distribution " +
    "domain and at its custom domains (see CdnCustomDomain). Each create and update waits until the API reports it `deployed`.",
  inputs: {
    name: {
      description:
        "Name, unique among your CDN resources: 1-64 letters, digits, spaces, `.`, `_`, `-`. Changes in place. Omitted: " +
        "`<resource name>-<7 characters derived from the resource's URN>`, kept across runs; a replacement derives a new one.",
      schema: nameSchema,
      computed: true,
    },
    description: {
      description:
        "Free text, at most 500 characters. Omitted or empty: the API holds a mark made from the resource's URN instead " +
        "(`Made by pulumi-mamutecloud for one Pulumi resource (mark …)`), by which an interrupted create is adopted by the next " +
        "`pulumi up`; the output shows `\"\"`.",
      schema: z.string().max(500),
      default: "",
    },
    storageOrigin: {
      description: "Serve a bucket. Exactly one of `storageOrigin` and `customOrigin`; changing from one kind to the other replaces the resource.",
      schema: storageOriginSchema,
    },
    customOrigin: {
      description: "Proxy to an HTTP(S) server. Exactly one of `storageOrigin` and `customOrigin`.",
      schema: customOriginSchema,
    },
    distributionDomain: {
      description:
        `A friendlier distribution domain: \`my-site\` or \`my-site.${DISTRIBUTION_SUFFIX}\`. Checked for availability before it is ` +
        `set. Omitted: the generated \`r-<id>.${DISTRIBUTION_SUFFIX}\` (removing it later keeps the domain in force).`,
      schema: distributionDomainSchema,
      computed: true,
    },
    defaultBehavior: {
      description: "Cache, protocol and subdomain-routing rules for paths no other behavior matches.",
      schema: defaultBehaviorSchema,
    },
    behaviors: { description: "More behaviors, by path pattern and priority (1-100).", schema: behaviorsSchema },
    customErrorResponses: { description: "Pages served instead of origin errors, by error code (at most 20).", schema: errorResponsesSchema },
    tokenAuth: {
      description: "Require signed URLs (`expires` and `token`) for every request. Default false.",
      schema: z.boolean(),
      default: false,
    },
    originPathSwitched: {
      description:
        "True when a SiteReleases switches `storageOrigin.originPath` between releases: this resource then leaves the origin " +
        "path as it finds it (no update, no diff after a refresh). Default false.",
      schema: z.boolean(),
      default: false,
    },
    deployTimeout: {
      description:
        `How long a create or update waits for the deployment, e.g. \`30m\` (the default), \`1h\`. On timeout the resource stays ` +
        "in the stack and the next `pulumi up` waits again.",
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
      if (kind === "custom") failures.push({ property: "originPathSwitched", reason: "needs a storage origin: SiteReleases switches bucket prefixes" });
      else if (origin && !isUnknown(origin) && origin.originPath !== undefined && origin.originPath !== "") {
        failures.push({ property: "storageOrigin", reason: "originPath must be left out with originPathSwitched: the SiteReleases sets it" });
      }
    }
    // Defaults of the nested objects are the API's, so a refresh shows no diff.
    if (inputs.defaultBehavior === undefined) inputs.defaultBehavior = defaultBehaviorSchema.parse({});
    inputs.behaviors ??= [];
    inputs.customErrorResponses ??= [];
    const routes = (b: unknown) => !isUnknown(b) && (b as DefaultBehavior).subdomainRouting === true;
    const routing = routes(inputs.defaultBehavior) ? "defaultBehavior" : Array.isArray(inputs.behaviors) && inputs.behaviors.some(routes) ? "behaviors" : undefined;
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
  async findPending(ctx, trace) {
    const found = await findByName(ctx.client(), trace.key.name);
    return found && madeWithin(trace, found.created_at) ? { id: found.id, outs: await locally(ctx.client(), outputsOf(found)) } : undefined;
  },

  async read(ctx, id) {
    const found = await getCdnResource(ctx.client(), id);
    return found && locally(ctx.client(), outputsOf(found));
  },

  lookup: {
    description: "An existing CDN resource, by id or by name.",
    args: {
      id: idArg("CdnResource"),
      name: { description: "The CDN resource's name.", schema: nameSchema },
    },
    find: (ctx, args) => idOrKey("CdnResource", args, "name", async (name) => (await findByName(ctx.client(), name))?.id),
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    // From what the API says now, not from state: an earlier run may have stopped half-way.
    const current = await getCdnResource(client, id);
    if (!current) {
      throw new Error(`CDN resource ${id} no longer exists: run \`pulumi refresh\` to drop it from the stack; the next \`pulumi up\` creates a new one.`);
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
    try {
      await ctx.client().call({ operation: `delete CDN resource "${state.name}" (${id})`, method: "DELETE", path: cdnResourcePath(id) });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  },
};
