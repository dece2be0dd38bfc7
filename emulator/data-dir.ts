// `--data-dir`: an emulator's state survives a restart. Layout of the folder:
//
//   state.json   everything but object bytes, one JSON document rewritten whole after each change:
//                written beside, synced, renamed
//   objects/     object and part bytes, one file per blob (blobs.ts)
//   tmp/         bodies being received (in subfolders 0-f); emptied at start
//   lock         the pid of the emulator using the folder
//
// Saving is coalesced rather than timed: a change starts a save at the end of its tick, changes
// made during a save trigger one more. A kill -9 therefore loses at most the changes of the save in
// flight, and the file on disk is always a whole state (the rename is atomic). Blobs that state may
// still name are never unlinked before a save that no longer names them (blobs.ts).
//
// What the document holds is each emulator's own (persistence.ts for MamuteCloud's, The Cloud's in
// thecloud/emulator/persistence.ts); this module knows only the folder, the lock and the saving.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "./blobs";

const STATE_FILE = "state.json";
const LOCK_FILE = "lock";

/** Which emulator writes a state file, and which versions of it this one reads. */
export interface StateFileFormat {
  /** Written as the file's `format`; a file of another format is refused. */
  name: string;
  /** The newest version this emulator reads (and the one it writes). */
  version: number;
  /** The command, in messages: `mamutecloud-emulator: cannot save the state …`. */
  writer: string;
  /** What to upgrade to read a newer file. */
  upgrade: string;
}

/** What a data dir saves after each change. */
export interface SavedState {
  /** Its releases wait for a save that no longer names them. */
  readonly blobs: BlobStore;
  /** Called after each change worth saving; the data dir sets it. */
  onChange: () => void;
}

/** Maps, Dates and Buffers are tagged (NUL never starts an API name). */
const TAG_DATE = "\u0000date";
const TAG_MAP = "\u0000map";
const TAG_BYTES = "\u0000bytes";

function encode(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { [TAG_DATE]: raw.getTime() };
  if (raw instanceof Map) return { [TAG_MAP]: [...raw.entries()] };
  if (Buffer.isBuffer(raw)) return { [TAG_BYTES]: raw.toString("base64") };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (TAG_DATE in record) return new Date(record[TAG_DATE] as number);
  if (TAG_MAP in record) return new Map(record[TAG_MAP] as [string, unknown][]);
  if (TAG_BYTES in record) return Buffer.from(record[TAG_BYTES] as string, "base64");
  return value;
}

export class DataDirError extends Error {}

/** Data dirs this process holds (a lock naming our own pid is ours only if listed here). */
const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class DataDir {
  private saved: { state: SavedState; format: StateFileFormat; snapshot: () => object } | undefined;
  private dirty = false;
  private saving: Promise<void> | undefined;
  private closed = false;

  private constructor(readonly path: string) {}

  /** Creates the folder if needed and takes its lock (a folder used by a live emulator is refused). */
  static async open(path: string): Promise<DataDir> {
    await mkdir(path, { recursive: true });
    const lock = join(path, LOCK_FILE);
    for (;;) {
      try {
        await writeFile(lock, `${process.pid}\n`, { flag: "wx" });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
        const live = holder === process.pid ? heldHere.has(path) : Number.isInteger(holder) && holder > 0 && processAlive(holder);
        if (live) {
          throw new DataDirError(`${path} is in use by another emulator (pid ${holder}); stop it or choose another --data-dir`);
        }
        // Left by an emulator that was killed: take it over.
        await rm(lock, { force: true });
      }
    }
    heldHere.add(path);
    return new DataDir(path);
  }

  /** The saved document (Maps and Dates restored); undefined when the folder holds none yet (a first start). */
  async read(format: StateFileFormat): Promise<Record<string, unknown> | undefined> {
    const file = join(this.path, STATE_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let saved: Record<string, unknown> | null;
    try {
      saved = JSON.parse(text, decode) as Record<string, unknown> | null;
    } catch (error) {
      throw new DataDirError(`${file} is not valid JSON (${(error as Error).message}); move it away to start with an empty state`);
    }
    if (saved?.format !== format.name || typeof saved.version !== "number") {
      throw new DataDirError(`${file} is not an emulator state file; move it away to start with an empty state`);
    }
    if (saved.version > format.version) {
      throw new DataDirError(
        `${file} was written by a newer emulator (format ${saved.version}, this one reads ${format.version}); upgrade ${format.upgrade}`,
      );
    }
    return saved;
  }

  /** Saves `snapshot()` (taken in one tick) after every change of `state` from now on. */
  attach(state: SavedState, format: StateFileFormat, snapshot: () => object): void {
    this.saved = { state, format, snapshot };
    state.onChange = () => this.schedule();
  }

  schedule(): void {
    if (this.closed) return;
    this.dirty = true;
    this.saving ??= this.drain();
  }

  /** Waits until everything changed so far is on disk. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  async close(): Promise<void> {
    this.schedule();
    await this.flush();
    this.closed = true;
    await rm(join(this.path, LOCK_FILE), { force: true });
    heldHere.delete(this.path);
  }

  private async drain(): Promise<void> {
    // Let the changes of this tick (and the ones it starts) join the same save.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.save();
      } catch (error) {
        const writer = this.saved?.format.writer ?? "emulator";
        process.stderr.write(`${writer}: cannot save the state to ${this.path}: ${(error as Error).message}\n`);
        // Tried again with the next change (or on close), not in a loop against a full disk.
        this.dirty = true;
        break;
      }
    }
    this.saving = undefined;
  }

  private async save(): Promise<void> {
    if (!this.saved) return;
    const { state, format, snapshot } = this.saved;
    // Taken with the snapshot, in the same tick: these blobs are named by no state written after it.
    const released = state.blobs.takeReleased();
    const text = JSON.stringify({ format: format.name, version: format.version, savedAt: new Date().toISOString(), ...snapshot() }, encode);
    const temporary = join(this.path, `${STATE_FILE}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, join(this.path, STATE_FILE));
    } catch (error) {
      await rm(temporary, { force: true });
      state.blobs.release(released.map((blob) => ({ blob, size: 0 })));
      throw error;
    }
    await state.blobs.sweep(released);
  }
}
