// What a folder sync does, decided from three things alone: the declared manifest, the objects the
// store lists under the prefix, and what the last sync recorded (its prefix and its index of paths
// and headers codes). Every cloud's folder kind plans with this, in the hash kind of its store; how
// it then talks to the store (and how it tells its own objects from another writer's) is its own.
import { decodeFileIndex, encodeFileIndex, encodeFiles, formatEntry, manifestDigest, parseEntry } from "./manifest";
import { S3_ETAG, type HashKind } from "./hashKinds";

export interface SyncPlan {
  /** Relative paths to upload. */
  uploads: string[];
  /** Keys to delete. */
  deletes: string[];
}

/** What the last sync recorded in the outputs: its prefix, and each file's headers code. */
export interface Recorded {
  prefix: string;
  codes: ReadonlyMap<string, string>;
}

/** An object as the store lists it: its hash in the manifest's form (undefined when not known) and size. */
export interface ListedObject {
  hash: string | undefined;
  size: number;
}

/**
 * What turns the stored state into the declared one: files that were not recorded with the same
 * headers code, or whose stored object (as listed) has another hash or size, and keys recorded
 * that the new manifest lacks. Hashes come from the list, never from state, so a file changed out
 * of band is put back even without a refresh.
 */
export function planSync(
  olds: Recorded | undefined,
  news: { prefix: string; files: Record<string, string> },
  stored: ReadonlyMap<string, ListedObject>,
  kind: HashKind = S3_ETAG,
): SyncPlan {
  const oldCodes = new Map([...(olds?.codes ?? [])].map(([file, code]) => [`${olds?.prefix ?? ""}${file}`, code]));
  const uploads = Object.entries(news.files)
    .filter(([file, value]) => {
      const key = `${news.prefix}${file}`;
      const entry = parseEntry(value, kind);
      const found = stored.get(key);
      return !entry || oldCodes.get(key) !== entry.code || found?.hash !== entry.hash || found.size !== entry.size;
    })
    .map(([file]) => file);
  const newKeys = new Set(Object.keys(news.files).map((file) => `${news.prefix}${file}`));
  const deletes = [...oldCodes.keys()].filter((key) => !newKeys.has(key));
  return { uploads, deletes };
}

/** What a state's outputs recorded of the last sync. */
export function recordedOf(state: { prefix?: string; filesIndex?: unknown }): Recorded {
  return { prefix: state.prefix ?? "", codes: decodeFileIndex(state.filesIndex) };
}

/** The outputs that stand for the manifest (kept in the inputs only). */
export function manifestOutputs(files: Record<string, string>, kind: HashKind = S3_ETAG): { filesDigest: string; filesIndex: string } {
  return { filesDigest: manifestDigest(files), filesIndex: encodeFileIndex(files, kind) };
}

/** Each recorded file (path → headers code) that `found` finds, with the stored hash (the kind's `unknown` when the store did not say) and size. */
export function storedFiles(
  codes: ReadonlyMap<string, string>,
  found: (file: string) => ListedObject | undefined,
  kind: HashKind = S3_ETAG,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [file, code] of codes) {
    const object = found(file);
    if (object) files[file] = formatEntry({ hash: object.hash ?? kind.unknown, size: object.size, code });
  }
  return files;
}

/**
 * The manifest as stored (storedFiles), in the inputs' form (encodeFiles) as a refresh writes it,
 * and the outputs that stand for it.
 */
export function refreshedManifest(
  codes: ReadonlyMap<string, string>,
  found: (file: string) => ListedObject | undefined,
  kind: HashKind = S3_ETAG,
): { files: string; filesDigest: string; filesIndex: string } {
  const files = storedFiles(codes, found, kind);
  return { files: encodeFiles(files), ...manifestOutputs(files, kind) };
}
