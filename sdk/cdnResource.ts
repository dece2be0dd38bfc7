import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

/** A bucket served by the CDN. */
export interface CdnStorageOrigin {
  /** Id of the bucket (a `Bucket`'s `id`). Changes in place. */
  bucketId: pulumi.Input<string>;
  /** Bucket prefix served: `"/site"` serves the keys under `site/`. Default `""` (the whole bucket). */
  originPath?: pulumi.Input<string>;
  /** Key served for `/` and for every path ending in `/`. Default `"index.html"`. */
  defaultRootObject?: pulumi.Input<string>;
}

/** A header the CDN adds to every request to a custom origin. */
export interface CdnOriginHeader {
  name: pulumi.Input<string>;
  value: pulumi.Input<string>;
}

/** An HTTP(S) server the CDN proxies to. Omitted fields take the API's defaults. */
export interface CdnCustomOrigin {
  /** Host name or IPv4 address of the origin. */
  hostname: pulumi.Input<string>;
  /** Path prefixed to every request to the origin, e.g. `"/app"`. Default `""`. */
  originPath?: pulumi.Input<string>;
  /** `"http_only"`, `"https_only"` or `"match_viewer"` (default); `-` and case are accepted. */
  protocolPolicy?: pulumi.Input<string>;
  /** Default 80. */
  httpPort?: pulumi.Input<number>;
  /** Default 443. */
  httpsPort?: pulumi.Input<number>;
  /** TLS versions spoken to an HTTPS origin (`TLSv1` … `TLSv1.3`). Default `["TLSv1.2"]`. */
  originSslProtocols?: pulumi.Input<pulumi.Input<string>[]>;
  /** Up to 10 headers added to every request to the origin. */
  customHeaders?: pulumi.Input<pulumi.Input<CdnOriginHeader>[]>;
  /** 1-3, default 3. */
  connectionAttempts?: pulumi.Input<number>;
  /** 1-10 seconds, default 10. */
  connectionTimeoutSeconds?: pulumi.Input<number>;
  /** 1-60 seconds, default 30. */
  responseTimeoutSeconds?: pulumi.Input<number>;
  /** 1-60 seconds, default 5. */
  keepaliveTimeoutSeconds?: pulumi.Input<number>;
}

/** Rules for the paths no other behavior matches (priority 0, path `*`). */
export interface CdnDefaultBehavior {
  /** Seconds an answer is cached (0 caches nothing). Default 86400. */
  cacheTtlSeconds?: pulumi.Input<number>;
  /** `"allow_all"` (default), `"redirect_to_https"` or `"https_only"`. */
  viewerProtocolPolicy?: pulumi.Input<string>;
  /**
   * Serve `<sub>.example.com/x` from the bucket's `<sub>/x` (`www` and the apex from the root).
   * Needs a storage origin and a wildcard custom domain. Default false.
   */
  subdomainRouting?: pulumi.Input<boolean>;
}

/** Rules for the paths matching `pathPattern`; the first match by ascending priority wins. */
export interface CdnBehavior extends CdnDefaultBehavior {
  /** 1-100, unique. */
  priority: pulumi.Input<number>;
  /** Starts with `/`; `*` matches any run of characters, e.g. `"/assets/*"`. */
  pathPattern: pulumi.Input<string>;
}

/** A page served instead of an origin error. */
export interface CdnCustomErrorResponse {
  /** The origin's status it replaces, 400-599. */
  errorCode: pulumi.Input<number>;
  /** Page served instead, e.g. `"/404.html"`. */
  responsePagePath: pulumi.Input<string>;
  /** Status answered with it; default `errorCode`. */
  responseCode?: pulumi.Input<number>;
  /** Seconds it is cached; default 10. */
  cacheTtlSeconds?: pulumi.Input<number>;
}

