// What The Cloud's emulator keeps in `state.json` of a `--data-dir`: users, API keys, buckets with
// their object versions, lifecycle rules, unfinished uploads, and the serial. The folder, its lock
// and the atomic coalesced saves are the MamuteCloud emulator's (emulator/data-dir.ts).
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { DataDir, StateFileFormat } from "../../emulator/data-dir";
import type { ApiKeyRecord, Bucket, LifecycleRule, TheCloudState, Upload, User } from "./state";

const FORMAT: StateFileFormat = { name: "thecloud-emulator-state", version: 1, writer: "thecloud-emulator", upgrade: "pulumi-mamutecloud" };

interface StateFile {
  startUserId: string;
  startKeyId: string | null;
  serial: number;
  users: Map<string, User>;
  apiKeys: Map<string, ApiKeyRecord>;
  buckets: Map<string, Bucket>;
  rules: Map<string, LifecycleRule>;
  uploads: Map<string, Upload>;
}

const TABLES = ["users", "apiKeys", "buckets", "rules", "uploads"] as const;

/**
 * Fills `state` from the data dir; false on a first start. Versions and parts whose bytes are gone
 * from objects/ (the folder edited by hand) are dropped and named (`bucket/key`, `upload <id>`).
 */
export async function loadTheCloudState(dataDir: DataDir, state: TheCloudState): Promise<{ loaded: boolean; dropped: string[] }> {
  const saved = (await dataDir.read(FORMAT)) as StateFile | undefined;
  if (!saved) return { loaded: false, dropped: [] };
  for (const table of TABLES) {
    const target = state[table] as Map<string, unknown>;
    target.clear();
    for (const [id, value] of saved[table] ?? []) target.set(id, value);
  }
  state.startUserId = saved.startUserId;
  state.startKeyId = saved.startKeyId;
  state.serial = saved.serial;
  const present = new Set(await readdir(join(dataDir.path, "objects")).catch(() => [] as string[]));
  const dropped: string[] = [];
  for (const bucket of state.buckets.values()) {
    for (const [key, versions] of bucket.objects) {
      const whole = versions.filter((version) => version.segments.every((segment) => present.has(segment.blob)));
      if (whole.length < versions.length) dropped.push(`${bucket.name}/${key}`);
      if (whole.length === 0) bucket.objects.delete(key);
      else bucket.objects.set(key, whole);
    }
  }
  for (const [id, upload] of state.uploads) {
    if ([...upload.parts.values()].every((part) => present.has(part.segment.blob))) continue;
    state.uploads.delete(id);
    dropped.push(`upload ${id}`);
  }
  return { loaded: true, dropped };
}

/** Saves `state` in the data dir after every change from now on. */
export function saveTheCloudStateIn(dataDir: DataDir, state: TheCloudState): void {
  dataDir.attach(state, FORMAT, (): StateFile => ({
    startUserId: state.startUserId,
    startKeyId: state.startKeyId,
    serial: state.serial,
    users: state.users,
    apiKeys: state.apiKeys,
    buckets: state.buckets,
    rules: state.rules,
    uploads: state.uploads,
  }));
}
