// StaticSite: the whole site in one declaration. A component of the SDK's own resources, each a
// child of it, so a preview lists them under the site and destroying the site removes them all.
// Everything it decides from its arguments (names, the apex rule, tenant labels) is decided here,
// when the program runs, so a mistake fails `pulumi preview` before anything is created.
// Over 400 lines as one file: the argument types, their checks (option names, tenants, the apex
// rule) and the wiring that relies on them are read together; generic helpers are in siteOptions.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { canonicalZoneDomain } from "../provider/resources/dns";
import { generatedNameReason, isGeneratedDistributionName } from "../provider/resources/distributionName";
import * as generated from "./generated";
import type { Bucket } from "./generated/bucket";
import type { BucketCredential } from "./generated/bucketCredential";
import type { CdnCustomDomain } from "./generated/cdnCustomDomain";
import type { CdnResource, CdnResourceArgs } from "./generated/cdnResource";
import type { CdnBehavior, CdnDefaultBehavior } from "./generated/types";
import type { SiteReleases, SiteReleasesArgs } from "./generated/siteReleases";
import type { SyncedFolder, SyncedFolderArgs } from "./generated/syncedFolder";
import { staticSiteAtomicSchema, staticSiteComponent, staticSiteDomainSchema } from "../provider/staticSiteInterface";
import { siteAddress, unknownOption } from "./siteOptions";

/**
 * The resource classes a StaticSite is made of. A TypeScript program's site declares the dynamic
 * SDK's; the native plugin's Construct (sdk/native/staticSite.ts) runs this same class with the
 * native ones, which take the same args and give the same outputs (both are generated from the
 * definitions).
 */
export type SiteResources = Pick<
  typeof generated,
  | "Bucket"
  | "BucketCredential"
  | "CdnCustomDomain"
  | "CdnResource"
  | "Certificate"
  | "CertificateValidation"
  | "DnsRecord"
  | "DnsZone"
  | "SiteReleases"
  | "SyncedFolder"
>;
export interface StaticSiteDomainArgs {
  /**
   * The host the site is served at, e.g. `"www.example.com"`. Not a zone's apex: the site is
   * reached through a CNAME, which cannot go there. With `tenants`, the base the tenants sit
   * under: `"example.com"` serves tenant `a` at `a.example.com` (a wildcard CNAME, which may).
   */
  name: string;
  /**
   * The DNS zone that holds the validation and CNAME records: an existing zone's id (a
   * `DnsZone`'s `id`). Omitted: the site creates a zone for `zoneDomain` (see its `nameservers`).
   * Not with `externalDns`.
   */
  zoneId?: pulumi.Input<string>;
  /**
   * The zone's domain. Default: `name` without its first label (`www.example.com` → `example.com`);
   * with `tenants`, `name` itself. Not with `externalDns`.
   */
  zoneDomain?: string;
  /**
   * The domain's DNS is hosted elsewhere (another provider, your registrar): the site creates no
   * zone and no record. It requests the certificate and attaches the custom domain as usual, and
   * lists in `dnsRecords` the records to create at that DNS; the certificate's validation waits
   * (up to `validationTimeout`) until they are found. Not with `zoneId` or `zoneDomain`. Default false.
   * Through the plugin (YAML, Python, Go, Java) give `certificateId` too: there the site's outputs
   * reach the program only once all its resources exist.
   */
  externalDns?: boolean;
  /**
   * An issued certificate covering the site's host (or `*.<name>` with `tenants`), e.g. an
   * `ImportedCertificate`'s `id`. Omitted: one is requested and validated through the zone (with
   * `externalDns`, through the records of `dnsRecords`).
   */
  certificateId?: pulumi.Input<string>;
  /**
   * How long to wait for the requested certificate to be issued, e.g. `"1h"` (the default). With
   * `externalDns`, the wait includes the time the validation record takes to appear at the other DNS.
   */
  validationTimeout?: pulumi.Input<string>;
}

