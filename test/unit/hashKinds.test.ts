// The hash kind of the shared folder sync comes from the cloud's store: the S3 ETag (the default,
// unchanged) or the SHA-256 of the content. Worker threads, the manifest, the stat cache and the
// git-blob cache work in either, and the cache never hands one kind's hash to the other; the
// journal of unfinished work hands over only what runs no longer alive left.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HashCache, type FolderFile } from "../../provider/sync/hashCache";
import { S3_ETAG, SHA256, sha256FromHex } from "../../provider/sync/hashKinds";
import { SyncJournal } from "../../provider/sync/journal";
import { buildManifest, decodeFiles, parseEntry } from "../../provider/sync/manifest";
import { hashFiles } from "../../provider/sync/parallelHash";
import { manifestOutputs, planSync, refreshedManifest } from "../../provider/sync/plan";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("base64url");
const md5 = (data: Buffer | string) => createHash("md5").update(data).digest("base64url");

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "hash-kinds-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function filesIn(root: string): FolderFile[] {
  return fs
    .readdirSync(root)
    .sort()
    .map((name) => {
      const absolute = path.join(root, name);
      const { size, mtimeMs, ctimeMs, ino } = fs.statSync(absolute);
      return { relative: name, absolute, stat: { size, mtimeMs, ctimeMs, ino } };
    });
}

test("SHA-256 on worker threads is the one-thread hash of the whole content, whatever the size", () => {
  const jobs = [0, 1, 4096, 70_000, 3 * 1024 * 1024 + 5, ...Array.from({ length: 300 }, (_, i) => (i * 331) % 3000)].map((size, i) => {
    const absolute = path.join(dir, `w${i}`);
    fs.writeFileSync(absolute, Buffer.alloc(size, i));
    return { absolute, size };
  });
  const expected = jobs.map((job) => sha256(fs.readFileSync(job.absolute)));
  expect(hashFiles(jobs, 0, 2, SHA256)).toEqual(expected);
  expect(hashFiles(jobs, 0, 0, SHA256)).toEqual(expected);
  // The default kind is still the ETag.
  expect(hashFiles(jobs.slice(0, 3), 1024, 0)).toEqual([
    md5(""),
    md5(Buffer.alloc(1, 1)),
    `${md5(Buffer.concat([...Array(4)].map(() => createHash("md5").update(Buffer.alloc(1024, 2)).digest())))}-4`,
  ]);
});

test("a manifest in SHA-256 for a store without Cache-Control; the ETag manifest as it always was", () => {
  const root = path.join(dir, "site");
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, "index.html"), "<h1>hi</h1>");
  fs.writeFileSync(path.join(root, "app-3f9a2b1c.js"), "x()");
  const manifest = buildManifest({ path: root }, { hash: SHA256, cacheControl: false });
  const entry = parseEntry(manifest.files["index.html"], SHA256)!;
  expect(entry).toMatchObject({ hash: sha256("<h1>hi</h1>"), size: 11 });
  expect(entry.hash).toBe(sha256FromHex(createHash("sha256").update("<h1>hi</h1>").digest("hex")));
  expect(Object.values(manifest.headers).sort()).toEqual(["text/html; charset=utf-8|", "text/javascript; charset=utf-8|"]);
  // An entry of one kind is no entry of the other.
  expect(parseEntry(manifest.files["index.html"])).toBeUndefined();
  const etags = buildManifest({ path: root });
  expect(parseEntry(etags.files["index.html"])?.hash).toBe(md5("<h1>hi</h1>"));
  expect(parseEntry(etags.files["index.html"], SHA256)).toBeUndefined();
  expect(etags.headers[parseEntry(etags.files["app-3f9a2b1c.js"])!.code]).toBe(
    "text/javascript; charset=utf-8|public, max-age=31536000, immutable",
  );

  // The shared planning and refresh in SHA-256.
  const listed = new Map([["index.html", { hash: entry.hash, size: 11 }]]);
  expect(planSync(undefined, { prefix: "", files: manifest.files }, listed, SHA256).uploads).toEqual(["app-3f9a2b1c.js", "index.html"]);
  const codes = new Map(Object.entries(manifest.files).map(([file, value]) => [file, parseEntry(value, SHA256)!.code]));
  expect(planSync({ prefix: "", codes }, { prefix: "", files: manifest.files }, listed, SHA256)).toEqual({
    uploads: ["app-3f9a2b1c.js"],
    deletes: [],
  });
  const refreshed = refreshedManifest(codes, (file) => (file === "index.html" ? { hash: undefined, size: 11 } : undefined), SHA256);
  expect(decodeFiles(refreshed.files)).toEqual({ "index.html": `unknown-sha256 11 ${entry.code}` });
  expect(manifestOutputs(manifest.files, SHA256).filesIndex).not.toBe(manifestOutputs(manifest.files).filesIndex);
});

