// SyncedFolder's pure parts: the manifest (hashes that equal S3's ETags, globs, header rules), the
// sync plan, check, and the CDN purge (paths and batching, against a scripted client).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ApiCall, ApiClient } from "../../provider/client";
import { checkInputs, diffInputs, withoutInputOnly } from "../../provider/resource";
import { manifestOutputs } from "../../provider/resources/folder";
import { planSync, syncedFolder } from "../../provider/resources/syncedFolder";
import {
  IMMUTABLE,
  PART_SIZE,
  REVALIDATE,
  buildManifest,
  decodeFileIndex,
  decodeFiles,
  defaultCacheControl,
  encodeFiles,
  defaultContentType,
  hashOfEtag,
  headerRules,
  headersFor,
  manifestDigest,
  manifestInputs,
  parseEntry,
  parseHeaders,
} from "../../provider/sync/manifest";
import { HashCache } from "../../provider/sync/hashCache";
import { PURGE_ALL_ABOVE, PURGE_URLS_PER_CALL, purgeKeys, purgePaths, purgeRequests } from "../../provider/sync/purge";

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string | Buffer>): string {
  const root = path.join(dir, name);
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), body);
  }
  return root;
}

const md5 = (data: Buffer | string) => createHash("md5").update(data).digest();

describe("manifest", () => {
  test("each file: the S3 ETag of its bytes (base64url), its size, and a code into the headers table", () => {
    const root = folder("basic", { "index.html": "<h1>hi</h1>", "empty.txt": "" });
    const manifest = buildManifest({ path: root });
    const index = parseEntry(manifest.files["index.html"])!;
    expect(index.hash).toBe(md5("<h1>hi</h1>").toString("base64url"));
    expect(hashOfEtag(`"${md5("<h1>hi</h1>").toString("hex")}"`)).toBe(index.hash);
    expect(index.size).toBe(11);
    expect(parseHeaders(manifest.headers[index.code])).toEqual({ contentType: "text/html; charset=utf-8", cacheControl: REVALIDATE });
    expect(parseEntry(manifest.files["empty.txt"])).toMatchObject({ hash: md5("").toString("base64url"), size: 0 });
  });

  test("a file over the part size is hashed as its multipart upload's ETag: MD5 of the part MD5s, and the part count", () => {
    const exact = Buffer.alloc(PART_SIZE, 1);
    const over = Buffer.alloc(2 * PART_SIZE + 3, 2);
    over.write("head", 0);
    const root = folder("big", { "exact.bin": exact, "over.bin": over });
    const manifest = buildManifest({ path: root });
    // Exactly one part's worth is a single PUT (lib-storage does the same), so a plain MD5.
    expect(parseEntry(manifest.files["exact.bin"])!.hash).toBe(md5(exact).toString("base64url"));
    const parts = [over.subarray(0, PART_SIZE), over.subarray(PART_SIZE, 2 * PART_SIZE), over.subarray(2 * PART_SIZE)];
    const etag = `${md5(Buffer.concat(parts.map((part) => md5(part)))).toString("hex")}-3`;
    expect(parseEntry(manifest.files["over.bin"])!.hash).toBe(hashOfEtag(`"${etag}"`));
    expect(parseEntry(manifest.files["over.bin"])!.hash).toMatch(/-3$/);
  });

  test("include and exclude globs; dot files kept, .git and .DS_Store left out by default", () => {
    const root = folder("globs", {
      "index.html": "i",
      "drafts/wip.html": "d",
      "assets/app.js": "a",
      ".well-known/security.txt": "s",
      ".DS_Store": "x",
      "assets/.DS_Store": "x",
      ".git/HEAD": "ref",
    });
    expect(Object.keys(buildManifest({ path: root }).files).sort()).toEqual([
      ".well-known/security.txt",
      "assets/app.js",
      "drafts/wip.html",
      "index.html",
    ]);
    expect(Object.keys(buildManifest({ path: root, include: ["**/*.html"], exclude: ["drafts/**"] }).files)).toEqual(["index.html"]);
    // A user's exclude replaces the defaults.
    expect(Object.keys(buildManifest({ path: root, exclude: ["assets/**"] }).files)).toContain(".DS_Store");
  });

  test("bad arguments fail naming the argument", () => {
    expect(() => buildManifest({ path: path.join(dir, "nowhere") })).toThrow(/SyncedFolder path ".*nowhere" does not exist/);
    const root = folder("args", { "a.txt": "a" });
    expect(() => buildManifest({ path: path.join(root, "a.txt") })).toThrow(/is not a folder/);
    expect(() => buildManifest({ path: root, cacheControl: { "**": "a|b" } })).toThrow(
      /cacheControl\["\*\*"\] must be a non-empty header value without "\|"/,
    );
    expect(() => buildManifest({ path: root, include: [""] })).toThrow(/SyncedFolder include: every pattern must be a non-empty glob/);
  });

  test("a new rule changes the codes of the files it matches, and no other", () => {
    const root = folder("codes", { "a.html": "a", "b.css": "b", "c.json": "c" });
    const before = buildManifest({ path: root });
    const after = buildManifest({ path: root, cacheControl: { "*.css": "no-store" } });
    expect(after.files["a.html"]).toBe(before.files["a.html"]);
    expect(after.files["c.json"]).toBe(before.files["c.json"]);
    expect(after.files["b.css"]).not.toBe(before.files["b.css"]);
  });
});