/** A DNS record the site's domain needs: create it at the DNS that serves the domain. */
export interface StaticSiteDnsRecord {
  /** The record's full host name, without a trailing dot, e.g. `www.example.com`. */
  name: string;
  /** The record type: `CNAME`. */
  type: string;
  /** What the record points at, a host name without a trailing dot. */
  value: string;
}

/**
 * The options StaticSite passes through to the resources it declares: their types and docs are
 * those of the generated classes (one source, the definitions).
 */
type PassedThrough = Pick<SyncedFolderArgs, "cacheControl" | "contentTypes" | "include" | "exclude" | "concurrency"> &
  Pick<CdnResourceArgs, "behaviors" | "distributionDomain"> &
  Pick<CdnDefaultBehavior, "viewerProtocolPolicy">;

export interface StaticSiteArgs extends PassedThrough {
  /**
   * The local folder of the site, e.g. `"./dist"` (relative to the program's folder), uploaded to
   * the bucket's root. Required unless `tenants` is given; with tenants it is served at `www.<domain>`
   * and at the distribution domain.
   */
  path?: string;
  /**
   * Multi-tenant hosting: subdomain label → local folder, e.g. `{ acme: "./tenants/acme" }`. One
   * bucket and one CDN resource: each tenant's files go under `<label>/` and the CDN serves
   * `<label>.<domain>` from there (subdomain routing, a wildcard certificate). Labels are DNS
   * labels; `www` is the root site.
   */
  tenants?: Record<string, string>;
  /** Serve the site at a custom domain over HTTPS, with its certificate and DNS records. */
  domain?: StaticSiteDomainArgs;
  /** Key served for `/` and every path ending in `/`. Default `"index.html"`. */
  indexDocument?: string;
  /** A page of the site served with status 404 for paths that do not exist, e.g. `"404.html"`. */
  errorDocument?: string;
  /** Seconds the CDN caches an answer whose file has no Cache-Control max-age. Default 86400. */
  cacheTtlSeconds?: pulumi.Input<number>;
  /** Delete the bucket on destroy even when it holds files the site did not upload. Default false. */
  forceDestroy?: pulumi.Input<boolean>;
  /**
   * Atomic deploys (`SiteReleases`): each `up` uploads the site as a new release (unchanged files
   * copied in the bucket) and switches the CDN to it at once, so visitors never see a mix of two
   * versions. `true`, or `{ keep, release }`: `keep` releases stay in the bucket (default 5);
   * `release`, one of the site's `releases`, rolls back to it without an upload. Not with tenants.
   */
  atomic?: boolean | StaticSiteAtomicArgs;
}

/** `keep` and `release`, passed to the site's SiteReleases. */
export type StaticSiteAtomicArgs = Pick<SiteReleasesArgs, "keep" | "release">;

/** The hosts the site answers at, decided from the arguments alone (no API call). */
export interface SiteHosts {
  /** `domain.name`, canonical: the site's host, or the tenants' base. */
  host: string;
  /** Host of the custom domain (`www.example.com`, or `*.example.com` with tenants). */
  customDomain: string;
  zoneDomain: string;
  /** The CNAME's name relative to the zone (`www`, `*`, `*.sites`). */
  cnameName: string;
  /** What the certificate must cover. */
  certificateName: string;
}

export class StaticSiteError extends Error {
  override name = "StaticSiteError";
}

const TENANT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// Every option, so that a misspelt or invented one fails instead of being silently ignored (a
// JavaScript program, or an object built elsewhere, passes the type checker's excess-property check):
// the component's interface as schema.json gives it to every language (test/sdk/staticSiteInterface.test.ts
// holds this file's types and docs equal to it).
const SITE_OPTIONS = Object.keys(staticSiteComponent.inputs);
const DOMAIN_OPTIONS = Object.keys(staticSiteDomainSchema.shape);
const ATOMIC_OPTIONS = Object.keys(staticSiteAtomicSchema.shape);

