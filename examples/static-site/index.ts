import * as mamutecloud from "pulumi-mamutecloud";

// The folder ./www goes to a new bucket and is served by a CDN resource. Each `pulumi up` uploads
// only the files changed since the last one and purges exactly their paths at the edge.
const site = new mamutecloud.StaticSite("site", {
  path: "./www",
  errorDocument: "404.html",
});

export const url = site.url;
export const distributionDomain = site.distributionDomain;
export const bucketId = site.bucketId;