describe("headers", () => {
  test("cache-control defaults: fingerprinted assets immutable, every other file revalidated (pages, unfingerprinted CSS, scripts, images)", () => {
    const cases: Record<string, string> = {
      "index.html": REVALIDATE,
      "docs/page.htm": REVALIDATE,
      "manifest.webmanifest": REVALIDATE,
      "data/feed.xml": REVALIDATE,
      "robots.txt": REVALIDATE,
      "sw.js": REVALIDATE,
      "assets/index-BxK3f9aZ.js": IMMUTABLE,
      "static/main.3f9a2b1c.css": IMMUTABLE,
      "_next/static/chunks/pages/app.js": IMMUTABLE,
      "assets/font-a1b2c3d4e5.woff2": IMMUTABLE,
      "js/jquery-3.7.1.min.js": REVALIDATE,
      "images/datepicker.png": REVALIDATE,
      "favicon.ico": REVALIDATE,
      "app.js": REVALIDATE,
    };
    for (const [file, expected] of Object.entries(cases)) expect([file, defaultCacheControl(file)]).toEqual([file, expected]);
  });

  test("content types by extension, charset for text, octet-stream when unknown", () => {
    expect(defaultContentType("a.html")).toBe("text/html; charset=utf-8");
    expect(defaultContentType("a.css")).toBe("text/css; charset=utf-8");
    expect(defaultContentType("a.js")).toBe("text/javascript; charset=utf-8");
    expect(defaultContentType("a.json")).toBe("application/json; charset=utf-8");
    expect(defaultContentType("a.svg")).toBe("image/svg+xml");
    expect(defaultContentType("a.woff2")).toBe("font/woff2");
    expect(defaultContentType("a.wasm")).toBe("application/wasm");
    expect(defaultContentType("LICENSE")).toBe("application/octet-stream");
    expect(defaultContentType("a.unknownext")).toBe("application/octet-stream");
  });

  test("rules: the first match in the order written wins over later rules and the defaults; text overrides get a charset", () => {
    const rules = headerRules({
      cacheControl: { "blog/**": "public, max-age=60", "**/*.html": "no-cache" },
      contentTypes: { "**/*.md": "text/markdown", "downloads/**": "application/x-custom" },
    });
    expect(headersFor("blog/post.html", rules)).toEqual({ contentType: "text/html; charset=utf-8", cacheControl: "public, max-age=60" });
    expect(headersFor("index.html", rules).cacheControl).toBe("no-cache");
    expect(headersFor("app-3f9a2b1c.js", rules).cacheControl).toBe(IMMUTABLE);
    expect(headersFor("README.md", rules).contentType).toBe("text/markdown; charset=utf-8");
    expect(headersFor("downloads/x.zip", rules).contentType).toBe("application/x-custom");
  });
});

