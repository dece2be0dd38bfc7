// Hashes of a folder's files remembered between program runs, so that a `pulumi up` with nothing
// changed reads no file's content (the manifest is rebuilt from a stat of each file). An entry is
// used only while the file's size, mtime, ctime and inode are all as they were when it was hashed:
// any write changes mtime and ctime, and ctime cannot be set back by tools (touch -r, cp -p), so a
// changed file is always hashed again. Like git's racily-clean rule, a file modified just before it
// is hashed is not remembered: a second write within the file system's time granularity could
// leave its times unchanged. That window is 2 s when the file's mtime is a whole second (FAT, HFS+
// and other coarse file systems), else 100 ms (ext4, APFS, NTFS keep sub-second times; Linux
// stamps them from a clock of a few ms). The cache lives in `node_modules/.cache/pulumi-folder-sync/` of the
// program's folder; a missing or unreadable cache only costs the hashing.
//
// A fresh checkout (CI) changes every inode, ctime and mtime, so the stat key misses on every file.
// For files git tracks, an entry also keeps the blob id of the file when it was hashed, and a file
// whose stat missed is looked up by its blob id when git's index shows it exactly as checked out
// (gitBlobs.ts): same blob, same content, same ETag, nothing read. What is left is hashed on every core (parallelHash.ts).
//
// Hashes are of the kind of the store the folder goes to (hashKinds.ts), and the cache is kept per
// kind: its own file, which also names the kind it holds, so a hash of one kind (an S3 ETag) is never
// handed out as one of another (a SHA-256), even for the same folder, blob or stat.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { indexedFiles, RACY_COARSE_MS, RACY_MS, unmodified, type FileStat } from "./gitBlobs";
import { S3_ETAG, type HashKind } from "./hashKinds";
import { hashFiles } from "./parallelHash";

const FORMAT = 1;

export type { FileStat };

type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string, blob?: string];

export interface FolderFile {
  relative: string;
  absolute: string;
  stat: FileStat;
}

/** How a run found its hashes: for the benchmark's split and the tests. */
export interface HashCounts {
  byStat: number;
  byBlob: number;
  hashed: number;
}

function sameStat(entry: Entry | undefined, stat: FileStat): entry is Entry {
  return !!entry && entry[0] === stat.size && entry[1] === stat.mtimeMs && entry[2] === stat.ctimeMs && entry[3] === stat.ino;
}

export class HashCache {
  private readonly previous: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();

  private constructor(
    private readonly file: string | undefined,
    previous: Record<string, Entry>,
    /** The kind of every hash this cache holds and computes. */
    readonly kind: HashKind,
  ) {
    this.previous = new Map(Object.entries(previous));
  }

