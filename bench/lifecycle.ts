// Prints, per resource kind, what each lifecycle operation costs through the real provider host
// against the emulator: API requests and median wall time over N runs, and the state size of one
// resource as a user stores it (its outputs, including `__provider`, the shim of the installed
// package). Not a test: numbers to compare across changes.
//   npm run bench
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Engine } from "../test/harness/engine";
import { startLifecycle } from "../test/harness/lifecycle";
import type { Props } from "../test/harness/providerHost";
import { TestCa } from "../test/harness/testCertificates";
import { benchStack, printStack } from "./stack";

/** The repository root (this file runs compiled, from .tmp/bench/bench). */
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

interface Kind {
  kind: string;
  args: (i: number, deps: Record<string, string>) => Props;
  update: (i: number, deps: Record<string, string>) => Props;
}

const kinds: Kind[] = [
  { kind: "Bucket", args: (i) => ({ name: `bench-${i}` }), update: (i) => ({ name: `bench-renamed-${i}` }) },
  {
    kind: "BucketCredential",
    args: (_i, d) => ({ bucketId: d.bucket }),
    update: (_i, d) => ({ bucketId: d.bucket, rotation: "r2" }),
  },
  { kind: "DnsZone", args: (i) => ({ domain: `bench-${i}.com` }), update: (i) => ({ domain: `bench-${i}.com`, forceDestroy: true }) },
  {
    kind: "DnsRecord",
    args: (i, d) => ({ zoneId: d.zone, name: `r${i}`, type: "A", values: ["192.0.2.1"] }),
    update: (i, d) => ({ zoneId: d.zone, name: `r${i}`, type: "A", values: ["192.0.2.2"], ttl: 600 }),
  },
  {
    kind: "Certificate",
    args: (i) => ({ domainName: `bench-${i}.certs.example` }),
    update: (i) => ({ domainName: `bench-${i}.certs.example`, deleteTimeout: "5m" }),
  },
  {
    kind: "ImportedCertificate",
    args: (_i, d) => ({ certificate: d.certificatePem, privateKey: d.privateKeyPem }),
    update: (_i, d) => ({ certificate: d.certificatePem, privateKey: d.privateKeyPem, deleteTimeout: "5m" }),
  },
  {
    kind: "CertificateValidation",
    args: (_i, d) => ({ certificateId: d.issuedCertificate }),
    update: (_i, d) => ({ certificateId: d.issuedCertificate, timeout: "2h" }),
  },
  {
    kind: "CdnResource",
    args: (i, d) => ({ name: `bench-cdn-${i}`, storageOrigin: { bucketId: d.bucket } }),
    update: (i, d) => ({ name: `bench-cdn-${i}`, storageOrigin: { bucketId: d.bucket }, description: "updated" }),
  },
  {
    kind: "CdnCustomDomain",
    args: (i, d) => ({ resourceId: d.cdn, domainName: `d${i}.bench.example` }),
    update: (i, d) => ({ resourceId: d.cdn, domainName: `d${i}.bench.example`, additionalDomains: [`e${i}.bench.example`] }),
  },
];

/**
 * `__provider` as a user's program stores it: the package packed, installed into a fresh folder
 * beside @pulumi/pulumi, and serialized there, so the serializer writes
 * `require("pulumi-mamutecloud/shim")`. (In this repository the package is a symlink to the root,
 * which the serializer cannot map back to the package name.)
 */
function installedShim(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-bench-"));
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], REPO_ROOT).split("\n").pop()!;
    const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const manifest = {
      private: true,
      dependencies: { "pulumi-mamutecloud": `file:./${tarball}`, "@pulumi/pulumi": root.devDependencies["@pulumi/pulumi"] },
      allowScripts: { protobufjs: false },
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], dir);
    const serialize =
      'const shim = require("pulumi-mamutecloud/shim");' +
      'require("@pulumi/pulumi").runtime.serializeFunction(() => shim, { allowSecrets: true }).then((s) => process.stdout.write(s.text));';
    return run(process.execPath, ["-e", serialize], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const userShim = installedShim();
  const { emu, host, close } = await startLifecycle();
  // The host runs in the repository root, where node_modules/pulumi-mamutecloud links to it, so
  // the installed shim's require resolves to the code just built.
  const engine = new Engine(host, userShim);
  // Deployments finish at once: the rows measure the provider's own cost, plus one poll per wait.
  emu.setSettings({ cdnDeployDelayMs: 0 });
  await engine.up("Bucket", "dep-bucket", { name: "bench-dependency" });
  await engine.up("DnsZone", "dep-zone", { domain: "bench-dependency.com" });
  const site = await (await TestCa.root()).server(["www.bench.example"]);
  await engine.up("ImportedCertificate", "dep-certificate", { certificate: site.certificatePem, privateKey: site.privateKeyPem });
  await engine.up("CdnResource", "dep-cdn", { name: "bench-dependency", storageOrigin: { bucketId: engine.get("dep-bucket").id } });
  const deps = {
    bucket: engine.get("dep-bucket").id,
    zone: engine.get("dep-zone").id,
    ...site,
    // Imported, so already issued: a validation of it measures the wait's cost alone.
    issuedCertificate: engine.get("dep-certificate").id,
    cdn: engine.get("dep-cdn").id,
  };

  const rows: string[][] = [];
  for (const { kind, args, update } of kinds) {
    const ops = { create: [] as number[], noop: [] as number[], refresh: [] as number[], update: [] as number[], delete: [] as number[] };
    const requests = { create: 0, noop: 0, refresh: 0, update: 0, delete: 0 };
    let stateBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const name = `${kind}-${i}`;
      const measure = async (op: keyof typeof ops, run: () => Promise<unknown>) => {
        emu.resetRequests();
        const started = process.hrtime.bigint();
        await run();
        ops[op].push(Number(process.hrtime.bigint() - started) / 1e6);
        requests[op] = emu.requests().total;
      };
      await measure("create", () => engine.up(kind, name, args(i, deps)));
      stateBytes = JSON.stringify(engine.get(name).outputs).length;
      await measure("noop", () => engine.up(kind, name, args(i, deps)));
      await measure("refresh", () => engine.refresh(name));
      await measure("update", () => engine.up(kind, name, update(i, deps)));
      await measure("delete", () => engine.destroy(name));
    }
    rows.push([
      kind,
      ...(["create", "noop", "refresh", "update", "delete"] as const).map((op) => `${requests[op]} / ${median(ops[op]).toFixed(1)} ms`),
      String(stateBytes),
    ]);
  }
  await close();

  const shim = require(path.join(__dirname, "..", "sdk", "shim"));
  const byValue = (await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true })).text.length;

  const header = ["kind", "create", "no-op up", "refresh", "update", "delete", "state bytes"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  console.log(`API requests / median wall time per operation, ${RUNS} runs each, through the provider host against the emulator`);
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(
    `\nstate bytes: one resource's outputs as a user's program stores them, __provider included ` +
      `(${userShim.length} bytes: ${userShim.includes('require("pulumi-mamutecloud/shim")') ? 'require("pulumi-mamutecloud/shim")' : "NOT a require of the shim"}). ` +
      `Loaded from a path instead (this repository's tests), __provider is the shim copied by value: ${byValue} bytes.`,
  );

  if (process.env.BENCH_STACK !== "0") printStack(await benchStack());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
