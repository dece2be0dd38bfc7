// Hashes of a folder's files remembered between program runs, so that a `pulumi up` with nothing
// changed reads no file's content (the manifest is rebuilt from a stat of each file). An entry is
// used only while the file's size, mtime, ctime and inode are all as they were when it was hashed:
// any write changes mtime and ctime, and ctime cannot be set back by tools (touch -r, cp -p), so a
// changed file is always hashed again. Like git's racily-clean rule, a file modified just before it
// is hashed is not remembered: a second write within the file system's time granularity could
// leave its times unchanged. That window is 2 s when the file's mtime is a whole second (FAT, HFS+
// and other coarse file systems), else 100 ms (ext4, APFS, NTFS keep sub-second times; Linux
// stamps them from a clock of a few ms). The cache lives in `node_modules/.cache/pulumi-mamutecloud/` of the
// program's folder; a missing or unreadable cache only costs the hashing.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Files modified more recently than this before they are hashed are hashed again next time. */
const RACY_MS = 100;
const RACY_COARSE_MS = 2000;
const FORMAT = 1;

export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string];

export class HashCache {
  private readonly previous: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();

  private constructor(
    private readonly file: string | undefined,
    previous: Record<string, Entry>,
  ) {
    this.previous = new Map(Object.entries(previous));
  }

  /** The cache of the folder `root`; none (hash everything) when the program's folder has no node_modules. */
  static open(root: string, programDir = process.cwd()): HashCache {
    const modules = path.join(programDir, "node_modules");
    if (!fs.existsSync(modules)) return new HashCache(undefined, {});
    const name = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 16);
    const file = path.join(modules, ".cache", "pulumi-mamutecloud", `synced-folder-${name}.json`);
    try {
      const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { format?: number; entries?: Record<string, Entry> };
      return new HashCache(file, saved.format === FORMAT && saved.entries ? saved.entries : {});
    } catch {
      return new HashCache(file, {});
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

  /** Writes what this run hashed (files gone from the folder drop out). Failing to write is not an error. */
  save(): void {
    if (!this.file) return;
    const unchanged = this.next.size === this.previous.size && [...this.next].every(([file, entry]) => String(this.previous.get(file)) === String(entry));
    if (unchanged) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.next) }));
      fs.renameSync(temporary, this.file);
    } catch {
      // A read-only folder: the next run hashes again.
    }
  }
}
