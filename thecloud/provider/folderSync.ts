// How The Cloud's SyncedFolder syncs, refreshes and deletes, over its object API (objects.ts). The
// planning is the shared one (provider/sync/plan.ts): a list of the bucket tells what is stored (the
// API's `checksum` is the SHA-256 the manifest keeps), so an `up` uploads only what differs and
// deletes only what the last recorded sync wrote and the folder no longer has.
//
// The Cloud keeps no metadata on objects, so ownership is what the state recorded: a key this
// resource never recorded is never deleted (another writer's file under the prefix stays), except
// one a run killed before its record wrote, which the journal (provider/sync/journal.ts) names
// with the bytes it wrote. The journal also holds each multipart upload started (the API cannot
// list unfinished ones): the next sync aborts those of runs no longer alive.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ApiClient } from "../../provider/client";
import { unlessGone } from "../../provider/gone";
import { statusLine } from "../../provider/progress";
import type { Context, PropertyMap } from "../../provider/resource";
import { SHA256 } from "../../provider/sync/hashKinds";
import { SyncJournal, type WrittenObject } from "../../provider/sync/journal";
import { parseEntry, parseHeaders, type FileEntry } from "../../provider/sync/manifest";
import { manifestOutputs, planSync, recordedOf, refreshedManifest, type ListedObject } from "../../provider/sync/plan";
import { forEachLimit } from "../../provider/sync/pool";
import { TheCloudObjects, type TheCloudObject } from "./objects";

/** Files up to this size are uploaded `concurrency` at a time; larger ones (held in memory whole or by part) two at a time. */
const SMALL_FILE_BYTES = 1024 * 1024;
const LARGE_UPLOADS_AT_ONCE = 2;

export const DEFAULT_CONCURRENCY = 16;

/** What a state (or checked inputs) declares, and the resource's mark in the journal. */
export interface Target {
  bucket: string;
  prefix: string;
  files: Record<string, string>;
  headers: Record<string, string>;
  folder: string;
  concurrency: number;
  owner: string;
}

/** What the last sync recorded, as a state's outputs hold it. */
export interface Synced {
  prefix?: string;
  filesDigest?: string;
  filesIndex?: string;
}

/** The content type a headers code stands for. */
const typeOf = (headers: Record<string, string>, code: string) =>
  headers[code] === undefined ? undefined : parseHeaders(headers[code]).contentType;

/**
 * The stored objects as the plan compares them: an object whose content type is not the one `want`
 * names is not the declared object (its hash is taken as unknown), and an object the list gave no
 * checksum for, whose size is the wanted one, is asked with a HEAD (`list-no-checksum` servers):
 * the only requests beside the list, and only for objects whose size could not tell.
 */
async function comparable(
  objects: TheCloudObjects,
  listed: ReadonlyMap<string, TheCloudObject>,
  want: ReadonlyMap<string, { size: number; contentType: string | undefined }>,
  concurrency: number,
): Promise<Map<string, ListedObject>> {
  const asked = [...want].filter(([key, wanted]) => {
    const found = listed.get(key);
    return found !== undefined && found.hash === undefined && found.size === wanted.size;
  });
  const heads = new Map<string, TheCloudObject | undefined>();
  await forEachLimit(asked, concurrency, async ([key]) => void heads.set(key, await objects.head(key)));
  const stored = new Map<string, ListedObject>();
  for (const [key, found] of listed) {
    const object = heads.has(key) ? (heads.get(key) ?? { hash: undefined, size: -1, contentType: undefined }) : found;
    const wanted = want.get(key);
    const typeDiffers = wanted?.contentType !== undefined && object.contentType !== undefined && object.contentType !== wanted.contentType;
    stored.set(key, { hash: typeDiffers ? undefined : object.hash, size: object.size });
  }
  return stored;
}

/**
 * Aborts the multipart uploads that runs no longer alive started on this endpoint and never ended.
 * One that cannot be aborted now (another account's, a failure) stays journalled for a later run
 * and does not stop this one.
 */
