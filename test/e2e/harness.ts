// What the real-CLI suite shares: a test file's emulator and CLI project (`useCliProject`), edits a
// user makes to a copy, and every example's lifecycle as its README tells a user to run it
// (`exampleLifecycle`): up; a preview that shows no change; refresh; again no change; one edit; a
// preview that plans exactly the resource the edit touches; up; no change; the secret canaries;
// destroy; and the emulator holds nothing the stack made. Each example has its own test file (so
// jest runs two at once) with what is particular to it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { api, listAll, startTestEmulator, type Emulator } from "../harness/emulator";
import { edgeGet } from "../emulator/cdn-helpers";
import { CliProject, manifestLinesInDiff } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";
import { fullInventory } from "../harness/stack";
import { makeSiteCertificate } from "../harness/certificate";

export interface ExampleCase {
  example: string;
  /** Stack configuration (`pulumi config set`), without the project's namespace. */
  config?: Record<string, string>;
  /** Prepares the copy before the first `up` (certificates, the plugin folder, objects it looks up). */
  prepare?(project: CliProject, emu: Emulator): Promise<void> | void;
  /**
   * The one edit a user makes between two `up`s, and the steps the preview must then plan. For a
   * site, `served`: the edit changed one file, which that `up` uploads as exactly one object and
   * purges as exactly its path on the stack's one CDN resource, whose edge then serves it.
   */
  edit: { apply(project: CliProject): void; planned: string[]; served?: { path: string; body: string } };
  /** Stack configuration set with `--secret`. */
  secretConfig?(emu: Emulator): Record<string, string>;
  /** What a user checks once the stack is up. */
  check?(outputs: Record<string, any>, emu: Emulator, project: CliProject): Promise<void>;
  /**
   * Secrets of this example that must be secrets in state and never show in plain text (beyond the
   * API key and every other secret in state).
   */
  canaries?(outputs: Record<string, any>, project: CliProject): string[];
  /** What a user checks after the edit's `up` (another cloud's requests, say). */
  edited?(emu: Emulator): Promise<void> | void;
  /** What a user checks after `destroy`, beyond this emulator holding nothing the stack made. */
  destroyed?(): Promise<void> | void;
}

export interface CliFixture {
  emu: Emulator;
  project: CliProject;
}

/**
 * One emulator (CDN deployments quick) and one copy of `source` as a CLI project for a test file,
 * made before its tests (then `setup`) and removed after them; the emulator goes with everything
 * the stack made.
 */
export function useCliProject(source: string, setup?: (fixture: CliFixture) => Promise<void> | void): CliFixture {
  const fixture = {} as CliFixture;
  beforeAll(async () => {
    fixture.emu = await startTestEmulator();
    fixture.emu.setSettings({ cdnDeployDelayMs: 100 });
    fixture.project = await CliProject.create({ source, emu: fixture.emu });
    await setup?.(fixture);
  }, 180_000);
  afterAll(async () => {
    fixture.project?.close();
    await fixture.emu?.close();
  });
  return fixture;
}

/** Every value the checkpoint holds as a secret, decrypted (`stack export --show-secrets`). */
function secretsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => secretsIn(item, found));
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" && typeof record.plaintext === "string") {
      const value = JSON.parse(record.plaintext);
      if (typeof value === "string") found.push(value);
    } else Object.values(record).forEach((value) => secretsIn(value, found));
  }
  return found;
}

/**
 * The secret canaries: the API key, every secret of the checkpoint and the example's own are absent
 * in plain text from `pulumi stack export` and from everything the CLI printed, but for the commands
 * that asked for them (`--show-secrets`). A PEM is looked for by its body lines.
 */
async function expectNoSecretLeak(project: CliProject, emu: Emulator, own: string[]): Promise<void> {
  const decrypted = JSON.parse((await project.run(["stack", "export", "--show-secrets", "--stack", project.stack])).stdout);
  const inState = secretsIn(decrypted);
  const lines = (secret: string) => (secret.includes("-----BEGIN") ? secret.split("\n").filter((line) => line.length >= 40) : [secret]);
  // The example's own secrets are secrets of the checkpoint (the engine marked them so).
  for (const secret of own) expect(inState.some((value) => lines(secret).every((line) => value.includes(line)))).toBe(true);
  const canaries = [emu.apiKey, ...inState, ...own].flatMap(lines).filter((secret) => secret.length >= 8);
  const exported = JSON.stringify(await project.exportState());
  const printed = project.transcript.filter((entry) => !entry.split("\n")[0].includes("--show-secrets")).join("\n");
  for (const canary of canaries) {
    expect({ canary: `${canary.slice(0, 4)}…`, inExport: exported.includes(canary), inOutput: printed.includes(canary) }).toEqual({
      canary: `${canary.slice(0, 4)}…`,
      inExport: false,
      inOutput: false,
    });
  }
}

