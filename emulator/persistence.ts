// What MamuteCloud's emulator keeps in `state.json` of a `--data-dir` (the folder, its lock and
// the coalesced atomic saves are data-dir.ts): buckets, credentials, the API key, zones, records,
// CDN resources, certificates with their keys, the CA, the dashboard token secret, settings.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Segment } from "./blobs";
import type { KeyAndCertificate } from "./tls/authority";
import type { ApiKey, EmulatorSettings, EmulatorState } from "./state";
import type { DataDir, StateFileFormat } from "./data-dir";

export { DataDir, DataDirError } from "./data-dir";

const FORMAT: StateFileFormat = {
  name: "mamutecloud-emulator-state",
  version: 1,
  writer: "mamutecloud-emulator",
  upgrade: "pulumi-mamutecloud",
};

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

/** The state's tables written as they are (data-dir.ts tags their Maps and Dates). */
const MAP_FIELDS = ["buckets", "credentials", "zones", "records", "cdnResources", "certificates", "credentialSerial"] as const;
type MapField = (typeof MAP_FIELDS)[number];

interface StateFile {
  secrets: { ca: KeyAndCertificate; dashboardSecret: Buffer };
  apiKey: ApiKey | null;
  settings: EmulatorSettings;
  tables: Record<MapField, Map<string, unknown>>;
}

/** Fills `state` from the data dir's state.json; undefined when the folder holds none yet (a first start). */
export async function loadState(dataDir: DataDir, state: EmulatorState): Promise<LoadedState | undefined> {
  const saved = (await dataDir.read(FORMAT)) as StateFile | undefined;
  if (!saved) return undefined;
  for (const field of MAP_FIELDS) {
    const target = state[field] as Map<string, unknown>;
    target.clear();
    for (const [key, value] of saved.tables?.[field] ?? []) target.set(key, value);
  }
  Object.assign(state.settings, saved.settings);
  state.apiKey = saved.apiKey;
  const droppedObjects = await dropObjectsWithoutBytes(dataDir.path, state);
  return { secrets: saved.secrets, droppedObjects };
}

/** Saves `state` (with `secrets`) in the data dir after every change from now on. */
export function saveStateIn(dataDir: DataDir, state: EmulatorState, secrets: Secrets): void {
  dataDir.attach(state, FORMAT, (): StateFile => ({
    secrets,
    apiKey: state.apiKey,
    settings: state.settings,
    tables: Object.fromEntries(MAP_FIELDS.map((field) => [field, state[field]])) as StateFile["tables"],
  }));
}

/** Objects (and upload parts) whose blob file is missing cannot be served: dropped, and named. */
async function dropObjectsWithoutBytes(path: string, state: EmulatorState): Promise<string[]> {
  const present = new Set(await readdir(join(path, "objects")).catch(() => [] as string[]));
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

/** Every blob the state names, so the rest of objects/ (left by a crash) can go. */
export function namedBlobs(state: EmulatorState): Set<string> {
  const named = new Set<string>();
  for (const bucket of state.buckets.values()) {
    for (const object of bucket.objects.values()) for (const segment of object.segments) named.add(segment.blob);
    for (const upload of bucket.uploads.values()) for (const part of upload.parts.values()) named.add(part.segment.blob);
  }
  return named;
}
