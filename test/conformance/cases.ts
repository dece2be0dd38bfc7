// The conformance matrix's cases: the same stacks through the real provider host against the
// emulator in its default dialect, in each dialect alone, and in `all` (test/harness/dialects.ts),
// declared by `describeMatrix` for the sets a test file gives it (matrix.test.ts, matrix-2.test.ts). A real
// MamuteCloud may answer in any way the API documents leave open; whatever it picks, a stack must
// end the same: no orphan left on the server, no credential secret lost, no foreign object
// adopted, no stack stuck, and no wait outliving a failure word. One emulator and one provider
// host per dialect; every outcome is read from the emulator's state, which no dialect changes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Engine } from "../harness/engine";
import { HostCallError, REPO_ROOT, type Props } from "../harness/providerHost";
import type { Lifecycle } from "../harness/lifecycle";
import type { Emulator } from "../harness/emulator";
import { adoptedForeign, apiAsDefault, orphans, startDialectLifecycle, type DialectSet } from "../harness/dialects";
import { destroyAll, runProgram } from "../harness/program";
import { TestCa } from "../harness/testCertificates";

/** The status a failed wait reports: one of the emulator's failure words (status-failures dialect). */
const FAILURE_WORD = /status (failed|error|validation_timed_out)\b/;
/**
 * The waits' timeout: a wait that outlives a failure word ends here (and its message says "timed
 * out", which the cases refuse). Generous, as the suite shares two cores with much else.
 */
const WAIT_TIMEOUT = "60s";
/** A backstop to the message check: a failure word ends a wait at the first look, long before the timeout. */
const FAILS_WITHIN_MS = 30_000;
/**
 * One StaticSite `up` (a dozen resources) may take this long; its CDN waits with the provider's
 * default timeout (30 minutes), so a wait that misses a failure word ends here instead.
 */
const PROGRAM_MS = 60_000;
const STATIC_SITE_MS = 4 * PROGRAM_MS;

// Inside the repository, so the program resolves @pulumi/pulumi and pulumi-mamutecloud from its node_modules.
const PROGRAM_DIR = path.join(REPO_ROOT, ".tmp", "conformance-program");
const PROGRAM = path.join(PROGRAM_DIR, "index.js");
const PROGRAM_TEXT = `const mamutecloud = require("pulumi-mamutecloud");
const site = new mamutecloud.StaticSite("site", JSON.parse(process.env.STATIC_SITE_ARGS));
exports.url = site.url;
exports.distributionDomain = site.distributionDomain;
exports.cdnResourceId = site.cdnResourceId;
`;

let work: string;
let testCa: TestCa;

/** The file-wide setup: a built, linked package for the StaticSite program, a folder, a CA. */
function prepare(): void {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, "node_modules", "pulumi-mamutecloud", "dist", "sdk", "index.js"))) {
      throw new Error("pulumi-mamutecloud is not built and linked: run `npm run build && node scripts/link-self.js` first (npm test does)");
    }
    fs.mkdirSync(PROGRAM_DIR, { recursive: true });
    fs.writeFileSync(PROGRAM, PROGRAM_TEXT);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-"));
    testCa = await TestCa.root();
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}

/** Runs a step that must fail, returning its error and how long it took. */
async function failingWithin(step: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const outcome = await step.then(
    () => new Error("expected the step to fail at a failure word"),
    (error: unknown) => error as Error,
  );
  return { error: outcome, ms: Date.now() - started };
}

/** A failure word ended the wait: at once, and the message names the word. */
function expectStoppedAtFailureWord({ error, ms }: { error: Error; ms: number }): void {
  expect(error).toBeInstanceOf(HostCallError);
  expect(error.message).toMatch(FAILURE_WORD);
  // A timeout's message names the last status too; only the time tells the two apart.
  expect(error.message).not.toMatch(/timed out/);
  expect(ms).toBeLessThan(FAILS_WITHIN_MS);
}