/** Fails naming the first option of `given` that is not one of `known` (and the nearest known one). */
function checkOptions(name: string, where: string, given: object, known: ReadonlyArray<string>): void {
  const unknown = unknownOption(given, known);
  if (!unknown) return;
  const hint = unknown.nearest ? `did you mean "${unknown.nearest}"? ` : "";
  throw new StaticSiteError(
    `StaticSite ${name}: unknown option ${where}"${unknown.key}": ${hint}${where ? `${where.slice(0, -1)} takes` : "StaticSite takes"} ${known.join(", ")}.`,
  );
}

function checkSiteOptions(name: string, args: StaticSiteArgs): void {
  checkOptions(name, "", args, SITE_OPTIONS);
  if (args.domain && typeof args.domain === "object") {
    checkOptions(name, "domain.", args.domain, DOMAIN_OPTIONS);
    checkExternalDns(name, args.domain);
  }
  if (args.atomic && typeof args.atomic === "object") checkOptions(name, "atomic.", args.atomic, ATOMIC_OPTIONS);
}

/** `externalDns` means no zone of the site's: a zone given beside it would be silently unused. */
function checkExternalDns(name: string, domain: StaticSiteDomainArgs): void {
  const { externalDns } = domain;
  if (externalDns !== undefined && typeof externalDns !== "boolean") {
    throw new StaticSiteError(`StaticSite ${name}: domain.externalDns must be true or false, not ${JSON.stringify(externalDns)}.`);
  }
  if (!externalDns) return;
  for (const key of ["zoneId", "zoneDomain"] as const) {
    if (domain[key] !== undefined) {
      throw new StaticSiteError(
        `StaticSite ${name}: domain.${key} names a MamuteCloud DNS zone for the site's records, and domain.externalDns says ` +
          `the domain's DNS is hosted elsewhere, where no record is made: give one or the other. With externalDns, create ` +
          `the records of the site's dnsRecords output at your DNS.`,
      );
    }
  }
}

/** `_ab.www.example.com.` → `_ab.www.example.com`: the names and values dnsRecords gives. */
const withoutTrailingDot = (host: string) => host.replace(/\.$/, "");

function checkTenants(name: string, tenants: Record<string, string>): void {
  for (const label of Object.keys(tenants)) {
    if (!TENANT_LABEL.test(label)) {
      throw new StaticSiteError(
        `StaticSite ${name}: tenants key "${label}" is not a DNS label; use 1-63 characters of a-z, 0-9 and - (not at either end), e.g. "acme".`,
      );
    }
    if (label === "www") {
      throw new StaticSiteError(`StaticSite ${name}: tenants key "www" is the root site (served from path); name the tenant otherwise.`);
    }
  }
}

/**
 * A tenant's folder is `<label>/` at the bucket's root, which is also the root site's folder: a
 * root folder holding `<label>` would be overwritten by the tenant, refreshed back, and deleted
 * with it.
 */
function checkRootBesideTenants(name: string, root: string | undefined, tenants: Record<string, string>): void {
  if (!root) return;
  for (const label of Object.keys(tenants)) {
    if (fs.existsSync(path.join(root, label))) {
      throw new StaticSiteError(
        `StaticSite ${name}: path "${root}" holds "${label}", and tenants.${label} is served from the bucket's "${label}/" ` +
          "folder too: the tenant would overwrite the root site's files there. Rename one of them, or move that folder.",
      );
    }
  }
}

/**
 * The CDN behaviors of a multi-tenant site: first one per tenant, `/<label>/*` with subdomain
 * routing, which makes the edge refuse a tenant's folder at every host that is not the tenant's
 * (the root site's, the distribution domain): each tenant is its own origin, and no tenant's
 * script runs beside the root site's cookies and storage. Then the user's, after them in the same
 * order, routed by subdomain too, so that a rule such as `*.css` still serves each tenant's files.
 */
