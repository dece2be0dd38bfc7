// ListObjects' paging over the bucket's sorted key index (emulator/s3/keyIndex.ts) against the
// obvious implementation it replaced (copy every key, sort by UTF-8 bytes, filter): the same pages
// for many keys, prefixes, delimiters, start-after and page sizes, while keys come and go; and a
// page of a large bucket costs O(page), not O(bucket).
import { compareCodePoints, orderedKeys } from "../../emulator/s3/keyIndex";
import { listPage, type ListPage } from "../../emulator/s3/list";
import type { Bucket, StoredObject } from "../../emulator/state";

function stored(key: string): StoredObject {
  const now = new Date(0);
  return {
    key,
    segments: [],
    size: 0,
    etag: "d41d8cd98f00b204e9800998ecf8427e",
    createdAt: now,
    lastModified: now,
    contentType: "text/plain",
    metadata: {},
  } as unknown as StoredObject;
}

function bucketOf(keys: Iterable<string>): Bucket {
  const objects = new Map<string, StoredObject>();
  for (const key of keys) objects.set(key, stored(key));
  return {
    id: "b",
    name: "b",
    storageClass: "STANDARD",
    createdAt: new Date(0),
    updatedAt: new Date(0),
    objects,
    uploads: new Map(),
  } as unknown as Bucket;
}