export interface CdnResourceArgs {
  /** Unique among your CDN resources. Omitted: `<resource name>-<7 characters derived from the resource's URN and the account>`, kept across runs (see the README's "Interrupted creates"). Changes in place. */
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** Serve a bucket. Exactly one of `storageOrigin` and `customOrigin`; switching kinds replaces the resource. */
  storageOrigin?: pulumi.Input<CdnStorageOrigin>;
  /** Proxy to an HTTP(S) server. Exactly one of `storageOrigin` and `customOrigin`. */
  customOrigin?: pulumi.Input<CdnCustomOrigin>;
  /**
   * A friendlier distribution domain: `"my-site"` or `"my-site.mamutecdn.com"`, checked for
   * availability before it is set. Omitted: the generated `r-<id>.mamutecdn.com`.
   */
  distributionDomain?: pulumi.Input<string>;
  defaultBehavior?: pulumi.Input<CdnDefaultBehavior>;
  behaviors?: pulumi.Input<pulumi.Input<CdnBehavior>[]>;
  /** At most 20, unique by `errorCode`. */
  customErrorResponses?: pulumi.Input<pulumi.Input<CdnCustomErrorResponse>[]>;
  /** Require signed URLs for every request. Default false. */
  tokenAuth?: pulumi.Input<boolean>;
  /**
   * True when a `SiteReleases` switches `storageOrigin.originPath` between releases: this resource
   * then leaves the origin path as it finds it (leave `originPath` out). Default false.
   */
  originPathSwitched?: pulumi.Input<boolean>;
  /**
   * How long a create or update waits until the API reports the resource `deployed`, e.g. `"30m"`
   * (the default) or `"1h"`. On timeout the resource stays in the stack and the next `up` waits again.
   */
  deployTimeout?: pulumi.Input<string>;
}

const outputs = [
  "name",
  "description",
  "storageOrigin",
  "customOrigin",
  "distributionDomain",
  "defaultBehavior",
  "behaviors",
  "customErrorResponses",
  "tokenAuth",
  "originPathSwitched",
  "deployTimeout",
  "siteUrl",
  "originGroupId",
  "status",
  "createdAt",
] as const;

/**
 * A CDN resource that serves a bucket or an HTTP(S) server at its distribution domain (and at the
 * `CdnCustomDomain`s attached to it). Creates and updates wait until it is deployed.
 */
export class CdnResource extends MamuteResource {
  /** The resource's name, chosen or generated; unique among your CDN resources. */
  declare readonly name: pulumi.Output<string>;
  /** The description, `""` when none was given. */
  declare readonly description: pulumi.Output<string>;
  /** The bucket served, with defaults filled in; undefined for a custom origin. */
  declare readonly storageOrigin: pulumi.Output<Required<pulumi.Unwrap<CdnStorageOrigin>> | undefined>;
  /** The HTTP(S) server proxied, with defaults filled in; undefined for a bucket origin. */
  declare readonly customOrigin: pulumi.Output<Required<pulumi.Unwrap<CdnCustomOrigin>> | undefined>;
  /** The full distribution domain, e.g. `my-site.mamutecdn.com`: the CNAME target of custom domains. */
  declare readonly distributionDomain: pulumi.Output<string>;
  /** Caching and protocol rules for paths no behavior matches, with defaults filled in. */
  declare readonly defaultBehavior: pulumi.Output<Required<pulumi.Unwrap<CdnDefaultBehavior>>>;
  /** The path-specific rules, with defaults filled in. */
  declare readonly behaviors: pulumi.Output<Required<pulumi.Unwrap<CdnBehavior>>[]>;
  /** The pages served in place of origin errors, with defaults filled in. */
  declare readonly customErrorResponses: pulumi.Output<Required<pulumi.Unwrap<CdnCustomErrorResponse>>[]>;
  /** Whether every request must carry a signed URL. */
  declare readonly tokenAuth: pulumi.Output<boolean>;
  /** True when a SiteReleases switches the storage origin's path. */
  declare readonly originPathSwitched: pulumi.Output<boolean>;
  /** How long a create or update waits for `deployed`, e.g. `"30m"`. */
  declare readonly deployTimeout: pulumi.Output<string>;
  /** `https://<distributionDomain>`. */
  declare readonly siteUrl: pulumi.Output<string>;
  /** The API's id of the origin group behind the resource. */
  declare readonly originGroupId: pulumi.Output<string>;
  /** `in_progress` or `deployed`, as last reported. */
  declare readonly status: pulumi.Output<string>;
  /** When the resource was created (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: CdnResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super("CdnResource", name, args, outputs, opts);
  }
}
