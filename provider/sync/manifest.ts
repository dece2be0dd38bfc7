// The manifest of a local folder: relative path → content hash, size, and the headers the object
// gets (content type, cache-control). The SDK computes it when the program runs (or, for a program
// that gives only `path`, the provider's check does, in the program's folder), so it is an input
// and `pulumi preview` shows which files are added, changed and removed; the provider works from
// it alone (refresh and delete never need the folder).
//
// The manifest lives in the state's inputs only (what the CLI diffs file by file); the outputs keep
// its digest and a compressed index of paths and headers codes (`FileIndex`), which is all that
// update, refresh and delete need once a LIST gives them the stored hashes. Each file is one short
// string: `"<hash> <size> <headers>"`. The hash is the ETag S3 computes for the object as this
// package uploads it (MD5 of the content, or for a multipart upload MD5 of the part MD5s and `-N`),
// in base64url, so a LIST is enough to tell whether the stored object is the one declared. The
// headers are a code into a table (`headers`), derived from the pair itself, so adding a rule
// never renumbers the other files.
//
// The hash is of the kind the store checks objects by (hashKinds.ts): the S3 ETag above by default,
// or the SHA-256 of the content for a store that keeps that (43 characters of base64url). A store
// whose objects carry no Cache-Control (`cacheControl: false` in its StoreProfile) gets headers of
// `"<content type>|"`: the same table, its second half always empty.
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as MimeTypes from "mime-types";
import picomatch from "picomatch";
import { etagOfFile } from "./etag";
import { HashCache, type FileStat } from "./hashCache";
import { PART_SIZE, S3_ETAG, type HashKind } from "./hashKinds";
import { encodeFiles } from "./manifestWire";

export { FILES_FORMAT, decodeFiles, encodeFiles, filesLines, manifestDigest } from "./manifestWire";

export { PART_SIZE };

/** What a store keeps of a file, as the manifest describes it: how it hashes content, and whether objects carry Cache-Control. */
export interface StoreProfile {
  hash: HashKind;
  cacheControl: boolean;
}

/** The S3 data plane's: ETags, and Cache-Control on every object. The default. */
export const S3_STORE: StoreProfile = { hash: S3_ETAG, cacheControl: true };

/** The longest object key S3 accepts, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export const DEFAULT_EXCLUDE: readonly string[] = ["**/.git/**", "**/.DS_Store", "**/Thumbs.db"];

/**
 * Every file whose name stays the same when it changes (pages, and also CSS, scripts, images and
 * fonts that are not fingerprinted): browsers revalidate it on each use (`max-age=0`, an ETag
 * answered 304 while it is unchanged), so a plain reload after an `up` shows the change and a
 * returning visitor never pairs new HTML with an old stylesheet. The CDN keeps its own copy
 * (`s-maxage`) until the purge every `up` sends for the paths it changed; a day at most, so a
 * purge that was lost (an `up` cut short) heals by itself.
 */
export const REVALIDATE = "public, max-age=0, s-maxage=86400, must-revalidate";
/** Fingerprinted assets: the name changes with the content, so a copy never goes stale. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

export interface ManifestOptions {
  /** The folder; relative paths resolve against the current directory. */
  path: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Glob → Cache-Control; the first matching rule in the order written wins, before the defaults. */
  cacheControl?: Readonly<Record<string, string>>;
  /** Glob → Content-Type; the first matching rule wins, before the type of the extension. */
  contentTypes?: Readonly<Record<string, string>>;
}

export interface Manifest {
  /** Relative path (with `/`) → `"<hash> <size> <headers code>"`. */
  files: Record<string, string>;
  /** Headers code → `"<content type>|<cache-control>"`. */
  headers: Record<string, string>;
}

export interface FileEntry {
  hash: string;
  size: number;
  code: string;
}

export interface ObjectHeaders {
  contentType: string;
  cacheControl: string;
}

/** The arguments a manifest is built from, and `headers` (a clash in the table it builds). */
export type ManifestProperty = "path" | "include" | "exclude" | "cacheControl" | "contentTypes" | "headers";

/**
 * An error in the user's SyncedFolder arguments. `reason` starts with the argument's name and says
 * what is wrong (the provider's check failure on `property`); the message is the class's and reason.
 */
export class ManifestError extends Error {
  override name = "ManifestError";
  constructor(
    readonly property: ManifestProperty,
    readonly reason: string,
  ) {
    super(`SyncedFolder ${reason}`);
  }
}

