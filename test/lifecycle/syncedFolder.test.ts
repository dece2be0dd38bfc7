// SyncedFolder through the real provider host, in the engine's order, against the emulator. What a
// user would check: the objects in the bucket (bytes, headers), and how many S3 requests each step
// took (the emulator's counter names every S3 operation).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { Engine, CheckFailedError, UNKNOWN } from "../harness/engine";
import { HostCallError, ProviderHost } from "../harness/providerHost";
import { api, cleanEnv, stackConfig, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { newBucketAccess, type BucketAccess } from "../harness/s3";
import {
  buildManifest,
  decodeFileIndex,
  manifestInputs,
  IMMUTABLE,
  REVALIDATE,
  type ManifestOptions,
  decodeFiles,
} from "../../provider/sync/manifest";

const KIND = "SyncedFolder";
jest.setTimeout(120_000);

let lifecycle: Lifecycle;
let emu: Emulator;
let engine: Engine;
let work: string;

interface Site extends BucketAccess {
  dir: string;
}
const sites: Site[] = [];

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "synced-folder-"));
});

afterAll(async () => {
  for (const site of sites) site.s3.destroy();
  await lifecycle?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

afterEach(() => emu.clearFaults());

function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
}

async function newSite(name: string, files: Record<string, string | Buffer>): Promise<Site> {
  const dir = path.join(work, name);
  writeFiles(dir, files);
  const site: Site = { ...(await newBucketAccess(emu, name)), dir };
  sites.push(site);
  return site;
}

/** What the SyncedFolder class sends: the user's arguments plus the manifest read from the folder. */
function argsOf(site: Site, extra: Partial<ManifestOptions> & Record<string, unknown> = {}): Record<string, unknown> {
  const options = { path: site.dir, ...extra };
  const manifest = manifestInputs(options as ManifestOptions);
  return {
    bucket: site.bucketId,
    accessKeyId: site.accessKeyId,
    secretAccessKey: site.secretAccessKey,
    ...options,
    files: manifest.files,
    headers: manifest.headers,
  };
}

/** The files a state's outputs record as synced (their index), sorted. */
function recordedFiles(state: { outputs: Record<string, unknown> }): string[] {
  return [...decodeFileIndex(state.outputs.filesIndex).keys()].sort();
}

async function keysOf(site: Site, prefix?: string): Promise<string[]> {
  const answer = await site.s3.send(new ListObjectsV2Command({ Bucket: site.bucketId, Prefix: prefix }));
  return (answer.Contents ?? []).map((object) => object.Key as string).sort();
}

async function bodyOf(site: Site, key: string): Promise<string> {
  const answer = await site.s3.send(new GetObjectCommand({ Bucket: site.bucketId, Key: key }));
  return answer.Body!.transformToString();
}

async function headOf(site: Site, key: string) {
  return site.s3.send(new HeadObjectCommand({ Bucket: site.bucketId, Key: key }));
}

/** S3 requests by operation since the last reset, e.g. `{ PutObject: 1, ListObjectsV2: 1 }`. */
function s3Requests(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [route, count] of Object.entries(emu.requests().routes)) {
    if (route.startsWith("S3 ")) counts[route.slice(3)] = count;
  }
  return counts;
}

const MUTATIONS = [
  "PutObject",
  "CopyObject",
  "DeleteObject",
  "DeleteObjects",
  "CreateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
];

function mutations(): Record<string, number> {
  return Object.fromEntries(Object.entries(s3Requests()).filter(([op]) => MUTATIONS.includes(op)));
}

const basicFiles = {
  "index.html": "<h1>home</h1>",
  "about/index.html": "<h1>about</h1>",
  "assets/app-3f9a2b1c.js": "console.log('app')",
  "assets/logo.svg": "<svg/>",
  "data.json": "{}",
  ".well-known/security.txt": "Contact: mailto:security@example.com",
  ".DS_Store": "junk",
};

