// `pulumi-mamutecloud adopt` end to end: an account built through the API alone (two zones with 60
// records of every record type, 480 each, three buckets with credentials, a CDN resource with a custom
// domain on an issued certificate, an imported certificate) is written out as a TypeScript program
// and an import file; the program type-checks against the package, `pulumi import --file` takes
// every object in through the native plugin, a preview shows no change and an `up` writes nothing.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { api, cleanEnv, startTestEmulator, type Emulator } from "../harness/emulator";
import { CliProject } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";
import { selfSignedRsa } from "../emulator/ssl-helpers";

const CLI = path.join(REPO_ROOT, "dist", "provider", "takeover", "cli.js");
const ZONES = ["adopt-one.example", "adopt-two.example"];
const TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"] as const;
/** Records a zone holds: 60 of every type. */
const PER_ZONE = 60 * TYPES.length;

let emu: Emulator;
let work: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  emu.setSettings({ cdnDeployDelayMs: 100 });
  fs.mkdirSync(path.join(REPO_ROOT, ".tmp"), { recursive: true });
  work = fs.mkdtempSync(path.join(REPO_ROOT, ".tmp", "adopt-"));
});
afterAll(async () => {
  await emu?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function made(method: string, route: string, body?: unknown): Promise<any> {
  const answer = await api(emu, method, route, body);
  if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Record `i` of a zone: the types in turn, spelled as a user might type them (the API canonicalises). */
function record(i: number): { name: string; type: string; values: string[]; ttl?: number } {
  const type = TYPES[i % TYPES.length];
  const ttl = i % 3 === 0 ? undefined : 300 + i;
  const at = (name: string) => ({ name, type, ttl });
  switch (type) {
    case "A":
      return { ...at(i === 0 ? "@" : i === 8 ? "*" : `host${i}`), values: [`192.0.${2 + (i >> 8)}.${i & 255}`, `198.51.100.${i & 255}`] };
    case "AAAA":
      return { ...at(i === 1 ? "@" : `v6-${i}`), values: [`2001:DB8:0:0:0:0:0:${i.toString(16)}`] };
    case "CNAME":
      return { ...at(`alias${i}.deep`), values: [`Target${i}.Example.NET`] };
    case "MX":
      return { ...at(i === 3 ? "@" : `mail${i}`), values: ["10 mx1.example.net", "20 MX2.example.net."] };
    case "TXT":
      return {
        ...at(i === 4 ? "@" : i === 12 ? "_dmarc" : `txt${i}`),
        values: [i === 12 ? "v=DMARC1; p=reject" : `note ${i}: "quoted" text`],
      };
    case "NS":
      return { ...at(`sub${i}`), values: ["ns1.example.net", "ns2.example.net"] };
    case "SRV":
      return { ...at(`_sip${i}._tcp`), values: ["10 5 5060 sip.example.net", "20 5 5061 sip2.example.net."] };
    case "CAA":
      return { ...at(i === 7 ? "@" : `caa${i}`), values: ['0 issue "letsencrypt.org"', '0 iodef "mailto:security@example.com"'] };
  }
}

interface Built {
  importedPem: { certificate: string; privateKey: string };
  objects: number;
}

async function buildAccount(): Promise<Built> {
  const zones: Record<string, any> = {};
  for (const domain of ZONES) {
    zones[domain] = await made("POST", "/dns/zones", { domain });
    for (let i = 0; i < PER_ZONE; i++) await made("POST", `/dns/zones/${zones[domain].id}/records`, record(i));
  }
  const buckets: any[] = [];
  for (const name of ["media", "backups", "site-assets"])
    buckets.push(
      await made("POST", "/object-storage/buckets", { name, storage_class: name === "backups" ? "InfrequentAccess" : "Standard" }),
    );
  let credentials = 0;
  for (const [index, bucket] of buckets.entries()) {
    for (let k = 0; k <= index % 2; k++) {
      const credential = await made("POST", `/object-storage/buckets/${bucket.id}/credentials`);
      credentials++;
      if (k === 1) await made("POST", `/object-storage/buckets/${bucket.id}/credentials/${credential.access_key_id}/deactivate`);
    }
  }
  // An issued certificate: its validation CNAME in the first zone (one more record).
  const cert = await made("POST", "/cdn/ssl-certificate", { domain_name: `www.${ZONES[0]}` });
  const validation = cert.validation_records[0];
  await made("POST", `/dns/zones/${zones[ZONES[0]].id}/records`, { name: validation.name, type: "CNAME", values: [validation.value] });
  expect((await made("GET", `/cdn/ssl-certificate/${cert.id}`)).status).toBe("issued");
  const cdn = await made("POST", "/cdn/resource", {
    name: "site",
    description: "the site",
    origin_group: { type: "storage", bucket_id: buckets[2].id },
  });
  await made("PUT", `/cdn/resource/${cdn.id}`, { custom_domains: [{ domain_name: `www.${ZONES[0]}`, certificate_id: cert.id }] });
  const importedPem = await selfSignedRsa(`shop.${ZONES[1]}`);
  await made("POST", "/cdn/ssl-certificate/import", { certificate: importedPem.certificate, private_key: importedPem.privateKey });
  // zones + records + validation record + buckets + credentials + certificate + CDN + custom domain + imported certificate
  return { importedPem, objects: 2 + 2 * PER_ZONE + 1 + 3 + credentials + 1 + 1 + 1 + 1 };
}

function adopt(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "adopt", ...args], {
      cwd: work,
      env: cleanEnv({ MAMUTECLOUD_ENDPOINT: emu.url, MAMUTECLOUD_API_KEY: emu.apiKey }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function writes(): number {
  return Object.entries(emu.requests().routes)
    .filter(
      ([route]) => !route.startsWith("GET ") && !route.startsWith("S3 Get") && !route.startsWith("S3 Head") && !route.startsWith("S3 List"),
    )
    .reduce((sum, [, count]) => sum + count, 0);
}

function folderFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name), "utf8")]),
  );
}

