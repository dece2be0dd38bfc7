// What the explicit Python, Go and Java examples share with examples/yaml-explicit, the YAML program
// they are converted from (a bucket, its credential, a CDN resource on the bucket, the site's files as
// a SyncedFolder of ./www given by path alone, a zone, a CNAME to the CDN's host, and a getBucket
// lookup of the bucket), run through the real CLI with that language's host and the SDK `npm run sdks
// -- --build` generated and built, as its README tells a user: up; the resources are on the emulator
// as the program declared them, the lookup reads the same bucket and the site is served at the edge;
// a preview shows no change; refresh; one edited file plans exactly the folder's update, uploads one
// object and purges its path; the secret canaries (the credential's secret is a secret output);
// destroy leaves nothing.
// (test/e2e/harness.ts's `exampleLifecycle` runs the steps; `npm run test:languages` runs these files.)
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { exampleLifecycle, expectSiteServed, type ExampleCase } from "../harness";
import { listAll, type Emulator } from "../../harness/emulator";
import type { CliProject } from "../../harness/cli";
import { REPO_ROOT } from "../../harness/providerHost";

const DESCRIPTION = '"The site bucket at the edge"';
const STYLE = "h1 { color: navy; }\n";

export type Language = "python" | "go" | "java";

/** The SDK folder a language's example builds against, which the stage generated before the tests. */
export function requireGeneratedSdk(language: Language): void {
  const marker = { python: "pyproject.toml", go: "go.mod", java: "pom.xml" }[language];
  if (!fs.existsSync(path.join(REPO_ROOT, "sdk", language, marker))) {
    throw new Error(`sdk/${language} is not generated: run \`npm run sdks -- --build\` (npm run test:languages does)`);
  }
}

/**
 * Runs a command in `dir`, failing with its output. Not execFileSync: the emulator serves from this
 * process, and must go on answering while pip or Maven works.
 */
export function runIn(dir: string, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
}

/** What the emulator holds for the stack's outputs: each resource as the program declared it. */
async function expectOnEmulator(outputs: Record<string, any>, emu: Emulator): Promise<void> {
  const bucket = (await listAll(emu, "/object-storage/buckets")).find((item) => item.name === outputs.bucketName);
  expect(bucket).toBeDefined();
  const credentials = await listAll(emu, `/object-storage/buckets/${bucket.id}/credentials`);
  expect(credentials.map((item) => item.access_key_id)).toEqual([outputs.accessKeyId]);

  const cdn = (await listAll(emu, "/cdn/resource")).filter((item) => item.description === JSON.parse(DESCRIPTION));
  expect(cdn).toHaveLength(1);
  expect(cdn[0].origin_groups.map((group: any) => [group.type, group.bucket_id])).toEqual([["storage", bucket.id]]);
  // Against the emulator the site's URL is its edge's `.localhost` address, which opens on this machine.
  expect(outputs.siteUrl).toBe(`http://${cdn[0].distribution_domain}.localhost:${new URL(emu.edgeUrl).port}`);

  const zone = (await listAll(emu, "/dns/zones")).find((item) => item.domain === "example.com");
  expect(zone).toBeDefined();
  expect(outputs.nameservers.length).toBeGreaterThan(0);
  const records = (await listAll(emu, `/dns/zones/${zone.id}/records`)).filter((record) => !record.managed);
  // The API answers names and targets fully qualified.
  expect(records.map((record) => [record.name, record.type, record.values, record.ttl])).toEqual([
    ["www.example.com.", "CNAME", [`${cdn[0].distribution_domain}.`], 300],
  ]);
  expect(outputs.s3Endpoint).toBe(emu.s3Url);
  // getBucket, invoked once the bucket exists, reads the same bucket.
  expect(outputs.foundName).toBe(outputs.bucketName);
}

/** An example's virtualenv, made as its README says (python3 -m venv venv; pip install -r requirements.txt). */
export async function preparePython(project: CliProject): Promise<void> {
  await runIn(project.dir, "python3", ["-m", "venv", "venv"]);
  const python = path.join(project.dir, "venv", "bin", "python");
  await runIn(project.dir, python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"]);
}

export function explicitLifecycle(spec: {
  example: `${Language}-explicit` | "yaml-explicit";
  prepare?: (project: CliProject, emu: Emulator) => Promise<void> | void;
}): void {
  const lifecycle: ExampleCase = {
    example: spec.example,
    async prepare(project, emu) {
      if (spec.example !== "yaml-explicit") requireGeneratedSdk(spec.example.replace("-explicit", "") as Language);
      await spec.prepare?.(project, emu);
    },
    // The key as a secret of the stack, as a user keeps it.
    secretConfig: (emu) => ({ "mamutecloud:apiKey": emu.apiKey }),
    edit: {
      apply: (project) => project.write("www/style.css", STYLE),
      planned: ["update files"],
      served: { path: "/style.css", body: STYLE },
    },
    canaries: (outputs) => [outputs.secretAccessKey],
    async check(outputs, emu) {
      expect(outputs.secretAccessKey).toMatch(/\S{8}/);
      await expectOnEmulator(outputs, emu);
      await expectSiteServed(emu, "<h1>Hello from MamuteCloud</h1>");
    },
  };
  exampleLifecycle(lifecycle);
}