const entryPatterns = new Map<string, RegExp>();

/** `"<hash> <size> <headers code>"`, the hash of `kind` (default the S3 ETag); undefined for anything else. */
export function parseEntry(value: string, kind: HashKind = S3_ETAG): FileEntry | undefined {
  let pattern = entryPatterns.get(kind.name);
  if (!pattern) entryPatterns.set(kind.name, (pattern = new RegExp(`^(${kind.pattern}) (\\d{1,15}) ([A-Za-z0-9_-]{6})$`)));
  const match = pattern.exec(value);
  return match ? { hash: match[1], size: Number(match[2]), code: match[3] } : undefined;
}

export function formatEntry(entry: FileEntry): string {
  return `${entry.hash} ${entry.size} ${entry.code}`;
}

export function formatHeaders(headers: ObjectHeaders): string {
  return `${headers.contentType}|${headers.cacheControl}`;
}

export function parseHeaders(value: string): ObjectHeaders {
  const bar = value.lastIndexOf("|");
  return { contentType: value.slice(0, bar), cacheControl: value.slice(bar + 1) };
}

export function headersCode(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 6);
}

/** The compact hash of an S3 ETag (`"hex"` or `"hex-N"`), comparable with manifest hashes. */
export function hashOfEtag(etag: string | undefined): string | undefined {
  const match = /^"?([0-9a-f]{32})(-\d+)?"?$/i.exec(etag ?? "");
  return match ? Buffer.from(match[1], "hex").toString("base64url") + (match[2] ?? "") : undefined;
}

/** The base64 MD5 of a single-part manifest hash, as the Content-MD5 header takes it. */
export function md5Base64(hash: string): string {
  return Buffer.from(hash, "base64url").toString("base64");
}

export function isMultipart(size: number): boolean {
  return size > PART_SIZE;
}

/**
 * The ETag S3 gives the file as this package uploads it, read in blocks so memory stays flat.
 * One MD5 for a single PUT; for a multipart upload, the MD5 of the part MD5s and the part count.
 */
export function fileHash(file: string, size: number): string {
  return etagOfFile(file, size, PART_SIZE);
}

// Loaded on first use: the provider host imports this module for the manifest's format alone, and
// mime-types (its database is a 200 KB JSON file) is only needed where the manifest is built.
let mimeTypes: typeof MimeTypes | undefined;
const mime = () => (mimeTypes ??= require("mime-types") as typeof MimeTypes);

type Matcher = (relative: string) => boolean;

function globMatcher(property: ManifestProperty, globs: readonly string[]): Matcher {
  for (const glob of globs) {
    if (typeof glob !== "string" || glob.trim() === "") {
      throw new ManifestError(property, `${property}: every pattern must be a non-empty glob string, got ${JSON.stringify(glob)}`);
    }
  }
  // `dot`: a site's `.well-known/` is content like any other folder.
  return globs.length ? picomatch(globs as string[], { dot: true }) : () => false;
}

function ruleList(property: ManifestProperty, rules: Readonly<Record<string, string>> | undefined): Array<[Matcher, string]> {
  if (rules === undefined) return [];
  if (rules === null || typeof rules !== "object" || Array.isArray(rules)) {
    throw new ManifestError(property, `${property} must be an object of glob → value, e.g. { "**/*.html": "no-cache" }`);
  }
  return Object.entries(rules).map(([glob, value]) => {
    if (typeof value !== "string" || value.trim() === "" || /[|\r\n]/.test(value)) {
      throw new ManifestError(
        property,
        `${property}["${glob}"] must be a non-empty header value without "|" or line breaks, got ${JSON.stringify(value)}`,
      );
    }
    return [globMatcher(property, [glob]), value.trim()];
  });
}

/** `name-3f9a2b1c.js`, `main.BxK3f9aZ.css`: a run of 8+ hash characters with a digit, before the extension. */
function isFingerprinted(relative: string): boolean {
  if (relative.startsWith("_next/static/")) return true;
  const match = /[.-]([A-Za-z0-9_-]{8,})\.[A-Za-z0-9]+$/.exec(path.posix.basename(relative));
  return match !== null && /\d/.test(match[1]);
}

const REVALIDATED_EXTENSIONS = new Set([".html", ".htm", ".json", ".xml", ".txt", ".webmanifest", ".map"]);
const SERVICE_WORKERS = new Set(["sw.js", "service-worker.js"]);

