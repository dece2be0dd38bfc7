import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

// The site CI deploys: the folder its build writes (./site here; set `path` to your build output,
// e.g. ./dist), optionally at a custom domain. The workflow in .github/workflows/site.yml previews
// pull requests, deploys main and checks for drift every night.
const config = new pulumi.Config();
const domain = config.get("domain");

const site = new mamutecloud.StaticSite("site", {
  path: config.get("path") ?? "./site",
  errorDocument: config.get("errorDocument"),
  domain: domain ? { name: domain, zoneId: config.get("zoneId") } : undefined,
});

export const url = site.url;
export const distributionDomain = site.distributionDomain;
export const nameservers = site.nameservers;
