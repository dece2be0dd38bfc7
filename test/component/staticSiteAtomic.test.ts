// StaticSite with `atomic` as a whole program (the component under mocks in a child process, each
// resource through the real provider host, against the emulator): the site served at the edge as
// a release, a new build switched to, a rollback by `atomic.release` with no upload, and a destroy
// that leaves nothing.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listAll } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { destroyAll, runProgram, type ProgramRun } from "../harness/program";
import { REPO_ROOT } from "../harness/providerHost";
import { edgeGet } from "../emulator/cdn-helpers";

jest.setTimeout(180_000);

const PROGRAM_DIR = path.join(REPO_ROOT, ".tmp", "static-site-atomic-program");
const PROGRAM = path.join(PROGRAM_DIR, "index.js");
const PROGRAM_TEXT = `const mamutecloud = require("pulumi-mamutecloud");
const site = new mamutecloud.StaticSite("site", JSON.parse(process.env.STATIC_SITE_ARGS));
exports.distributionDomain = site.distributionDomain;
exports.releaseId = site.releaseId;
exports.keptReleases = site.keptReleases;
`;

let lifecycle: Lifecycle;
let work: string;

beforeAll(async () => {
  fs.mkdirSync(PROGRAM_DIR, { recursive: true });
  fs.writeFileSync(PROGRAM, PROGRAM_TEXT);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "static-site-atomic-"));
  lifecycle = await startLifecycle();
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 100 });
});

afterEach(async () => {
  if (lifecycle?.engine.state.size) await destroyAll(lifecycle.engine).catch(() => undefined);
});

afterAll(async () => {
  await lifecycle?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function writeBuild(dir: string, files: Record<string, string>): string {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  return dir;
}

function up(args: object): Promise<ProgramRun> {
  return runProgram(lifecycle.engine, PROGRAM, { ...process.env, STATIC_SITE_ARGS: JSON.stringify(args) });
}

const writes = () =>
  Object.fromEntries(Object.entries(lifecycle.emu.requests().routes).filter(([route]) => ["S3 PutObject", "S3 CopyObject"].includes(route)));

test("atomic: a release per build, switched at once; rollback by atomic.release with no upload; destroy leaves nothing", async () => {
  const { emu, engine } = lifecycle;
  const v1 = { "index.html": '<script src="/app-11111111.js"></script>v1', "app-11111111.js": "v1()", "logo.svg": "<svg/>" };
  const v2 = { "index.html": '<script src="/app-22222222.js"></script>v2', "app-22222222.js": "v2()", "logo.svg": "<svg/>" };
  const dir = path.join(work, "www");
  writeBuild(dir, v1);

  const first = await up({ path: dir, atomic: { keep: 3 } });
  expect(first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`).sort()).toEqual([
    "Bucket:site-bucket:create",
    "BucketCredential:site-credential:create",
    "CdnResource:site-cdn:create",
    "SiteReleases:site-releases:create",
  ]);
  const host = first.outputs.distributionDomain;
  const page = async () => (await edgeGet(emu, { host })).body;
  expect(await page()).toBe(v1["index.html"]);
  expect(first.outputs.keptReleases).toEqual([first.outputs.releaseId]);

  writeBuild(dir, v2);
  emu.resetRequests();
  const second = await up({ path: dir, atomic: { keep: 3 } });
  expect(second.steps.filter((step) => step.op !== "same").map((step) => `${step.name}:${step.op}`)).toEqual(["site-releases:update"]);
  expect(writes()).toEqual({ "S3 PutObject": 2, "S3 CopyObject": 1 });
  expect(await page()).toBe(v2["index.html"]);
  expect((await edgeGet(emu, { host, path: "/app-22222222.js" })).body).toBe("v2()");

  emu.resetRequests();
  const back = await up({ path: dir, atomic: { keep: 3, release: first.outputs.releaseId } });
  expect(back.outputs.releaseId).toBe(first.outputs.releaseId);
  expect(writes()).toEqual({});
  expect(await page()).toBe(v1["index.html"]);

  // A refresh and an up of the whole site leave the rolled-back release serving.
  for (const name of engine.state.keys()) await engine.refresh(name);
  const again = await up({ path: dir, atomic: { keep: 3, release: first.outputs.releaseId } });
  expect(again.steps.filter((step) => step.op !== "same")).toEqual([]);
  expect(await page()).toBe(v1["index.html"]);

  await destroyAll(engine);
  expect(await listAll(emu, "/cdn/resource")).toEqual([]);
  expect(await listAll(emu, "/object-storage/buckets")).toEqual([]);
});

test("turning atomic on for a live site: the releases are filled and switched to, then the SyncedFolder's files go", async () => {
  const { emu, engine } = lifecycle;
  const dir = writeBuild(path.join(work, "switch-on"), { "index.html": "home", "about/index.html": "about" });
  const plain = await up({ path: dir });
  const host = plain.outputs.distributionDomain;
  expect((await edgeGet(emu, { host })).body).toBe("home");

  const atomic = await up({ path: dir, atomic: true });
  expect(atomic.steps.filter((step) => step.op !== "same").map((step) => `${step.kind}:${step.op}`).sort()).toEqual([
    "CdnResource:update",
    "SiteReleases:create",
  ]);
  expect(atomic.deleted).toEqual(["site-files"]);
  expect((await edgeGet(emu, { host })).body).toBe("home");
  expect((await edgeGet(emu, { host, path: "/about/" })).body).toBe("about");
  const bucketId = engine.get("site-bucket").id;
  const keys = (await listAll(emu, `/object-storage/buckets/${bucketId}/files`)).map((file) => file.key);
  expect(keys.sort()).toEqual([`releases/${atomic.outputs.releaseId}/about/index.html`, `releases/${atomic.outputs.releaseId}/index.html`]);
});
