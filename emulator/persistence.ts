// `--data-dir`: the emulator's state survives a restart. Layout of the folder:
//
//   state.json   everything but object bytes (buckets, credentials, API key, zones, records, CDN
//                resources, certificates with their keys, the CA, the dashboard token secret,
//                settings), rewritten whole after each change: written beside, synced, renamed
//   objects/     object and part bytes, one file per blob (blobs.ts)
//   tmp/         bodies being received (in subfolders 0-f); emptied at start
//   lock         the pid of the emulator using the folder
//
// Saving is coalesced rather than timed: a change starts a save at the end of its tick, changes
// made during a save trigger one more. A kill -9 therefore loses at most the changes of the save in
// flight, and the file on disk is always a whole state (the rename is atomic). Blobs that state may
// still name are never unlinked before a save that no longer names them (blobs.ts).
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Segment } from "./blobs";
import type { KeyAndCertificate } from "./tls/authority";
import type { ApiKey, EmulatorSettings, EmulatorState } from "./state";

const FORMAT = "mamutecloud-emulator-state";
const VERSION = 1;
const STATE_FILE = "state.json";
const LOCK_FILE = "lock";

/** What the emulator needs besides the state to keep what it issued valid. */
export interface Secrets {
  ca: KeyAndCertificate;
  /** Signs dashboard JWTs. */
  dashboardSecret: Buffer;
}

export interface LoadedState {
  secrets: Secrets;
  /** Objects dropped because their bytes are gone from objects/ (the folder was edited by hand). */
  droppedObjects: string[];
}

/** The state's tables written as they are; Maps, Dates and Buffers are tagged (NUL never starts an API name). */
const MAP_FIELDS = ["buckets", "credentials", "zones", "records", "cdnResources", "certificates", "credentialSerial"] as const;
type MapField = (typeof MAP_FIELDS)[number];

interface StateFile {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  secrets: { ca: KeyAndCertificate; dashboardSecret: Buffer };
  apiKey: ApiKey | null;
  settings: EmulatorSettings;
  tables: Record<MapField, Map<string, unknown>>;
}

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
  private state: EmulatorState | undefined;
  private secrets: Secrets | undefined;
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

  /** Fills `state` from state.json; undefined when the folder holds none yet (a first start). */
  async load(state: EmulatorState): Promise<LoadedState | undefined> {
    const file = join(this.path, STATE_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let saved: StateFile;
    try {
      saved = JSON.parse(text, decode) as StateFile;
    } catch (error) {
      throw new DataDirError(`${file} is not valid JSON (${(error as Error).message}); move it away to start with an empty state`);
    }
    if (saved?.format !== FORMAT || typeof saved.version !== "number") {
      throw new DataDirError(`${file} is not an emulator state file; move it away to start with an empty state`);
    }
    if (saved.version > VERSION) {
      throw new DataDirError(
        `${file} was written by a newer emulator (format ${saved.version}, this one reads ${VERSION}); upgrade pulumi-mamutecloud`,
      );
    }
    for (const field of MAP_FIELDS) {
      const target = state[field] as Map<string, unknown>;
      target.clear();
      for (const [key, value] of saved.tables?.[field] ?? []) target.set(key, value);
    }
    Object.assign(state.settings, saved.settings);
    state.apiKey = saved.apiKey;
    const droppedObjects = await this.dropObjectsWithoutBytes(state);
    return { secrets: saved.secrets, droppedObjects };
  }

  /** Saves `state` (with `secrets`) after every change from now on. */
  attach(state: EmulatorState, secrets: Secrets): void {
    this.state = state;
    this.secrets = secrets;
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
        process.stderr.write(`mamutecloud-emulator: cannot save the state to ${this.path}: ${(error as Error).message}\n`);
        // Tried again with the next change (or on close), not in a loop against a full disk.
        this.dirty = true;
        break;
      }
    }
    this.saving = undefined;
  }

  private async save(): Promise<void> {
    const state = this.state;
    const secrets = this.secrets;
    if (!state || !secrets) return;
    // Taken with the snapshot, in the same tick: these blobs are named by no state written after it.
    const released = state.blobs.takeReleased();
    const file: StateFile = {
      format: FORMAT,
      version: VERSION,
      savedAt: new Date().toISOString(),
      secrets,
      apiKey: state.apiKey,
      settings: state.settings,
      tables: Object.fromEntries(MAP_FIELDS.map((field) => [field, state[field]])) as StateFile["tables"],
    };
    const text = JSON.stringify(file, encode);
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

  /** Objects (and upload parts) whose blob file is missing cannot be served: dropped, and named. */
  private async dropObjectsWithoutBytes(state: EmulatorState): Promise<string[]> {
    const present = new Set(await readdir(join(this.path, "objects")).catch(() => [] as string[]));
    const whole = (segments: readonly Segment[]) => segments.every((segment) => present.has(segment.blob));
    const dropped: string[] = [];
    for (const bucket of state.buckets.values()) {
      for (const [key, object] of bucket.objects) {
        if (whole(object.segments)) continue;
        bucket.objects.delete(key);
        dropped.push(`${bucket.name}/${key}`);
      }
      for (const [uploadId, upload] of bucket.uploads) {
        if (![...upload.parts.values()].every((part) => present.has(part.segment.blob))) bucket.uploads.delete(uploadId);
      }
    }
    return dropped;
  }
}

/** Every blob the state names, so the rest of objects/ (left by a crash) can go. */
export function namedBlobs(state: EmulatorState): Set<string> {
  const named = new Set<string>();
  for (const bucket of state.buckets.values()) {
    for (const object of bucket.objects.values()) for (const segment of object.segments) named.add(segment.blob);
    for (const upload of bucket.uploads.values()) for (const part of upload.parts.values()) named.add(part.segment.blob);
  }
  return named;
}
