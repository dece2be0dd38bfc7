// What CdnResource accepts: the zod schemas of its inputs, each returning the API's canonical form,
// and its property tables (inputs and outputs), from which its typed inputs and state follow.
import { z } from "zod";
import { DEFAULT_DEPLOY_TIMEOUT, DISTRIBUTION_SUFFIX } from "../../cdnApi";
import type { InputProperty, InputsOf, OutputProperty, OutputsOf, StateOf } from "../../resource";
import { durationSchema } from "../../wait";
import { canonicalZoneDomain } from "../dns";

export const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const nameSchema = z.string().refine((name) => NAME_RULE.test(name), {
  message:
    '1-64 characters of letters, digits, space, ".", "_" and "-", starting with a letter or digit; ' + "omit it to get a generated name",
});

export const LABEL_RULE = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
/** `my-site` or `my-site.mamutecdn.com` → `my-site.mamutecdn.com`. */
export const distributionDomainSchema = z.string().transform((raw, ctx) => {
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

export const ORIGIN_PATH_RULE =
  'must be "" or a path of "/"-separated segments starting with "/" (e.g. "/site"), at most 255 characters, without "." or ".." segments, "?" or "#"';
export const originPathSchema = z
  .string()
  .transform((path) => (path.length > 1 ? path.replace(/\/+$/, "") : path === "/" ? "" : path))
  .refine(
    (path) =>
      path === "" ||
      (path.startsWith("/") &&
        path.length <= 255 &&
        !/[?#]/.test(path) &&
        path
          .split("/")
          .slice(1)
          .every((s) => s !== "" && s !== "." && s !== "..")),
    { message: ORIGIN_PATH_RULE },
  );

export const int = (min: number, max: number, what: string) =>
  z
    .int({ error: `must be a whole number ${what} from ${min} to ${max}` })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** `http-only`, `HTTP_ONLY`, `httpOnly` → `http_only`. */
export function enumSchema<T extends string>(values: readonly T[], hint: string) {
  return z.string().transform((raw, ctx): T => {
    const key = raw
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .replace(/[-\s]/g, "_")
      .toLowerCase();
    const match = values.find((value) => value === key);
    if (!match) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not ${hint}: use one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return match;
  });
}

export const PROTOCOL_POLICIES = ["http_only", "https_only", "match_viewer"] as const;
export const VIEWER_POLICIES = ["allow_all", "redirect_to_https", "https_only"] as const;
export const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

export const tlsVersionsSchema = z
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

export const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const FORBIDDEN_HEADERS = ["host", "connection", "content-length", "transfer-encoding"];
export const customHeader = z
  .object({
    name: z
      .string()
      .refine((name) => HEADER_TOKEN.test(name), { message: "must be an HTTP header name (a token)" })
      .refine((name) => !FORBIDDEN_HEADERS.includes(name.toLowerCase()) && !name.toLowerCase().startsWith("x-forwarded-"), {
        message: `must not be ${FORBIDDEN_HEADERS.join(", ")} or X-Forwarded-*: the CDN sets those`,
      }),
    value: z
      .string()
      .max(1024)
      .refine((value) => /^[\x20-\x7e]*$/.test(value), { message: "must be printable ASCII" }),
  })
  .meta({ id: "CdnOriginHeader", description: "A header the CDN adds to every request to the origin." });

export const customHeadersSchema = z
  .array(customHeader)
  .max(10, "at most 10 headers")
  .refine((headers) => new Set(headers.map((h) => h.name.toLowerCase())).size === headers.length, {
    message: "header names must be unique (ignoring case)",
  });

export const storageOriginSchema = z
  .object({
    bucketId: z.string().min(1).describe("Id of the bucket served (a Bucket's `id`)."),
    originPath: originPathSchema
      .default("")
      .describe("Bucket prefix served, e.g. `/site` serves the keys under `site/`. Default: the whole bucket."),
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

export const customOriginSchema = z
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
      .describe('TLS versions spoken to an HTTPS origin: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`; default `["TLSv1.2"]`.'),
    customHeaders: customHeadersSchema.default([]).describe("Up to 10 headers added to every request to the origin."),
    connectionAttempts: int(1, 3, "of attempts").default(3).describe("Connection attempts, 1-3; default 3."),
    connectionTimeoutSeconds: int(1, 10, "of seconds").default(10).describe("Seconds per connection attempt, 1-10; default 10."),
    responseTimeoutSeconds: int(1, 60, "of seconds").default(30).describe("Seconds to wait for the origin's answer, 1-60; default 30."),
    keepaliveTimeoutSeconds: int(1, 60, "of seconds").default(5).describe("Seconds an idle origin connection is kept, 1-60; default 5."),
  })
  .strict()
  .meta({ id: "CdnCustomOrigin", description: "An HTTP(S) server the CDN proxies to." });

export const behaviorFields = {
  cacheTtlSeconds: int(0, 31_536_000, "of seconds")
    .default(86_400)
    .describe("Seconds an answer is cached, 0-31536000 (0 caches nothing); default 86400."),
  viewerProtocolPolicy: enumSchema(VIEWER_POLICIES, "a viewer protocol policy")
    .default("allow_all")
    .describe("`allow_all` (the default), `redirect_to_https` or `https_only`."),
  subdomainRouting: z
    .boolean()
    .default(false)
    .describe("Serve `<sub>.example.com/x` from the bucket's `<sub>/x` (storage origin, with a wildcard custom domain). Default false."),
};

export const defaultBehaviorSchema = z
  .object(behaviorFields)
  .strict()
  .meta({ id: "CdnDefaultBehavior", description: "The behavior for every path no other behavior matches (priority 0, path `*`)." });

export const PATH_PATTERN_RULE = 'must be 1-255 characters starting with "/", where "*" matches anything (e.g. "/assets/*")';
export const behaviorSchema = z
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

export const behaviorsSchema = z
  .array(behaviorSchema)
  .max(100)
  .transform((list) => [...list].sort((a, b) => a.priority - b.priority))
  .refine((list) => new Set(list.map((b) => b.priority)).size === list.length, { message: "priorities must be unique" });

export const errorResponseSchema = z
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

export const errorResponsesSchema = z
  .array(errorResponseSchema)
  .max(20, "at most 20 custom error responses")
  .transform((list) => [...list].sort((a, b) => a.errorCode - b.errorCode))
  .refine((list) => new Set(list.map((e) => e.errorCode)).size === list.length, { message: "error codes must be unique" });

export type StorageOrigin = z.output<typeof storageOriginSchema>;
export type CustomOrigin = z.output<typeof customOriginSchema>;
export type DefaultBehavior = z.output<typeof defaultBehaviorSchema>;
export type Behavior = z.output<typeof behaviorSchema>;
export type ErrorResponse = z.output<typeof errorResponseSchema>;

export const cdnResourceInputs = {
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
    computedByApi: true,
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
} satisfies Record<string, InputProperty>;

export const cdnResourceOutputs = {
  siteUrl: {
    description:
      "`https://<distributionDomain>`; against the emulator, where a browser on its machine opens it: " +
      "`http://<distributionDomain>.localhost:<edge port>` (HTTPS on the edge's HTTPS port with the emulator's CA trusted).",
    schema: z.string(),
  },
  originGroupId: { description: "Id of the resource's origin group.", schema: z.string() },
  status: { description: "`in_progress` or `deployed`, as last reported.", schema: z.string() },
  createdAt: { description: "When the resource was created (ISO 8601).", schema: z.string() },
} satisfies Record<string, OutputProperty>;

/** What create and update receive (check has run). */
export type CdnInputs = InputsOf<typeof cdnResourceInputs>;
/** What outputs and state hold: the inputs and the outputs, each possibly missing. */
export type CdnState = StateOf<CdnInputs, OutputsOf<typeof cdnResourceOutputs>>;