test("check: bad inputs fail per property before any request; unknown bucket and credential pass at preview", async () => {
  const site = await newSite("sf-check", { "index.html": "x" });
  emu.resetRequests();
  const good = argsOf(site);
  const bad = await engine.check(KIND, "bad", {
    ...good,
    bucket: "a/b",
    prefix: "a/../b",
    concurrency: 0,
    files: "@files 1\n../escape.html\tnonsense\n",
    s3Endpoint: "ftp://x",
  });
  const byProperty = Object.fromEntries(bad.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["bucket", "concurrency", "files", "prefix", "s3Endpoint"]);
  expect(byProperty.files).toMatch(/"\.\.\/escape\.html" is not a relative path/);
  expect(byProperty.prefix).toMatch(/without empty, "\." or "\.\." segments/);

  // Without files and headers, check computes them from path (what the native plugin's other languages give).
  const missing = await engine.check(KIND, "bad", { path: site.dir });
  expect(missing.failures.map((f) => f.property).sort()).toEqual(["accessKeyId", "bucket", "secretAccessKey"]);
  expect(missing.inputs.files).toEqual(good.files);

  const orphanCode = await engine.check(KIND, "bad", { ...good, headers: {} });
  expect(orphanCode.failures).toEqual([
    { property: "headers", reason: expect.stringMatching(/has no entry ".{6}" that file "index.html" refers to/) },
  ]);

  const preview = await engine.preview(KIND, "preview", { ...good, bucket: UNKNOWN, accessKeyId: UNKNOWN, secretAccessKey: UNKNOWN });
  expect(preview.op).toBe("create");
  expect(preview.check.inputs.prefix).toBe("");
  expect(preview.check.inputs.concurrency).toBe(48);
  await expect(engine.up(KIND, "bad", { ...good, concurrency: 100 })).rejects.toThrow(CheckFailedError);
  expect(emu.requests().total).toBe(0);
});

test("create uploads every file with its type and cache-control under the prefix; other keys are untouched", async () => {
  const site = await newSite("sf-basic", basicFiles);
  const foreign = { "outside.txt": "not mine", "site/by-someone-else.txt": "theirs" };
  for (const [key, body] of Object.entries(foreign))
    await site.s3.send(new PutObjectCommand({ Bucket: site.bucketId, Key: key, Body: body }));

  emu.resetRequests();
  const step = await engine.up(KIND, "basic", argsOf(site, { prefix: "/site" }));
  expect(step.op).toBe("create");
  const state = engine.get("basic");
  expect(state.id).toBe(`${site.bucketId}/site/`);
  expect(state.outputs.prefix).toBe("site/");
  const uploaded = [".well-known/security.txt", "about/index.html", "assets/app-3f9a2b1c.js", "assets/logo.svg", "data.json", "index.html"];
  // The manifest is kept once, in the inputs; the outputs record the same files in their index.
  expect(Object.keys(decodeFiles(state.inputs.files as string)).sort()).toEqual(uploaded);
  expect(state.outputs.files).toBeUndefined();
  expect(recordedFiles(state)).toEqual(uploaded);
  // One LIST, one HEAD for the key in the prefix it does not know (is it an orphan of its own?), the PUTs.
  expect(s3Requests()).toEqual({ ListObjectsV2: 1, HeadObject: 1, PutObject: 6 });

  expect(await keysOf(site)).toEqual([
    "outside.txt",
    "site/.well-known/security.txt",
    "site/about/index.html",
    "site/assets/app-3f9a2b1c.js",
    "site/assets/logo.svg",
    "site/by-someone-else.txt",
    "site/data.json",
    "site/index.html",
  ]);
  for (const [file, body] of Object.entries(basicFiles)) {
    if (file !== ".DS_Store") expect(await bodyOf(site, `site/${file}`)).toBe(body);
  }
  const expected: Record<string, [string, string]> = {
    "index.html": ["text/html; charset=utf-8", REVALIDATE],
    "assets/app-3f9a2b1c.js": ["text/javascript; charset=utf-8", IMMUTABLE],
    "assets/logo.svg": ["image/svg+xml", REVALIDATE],
    "data.json": ["application/json; charset=utf-8", REVALIDATE],
    ".well-known/security.txt": ["text/plain; charset=utf-8", REVALIDATE],
  };
  for (const [file, [contentType, cacheControl]] of Object.entries(expected)) {
    const head = await headOf(site, `site/${file}`);
    expect([file, head.ContentType, head.CacheControl]).toEqual([file, contentType, cacheControl]);
    // The owner mark is this resource's (a hash of its URN), not the prefix's: see the ownership tests.
    expect(head.Metadata).toEqual({ "mamute-synced-folder": expect.stringMatching(/^urn-[A-Za-z0-9_-]{22}$/) });
  }
  for (const [key, body] of Object.entries(foreign)) expect(await bodyOf(site, key)).toBe(body);
});

