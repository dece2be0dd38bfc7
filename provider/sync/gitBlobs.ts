// Git's own knowledge of a folder's files, as a cache key that survives a fresh checkout. A clone
// or checkout writes every file anew (new inode, ctime and mtime), so the stat-keyed cache misses
// on all of them; but git's index records, for each tracked file, the blob id of its content and
// the full stat (nanoseconds included) of the file it wrote. A file whose stat is still exactly
// that one has the blob's content, so blob id → ETag learned on an earlier run gives its ETag
// without reading it. Git's SHA-1 only keys the cache: the manifest needs S3's MD5 ETags.
//
// The stat comparison is ours, not `git ls-files -m`'s: git built without USE_NSEC (the default)
// compares whole seconds, so a same-size edit with its mtime put back within the second of the
// checkout looks clean to it. Here ctime and mtime must match to the nanosecond, and like git's
// racy rule an entry whose file changed less than RACY_MS before the index was written is not
// trusted (a write within the clock's granularity could leave the stat as recorded).
//
// One `git ls-files` run costs ~20-60 ms at 20,000 files; it runs only when the stat cache missed.
// No git, or a folder outside a work tree: an empty answer, and everything is hashed as before.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** What the hash cache and the racy-git rule read of a file's stat. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Regular files only: a link's blob is its target's name, a submodule's is a commit. */
const REGULAR = new Set(["100644", "100755"]);
/** A file modified less than this before it was hashed (or indexed) is hashed again next time. */
export const RACY_MS = 100;
/** The same, where the file system keeps whole seconds. */
export const RACY_COARSE_MS = 2000;

export interface IndexedFile {
  blob: string;
  ctimeMs: number;
  mtimeMs: number;
  /** Git keeps the low 32 bits of the inode and size. */
  ino32: number;
  size32: number;
}

function git(root: string, args: string[]): string | undefined {
  const result = spawnSync("git", args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    // Never take the index lock (a concurrent git in the same tree must not fail because of us).
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return result.status === 0 ? result.stdout : undefined;
}

/** As Node computes `mtimeMs` from a timespec, so equal times give equal numbers. */
function ms(seconds: string, nanoseconds: string): number {
  return Number(seconds) * 1000 + Number(nanoseconds) / 1e6;
}

const RECORD =
  /(\d{6}) ([0-9a-f]+) (\d)\t([^\0]*)\0 {2}ctime: (\d+):(\d+)\n {2}mtime: (\d+):(\d+)\n {2}dev: \d+\tino: (\d+)\n {2}uid: \d+\tgid: \d+\n {2}size: (\d+)\tflags: [0-9a-f]+\n/y;

/**
 * `git ls-files -s --debug -z` (paths relative to the folder): each regular, merged entry whose
 * file changed at least RACY_MS before the index was written (`indexMtimeMs`).
 */
export function parseIndex(output: string, indexMtimeMs: number): Map<string, IndexedFile> {
  const files = new Map<string, IndexedFile>();
  RECORD.lastIndex = 0;
  for (let match; (match = RECORD.exec(output));) {
    const [, mode, blob, stage, file, cs, cns, ms_, mns, ino, size] = match;
    if (!REGULAR.has(mode) || stage !== "0") continue;
    const ctimeMs = ms(cs, cns);
    const mtimeMs = ms(ms_, mns);
    const racy = mns === "0" && cns === "0" ? RACY_COARSE_MS : RACY_MS;
    if (Math.max(ctimeMs, mtimeMs) >= indexMtimeMs - racy) continue;
    files.set(file, { blob, ctimeMs, mtimeMs, ino32: Number(ino), size32: Number(size) });
  }
  return files;
}

/** The file is the one git recorded: its content is the entry's blob. */
export function unmodified(entry: IndexedFile, stat: FileStat): boolean {
  return (
    entry.ctimeMs === stat.ctimeMs &&
    entry.mtimeMs === stat.mtimeMs &&
    entry.size32 === stat.size % 2 ** 32 &&
    entry.ino32 === stat.ino % 2 ** 32
  );
}

/** Relative path (with `/`) → git's index entry, for the tracked files under `root`. Empty when git cannot say. */
export function indexedFiles(root: string): Map<string, IndexedFile> {
  const indexPath = git(root, ["rev-parse", "--git-path", "index"])?.trim();
  if (!indexPath) return new Map();
  const index = fs.statSync(path.resolve(root, indexPath), { throwIfNoEntry: false });
  if (!index) return new Map();
  const output = git(root, ["ls-files", "-s", "--debug", "-z"]);
  return output === undefined ? new Map() : parseIndex(output, index.mtimeMs);
}
