// SyncedFolder: a local folder kept in a bucket under a prefix, through the S3 data plane. The SDK
// computes the folder's manifest when the program runs (provider/sync/manifest.ts), or, for a
// program that gives only `path` (YAML and the other languages), the provider's check does
// (folder.ts); either way it is an input, so a preview lists the files added, changed and removed,
// and update, refresh and delete never re-read the folder to decide anything. The manifest is kept in the state's inputs only; the outputs hold its
// digest (a no-change `up` compares digests and sends nothing) and a compressed index of paths and
// headers codes, which with a LIST of the prefix is all that update, refresh and delete need: state
// holds each file once. `up` uploads only files whose stored object (LIST) or headers code differs
// from the manifest and deletes only keys of its own index (or carrying its owner mark) that are
// gone; a refresh LISTs the prefix and writes what it finds into the inputs, so the next `up`
// repairs it. Every step is idempotent: a run killed half-way leaves the old state, and the next one
// skips what already landed.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
  ResourceInitError,
  defineResource,
  type Context,
  type InputProperty,
  type InputsOf,
  type InternalKeys,
  type OutputProperty,
  type OutputsOf,
  type PropertyMap,
  type StateOf,
} from "../resource";
import type { FileUpload, StoredObject, SyncBucket } from "../sync/bucket";
import { ownerOf, stillOwn } from "../sync/owner";
import { forEachLimit } from "../sync/pool";
import { isMultipart, manifestDigest, parseEntry, parseHeaders, type FileEntry } from "../sync/manifest";
import { planSync, recordedOf, storedFiles, type Recorded } from "../sync/plan";
import { purgeKeys } from "../sync/purge";
import { unlessGone } from "../gone";
import {
  declared,
  folderComputedByClass,
  folderInputs,
  folderOutputs,
  folderSame,
  ignoredByDiff,
  manifestOutputs,
  nonEmpty,
  refineFolder,
  refreshedManifest,
  refuseReadByIdAlone,
  withBucket,
} from "./folder";

// The planning every cloud's folder kind shares (sync/plan.ts), in the S3 ETags of this one.
export { planSync, type Recorded, type SyncPlan } from "../sync/plan";

function recorded(state: Pick<State, "prefix" | "filesIndex">): Recorded {
  return recordedOf(state);
}

/** Slack for the clocks of this machine and S3 (S3 itself refuses requests 15 minutes off). */
const CLOCK_SLACK_MS = 15 * 60 * 1000;

/**
 * Keys under the prefix that are neither declared nor in the old state, but carry this prefix's
 * owner mark: what a run killed before it could record its work left. Such a run came after the
 * last recorded sync, so only keys written since then are looked at (one HEAD each), and the
 * other tenants of a shared bucket cost nothing after the first sync.
 */
async function ownOrphans(
  bucket: SyncBucket,
  stored: ReadonlyMap<string, StoredObject>,
  known: ReadonlySet<string>,
  owner: string,
  concurrency: number,
  lastSync: string | undefined,
): Promise<string[]> {
  const since = lastSync !== undefined ? Date.parse(lastSync) - CLOCK_SLACK_MS : -Infinity;
  const unknown = [...stored].filter(([key, object]) => !known.has(key) && !(object.modified < since)).map(([key]) => key);
  const orphans: string[] = [];
  await forEachLimit(unknown, concurrency, async (key) => {
    if ((await bucket.head(key))?.owner === owner) orphans.push(key);
  });
  return orphans;
}

/**
 * Of the keys this resource recorded, those still its own: a key rewritten since the last sync (by
 * another folder on the same prefix, another stack, a person) carries another mark or none, and is
 * theirs now. Only keys written since then are looked at (one HEAD each), as for orphans.
 */
async function stillOwnKeys(
  bucket: SyncBucket,
  keys: readonly string[],
  stored: ReadonlyMap<string, StoredObject>,
  owner: string,
  prefix: string,
  concurrency: number,
  lastSync: string | undefined,
): Promise<string[]> {
  const since = lastSync !== undefined ? Date.parse(lastSync) - CLOCK_SLACK_MS : -Infinity;
  const own: string[] = [];
  await forEachLimit(keys, concurrency, async (key) => {
    const found = stored.get(key);
    // Not listed (an old prefix, deleted blind), or written before the last sync began (which put
    // back any file of ours that differed): ours.
    if (!found || found.modified < since) {
      own.push(key);
      return;
    }
    const head = await bucket.head(key);
    if (!head || stillOwn(head.owner, owner, prefix)) own.push(key);
  });
  return own;
}

/**
 * Whether the bucket no longer holds what the last recorded sync left there: the files of its index,
 * as LISTed, make another manifest than the one it recorded. Then a run was cut short after writing
 * (or someone changed the files): what it wrote was never purged, and the plan cannot tell which
 * files those were, since they already hold the declared bytes. The caller purges every declared
 * path then (one `purge/all` for a big site); otherwise only what this run changes.
 */
