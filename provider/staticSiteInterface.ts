// StaticSite as the native plugin serves it to every language: schema.json's component
// `mamutecloud:index:StaticSite` (its options and outputs), which the plugin's Construct builds by
// running the same component class as TypeScript programs (sdk/staticSite.ts). The options it
// passes through to the resources it declares are the definitions' own (their descriptions and
// types, one source); its own options are described here, and test/sdk/staticSiteInterface.test.ts
// holds the class's TSDoc and option list equal to this table.
import { z } from "zod";
import { behaviorFields } from "./resources/cdnResource/inputs";
import { cdnResource } from "./resources/cdnResource";
import { bucket } from "./resources/bucket";
import { siteReleases } from "./resources/siteReleases";
import { syncedFolder } from "./resources/syncedFolder";
import type { ComponentDefinition, ComponentInput } from "./backend";
import type { ResourceDefinition } from "./resource";

/** An option passed through to `definition`'s input `key`: its description and type are that input's. */
function passedTo(definition: ResourceDefinition, key: string): ComponentInput {
  const input = definition.inputs[key];
  return { description: input.description, schema: input.schema };
}

export const staticSiteDomainSchema = z
  .object({
    name: z
      .string()
      .describe(
        'The host the site is served at, e.g. `"www.example.com"`. Not a zone\'s apex: the site is reached through a CNAME, ' +
          'which cannot go there. With `tenants`, the base the tenants sit under: `"example.com"` serves tenant `a` at ' +
          "`a.example.com` (a wildcard CNAME, which may).",
      ),
    zoneId: z
      .string()
      .optional()
      .describe(
        "The DNS zone that holds the validation and CNAME records: an existing zone's id (a `DnsZone`'s `id`). Omitted: the " +
          "site creates a zone for `zoneDomain` (see its `nameservers`). Not with `externalDns`.",
      ),
    zoneDomain: z
      .string()
      .optional()
      .describe(
        "The zone's domain. Default: `name` without its first label (`www.example.com` → `example.com`); with `tenants`, " +
          "`name` itself. Not with `externalDns`.",
      ),
    externalDns: z
      .boolean()
      .optional()
      .describe(
        "The domain's DNS is hosted elsewhere (another provider, your registrar): the site creates no zone and no record. It " +
          "requests the certificate and attaches the custom domain as usual, and lists in `dnsRecords` the records to create " +
          "at that DNS; the certificate's validation waits (up to `validationTimeout`) until they are found. Not with " +
          "`zoneId` or `zoneDomain`. Default false. Through the plugin (YAML, Python, Go, Java) give `certificateId` too: " +
          "there the site's outputs reach the program only once all its resources exist.",
      ),
    certificateId: z
      .string()
      .optional()
      .describe(
        "An issued certificate covering the site's host (or `*.<name>` with `tenants`), e.g. an `ImportedCertificate`'s `id`. " +
          "Omitted: one is requested and validated through the zone (with `externalDns`, through the records of `dnsRecords`).",
      ),
    validationTimeout: z
      .string()
      .optional()
      .describe(
        'How long to wait for the requested certificate to be issued, e.g. `"1h"` (the default). With `externalDns`, the ' +
          "wait includes the time the validation record takes to appear at the other DNS.",
      ),
  })
  .strict()
  .meta({ id: "StaticSiteDomain", description: "Serve the site at a custom domain over HTTPS, with its certificate and DNS records." });

export const staticSiteDnsRecordSchema = z
  .object({
    name: z.string().describe("The record's full host name, without a trailing dot, e.g. `www.example.com`."),
    type: z.string().describe("The record type: `CNAME`."),
    value: z.string().describe("What the record points at, a host name without a trailing dot."),
  })
  .meta({ id: "StaticSiteDnsRecord", description: "A DNS record the site's domain needs: create it at the DNS that serves the domain." });

export const staticSiteAtomicSchema = z
  .object({
    keep: siteReleases.inputs.keep.schema.optional().describe(siteReleases.inputs.keep.description),
    release: siteReleases.inputs.release.schema.optional().describe(siteReleases.inputs.release.description),
  })
  .strict()
  .meta({ id: "StaticSiteAtomic", description: "`keep` and `release`, passed to the site's SiteReleases." });