test("a second up with nothing changed makes no S3 request at all; refresh is one LIST and changes nothing", async () => {
  const site = sites.find((s) => s.dir.endsWith("sf-basic"))!;
  emu.resetRequests();
  const again = await engine.up(KIND, "basic", argsOf(site, { prefix: "site" }));
  expect(again.op).toBe("same");
  expect(emu.requests().total).toBe(0);

  const before = engine.get("basic");
  expect(await engine.refresh("basic")).toBe(true);
  expect(s3Requests()).toEqual({ ListObjectsV2: 1 });
  expect(engine.get("basic").inputs.files).toEqual(before.inputs.files);
  expect(engine.get("basic").outputs).toEqual(before.outputs);
  expect((await engine.up(KIND, "basic", argsOf(site, { prefix: "site" }))).op).toBe("same");
});

test("one file changed: exactly one PUT, of that file; one removed: one delete request, of that key", async () => {
  const site = sites.find((s) => s.dir.endsWith("sf-basic"))!;
  writeFiles(site.dir, { "about/index.html": "<h1>about us</h1>" });
  const preview = await engine.preview(KIND, "basic", argsOf(site, { prefix: "site" }));
  expect(preview.op).toBe("update");
  // Someone else's key written well before the last sync is not looked at again (no HEAD).
  emu.state.buckets.get(site.bucketId)!.objects.get("site/by-someone-else.txt")!.lastModified = new Date(Date.now() - 86_400_000);
  emu.resetRequests();
  await engine.up(KIND, "basic", argsOf(site, { prefix: "site" }));
  expect(s3Requests()).toEqual({ ListObjectsV2: 1, PutObject: 1 });
  expect(await bodyOf(site, "site/about/index.html")).toBe("<h1>about us</h1>");

  fs.rmSync(path.join(site.dir, "assets/logo.svg"));
  emu.resetRequests();
  await engine.up(KIND, "basic", argsOf(site, { prefix: "site" }));
  expect(mutations()).toEqual({ DeleteObjects: 1 });
  expect(await keysOf(site)).toEqual([
    "outside.txt",
    "site/.well-known/security.txt",
    "site/about/index.html",
    "site/assets/app-3f9a2b1c.js",
    "site/by-someone-else.txt",
    "site/data.json",
    "site/index.html",
  ]);
  expect(await bodyOf(site, "site/by-someone-else.txt")).toBe("theirs");
});

test("a cache-control rule re-sends the files it changes, and only those", async () => {
  const site = sites.find((s) => s.dir.endsWith("sf-basic"))!;
  const rules = { cacheControl: { "**/*.json": "no-store" }, contentTypes: { "**/*.txt": "text/markdown" } };
  emu.resetRequests();
  await engine.up(KIND, "basic", argsOf(site, { prefix: "site", ...rules }));
  expect(mutations()).toEqual({ PutObject: 2 });
  expect((await headOf(site, "site/data.json")).CacheControl).toBe("no-store");
  expect((await headOf(site, "site/.well-known/security.txt")).ContentType).toBe("text/markdown; charset=utf-8");
  expect((await headOf(site, "site/index.html")).CacheControl).toBe(REVALIDATE);
  emu.resetRequests();
  expect((await engine.up(KIND, "basic", argsOf(site, { prefix: "site", ...rules }))).op).toBe("same");
  expect(emu.requests().total).toBe(0);
});