/**
 * The Cache-Control when no rule matches: immutable for a fingerprinted asset, revalidated for
 * everything else. (Pages, data and service workers are revalidated even when their name looks
 * fingerprinted: a browser must always see the current one.)
 */
export function defaultCacheControl(relative: string): string {
  const base = path.posix.basename(relative).toLowerCase();
  if (SERVICE_WORKERS.has(base) || REVALIDATED_EXTENSIONS.has(path.posix.extname(base))) return REVALIDATE;
  return isFingerprinted(relative) ? IMMUTABLE : REVALIDATE;
}

/** Content type of the extension, with `charset=utf-8` for text; `application/octet-stream` when unknown. */
export function defaultContentType(relative: string): string {
  return mime().contentType(path.posix.extname(relative) || path.posix.basename(relative)) || "application/octet-stream";
}

export interface HeaderRules {
  cacheControl: Array<[Matcher, string]>;
  contentTypes: Array<[Matcher, string]>;
}

export function headerRules(options: Pick<ManifestOptions, "cacheControl" | "contentTypes">): HeaderRules {
  const contentTypes = ruleList("contentTypes", options.contentTypes).map(([match, value]): [Matcher, string] => {
    // A text type given without a charset gets utf-8, as one from the extension does.
    const full = mime().contentType(value);
    return [match, full && full.startsWith(value) ? full : value];
  });
  return { cacheControl: ruleList("cacheControl", options.cacheControl), contentTypes };
}

export function headersFor(relative: string, rules: HeaderRules): ObjectHeaders {
  const first = (list: Array<[Matcher, string]>) => list.find(([match]) => match(relative))?.[1];
  return {
    contentType: first(rules.contentTypes) ?? defaultContentType(relative),
    cacheControl: first(rules.cacheControl) ?? defaultCacheControl(relative),
  };
}

interface Walked {
  files: Array<{ relative: string; absolute: string; stat: FileStat }>;
  /** Symbolic links whose target lies outside the folder: never followed (see linksOut). */
  linksOut: Array<{ relative: string; target: string; directory: boolean }>;
}

function isWithin(real: string, rootReal: string): boolean {
  const relative = path.relative(rootReal, real);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Every regular file under `root`, as paths relative to it with `/`. Symbolic links are followed
 * when their target (resolved all the way) is inside the folder: a link is then one more name for
 * a file of the site. A link whose target is outside is not followed but reported, so that a
 * `../outside/secret.env` linked in never becomes a public file.
 */
function walk(root: string): Walked {
  const found: Walked["files"] = [];
  const linksOut: Walked["linksOut"] = [];
  const rootReal = fs.realpathSync(root);
  const visit = (dir: string, relativeDir: string, seen: Set<string>) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const absolute = path.join(dir, entry.name);
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      const stat = entry.isSymbolicLink() ? fs.statSync(absolute, { throwIfNoEntry: false }) : entry;
      if (!stat) continue; // a dangling link
      if (entry.isSymbolicLink() && !isWithin(fs.realpathSync(absolute), rootReal)) {
        linksOut.push({ relative, target: fs.readlinkSync(absolute), directory: stat.isDirectory() });
        continue;
      }
      if (stat.isDirectory()) {
        // A link back up the tree would loop forever.
        const real = fs.realpathSync(absolute);
        if (seen.has(real)) continue;
        visit(absolute, relative, new Set(seen).add(real));
      } else if (stat.isFile()) {
        found.push({ relative, absolute, stat: { size: 0, mtimeMs: 0, ctimeMs: 0, ino: 0 } });
      }
    }
  };
  visit(root, "", new Set([rootReal]));
  for (const file of found) {
    const { size, mtimeMs, ctimeMs, ino } = fs.statSync(file.absolute);
    file.stat = { size, mtimeMs, ctimeMs, ino };
  }
  return { files: found, linksOut };
}

/**
 * Reads the folder and builds its manifest for a store of `profile` (default the S3 data plane's).
 * Throws a ManifestError naming the argument at fault.
 */
