import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as mamutecloud from "pulumi-mamutecloud";

// Your own certificate for the host, as PEM files (from your CA, or `openssl` to try it: see the
// README). The private key is kept secret in the state.
const config = new pulumi.Config();
const host = config.get("host") ?? "www.example.com";
const chainFile = config.get("certificateChainFile");

const certificate = new mamutecloud.ImportedCertificate("certificate", {
  certificate: fs.readFileSync(config.get("certificateFile") ?? "certs/site.crt", "utf8"),
  certificateChain: chainFile ? fs.readFileSync(chainFile, "utf8") : undefined,
  privateKey: pulumi.secret(fs.readFileSync(config.get("privateKeyFile") ?? "certs/site.key", "utf8")),
});

// The site at the host over HTTPS with that certificate: the zone, custom domain and CNAME come with it.
const site = new mamutecloud.StaticSite("site", {
  path: "./www",
  domain: { name: host, certificateId: certificate.id },
});

export const url = site.url;
export const nameservers = site.nameservers;
export const distributionDomain = site.distributionDomain;
export const certificateExpires = certificate.notAfter;