export function tenantBehaviors(
  labels: readonly string[],
  given: pulumi.Input<pulumi.Input<CdnBehavior>[]> | undefined,
): pulumi.Output<CdnBehavior[]> {
  const own = [...labels].sort().map((label, index) => ({ priority: index + 1, pathPattern: `/${label}/*`, subdomainRouting: true }));
  return pulumi.output(given ?? []).apply((list) => [
    ...own,
    ...(list as Array<CdnBehavior & { priority: number }>).map((behavior) => ({
      ...behavior,
      priority: behavior.priority + own.length,
      subdomainRouting: true,
    })),
  ]);
}

/**
 * Where the site's records go. Throws at program run (so at preview) for a host the zone cannot
 * point at the CDN: its apex, or a name outside it.
 */
export function siteHosts(siteName: string, domain: StaticSiteDomainArgs, multiTenant: boolean): SiteHosts {
  const parsed = canonicalZoneDomain(domain.name);
  if ("error" in parsed) throw new StaticSiteError(`StaticSite ${siteName}: domain.name ${parsed.error}`);
  const host = parsed.domain;
  const labels = host.split(".");
  const defaultZone = multiTenant || labels.length <= 2 ? host : labels.slice(1).join(".");
  const zone = canonicalZoneDomain(domain.zoneDomain ?? defaultZone);
  if ("error" in zone) throw new StaticSiteError(`StaticSite ${siteName}: domain.zoneDomain ${zone.error}`);
  const zoneDomain = zone.domain;
  if (host !== zoneDomain && !host.endsWith(`.${zoneDomain}`)) {
    throw new StaticSiteError(
      `StaticSite ${siteName}: domain.name "${host}" is not in the zone "${zoneDomain}" (domain.zoneDomain); give the zone that holds it.`,
    );
  }
  const relative = host === zoneDomain ? "" : host.slice(0, -zoneDomain.length - 1);
  if (multiTenant) {
    const wildcard = `*.${host}`;
    return { host, customDomain: wildcard, zoneDomain, cnameName: relative ? `*.${relative}` : "*", certificateName: wildcard };
  }
  if (!relative) {
    throw new StaticSiteError(
      `StaticSite ${siteName}: domain.name "${host}" is the apex of the zone ${zoneDomain}, where a CNAME record cannot go ` +
        `(it would shadow the zone's NS and SOA records), and the site is reached through a CNAME to the CDN. ` +
        `Serve it at a subdomain instead, e.g. domain.name "www.${host}", and redirect ${host} to it at your DNS provider or registrar.`,
    );
  }
  return { host, customDomain: host, zoneDomain, cnameName: relative, certificateName: host };
}

/**
 * A static website in one declaration: a bucket, a credential that uploads to it, the files
 * (`SyncedFolder`: only changed files are uploaded, exactly their paths purged) and a CDN resource;
 * with `domain`, also the certificate (requested and validated through the zone, or given), the
 * custom domain and its CNAME (or, with `domain.externalDns`, no zone and no record: `dnsRecords`
 * says what to create at your DNS). With `tenants`, one bucket and one CDN serve a folder per subdomain.
 */
export class StaticSite extends pulumi.ComponentResource {
  /** The classes of the site's resources: the dynamic SDK's here, the native ones in the plugin's subclass. */
  protected static readonly resources: SiteResources = generated;

