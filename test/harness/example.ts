// An example program run as a user runs it: a copy of examples/<name> (so a test may edit its
// files), compiled with its own tsconfig, then run in its folder through a provider host started
// there, the way `pulumi up` runs a project. The copy sits inside the repository, so the program
// resolves @pulumi/pulumi and pulumi-mamutecloud from its node_modules as a workspace would.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { edgeGetTls, type EdgeAnswer } from "../emulator/cdn-helpers";
import { listAll } from "./emulator";
import { startLifecycle, type Lifecycle } from "./lifecycle";
import { destroyAll, runProgram, type ProgramRun } from "./program";
import { REPO_ROOT } from "./providerHost";

export interface ExampleRun extends Lifecycle {
  /** The copy of the example the program runs in. */
  dir: string;
  /** `pulumi up` of the program, with this stack configuration (keys without the project name). */
  up(config?: Record<string, string>): Promise<ProgramRun>;
  /** Writes a file of the copy, as a user editing the site would. */
  write(file: string, body: string): void;
  /** GET from the HTTPS edge as a browser at `host` would, verified with `ca` (default the emulator's CA). */
  https(host: string, urlPath: string, ca?: string): Promise<EdgeAnswer>;
}

export function compileExample(dir: string): string {
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  return path.join(dir, "bin", "index.js");
}

export async function startExample(name: string): Promise<ExampleRun> {
  fs.mkdirSync(path.join(REPO_ROOT, ".tmp"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".tmp", `example-${name}-`));
  fs.cpSync(path.join(REPO_ROOT, "examples", name), dir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|bin|\.pulumi-state)$/.test(source),
  });
  const program = compileExample(dir);
  const lifecycle = await startLifecycle({}, { cwd: dir });
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 100 });
  return {
    ...lifecycle,
    dir,
    // The program runs under mocks as project "program": its config keys are namespaced so.
    up: (config = {}) =>
      runProgram(
        lifecycle.engine,
        program,
        {
          ...process.env,
          PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => [`program:${key}`, value]))),
        },
        { cwd: dir },
      ),
    write: (file, body) => fs.writeFileSync(path.join(dir, file), body),
    https: (host, urlPath, ca = lifecycle.emu.caCertificatePem) => edgeGetTls(lifecycle.emu, { host, path: urlPath, ca }),
    close: async () => {
      await lifecycle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SiteSteps {
  /** Fetches a path of the site from the edge as a visitor would, given the stack outputs. */
  fetch(outputs: Record<string, any>, urlPath: string): Promise<EdgeAnswer>;
  /** The file the test edits (relative to the example), the URL path it is served at, the purge it makes. */
  edit: { file: string; urlPath: string; body: string; purged: string };
  /** The SyncedFolder resource that holds that file. */
  filesResource: string;
  /** What `/` serves after the first up. */
  home: RegExp;
  config?: Record<string, string>;
}

/**
 * The main job, end to end: `up` (the site is served), `up` after editing one file (one PUT, that
 * path purged, the edit served although the edge had cached the old copy), destroy (nothing left).
 */
export async function expectSiteLifecycle(example: ExampleRun, steps: SiteSteps): Promise<ProgramRun> {
  const { emu, engine } = example;
  const first = await example.up(steps.config);
  const home = await steps.fetch(first.outputs, "/");
  expect(home.status).toBe(200);
  expect(home.body).toMatch(steps.home);
  const before = await steps.fetch(first.outputs, steps.edit.urlPath);
  expect(before.status).toBe(200);
  expect((await steps.fetch(first.outputs, steps.edit.urlPath)).headers["x-cache"]).toBe("HIT");

  example.write(steps.edit.file, steps.edit.body);
  emu.resetRequests();
  const second = await example.up(steps.config);
  expect(second.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual([
    `${steps.filesResource}:update`,
  ]);
  expect(emu.requests().routes["S3 PutObject"]).toBe(1);
  const cdnId = engine.get(steps.filesResource).outputs.cdnResourceId as string;
  const [purge] = await listAll(emu, `/cdn/resource/${cdnId}/purge/history`);
  expect(purge.urls).toEqual([steps.edit.purged]);
  const after = await steps.fetch(first.outputs, steps.edit.urlPath);
  expect([after.status, after.body]).toEqual([200, steps.edit.body]);
  expect((await steps.fetch(first.outputs, "/")).body).toMatch(steps.home);

  await destroyAll(engine);
  expect(await listAll(emu, "/cdn/resource")).toEqual([]);
  expect(await listAll(emu, "/cdn/ssl-certificate")).toEqual([]);
  expect(await listAll(emu, "/dns/zones")).toEqual([]);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
  // No longer served: a 421 from the edge, or no TLS handshake for a certificate that is gone.
  const gone = await steps.fetch(first.outputs, "/").then(
    (answer) => answer.status,
    (err: Error) => err.message,
  );
  expect(gone).not.toBe(200);
  return first;
}
