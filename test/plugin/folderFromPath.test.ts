// SyncedFolder and SiteReleases declared with `path` alone, as a program in Pulumi YAML, Python, Go
// or Java declares them through the native plugin (no TypeScript class computes the manifest): the
// plugin's check reads the folder from its working directory (where the engine starts it: the
// program's folder), so a preview lists the files that change, a no-change `up` sends nothing, and
// an edit uploads and deletes exactly what changed. What a user sees: the check's answer, the
// detailed diff, the objects in the bucket, and the emulator's count of every request.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { api, cleanEnv, stackConfig, type Emulator } from "../harness/emulator";
import { CheckFailedError, Engine, UNKNOWN } from "../harness/engine";
import { ProviderHost, bareKeys, configurePlugin, revealed, type Props } from "../harness/providerHost";
import { newBucketAccess, type BucketAccess } from "../harness/s3";
import { decodeFiles, manifestInputs } from "../../provider/sync/manifest";
import { manifestChanges } from "../harness/manifestChanges";
import { startRig, startTestEmulator, type PluginRig } from "./harness";

jest.setTimeout(120_000);

let rig: PluginRig;
let emu: Emulator;
let engine: Engine;
let work: string;
const accesses: BucketAccess[] = [];

beforeAll(async () => {
  rig = await startRig();
  emu = await startTestEmulator();
  emu.setSettings({ cdnDeployDelayMs: 0 });
  engine = await Engine.create(await rig.plugin({ emu }));
  work = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-folder-from-path-"));
}, 300_000);