test("refresh sees a file changed and one deleted out of band; the next up puts exactly those back", async () => {
  const site = sites.find((s) => s.dir.endsWith("sf-basic"))!;
  const rules = { cacheControl: { "**/*.json": "no-store" }, contentTypes: { "**/*.txt": "text/markdown" } };
  await site.s3.send(new PutObjectCommand({ Bucket: site.bucketId, Key: "site/index.html", Body: "defaced" }));
  const { body: files } = await api(emu, "GET", `/object-storage/buckets/${site.bucketId}/files?limit=100`);
  const dataJson = files.data.find((file: { key: string }) => file.key === "site/data.json");
  expect((await api(emu, "DELETE", `/object-storage/buckets/${site.bucketId}/files/${dataJson.id}`)).status).toBe(204);

  const before = decodeFiles(engine.get("basic").inputs.files as string);
  expect(await engine.refresh("basic")).toBe(true);
  // The refreshed inputs are what the CLI diffs against the program: both files show as changes.
  const after = decodeFiles(engine.get("basic").inputs.files as string);
  expect(after["data.json"]).toBeUndefined();
  expect(after["index.html"]).not.toBe(before["index.html"]);
  expect(after["index.html"].split(" ")[1]).toBe("7"); // the size S3 holds now
  expect(after["about/index.html"]).toBe(before["about/index.html"]);
  expect(recordedFiles(engine.get("basic"))).toEqual(Object.keys(after).sort());

  const preview = await engine.preview(KIND, "basic", argsOf(site, { prefix: "site", ...rules }));
  expect(preview.op).toBe("update");
  emu.resetRequests();
  await engine.up(KIND, "basic", argsOf(site, { prefix: "site", ...rules }));
  expect(mutations()).toEqual({ PutObject: 2 });
  expect(await bodyOf(site, "site/index.html")).toBe(basicFiles["index.html"]);
  expect(await bodyOf(site, "site/data.json")).toBe("{}");
  expect((await headOf(site, "site/data.json")).CacheControl).toBe("no-store");
  expect((await engine.up(KIND, "basic", argsOf(site, { prefix: "site", ...rules }))).op).toBe("same");
});

test("state written by the previous version (manifest echoed in the outputs, version 2) keeps working", async () => {
  const site = await newSite("sf-v2", { "index.html": "<p>v2</p>", "app.css": "body{}", "gone.js": "1" });
  await engine.up(KIND, "v2", argsOf(site));
  const current = engine.get("v2");
  // What version 2 wrote: every input echoed into the outputs, no digest or index.
  const { filesDigest: _digest, filesIndex: _index, ...rest } = current.outputs;
  // Its manifest was a map then, in the inputs as in the outputs.
  const files = decodeFiles(current.inputs.files as string);
  const v2State = () => ({ ...current, inputs: { ...current.inputs, files }, outputs: { ...rest, files, __version: 2 } });
  engine.state.set("v2", v2State());

  emu.resetRequests();
  expect((await engine.up(KIND, "v2", argsOf(site))).op).toBe("same");
  expect(emu.requests().total).toBe(0);

  engine.state.set("v2", v2State());
  writeFiles(site.dir, { "app.css": "body{color:red}" });
  fs.rmSync(path.join(site.dir, "gone.js"));
  emu.resetRequests();
  expect((await engine.up(KIND, "v2", argsOf(site))).op).toBe("update");
  expect(mutations()).toEqual({ PutObject: 1, DeleteObjects: 1 });
  expect(await keysOf(site)).toEqual(["app.css", "index.html"]);
  expect(engine.get("v2").outputs.__version).toBe(3);
  expect(engine.get("v2").outputs.files).toBeUndefined();

  // A refresh and a destroy of version 2 state find its files from the echoed manifest.
  engine.state.set("v2", v2State());
  expect(await engine.refresh("v2")).toBe(true);
  expect(Object.keys(decodeFiles(engine.get("v2").inputs.files as string)).sort()).toEqual(["app.css", "index.html"]);
  engine.state.set("v2", v2State());
  await engine.destroy("v2");
  expect(await keysOf(site)).toEqual([]);
});

test("keys with spaces, non-ASCII and reserved characters are stored under exactly their names", async () => {
  const files = { "a b/ü (1)+x.html": "<p>1</p>", "weird!'()*&=$,;@~.txt": "2", "%41.css": "3" };
  const site = await newSite("sf-names", files);
  await engine.up(KIND, "names", argsOf(site, { prefix: "dir with space" }));
  expect(await keysOf(site)).toEqual(
    Object.keys(files)
      .map((file) => `dir with space/${file}`)
      .sort(),
  );
  for (const [file, body] of Object.entries(files)) expect(await bodyOf(site, `dir with space/${file}`)).toBe(body);
  emu.resetRequests();
  expect((await engine.up(KIND, "names", argsOf(site, { prefix: "dir with space" }))).op).toBe("same");
  await engine.destroy("names");
  expect(await keysOf(site)).toEqual([]);
});

test("destroy deletes its files and nothing else", async () => {
  const site = sites.find((s) => s.dir.endsWith("sf-basic"))!;
  await engine.destroy("basic");
  expect(await keysOf(site)).toEqual(["outside.txt", "site/by-someone-else.txt"]);
});

