// Atomic deploys: each version of a site is a release, a folder `<prefix>releases/<release id>/`
// whose id is derived from the manifest (bytes and headers of every file), so a folder once
// complete never changes and a no-change `up` has nothing to do. A deploy fills the new folder
// (copying server-side what the live release already holds), then points the CDN origin group's
// `origin_path` at it in one update, waits for the deployment, purges, and only then deletes the
// releases beyond the number kept. Visitors are served the old folder or the new one, whole.
//
// Pure planning lives here beside the S3 and CDN steps so SyncedFolder's module stays as it is.
import { createHash } from "node:crypto";
import type { ApiClient } from "../client";
import type { StoredObject, SyncBucket } from "./bucket";
import { isMultipart, parseEntry, parseHeaders, type FileEntry, type ObjectHeaders } from "./manifest";
import { forEachLimit } from "./pool";
import { purgeKeys } from "./purge";

/** The folder under the prefix that holds every release. */
export const RELEASES_FOLDER = "releases/";

/** `3f9a2b1c0d4e5f6a`: 16 hex characters. */
export const RELEASE_ID = /^[0-9a-f]{16}$/;

/**
 * The id of the release a manifest describes: a hash of every path with its content hash, size and
 * headers (the values, not the codes, so the same site gives the same id however it was encoded).
 */
export function releaseIdOf(files: Readonly<Record<string, string>>, headers: Readonly<Record<string, string>>): string {
  const hash = createHash("sha256");
  for (const file of Object.keys(files).sort()) {
    const entry = parseEntry(files[file]);
    hash.update(`${file}\0${entry?.hash} ${entry?.size} ${entry ? headers[entry.code] : files[file]}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/** `site/` + id → `site/releases/<id>/`. */
export function releaseFolder(prefix: string, id: string): string {
  return `${prefix}${RELEASES_FOLDER}${id}/`;
}

/** The origin path that serves a release: `/site/releases/<id>` (no trailing `/`, as the API keeps it). */
export function releaseOriginPath(prefix: string, id: string): string {
  return `/${releaseFolder(prefix, id).slice(0, -1)}`;
}

export interface ReleaseFile {
  file: string;
  entry: FileEntry;
  headers: ObjectHeaders;
}

export interface ReleasePlan {
  /** Already in the new release's folder (a failed run got that far). */
  present: ReleaseFile[];
  /** Byte-identical in the live release: copied server-side. */
  copies: ReleaseFile[];
  /** Sent from the local folder. */
  uploads: ReleaseFile[];
}

function sameObject(found: StoredObject | undefined, entry: FileEntry): boolean {
  return found !== undefined && found.hash === entry.hash && found.size === entry.size;
}

/**
 * What fills the folder of a release: from what it already holds (`target`, keyed by path inside
 * the release) and what the live release holds (`live`). A copy of a multipart object gets a
 * single-part ETag that no longer proves its content against the manifest, so large files are
 * uploaded.
 */
export function planRelease(
  files: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>,
  target: ReadonlyMap<string, StoredObject>,
  live: ReadonlyMap<string, StoredObject>,
): ReleasePlan {
  const plan: ReleasePlan = { present: [], copies: [], uploads: [] };
  for (const [file, value] of Object.entries(files)) {
    const entry = parseEntry(value) as FileEntry;
    const item = { file, entry, headers: parseHeaders(headers[entry.code]) };
    if (sameObject(target.get(file), entry)) plan.present.push(item);
    else if (!isMultipart(entry.size) && sameObject(live.get(file), entry)) plan.copies.push(item);
    else plan.uploads.push(item);
  }
  return plan;
}

/**
 * The paths whose answer changes when the CDN moves from the release `from` to `to`: those that
 * differ or are new. Paths only `from` has are not purged: a page loaded just before the switch
 * still finds its (fingerprinted, cached) assets, and nothing in `to` links them.
 */
export function changedPaths(from: ReadonlyMap<string, StoredObject>, to: ReadonlyMap<string, StoredObject>): string[] {
  return [...to]
    .filter(([file, object]) => {
      const before = from.get(file);
      return !before || before.hash === undefined || before.hash !== object.hash || before.size !== object.size;
    })
    .map(([file]) => file);
}

/**
 * The releases kept after switching to `live`: it first, then the others newest first, `keep` in
 * all. The live release is always among them, whatever `keep` says.
 */
export function keptReleases(live: string, previous: readonly string[], keep: number): string[] {
  return [live, ...previous.filter((id) => id !== live)].slice(0, Math.max(1, keep));
}

/** Objects of the release folders under the prefix, by release id, each keyed by its path inside the release. */
export function byRelease(prefix: string, stored: ReadonlyMap<string, StoredObject>): Map<string, Map<string, StoredObject>> {
  const root = `${prefix}${RELEASES_FOLDER}`;
  const releases = new Map<string, Map<string, StoredObject>>();
  for (const [key, object] of stored) {
    const rest = key.slice(root.length);
    const slash = rest.indexOf("/");
    const id = rest.slice(0, slash);
    if (!key.startsWith(root) || slash < 0 || !RELEASE_ID.test(id)) continue;
    if (!releases.has(id)) releases.set(id, new Map());
    releases.get(id)!.set(rest.slice(slash + 1), object);
  }
  return releases;
}

/** The keys of these release folders (from byRelease). */
export function releaseKeys(prefix: string, releases: Iterable<[string, ReadonlyMap<string, StoredObject>]>): string[] {
  return [...releases].flatMap(([id, objects]) => [...objects.keys()].map((file) => `${releaseFolder(prefix, id)}${file}`));
}

/** Fills the release folder per the plan; `landed` hears of each file once it is there. */
export async function fillRelease(
  bucket: SyncBucket,
  options: { prefix: string; id: string; liveId: string | undefined; folder: string; owner: string; concurrency: number },
  plan: ReleasePlan,
  localPath: (file: string) => string,
): Promise<void> {
  const target = releaseFolder(options.prefix, options.id);
  if (options.liveId) {
    const source = releaseFolder(options.prefix, options.liveId);
    await forEachLimit(plan.copies, options.concurrency, (item) =>
      bucket.copy(`${source}${item.file}`, `${target}${item.file}`, item.headers, options.owner),
    );
  }
  await bucket.uploadAll(
    plan.uploads.map((item) => ({
      key: `${target}${item.file}`,
      file: localPath(item.file),
      entry: item.entry,
      headers: item.headers,
      owner: options.owner,
    })),
  );
}

/** Purges the public paths whose answer changed between two releases. */
export async function purgeChanged(
  client: ApiClient,
  cdnResourceId: string,
  from: ReadonlyMap<string, StoredObject>,
  to: ReadonlyMap<string, StoredObject>,
): Promise<number> {
  const paths = changedPaths(from, to);
  await purgeKeys(client, cdnResourceId, paths);
  return paths.length;
}
