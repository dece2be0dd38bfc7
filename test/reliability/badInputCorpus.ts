// Invalid inputs, per resource kind: each case changes one property of a valid input (or removes
// it) and says which property the check failure must name and what the reason must tell the user
// to do. A kind the provider registers without cases here fails the suite (badInput.test.ts).
export type Props = Record<string, unknown>;

export interface BadInput {
  /** The top-level property the failure must name. */
  property: string;
  /** Merged over the kind's valid input; `undefined` removes the property. */
  change: (fixture: Fixture) => Props;
  /** What the reason must say: the rule or the fix. */
  fix: RegExp;
}

export interface KindCorpus {
  /** A valid input; `bad` cases are built on it. */
  valid: (fixture: Fixture) => Props;
  bad: BadInput[];
}

export interface Fixture {
  certificatePem: string;
  privateKeyPem: string;
  siteDir: string;
  /** The SyncedFolder class's `files` and `headers` for siteDir. */
  manifest: { files: string; headers: Record<string, string> };
}

const bad = (property: string, value: unknown, fix: RegExp): BadInput => ({ property, change: () => ({ [property]: value }), fix });
/** A bad value made from the fixture (certificates, keys). */
const badWith = (property: string, value: (f: Fixture) => unknown, fix: RegExp): BadInput => ({
  property,
  change: (f) => ({ [property]: value(f) }),
  fix,
});
const missing = (property: string, fix: RegExp): BadInput => bad(property, undefined, fix);
/** A folder kind given no manifest (files, headers), which check computes from path, and these changes. */
const fromPath = (property: string, change: Props, fix: RegExp): BadInput => ({
  property,
  change: () => ({ files: undefined, headers: undefined, ...change }),
  fix,
});

export const corpus: Record<string, KindCorpus> = {};

corpus.Bucket = {
  valid: () => ({ name: "corpus-bucket" }),
  bad: [
    bad("name", "AB", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "a", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "x".repeat(64), /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "has_underscore", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "-leading", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "trailing-", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "dots.in.name", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", "sp ace", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", 42, /expected string/),
    bad("name", "", /must be 3-63 characters of a-z, 0-9 and "-",/),
    bad("name", ["a"], /expected string/),
    bad("storageClass", "Glacier", /must be one of Standard, InfrequentAccess,/),
    bad("storageClass", "", /must be one of Standard, InfrequentAccess,/),
    bad("storageClass", 7, /expected string/),
    bad("storageClass", true, /expected string/),
    bad("forceDestroy", "yes", /expected boolean/),
    bad("forceDestroy", 1, /expected boolean/),
    bad("forceDestroy", {}, /expected boolean/),
  ],
};