/** Replaces `from` by `to` in a file of the copy, failing when `from` is not there. */
export function replaceIn(project: CliProject, file: string, from: string, to: string): void {
  const full = path.join(project.dir, file);
  const text = fs.readFileSync(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  fs.writeFileSync(full, text.replace(from, to));
}

const packed = new Map<string, string>();

/** One of this checkout's packages as `npm pack` makes it (dist/ is built before the suite), once per test process. */
function packedTarball(folder = REPO_ROOT): string {
  const known = packed.get(folder);
  if (known && fs.existsSync(known)) return known;
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".tmp", "e2e-pack-"));
  const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
    cwd: folder,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop()!;
  packed.set(folder, path.join(dir, name));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return packed.get(folder)!;
}

/**
 * The package as a project that installed it has it: node_modules/pulumi-mamutecloud holds the
 * packed tarball's files (its plugin folder too), exactly what `npm install <tarball>` puts there;
 * its dependencies resolve from the repository's node_modules, above the copy. For the native
 * plugin's programs (YAML): a TypeScript program's dynamic resources would be serialized by the
 * repository's @pulumi/pulumi, which finds the package through this repository's self-link
 * (scripts/link-self.js), not the copy; those run from a real packed install in
 * test/e2e/readme.test.ts and test/package/packed.test.ts.
 */
export function linkPackage(project: CliProject, pkg = "pulumi-mamutecloud", folder = REPO_ROOT): void {
  const target = path.join(project.dir, "node_modules", pkg);
  if (fs.existsSync(path.join(target, "package.json"))) return;
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", packedTarball(folder), "-C", target, "--strip-components=1"]);
}

/** A self-signed certificate for www.example.com, made with the example README's openssl command. */
export function makeCertificate(project: CliProject): void {
  makeSiteCertificate(project.dir);
}

/** The stack's one CDN resource serves `/` from its edge (with `home` in it), as a visitor fetches it. */
export async function expectSiteServed(emu: Emulator, home: string): Promise<void> {
  const cdns = await listAll(emu, "/cdn/resource");
  expect(cdns).toHaveLength(1);
  const answer = await edgeGet(emu, { host: cdns[0].distribution_domain, path: "/" });
  expect([answer.status, answer.body.includes(home)]).toEqual([200, true]);
}

/** Since the requests were reset: one object uploaded, its path alone purged, the edge serving the new content. */
async function expectOneFileMoved(emu: Emulator, served: { path: string; body: string }): Promise<void> {
  expect(emu.requests().routes["S3 PutObject"]).toBe(1);
  const [cdn] = await listAll(emu, "/cdn/resource");
  const purges = await listAll(emu, `/cdn/resource/${cdn.id}/purge/history`);
  expect(purges[0].urls).toEqual([served.path]);
  const answer = await edgeGet(emu, { host: cdn.distribution_domain, path: served.path });
  expect([answer.status, answer.body]).toEqual([200, served.body]);
}

export function exampleLifecycle(spec: ExampleCase): void {
  const fixture = useCliProject(spec.example);

  test(`${spec.example}: up, no change, refresh, no change, one edit plans exactly its resource, up, destroy leaves nothing`, async () => {
    const { emu, project } = fixture;
    const before = await fullInventory(emu);
    await spec.prepare?.(project, emu);
    const prepared = await fullInventory(emu);
    if (spec.config) await project.config(spec.config);
    const secretConfig = spec.secretConfig?.(emu) ?? {};
    await project.config(secretConfig, Object.keys(secretConfig));

    const first = await project.up();
    expect(first.counts.created).toBeGreaterThan(0);
    const outputs = await project.outputs();
    await spec.check?.(outputs, emu, project);
    await project.expectNoChanges();
    const refreshed = await project.refresh();
    expect(refreshed.counts.updated ?? 0).toBe(0);
    await project.expectNoChanges();

    spec.edit.apply(project);
    expect((await project.preview()).changed).toEqual(spec.edit.planned);
    if (spec.edit.served) {
      // The preview a user reads names the one file changed, and no other.
      const diff = (await project.run(["preview", "--diff", "--stack", project.stack])).stdout;
      const file = spec.edit.served.path.slice(1);
      expect(manifestLinesInDiff(diff)).toEqual({ removed: [file], added: [file] });
    }
    emu.resetRequests();
    const second = await project.up();
    expect(second.counts.updated ?? 0).toBe(spec.edit.planned.filter((step) => step.startsWith("update ")).length);
    if (spec.edit.served) await expectOneFileMoved(emu, spec.edit.served);
    await spec.edited?.(emu);
    await project.expectNoChanges();
    await expectNoSecretLeak(project, emu, spec.canaries?.(outputs, project) ?? []);

    await project.destroy();
    expect(await project.resources()).toEqual([]);
    expect(await fullInventory(emu)).toEqual(prepared);
    expect(prepared.filter((id) => !before.includes(id)).length).toBeLessThanOrEqual(1);
    await spec.destroyed?.();
  }, 300_000);
}

export { api };
