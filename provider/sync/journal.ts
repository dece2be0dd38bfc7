// What a folder sync has started and not yet settled, kept on disk so that it outlives the process:
// a run killed mid-way (a cancelled CI job, a crash) leaves its multipart uploads unfinished and the
// objects it wrote unrecorded, and a store that cannot list unfinished uploads or mark an object's
// writer gives the next run no other way to find them. Each process writes its own file
// (`run-<pid>.json`), rewritten whole (written beside, renamed) at each change, so two processes
// never write one file; a later run reads the files of processes no longer alive, aborts the uploads
// they started and settles the objects they wrote, then drops what it settled.
//
// The files live beside the hash cache (`node_modules/.cache/pulumi-folder-sync/runs/` of the
// program's folder) or, for a program without node_modules (YAML, Python, Go, …), in the user's cache
// folder. A journal that cannot be written costs only this: what a killed run left is not found.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** An upload started and not yet completed or aborted. */
export interface StartedUpload {
  endpoint: string;
  bucket: string;
  key: string;
  uploadId: string;
}

/** An object about to be written by a sync: `owner` names the resource, `hash` the bytes it writes. */
export interface WrittenObject {
  endpoint: string;
  bucket: string;
  key: string;
  hash: string;
  owner: string;
}

interface RunFile {
  pid: number;
  uploads: StartedUpload[];
  written: WrittenObject[];
}

const FILE = /^run-(\d+)\.json$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The journal folder for a program in `programDir`. */
export function journalDir(programDir = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const modules = path.join(programDir, "node_modules");
  if (fs.existsSync(modules)) return path.join(modules, ".cache", "pulumi-folder-sync", "runs");
  const cache =
    env.XDG_CACHE_HOME ||
    (process.platform === "win32" ? env.LOCALAPPDATA : undefined) ||
    path.join(os.homedir(), process.platform === "darwin" ? "Library/Caches" : ".cache");
  return path.join(cache, "pulumi-folder-sync", "runs");
}

const journals = new Map<string, SyncJournal>();

export class SyncJournal {
  private readonly own: RunFile = { pid: process.pid, uploads: [], written: [] };
  private readonly file: string;

  private constructor(readonly dir: string) {
    this.file = path.join(dir, `run-${process.pid}.json`);
  }

  /** The journal in `dir`: one per folder in a process, since the process's file holds every sync's records. */
  static open(dir: string = journalDir()): SyncJournal {
    let journal = journals.get(dir);
    if (!journal) journals.set(dir, (journal = new SyncJournal(dir)));
    return journal;
  }

  // ---- this process ------------------------------------------------------------------------------

  uploadStarted(upload: StartedUpload): void {
    this.own.uploads.push(upload);
    this.save(this.file, this.own);
  }

  /** The upload completed or was aborted. */
  uploadEnded(uploadId: string): void {
    const before = this.own.uploads.length;
    this.own.uploads = this.own.uploads.filter((upload) => upload.uploadId !== uploadId);
    if (this.own.uploads.length !== before) this.save(this.file, this.own);
  }

  /** Objects about to be written: recorded before the first byte is sent. */
  writing(objects: readonly WrittenObject[]): void {
    if (objects.length === 0) return;
    this.own.written.push(...objects);
    this.save(this.file, this.own);
  }

  /** The sync of `owner` recorded what it wrote (the engine keeps its outputs): nothing of it is left to settle. */
  recorded(owner: string): void {
    const before = this.own.written.length;
    this.own.written = this.own.written.filter((object) => object.owner !== owner);
    if (this.own.written.length !== before) this.save(this.file, this.own);
  }

  // ---- runs no longer alive ----------------------------------------------------------------------

  /** What processes no longer alive left, with each one's file. */
  private leftovers(): Array<{ file: string; run: RunFile }> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const runs: Array<{ file: string; run: RunFile }> = [];
    for (const name of names) {
      const pid = Number(FILE.exec(name)?.[1]);
      if (!pid || pid === process.pid || alive(pid)) continue;
      const file = path.join(this.dir, name);
      try {
        const run = JSON.parse(fs.readFileSync(file, "utf8")) as RunFile;
        runs.push({ file, run: { pid, uploads: run.uploads ?? [], written: run.written ?? [] } });
      } catch {
        // Torn or foreign: nothing to learn from it.
      }
    }
    return runs;
  }

  /** Uploads to `endpoint` that runs no longer alive started and never ended. */
  leftoverUploads(endpoint: string): StartedUpload[] {
    return this.leftovers().flatMap(({ run }) => run.uploads.filter((upload) => upload.endpoint === endpoint));
  }

  /**
   * Objects `owner` was writing to `bucket` at `endpoint` in runs no longer alive, and in an earlier
   * sync of this process that failed before its record (a sync of `owner` that succeeded dropped its own).
   */
  leftoverWrites(endpoint: string, bucket: string, owner: string): WrittenObject[] {
    const mine = (object: WrittenObject) => object.endpoint === endpoint && object.bucket === bucket && object.owner === owner;
    return [...this.own.written.filter(mine), ...this.leftovers().flatMap(({ run }) => run.written.filter(mine))];
  }

  /** Forgets leftovers settled by now (each file read, changed and written in one go, so nothing interleaves in this process). */
  settle(settled: { uploads?: readonly string[]; owner?: { endpoint: string; bucket: string; owner: string } }): void {
    const uploads = new Set(settled.uploads ?? []);
    const owner = settled.owner;
    for (const { file, run } of this.leftovers()) {
      const left: RunFile = {
        pid: run.pid,
        uploads: run.uploads.filter((upload) => !uploads.has(upload.uploadId)),
        written: run.written.filter(
          (object) => !owner || object.endpoint !== owner.endpoint || object.bucket !== owner.bucket || object.owner !== owner.owner,
        ),
      };
      if (left.uploads.length === run.uploads.length && left.written.length === run.written.length) continue;
      if (left.uploads.length === 0 && left.written.length === 0) fs.rmSync(file, { force: true });
      else this.save(file, left);
    }
  }

  private save(file: string, run: RunFile): void {
    try {
      if (file === this.file && run.uploads.length === 0 && run.written.length === 0) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(this.dir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(run));
      fs.renameSync(temporary, file);
    } catch {
      // A read-only folder: a killed run's leftovers will not be found (see the header).
    }
  }
}
