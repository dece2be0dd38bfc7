// Purge is exact for every legal file name (issue 19): after a changed file, every way a browser or
// curl can ask for it (percent-encoded or with reserved characters raw, escapes in either case, an unreserved letter
// escaped, `+ ; & = #  ?`, spaces, Unicode in NFC and in NFD) serves the new bytes. The edge keys
// its cache by the object a path reads, so all spellings of one file are one entry and one purge.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { api, type Emulator } from "../harness/emulator";
import type { Engine } from "../harness/engine";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { newBucketAccess, type BucketAccess } from "../harness/s3";
import { manifestInputs, decodeFiles } from "../../provider/sync/manifest";

jest.setTimeout(120_000);

let lifecycle: Lifecycle;
let emu: Emulator;
let engine: Engine;
let work: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "site-purge-"));
});

afterAll(async () => {
  await lifecycle?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const NAMES = [
  "a+b.css",
  "semi;colon.css",
  "amp&key=value.css",
  "hash#1.css",
  "what?.css",
  "with space.css",
  "caf\u00e9-nfc.css",
  "cafe\u0301-nfd.css",
  "docs/\u65e5\u672c/index.html",
];

/** The spellings of a key's path a browser, curl or a hand-written link may send, as raw bytes of the request line. */
function spellings(key: string): Buffer[] {
  const strict = key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
  // What a browser sends for an href written as the name (with # and ? escaped, or they end the path).
  const browser = encodeURI(key).replace(/#/g, "%23").replace(/\?/g, "%3F");
  // What curl sends for a URL typed with the raw name: its characters as they are. (Not raw UTF-8:
  // Node's HTTP parser, the emulator's, answers 400 to bytes over 0x7F in a request line; see the
  // emulator's README. Real CDNs take them; browsers never send them.)
  const raw = key
    .replace(/%/g, "%25")
    .replace(/ /g, "%20")
    .replace(/#/g, "%23")
    .replace(/\?/g, "%3F")
    .replace(/[^\x00-\x7f]+/g, encodeURIComponent);
  const lower = strict.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  const unreservedEscaped = strict.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...new Set([`/${strict}`, `/${browser}`, `/${raw}`, `/${lower}`, `/${unreservedEscaped}`])].map((form) =>
    Buffer.from(form, "utf8"),
  );
}

/** The URLs of a key, each with its spellings: an `index.html` is also served at its folder's URL (its own cache entry). */
function urlsOf(key: string): Buffer[][] {
  const file = spellings(key);
  if (!key.endsWith("/index.html")) return [file];
  return [file, file.map((form) => form.subarray(0, form.length - "index.html".length))];
}

interface Answer {
  status: number;
  cache: string;
  body: string;
}

/** One GET over a plain socket, so the request line carries exactly these bytes (no client re-encodes them). */
function rawGet(host: string, target: Buffer): Promise<Answer> {
  const edge = new URL(emu.edgeUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(edge.port), edge.hostname, () => {
      socket.write(Buffer.concat([Buffer.from("GET "), target, Buffer.from(` HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)]));
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const cache = /\r\nx-cache: (\w+)/i.exec(head)?.[1] ?? "";
      resolve({ status, cache, body: rest.join("\r\n\r\n") });
    });
  });
}

test("after a changed file, every spelling of its URL serves the new bytes; all spellings share one cache entry", async () => {
  const access: BucketAccess = await newBucketAccess(emu, "purge-names");
  const cdn = await api(emu, "POST", "/cdn/resource", {
    name: "purge-names",
    origin_group: { type: "storage", bucket_id: access.bucketId },
  });
  const host: string = cdn.body.distribution_domain;
  const dir = path.join(work, "site");
  const write = (version: string) => {
    for (const name of NAMES) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), `${version} of ${name}`);
    }
  };
  const args = () => {
    const manifest = manifestInputs({ path: dir });
    return {
      bucket: access.bucketId,
      accessKeyId: access.accessKeyId,
      secretAccessKey: access.secretAccessKey,
      path: dir,
      cdnResourceId: cdn.body.id,
      ...manifest,
    };
  };

  write("v1");
  await engine.up("SyncedFolder", "purge-names", args());
  expect(Object.keys(decodeFiles(engine.get("purge-names").inputs.files as string)).sort()).toEqual([...NAMES].sort());
  for (const name of NAMES) {
    for (const [first, ...others] of urlsOf(name)) {
      const answer = await rawGet(host, first);
      expect([name, answer.status, answer.cache, answer.body]).toEqual([name, 200, "MISS", `v1 of ${name}`]);
      // Every other spelling of the URL is the same entry: already cached.
      for (const spelling of others) {
        const again = await rawGet(host, spelling);
        expect([spelling.toString(), again.status, again.cache, again.body]).toEqual([spelling.toString(), 200, "HIT", `v1 of ${name}`]);
      }
    }
  }

  write("v2");
  await engine.up("SyncedFolder", "purge-names", args());
  const stale: string[] = [];
  for (const name of NAMES) {
    for (const spelling of urlsOf(name).flat()) {
      const answer = await rawGet(host, spelling);
      if (answer.status !== 200 || answer.body !== `v2 of ${name}`) stale.push(`${spelling.toString()}: ${answer.status} ${answer.body}`);
    }
  }
  expect(stale).toEqual([]);
  access.s3.destroy();
});

/** A GET as a returning browser sends it: with the ETag of its copy, if it has one. */
function revalidate(
  host: string,
  target: string,
  etag?: string,
): Promise<{ status: number; etag: string; cacheControl: string; body: string }> {
  const edge = new URL(emu.edgeUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(edge.port), edge.hostname, () => {
      const conditional = etag ? `If-None-Match: ${etag}\r\n` : "";
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${conditional}Connection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, ...rest] = Buffer.concat(chunks).toString("utf8").split("\r\n\r\n");
      const header = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r]*)`, "i").exec(head)?.[1] ?? "";
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        etag: header("etag"),
        cacheControl: header("cache-control"),
        body: rest.join("\r\n\r\n"),
      });
    });
  });
}

test("a returning visitor sees an unfingerprinted stylesheet's change on a plain reload; a fingerprinted asset stays cached for good", async () => {
  const access: BucketAccess = await newBucketAccess(emu, "purge-return");
  const cdn = await api(emu, "POST", "/cdn/resource", {
    name: "purge-return",
    origin_group: { type: "storage", bucket_id: access.bucketId },
  });
  const host: string = cdn.body.distribution_domain;
  const dir = path.join(work, "return");
  fs.mkdirSync(dir, { recursive: true });
  const up = async (css: string) => {
    fs.writeFileSync(path.join(dir, "index.html"), `<link href="/style.css"><script src="/app-3f9a2b1c.js"></script>`);
    fs.writeFileSync(path.join(dir, "style.css"), css);
    fs.writeFileSync(path.join(dir, "app-3f9a2b1c.js"), "console.log(1)");
    const manifest = manifestInputs({ path: dir });
    await engine.up("SyncedFolder", "purge-return", {
      bucket: access.bucketId,
      accessKeyId: access.accessKeyId,
      secretAccessKey: access.secretAccessKey,
      path: dir,
      cdnResourceId: cdn.body.id,
      ...manifest,
    });
  };
  await up("body { color: red }");
  // What the browser keeps: the copy, its ETag, and how long it may use it without asking.
  const first = await revalidate(host, "/style.css");
  expect(first.cacheControl).toBe("public, max-age=0, s-maxage=86400, must-revalidate");
  expect((await revalidate(host, "/index.html")).cacheControl).toBe("public, max-age=0, s-maxage=86400, must-revalidate");
  expect((await revalidate(host, "/app-3f9a2b1c.js")).cacheControl).toBe("public, max-age=31536000, immutable");
  // max-age=0: a reload asks again; unchanged, the edge answers 304 from its own copy.
  expect((await revalidate(host, "/style.css", first.etag)).status).toBe(304);

  await up("body { color: blue }");
  const reload = await revalidate(host, "/style.css", first.etag);
  expect([reload.status, reload.body]).toEqual([200, "body { color: blue }"]);
  access.s3.destroy();
});