describe("plan", () => {
  const entry = (hash: string, code = "abcdef") => `${hash.padEnd(22, "A")} 1 ${code}`;
  const recorded = (prefix: string, files: Record<string, string>) => ({
    prefix,
    codes: new Map(Object.entries(files).map(([file, value]) => [file, parseEntry(value)!.code])),
  });
  /** The bucket as a LIST shows it after syncing `files` under `prefix`. */
  const listed = (prefix: string, files: Record<string, string>) =>
    new Map(
      Object.entries(files).map(([file, value]) => [`${prefix}${file}`, { hash: parseEntry(value)!.hash, size: parseEntry(value)!.size }]),
    );

  test("uploads what is new or different, deletes old keys the new manifest lacks", () => {
    const olds = { "a.html": entry("a"), "b.css": entry("b"), "c.js": entry("c") };
    const news = { prefix: "", files: { "a.html": entry("a"), "b.css": entry("B"), "d.png": entry("d") } };
    expect(planSync(recorded("", olds), news, listed("", olds))).toEqual({ uploads: ["b.css", "d.png"], deletes: ["c.js"] });
    expect(planSync(undefined, news, new Map())).toEqual({ uploads: ["a.html", "b.css", "d.png"], deletes: [] });
    expect(planSync(recorded("", news.files), news, listed("", news.files))).toEqual({ uploads: [], deletes: [] });
  });

  test("a headers change re-sends the file; a stored object changed or gone out of band is put back", () => {
    const olds = { "a.html": entry("a"), "b.css": entry("b"), "c.js": entry("c") };
    const news = { prefix: "", files: { ...olds, "a.html": entry("a", "ghijkl") } };
    const stored = listed("", olds);
    stored.set("b.css", { hash: entry("x").slice(0, 22), size: 1 });
    stored.delete("c.js");
    expect(planSync(recorded("", olds), news, stored)).toEqual({ uploads: ["a.html", "b.css", "c.js"], deletes: [] });
  });

  test("a new prefix moves everything: all uploaded under it, all old keys deleted", () => {
    const files = { "a.html": entry("a") };
    expect(planSync(recorded("v1/", files), { prefix: "v2/", files }, listed("v1/", files))).toEqual({
      uploads: ["a.html"],
      deletes: ["v1/a.html"],
    });
  });
});

describe("state", () => {
  test("the outputs keep a digest and an index of paths and headers codes that decodes to the manifest's", () => {
    const files = { "a b/ü.html": "A".repeat(22) + " 10 abcdef", "z.css": "B".repeat(22) + "-2 9000000 ghijkl" };
    const { filesDigest, filesIndex } = manifestOutputs(files);
    expect(decodeFileIndex(filesIndex)).toEqual(
      new Map([
        ["a b/ü.html", "abcdef"],
        ["z.css", "ghijkl"],
      ]),
    );
    expect(decodeFileIndex(manifestOutputs({}).filesIndex)).toEqual(new Map());
    expect(manifestOutputs({ "z.css": files["z.css"], "a b/ü.html": files["a b/ü.html"] }).filesDigest).toBe(filesDigest);
    expect(manifestOutputs({ ...files, "z.css": "C".repeat(22) + "-2 9000000 ghijkl" }).filesDigest).not.toBe(filesDigest);
  });
});

describe("the manifest's wire form", () => {
  const files = { "z.css": "B".repeat(22) + "-2 9000000 ghijkl", "a b/ü.html": "A".repeat(22) + " 10 abcdef" };
  const base = {
    bucket: "bkt_1",
    accessKeyId: "MCAK1",
    secretAccessKey: "s".repeat(40),
    path: "./site",
    headers: { abcdef: "text/html|x", ghijkl: "text/css|y" },
  };

  test("one string of sorted lines that decodes to the same files, with the digest state written by the map form", () => {
    const text = encodeFiles(files);
    expect(text).toBe(`@files 1\na b/ü.html\t${files["a b/ü.html"]}\nz.css\t${files["z.css"]}\n`);
    expect(decodeFiles(text)).toEqual(files);
    expect(decodeFiles(encodeFiles({}))).toEqual({});
    // A state written before the string form recorded the digest of the map: the same manifest keeps it, so no diff.
    expect(manifestDigest(text)).toBe(manifestDigest(files));
    // Neither JSON nor a YAML scalar: the CLI shows it as lines (`@` cannot start a YAML token).
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith("@")).toBe(true);
  });

  test("check returns it sorted, and refuses a map, a line without its entry, a bad path or a file listed twice, naming the file", () => {
    const lines = Object.entries(files).map(([file, entry]) => `${file}\t${entry}\n`);
    const unsorted = `@files 1\n${lines.join("")}`;
    expect(unsorted).not.toBe(encodeFiles(files));
    expect(checkInputs(syncedFolder, {}, { ...base, files: unsorted }).inputs.files).toBe(encodeFiles(files));
    const failure = (given: unknown) => checkInputs(syncedFolder, {}, { ...base, files: given }).failures;
    expect(failure(files)).toEqual([
      { property: "files", reason: expect.stringContaining("must be the manifest the SyncedFolder class computes") },
    ]);
    expect(failure("a.html\tx\n")).toEqual([{ property: "files", reason: expect.stringContaining('a first line "@files 1"') }]);
    expect(failure("@files 1\nindex.html\n")).toEqual([
      { property: "files", reason: expect.stringContaining('line "index.html" has no tab') },
    ]);
    expect(failure(`@files 1\n../up.html\t${files["a b/ü.html"]}\n`)).toEqual([
      { property: "files", reason: expect.stringContaining('"../up.html" is not a relative path') },
    ]);
    expect(failure("@files 1\nindex.html\tnot an entry\n")).toEqual([
      { property: "files", reason: expect.stringContaining('"index.html": the entry must be "<hash> <size> <headers code>"') },
    ]);
    expect(failure(`@files 1\n${lines[1]}${lines[1]}`)).toEqual([
      { property: "files", reason: expect.stringContaining('"a b/ü.html" is listed twice') },
    ]);
  });
});