  /**
   * Where to open the site: `https://<custom domain>/` with `domain` (the `www` host with tenants), else the distribution
   * domain's. Against the emulator, the same host at its edge on this machine: `http://<host>.localhost:<edge port>/`
   * (over HTTPS at the edge's HTTPS port once its CA is trusted).
   */
  readonly url: pulumi.Output<string>;
  /** The CDN's own domain, e.g. `r-….mamutecdn.com`: the CNAME target. */
  readonly distributionDomain: pulumi.Output<string>;
  /** `https://<distributionDomain>/` (against the emulator, its `.localhost` edge address, as `url`). */
  readonly distributionUrl: pulumi.Output<string>;
  /** Tenant label → `https://<label>.<domain>/` (or the distribution URL's `/<label>/` without a domain). */
  readonly tenantUrls: pulumi.Output<Record<string, string>>;
  /** The id of the bucket holding the files. */
  readonly bucketId: pulumi.Output<string>;
  /** The bucket's name: what an S3 client takes as the bucket. */
  readonly bucketName: pulumi.Output<string>;
  /** The S3 endpoint serving the bucket. */
  readonly s3Endpoint: pulumi.Output<string>;
  /** The id of the CDN resource serving the site. */
  readonly cdnResourceId: pulumi.Output<string>;
  /** The zone's nameservers to set at the registrar, when the site created the zone. */
  readonly nameservers: pulumi.Output<string[] | undefined>;
  /** The certificate serving the custom domain, when there is one. */
  readonly certificateId: pulumi.Output<string | undefined>;
  /**
   * With `domain`, the DNS records the site's host needs, each `{ name, type, value }` with the full
   * host name: the requested certificate's validation record (none with `domain.certificateId`),
   * then the CNAME of the custom domain (`*.<name>` with tenants) to the distribution domain. With
   * `domain.externalDns`, create them at your DNS; otherwise the site made them in its zone and
   * lists them for information. Empty without `domain`.
   */
  readonly dnsRecords: pulumi.Output<StaticSiteDnsRecord[]>;

  readonly bucket: Bucket;
  readonly credential: BucketCredential;
  readonly cdn: CdnResource;
  /** The root folder's files (`path`), then each tenant's, in `tenants` order; empty with `atomic`. */
  readonly files: SyncedFolder[];
  /** With `atomic`: the releases of `path`. */
  readonly releases: SiteReleases | undefined;
  /** With `atomic`: the release served. */
  readonly releaseId: pulumi.Output<string | undefined>;
  /** With `atomic`: the kept releases, the live one first, then newest first (what `atomic.release` accepts). */
  readonly keptReleases: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: StaticSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mamutecloud:index:StaticSite", name, {}, opts);
    checkSiteOptions(name, args);
    const tenants = args.tenants ?? {};
    const multiTenant = Object.keys(tenants).length > 0;
    checkTenants(name, tenants);
    checkRootBesideTenants(name, args.path, tenants);
    if (!args.path && !multiTenant) {
      throw new StaticSiteError(`StaticSite ${name}: path is required: the folder of the site's files, e.g. "./dist" (or give tenants).`);
    }
    if (args.atomic && multiTenant) {
      throw new StaticSiteError(`StaticSite ${name}: atomic deploys one folder (path); leave atomic out when tenants are given.`);
    }
    if (typeof args.distributionDomain === "string" && isGeneratedDistributionName(args.distributionDomain)) {
      throw new StaticSiteError(`StaticSite ${name}: distributionDomain ${generatedNameReason(args.distributionDomain)}.`);
    }
    const atomic = args.atomic === true ? {} : args.atomic || undefined;
    const hosts = args.domain && siteHosts(name, args.domain, multiTenant);
    const parent = { parent: this };
    const classes = (new.target as typeof StaticSite).resources;

    this.bucket = new classes.Bucket(`${name}-bucket`, { forceDestroy: args.forceDestroy }, parent);
    this.credential = new classes.BucketCredential(`${name}-credential`, { bucketId: this.bucket.id }, parent);
    this.cdn = new classes.CdnResource(
      `${name}-cdn`,
      {
        storageOrigin: { bucketId: this.bucket.id, defaultRootObject: args.indexDocument },
        // The releases switch the origin path; the CDN resource leaves it to them.
        originPathSwitched: atomic ? true : undefined,
        distributionDomain: args.distributionDomain,
        defaultBehavior: {
          cacheTtlSeconds: args.cacheTtlSeconds,
          viewerProtocolPolicy: args.viewerProtocolPolicy,
          subdomainRouting: multiTenant || undefined,
        },
        // Tenants get hosts of their own only under a domain; without one they are the distribution
        // domain's folders (tenantUrls), so there is no other origin to keep them to.
        behaviors: multiTenant && args.domain ? tenantBehaviors(Object.keys(tenants), args.behaviors) : args.behaviors,
        customErrorResponses: args.errorDocument
          ? [{ errorCode: 404, responsePagePath: `/${args.errorDocument.replace(/^\/+/, "")}` }]
          : undefined,
      },
      parent,
    );

