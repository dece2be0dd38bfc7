import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";
import * as shardlyn from "pulumi-shardlyn";

// The site is served by MamuteCloud (bucket, CDN, certificate, custom domain); its domain's DNS is
// at Shardlyn, in a zone hosted at the DNS provider behind one of Shardlyn's cloud credentials.
const config = new pulumi.Config();
const host = config.get("host") ?? "www.example.com";
// The zone and its credential, as `shardlyn.getDnsZone({ domain })` answers them (or the emulator
// prints them). Given here rather than looked up, so an `up` that changes only files sends nothing
// to Shardlyn.
const zoneId = config.require("zoneId");
const credentialId = config.require("credentialId");

const site = new mamutecloud.StaticSite("site", {
  path: "./www",
  domain: { name: host, externalDns: true },
});

// The records the site needs at Shardlyn: the certificate's validation record, then the CNAME of
// the host to the CDN. Declared at the top level, so a preview shows them; the engine creates them
// while the certificate's validation waits for them.
export const records = ["certificate-validation", "www"].map((role, i) => {
  const record = site.dnsRecords.apply((all) => all[i]);
  return new shardlyn.DnsRecord(role, {
    credentialId,
    zoneId,
    type: record.type,
    name: record.name,
    content: record.value,
    ttl: 300,
  }).fqdn;
});

export const url = site.url;
export const distributionDomain = site.distributionDomain;
