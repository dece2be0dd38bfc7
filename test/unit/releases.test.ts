// The pure parts of atomic deploys: release ids, what a deploy copies or uploads, what it purges,
// which releases it keeps.
import { formatEntry, headersCode } from "../../provider/sync/manifest";
import { byRelease, changedPaths, keptReleases, planRelease, releaseIdOf, releaseOriginPath } from "../../provider/sync/releases";
import type { StoredObject } from "../../provider/sync/bucket";

const HTML = "text/html; charset=utf-8|public, max-age=0, must-revalidate";
const code = headersCode(HTML);
const hashA = "AAAAAAAAAAAAAAAAAAAAAA";
const hashB = "BBBBBBBBBBBBBBBBBBBBBB";
const entry = (hash: string, size = 10, headers = code) => formatEntry({ hash, size, code: headers });
const stored = (hash: string, size = 10): StoredObject => ({ hash, size, modified: 0 });

describe("releaseIdOf", () => {
  test("the same content gives the same id, whatever the order of the manifest", () => {
    const id = releaseIdOf({ "a.html": entry(hashA), "b.html": entry(hashB) }, { [code]: HTML });
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(releaseIdOf({ "b.html": entry(hashB), "a.html": entry(hashA) }, { [code]: HTML })).toBe(id);
  });

  test("bytes, a path or a header value changed give another id", () => {
    const id = releaseIdOf({ "a.html": entry(hashA) }, { [code]: HTML });
    expect(releaseIdOf({ "a.html": entry(hashB) }, { [code]: HTML })).not.toBe(id);
    expect(releaseIdOf({ "b.html": entry(hashA) }, { [code]: HTML })).not.toBe(id);
    const other = "text/html; charset=utf-8|no-store";
    expect(releaseIdOf({ "a.html": entry(hashA, 10, headersCode(other)) }, { [headersCode(other)]: other })).not.toBe(id);
  });
});

test("planRelease: files already in the new folder are skipped, identical ones in the live release copied, the rest uploaded", () => {
  const files = {
    "same.css": entry(hashA),
    "landed.js": entry(hashB),
    "new.html": entry(hashB, 11),
    "big.bin": formatEntry({ hash: `${hashA}-2`, size: 9 * 1024 * 1024, code }),
  };
  const target = new Map([["landed.js", stored(hashB)]]);
  const live = new Map([
    ["same.css", stored(hashA)],
    ["new.html", stored(hashB, 10)],
    ["big.bin", stored(`${hashA}-2`, 9 * 1024 * 1024)],
  ]);
  const plan = planRelease(files, { [code]: HTML }, target, live);
  expect(plan.present.map((f) => f.file)).toEqual(["landed.js"]);
  expect(plan.copies.map((f) => f.file)).toEqual(["same.css"]);
  // A copy of a multipart object would lose the ETag that proves it: uploaded.
  expect(plan.uploads.map((f) => f.file).sort()).toEqual(["big.bin", "new.html"]);
  expect(plan.copies[0].headers).toEqual({ contentType: "text/html; charset=utf-8", cacheControl: "public, max-age=0, must-revalidate" });
});

test("changedPaths: changed and new paths, not those only the old release had", () => {
  const from = new Map([
    ["index.html", stored(hashA)],
    ["logo.svg", stored(hashB)],
    ["app-old.js", stored(hashA)],
  ]);
  const to = new Map([
    ["index.html", stored(hashB)],
    ["logo.svg", stored(hashB)],
    ["app-new.js", stored(hashA)],
  ]);
  expect(changedPaths(from, to).sort()).toEqual(["app-new.js", "index.html"]);
});

test("keptReleases: the live one first, then the newest, N in all; the live one even with keep 0", () => {
  expect(keptReleases("d", ["c", "b", "a"], 2)).toEqual(["d", "c"]);
  expect(keptReleases("b", ["c", "b", "a"], 2)).toEqual(["b", "c"]);
  expect(keptReleases("a", ["c", "b", "a"], 0)).toEqual(["a"]);
});

test("byRelease groups the keys of release folders by id and ignores anything else", () => {
  const id = "0123456789abcdef";
  const objects = new Map([
    [`site/releases/${id}/index.html`, stored(hashA)],
    [`site/releases/${id}/a/b.css`, stored(hashB)],
    ["site/releases/not-an-id/x", stored(hashA)],
    ["site/releases/loose.txt", stored(hashA)],
  ]);
  const releases = byRelease("site/", objects);
  expect([...releases.keys()]).toEqual([id]);
  expect([...releases.get(id)!.keys()]).toEqual(["index.html", "a/b.css"]);
  expect(releaseOriginPath("site/", id)).toBe(`/site/releases/${id}`);
  expect(releaseOriginPath("", id)).toBe(`/releases/${id}`);
});