    this.distributionDomain = this.cdn.distributionDomain;
    // Against the emulator, every URL is its edge's `.localhost` address (see siteAddress).
    const siteUrl = this.cdn.siteUrl;
    this.distributionUrl = pulumi.all([siteUrl, this.cdn.distributionDomain]).apply(([local, domain]) => siteAddress(local, domain));
    let certificateId: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let nameservers: pulumi.Output<string[] | undefined> = pulumi.output(undefined);
    let dnsRecords: pulumi.Output<StaticSiteDnsRecord[]> = pulumi.output([]);
    let customDomain: CdnCustomDomain | undefined;
    if (args.domain && hosts) {
      const domain = args.domain;
      // Where the site's records go: none of its own with externalDns (the program creates them elsewhere).
      let zoneId: pulumi.Input<string> | undefined;
      if (domain.externalDns) zoneId = undefined;
      else if (domain.zoneId !== undefined) zoneId = domain.zoneId;
      else {
        const zone = new classes.DnsZone(`${name}-zone`, { domain: hosts.zoneDomain }, parent);
        zoneId = zone.id;
        nameservers = zone.nameservers;
      }
      let validationRecords: pulumi.Output<StaticSiteDnsRecord[]> = pulumi.output([]);
      let issued: pulumi.Output<string>;
      if (domain.certificateId !== undefined) issued = pulumi.output(domain.certificateId);
      else ({ issued, validationRecords } = this.requestCertificate(name, hosts, zoneId, domain));
      certificateId = issued;
      customDomain = new classes.CdnCustomDomain(
        `${name}-domain`,
        { resourceId: this.cdn.id, domainName: hosts.customDomain, certificateId: issued },
        parent,
      );
      if (zoneId !== undefined) {
        new classes.DnsRecord(
          `${name}-cname`,
          { zoneId, name: hosts.cnameName, type: "CNAME", values: [customDomain.cnameTarget] },
          parent,
        );
      }
      // The CNAME's target is the CDN resource's distribution domain (what the custom domain's
      // cnameTarget says), taken from the CDN resource: the custom domain waits for the certificate,
      // which with externalDns waits for these very records, so they must not wait for it.
      const cname = this.cdn.distributionDomain.apply((target): StaticSiteDnsRecord => ({
        name: hosts.customDomain,
        type: "CNAME",
        value: withoutTrailingDot(target ?? ""),
      }));
      dnsRecords = pulumi.all([validationRecords, cname]).apply(([validation, record]) => [...validation, record]);
      const { host } = hosts;
      // The URL waits for the custom domain: it is only served once active.
      const active = pulumi.all([customDomain.status, siteUrl]);
      this.url = active.apply(([, local]) => siteAddress(local, multiTenant ? `www.${host}` : host));
      this.tenantUrls = active.apply(([, local]) =>
        Object.fromEntries(Object.keys(tenants).map((label) => [label, siteAddress(local, `${label}.${host}`)])),
      );
    } else {
      this.url = this.distributionUrl;
      this.tenantUrls = this.distributionUrl.apply((root) =>
        Object.fromEntries(Object.keys(tenants).map((label) => [label, `${root}${label}/`])),
      );
    }
    // A purge may only name hosts the CDN serves: tenants' folders come after their custom domain.
    const tenantOptions = customDomain ? { parent: this, dependsOn: [customDomain] } : parent;
    // What the files of a SyncedFolder and a SiteReleases share: where they go and how they are sent.
    const upload = {
      bucket: this.bucket.id,
      accessKeyId: this.credential.accessKeyId,
      secretAccessKey: this.credential.secretAccessKey,
      include: args.include,
      exclude: args.exclude,
      cacheControl: args.cacheControl,
      contentTypes: args.contentTypes,
      concurrency: args.concurrency,
      cdnResourceId: this.cdn.id,
    };
    const folder = (resourceName: string, localPath: string, tenant?: string) =>
      new classes.SyncedFolder(
        resourceName,
        {
          ...upload,
          path: localPath,
          prefix: tenant,
          // A tenant's files are served at its own host: that is where the edge caches them.
          cdnBaseUrl: tenant && hosts ? `https://${tenant}.${hosts.host}/` : undefined,
        },
        tenant ? tenantOptions : parent,
      );
    this.releases =
      atomic && args.path
        ? new classes.SiteReleases(`${name}-releases`, { ...upload, path: args.path, keep: atomic.keep, release: atomic.release }, parent)
        : undefined;
    this.releaseId = this.releases ? this.releases.releaseId : pulumi.output(undefined);
    this.keptReleases = this.releases ? this.releases.releases : pulumi.output(undefined);
    this.files = [
      ...(args.path && !atomic ? [folder(`${name}-files`, args.path)] : []),
      ...Object.entries(tenants).map(([label, localPath]) => folder(`${name}-files-${label}`, localPath, label)),
    ];