test("a whole account: adopted, type-checked, imported through the native plugin, no change, an up writes nothing", async () => {
  const built = await buildAccount();
  const out = path.join(work, "account");

  const writesBefore = writes();
  const first = await adopt([out]);
  expect(first.code).toBe(0);
  expect(writes()).toBe(writesBefore); // it only reads
  // Progress on stderr, nothing on stdout.
  expect(first.stderr).toMatch(new RegExp(`DNS zone adopt-one\\.example: ${PER_ZONE + 2} records listed, 1 managed by MamuteCloud`));
  expect(first.stderr).toMatch(/read 100\//);
  expect(first.stdout).toBe("");
  const files = folderFiles(out);
  expect(Object.keys(files)).toEqual(["Pulumi.yaml", "README.md", "import.json", "index.ts", "package.json", "tsconfig.json"]);

  // Idempotent: the same files, byte for byte, and nothing rewritten.
  const second = await adopt([out]);
  expect(second.code).toBe(0);
  expect(second.stderr).toMatch(/no file changed/);
  expect(folderFiles(out)).toEqual(files);

  const importFile = JSON.parse(files["import.json"]);
  expect(importFile.resources).toHaveLength(built.objects);
  const byType = (type: string) => importFile.resources.filter((resource: any) => resource.type === `mamutecloud:index:${type}`);
  expect(byType("DnsRecord")).toHaveLength(2 * PER_ZONE + 1);
  for (const type of TYPES)
    expect(byType("DnsRecord").filter((resource: any) => resource.name.endsWith(`-${type.toLowerCase()}`)).length).toBeGreaterThanOrEqual(
      2 * 60,
    );
  expect(byType("BucketCredential")).toHaveLength(4);
  expect(byType("ImportedCertificate")).toHaveLength(1);
  expect(byType("CdnCustomDomain")[0].id).toMatch(/^cdn_[0-9a-f]+\/.+$/);
  // Readable names; references as Outputs; canonical values; no secret.
  const program = files["index.ts"];
  expect(program).toContain('new mamutecloud.DnsRecord("adopt-one-example-host16-a"');
  expect(program).toMatch(
    /const adoptOneExampleApexMx = new mamutecloud\.DnsRecord\("adopt-one-example-apex-mx", \{\n {4}zoneId: adoptOneExample\.id,\n {4}name: "@",/,
  );
  expect(program).toContain('values: ["10 mx1.example.net.", "20 mx2.example.net."]');
  expect(program).toContain("bucketId: siteAssets.id");
  expect(program).toContain("resourceId: site.id");
  expect(program).toContain("certificateId: certWwwAdoptOneExample.id");
  expect(program).not.toContain(emu.apiKey);
  expect(files["README.md"]).toMatch(/managed by MamuteCloud \(@ NS\)/);
  for (const type of TYPES) expect(program).toContain(`type: "${type}"`);

  // A filter: one zone, DNS only.
  const filtered = path.join(work, "one-zone");
  expect((await adopt([filtered, "--zone", "Adopt-Two.Example."])).code).toBe(0);
  const oneZone = JSON.parse(fs.readFileSync(path.join(filtered, "import.json"), "utf8")).resources;
  expect(new Set(oneZone.map((resource: any) => resource.type))).toEqual(
    new Set(["mamutecloud:index:DnsZone", "mamutecloud:index:DnsRecord"]),
  );
  expect(oneZone).toHaveLength(PER_ZONE + 1);

  // The folder as a user's project: the imported certificate's PEM where the README says.
  const project = await CliProject.create({ source: out, emu });
  try {
    fs.mkdirSync(path.join(project.dir, "certs"));
    fs.writeFileSync(path.join(project.dir, "certs", "cert-shop-adopt-two-example.crt"), built.importedPem.certificate);
    fs.writeFileSync(path.join(project.dir, "certs", "cert-shop-adopt-two-example.key"), built.importedPem.privateKey);
    // Type-checked against the package (node_modules of the repository, as an installed project's).
    execFileSync(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], {
      cwd: project.dir,
      stdio: "pipe",
    });

    await project.run(["import", "--file", "import.json", "--yes", "--generate-code=false", "--stack", project.stack]);
    const imported = (await project.resources()).filter((resource) => resource.type.startsWith("mamutecloud:index:"));
    expect(imported).toHaveLength(built.objects);

    await project.expectNoChanges();
    const before = writes();
    const summary = await project.up();
    expect(summary.counts).toEqual({ unchanged: built.objects + 1 }); // and the stack itself
    expect(writes()).toBe(before);
  } finally {
    project.close();
  }
}, 600_000);
