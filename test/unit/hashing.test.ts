// CI-speed hashing (issue 21): files hashed on worker threads give exactly the one-thread ETags
// (single-part and multipart, empty files, batches of every shape); a fresh checkout of the same
// content (new inodes, ctimes and mtimes) is served from the cache through git's blob ids, reading
// nothing; and a content change after checkout is never missed, even with the old mtime put back.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { etagOfFile } from "../../provider/sync/etag";
import { indexedFiles, parseIndex } from "../../provider/sync/gitBlobs";
import { HashCache, type FolderFile } from "../../provider/sync/hashCache";
import { fileHash } from "../../provider/sync/manifest";
import { batches, hashFiles, workersFor } from "../../provider/sync/parallelHash";

const md5 = (data: Buffer | string) => createHash("md5").update(data).digest();

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "hashing-"));
}

function filesOf(root: string): FolderFile[] {
  const found: FolderFile[] = [];
  const visit = (dir: string, relativeDir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(absolute, relative);
      else {
        const { size, mtimeMs, ctimeMs, ino } = fs.statSync(absolute);
        found.push({ relative, absolute, stat: { size, mtimeMs, ctimeMs, ino } });
      }
    }
  };
  visit(root, "");
  return found.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

describe("parallel hashing", () => {
  const dir = tempDir();
  const jobs: Array<{ absolute: string; size: number }> = [];
  beforeAll(() => {
    // Sizes around the (small, for the test) part size, empties, and many small files.
    const sizes = [0, 1, 1023, 1024, 1025, 4096, 3000, 70_000, 0, ...Array.from({ length: 600 }, (_, i) => (i * 977) % 5000)];
    sizes.forEach((size, i) => {
      const file = path.join(dir, `f${i}`);
      fs.writeFileSync(file, Buffer.alloc(size, i));
      jobs.push({ absolute: file, size });
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("workers give the one-thread ETags, single-part and multipart, in order", () => {
    const expected = jobs.map((job) => etagOfFile(job.absolute, job.size, 1024));
    expect(hashFiles(jobs, 1024, 2)).toEqual(expected);
    expect(hashFiles(jobs, 1024, 0)).toEqual(expected);
    // The S3 rule itself: MD5 of the part MD5s and the count.
    const parts = [Buffer.alloc(1024, 4), Buffer.alloc(1, 4)];
    expect(expected[4]).toBe(`${md5(Buffer.concat(parts.map((part) => md5(part)))).toString("base64url")}-2`);
    expect(expected[2]).toBe(md5(Buffer.alloc(1023, 2)).toString("base64url"));
    // The manifest's own hash is the same function at the real part size.
    expect(fileHash(jobs[7].absolute, jobs[7].size)).toBe(md5(Buffer.alloc(70_000, 7)).toString("base64url"));
  });

  test("a file gone before it is read fails as it does on one thread", () => {
    const gone = [...jobs.slice(0, 300), { absolute: path.join(dir, "missing"), size: 10 }];
    expect(() => hashFiles(gone, 1024, 1)).toThrow(/ENOENT/);
  });

  test("batches cover every file once, of ~1 MiB or 256 files; threads only for enough work", () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ absolute: `f${i}`, size: i === 500 ? 50 * 1024 * 1024 : 2048 }));
    const ranges = batches(many);
    expect(ranges[0]).toEqual([0, 256]);
    expect(ranges.some(([start, end]) => start === 500 || end === 501)).toBe(true);
    expect(ranges.flatMap(([start, end]) => Array.from({ length: end - start }, (_, k) => start + k))).toEqual(many.map((_, i) => i));
    expect(workersFor(many.slice(0, 100), 8)).toBe(0);
    expect(workersFor(many, 1)).toBe(0);
    expect(workersFor(many, 2)).toBe(1);
    expect(workersFor(many, 64)).toBe(ranges.length - 1);
  });
});