async function abortLeftoverUploads(objects: TheCloudObjects, journal: SyncJournal, endpoint: string): Promise<void> {
  const left = journal.leftoverUploads(endpoint);
  if (left.length === 0) return;
  const settled: string[] = [];
  for (const upload of left) {
    try {
      await new TheCloudObjects(objects.client, upload.bucket).abort(upload.uploadId, upload.key);
      settled.push(upload.uploadId);
    } catch (err) {
      statusLine(
        `An unfinished upload of "${upload.key}" (bucket "${upload.bucket}", upload ${upload.uploadId}) left by an earlier run ` +
          `could not be aborted now (${err instanceof Error ? err.message : String(err)}); a later run tries again.`,
      );
    }
  }
  journal.settle({ uploads: settled });
}

/**
 * Keys a run killed before its record wrote for this resource, still holding the bytes it wrote, and
 * neither declared now nor recorded: its own, left behind. (An object rewritten since is another
 * writer's and stays.) HEADs only where the list gave no checksum.
 */
async function orphansOf(
  objects: TheCloudObjects,
  journal: SyncJournal,
  scope: { endpoint: string; owner: string },
  listed: ReadonlyMap<string, TheCloudObject>,
  known: ReadonlySet<string>,
  concurrency: number,
): Promise<string[]> {
  const left = new Map<string, WrittenObject>();
  for (const object of journal.leftoverWrites(scope.endpoint, objects.bucket, scope.owner)) {
    if (!known.has(object.key) && listed.has(object.key)) left.set(object.key, object);
  }
  const orphans: string[] = [];
  await forEachLimit([...left.values()], concurrency, async (written) => {
    const hash = listed.get(written.key)?.hash ?? (await objects.head(written.key))?.hash;
    if (hash === written.hash) orphans.push(written.key);
  });
  return orphans;
}

function openStore(ctx: Context, bucket: string): { client: ApiClient; objects: TheCloudObjects; journal: SyncJournal } {
  const client = ctx.client();
  return { client, objects: new TheCloudObjects(client, bucket), journal: SyncJournal.open() };
}

/**
 * Applies the plan from what `olds` recorded (undefined on create) to `target`: uploads first, then
 * deletes (a page never links to a file already gone). `landed` gains each key that holds its file.
 */