function interruptedSince(olds: State | undefined, prefix: string, stored: ReadonlyMap<string, StoredObject>): boolean {
  if (olds?.filesDigest === undefined) return false;
  const last = recorded(olds);
  // Another prefix: every path is new anyway, and the old one was not listed.
  if (last.prefix !== prefix) return false;
  return manifestDigest(storedFiles(last.codes, (file) => stored.get(`${prefix}${file}`))) !== olds.filesDigest;
}

/**
 * Applies the plan from `olds` (undefined on create) to `news`: uploads, then deletes (so a page
 * is never left linking to a file already removed), then the CDN purge of every key touched.
 */
async function sync(ctx: Context, olds: State | undefined, news: Inputs, landed = new Set<string>()): Promise<PropertyMap> {
  const target = declared(news);
  const outputs = manifestOutputs(target.files);
  // Same manifest, same prefix: nothing to send (a credential or setting changed alone).
  if (olds && olds.filesDigest === outputs.filesDigest && olds.prefix === target.prefix) return outputs;
  const startedAt = new Date();
  const owner = ownerOf(news, target.prefix);
  const folder = path.resolve(target.folder);

  const touched = await withBucket(ctx, news, async (bucket) => {
    const stored = await bucket.list(target.prefix);
    const plan = planSync(olds && recorded(olds), target, stored);

    // What a killed or failed run already put there, with the same bytes, headers and owner, is kept.
    const uploads: FileUpload[] = plan.uploads.map((file) => {
      const entry = parseEntry(target.files[file]) as FileEntry;
      return {
        key: `${target.prefix}${file}`,
        file: path.join(folder, file),
        entry,
        headers: parseHeaders(target.headers[entry.code]),
        owner,
      };
    });
    const pending: FileUpload[] = [];
    await forEachLimit(uploads, target.concurrency, async (upload) => {
      const found = stored.get(upload.key);
      if (found?.hash === upload.entry.hash && found.size === upload.entry.size) {
        const head = await bucket.head(upload.key);
        if (head?.owner === owner && head.contentType === upload.headers.contentType && head.cacheControl === upload.headers.cacheControl) {
          landed.add(upload.key);
          return;
        }
      }
      pending.push(upload);
    });

    if (pending.length > 0 && !fs.existsSync(folder)) {
      throw new Error(
        `SyncedFolder: the folder ${folder} (path "${target.folder}") does not exist where the provider runs; ` +
          "run `pulumi up` from the program's folder after building the site.",
      );
    }
    const large = pending.filter((upload) => isMultipart(upload.entry.size)).map((upload) => upload.key);
    if (large.length) await bucket.abortUnfinished(target.prefix, new Set(large), startedAt);
    await bucket.uploadAll(pending, (upload) => landed.add(upload.key));

    const declaredKeys = new Set(Object.keys(target.files).map((file) => `${target.prefix}${file}`));
    const oldKeys = new Set(plan.deletes);
    const orphans = await ownOrphans(bucket, stored, new Set([...declaredKeys, ...oldKeys]), owner, target.concurrency, olds?.syncedAt);
    // Keys listed under this prefix and found gone need no request; others (an old prefix) are deleted blind.
    const listedOrElsewhere = plan.deletes.filter((key) => stored.has(key) || !key.startsWith(target.prefix));
    const previousPrefix = olds ? recorded(olds).prefix : target.prefix;
    const previousOwner = olds ? ownerOf(olds, previousPrefix) : owner;
    const own = await stillOwnKeys(bucket, listedOrElsewhere, stored, previousOwner, previousPrefix, target.concurrency, olds?.syncedAt);
    await bucket.deleteKeys([...own, ...orphans]);
    const touched = [...uploads.map((upload) => upload.key), ...own, ...orphans];
    return interruptedSince(olds, target.prefix, stored) ? [...new Set([...touched, ...declaredKeys])] : touched;
  });

  if (target.cdnResourceId && touched.length) await purgeKeys(ctx.client(), target.cdnResourceId, touched, target.served);
  return touched.length ? { ...outputs, syncedAt: startedAt.toISOString() } : outputs;
}

/** State version 2 echoed the manifest into the outputs: its digest and index take its place. */
function upgradeFolderState(state: PropertyMap, version: number): PropertyMap {
  if (version >= 3) return state;
  const { files, ...rest } = state;
  return { ...rest, ...manifestOutputs((files ?? {}) as Record<string, string>) };
}

const syncedFolderInputs = {
  bucket: folderInputs.bucket,
  accessKeyId: folderInputs.accessKeyId,
  secretAccessKey: folderInputs.secretAccessKey,
  prefix: folderInputs.prefix,
  path: folderInputs.path,
  include: folderInputs.include,
  exclude: folderInputs.exclude,
  cacheControl: folderInputs.cacheControl,
  contentTypes: folderInputs.contentTypes,
  concurrency: folderInputs.concurrency,
  cdnResourceId: {
    description: "Id of a CDN resource serving the bucket: after each sync, exactly the paths of the files uploaded or deleted are purged.",
    outputDescription: "The CDN resource purged after each sync; undefined when none.",
    schema: nonEmpty("a CDN resource id"),
  },
  cdnBaseUrl: {
    description:
      "Where the CDN serves the folder's root, when not at `/<prefix>`: a path (`/`) or a URL (`https://acme.example.com/`, a " +
      "tenant's folder under subdomain routing), ending in `/`. The purged paths are this plus each file's path in the folder.",
    outputDescription: "Where the CDN serves the folder's root, when not at `/<prefix>`; undefined otherwise.",
    schema: z
      .string()
      .regex(/^(?:https?:\/\/[^/\s]+)?\/(?:\S*\/)?$/, 'must be a path or an http(s) URL ending in "/", e.g. "https://acme.example.com/"'),
  },
  s3Endpoint: folderInputs.s3Endpoint,
  files: folderInputs.files,
  headers: folderInputs.headers,
} satisfies Record<string, InputProperty>;