describe("hash cache across a fresh checkout", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });

  test("git's index: regular merged entries with their full stat, racily recent ones left out", () => {
    const record = (mode: string, blob: string, stage: string, file: string, seconds: number, ns: number, ino = 7, size = 3) =>
      `${mode} ${blob} ${stage}\t${file}\0  ctime: ${seconds}:${ns}\n  mtime: ${seconds}:${ns}\n  dev: 1\tino: ${ino}\n  uid: 0\tgid: 0\n  size: ${size}\tflags: 0\n`;
    const output = [
      record("100644", "aaa", "0", "a.html", 1000, 500),
      record("100755", "bbb", "0", "bin/run", 1000, 0),
      record("120000", "ccc", "0", "link", 1000, 500),
      record("160000", "ddd", "0", "sub", 1000, 500),
      record("100644", "eee", "1", "conflict", 1000, 500),
      record("100644", "fff", "0", "just written.html", 1999, 990_000_000),
    ].join("");
    const files = parseIndex(output, 2_000_000);
    expect([...files.keys()]).toEqual(["a.html", "bin/run"]);
    expect(files.get("a.html")).toEqual({ blob: "aaa", ctimeMs: 1_000_000.0005, mtimeMs: 1_000_000.0005, ino32: 7, size32: 3 });
    const outside = tempDir();
    expect(indexedFiles(outside).size).toBe(0); // not a work tree: git cannot say
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test("a new clone of the same content reads nothing; an edit after checkout is hashed, even with its old mtime", () => {
    const program = tempDir();
    fs.mkdirSync(path.join(program, "node_modules"));
    const origin = path.join(program, "origin");
    fs.mkdirSync(path.join(origin, "site", "docs"), { recursive: true });
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(origin, "site", "docs", `p${i}.html`), `<p>page ${i}</p>`);
    fs.writeFileSync(path.join(origin, "site", "index.html"), "<h1>home</h1>");
    git(origin, "init", "-q");
    git(origin, "add", ".");
    git(origin, "commit", "-qm", "site");
    const checkout = path.join(program, "checkout");
    const root = path.join(checkout, "site");
    // A checkout some time before the deploy, as in CI: files an hour old, the index written later
    // than the racy window (git refreshes it after the times moved, reading every file once).
    const age = (dir: string) => {
      const hour = new Date(Date.now() - 3_600_000);
      for (const file of filesOf(dir)) fs.utimesSync(file.absolute, hour, hour);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      git(path.dirname(dir), "update-index", "--refresh", "-q");
    };
    const run = () => {
      const cache = HashCache.open(root, program);
      const hashes = cache.hashAll(root, filesOf(root), 8 * 1024 * 1024);
      cache.save();
      return { hashes, counts: cache.counts };
    };

    git(program, "clone", "-q", origin, checkout);
    age(root);
    const first = run();
    expect(first.counts).toEqual({ byStat: 0, byBlob: 0, hashed: 41 });
    expect(first.hashes.get("index.html")).toBe(md5("<h1>home</h1>").toString("base64url"));
    expect(run().counts).toEqual({ byStat: 41, byBlob: 0, hashed: 0 });

    // CI: the same commit checked out anew in the same place (every inode, ctime and mtime new).
    fs.rmSync(checkout, { recursive: true, force: true });
    git(program, "clone", "-q", origin, checkout);
    age(root);
    const fresh = run();
    expect(fresh.counts).toEqual({ byStat: 0, byBlob: 41, hashed: 0 });
    expect(fresh.hashes).toEqual(first.hashes);

    // Again anew, then one page edited to the same size with its old mtime put back, within the
    // second of the checkout (git itself, comparing whole seconds, would call it clean): hashed.
    fs.rmSync(checkout, { recursive: true, force: true });
    git(program, "clone", "-q", origin, checkout);
    age(root);
    const page = path.join(root, "docs", "p7.html");
    const before = fs.statSync(page);
    fs.writeFileSync(page, "<p>page X</p>");
    fs.utimesSync(page, before.atime, before.mtime);
    const edited = run();
    expect(edited.counts).toEqual({ byStat: 0, byBlob: 40, hashed: 1 });
    expect(edited.hashes.get("docs/p7.html")).toBe(md5("<p>page X</p>").toString("base64url"));

    // A copy outside git (cp -r): no blob ids, so everything is hashed, and correctly.
    const copy = path.join(program, "copy");
    fs.cpSync(root, copy, { recursive: true });
    const cache = HashCache.open(copy, program);
    const copied = cache.hashAll(copy, filesOf(copy), 8 * 1024 * 1024);
    expect(cache.counts.hashed).toBe(41);
    expect(copied).toEqual(edited.hashes);
    fs.rmSync(program, { recursive: true, force: true });
  });
});