describe("check and diff", () => {
  const root = () => folder("check", { "index.html": "hi" });
  const inputs = () => {
    const manifest = manifestInputs({ path: root() });
    return { bucket: "bkt_1", accessKeyId: "MCAK1", secretAccessKey: "s".repeat(40), path: "./site", ...manifest };
  };

  test("the prefix is stored as a folder path; defaults filled in", () => {
    for (const [given, stored] of [
      ["", ""],
      ["/", ""],
      ["site", "site/"],
      ["/a/b/", "a/b/"],
    ]) {
      expect(checkInputs(syncedFolder, {}, { ...inputs(), prefix: given }).inputs.prefix).toBe(stored);
    }
    expect(checkInputs(syncedFolder, {}, inputs()).inputs).toMatchObject({ prefix: "", concurrency: 48 });
  });

  test("only the manifest, bucket, prefix and credential make a change; the bucket replaces, deleting first", () => {
    const checked = checkInputs(syncedFolder, {}, inputs()).inputs;
    // The old outputs, as create writes them: the manifest stays in the inputs, its digest and index stand for it.
    const olds: Record<string, unknown> = {
      ...withoutInputOnly(syncedFolder, checked),
      ...manifestOutputs(decodeFiles(checked.files as string)),
    };
    expect(olds.files).toBeUndefined();
    const same = {
      ...checked,
      path: "/elsewhere",
      concurrency: 4,
      include: ["**"],
      cacheControl: { "*.x": "no-store" },
      cdnResourceId: "cdn_1",
    };
    expect(diffInputs(syncedFolder, olds, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(diffInputs(syncedFolder, olds, { ...checked, secretAccessKey: "t".repeat(40) })).toMatchObject({ changes: true, replaces: [] });
    expect(diffInputs(syncedFolder, olds, { ...checked, files: encodeFiles({}) })).toMatchObject({ changes: true, replaces: [] });
    expect(diffInputs(syncedFolder, olds, { ...checked, bucket: "bkt_2" })).toEqual({
      changes: true,
      replaces: ["bucket"],
      deleteBeforeReplace: true,
    });
  });
});

describe("CDN purge", () => {
  test("paths: each key under /, and a folder's index.html also purges the folder", () => {
    expect(purgePaths(["index.html", "docs/index.html", "a b/c.css"])).toEqual([
      "/",
      "/a%20b/c.css",
      "/docs",
      "/docs/",
      "/docs/index.html",
      "/index.html",
    ]);
  });

  test("batching: one purge/url call up to the batch size, then batches, and one purge/all for a large change", () => {
    const paths = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}.html`);
    expect(purgeRequests([])).toEqual([]);
    expect(purgeRequests(paths(1))).toEqual([{ kind: "url", urls: ["/p0.html"] }]);
    expect(purgeRequests(paths(PURGE_URLS_PER_CALL))).toHaveLength(1);
    const split = purgeRequests(paths(PURGE_URLS_PER_CALL * 2 + 1));
    expect(split.map((r) => (r.kind === "url" ? r.urls.length : "all"))).toEqual([PURGE_URLS_PER_CALL, PURGE_URLS_PER_CALL, 1]);
    expect(split.flatMap((r) => (r.kind === "url" ? r.urls : []))).toEqual(paths(PURGE_URLS_PER_CALL * 2 + 1));
    expect(purgeRequests(paths(PURGE_ALL_ABOVE))).toHaveLength(PURGE_ALL_ABOVE / PURGE_URLS_PER_CALL);
    expect(purgeRequests(paths(PURGE_ALL_ABOVE + 1))).toEqual([{ kind: "all" }]);
  });

  test("the calls made: POST /cdn/resource/{id}/purge/url with `urls`, safe to retry", async () => {
    const calls: ApiCall<unknown>[] = [];
    const client = { call: async (call: ApiCall<unknown>) => void calls.push(call) } as unknown as ApiClient;
    await purgeKeys(client, "cdn_1", ["index.html", "about.html"]);
    expect(calls).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/cdn/resource/cdn_1/purge/url",
        body: { urls: ["/", "/about.html", "/index.html"] },
        retry: "safe",
      }),
    ]);
    calls.length = 0;
    await purgeKeys(
      client,
      "cdn 2",
      Array.from({ length: PURGE_ALL_ABOVE + 5 }, (_, i) => `f${i}.css`),
    );
    expect(calls).toEqual([expect.objectContaining({ method: "POST", path: "/cdn/resource/cdn%202/purge/all" })]);
  });
});

describe("hash cache", () => {
  const statOf = (file: string) => {
    const { size, mtimeMs, ctimeMs, ino } = fs.statSync(file);
    return { size, mtimeMs, ctimeMs, ino };
  };

  test("an unchanged file is not read again; a rewritten one (same size, even with its old mtime) and a just-written one are", () => {
    const program = fs.mkdtempSync(path.join(os.tmpdir(), "hash-cache-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    const root = path.join(program, "site");
    fs.mkdirSync(root);
    const old = path.join(root, "old.html");
    const fresh = path.join(root, "fresh.html");
    const coarse = path.join(root, "coarse.html");
    fs.writeFileSync(old, "aaaa");
    fs.writeFileSync(fresh, "cccc");
    fs.writeFileSync(coarse, "dddd");
    const hour = new Date(Date.now() - 3_600_123);
    fs.utimesSync(old, hour, hour);
    // Written as it is hashed (a clock a minute ahead stands for "the same instant" without timing the test).
    const now = new Date(Date.now() + 60_000);
    fs.utimesSync(fresh, now, now);
    // A whole-second mtime under a second ago: a file system that keeps seconds only, where a write a second later could look the same.
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    fs.utimesSync(coarse, second, second);

    const computed: string[] = [];
    const run = () => {
      const cache = HashCache.open(root, program);
      const hashes = [old, fresh, coarse].map((file) =>
        cache.hash(
          path.basename(file),
          statOf(file),
          () => (computed.push(path.basename(file)), md5(fs.readFileSync(file)).toString("base64url")),
        ),
      );
      cache.save();
      return hashes;
    };
    const first = run();
    expect(computed).toEqual(["old.html", "fresh.html", "coarse.html"]);
    computed.length = 0;
    expect(run()).toEqual(first);
    expect(computed).toEqual(["fresh.html", "coarse.html"]);

    computed.length = 0;
    fs.writeFileSync(old, "bbbb");
    fs.utimesSync(old, hour, hour); // same size, mtime set back: the ctime still moved
    const third = run();
    expect(computed).toEqual(expect.arrayContaining(["old.html", "fresh.html"]));
    expect(third[0]).toBe(md5("bbbb").toString("base64url"));
    fs.rmSync(program, { recursive: true, force: true });
  });

  test("without node_modules in the program's folder nothing is written", () => {
    const program = fs.mkdtempSync(path.join(os.tmpdir(), "hash-cache-"));
    const file = path.join(program, "a.txt");
    fs.writeFileSync(file, "x");
    const cache = HashCache.open(program, program);
    expect(cache.hash("a.txt", statOf(file), () => "h")).toBe("h");
    cache.save();
    expect(fs.readdirSync(program)).toEqual(["a.txt"]);
    fs.rmSync(program, { recursive: true, force: true });
  });
});
