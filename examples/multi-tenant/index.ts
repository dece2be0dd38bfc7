import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

// Each tenant is served at <tenant>.<domain> from its own folder in one bucket, through one CDN
// resource with subdomain routing and one wildcard certificate (*.<domain>) validated in the zone.
const config = new pulumi.Config();
const domain = config.get("domain") ?? "example.com";

const site = new mamutecloud.StaticSite("tenants", {
  path: "./www", // the root site, at www.<domain>
  tenants: {
    acme: "./tenants/acme",
    globex: "./tenants/globex",
  },
  domain: { name: domain },
});

export const url = site.url;
export const tenantUrls = site.tenantUrls;
export const nameservers = site.nameservers;
export const distributionDomain = site.distributionDomain;
