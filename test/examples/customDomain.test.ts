// The README's "site on a custom domain" (examples/custom-domain) as a whole program, run through
// the real provider host against the emulator: its resources come up in dependency order, the
// bucket's index.html is then served at the custom domain over HTTPS verified with the emulator's
// CA, a second run changes nothing, and destroy removes everything.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import { listAll } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { destroyAll, runProgram } from "../harness/program";
import { REPO_ROOT } from "../harness/providerHost";
import { putObjects } from "../harness/s3";

const EXAMPLE = path.join(REPO_ROOT, "examples", "custom-domain");
// Inside the repository, so the program resolves @pulumi/pulumi and pulumi-mamutecloud from its node_modules.
const OUT = path.join(REPO_ROOT, ".tmp", "examples", "custom-domain");
const PAGE = "<!doctype html><title>www.example.com</title><h1>Hello from the custom domain</h1>";

let lifecycle: Lifecycle;

beforeAll(async () => {
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", EXAMPLE, "--outDir", OUT], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  lifecycle = await startLifecycle();
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 200 });
}, 120_000);

afterAll(() => lifecycle?.close());

/** GET over HTTPS from the edge as a browser at `host` would, verified with the emulator's CA. */
function httpsGet(host: string): Promise<{ status: number; body: string; subject: string }> {
  const edge = new URL(lifecycle.emu.edgeHttpsUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: edge.hostname, port: edge.port, path: "/", servername: host, headers: { host }, ca: lifecycle.emu.caCertificatePem, agent: false },
      (res) => {
        const subject = String((res.socket as TLSSocket).getPeerCertificate().subject.CN);
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, subject }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("the example serves the bucket's index.html at www.example.com over HTTPS, then changes nothing, then destroys", async () => {
  const { emu, engine } = lifecycle;
  const program = path.join(OUT, "index.js");

  const first = await runProgram(engine, program);
  const steps = first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`);
  expect([...steps].sort()).toEqual([
    "Bucket:site:create",
    "BucketCredential:deployer:create",
    "CdnCustomDomain:www:create",
    "CdnResource:cdn:create",
    "Certificate:certificate:create",
    "CertificateValidation:certificate-validation:create",
    "DnsRecord:certificate-validation-record:create",
    "DnsRecord:www-cname:create",
    "DnsZone:zone:create",
  ]);
  // The validation waits for its record, the custom domain for the validation, the CNAME for the custom domain.
  const at = (name: string) => first.steps.findIndex((step) => step.name === name);
  expect(at("certificate-validation-record")).toBeLessThan(at("certificate-validation"));
  expect(at("certificate-validation")).toBeLessThan(at("www"));
  expect(at("cdn")).toBeLessThan(at("www"));
  expect(at("www")).toBeLessThan(at("www-cname"));
  expect(engine.get("certificate-validation").outputs.status).toBe("issued");
  expect(engine.get("www").outputs).toMatchObject({ status: "active", certificateId: engine.get("certificate").id });

  // The site's files, uploaded as the example says (with the stack's credential, any S3 client).
  await putObjects(emu, engine.get("site").id, { "index.html": PAGE });
  const served = await httpsGet("www.example.com");
  expect(served).toEqual({ status: 200, body: PAGE, subject: "www.example.com" });
  // The CNAME the stack made points at the distribution domain, which serves the same site.
  const zone = engine.get("zone").id;
  const cname = (await listAll(emu, `/dns/zones/${zone}/records`)).find((record) => record.name === "www.example.com." && record.type === "CNAME");
  const distribution = String(engine.get("cdn").outputs.distributionDomain);
  expect(cname.values).toEqual([`${distribution}.`]);
  expect((await httpsGet(distribution)).body).toBe(PAGE);

  const second = await runProgram(engine, program);
  expect(second.steps.every((step) => step.op === "same")).toBe(true);
  expect(second.deleted).toEqual([]);

  await destroyAll(engine);
  expect(await listAll(emu, "/cdn/resource")).toEqual([]);
  expect(await listAll(emu, "/cdn/ssl-certificate")).toEqual([]);
  expect(await listAll(emu, "/dns/zones")).toEqual([]);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
}, 120_000);