test("the hash cache is kept per kind: one kind's hashes are never handed out as the other's", () => {
  const program = fs.mkdtempSync(path.join(os.tmpdir(), "hash-kinds-program-"));
  fs.mkdirSync(path.join(program, "node_modules"));
  const root = path.join(program, "site");
  fs.mkdirSync(root);
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, `p${i}.html`), `<p>${i}</p>`);
  // Old enough that the stat is trusted (the racy rule).
  const hour = new Date(Date.now() - 3_600_000);
  for (const file of filesIn(root)) fs.utimesSync(file.absolute, hour, hour);
  const run = (kind: typeof S3_ETAG) => {
    const cache = HashCache.open(root, program, kind);
    const hashes = cache.hashAll(root, filesIn(root));
    cache.save();
    return { hashes, counts: cache.counts };
  };
  expect(run(S3_ETAG).counts).toEqual({ byStat: 0, byBlob: 0, hashed: 5 });
  const first = run(SHA256);
  expect(first.counts).toEqual({ byStat: 0, byBlob: 0, hashed: 5 });
  expect(first.hashes.get("p0.html")).toBe(sha256("<p>0</p>"));
  expect(run(SHA256).counts).toEqual({ byStat: 5, byBlob: 0, hashed: 0 });
  const etags = run(S3_ETAG);
  expect(etags.counts).toEqual({ byStat: 5, byBlob: 0, hashed: 0 });
  expect(etags.hashes.get("p0.html")).toBe(md5("<p>0</p>"));

  // A file of the other kind where this kind's should be (copied by hand): not read.
  const cacheDir = path.join(program, "node_modules", ".cache", "pulumi-folder-sync");
  const names = fs.readdirSync(cacheDir).sort();
  expect(names).toHaveLength(2);
  const [etagFile, shaFile] = [names.find((name) => !name.includes("sha256"))!, names.find((name) => name.includes("-sha256"))!];
  fs.copyFileSync(path.join(cacheDir, etagFile), path.join(cacheDir, shaFile));
  const mixed = run(SHA256);
  expect(mixed.counts.hashed).toBe(5);
  expect(mixed.hashes.get("p0.html")).toBe(sha256("<p>0</p>"));
  fs.rmSync(program, { recursive: true, force: true });
});

test("a fresh checkout is served from the SHA-256 cache by git's blob ids, reading nothing", () => {
  const program = fs.mkdtempSync(path.join(os.tmpdir(), "hash-kinds-git-"));
  fs.mkdirSync(path.join(program, "node_modules"));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
  const origin = path.join(program, "origin");
  fs.mkdirSync(path.join(origin, "site"), { recursive: true });
  for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(origin, "site", `p${i}.html`), `<p>page ${i}</p>`);
  git(origin, "init", "-q");
  git(origin, "add", ".");
  git(origin, "commit", "-qm", "site");
  const checkout = path.join(program, "checkout");
  const root = path.join(checkout, "site");
  const cloneAged = () => {
    fs.rmSync(checkout, { recursive: true, force: true });
    git(program, "clone", "-q", origin, checkout);
    const hour = new Date(Date.now() - 3_600_000);
    for (const file of filesIn(root)) fs.utimesSync(file.absolute, hour, hour);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    git(checkout, "update-index", "--refresh", "-q");
  };
  const run = (kind: typeof S3_ETAG) => {
    const cache = HashCache.open(root, program, kind);
    const hashes = cache.hashAll(root, filesIn(root));
    cache.save();
    return { hashes, counts: cache.counts };
  };
  cloneAged();
  expect(run(SHA256).counts).toEqual({ byStat: 0, byBlob: 0, hashed: 6 });
  cloneAged();
  // The ETag cache has no entry for these blobs: its own kind is hashed, never taken from SHA-256's.
  expect(run(S3_ETAG).counts).toEqual({ byStat: 0, byBlob: 0, hashed: 6 });
  cloneAged();
  const fresh = run(SHA256);
  expect(fresh.counts).toEqual({ byStat: 0, byBlob: 6, hashed: 0 });
  expect(fresh.hashes.get("p3.html")).toBe(sha256("<p>page 3</p>"));
  fs.rmSync(program, { recursive: true, force: true });
});

test("the journal hands over what runs no longer alive left, never what a live one is doing", () => {
  const journalDir = path.join(dir, "runs");
  fs.mkdirSync(journalDir);
  // A pid that was alive and is not any more.
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
  const upload = (uploadId: string) => ({ endpoint: "http://e", bucket: "b", key: "k", uploadId });
  const written = (key: string, owner: string) => ({ endpoint: "http://e", bucket: "b", key, hash: "h", owner });
  fs.writeFileSync(
    path.join(journalDir, `run-${dead}.json`),
    JSON.stringify({ pid: Number(dead), uploads: [upload("u1")], written: [written("a", "o1"), written("b", "o2")] }),
  );
  fs.writeFileSync(
    path.join(journalDir, `run-${process.ppid}.json`),
    JSON.stringify({ pid: process.ppid, uploads: [upload("live")], written: [written("c", "o1")] }),
  );
  const journal = SyncJournal.open(journalDir);
  journal.uploadStarted(upload("mine"));
  journal.writing([written("d", "o1")]);
  expect(journal.leftoverUploads("http://e").map((u) => u.uploadId)).toEqual(["u1"]);
  expect(journal.leftoverUploads("http://other")).toEqual([]);
  // This process's own writes of an owner count too (an earlier sync of it that failed).
  expect(journal.leftoverWrites("http://e", "b", "o1").map((w) => w.key)).toEqual(["d", "a"]);
  journal.settle({ uploads: ["u1"], owner: { endpoint: "http://e", bucket: "b", owner: "o1" } });
  expect(JSON.parse(fs.readFileSync(path.join(journalDir, `run-${dead}.json`), "utf8"))).toMatchObject({
    uploads: [],
    written: [{ key: "b" }],
  });
  journal.settle({ owner: { endpoint: "http://e", bucket: "b", owner: "o2" } });
  expect(fs.existsSync(path.join(journalDir, `run-${dead}.json`))).toBe(false);
  journal.uploadEnded("mine");
  journal.recorded("o1");
  expect(fs.readdirSync(journalDir).sort()).toEqual([`run-${process.ppid}.json`]);
});