const syncedFolderOutputs = {
  filesDigest: folderOutputs.filesDigest,
  filesIndex: folderOutputs.filesIndex,
  syncedAt: {
    description: "When the last sync that changed the bucket began (ISO 8601); objects written since may be left by an interrupted run.",
    schema: z.string(),
    required: false,
  },
} satisfies Record<string, OutputProperty>;

/** The inputs create and update receive (check has run), and a state as read, update and delete receive it. */
type Inputs = InputsOf<typeof syncedFolderInputs> & InternalKeys;
type State = StateOf<InputsOf<typeof syncedFolderInputs>, OutputsOf<typeof syncedFolderOutputs>>;

export const syncedFolder = defineResource({
  kind: "SyncedFolder",
  description:
    "A local folder kept in a bucket under a prefix: uploads only added and changed files, deletes only files it uploaded, " +
    "and purges the changed paths on a CDN resource. The SyncedFolder class computes the folder's manifest when the program runs; " +
    "given only `path` (YAML and the other languages), the plugin computes it at check.",
  inputs: syncedFolderInputs,
  outputs: syncedFolderOutputs,
  // The owner mark, from the URN (sync/owner.ts): kept after a refresh like an input.
  internalInputs: ["__owner"],

  refine: refineFolder,

  computedByClass: folderComputedByClass,

  same: { ...folderSame, cdnResourceId: ignoredByDiff, cdnBaseUrl: ignoredByDiff },

  upgrade: upgradeFolderState,

  // A bucket given by id after being given by name is the same bucket: clear it before filling it.
  deleteBeforeReplace: () => true,

  async create(ctx, inputs) {
    const id = `${inputs.bucket}/${inputs.prefix}`;
    const landed = new Set<string>();
    try {
      return { id, outs: await sync(ctx, undefined, inputs, landed) };
    } catch (err) {
      if (landed.size === 0) throw err;
      // Keep what landed in the stack, so a destroy removes it and the next `up` sends only the rest.
      const { prefix, files } = declared(inputs);
      const kept = Object.fromEntries(Object.entries(files).filter(([file]) => landed.has(`${prefix}${file}`)));
      const reason = err instanceof Error ? err.message : String(err);
      throw new ResourceInitError(
        `${reason}. ${landed.size} of ${Object.keys(files).length} files were uploaded and are kept in the stack; ` +
          "the next `pulumi up` uploads the others",
        id,
        manifestOutputs(kept),
      );
    }
  },

  // A failed create keeps its real id (`<bucket>/<prefix>`) with the files that landed, never a trace.
  findPending: async () => undefined,

  async read(ctx, id, state) {
    refuseReadByIdAlone("SyncedFolder", id, state, "uploads the folder");
    const { codes, prefix } = recorded(state);
    const stored = await unlessGone(() => withBucket(ctx, state, (bucket) => bucket.list(prefix)));
    if (stored === undefined) return undefined;
    // The refreshed manifest (the inputs) is what S3 holds of each recorded file, with its recorded
    // headers: a file missing in the bucket leaves it, one changed there takes the stored hash and
    // size. Either way the next diff differs from the program's manifest, and the next `up` uploads
    // it again; with no drift it is the manifest last synced, so no diff follows.
    return refreshedManifest(codes, (file) => stored.get(`${prefix}${file}`));
  },

  async update(ctx, _id, olds, news) {
    return sync(ctx, olds, news);
  },

  async delete(ctx, _id, state) {
    const target = declared(state);
    const keys = [...recorded(state).codes.keys()].map((file) => `${target.prefix}${file}`);
    const deleted = await unlessGone(() =>
      withBucket(ctx, state, async (bucket) => {
        const stored = await bucket.list(target.prefix);
        const owner = ownerOf(state, target.prefix);
        const owned = await stillOwnKeys(
          bucket,
          keys.filter((key) => stored.has(key)),
          stored,
          owner,
          target.prefix,
          target.concurrency,
          state.syncedAt,
        );
        const orphans = await ownOrphans(bucket, stored, new Set(keys), owner, target.concurrency, state.syncedAt);
        await bucket.deleteKeys([...owned, ...orphans]);
        return [...owned, ...orphans];
      }),
    );
    if (!target.cdnResourceId || !deleted?.length) return;
    // A CDN resource destroyed first has nothing left to purge.
    await unlessGone(() => purgeKeys(ctx.client(), target.cdnResourceId!, deleted, target.served));
  },
});