/** Every case, against each of `sets`: one emulator and one provider host per set. */
export function describeMatrix(sets: readonly DialectSet[]): void {
  jest.setTimeout(120_000);
  prepare();
  describe.each(sets)("dialect $name", (dialectSet: DialectSet) => {
    let lifecycle: Lifecycle;
    let emu: Emulator;
    let engine: Engine;
    /** The test's own objects, made beside the stack: never to be adopted, never orphans. */
    const foreign = new Set<string>();
    // API names unique on this emulator: the dialect's name is a DNS label.
    const slug = dialectSet.name;

    beforeAll(async () => {
      lifecycle = await startDialectLifecycle(dialectSet);
      ({ emu, engine } = lifecycle);
    });

    // A failed case leaves its resources in state; the next starts from nothing (what a destroy
    // cannot delete is forgotten, and the last case reports it as an orphan).
    afterEach(async () => {
      emu.clearFaults();
      if (engine.state.size) await destroyAll(engine).catch(() => undefined);
      engine.state.clear();
      engine.pendingDeletes.length = 0;
    });

    afterAll(() => lifecycle?.close());

    /** Refresh keeps the resource, then the same inputs are a no-op. */
    async function expectRefreshNoChange(kind: string, name: string, args: Props): Promise<void> {
      expect(await engine.refresh(name)).toBe(true);
      const step = await engine.up(kind, name, args);
      expect(step.op).toBe("same");
    }

    function expectNothingUnknown(): void {
      expect(orphans(emu, engine, foreign)).toEqual([]);
      expect(adoptedForeign(engine, foreign)).toEqual([]);
    }

    test("Bucket: create, no-op, rename, refresh, delete", async () => {
      const name = `b-${slug}`;
      expect((await engine.up("Bucket", "bucket", { name })).op).toBe("create");
      const { id } = engine.get("bucket");
      expect(emu.state.buckets.get(id)?.name).toBe(name);
      expect((await engine.up("Bucket", "bucket", { name })).op).toBe("same");
      expect((await engine.up("Bucket", "bucket", { name: `${name}-2` })).op).toBe("update");
      expect(emu.state.buckets.get(id)?.name).toBe(`${name}-2`);
      await expectRefreshNoChange("Bucket", "bucket", { name: `${name}-2` });
      await engine.destroy("bucket");
      expect(emu.state.buckets.has(id)).toBe(false);
      expectNothingUnknown();
    });

    test("BucketCredential: the secret in the outputs is the server's; no-op, deactivate, refresh, delete", async () => {
      await engine.up("Bucket", "cred-bucket", { name: `c-${slug}` });
      const bucketId = engine.get("cred-bucket").id;
      expect((await engine.up("BucketCredential", "cred", { bucketId })).op).toBe("create");
      const { outputs } = engine.get("cred");
      const kept = emu.state.credentials.get(String(outputs.accessKeyId));
      expect(kept).toBeDefined();
      expect(outputs.secretAccessKey).toBe(kept?.secretAccessKey);
      expect((await engine.up("BucketCredential", "cred", { bucketId })).op).toBe("same");
      expect((await engine.up("BucketCredential", "cred", { bucketId, active: false })).op).toBe("update");
      expect(kept?.status).toBe("inactive");
      await expectRefreshNoChange("BucketCredential", "cred", { bucketId, active: false });
      expect(engine.get("cred").outputs.secretAccessKey).toBe(kept?.secretAccessKey);
      await engine.destroy("cred");
      await engine.destroy("cred-bucket");
      expectNothingUnknown();
    });

    test("DnsZone and DnsRecord: create, no-op, update, refresh, delete", async () => {
      const domain = `z-${slug}.example`;
      expect((await engine.up("DnsZone", "zone", { domain })).op).toBe("create");
      const zoneId = engine.get("zone").id;
      expect(emu.state.zones.get(zoneId)?.domain).toBe(domain);
      const record = { zoneId, name: "www", type: "A", values: ["192.0.2.1"] };
      expect((await engine.up("DnsRecord", "record", record)).op).toBe("create");
      const recordId = engine.get("record").id.split("/").pop()!;
      expect((await engine.up("DnsRecord", "record", record)).op).toBe("same");
      expect((await engine.up("DnsRecord", "record", { ...record, values: ["192.0.2.2"] })).op).toBe("update");
      expect(emu.state.records.get(recordId)?.values).toEqual(["192.0.2.2"]);
      await expectRefreshNoChange("DnsRecord", "record", { ...record, values: ["192.0.2.2"] });
      expect((await engine.up("DnsZone", "zone", { domain, forceDestroy: true })).op).toBe("update");
      await expectRefreshNoChange("DnsZone", "zone", { domain, forceDestroy: true });
      await engine.destroy("record");
      await engine.destroy("zone");
      expect(emu.state.zones.has(zoneId)).toBe(false);
      expectNothingUnknown();
    });

    test("Certificate and CertificateValidation: issued through the zone (or stopped at its failure word), refresh, delete", async () => {
      const domain = `certs-${slug}.example`;
      await engine.up("DnsZone", "cert-zone", { domain });
      const zoneId = engine.get("cert-zone").id;
      const args = { domainName: `www.${domain}` };
      expect((await engine.up("Certificate", "cert", args)).op).toBe("create");
      const cert = engine.get("cert");
      const records = cert.outputs.validationRecords as Array<{ name: string; value: string; type: string }>;
      expect(records).toHaveLength(1);
      await engine.up("DnsRecord", "cert-record", { zoneId, name: records[0].name, type: records[0].type, values: [records[0].value] });
      const validation = engine.up("CertificateValidation", "cert-validation", { certificateId: cert.id, timeout: WAIT_TIMEOUT });
      if (dialectSet.readyNever) {
        expectStoppedAtFailureWord(await failingWithin(validation));
      } else {
        expect((await validation).op).toBe("create");
        expect(emu.state.certificates.get(cert.id)?.status).toBe("issued");
        await expectRefreshNoChange("CertificateValidation", "cert-validation", { certificateId: cert.id, timeout: WAIT_TIMEOUT });
      }
      expect((await engine.up("Certificate", "cert", args)).op).toBe("same");
      expect((await engine.up("Certificate", "cert", { ...args, deleteTimeout: "5m" })).op).toBe("update");
      await expectRefreshNoChange("Certificate", "cert", { ...args, deleteTimeout: "5m" });
      await destroyAll(engine);
      expect(emu.state.certificates.has(cert.id)).toBe(false);
      expectNothingUnknown();
    });

    test("ImportedCertificate: create, no-op, update, refresh, delete", async () => {
      const leaf = await testCa.server([`www.imported-${slug}.example`]);
      const args = { certificate: leaf.certificatePem, privateKey: leaf.privateKeyPem };
      expect((await engine.up("ImportedCertificate", "imported", args)).op).toBe("create");
      const { id } = engine.get("imported");
      expect(emu.state.certificates.get(id)?.status).toBe("issued");
      expect((await engine.up("ImportedCertificate", "imported", args)).op).toBe("same");
      expect((await engine.up("ImportedCertificate", "imported", { ...args, deleteTimeout: "5m" })).op).toBe("update");
      await expectRefreshNoChange("ImportedCertificate", "imported", { ...args, deleteTimeout: "5m" });
      await engine.destroy("imported");
      expect(emu.state.certificates.has(id)).toBe(false);
      expectNothingUnknown();
    });

    test("CdnResource and CdnCustomDomain: deployed (or stopped at its failure word), no-op, update, refresh, delete", async () => {
      await engine.up("Bucket", "cdn-bucket", { name: `cdn-${slug}` });
      const bucketId = engine.get("cdn-bucket").id;
      const args = { name: `cdn-${slug}`, storageOrigin: { bucketId }, distributionDomain: `site-${slug}`, deployTimeout: WAIT_TIMEOUT };
      const create = engine.up("CdnResource", "cdn", args);
      if (dialectSet.readyNever) {
        expectStoppedAtFailureWord(await failingWithin(create));
        await destroyAll(engine);
        expectNothingUnknown();
        return;
      }
      expect((await create).op).toBe("create");
      const { id, outputs } = engine.get("cdn");
      expect(outputs.distributionDomain).toBe(`site-${slug}.mamutecdn.com`);
      expect(emu.state.cdnResources.get(id)?.distributionDomain).toBe(`site-${slug}.mamutecdn.com`);
      expect((await engine.up("CdnResource", "cdn", args)).op).toBe("same");
      expect((await engine.up("CdnResource", "cdn", { ...args, description: "changed" })).op).toBe("update");
      expect(emu.state.cdnResources.get(id)?.description).toBe("changed");
      await expectRefreshNoChange("CdnResource", "cdn", { ...args, description: "changed" });

      const host = `www.cdn-${slug}.example`;
      const leaf = await testCa.server([host]);
      await engine.up("ImportedCertificate", "cdn-cert", { certificate: leaf.certificatePem, privateKey: leaf.privateKeyPem });
      const domainArgs = { resourceId: id, domainName: host, certificateId: engine.get("cdn-cert").id, activationTimeout: WAIT_TIMEOUT };
      expect((await engine.up("CdnCustomDomain", "cdn-domain", domainArgs)).op).toBe("create");
      expect(emu.state.cdnResources.get(id)?.customDomains.map((domain) => [domain.domainName, domain.status])).toEqual([[host, "active"]]);
      expect((await engine.up("CdnCustomDomain", "cdn-domain", domainArgs)).op).toBe("same");
      await expectRefreshNoChange("CdnCustomDomain", "cdn-domain", domainArgs);
      await destroyAll(engine);
      expect(emu.state.cdnResources.has(id)).toBe(false);
      expectNothingUnknown();
    });

    test("lost create answers (bucket, record, credential, certificate, CDN): the stack adopts its own object, never a foreign one, and leaves no orphan", async () => {
      // forceDestroy: the zone holds the foreign records below, which go with it.
      await engine.up("DnsZone", "lost-zone", { domain: `lost-${slug}.example`, forceDestroy: true });
      const zoneId = engine.get("lost-zone").id;
      // Same name other type, same type other name: what a lookup whose filter is ignored also sees.
      for (const record of [
        { name: "www", type: "TXT", values: ["foreign"] },
        { name: "www2", type: "A", values: ["192.0.2.99"] },
      ]) {
        const made = await apiAsDefault(emu, "POST", `/dns/zones/${zoneId}/records`, record);
        foreign.add(`${zoneId}/${made.body.id}`);
      }
      await engine.up("Bucket", "lost-cred-bucket", { name: `lost-cred-${slug}` });
      const bucketId = engine.get("lost-cred-bucket").id;
      const lose = (...routes: string[]) =>
        emu.setFaults({ rules: routes.map((route) => ({ route, fault: "lost_response" as const, times: 1 })) });
      /** The first `up` may fail on the lost answer; the next must converge. */
      const upTwice = async (kind: string, name: string, args: Props) => {
        await engine.up(kind, name, args).catch(() => undefined);
        // The answer was lost indeed (once): the case proves nothing otherwise.
        expect([name, emu.faults().rules.reduce((sum, rule) => sum + rule.injected, 0)]).toEqual([name, 1]);
        emu.clearFaults();
        if (!engine.state.has(name) || engine.get(name).initErrors?.length) await engine.up(kind, name, args);
      };

      lose("POST /object-storage/buckets");
      await upTwice("Bucket", "lost-bucket", { name: `lost-${slug}` });
      expect(emu.state.buckets.get(engine.get("lost-bucket").id)?.name).toBe(`lost-${slug}`);

      lose("POST /dns/zones/{zone_id}/records", "POST /dns/records");
      await upTwice("DnsRecord", "lost-record", { zoneId, name: "www", type: "A", values: ["192.0.2.1"] });
      const record = emu.state.records.get(engine.get("lost-record").id.split("/").pop()!);
      expect([record?.name, record?.type, record?.values]).toEqual([`www.lost-${slug}.example.`, "A", ["192.0.2.1"]]);
      // The foreign records are as they were made.
      const foreignRecords = [...foreign].filter((id) => id.startsWith(`${zoneId}/`)).map((id) => emu.state.records.get(id.split("/")[1]));
      expect(foreignRecords.map((each) => [each?.type, each?.values])).toEqual([
        ["TXT", ["foreign"]],
        ["A", ["192.0.2.99"]],
      ]);

      lose("POST /object-storage/buckets/{bucketId}/credentials");
      await upTwice("BucketCredential", "lost-cred", { bucketId });
      const { outputs } = engine.get("lost-cred");
      expect(outputs.secretAccessKey).toBe(emu.state.credentials.get(String(outputs.accessKeyId))?.secretAccessKey);

      // A certificate and a CDN resource of somebody else's beside the stack's, whose creates lose their answers.
      const foreignCert = await apiAsDefault(emu, "POST", "/cdn/ssl-certificate", { domain_name: `foreign.lost-${slug}.example` });
      foreign.add(foreignCert.body.id);
      const foreignCdn = await apiAsDefault(emu, "POST", "/cdn/resource", {
        name: `foreign-${slug}`,
        origin_group: { type: "custom", hostname: "origin.example.com" },
      });
      foreign.add(foreignCdn.body.id);

      lose("POST /cdn/ssl-certificate");
      await upTwice("Certificate", "lost-cert", { domainName: `www.lost-${slug}.example` });
      expect(emu.state.certificates.get(engine.get("lost-cert").id)?.domainName).toBe(`www.lost-${slug}.example`);

      lose("POST /cdn/resource");
      const cdnArgs = { name: `lost-cdn-${slug}`, storageOrigin: { bucketId }, deployTimeout: WAIT_TIMEOUT };
      if (dialectSet.readyNever) {
        // Its deploy ends at a failure word: the step fails, but the stack knows the resource.
        await engine.up("CdnResource", "lost-cdn", cdnArgs).catch(() => undefined);
      } else {
        await upTwice("CdnResource", "lost-cdn", cdnArgs);
      }
      expect(emu.state.cdnResources.get(engine.get("lost-cdn").id)?.name).toBe(`lost-cdn-${slug}`);

      expectNothingUnknown();
      await destroyAll(engine);
      expectNothingUnknown();
    });

    test(
      "StaticSite with a domain: up (or stopped at a failure word), one edited file and nothing else changed, destroy; nothing left",
      async () => {
        const site = path.join(work, slug);
        fs.mkdirSync(site, { recursive: true });
        fs.writeFileSync(path.join(site, "index.html"), "<h1>home</h1>");
        fs.writeFileSync(path.join(site, "style.css"), "body { color: black }");
        const args = { path: site, domain: { name: `www.site-${slug}.example`, validationTimeout: WAIT_TIMEOUT } };
        const up = () => runProgram(engine, PROGRAM, { ...process.env, STATIC_SITE_ARGS: JSON.stringify(args) }, { timeoutMs: PROGRAM_MS });

        if (dialectSet.readyNever) {
          const started = Date.now();
          await expect(up()).rejects.toThrow(FAILURE_WORD);
          expect(Date.now() - started).toBeLessThan(FAILS_WITHIN_MS);
        } else {
          const first = await up();
          // Against the emulator: the site's host at its edge on this machine (`.localhost`).
          expect(first.outputs.url).toBe(`http://www.site-${slug}.example.localhost:${new URL(emu.edgeUrl).port}/`);
          // One edited file: the files change and every other resource is a no-op (the provider's diff of each).
          fs.writeFileSync(path.join(site, "style.css"), "body { color: teal }");
          const second = await up();
          expect(second.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual(["site-files:update"]);
          const purges = emu.state.cdnResources.get(String(first.outputs.cdnResourceId))?.purges ?? [];
          expect(purges.length).toBeGreaterThan(0);
        }
        await destroyAll(engine);
        expect(engine.state.size).toBe(0);
        expectNothingUnknown();
      },
      STATIC_SITE_MS,
    );

    test("nothing is left on the emulator but the test's own objects", () => {
      expect(orphans(emu, engine, foreign)).toEqual([]);
    });
  });
}