corpus.BucketCredential = {
  valid: () => ({ bucketId: "b-123" }),
  bad: [
    missing("bucketId", /is required/),
    bad("bucketId", "", /must be a bucket id \(a Bucket's `id` output,/),
    bad("bucketId", 12, /expected string/),
    bad("bucketId", "a/b", /must be a bucket id \(a Bucket's `id` output,/),
    bad("bucketId", { id: "x" }, /expected string/),
    bad("active", "true", /expected boolean/),
    bad("active", 0, /expected boolean/),
    bad("active", [], /expected boolean/),
    bad("rotation", 5, /expected string/),
    bad("rotation", {}, /expected string/),
    bad("rotation", ["r"], /expected string/),
  ],
};

corpus.DnsZone = {
  valid: () => ({ domain: "corpus.example" }),
  bad: [
    missing("domain", /is required/),
    bad("domain", "", /must be a domain of at least two labels,/),
    bad("domain", "localhost", /must be a domain of at least two labels,/),
    bad("domain", "exa mple.com", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", "-bad.example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", "a..b.example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", "x".repeat(64) + ".example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", "http://example.com", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", "*.example.com", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domain", 3, /expected string/),
    bad("domain", "under_score.example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("forceDestroy", "no", /expected boolean/),
    bad("forceDestroy", 0, /expected boolean/),
  ],
};

corpus.DnsRecord = {
  valid: () => ({ zoneId: "z-1", name: "www", type: "A", values: ["192.0.2.1"] }),
  bad: [
    missing("zoneId", /is required/),
    bad("zoneId", "", /must be a DnsZone id \(a DnsZone's `id`/),
    bad("zoneId", 7, /expected string/),
    missing("name", /is required/),
    bad("name", "bad name", /is not a valid record name: use "@" for the/),
    bad("name", "a..b", /is not a valid record name: use "@" for the/),
    bad("name", "x".repeat(64), /is not a valid record name: use "@" for the/),
    bad("name", 5, /expected string/),
    missing("type", /is required/),
    bad("type", "AXFR", /is not a record type: use one of A, AAAA,/),
    bad("type", "", /is not a record type: use one of A, AAAA,/),
    bad("type", 1, /expected string/),
    missing("values", /is required/),
    bad("values", [], /must be a list of 1-100 strings/),
    bad("values", ["300.1.1.1"], /must be a dotted-quad IPv4 address without/),
    bad("values", ["not-an-ip"], /must be a dotted-quad IPv4 address without/),
    bad("values", "192.0.2.1", /must be a list of 1-100 strings/),
    bad(
      "values",
      Array.from({ length: 101 }, (_, i) => `192.0.2.${i % 250}`),
      /must be a list of 1-100 strings/,
    ),
    bad("values", [1], /must be a list of 1-100 strings/),
    bad("values", ["::1"], /must be a dotted-quad IPv4 address without/),
    bad("ttl", 30, /must be a whole number of seconds from 60 to/),
    bad("ttl", 86401, /must be a whole number of seconds from 60 to/),
    bad("ttl", "1h", /must be a whole number of seconds from 60 to/),
    bad("ttl", 1.5, /must be a whole number of seconds from 60 to/),
    bad("ttl", -1, /must be a whole number of seconds from 60 to/),
    bad("priority", 10, /only MX records take a priority: remove it/),
  ],
};

corpus.Certificate = {
  valid: () => ({ domainName: "www.corpus.example" }),
  bad: [
    missing("domainName", /is required/),
    bad("domainName", "", /must be a domain of at least two labels,/),
    bad("domainName", "localhost", /must be a domain of at least two labels,/),
    bad("domainName", "*.*.corpus.example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domainName", "www.corpus.example/path", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("domainName", "192.0.2.1", /the top-level label of "192\.0\.2\.1" must not/),
    bad("domainName", 8, /expected string/),
    bad("domainName", "www..corpus.example", /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("subjectAlternativeNames", "a.corpus.example", /expected array/),
    bad("subjectAlternativeNames", ["bad name.example"], /must be 1-63 characters of a-z, 0-9 and -,/),
    bad("subjectAlternativeNames", [3], /expected string/),
    bad(
      "subjectAlternativeNames",
      Array.from({ length: 200 }, (_, i) => `n${i}.corpus.example`),
      /at most 100 names/,
    ),
    bad("deleteTimeout", "soon", /must be a positive duration of hours,/),
    bad("deleteTimeout", 30, /expected string/),
    bad("deleteTimeout", "-5m", /must be a positive duration of hours,/),
    bad("deleteTimeout", "", /must be a positive duration of hours,/),
  ],
};

corpus.CertificateValidation = {
  valid: () => ({ certificateId: "c-1" }),
  bad: [
    missing("certificateId", /is required/),
    bad("certificateId", "", /must be a certificate id \(a Certificate's/),
    bad("certificateId", 9, /expected string/),
    bad("timeout", "forever", /must be a positive duration of hours,/),
    bad("timeout", 60, /expected string/),
    bad("timeout", "1 hour", /must be a positive duration of hours,/),
    bad("timeout", "", /must be a positive duration of hours,/),
    bad("timeout", "-1m", /must be a positive duration of hours,/),
  ],
};

corpus.ImportedCertificate = {
  valid: (f) => ({ certificate: f.certificatePem, privateKey: f.privateKeyPem }),
  bad: [
    missing("certificate", /is required/),
    bad("certificate", "", /holds no PEM block \(expected text starting/),
    bad("certificate", "not a pem", /holds no PEM block \(expected text starting/),
    badWith("certificate", (f) => f.privateKeyPem, /holds a PRIVATE KEY block; certificate takes/),
    bad("certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /is not a valid X\.509 certificate \(its DER/),
    badWith("certificate", (f) => f.certificatePem + f.certificatePem, /holds 2 certificates; put only the site's/),
    bad("certificate", 4, /expected string/),
    missing("privateKey", /is required/),
    bad("privateKey", "", /holds no PEM block \(expected text starting/),
    bad("privateKey", "not a key", /holds no PEM block \(expected text starting/),
    badWith("privateKey", (f) => f.certificatePem, /holds a CERTIFICATE block, not a private key/),
    bad(
      "privateKey",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
      /is encrypted; give the key unencrypted \(e\.g\./,
    ),
    bad("privateKey", 5, /expected string/),
    bad("certificateChain", "garbage", /holds no PEM block \(expected text starting/),
    badWith("certificateChain", (f) => f.privateKeyPem, /holds a PRIVATE KEY block; certificateChain/),
    bad("certificateChain", 6, /expected string/),
    bad("deleteTimeout", "whenever", /must be a positive duration of hours,/),
    bad("deleteTimeout", 10, /expected string/),
  ],
};

corpus.CdnResource = {
  valid: () => ({ storageOrigin: { bucketId: "b-1" } }),
  bad: [
    bad("name", "", /1-64 characters of letters, digits, space,/),
    bad("name", "x".repeat(65), /1-64 characters of letters, digits, space,/),
    bad("name", "bad/name", /1-64 characters of letters, digits, space,/),
    bad("name", " leading", /1-64 characters of letters, digits, space,/),
    bad("name", 3, /expected string/),
    bad("description", "x".repeat(501), /Too big: expected string to have <=500/),
    bad("description", 7, /expected string/),
    missing("storageOrigin", /is required: give storageOrigin \(a bucket\)/),
    bad("storageOrigin", {}, /expected string/),
    bad("storageOrigin", { bucketId: "b-1", originPath: "site" }, /must be "" or a path of "\/"-separated/),
    bad("storageOrigin", { bucketId: "b-1", originPath: "/a/../b" }, /must be "" or a path of "\/"-separated/),
    bad("storageOrigin", { bucketId: "b-1", defaultRootObject: "/index.html" }, /must be a key name without a leading "\/"/),
    bad("storageOrigin", "b-1", /expected object/),
    bad("customOrigin", { hostname: "example.com" }, /give either storageOrigin or customOrigin,/),
    bad("distributionDomain", "ab", /is not a distribution name: use a label of/),
    bad("distributionDomain", "-bad-", /is not a distribution name: use a label of/),
    bad("distributionDomain", "my_site", /is not a distribution name: use a label of/),
    bad("distributionDomain", "x".repeat(64), /is not a distribution name: use a label of/),
    bad("distributionDomain", "r-0123456789abcdef", /has the shape of a generated name \(r- and 16 hex digits\)/),
    bad("distributionDomain", "R-0123456789ABCDEF.mamutecdn.com", /has the shape of a generated name/),
    bad("defaultBehavior", { cacheTtlSeconds: -1 }, /must be at least 0/),
    bad("defaultBehavior", { cacheTtlSeconds: 31_536_001 }, /must be at most 31536000/),
    bad("defaultBehavior", { viewerProtocolPolicy: "sometimes" }, /is not a viewer protocol policy: use one of/),
    bad("defaultBehavior", { subdomainRouting: "yes" }, /expected boolean/),
    bad("defaultBehavior", "fast", /expected object/),
    bad("behaviors", [{ priority: 0, pathPattern: "/a/*" }], /must be at least 1/),
    bad("behaviors", [{ priority: 1, pathPattern: "a/*" }], /must be 1-255 characters starting with "\/",/),
    bad(
      "behaviors",
      [
        { priority: 1, pathPattern: "/a/*" },
        { priority: 1, pathPattern: "/b/*" },
      ],
      /priorities must be unique/,
    ),
    bad("behaviors", [{ priority: 101, pathPattern: "/a/*" }], /must be at most 100/),
    bad("behaviors", {}, /expected array/),
    bad("customErrorResponses", [{ errorCode: 200 }], /expected string/),
    bad("customErrorResponses", "404", /expected array/),
    bad("tokenAuth", "on", /expected boolean/),
    bad("tokenAuth", 1, /expected boolean/),
    bad("deployTimeout", "long", /must be a positive duration of hours,/),
    bad("deployTimeout", 5, /expected string/),
  ],
};

corpus.CdnCustomDomain = {
  valid: () => ({ resourceId: "r-1", domainName: "www.corpus.example" }),
  bad: [
    missing("resourceId", /is required/),
    bad("resourceId", "", /must be a CDN resource id \(a CdnResource's/),
    bad("resourceId", 3, /expected string/),
    missing("domainName", /is required/),
    bad("domainName", "", /is not a domain name \(a wildcard "\*\." may/),
    bad("domainName", "bad name.example", /is not a domain name \(a wildcard "\*\." may/),
    bad("domainName", "localhost", /is not a domain name \(a wildcard "\*\." may/),
    bad("domainName", "http://www.corpus.example", /is not a domain name \(a wildcard "\*\." may/),
    bad("domainName", "*.*.corpus.example", /is not a domain name \(a wildcard "\*\." may/),
    bad("domainName", "x.mamutecdn.com", /is under mamutecdn\.com: set a CdnResource's/),
    bad("domainName", 4, /expected string/),
    bad("additionalDomains", "corpus.example", /expected array/),
    bad(
      "additionalDomains",
      Array.from({ length: 11 }, (_, i) => `a${i}.corpus.example`),
      /at most 10 additional domains/,
    ),
    bad("additionalDomains", ["bad name"], /is not a domain name \(a wildcard "\*\." may/),
    bad("certificateId", "", /Too small: expected string to have >=1/),
    bad("certificateId", 5, /expected string/),
    bad("active", "yes", /expected boolean/),
    bad("active", 2, /expected boolean/),
    bad("activationTimeout", "eventually", /must be a positive duration of hours,/),
    bad("activationTimeout", 30, /expected string/),
  ],
};

corpus.SyncedFolder = {
  valid: (f) => ({ bucket: "b-1", accessKeyId: "AKCORPUS", secretAccessKey: "corpus-secret", path: f.siteDir, ...f.manifest }),
  bad: [
    missing("bucket", /is required/),
    bad("bucket", "a/b", /must be a bucket id, without "\/" or spaces/),
    bad("bucket", "", /must be a bucket id, not empty/),
    bad("bucket", 3, /expected string/),
    missing("accessKeyId", /is required/),
    bad("accessKeyId", "", /must be an S3 access key id, not empty/),
    bad("accessKeyId", 4, /expected string/),
    missing("secretAccessKey", /is required/),
    bad("secretAccessKey", "", /must be an S3 secret access key, not empty/),
    bad("secretAccessKey", 5, /expected string/),
    bad("prefix", "a/../b", /must be a folder path such as "site" or/),
    bad("prefix", "a//b", /must be a folder path such as "site" or/),
    bad("prefix", 6, /expected string/),
    missing("path", /is required/),
    bad("path", "", /must be a folder path, not empty/),
    bad("path", 7, /expected string/),
    bad("concurrency", 0, /Too small: expected number to be >=1/),
    bad("concurrency", 65, /Too big: expected number to be <=64/),
    bad("concurrency", 1.5, /expected int/),
    bad("concurrency", "8", /expected number/),
    bad("s3Endpoint", "ftp://x", /must be an http\(s\) URL such as/),
    bad("s3Endpoint", "not a url", /must be an http\(s\) URL such as/),
    bad("s3Endpoint", 8, /expected string/),
    missing("files", /is required/),
    bad("files", "@files 1\n../escape.html\t1B2M2Y8AsgTpgAmY7PhCfg 0 aaaaaa\n", /"\.\.\/escape\.html" is not a relative path/),
    bad("files", "@files 1\nindex.html\tnonsense\n", /"index\.html": the entry must be "<hash> <size> <headers code>" as/),
    bad(
      "files",
      "@files 1\nindex.html\td41d8cd98f00b204e9800998ecf8427e 0 zzzzzz\n",
      /the entry must be "<hash> <size> <headers code>" as/,
    ),
    bad("files", "@files 1\nindex.html 1B2M2Y8AsgTpgAmY7PhCfg 0 aaaaaa\n", /line "index\.html 1B2M2Y8AsgTpgAmY7PhCfg 0 aaaaaa" has no tab/),
    bad("files", { "index.html": "1B2M2Y8AsgTpgAmY7PhCfg 0 aaaaaa" }, /must be the manifest the SyncedFolder class computes \(encodeFiles/),
    bad("files", [], /must be the manifest the SyncedFolder class computes/),
    missing("headers", /is required/),
    bad("headers", {}, /has no entry "[A-Za-z0-9_-]{6}" that file "index\.html"/),
    bad("headers", { aaaaaa: 3 }, /expected string/),
    bad("cacheControl", { "**/*.js": 5 }, /expected string/),
    bad("cacheControl", ["public"], /expected record/),
    bad("cacheControl", "public", /expected record/),
    bad("contentTypes", { "**/*.md": 5 }, /expected string/),
    bad("contentTypes", "text/markdown", /expected record/),
    bad("cdnResourceId", "", /must be a CDN resource id, not empty/),
    bad("cdnResourceId", 9, /expected string/),
    bad("include", "**/*", /expected array/),
    bad("exclude", "**/.git/**", /expected array/),
    // Given path alone (no files, no headers), check reads the folder: its failures name their property.
    fromPath(
      "path",
      { path: "/nonexistent/mamute-corpus" },
      /"\/nonexistent\/mamute-corpus" does not exist \(resolved to \/nonexistent\/mamute-corpus\)\. Build the site first/,
    ),
    fromPath("cacheControl", { cacheControl: { "**": "public|private" } }, /must be a non-empty header value without "\|"/),
  ],
};

// SiteReleases shares SyncedFolder's folder and S3 inputs (and their checks); its CDN resource is required.
corpus.SiteReleases = {
  valid: (f) => ({ ...corpus.SyncedFolder.valid(f), cdnResourceId: "cdn-1" }),
  bad: [
    ...corpus.SyncedFolder.bad.filter((c) => c.property !== "cdnResourceId"),
    missing("cdnResourceId", /is required/),
    bad("cdnResourceId", "", /must be a CDN resource id, not empty/),
    bad("cdnResourceId", 9, /expected string/),
    bad("keep", 0, /Too small: expected number to be >=1/),
    bad("keep", 101, /Too big: expected number to be <=100/),
    bad("keep", 2.5, /expected int/),
    bad("release", "last-tuesday", /must be a release id \(16 hex characters\) from the `releases` output/),
    bad("release", 5, /expected string/),
    bad("deployTimeout", "long", /must be a positive duration of hours,/),
    bad("deployTimeout", 5, /expected string/),
  ],
};

/**
 * The StaticSite component: its own argument mistakes, thrown when the program runs (so at
 * `pulumi preview`), before any child registers. `args` is built on a site folder `dir`.
 */
export interface ComponentBadInput {
  property: string;
  args: (dir: string) => Record<string, unknown>;
  fix: RegExp;
}

const site = (property: string, args: (dir: string) => Record<string, unknown>, fix: RegExp): ComponentBadInput => ({
  property,
  args,
  fix,
});
const onDomain = (domain: Record<string, unknown>) => (dir: string) => ({ path: dir, domain });
const withTenants = (tenants: Record<string, string>) => () => ({ tenants });

export const staticSiteCorpus: ComponentBadInput[] = [
  site("path", () => ({}), /path is required: the folder of the site's files/),
  site("path", () => ({ domain: { name: "www.example.com" } }), /path is required: the folder of the site's files/),
  site("domain.name", onDomain({ name: "example.com" }), /is the apex of the zone example\.com, where a CNAME record cannot go/),
  site("domain.name", onDomain({ name: "not a domain" }), /domain\.name .*label/),
  site("domain.name", onDomain({ name: "" }), /domain\.name must be a domain of at least two labels/),
  site("domain.name", onDomain({ name: "www..example.com" }), /domain\.name .*label ""/),
  site("domain.name", onDomain({ name: "-www.example.com" }), /domain\.name .*not starting or ending with -/),
  site("domain.name", onDomain({ name: "www.example.com/path" }), /domain\.name .*label/),
  site("domain.name", onDomain({ name: "localhost" }), /domain\.name must be a domain of at least two labels/),
  site(
    "domain.zoneDomain",
    onDomain({ name: "www.example.com", zoneDomain: "other.com" }),
    /is not in the zone "other\.com" \(domain\.zoneDomain\); give the zone that holds it/,
  ),
  site("domain.zoneDomain", onDomain({ name: "www.example.com", zoneDomain: "bad zone" }), /domain\.zoneDomain .*label/),
  site(
    "domain.zoneDomain",
    onDomain({ name: "www.example.com", zoneDomain: "com" }),
    /domain\.zoneDomain must be a domain of at least two labels/,
  ),
  site(
    "domain.zoneId",
    onDomain({ name: "www.example.com", externalDns: true, zoneId: "zone-1" }),
    /domain\.externalDns says the domain's DNS is hosted elsewhere, where no record is made: give one or the other/,
  ),
  site(
    "domain.zoneDomain",
    onDomain({ name: "www.example.com", externalDns: true, zoneDomain: "example.com" }),
    /domain\.externalDns says the domain's DNS is hosted elsewhere, where no record is made: give one or the other/,
  ),
  site("domain.externalDns", onDomain({ name: "www.example.com", externalDns: "yes" }), /domain\.externalDns must be true or false/),
  site("tenants", withTenants({ "Acme Corp": "." }), /tenants key "Acme Corp" is not a DNS label; use 1-63 characters/),
  site("tenants", withTenants({ "-acme": "." }), /tenants key "-acme" is not a DNS label/),
  site("tenants", withTenants({ "acme.corp": "." }), /tenants key "acme\.corp" is not a DNS label/),
  site("tenants", withTenants({ ["x".repeat(64)]: "." }), /is not a DNS label; use 1-63 characters/),
  site("tenants", withTenants({ www: "." }), /tenants key "www" is the root site \(served from path\); name the tenant otherwise/),
  site(
    "distributionDomain",
    (dir) => ({ path: dir, distributionDomain: "r-00112233aabbccdd" }),
    /has the shape of a generated name \(r- and 16 hex digits\)/,
  ),
];