/** The listing as it was: every key copied and sorted by its UTF-8 bytes, per call. */
function referencePage(bucket: Bucket, prefix: string, delimiter: string, maxKeys: number, after: string | undefined): ListPage {
  const bytes = (key: string) => Buffer.from(key, "utf8");
  const sorted = [...bucket.objects.values()]
    .map((object) => ({ object, bytes: bytes(object.key) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((entry) => entry.object);
  const page: ListPage = { contents: [], prefixes: [], truncated: false };
  let lastPrefix: string | undefined;
  for (const object of sorted) {
    const key = object.key;
    if (!key.startsWith(prefix)) continue;
    if (after !== undefined && Buffer.compare(bytes(key), bytes(after)) <= 0) continue;
    let rolledUp: string | undefined;
    if (delimiter !== "") {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) rolledUp = key.slice(0, at + delimiter.length);
    }
    if (rolledUp !== undefined) {
      if (rolledUp === lastPrefix) continue;
      if (after !== undefined && Buffer.compare(bytes(rolledUp), bytes(after)) <= 0) continue;
    }
    if (page.contents.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (rolledUp !== undefined) {
      page.prefixes.push(rolledUp);
      lastPrefix = rolledUp;
      page.last = rolledUp;
    } else {
      page.contents.push(object);
      page.last = key;
    }
  }
  return page;
}

/** Every page of one listing, following `last` as a continuation token does. */
function walk(
  list: typeof listPage,
  bucket: Bucket,
  prefix: string,
  delimiter: string,
  maxKeys: number,
  startAfter?: string,
): { keys: string[]; prefixes: string[]; pages: number } {
  const seen = { keys: [] as string[], prefixes: [] as string[], pages: 0 };
  let after = startAfter;
  for (;;) {
    const page = list(bucket, prefix, delimiter, maxKeys, after);
    seen.pages++;
    seen.keys.push(...page.contents.map((object) => object.key));
    seen.prefixes.push(...page.prefixes);
    if (!page.truncated) return seen;
    after = page.last;
  }
}

/** A deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Characters that sort differently by UTF-16 unit and by UTF-8 byte (U+FF5E against an astral
// character), the delimiter, characters below and above it, and an empty segment.
const ALPHABET = ["a", "b", "/", "-", "0", "~", "\uff5e", "\u{1f600}", "é", " "];

function randomKey(next: () => number): string {
  const length = 1 + Math.floor(next() * 7);
  let key = "";
  for (let i = 0; i < length; i++) key += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return key;
}

describe("key order", () => {
  it("is UTF-8 byte order, astral characters above U+FFFF's neighbours", () => {
    const next = random(7);
    const keys = Array.from({ length: 2000 }, () => randomKey(next));
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
    expect([...keys].sort(compareCodePoints)).toEqual(byBytes);
    expect(compareCodePoints("\u{1f600}", "\uff5e")).toBeGreaterThan(0);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
  });

  it("stays sorted while keys are put and deleted, on the same Map object", () => {
    const bucket = bucketOf(["m", "c", "x"]);
    const objects = bucket.objects;
    expect(orderedKeys(objects)).toEqual(["c", "m", "x"]);
    objects.set("a", stored("a"));
    objects.set("m", stored("m")); // overwrite: no duplicate
    objects.delete("x");
    objects.delete("absent");
    expect(bucket.objects).toBe(objects);
    expect(objects instanceof Map).toBe(true);
    expect(orderedKeys(objects)).toEqual(["a", "c", "m"]);
    expect([...objects.keys()].sort()).toEqual(["a", "c", "m"]);
    objects.clear();
    expect(orderedKeys(objects)).toEqual([]);
  });
});

describe("listPage", () => {
  it("gives the pages the full sort gave, for many prefixes, delimiters, start-after and page sizes, as keys change", () => {
    const next = random(21);
    const bucket = bucketOf(Array.from({ length: 300 }, () => randomKey(next)));
    let checked = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        const prefix = next() < 0.3 ? "" : randomKey(next).slice(0, 1 + Math.floor(next() * 2));
        const delimiter = next() < 0.3 ? "" : next() < 0.8 ? "/" : "a";
        const maxKeys = [2, 7, 50, 1000][Math.floor(next() * 4)];
        const startAfter = next() < 0.5 ? undefined : randomKey(next);
        expect(walk(listPage, bucket, prefix, delimiter, maxKeys, startAfter)).toEqual(
          walk(referencePage, bucket, prefix, delimiter, maxKeys, startAfter),
        );
        checked++;
      }
      // Keys come and go between rounds, through the Map the S3 plane writes to.
      for (let i = 0; i < 60; i++) bucket.objects.set(randomKey(next), stored(""));
      for (const key of [...bucket.objects.keys()].filter(() => next() < 0.2)) bucket.objects.delete(key);
      for (const [key, object] of bucket.objects) object.key = key;
    }
    expect(checked).toBe(120);
  });

  it("pages through 20,000 keys in folders with a delimiter, a prefix and start-after", () => {
    const keys: string[] = [];
    for (let folder = 0; folder < 200; folder++) {
      for (let file = 0; file < 100; file++) keys.push(`site/d${String(folder).padStart(3, "0")}/f${file}.html`);
    }
    const bucket = bucketOf(keys);
    const top = walk(listPage, bucket, "site/", "/", 1000);
    expect(top.prefixes).toHaveLength(200);
    expect(top.keys).toEqual([]);
    expect(top.pages).toBe(1);
    const folder = walk(listPage, bucket, "site/d150/", "/", 30);
    expect(folder.keys).toHaveLength(100);
    expect(folder.pages).toBe(4);
    const all = walk(listPage, bucket, "", "", 1000, "site/d100/");
    expect(all.keys).toHaveLength(10_000);
    expect(all.keys[0]).toBe("site/d100/f0.html");
    const resumed = walk(listPage, bucket, "site/", "/", 50, "site/d120/f5.html");
    expect(resumed.prefixes[0]).toBe("site/d121/");
    expect(resumed.prefixes).toHaveLength(79);
  });

  it("costs O(page): a page of a 200,000-key bucket takes about as long as one of a 2,000-key bucket", () => {
    const make = (n: number) => bucketOf(Array.from({ length: n }, (_, i) => `k/${String(i).padStart(7, "0")}`));
    const time = (bucket: Bucket) => {
      listPage(bucket, "", "", 100, undefined); // builds the index once
      const started = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) listPage(bucket, "k/", "/", 100, `k/${String(i * 7).padStart(7, "0")}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const small = time(make(2_000));
    const large = time(make(200_000));
    // The old full sort made this ~100× (and more) slower; a log factor and noise stay well below 10×.
    expect(large).toBeLessThan(Math.max(small * 10, 50));
  });
});