export async function syncFolder(ctx: Context, olds: Synced | undefined, target: Target, landed: Set<string>): Promise<PropertyMap> {
  const outputs = manifestOutputs(target.files, SHA256);
  // Same manifest, same prefix: nothing to send (a setting changed alone).
  if (olds && olds.filesDigest === outputs.filesDigest && (olds.prefix ?? "") === target.prefix) return outputs;
  const { client, objects, journal } = openStore(ctx, target.bucket);
  const scope = { endpoint: client.config.endpoint, owner: target.owner };
  const folder = path.resolve(target.folder);

  await abortLeftoverUploads(objects, journal, scope.endpoint);
  const listed = await objects.list(target.prefix);
  const entries = new Map<string, FileEntry>();
  const want = new Map<string, { size: number; contentType: string | undefined }>();
  for (const [file, value] of Object.entries(target.files)) {
    const entry = parseEntry(value, SHA256) as FileEntry;
    entries.set(file, entry);
    want.set(`${target.prefix}${file}`, { size: entry.size, contentType: typeOf(target.headers, entry.code) });
  }
  const stored = await comparable(objects, listed, want, target.concurrency);
  const plan = planSync(olds && recordedOf(olds), target, stored, SHA256);

  // What a killed or failed run already put there, with the same bytes and type, is kept.
  const pending = plan.uploads.filter((file) => {
    const key = `${target.prefix}${file}`;
    const found = stored.get(key);
    const entry = entries.get(file)!;
    if (found?.hash === entry.hash && found.size === entry.size) {
      landed.add(key);
      return false;
    }
    return true;
  });
  if (pending.length > 0 && !fs.existsSync(folder)) {
    throw new Error(
      `SyncedFolder: the folder ${folder} (path "${target.folder}") does not exist where the provider runs; ` +
        "run `pulumi up` from the program's folder after building the site.",
    );
  }

  const declaredKeys = new Set(Object.keys(target.files).map((file) => `${target.prefix}${file}`));
  const orphans = await orphansOf(objects, journal, scope, listed, new Set([...declaredKeys, ...plan.deletes]), target.concurrency);

  // Recorded before the first byte: a run killed from here on leaves its keys known to the next one.
  journal.writing(
    pending.map((file) => ({ ...scope, bucket: target.bucket, key: `${target.prefix}${file}`, hash: entries.get(file)!.hash })),
  );
  const one = async (file: string) => {
    const entry = entries.get(file)!;
    const key = `${target.prefix}${file}`;
    await objects.upload(
      { key, file: path.join(folder, file), hash: entry.hash, size: entry.size, contentType: typeOf(target.headers, entry.code) ?? "" },
      {
        started: (uploadId) => journal.uploadStarted({ endpoint: scope.endpoint, bucket: target.bucket, key, uploadId }),
        ended: (uploadId) => journal.uploadEnded(uploadId),
      },
    );
    landed.add(key);
  };
  // Largest first; large files (in memory whole, or by part) two at a time, so memory stays bounded.
  const bySize = [...pending].sort((a, b) => entries.get(b)!.size - entries.get(a)!.size);
  await Promise.all([
    forEachLimit(
      bySize.filter((file) => entries.get(file)!.size > SMALL_FILE_BYTES),
      LARGE_UPLOADS_AT_ONCE,
      one,
    ),
    forEachLimit(
      bySize.filter((file) => entries.get(file)!.size <= SMALL_FILE_BYTES),
      target.concurrency,
      one,
    ),
  ]);

  // Keys recorded and no longer declared: those listed under this prefix (others are not there to
  // delete), and those of an earlier prefix (not listed: deleted blind, a key already gone is fine).
  const deletes = plan.deletes.filter((key) => listed.has(key) || !key.startsWith(target.prefix));
  await forEachLimit([...deletes, ...orphans], target.concurrency, async (key) => void (await objects.delete(key)));
  journal.settle({ owner: { endpoint: scope.endpoint, bucket: target.bucket, owner: scope.owner } });
  journal.recorded(scope.owner);
  return outputs;
}

/** The manifest as the bucket holds it (a refresh), or undefined when the bucket is gone. */
export async function readFolder(ctx: Context, state: Synced, target: Target): Promise<PropertyMap | undefined> {
  const { codes, prefix } = recordedOf(state);
  const objects = new TheCloudObjects(ctx.client(), target.bucket);
  const listed = await unlessGone(() => objects.list(prefix));
  if (listed === undefined) return undefined;
  const want = new Map(
    [...codes].map(([file, code]) => [
      `${prefix}${file}`,
      { size: listed.get(`${prefix}${file}`)?.size ?? -1, contentType: typeOf(target.headers, code) },
    ]),
  );
  const stored = await comparable(objects, listed, want, target.concurrency);
  // The refreshed manifest (the inputs) is what the bucket holds of each recorded file: a file
  // missing leaves it, one changed there (bytes or type) takes the stored hash, so the next diff
  // differs from the program's manifest and the next `up` uploads it again.
  return refreshedManifest(codes, (file) => stored.get(`${prefix}${file}`), SHA256);
}

/** Deletes what the state recorded and a killed run of this resource left; a bucket already gone took them with it. */
export async function deleteFolder(ctx: Context, state: Synced, target: Target): Promise<void> {
  const keys = [...recordedOf(state).codes.keys()].map((file) => `${target.prefix}${file}`);
  const { client, objects, journal } = openStore(ctx, target.bucket);
  const scope = { endpoint: client.config.endpoint, owner: target.owner };
  await abortLeftoverUploads(objects, journal, scope.endpoint);
  const listed = await unlessGone(() => objects.list(target.prefix));
  if (listed === undefined) return;
  const orphans = await orphansOf(objects, journal, scope, listed, new Set(keys), target.concurrency);
  const owned = keys.filter((key) => listed.has(key));
  await forEachLimit([...owned, ...orphans], target.concurrency, async (key) => void (await objects.delete(key)));
  journal.settle({ owner: { endpoint: scope.endpoint, bucket: target.bucket, owner: scope.owner } });
  journal.recorded(scope.owner);
}