  /**
   * The cache of the folder `root` for hashes of `kind`; none (hash everything) when the program's
   * folder has no node_modules. Each kind has its own file (the ETag's keeps the name it always had).
   */
  static open(root: string, programDir = process.cwd(), kind: HashKind = S3_ETAG): HashCache {
    const modules = path.join(programDir, "node_modules");
    if (!fs.existsSync(modules)) return new HashCache(undefined, {}, kind);
    const name = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 16);
    const file = path.join(modules, ".cache", "pulumi-folder-sync", `synced-folder-${name}${kind === S3_ETAG ? "" : `-${kind.name}`}.json`);
    try {
      const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { format?: number; kind?: string; entries?: Record<string, Entry> };
      // A file without a kind was written before there were kinds: S3 ETags.
      const sameKind = (saved.kind ?? S3_ETAG.name) === kind.name;
      return new HashCache(file, saved.format === FORMAT && sameKind && saved.entries ? saved.entries : {}, kind);
    } catch {
      return new HashCache(file, {}, kind);
    }
  }

  /** The hash of `relative`, from the cache when its stat is unchanged, else from `compute`. */
  hash(relative: string, stat: FileStat, compute: () => string): string {
    const known = this.previous.get(relative);
    const same = known && known[0] === stat.size && known[1] === stat.mtimeMs && known[2] === stat.ctimeMs && known[3] === stat.ino;
    const hashedAt = Date.now();
    const hash = same ? known[4] : compute();
    const racy = stat.mtimeMs % 1000 === 0 ? RACY_COARSE_MS : RACY_MS;
    if (same || stat.mtimeMs < hashedAt - racy) {
      this.next.set(relative, [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, hash]);
    }
    return hash;
  }

  /** What the last hashAll found where. */
  counts: HashCounts = { byStat: 0, byBlob: 0, hashed: 0 };

  /**
   * The hash of every file of the folder `root`, by relative path: from the stat cache, else from
   * git's blob id of an unmodified tracked file, else read and hashed in parallel.
   */
  hashAll(root: string, files: readonly FolderFile[], partSize = this.kind.partSize): Map<string, string> {
    const found = new Map<string, string>();
    const missed: FolderFile[] = [];
    for (const file of files) {
      const known = this.previous.get(file.relative);
      if (sameStat(known, file.stat)) {
        found.set(file.relative, known[4]);
        this.remember(file, known[4], known[5], true);
      } else missed.push(file);
    }
    this.counts = { byStat: found.size, byBlob: 0, hashed: 0 };
    if (missed.length === 0) return found;

    const indexed = indexedFiles(root);
    const blobs = new Map<string, string>();
    for (const file of missed) {
      const entry = indexed.get(file.relative);
      if (entry && unmodified(entry, file.stat)) blobs.set(file.relative, entry.blob);
    }
    const byBlob = new Map<string, Entry>();
    for (const entry of this.previous.values()) if (entry[5]) byBlob.set(entry[5], entry);
    const toHash: FolderFile[] = [];
    for (const file of missed) {
      const blob = blobs.get(file.relative);
      const known = blob === undefined ? undefined : byBlob.get(blob);
      if (known && known[0] === file.stat.size) {
        found.set(file.relative, known[4]);
        this.remember(file, known[4], blob, false);
        this.counts.byBlob++;
      } else toHash.push(file);
    }
    const hashedAt = Date.now();
    const jobs = toHash.map((file) => ({ absolute: file.absolute, size: file.stat.size }));
    const hashes = hashFiles(jobs, partSize, undefined, this.kind);
    toHash.forEach((file, i) => {
      found.set(file.relative, hashes[i]);
      // The blob id is git's word on the file before it was read: kept only if the file did not
      // change while it was hashed (any write changes its ctime), or a blob would name other bytes.
      let blob = blobs.get(file.relative);
      if (blob !== undefined) {
        const after = fs.statSync(file.absolute, { throwIfNoEntry: false });
        if (!after || !sameStat([after.size, after.mtimeMs, after.ctimeMs, after.ino, ""], file.stat)) blob = undefined;
      }
      this.remember(file, hashes[i], blob, false, hashedAt);
    });
    this.counts.hashed = toHash.length;
    return found;
  }

  /** Keeps an entry for the next run, unless the file was modified too recently to trust its stat. */
  private remember(file: FolderFile, hash: string, blob: string | undefined, same: boolean, hashedAt = Date.now()): void {
    const { stat } = file;
    const racy = stat.mtimeMs % 1000 === 0 ? RACY_COARSE_MS : RACY_MS;
    if (!same && stat.mtimeMs >= hashedAt - racy) return;
    const entry: Entry = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, hash];
    if (blob !== undefined) entry.push(blob);
    this.next.set(file.relative, entry);
  }

  /** Writes what this run hashed (files gone from the folder drop out). Failing to write is not an error. */
  save(): void {
    if (!this.file) return;
    const unchanged =
      this.next.size === this.previous.size && [...this.next].every(([file, entry]) => String(this.previous.get(file)) === String(entry));
    if (unchanged) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify({ format: FORMAT, kind: this.kind.name, entries: Object.fromEntries(this.next) }));
      fs.renameSync(temporary, this.file);
    } catch {
      // A read-only folder: the next run hashes again.
    }
  }
}