export const staticSiteComponent: ComponentDefinition = {
  kind: "StaticSite",
  description:
    "A static website in one declaration: a bucket, a credential that uploads to it, the files (`SyncedFolder`: only changed " +
    "files are uploaded, exactly their paths purged) and a CDN resource; with `domain`, also the certificate (requested and " +
    "validated through the zone, or given), the custom domain and its CNAME (or, with `domain.externalDns`, no zone and no " +
    "record: `dnsRecords` says what to create at your DNS). With `tenants`, one bucket and one CDN serve a " +
    "folder per subdomain.",
  inputs: {
    path: {
      description:
        "The local folder of the site, e.g. `\"./dist\"` (relative to the program's folder), uploaded to the bucket's root. " +
        "Required unless `tenants` is given; with tenants it is served at `www.<domain>` and at the distribution domain.",
      schema: z.string(),
      readInProgram: true,
    },
    tenants: {
      description:
        'Multi-tenant hosting: subdomain label → local folder, e.g. `{ acme: "./tenants/acme" }`. One bucket and one CDN ' +
        "resource: each tenant's files go under `<label>/` and the CDN serves `<label>.<domain>` from there (subdomain " +
        "routing, a wildcard certificate). Labels are DNS labels; `www` is the root site.",
      schema: z.record(z.string(), z.string()),
      readInProgram: true,
    },
    domain: {
      description: "Serve the site at a custom domain over HTTPS, with its certificate and DNS records.",
      schema: staticSiteDomainSchema,
      readInProgram: true,
    },
    indexDocument: {
      description: 'Key served for `/` and every path ending in `/`. Default `"index.html"`.',
      schema: z.string(),
      readInProgram: true,
    },
    errorDocument: {
      description: 'A page of the site served with status 404 for paths that do not exist, e.g. `"404.html"`.',
      schema: z.string(),
      readInProgram: true,
    },
    cacheControl: passedTo(syncedFolder, "cacheControl"),
    contentTypes: passedTo(syncedFolder, "contentTypes"),
    include: passedTo(syncedFolder, "include"),
    exclude: passedTo(syncedFolder, "exclude"),
    concurrency: passedTo(syncedFolder, "concurrency"),
    cacheTtlSeconds: {
      description: "Seconds the CDN caches an answer whose file has no Cache-Control max-age. Default 86400.",
      schema: behaviorFields.cacheTtlSeconds,
    },
    behaviors: passedTo(cdnResource, "behaviors"),
    viewerProtocolPolicy: {
      description: behaviorFields.viewerProtocolPolicy.description ?? "",
      schema: behaviorFields.viewerProtocolPolicy,
    },
    distributionDomain: passedTo(cdnResource, "distributionDomain"),
    forceDestroy: {
      description: "Delete the bucket on destroy even when it holds files the site did not upload. Default false.",
      schema: bucket.inputs.forceDestroy.schema,
    },
    atomic: {
      description:
        "Atomic deploys (`SiteReleases`): each `up` uploads the site as a new release (unchanged files copied in the bucket) " +
        "and switches the CDN to it at once, so visitors never see a mix of two versions. `true`, or `{ keep, release }`: " +
        "`keep` releases stay in the bucket (default 5); `release`, one of the site's `releases`, rolls back to it without an " +
        "upload. Not with tenants.",
      schema: z.union([z.boolean(), staticSiteAtomicSchema]),
      readInProgram: true,
    },
  },
  outputs: {
    url: {
      description:
        "Where to open the site: `https://<custom domain>/` with `domain` (the `www` host with tenants), else the distribution " +
        "domain's. Against the emulator, the same host at its edge on this machine: `http://<host>.localhost:<edge port>/` " +
        "(over HTTPS at the edge's HTTPS port once its CA is trusted).",
      schema: z.string(),
    },
    distributionDomain: { description: "The CDN's own domain, e.g. `r-….mamutecdn.com`: the CNAME target.", schema: z.string() },
    distributionUrl: {
      description: "`https://<distributionDomain>/` (against the emulator, its `.localhost` edge address, as `url`).",
      schema: z.string(),
    },
    tenantUrls: {
      description: "Tenant label → `https://<label>.<domain>/` (or the distribution URL's `/<label>/` without a domain).",
      schema: z.record(z.string(), z.string()),
    },
    bucketId: { description: "The id of the bucket holding the files.", schema: z.string() },
    bucketName: { description: "The bucket's name: what an S3 client takes as the bucket.", schema: z.string() },
    s3Endpoint: { description: "The S3 endpoint serving the bucket.", schema: z.string() },
    cdnResourceId: { description: "The id of the CDN resource serving the site.", schema: z.string() },
    nameservers: {
      description: "The zone's nameservers to set at the registrar, when the site created the zone.",
      schema: z.array(z.string()),
      required: false,
    },
    certificateId: { description: "The certificate serving the custom domain, when there is one.", schema: z.string(), required: false },
    dnsRecords: {
      description:
        "With `domain`, the DNS records the site's host needs, each `{ name, type, value }` with the full host name: the " +
        "requested certificate's validation record (none with `domain.certificateId`), then the CNAME of the custom domain " +
        "(`*.<name>` with tenants) to the distribution domain. With `domain.externalDns`, create them at your DNS; otherwise " +
        "the site made them in its zone and lists them for information. Empty without `domain`.",
      schema: z.array(staticSiteDnsRecordSchema),
    },
    releaseId: { description: "With `atomic`: the release served.", schema: z.string(), required: false },
    keptReleases: {
      description: "With `atomic`: the kept releases, the live one first, then newest first (what `atomic.release` accepts).",
      schema: z.array(z.string()),
      required: false,
    },
  },
};