    this.certificateId = certificateId;
    this.nameservers = nameservers;
    this.dnsRecords = dnsRecords;
    this.bucketId = this.bucket.id;
    this.bucketName = this.bucket.name;
    this.s3Endpoint = this.bucket.s3Endpoint;
    this.cdnResourceId = this.cdn.id;

    const outputs = this as unknown as Record<string, pulumi.Output<unknown>>;
    this.registerOutputs(Object.fromEntries(Object.keys(staticSiteComponent.outputs).map((key) => [key, outputs[key]])));
  }

  /**
   * A certificate for the site's host, validated by its one DNS record: made in the zone, or (no
   * zone, externalDns) left to the program, the validation then waiting until the record is found.
   * `issued` resolves once the certificate is issued; `validationRecords` as soon as it is requested.
   */
  private requestCertificate(
    name: string,
    hosts: SiteHosts,
    zoneId: pulumi.Input<string> | undefined,
    domain: StaticSiteDomainArgs,
  ): { issued: pulumi.Output<string>; validationRecords: pulumi.Output<StaticSiteDnsRecord[]> } {
    const parent = { parent: this };
    const classes = (this.constructor as typeof StaticSite).resources;
    const certificate = new classes.Certificate(`${name}-certificate`, { domainName: hosts.certificateName }, parent);
    // One name (or one wildcard) asks for exactly one record. (None under unit-test mocks that
    // echo the inputs as the state: the program must still run there.)
    const validationRecords = certificate.validationRecords.apply((records) =>
      (records ?? []).map((record) => ({
        name: withoutTrailingDot(record.name),
        type: record.type,
        value: withoutTrailingDot(record.value),
      })),
    );
    const dependsOn: pulumi.Resource[] = [];
    if (zoneId !== undefined) {
      const record = certificate.validationRecords.apply((records) => records?.[0] ?? { name: "", value: "" });
      dependsOn.push(
        new classes.DnsRecord(
          `${name}-certificate-validation-record`,
          { zoneId, name: record.name, type: "CNAME", values: [record.value] },
          parent,
        ),
      );
    }
    const validation = new classes.CertificateValidation(
      `${name}-certificate-validation`,
      { certificateId: certificate.id, timeout: domain.validationTimeout },
      { parent: this, dependsOn },
    );
    return { issued: validation.certificateId, validationRecords };
  }
}
