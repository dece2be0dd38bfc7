// The package as a new user gets it: `npm pack`, installed into a fresh Pulumi TypeScript program
// (the README's example) in a temporary folder, type-checked, then run through a provider host started in that folder
// (so the shim resolves the installed package, not this repository): create, no-op, destroy.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "../harness/engine";
import { ProviderHost, REPO_ROOT } from "../harness/providerHost";
import { cleanEnv, listAll, stackConfig, startTestEmulator, type Emulator } from "../harness/emulator";
import { destroyAll, runProgram } from "../harness/program";

/** The program is the README's example, as a user would copy it. */
const EXAMPLE = path.join(REPO_ROOT, "examples", "basic");

let emu: Emulator;
let host: ProviderHost | undefined;
let dir: string;
let installWarnings: string[] = [];

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() });
}

beforeAll(async () => {
  emu = await startTestEmulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-program-"));
  // dist/ is built by `npm test` before jest runs; packing must not rebuild it.
  const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], REPO_ROOT).trim().split("\n").pop()!;
  // The example's own package.json, with the package taken from the tarball instead of the repository.
  const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
  manifest.dependencies["pulumi-mamutecloud"] = `file:./${tarball}`;
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  for (const file of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));
  const install = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=warn"], {
    cwd: dir,
    encoding: "utf8",
    env: cleanEnv(),
  });
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  installWarnings = install.stderr
    .split("\n")
    // This machine's own ~/.npmrc carries a setting npm 11 no longer knows; nothing to do with the package.
    .filter((line) => line.trim() !== "" && !/Unknown (user|env) config "nodedir"/.test(line));
}, 300_000);

afterAll(async () => {
  await host?.close();
  await emu?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the packed package has the files a user needs and none of the sources or tests", () => {
  const installed = path.join(dir, "node_modules", "pulumi-mamutecloud");
  expect(fs.existsSync(path.join(installed, "dist", "sdk", "index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "provider", "index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "dist", "emulator", "cli.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "schema.json"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "test"))).toBe(false);
  expect(fs.existsSync(path.join(installed, "provider"))).toBe(false);
  expect(fs.existsSync(path.join(dir, "node_modules", ".bin", "mamutecloud-emulator"))).toBe(true);
});

test("the tarball installs without a warning, runs no install script, and says where it comes from", () => {
  expect(installWarnings).toEqual([]);
  const installed = path.join(dir, "node_modules", "pulumi-mamutecloud");
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
  for (const script of ["preinstall", "install", "postinstall", "prepare"]) expect(manifest.scripts?.[script]).toBeUndefined();
  expect(manifest.license).toBe("Apache-2.0");
  expect(fs.readFileSync(path.join(installed, "LICENSE"), "utf8")).toContain("Apache License");
  const home = "https://github.com/mamutecloud/pulumi-mamutecloud";
  expect(manifest.homepage.startsWith(home)).toBe(true);
  expect(manifest.repository.url).toContain("github.com/mamutecloud/pulumi-mamutecloud.git");
  expect(manifest.bugs.url).toBe(`${home}/issues`);
  // Source maps would point at TypeScript sources the tarball does not ship.
  const files = fs.readdirSync(path.join(installed, "dist"), { recursive: true }) as string[];
  expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
});

test("every entry point type-checks under moduleResolution node (Pulumi's template), and loads", () => {
  fs.writeFileSync(
    path.join(dir, "subpaths.ts"),
    [
      'import * as mamutecloud from "pulumi-mamutecloud";',
      'import { startEmulator, type Emulator } from "pulumi-mamutecloud/emulator";',
      'import * as provider from "pulumi-mamutecloud/provider";',
      'import * as shim from "pulumi-mamutecloud/shim";',
      'import schema = require("pulumi-mamutecloud/schema.json");',
      'import manifest = require("pulumi-mamutecloud/package.json");',
      "const started: Promise<Emulator> = startEmulator({ port: 0 });",
      "export const entryPoints = [mamutecloud.Bucket, provider, shim, schema.name, manifest.version, started];",
      "",
    ].join("\n"),
  );
  const tsconfig = {
    extends: "./tsconfig.json",
    compilerOptions: { noEmit: true, resolveJsonModule: true, moduleResolution: "node" },
    files: ["subpaths.ts"],
  };
  fs.writeFileSync(path.join(dir, "tsconfig.subpaths.json"), JSON.stringify(tsconfig));
  const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
  const checked = spawnSync(process.execPath, [tsc, "-p", "tsconfig.subpaths.json"], { cwd: dir, encoding: "utf8" });
  expect(checked.stdout).toBe("");
  expect(checked.status).toBe(0);
  const loads = spawnSync(
    process.execPath,
    ["-e", 'for (const p of ["", "/emulator", "/provider", "/shim", "/schema.json"]) require("pulumi-mamutecloud" + p)'],
    { cwd: dir, encoding: "utf8" },
  );
  expect(loads.stderr).toBe("");
  expect(loads.status).toBe(0);
});

test("the program type-checks against the installed package", () => {
  const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
  expect(() => run(process.execPath, [tsc, "-p", "."], dir)).not.toThrow();
  expect(fs.existsSync(path.join(dir, "bin", "index.js"))).toBe(true);
});

test("create, then no-op, then destroy, through a host started in the program's folder", async () => {
  host = await ProviderHost.start({ cwd: dir, env: cleanEnv() });
  await host.configure(stackConfig(emu));
  const engine = await Engine.create(host);
  const program = path.join(dir, "bin", "index.js");

  const first = await runProgram(engine, program, cleanEnv());
  expect(first.steps.map((s) => `${s.kind}:${s.name}:${s.op}`).sort()).toEqual(
    [
      "Bucket:site:create",
      "BucketCredential:deployer:create",
      "DnsRecord:apex:create",
      "DnsRecord:mail:create",
      "DnsRecord:www:create",
      "DnsZone:zone:create",
    ].sort(),
  );
  // What the installed package stores in state: a require of its shim, nothing captured by value.
  for (const provider of Object.values(first.providers)) {
    expect(provider).toContain('require("pulumi-mamutecloud/shim")');
    expect(provider.length).toBeLessThan(512);
  }
  const buckets = await listAll(emu, "/object-storage/buckets");
  expect(buckets.map((b) => b.name)).toEqual([engine.get("site").outputs.name]);
  const zones = await listAll(emu, "/dns/zones");
  expect(zones.map((z) => z.domain)).toEqual(["example.com"]);
  const records = await listAll(emu, `/dns/zones/${zones[0].id}/records`);
  expect(
    records
      .filter((r) => !r.managed)
      .map((r) => `${r.name} ${r.type} ${r.values.join(",")}`)
      .sort(),
  ).toEqual([
    "example.com. A 192.0.2.10,192.0.2.11",
    "example.com. MX 10 mx1.example.com.,20 mx2.example.com.",
    "www.example.com. CNAME example.com.",
  ]);

  const second = await runProgram(engine, program, cleanEnv());
  expect(second.steps.every((s) => s.op === "same")).toBe(true);
  expect(second.deleted).toEqual([]);

  const destroyed = await destroyAll(engine);
  expect(destroyed).toHaveLength(6);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
  expect(await listAll(emu, "/dns/zones")).toEqual([]);
  expect(host.stderr).not.toContain(emu.apiKey);
}, 120_000);
