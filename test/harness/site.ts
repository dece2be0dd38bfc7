// A static site on a custom domain made of explicit resources (what StaticSite composes): a bucket
// with its files (SyncedFolder), two credentials, a DNS zone with the certificate's validation
// record, the CNAME and five more records, a certificate and its validation, a CDN resource and the
// custom domain. Applied in the engine's dependency order through the scripted engine. Used by the
// fault run and the interrupted runs.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { manifestInputs } from "../../provider/sync/manifest";
import { edgeGetTls } from "../emulator/cdn-helpers";
import { sdkClient } from "../emulator/s3-helpers";
import type { Engine } from "./engine";
import type { Emulator } from "./emulator";
import { settleAll } from "./stack";

export const SITE_FILES = 210;
export const SITE_RESOURCES = 16;

export interface SiteVersion {
  /** Which generation of the files: 0 first, 1 changes 20, removes 5 and adds 5. */
  files: 0 | 1;
  /** Changed cache rule for the pages. */
  cacheRules: 0 | 1;
  /** 1 adds the apex to the certificate: a replacement, validated, then switched to. */
  certificate: 0 | 1;
}

export const FIRST: SiteVersion = { files: 0, cacheRules: 0, certificate: 0 };
export const CHANGED: SiteVersion = { files: 1, cacheRules: 1, certificate: 1 };

/** The site's files for a version: path → body. Small, so the run stays short; a few per folder. */
export function siteFiles(version: 0 | 1): Record<string, string> {
  const files: Record<string, string> = { "index.html": `<h1>home v${version}</h1>` };
  for (let i = 0; i < SITE_FILES - 1; i++) {
    if (version === 1 && i >= 100 && i < 105) continue;
    const changed = version === 1 && i < 20 ? " changed" : "";
    files[`section-${i % 7}/page-${i}.html`] = `<p>page ${i}${changed}</p>${"x".repeat(i * 3)}`;
  }
  if (version === 1) for (let i = 0; i < 5; i++) files[`added/new-${i}.css`] = `.new-${i} { color: red }`;
  return files;
}

export function writeSite(dir: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
}

export function cacheRules(version: 0 | 1): Record<string, string> {
  return version ? { "section-*/**": "public, max-age=600" } : { "section-*/**": "public, max-age=60" };
}

/** `pulumi up` of the whole site for `version`, the site's files being in `dir` already. */
export async function upSite(engine: Engine, prefix: string, dir: string, version: SiteVersion): Promise<void> {
  const domain = `${prefix}.example`;
  const host = `www.${domain}`;
  await settleAll([
    engine.up("Bucket", "bucket", { name: `${prefix}-site`, forceDestroy: true }),
    engine.up("DnsZone", "zone", { domain }),
    engine.up(
      "Certificate",
      "certificate",
      { domainName: host, ...(version.certificate ? { subjectAlternativeNames: [domain] } : {}) },
      { deferDelete: true },
    ),
  ]);
  const bucketId = engine.get("bucket").id;
  const zoneId = engine.get("zone").id;
  const records = engine.get("certificate").outputs.validationRecords as Array<{
    domainName: string;
    name: string;
    type: string;
    value: string;
  }>;
  await settleAll([
    engine.up("BucketCredential", "deployer", { bucketId }),
    engine.up("BucketCredential", "ci", { bucketId, active: false }),
    engine.up("CdnResource", "cdn", { storageOrigin: { bucketId }, deployTimeout: "2m" }),
    ...records.map((record, i) =>
      engine.up("DnsRecord", `validation-${i}`, { zoneId, name: record.name, type: record.type, values: [record.value] }),
    ),
    engine.up("DnsRecord", "apex", { zoneId, name: "@", type: "A", values: ["192.0.2.10"] }),
    engine.up("DnsRecord", "mail", { zoneId, name: "@", type: "MX", values: [`10 mx.${domain}`] }),
    engine.up("DnsRecord", "spf", { zoneId, name: "@", type: "TXT", values: ["v=spf1 -all"] }),
    engine.up("DnsRecord", "caa", { zoneId, name: "@", type: "CAA", values: ['0 issue "mamutecloud.com"'] }),
    engine.up("DnsRecord", "sip", { zoneId, name: "_sip._tcp", type: "SRV", values: [`10 5 5060 sip.${domain}`] }),
  ]);
  const deployer = engine.get("deployer").outputs;
  const cdnId = engine.get("cdn").id;
  const rules = cacheRules(version.cacheRules);
  const manifest = manifestInputs({ path: dir, cacheControl: rules });
  await settleAll([
    engine.up("CertificateValidation", "validation", { certificateId: engine.get("certificate").id, timeout: "2m" }, { deferDelete: true }),
    engine.up("SyncedFolder", "files", {
      bucket: bucketId,
      accessKeyId: deployer.accessKeyId,
      secretAccessKey: deployer.secretAccessKey,
      path: dir,
      cacheControl: rules,
      cdnResourceId: cdnId,
      files: manifest.files,
      headers: manifest.headers,
    }),
  ]);
  await engine.up("CdnCustomDomain", "www", {
    resourceId: cdnId,
    domainName: host,
    certificateId: engine.get("validation").id,
    activationTimeout: "2m",
  });
  await engine.up("DnsRecord", "www-cname", { zoneId, name: "www", type: "CNAME", values: [engine.get("www").outputs.cnameTarget] });
  // Replaced resources (the old certificate, its validation) go last, as the engine deletes them.
  await engine.finishReplacements();
}

/** `pulumi destroy`: dependents first, each wave at once. */
export async function destroySite(engine: Engine): Promise<void> {
  const waves = [
    ["www-cname", "files"],
    ["www"],
    ["validation", "cdn", "deployer", "ci"],
    [...engine.state.keys()].filter(
      (name) => name.startsWith("validation-") || ["apex", "mail", "spf", "caa", "sip", "certificate"].includes(name),
    ),
    ["bucket", "zone"],
  ];
  for (const wave of waves) await settleAll(wave.filter((name) => engine.state.has(name)).map((name) => engine.destroy(name)));
}

/** Every object in the site's bucket, key → body, read with the stack's own credential. */
export async function bucketContents(emu: Emulator, engine: Engine): Promise<Record<string, string>> {
  const bucket = engine.get("bucket").id;
  const { accessKeyId, secretAccessKey } = engine.get("deployer").outputs as { accessKeyId: string; secretAccessKey: string };
  const s3 = sdkClient(emu, { accessKeyId, secretAccessKey });
  const contents: Record<string, string> = {};
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        contents[object.Key as string] = await answer.Body!.transformToString();
      }
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    s3.destroy();
  }
  return contents;
}

/** One HTTPS GET of `path` at `host` from the emulator's edge on a new connection, verified with its CA. */
export async function fetchFromEdge(emu: Emulator, host: string, path = "/index.html"): Promise<{ status: number; body: string }> {
  const { status, body } = await edgeGetTls(emu, { host, path, ca: emu.caCertificatePem, timeoutMs: 5000 });
  return { status, body };
}
