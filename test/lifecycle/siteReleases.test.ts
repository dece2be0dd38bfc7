// SiteReleases through the real provider host against the emulator: what a visitor sees at the CDN
// edge while a deploy runs, what a rollback serves, what stays in the bucket, and how many S3
// requests each step took (the emulator counts every S3 operation by name).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request as httpRequest } from "node:http";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { Engine } from "../harness/engine";
import { api, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { newBucketAccess, type BucketAccess } from "../harness/s3";
import { decodeFileIndex, decodeFiles, manifestInputs } from "../../provider/sync/manifest";

const KIND = "SiteReleases";
jest.setTimeout(120_000);

let lifecycle: Lifecycle;
let emu: Emulator;
let engine: Engine;
let work: string;

interface Site extends BucketAccess {
  cdnResourceId: string;
  host: string;
  dir: string;
}
const sites: Site[] = [];

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
  emu.setSettings({ cdnDeployDelayMs: 100 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "site-releases-"));
});

afterAll(async () => {
  for (const site of sites) site.s3.destroy();
  await lifecycle?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

afterEach(() => emu.clearFaults());

/** A built site: pages that link fingerprinted assets, as a bundler writes them. */
type Build = Record<string, string>;

function build(version: string, pages = 3): Build {
  const files: Build = { "logo.svg": "<svg>same in every release</svg>" };
  for (let page = 0; page < pages; page++) {
    const name = page === 0 ? "index.html" : `page-${page}/index.html`;
    const script = `assets/app-${version}${page}0000001.js`;
    const style = `assets/style-${version}${page}0000001.css`;
    files[script] = `console.log("${version} page ${page}")`;
    files[style] = `body { content: "${version} ${page}" }`;
    files[name] = `<html><link href="/${style}"><script src="/${script}"></script><img src="/logo.svg"><p>${version} ${page}</p></html>`;
  }
  return files;
}

function writeBuild(dir: string, files: Build): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
}

async function newSite(name: string): Promise<Site> {
  const access = await newBucketAccess(emu, name);
  const cdn = await api(emu, "POST", "/cdn/resource", { name, origin_group: { type: "storage", bucket_id: access.bucketId } });
  expect(cdn.status).toBe(201);
  const site: Site = { ...access, cdnResourceId: cdn.body.id, host: cdn.body.distribution_domain, dir: path.join(work, name) };
  sites.push(site);
  return site;
}

/** What the SiteReleases class sends: the user's arguments plus the manifest of the folder. */
function argsOf(site: Site, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const manifest = manifestInputs({ path: site.dir });
  return {
    bucket: site.bucketId,
    accessKeyId: site.accessKeyId,
    secretAccessKey: site.secretAccessKey,
    cdnResourceId: site.cdnResourceId,
    path: site.dir,
    ...extra,
    files: manifest.files,
    headers: manifest.headers,
  };
}

async function keysOf(site: Site, prefix?: string): Promise<string[]> {
  const answer = await site.s3.send(new ListObjectsV2Command({ Bucket: site.bucketId, Prefix: prefix }));
  return (answer.Contents ?? []).map((object) => object.Key as string).sort();
}

/** The release folders in the bucket. */
async function releaseFolders(site: Site): Promise<string[]> {
  return [...new Set((await keysOf(site, "releases/")).map((key) => key.split("/")[1]))].sort();
}

function edge(site: Site, urlPath: string): Promise<{ status: number; body: string }> {
  const url = new URL(emu.edgeUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path: urlPath, headers: { host: site.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** The page's release, or a description of what was wrong with the page or one of its assets. */
async function visit(site: Site, page: string, builds: Record<string, Build>): Promise<string> {
  const html = await edge(site, page);
  const file = page === "/" ? "index.html" : `${page.slice(1)}index.html`;
  const version = Object.keys(builds).find((v) => builds[v][file] === html.body);
  if (html.status !== 200 || !version) return `page ${page}: ${html.status} ${html.body.slice(0, 80)}`;
  for (const [, asset] of html.body.matchAll(/(?:src|href)="\/([^"]+)"/g)) {
    const answer = await edge(site, `/${asset}`);
    if (answer.status !== 200 || answer.body !== builds[version][asset]) {
      return `release ${version} ${page}: /${asset} ${answer.status} ${answer.body.slice(0, 80)}`;
    }
  }
  return version;
}

/** Visits every page of the site over and over until `done`; returns what each visit saw. */
async function visitUntil(site: Site, pages: string[], builds: Record<string, Build>, done: Promise<unknown>): Promise<string[]> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  const seen: string[] = [];
  while (!finished) {
    for (const page of pages) seen.push(await visit(site, page, builds));
  }
  for (const page of pages) seen.push(await visit(site, page, builds));
  return seen;
}

/** S3 writes by operation since the last reset, e.g. `{ PutObject: 1, CopyObject: 4 }`. */
function s3Writes(): Record<string, number> {
  const writes = ["PutObject", "CopyObject", "DeleteObjects"];
  const counts: Record<string, number> = {};
  for (const [route, count] of Object.entries(emu.requests().routes)) {
    const operation = route.replace(/^S3 /, "");
    if (route.startsWith("S3 ") && writes.includes(operation)) counts[operation] = count;
  }
  return counts;
}

async function originPath(site: Site): Promise<string> {
  const resource = await api(emu, "GET", `/cdn/resource/${site.cdnResourceId}`);
  return resource.body.origin_groups[0].origin_path;
}

const PAGES = ["/", "/page-1/", "/page-2/"];

test("check: bad keep, release and missing CDN resource fail per property, before any request", async () => {
  const site = await newSite("rel-check");
  writeBuild(site.dir, build("a"));
  emu.resetRequests();
  const { cdnResourceId: _, ...withoutCdn } = argsOf(site);
  const bad = await engine.check(KIND, "bad", { ...withoutCdn, keep: 0, release: "last-tuesday" });
  const byProperty = Object.fromEntries(bad.failures.map((f) => [f.property, f.reason]));
  expect(Object.keys(byProperty).sort()).toEqual(["cdnResourceId", "keep", "release"]);
  expect(byProperty.release).toMatch(/release id \(16 hex characters\) from the `releases` output/);
  expect(emu.requests().total).toBe(0);
});

test("a deploy is atomic: visitors looping over every page during it only ever see whole releases; unchanged files are copied, not uploaded", async () => {
  const site = await newSite("rel-atomic");
  const builds = { a: build("a"), b: build("b") };
  writeBuild(site.dir, builds.a);
  emu.resetRequests();
  expect((await engine.up(KIND, "atomic", argsOf(site))).op).toBe("create");
  const first = engine.get("atomic").outputs;
  expect(first.releaseId).toMatch(/^[0-9a-f]{16}$/);
  expect(first.releases).toEqual([first.releaseId]);
  expect(await originPath(site)).toBe(`/releases/${first.releaseId}`);
  expect(s3Writes()).toEqual({ PutObject: 10 });
  for (const page of PAGES) expect(await visit(site, page, builds)).toBe("a");
  // The manifest is kept once, in the inputs; the outputs hold its digest and compressed index.
  const deployed = Object.keys(decodeFiles(engine.get("atomic").inputs.files as string)).sort();
  expect(deployed).toEqual(Object.keys(builds.a).sort());
  expect(first.files).toBeUndefined();
  expect([...decodeFileIndex(first.filesIndex).keys()].sort()).toEqual(deployed);

  // No change: nothing at all.
  emu.resetRequests();
  expect((await engine.up(KIND, "atomic", argsOf(site))).op).toBe("same");
  expect(emu.requests().total).toBe(0);

  // Release b, uploaded slowly while visitors keep loading pages.
  writeBuild(site.dir, builds.b);
  emu.setFaults({ rules: [{ plane: "s3", route: "S3 PutObject", fault: "delay", delayMs: 150 }] });
  emu.resetRequests();
  const deploy = engine.up(KIND, "atomic", argsOf(site, { concurrency: 2 }));
  const seen = await visitUntil(site, PAGES, builds, deploy);
  expect((await deploy).op).toBe("update");

  const problems = seen.filter((v) => v !== "a" && v !== "b");
  expect(problems).toEqual([]);
  expect(seen.filter((v) => v === "a").length).toBeGreaterThan(PAGES.length);
  expect(seen.slice(-PAGES.length)).toEqual(["b", "b", "b"]);
  // Pages and their fingerprinted assets are new; the logo, the same bytes, is copied in the bucket.
  expect(s3Writes()).toEqual({ PutObject: 9, CopyObject: 1 });
  const second = engine.get("atomic").outputs;
  expect(second.releases).toEqual([second.releaseId, first.releaseId]);
  expect(await originPath(site)).toBe(`/releases/${second.releaseId}`);
});

test("rollback to a kept release switches back with no upload and serves it byte for byte; unsetting it returns", async () => {
  const site = sites.find((s) => s.dir.endsWith("rel-atomic"))!;
  const builds = { a: build("a"), b: build("b") };
  const [live, earlier] = engine.get("atomic").outputs.releases as string[];

  emu.resetRequests();
  const back = await engine.up(KIND, "atomic", argsOf(site, { release: earlier }));
  expect(back.op).toBe("update");
  expect(s3Writes()).toEqual({});
  expect(engine.get("atomic").outputs).toMatchObject({ releaseId: earlier, contentReleaseId: live, releases: [earlier, live] });
  expect(await originPath(site)).toBe(`/releases/${earlier}`);
  for (const page of PAGES) expect(await visit(site, page, builds)).toBe("a");
  for (const [file, body] of Object.entries(builds.a)) expect((await edge(site, `/${file}`)).body).toBe(body);

  emu.resetRequests();
  await engine.up(KIND, "atomic", argsOf(site));
  expect(s3Writes()).toEqual({});
  expect(engine.get("atomic").outputs).toMatchObject({ releaseId: live, releases: [live, earlier] });
  for (const page of PAGES) expect(await visit(site, page, builds)).toBe("b");
});

test("a release that is not kept is refused, naming the kept ones, and the live release keeps serving", async () => {
  const site = sites.find((s) => s.dir.endsWith("rel-atomic"))!;
  const before = engine.get("atomic").outputs;
  await expect(engine.up(KIND, "atomic", argsOf(site, { release: "0123456789abcdef" }))).rejects.toThrow(
    /release: "0123456789abcdef" is not a kept release of this site; kept: [0-9a-f]{16}, [0-9a-f]{16}/,
  );
  expect(await originPath(site)).toBe(`/releases/${before.releaseId}`);
  expect(await visit(site, "/", { b: build("b") })).toBe("b");
});

test("keep N: older releases are deleted after the switch, never the live one, even when it is the oldest", async () => {
  const site = await newSite("rel-keep");
  const ids: string[] = [];
  for (const version of ["a", "b", "c", "d"]) {
    writeBuild(site.dir, build(version, 1));
    await engine.up(KIND, "keep", argsOf(site, { keep: 2 }));
    ids.push(engine.get("keep").outputs.releaseId as string);
  }
  expect(engine.get("keep").outputs.releases).toEqual([ids[3], ids[2]]);
  expect(await releaseFolders(site)).toEqual([ids[2], ids[3]].sort());

  // Keep 1 while pinned to the older one: the live (pinned) release stays, the newer one goes.
  await engine.up(KIND, "keep", argsOf(site, { keep: 2, release: ids[2] }));
  await engine.up(KIND, "keep", argsOf(site, { keep: 1, release: ids[2] }));
  expect(engine.get("keep").outputs.releases).toEqual([ids[2]]);
  expect(await releaseFolders(site)).toEqual([ids[2]]);
  expect(await visit(site, "/", { c: build("c", 1) })).toBe("c");
});

test("a failed upload leaves the live release serving; the next up sends only what is missing and switches", async () => {
  const site = await newSite("rel-fail");
  const builds = { a: build("a"), b: build("b") };
  writeBuild(site.dir, builds.a);
  await engine.up(KIND, "fail", argsOf(site));
  const live = engine.get("fail").outputs.releaseId;

  writeBuild(site.dir, builds.b);
  // S3 refuses some uploads with a 400 (not retried); one at a time, so a few land before the first refusal.
  emu.setFaults({ seed: 14, rules: [{ plane: "s3", route: "S3 PutObject", fault: "status", status: 400, rate: 0.3 }] });
  emu.resetRequests();
  await expect(engine.up(KIND, "fail", argsOf(site, { concurrency: 1 }))).rejects.toThrow(
    /upload "releases\/[0-9a-f]{16}\/.+" in bucket .* failed: HTTP 400/,
  );
  const landed = (emu.requests().routes["S3 PutObject"] ?? 0) - 1;
  expect(landed).toBeGreaterThan(0);
  expect(engine.get("fail").outputs.releaseId).toBe(live);
  expect(await originPath(site)).toBe(`/releases/${live}`);
  for (const page of PAGES) expect(await visit(site, page, builds)).toBe("a");

  emu.clearFaults();
  emu.resetRequests();
  await engine.up(KIND, "fail", argsOf(site, { concurrency: 1 }));
  // Nine new files in release b: those that landed before the failure are not sent again.
  expect(s3Writes().PutObject).toBe(9 - landed);
  expect(engine.get("fail").outputs.releases).toEqual([engine.get("fail").outputs.releaseId, live]);
  for (const page of PAGES) expect(await visit(site, page, builds)).toBe("b");
});

test("refresh sees a file of the live release deleted out of band; the next up puts exactly it back", async () => {
  const site = sites.find((s) => s.dir.endsWith("rel-fail"))!;
  const live = engine.get("fail").outputs.releaseId as string;
  emu.resetRequests();
  expect(await engine.refresh("fail")).toBe(true);
  expect(emu.requests().routes).toEqual({ "S3 ListObjectsV2": 1 });
  expect((await engine.up(KIND, "fail", argsOf(site, { concurrency: 1 }))).op).toBe("same");

  const { body: files } = await api(emu, "GET", `/object-storage/buckets/${site.bucketId}/files?limit=100`);
  const logo = files.data.find((file: { key: string }) => file.key === `releases/${live}/logo.svg`);
  expect((await api(emu, "DELETE", `/object-storage/buckets/${site.bucketId}/files/${logo.id}`)).status).toBe(204);
  await engine.refresh("fail");
  // The manifest is held in the inputs only; the refreshed inputs are what the next diff compares.
  expect(Object.keys(decodeFiles(engine.get("fail").inputs.files as string))).not.toContain("logo.svg");
  emu.resetRequests();
  expect((await engine.up(KIND, "fail", argsOf(site, { concurrency: 1 }))).op).toBe("update");
  expect(s3Writes()).toEqual({ PutObject: 1 });
  expect(engine.get("fail").outputs.releaseId).toBe(live);
  expect(await visit(site, "/", { b: build("b") })).toBe("b");
});

test("a CdnResource with originPathSwitched leaves the live release in place through refresh and up; without it, up would undo the switch", async () => {
  const site = await newSite("rel-cdn");
  writeBuild(site.dir, build("a", 1));
  const cdnArgs = { storageOrigin: { bucketId: site.bucketId }, originPathSwitched: true };
  const bad = await engine.check("CdnResource", "cdn", {
    storageOrigin: { bucketId: site.bucketId, originPath: "/site" },
    originPathSwitched: true,
  });
  expect(bad.failures).toEqual([
    { property: "storageOrigin", reason: expect.stringMatching(/originPath must be left out with originPathSwitched/) },
  ]);

  await engine.up("CdnResource", "cdn", cdnArgs);
  const cdn = engine.get("cdn");
  const domain = cdn.outputs.distributionDomain as string;
  const ours = { ...site, cdnResourceId: cdn.id, host: domain };
  await engine.up(KIND, "cdn-site", argsOf(ours));
  const live = `/releases/${engine.get("cdn-site").outputs.releaseId}`;

  expect(await engine.refresh("cdn")).toBe(true);
  expect((await engine.up("CdnResource", "cdn", cdnArgs)).op).toBe("same");
  expect(await originPath(ours)).toBe(live);
  expect(await visit(ours, "/", { a: build("a", 1) })).toBe("a");

  const unmanaged = await engine.up("CdnResource", "cdn", { ...cdnArgs, originPathSwitched: false });
  expect(unmanaged.op).toBe("update");
  expect(await originPath(ours)).toBe("");
  await engine.destroy("cdn-site");
  await engine.destroy("cdn");
});

test("two SiteReleases on one bucket and prefix (two stacks, two CDN resources): keep N and destroy drop only their own releases", async () => {
  const a = await newSite("rel-owner-a");
  const cdnB = await api(emu, "POST", "/cdn/resource", { name: "rel-owner-b", origin_group: { type: "storage", bucket_id: a.bucketId } });
  const b: Site = { ...a, cdnResourceId: cdnB.body.id, host: cdnB.body.distribution_domain, dir: path.join(work, "rel-owner-b") };
  writeBuild(a.dir, build("a", 1));
  writeBuild(b.dir, build("b", 1));
  await engine.up(KIND, "owner-a", argsOf(a, { keep: 1 }));
  await engine.up(KIND, "owner-b", argsOf(b, { keep: 1 }));
  const bRelease = engine.get("owner-b").outputs.releaseId as string;
  // A deploys again with keep 1: its old release goes, B's live one (new to A) stays.
  writeBuild(a.dir, build("c", 1));
  await engine.up(KIND, "owner-a", argsOf(a, { keep: 1 }));
  const aRelease = engine.get("owner-a").outputs.releaseId as string;
  expect(await releaseFolders(a)).toEqual([aRelease, bRelease].sort());
  expect(await visit(b, "/", { b: build("b", 1) })).toBe("b");
  await engine.destroy("owner-a");
  expect(await releaseFolders(a)).toEqual([bRelease]);
  await engine.destroy("owner-b");
  expect(await releaseFolders(a)).toEqual([]);
});

test("atomic mode, a returning visitor: after a switch, a reload revalidates the page and its unfingerprinted stylesheet, both of the new release", async () => {
  const site = await newSite("rel-returning");
  const release = (version: string) => ({
    "index.html": `<link href="/style.css"><p>${version}</p>`,
    "style.css": `p { content: "${version}" }`,
  });
  writeBuild(site.dir, release("one"));
  await engine.up(KIND, "returning", argsOf(site));
  const kept = new Map<string, { etag: string; body: string }>();
  for (const file of ["/index.html", "/style.css"]) {
    const answer = await edgeWith(site, file);
    // Neither may be used from the browser's cache without asking: no copy of release one outlives the switch.
    expect(answer.cacheControl).toMatch(/max-age=0\b/);
    kept.set(file, { etag: answer.etag, body: answer.body });
  }
  writeBuild(site.dir, release("two"));
  await engine.up(KIND, "returning", argsOf(site));
  const seen = await Promise.all(["/index.html", "/style.css"].map((file) => edgeWith(site, file, kept.get(file)!.etag)));
  expect(seen.map((answer) => [answer.status, answer.body])).toEqual([
    [200, release("two")["index.html"]],
    [200, release("two")["style.css"]],
  ]);
});

/** A GET with the ETag a browser kept (a reload), or without. */
function edgeWith(
  site: Site,
  urlPath: string,
  etag?: string,
): Promise<{ status: number; body: string; etag: string; cacheControl: string }> {
  const url = new URL(emu.edgeUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: site.host, ...(etag ? { "if-none-match": etag } : {}) };
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          etag: String(res.headers.etag ?? ""),
          cacheControl: String(res.headers["cache-control"] ?? ""),
        }),
      );
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

test("destroy deletes every release folder and nothing else in the bucket", async () => {
  const site = sites.find((s) => s.dir.endsWith("rel-fail"))!;
  await site.s3.send(new PutObjectCommand({ Bucket: site.bucketId, Key: "notes.txt", Body: "mine" }));
  await engine.destroy("fail");
  expect(await keysOf(site)).toEqual(["notes.txt"]);
});