export function buildManifest(options: ManifestOptions, profile: StoreProfile = S3_STORE): Manifest {
  if (typeof options.path !== "string" || options.path === "") {
    throw new ManifestError("path", 'path is required: the folder to upload, e.g. "./dist"');
  }
  const root = path.resolve(options.path);
  const stat = fs.statSync(root, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new ManifestError(
      "path",
      `path "${options.path}" ${stat ? "is not a folder" : "does not exist"} (resolved to ${root}). ` +
        "Build the site first, or point path at the folder that holds it.",
    );
  }
  const include = globMatcher("include", options.include ?? ["**"]);
  const exclude = globMatcher("exclude", options.exclude ?? DEFAULT_EXCLUDE);
  const rules = headerRules(options);

  const files: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const hashes = HashCache.open(root, undefined, profile.hash);
  const walked = walk(root);
  // A link out of the folder that the site would upload is refused, not skipped: a page missing
  // from the site would be found by visitors, a refusal at preview by whoever deploys. (One the
  // globs leave out is no concern: nothing of it would be uploaded.)
  const selectedLink = (link: Walked["linksOut"][number]) =>
    link.directory
      ? include(`${link.relative}/x`) && !exclude(`${link.relative}/x`) && !exclude(link.relative)
      : include(link.relative) && !exclude(link.relative);
  const linkOut = walked.linksOut.find(selectedLink);
  if (linkOut) {
    throw new ManifestError(
      "path",
      `path "${options.path}": "${linkOut.relative}" is a symbolic link to "${linkOut.target}", outside the folder. ` +
        "Links are followed only within the folder, so that no file elsewhere on this machine is published by mistake. " +
        `Copy what it points to into the folder, or leave the link out with exclude: ["${linkOut.relative}${linkOut.directory ? "/**" : ""}"].`,
    );
  }
  const selected = walked.files
    .filter((file) => include(file.relative) && !exclude(file.relative))
    .sort((a, b) => (a.relative < b.relative ? -1 : 1));
  const contentHashes = hashes.hashAll(root, selected);
  for (const file of selected) {
    const value = formatHeaders({ ...headersFor(file.relative, rules), ...(!profile.cacheControl && { cacheControl: "" }) });
    const code = headersCode(value);
    if (headers[code] !== undefined && headers[code] !== value) {
      throw new ManifestError(
        "headers",
        `headers: two header sets share the code ${code}; change one cacheControl or contentTypes value slightly`,
      );
    }
    headers[code] = value;
    const { size } = file.stat;
    files[file.relative] = formatEntry({ hash: contentHashes.get(file.relative)!, size, code });
  }
  hashes.save();
  return { files, headers };
}

/** The manifest as the inputs carry it: the files as one string (encodeFiles), the headers table. */
export function manifestInputs(
  options: ManifestOptions,
  profile: StoreProfile = S3_STORE,
): { files: string; headers: Record<string, string> } {
  const { files, headers } = buildManifest(options, profile);
  return { files: encodeFiles(files), headers };
}

/**
 * What the outputs keep of a manifest: relative path → headers code, as sorted `path<TAB>code`
 * lines, brotli-compressed, in base64 (paths never hold control characters). Hashes and sizes are
 * left out: a LIST of the prefix gives what is stored, which is what update and refresh compare.
 */
const INDEX_FORMAT = "br1:";

export function encodeFileIndex(files: Readonly<Record<string, string>>, kind: HashKind = S3_ETAG): string {
  const lines = Object.keys(files)
    .sort()
    .map((file) => `${file}\t${parseEntry(files[file], kind)?.code ?? ""}`)
    .join("\n");
  // Quality 5: 20% larger than 11 (about 1.2 KiB more state per 1,000 files) in a fiftieth of the
  // time (1 ms instead of 50 for 2,000 files, on every sync).
  const compressed = zlib.brotliCompressSync(lines, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: lines.length },
  });
  return INDEX_FORMAT + compressed.toString("base64");
}

/** Relative path → headers code; empty for an absent index. Throws on an index this package did not write. */
export function decodeFileIndex(index: unknown): Map<string, string> {
  const codes = new Map<string, string>();
  if (index === undefined || index === null || index === "") return codes;
  if (typeof index !== "string" || !index.startsWith(INDEX_FORMAT)) {
    throw new Error(`SyncedFolder: the state's filesIndex is not one this version of the package wrote; upgrade the package`);
  }
  const lines = zlib.brotliDecompressSync(Buffer.from(index.slice(INDEX_FORMAT.length), "base64")).toString("utf8");
  if (lines === "") return codes;
  for (const line of lines.split("\n")) {
    const tab = line.lastIndexOf("\t");
    codes.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return codes;
}