afterAll(async () => {
  for (const access of accesses) access.s3.destroy();
  await rig?.close();
  await emu?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
}

async function newBucket(name: string): Promise<BucketAccess> {
  const access = await newBucketAccess(emu, name);
  accesses.push(access);
  return access;
}

/** What a YAML program writes: the bucket, the credential and the folder; no files, no headers. */
function pathOnly(access: BucketAccess, folder: string, extra: Props = {}): Props {
  return { bucket: access.bucketId, accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey, path: folder, ...extra };
}

async function keysOf(access: BucketAccess, prefix?: string): Promise<string[]> {
  const answer = await access.s3.send(new ListObjectsV2Command({ Bucket: access.bucketId, Prefix: prefix }));
  return (answer.Contents ?? []).map((object) => object.Key as string).sort();
}

async function bodyOf(access: BucketAccess, key: string): Promise<string> {
  const answer = await access.s3.send(new GetObjectCommand({ Bucket: access.bucketId, Key: key }));
  return answer.Body!.transformToString();
}

async function contentTypeOf(access: BucketAccess, key: string): Promise<string | undefined> {
  return (await access.s3.send(new HeadObjectCommand({ Bucket: access.bucketId, Key: key }))).ContentType;
}

/** S3 requests that change the bucket, by operation, since the last reset. */
function mutations(): Record<string, number> {
  const writes = [
    "PutObject",
    "CopyObject",
    "DeleteObject",
    "DeleteObjects",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
  ];
  return Object.fromEntries(
    Object.entries(emu.requests().routes)
      .filter(([route]) => route.startsWith("S3 ") && writes.includes(route.slice(3)))
      .map(([route, count]) => [route.slice(3), count]),
  );
}

describe("SyncedFolder from path alone", () => {
  const KIND = "SyncedFolder";
  const site = {
    "index.html": "<h1>home</h1>",
    "assets/app-3f9a2b1c.js": "console.log('app')",
    "data.json": "{}",
    "notes/readme.md": "# notes",
  };
  const contentTypes = { "**/*.md": "text/markdown" };
  let access: BucketAccess;
  let dir: string;

  beforeAll(async () => {
    access = await newBucket("from-path");
    dir = path.join(work, "from-path");
    writeFiles(dir, site);
  });

  test("check computes the manifest the TypeScript class would; create uploads every file with its content type", async () => {
    emu.resetRequests();
    const preview = await engine.preview(KIND, "site", pathOnly(access, dir, { contentTypes }));
    expect(preview.op).toBe("create");
    expect({ files: preview.check.inputs.files, headers: preview.check.inputs.headers }).toEqual(
      manifestInputs({ path: dir, contentTypes }),
    );
    expect(Object.keys(decodeFiles(preview.check.inputs.files as string)).sort()).toEqual(Object.keys(site).sort());
    expect(emu.requests().total).toBe(0);

    expect((await engine.up(KIND, "site", pathOnly(access, dir, { contentTypes }))).op).toBe("create");
    expect(await keysOf(access)).toEqual(Object.keys(site).sort());
    for (const [file, body] of Object.entries(site)) expect(await bodyOf(access, file)).toBe(body);
    const types = Object.fromEntries(await Promise.all(Object.keys(site).map(async (file) => [file, await contentTypeOf(access, file)])));
    expect(types).toEqual({
      "index.html": "text/html; charset=utf-8",
      "assets/app-3f9a2b1c.js": "text/javascript; charset=utf-8",
      "data.json": "application/json; charset=utf-8",
      "notes/readme.md": "text/markdown; charset=utf-8",
    });
    // Stored as inputs, as the engine keeps a manifest the program computed; the outputs hold its digest.
    expect(Object.keys(decodeFiles(engine.get("site").inputs.files as string)).sort()).toEqual(Object.keys(site).sort());
    expect(engine.get("site").outputs.files).toBeUndefined();
  });

  test("nothing changed: check and diff say no change, and the whole run sends no request", async () => {
    emu.resetRequests();
    const again = await engine.up(KIND, "site", pathOnly(access, dir, { contentTypes }));
    expect(again.op).toBe("same");
    expect(again.diff?.changes).toBe("none");
    expect(emu.requests().total).toBe(0);
  });

  test("one file edited, one deleted: the diff names files, the update PUTs one object and deletes one", async () => {
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>home, edited</h1>");
    fs.rmSync(path.join(dir, "data.json"));
    const before = engine.get("site");
    emu.resetRequests();
    const check = await engine.check(KIND, "site", pathOnly(access, dir, { contentTypes }));
    expect(check.failures).toEqual([]);
    expect(Object.keys(await engine.host.detailedDiff(KIND, "site", before.id, before.outputs, check.inputs))).toEqual(["files"]);
    // What the preview lists, from the old and new inputs the engine holds.
    expect(manifestChanges(before.inputs.files, check.inputs.files)).toEqual({
      added: [],
      changed: ["index.html"],
      removed: ["data.json"],
    });
    expect(emu.requests().total).toBe(0);

    const step = await engine.up(KIND, "site", pathOnly(access, dir, { contentTypes }));
    expect(step.op).toBe("update");
    expect(mutations()).toEqual({ PutObject: 1, DeleteObjects: 1 });
    expect(await keysOf(access)).toEqual(["assets/app-3f9a2b1c.js", "index.html", "notes/readme.md"]);
    expect(await bodyOf(access, "index.html")).toBe("<h1>home, edited</h1>");

    emu.resetRequests();
    expect((await engine.up(KIND, "site", pathOnly(access, dir, { contentTypes }))).op).toBe("same");
    expect(emu.requests().total).toBe(0);
  });

  test("an include unknown at preview makes an unknown manifest, not a failure", async () => {
    const created = await engine.preview(KIND, "not-yet", pathOnly(access, dir, { include: UNKNOWN, prefix: "later" }));
    expect(created.op).toBe("create");
    expect(created.check.failures).toEqual([]);
    expect(created.check.inputs.files).toBe(UNKNOWN);
    expect(created.check.inputs.headers).toBe(UNKNOWN);
    // For a folder that exists, the preview says its files may change.
    const existing = await engine.preview(KIND, "site", pathOnly(access, dir, { contentTypes, include: UNKNOWN }));
    expect(existing.op).toBe("update");
    expect(existing.check.inputs.files).toBe(UNKNOWN);
  });

  test("check failures: a missing folder names path and the absolute folder; half a manifest names the other half; a bad rule names its property", async () => {
    emu.resetRequests();
    const failuresOf = async (args: Props) => (await engine.check(KIND, "bad", args)).failures;

    const nowhere = path.join(work, "not-built-yet");
    expect(await failuresOf(pathOnly(access, nowhere))).toEqual([
      {
        property: "path",
        reason: expect.stringContaining(`does not exist (resolved to ${nowhere}). Build the site first, or point path at the folder`),
      },
    ]);
    const file = path.join(dir, "index.html");
    expect(await failuresOf(pathOnly(access, file))).toEqual([
      { property: "path", reason: expect.stringContaining(`is not a folder (resolved to ${file})`) },
    ]);

    const { files, headers } = manifestInputs({ path: dir });
    expect(await failuresOf(pathOnly(access, dir, { files }))).toEqual([
      { property: "headers", reason: expect.stringMatching(/^is required with files: give both .* or neither/) },
    ]);
    expect(await failuresOf(pathOnly(access, dir, { headers }))).toEqual([
      { property: "files", reason: expect.stringMatching(/^is required with headers/) },
    ]);

    expect(await failuresOf(pathOnly(access, dir, { cacheControl: { "**": "public|private" } }))).toEqual([
      { property: "cacheControl", reason: expect.stringContaining('cacheControl["**"] must be a non-empty header value without "|"') },
    ]);
    await expect(engine.up(KIND, "bad", pathOnly(access, nowhere))).rejects.toThrow(CheckFailedError);
    expect(emu.requests().total).toBe(0);
  });

  test("a relative path resolves against the plugin's working directory, the program's folder", async () => {
    const program = path.join(work, "program");
    writeFiles(path.join(program, "build"), { "index.html": "<h1>relative</h1>", "style.css": "body{}" });
    const host = await ProviderHost.startPlugin({
      pluginDir: rig.project.pluginDir,
      cwd: program,
      engineAddress: rig.engineService.address,
      env: cleanEnv(),
    });
    try {
      await configurePlugin(host, bareKeys(stackConfig(emu)));
      const inProgram = await Engine.create(host);
      const relative = await newBucket("relative-path");
      const args = pathOnly(relative, "build");
      // The test runs elsewhere: only the plugin's directory holds build/.
      expect(fs.existsSync(path.resolve("build"))).toBe(false);

      const check = await inProgram.check(KIND, "relative", args);
      expect(check.failures).toEqual([]);
      expect(check.inputs.path).toBe("build");
      expect(check.inputs.files).toEqual(manifestInputs({ path: path.join(program, "build") }).files);

      expect((await inProgram.up(KIND, "relative", args)).op).toBe("create");
      expect(await keysOf(relative)).toEqual(["index.html", "style.css"]);
      expect(await contentTypeOf(relative, "style.css")).toBe("text/css; charset=utf-8");

      // And the missing folder it names is the absolute one it looked at, there.
      const missing = await inProgram.check(KIND, "relative", pathOnly(relative, "dist"));
      expect(missing.failures).toEqual([
        { property: "path", reason: expect.stringContaining(`path "dist" does not exist (resolved to ${path.join(program, "dist")})`) },
      ]);
      await inProgram.destroy("relative");
      expect(await keysOf(relative)).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

describe("SiteReleases from path alone", () => {
  const KIND = "SiteReleases";
  const site = { "index.html": "<h1>release</h1>", "assets/app-9c8d7e6f.js": "console.log('release')", "logo.svg": "<svg/>" };
  let access: BucketAccess;
  let cdnResourceId: string;
  let dir: string;

  beforeAll(async () => {
    access = await newBucket("releases-from-path");
    const cdn = await api(emu, "POST", "/cdn/resource", {
      name: "releases-from-path",
      origin_group: { type: "storage", bucket_id: access.bucketId },
    });
    expect(cdn.status).toBe(201);
    cdnResourceId = cdn.body.id;
    dir = path.join(work, "releases-from-path");
    writeFiles(dir, site);
  });

  test("create deploys the folder as a release, every file with its content type, the CDN on it", async () => {
    const args = pathOnly(access, dir, { cdnResourceId });
    const preview = await engine.preview(KIND, "releases", args);
    expect(preview.check.failures).toEqual([]);
    expect({ files: preview.check.inputs.files, headers: preview.check.inputs.headers }).toEqual(manifestInputs({ path: dir }));

    expect((await engine.up(KIND, "releases", args)).op).toBe("create");
    const { releaseId, originPath } = revealed(engine.get("releases").outputs);
    const folder = `releases/${releaseId}/`;
    expect(await keysOf(access)).toEqual(
      Object.keys(site)
        .map((file) => `${folder}${file}`)
        .sort(),
    );
    expect(await contentTypeOf(access, `${folder}index.html`)).toBe("text/html; charset=utf-8");
    expect(await contentTypeOf(access, `${folder}assets/app-9c8d7e6f.js`)).toBe("text/javascript; charset=utf-8");
    expect(await contentTypeOf(access, `${folder}logo.svg`)).toBe("image/svg+xml");
    expect(await bodyOf(access, `${folder}index.html`)).toBe(site["index.html"]);
    expect(originPath).toBe(`/releases/${releaseId}`);
  });

  test("nothing changed: no change, and the whole run sends no request", async () => {
    emu.resetRequests();
    const again = await engine.up(KIND, "releases", pathOnly(access, dir, { cdnResourceId }));
    expect(again.op).toBe("same");
    expect(emu.requests().total).toBe(0);
  });

  test("an edited file: the diff names files, and the update deploys a new release", async () => {
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>release 2</h1>");
    const before = engine.get("releases");
    const check = await engine.check(KIND, "releases", pathOnly(access, dir, { cdnResourceId }));
    expect(Object.keys(await engine.host.detailedDiff(KIND, "releases", before.id, before.outputs, check.inputs))).toEqual(["files"]);
    expect((await engine.up(KIND, "releases", pathOnly(access, dir, { cdnResourceId }))).op).toBe("update");
    const { releaseId } = revealed(engine.get("releases").outputs);
    expect(releaseId).not.toBe(revealed(before.outputs).releaseId);
    expect(await bodyOf(access, `releases/${releaseId}/index.html`)).toBe("<h1>release 2</h1>");
  });

  test("a missing folder fails check naming path and the absolute folder", async () => {
    const nowhere = path.join(work, "releases-not-built");
    const { failures } = await engine.check(KIND, "releases-bad", pathOnly(access, nowhere, { cdnResourceId }));
    expect(failures).toEqual([{ property: "path", reason: expect.stringContaining(`does not exist (resolved to ${nowhere})`) }]);
  });
});