test("a prefix change moves the files; a file over the part size goes up as a multipart upload with the right ETag", async () => {
  const big = Buffer.alloc(12 * 1024 * 1024 + 5, 7);
  big.write("a big file with a head", 0);
  const site = await newSite("sf-big", { "index.html": "<p>big</p>", "video.bin": big });
  emu.resetRequests();
  await engine.up(KIND, "big", argsOf(site, { prefix: "v1" }));
  expect(mutations()).toEqual({ PutObject: 1, CreateMultipartUpload: 1, UploadPart: 2, CompleteMultipartUpload: 1 });
  const object = await site.s3.send(new GetObjectCommand({ Bucket: site.bucketId, Key: "v1/video.bin" }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
  expect(object.ETag).toMatch(/-2"$/);
  expect(object.ContentType).toBe("application/octet-stream");
  emu.resetRequests();
  expect((await engine.up(KIND, "big", argsOf(site, { prefix: "v1" }))).op).toBe("same");
  expect(emu.requests().total).toBe(0);
  await engine.refresh("big");
  expect((await engine.up(KIND, "big", argsOf(site, { prefix: "v1" }))).op).toBe("same");

  const moved = await engine.up(KIND, "big", argsOf(site, { prefix: "v2" }));
  expect(moved.op).toBe("update");
  expect(await keysOf(site)).toEqual(["v2/index.html", "v2/video.bin"]);
  expect(engine.get("big").id).toBe(`${site.bucketId}/v1/`);
  await engine.destroy("big");
  expect(await keysOf(site)).toEqual([]);
});

test("a host killed half-way, then up again: every file right, nothing uploaded twice, no unfinished upload left", async () => {
  const files: Record<string, string | Buffer> = { "big.bin": Buffer.alloc(10 * 1024 * 1024, 1) };
  for (let i = 0; i < 40; i++) files[`page-${String(i).padStart(2, "0")}.html`] = `<p>page ${i}</p>`;
  const site = await newSite("sf-killed", files);
  const victim = await ProviderHost.start({ env: cleanEnv() });
  await victim.configure(stackConfig(emu));
  const doomed = await Engine.create(victim);

  // Slow S3 writes, so the kill lands with some files stored, some in flight and the multipart open.
  emu.setFaults({
    rules: [
      { route: "S3 UploadPart", fault: "delay", delayMs: 1500 },
      { plane: "s3", method: "PUT", fault: "delay", delayMs: 150 },
    ],
  });
  emu.resetRequests();
  const run = doomed.up(KIND, "killed", argsOf(site, { concurrency: 4 })).catch((err: unknown) => err);
  const counted = (route: string) => emu.requests().routes[route] ?? 0;
  for (let waited = 0; (counted("S3 PutObject") < 12 || counted("S3 UploadPart") < 1) && waited < 20_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await victim.kill();
  expect(await run).toBeInstanceOf(Error);
  // Writes already received finish on the server; let them land before looking.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(doomed.state.has("killed")).toBe(false); // the engine recorded nothing
  emu.clearFaults();
  const landed = (await keysOf(site)).length;
  expect(landed).toBeGreaterThan(0);
  expect(landed).toBeLessThan(41);
  const unfinished = await site.s3.send(new ListMultipartUploadsCommand({ Bucket: site.bucketId }));
  expect(unfinished.Uploads?.length).toBe(1);

  // Meanwhile a page that made it up is deleted locally: it must not be left behind.
  const gone = (await keysOf(site)).find((key) => key.startsWith("page-"))!;
  fs.rmSync(path.join(site.dir, gone));
  emu.resetRequests();
  await engine.up(KIND, "killed", argsOf(site, { concurrency: 4 }));
  // Only the pages that had not landed: the landed ones are recognised (ETag, headers, owner mark).
  expect(s3Requests().PutObject).toBe(40 - landed);
  expect(s3Requests().AbortMultipartUpload).toBe(1);
  expect(s3Requests().DeleteObjects).toBe(1);
  const expectedKeys = Object.keys(files)
    .filter((file) => file !== gone)
    .sort();
  expect(await keysOf(site)).toEqual(expectedKeys);
  for (const file of expectedKeys.filter((f) => f.endsWith(".html"))) expect(await bodyOf(site, file)).toBe(files[file]);
  expect((await site.s3.send(new ListMultipartUploadsCommand({ Bucket: site.bucketId }))).Uploads ?? []).toEqual([]);
  emu.resetRequests();
  expect((await engine.up(KIND, "killed", argsOf(site, { concurrency: 4 }))).op).toBe("same");
  expect(emu.requests().total).toBe(0);
});

test("a create that fails half-way keeps what landed in the stack (init failure); the next up sends only the rest", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`p${String(i).padStart(2, "0")}.html`] = `<p>${i}</p>`;
  const site = await newSite("sf-half", files);
  // A refusal S3 will not take back (400), a few PUTs in.
  emu.setFaults({ seed: 3, rules: [{ route: "S3 PutObject", fault: "status", status: 400, rate: 0.2 }] });
  const err = await engine.up(KIND, "half", argsOf(site, { concurrency: 1 })).then(
    () => undefined,
    (failure: unknown) => failure as HostCallError,
  );
  emu.clearFaults();
  expect(err).toBeInstanceOf(HostCallError);
  expect(err?.message).toMatch(/upload "p\d\d\.html" .* failed: HTTP 400/);
  expect(err?.message).toMatch(/of 30 files were uploaded and are kept in the stack/);
  expect(err?.initFailed?.id).toBe(`${site.bucketId}/`);
  const kept = recordedFiles(engine.get("half"));
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThan(30);
  expect(await keysOf(site)).toEqual(kept);

  emu.resetRequests();
  const repair = await engine.up(KIND, "half", argsOf(site, { concurrency: 1 }));
  expect(repair.op).toBe("update");
  expect(mutations()).toEqual({ PutObject: 30 - kept.length });
  expect(await keysOf(site)).toEqual(Object.keys(files).sort());
  expect((await engine.up(KIND, "half", argsOf(site, { concurrency: 1 }))).op).toBe("same");
});

test("a file changed between the program reading it and the upload fails, and is never recorded as uploaded", async () => {
  const big = Buffer.alloc(9 * 1024 * 1024, 3);
  const site = await newSite("sf-racing", { "a.html": "first", "big.bin": big });
  const args = argsOf(site, { concurrency: 1 });
  // The build rewrites both files after the program computed the manifest (same sizes, other bytes).
  writeFiles(site.dir, { "a.html": "FIRST", "big.bin": Buffer.alloc(big.length, 4) });
  const err = await engine.up(KIND, "racing", args).then(
    () => undefined,
    (failure: unknown) => failure as HostCallError,
  );
  // Largest first: the multipart upload, whose ETag did not match, fails before a.html is tried.
  expect(err?.message).toMatch(/upload "big\.bin": .*big\.bin changed while it was being uploaded; run `pulumi up` again/);
  expect(engine.state.has("racing")).toBe(false);
  // Its object holds the new bytes, under an ETag the manifest does not have, and is not recorded:
  // the next up uploads it again.
  expect(await keysOf(site)).toEqual(["big.bin"]);

  writeFiles(site.dir, { "big.bin": big });
  // Now only a.html differs from the manifest the program computed.
  const single = await engine.up(KIND, "racing", args).then(
    () => undefined,
    (failure: unknown) => failure as HostCallError,
  );
  expect(single?.message).toMatch(/upload "a\.html": .*a\.html changed while it was being uploaded/);
  // big.bin landed and is kept; a.html, refused by its Content-MD5, is neither stored nor recorded.
  expect(recordedFiles(engine.get("racing"))).toEqual(["big.bin"]);
  expect(await keysOf(site)).toEqual(["big.bin"]);
  await engine.up(KIND, "racing", argsOf(site));
  const stored = await headOf(site, "big.bin");
  expect([stored.ContentLength, stored.ETag]).toEqual([big.length, expect.stringMatching(/-2"$/)]);
  expect((await engine.up(KIND, "racing", argsOf(site))).op).toBe("same");
});

test("two SyncedFolders in one bucket, the root and a folder under it: neither deletes the other's files", async () => {
  const root = await newSite("sf-shared", { "index.html": "root", "old.html": "old" });
  const blogDir = path.join(work, "sf-shared-blog");
  writeFiles(blogDir, { "index.html": "blog", "post.html": "post" });
  const blog = { ...root, dir: blogDir };
  await engine.up(KIND, "shared-root", argsOf(root));
  await engine.up(KIND, "shared-blog", argsOf(blog, { prefix: "blog" }));
  expect(await keysOf(root)).toEqual(["blog/index.html", "blog/post.html", "index.html", "old.html"]);

  // The root's sweep sees blog/* as unknown keys, finds the blog's owner mark, and leaves them.
  fs.rmSync(path.join(root.dir, "old.html"));
  await engine.up(KIND, "shared-root", argsOf(root));
  expect(await keysOf(root)).toEqual(["blog/index.html", "blog/post.html", "index.html"]);
  await engine.destroy("shared-root");
  expect(await keysOf(root)).toEqual(["blog/index.html", "blog/post.html"]);
  await engine.destroy("shared-blog");
  expect(await keysOf(root)).toEqual([]);
});

test("two SyncedFolders on one bucket and prefix (two stacks): each deletes only its own keys, on every up and on destroy", async () => {
  // Issue 19: the owner mark was the prefix's, so each sweep took the other's files for its own orphans.
  const a = await newSite("sf-same-prefix", { "index.html": "a", "a-only.html": "a" });
  const bDir = path.join(work, "sf-same-prefix-b");
  writeFiles(bDir, { "b-only.html": "b", "b2.html": "b" });
  const b = { ...a, dir: bDir };
  await engine.up(KIND, "owner-a", argsOf(a));
  await engine.up(KIND, "owner-b", argsOf(b));
  expect(await keysOf(a)).toEqual(["a-only.html", "b-only.html", "b2.html", "index.html"]);

  // A changes (one file removed, one edited): B's keys, new to A and written since A's last sync, stay.
  fs.rmSync(path.join(a.dir, "a-only.html"));
  writeFiles(a.dir, { "index.html": "a2" });
  await engine.up(KIND, "owner-a", argsOf(a));
  expect(await keysOf(a)).toEqual(["b-only.html", "b2.html", "index.html"]);
  // B changes: A's keys stay.
  fs.rmSync(path.join(bDir, "b2.html"));
  await engine.up(KIND, "owner-b", argsOf(b));
  expect(await keysOf(a)).toEqual(["b-only.html", "index.html"]);
  // Nothing was lost behind a preview's back: both preview no change.
  expect((await engine.preview(KIND, "owner-a", argsOf(a))).op).toBe("same");
  expect((await engine.preview(KIND, "owner-b", argsOf(b))).op).toBe("same");
  await engine.destroy("owner-a");
  expect(await keysOf(a)).toEqual(["b-only.html"]);
  await engine.destroy("owner-b");
  expect(await keysOf(a)).toEqual([]);
});

test("a key of its own that another writer has since overwritten is theirs: neither deleted nor purged as its own", async () => {
  const a = await newSite("sf-overwritten", { "index.html": "a", "shared.html": "from a" });
  await engine.up(KIND, "overwritten-a", argsOf(a));
  // Someone else (the AWS CLI, another stack's folder) writes shared.html over it.
  await a.s3.send(new PutObjectCommand({ Bucket: a.bucketId, Key: "shared.html", Body: "from the CLI" }));
  fs.rmSync(path.join(a.dir, "shared.html"));
  await engine.up(KIND, "overwritten-a", argsOf(a));
  expect(await bodyOf(a, "shared.html")).toBe("from the CLI");
  await engine.destroy("overwritten-a");
  expect(await keysOf(a)).toEqual(["shared.html"]);
});

test("state written before the URN mark (prefix mark only) previews no change, and its next sync keeps working", async () => {
  const site = await newSite("sf-legacy-mark", { "index.html": "v1", "old.html": "old" });
  await engine.up(KIND, "legacy-mark", argsOf(site));
  // The state as the previous version wrote it: no __owner, objects marked with the prefix.
  const state = engine.get("legacy-mark");
  const { __owner: _in, ...inputs } = state.inputs;
  const { __owner: _out, ...outputs } = state.outputs;
  engine.state.set("legacy-mark", { ...state, inputs, outputs });
  for (const key of ["index.html", "old.html"]) {
    await site.s3.send(
      new PutObjectCommand({ Bucket: site.bucketId, Key: key, Body: await bodyOf(site, key), Metadata: { "mamute-synced-folder": "/" } }),
    );
  }
  const preview = await engine.preview(KIND, "legacy-mark", argsOf(site));
  expect(preview.op).toBe("same");
  fs.rmSync(path.join(site.dir, "old.html"));
  writeFiles(site.dir, { "index.html": "v2" });
  await engine.up(KIND, "legacy-mark", argsOf(site));
  expect(await keysOf(site)).toEqual(["index.html"]);
  expect((await headOf(site, "index.html")).Metadata?.["mamute-synced-folder"]).toMatch(/^urn-/);
  expect((await engine.preview(KIND, "legacy-mark", argsOf(site))).op).toBe("same");
});

test("a new bucket replaces: the old bucket is emptied first, then the new one filled", async () => {
  const first = await newSite("sf-move-a", { "index.html": "a" });
  const second = await newSite("sf-move-b", {});
  await engine.up(KIND, "mover", argsOf(first));
  const step = await engine.up(KIND, "mover", {
    ...argsOf(first),
    bucket: second.bucketId,
    accessKeyId: second.accessKeyId,
    secretAccessKey: second.secretAccessKey,
  });
  expect(step.op).toBe("replace");
  expect(step.order).toEqual(["delete", "create"]);
  expect(await keysOf(first)).toEqual([]);
  expect(await keysOf(second)).toEqual(["index.html"]);
});

test("S3's clock 20 minutes off ours (RequestTimeTooSkewed): the sync signs with S3's time from its answer and succeeds", async () => {
  const site = await newSite("sf-skew", { "index.html": "v1", "style.css": "body{}" });
  emu.state.clockOffsetMs = 20 * 60_000;
  try {
    emu.resetRequests();
    await engine.up(KIND, "skewed", argsOf(site));
    expect(await bodyOf(site, "index.html")).toBe("v1");
    // The first call (the LIST) was refused once and corrected the clock; the PUTs went right away.
    expect(s3Requests()).toMatchObject({ ListObjectsV2: 2, PutObject: 2 });
    writeFiles(site.dir, { "index.html": "v2" });
    fs.rmSync(path.join(site.dir, "style.css"));
    emu.state.clockOffsetMs = -20 * 60_000;
    await engine.up(KIND, "skewed", argsOf(site));
    expect(await keysOf(site)).toEqual(["index.html"]);
    expect(await bodyOf(site, "index.html")).toBe("v2");
  } finally {
    emu.state.clockOffsetMs = 0;
  }
});

test("a PUT refused for its clock (the first call of a bucket) is signed again with S3's time, once", async () => {
  const site = await newSite("sf-skew-put", { "a.txt": "a" });
  const { SyncBucket } = await import("../../provider/sync/bucket");
  const bucket = new SyncBucket({
    endpoint: emu.s3Url,
    bucket: site.bucketId,
    accessKeyId: site.accessKeyId,
    secretAccessKey: site.secretAccessKey,
    concurrency: 1,
    retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, rateLimitTimeoutMs: 0 },
    requestTimeoutMs: 10_000,
  });
  const [hash, , code] = buildManifest({ path: site.dir }).files["a.txt"].split(" ");
  const entry = { hash, size: 1, code };
  emu.state.clockOffsetMs = -25 * 60_000;
  try {
    emu.resetRequests();
    await bucket.upload({
      key: "a.txt",
      file: path.join(site.dir, "a.txt"),
      entry,
      headers: { contentType: "text/plain", cacheControl: "" },
      owner: "test",
    });
    expect(s3Requests()).toEqual({ PutObject: 2 });
    // No retry budget (maxRetries 0) was spent on it, and the next call is signed right at once.
    emu.resetRequests();
    expect([...(await bucket.list("")).keys()]).toEqual(["a.txt"]);
    expect(s3Requests()).toEqual({ ListObjectsV2: 1 });
  } finally {
    emu.state.clockOffsetMs = 0;
    bucket.close();
  }
});

test("a wrong secret fails with a clear error that never shows it", async () => {
  const site = await newSite("sf-secret", { "index.html": "x" });
  const wrong = "wrongSECRETwrongSECRETwrongSECRETwrong123";
  const err = await engine.up(KIND, "wrong", { ...argsOf(site), secretAccessKey: wrong }).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(err).toBeInstanceOf(HostCallError);
  expect((err as Error).message).toMatch(/in bucket .* failed: HTTP 403 SignatureDoesNotMatch/);
  expect((err as Error).message).toMatch(/check accessKeyId and secretAccessKey/);
  expect((err as Error).message).not.toContain(wrong);
  expect(lifecycle.host.stderr).not.toContain(wrong);
  for (const s of sites) expect(lifecycle.host.stderr).not.toContain(s.secretAccessKey);
});
