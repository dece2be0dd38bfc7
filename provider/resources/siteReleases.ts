// SiteReleases: a local folder deployed atomically behind a CDN resource (provider/sync/releases.ts
// holds the steps). A kind of its own rather than a SyncedFolder option: its objects are immutable
// release folders instead of one folder synced in place, it owns the CDN resource's origin path,
// and rollback (`release`) means something only here. It shares SyncedFolder's manifest inputs, so
// the SDK (or, given only `path`, the provider's check) computes the manifest the same way and a
// preview shows the files that changed.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { durationMs, durationSchema } from "../wait";
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
import type { StoredObject } from "../sync/bucket";
import { decodeFileIndex, parseEntry } from "../sync/manifest";
import { ownerOf } from "../sync/owner";
import { forEachLimit } from "../sync/pool";
import type { SyncBucket } from "../sync/bucket";
import { unlessGone } from "../gone";
import {
  RELEASE_ID,
  RELEASES_FOLDER,
  byRelease,
  releaseFolder,
  fillRelease,
  keptReleases,
  planRelease,
  purgeChanged,
  releaseIdOf,
  releaseKeys,
  releaseOriginPath,
} from "../sync/releases";
import { DEFAULT_DEPLOY_TIMEOUT, switchOriginPath } from "../cdnApi";
import {
  declared as declaredFolder,
  folderComputedByClass,
  folderInputs,
  folderOutputs,
  folderSame,
  ignoredByDiff,
  manifestOutputs,
  refineFolder,
  refreshedManifest,
  refuseReadByIdAlone,
  withBucket,
  type Declared as FolderDeclared,
  type FolderProps,
} from "./folder";

export const DEFAULT_KEEP = 5;

const shared = folderInputs;

interface Declared extends Omit<FolderDeclared, "cdnResourceId"> {
  cdnResourceId: string;
  keep: number;
  release: string | undefined;
  deployTimeoutMs: number;
}

function declared(props: State): Declared {
  return {
    ...declaredFolder(props),
    cdnResourceId: props.cdnResourceId ?? "",
    keep: props.keep ?? DEFAULT_KEEP,
    release: props.release || undefined,
    deployTimeoutMs: durationMs(props.deployTimeout, DEFAULT_DEPLOY_TIMEOUT),
  };
}

const idOf = (props: Inputs) => `${props.bucket}/${props.prefix}${RELEASES_FOLDER}`;

/** The manifest as stored objects, to compare with what a release folder holds. */
function manifestObjects(files: Record<string, string>): Map<string, StoredObject> {
  const objects = new Map<string, StoredObject>();
  for (const [file, value] of Object.entries(files)) {
    const entry = parseEntry(value);
    if (entry) objects.set(file, { hash: entry.hash, size: entry.size, modified: 0 });
  }
  return objects;
}

/** The mark this resource writes on its release objects (sync/owner.ts). */
const ownerOfReleases = (props: FolderProps, prefix: string) => ownerOf(props, `${prefix}${RELEASES_FOLDER}`);

/**
 * The release folders under the prefix that are this resource's: those its state records, and any
 * other whose objects carry its mark (a failed run's). Another SiteReleases of the same bucket and
 * prefix (another stack's) keeps its folders: one HEAD per folder not recorded tells them apart.
 */
async function ownReleases(
  bucket: SyncBucket,
  prefix: string,
  stored: ReadonlyMap<string, Map<string, StoredObject>>,
  recordedIds: readonly string[],
  owner: string,
  concurrency: number,
): Promise<Map<string, Map<string, StoredObject>>> {
  const own = new Map<string, Map<string, StoredObject>>();
  await forEachLimit([...stored], concurrency, async ([id, objects]) => {
    if (!recordedIds.includes(id)) {
      const first = objects.keys().next().value;
      if (first === undefined || (await bucket.head(`${releaseFolder(prefix, id)}${first}`))?.owner !== owner) return;
    }
    own.set(id, objects);
  });
  return own;
}

/**
 * Brings the CDN to the declared release: fills its folder if it is the folder's content (copies
 * from the live release, uploads the rest), switches the origin path, purges what changed, and
 * deletes the release folders beyond `keep` (and those a failed run left). `filled` is told when
 * the bucket starts changing, so a failed create still records what it may have written.
 */
async function deploy(ctx: Context, olds: State | undefined, news: Inputs, filled: () => void = () => undefined): Promise<PropertyMap> {
  const target = declared(news);
  const contentId = releaseIdOf(target.files, target.headers);
  const wanted = target.release ?? contentId;
  const liveId = olds?.releaseId || undefined;
  const previous = olds?.releases ?? [];

  return withBucket(ctx, news, async (bucket) => {
    const stored = byRelease(target.prefix, await bucket.list(`${target.prefix}${RELEASES_FOLDER}`));
    const live = (liveId && stored.get(liveId)) || new Map<string, StoredObject>();
    let served: ReadonlyMap<string, StoredObject>;
    if (wanted === contentId) {
      const plan = planRelease(target.files, target.headers, stored.get(wanted) ?? new Map(), live);
      const folder = path.resolve(target.folder);
      if (plan.uploads.length > 0 && !fs.existsSync(folder)) {
        throw new Error(
          `SiteReleases: the folder ${folder} (path "${target.folder}") does not exist where the provider runs; ` +
            "run `pulumi up` from the program's folder after building the site.",
        );
      }
      if (plan.copies.length + plan.uploads.length > 0) filled();
      await fillRelease(
        bucket,
        { prefix: target.prefix, id: wanted, liveId, folder, owner: ownerOfReleases(news, target.prefix), concurrency: target.concurrency },
        plan,
        (file) => path.join(folder, file),
      );
      served = manifestObjects(target.files);
    } else {
      const kept = stored.get(wanted);
      if (!previous.includes(wanted) || !kept) {
        const choices = previous.filter((id) => stored.has(id));
        throw new Error(
          `SiteReleases release: "${wanted}" is not a kept release of this site; ` +
            (choices.length ? `kept: ${choices.join(", ")} (newest first), ` : "") +
            "or leave release unset to deploy the folder",
        );
      }
      served = kept;
    }

    await switchOriginPath(ctx.client(), target.cdnResourceId, releaseOriginPath(target.prefix, wanted), target.deployTimeoutMs);
    if (wanted !== liveId || olds?.cdnResourceId !== target.cdnResourceId) {
      await purgeChanged(ctx.client(), target.cdnResourceId, olds?.cdnResourceId === target.cdnResourceId ? live : new Map(), served);
    }

    // Only now, with the CDN on the new release: the folders beyond `keep`, never the one served.
    const releases = keptReleases(
      wanted,
      previous.filter((id) => stored.has(id)),
      target.keep,
    );
    // Recognised by the mark this run writes: a folder under the older prefix-only mark may be another stack's.
    const own = await ownReleases(
      bucket,
      target.prefix,
      stored,
      [...previous, wanted],
      ownerOfReleases(news, target.prefix),
      target.concurrency,
    );
    const dropped = [...own].filter(([id]) => !releases.includes(id));
    await bucket.deleteKeys(releaseKeys(target.prefix, dropped));
    return {
      releaseId: wanted,
      releases,
      contentReleaseId: contentId,
      originPath: releaseOriginPath(target.prefix, wanted),
      ...manifestOutputs(target.files),
    };
  });
}

const siteReleasesInputs = {
  bucket: {
    ...shared.bucket,
    description: "Id of the bucket (a Bucket's `id`); the one the CDN resource's storage origin serves.",
    outputDescription: "Id of the bucket holding the releases.",
  },
  accessKeyId: shared.accessKeyId,
  secretAccessKey: shared.secretAccessKey,
  prefix: {
    ...shared.prefix,
    description:
      'Folder in the bucket that holds the `releases/` folder (`"site"` → `site/releases/<id>/...`); default the bucket\'s root.',
    outputDescription: "The folder holding `releases/`, as stored: empty, or a folder ending in `/`.",
    replaceOnChange: true,
  },
  path: shared.path,
  include: shared.include,
  exclude: shared.exclude,
  cacheControl: shared.cacheControl,
  contentTypes: shared.contentTypes,
  concurrency: {
    ...shared.concurrency,
    description: "Files uploaded or copied at once (1-64).",
    outputDescription: "Files uploaded or copied at once.",
  },
  cdnResourceId: {
    description: "Id of the CDN resource serving the bucket (a CdnResource's `id`): its origin path is pointed at the live release.",
    outputDescription: "The CDN resource whose origin path follows the live release.",
    schema: z.string().refine((value) => value.trim() !== "", { message: "must be a CDN resource id, not empty" }),
    required: true,
  },
  keep: {
    description: `Releases kept in the bucket, the live one included (1-100, default ${DEFAULT_KEEP}); older ones are deleted after each switch.`,
    outputDescription: "Releases kept in the bucket, the live one included.",
    schema: z.number().int().min(1).max(100),
    default: DEFAULT_KEEP,
  },
  release: {
    description:
      "Serve this kept release instead of the folder's content (rollback: a `releases` id); unset, the folder is deployed. " +
      "Switching needs no upload.",
    outputDescription: "The release pinned for a rollback, or undefined when the folder is deployed.",
    schema: z.string().regex(RELEASE_ID, { message: "must be a release id (16 hex characters) from the `releases` output" }),
    undefinedAccepted: true,
  },
  deployTimeout: {
    description:
      `How long to wait for the CDN to deploy a switch before purging, e.g. \`30m\` (the default), \`1h\`. On timeout the CDN ` +
      "already points at the new release; the next `pulumi up` waits again and purges.",
    outputDescription: "How long a switch waits for the CDN to deploy before purging.",
    schema: durationSchema,
    default: DEFAULT_DEPLOY_TIMEOUT,
  },
  s3Endpoint: shared.s3Endpoint,
  files: shared.files,
  headers: shared.headers,
} satisfies Record<string, InputProperty>;

const siteReleasesOutputs = {
  releaseId: { description: "The release the CDN serves.", schema: z.string() },
  releases: {
    description: "Releases kept in the bucket, the live one first, then newest first: the ids `release` accepts.",
    schema: z.array(z.string()),
  },
  contentReleaseId: {
    description: "The release id of the folder's content (equal to `releaseId` unless `release` pins another).",
    schema: z.string(),
  },
  originPath: { description: "The origin path the CDN resource serves, `/<prefix>releases/<releaseId>`.", schema: z.string() },
  // The manifest is held once, in the inputs (`files` is inputOnly, as on SyncedFolder): these stand for it.
  filesDigest: folderOutputs.filesDigest,
  filesIndex: folderOutputs.filesIndex,
} satisfies Record<string, OutputProperty>;

/** The inputs create and update receive (check has run), and a state as read, update and delete receive it. */
type Inputs = InputsOf<typeof siteReleasesInputs> & InternalKeys;
type State = StateOf<InputsOf<typeof siteReleasesInputs>, OutputsOf<typeof siteReleasesOutputs>>;

export const siteReleases = defineResource({
  kind: "SiteReleases",
  description:
    "A local folder deployed atomically behind a CDN resource: each version is uploaded under `<prefix>releases/<release id>/` " +
    "(files unchanged since the live release copied server-side), then the CDN's origin path is switched in one update and purged; " +
    "the last `keep` releases are kept, and `release` rolls back to one of them without uploading.",
  inputs: siteReleasesInputs,
  outputs: siteReleasesOutputs,

  refine: refineFolder,
  internalInputs: ["__owner"],

  computedByClass: { ...folderComputedByClass, dynamicHelper: "siteReleasesProps" },

  // As SyncedFolder, except that a new CDN resource must be switched.
  same: { ...folderSame, deployTimeout: ignoredByDiff },

  async create(ctx, inputs) {
    const id = idOf(inputs);
    let wrote = false;
    try {
      return { id, outs: await deploy(ctx, undefined, inputs, () => (wrote = true)) };
    } catch (err) {
      if (!wrote) throw err;
      // Keep the resource in the stack, serving nothing yet, so a destroy removes what landed and the next `up` copies the rest.
      const reason = err instanceof Error ? err.message : String(err);
      throw new ResourceInitError(`${reason}. The files that landed are kept; the next \`pulumi up\` sends only the others`, id, {
        releases: [],
        ...manifestOutputs({}),
      });
    }
  },

  findPending: async () => undefined,

  async read(ctx, id, state) {
    refuseReadByIdAlone("SiteReleases", id, state, "deploys the folder as a release");
    const { prefix } = declared(state);
    const listed = await unlessGone(() => withBucket(ctx, state, (bucket) => bucket.list(`${prefix}${RELEASES_FOLDER}`)));
    if (listed === undefined) return undefined;
    const stored = byRelease(prefix, listed);
    if (stored.size === 0) return undefined;
    const releases = (state.releases ?? []).filter((id) => stored.has(id));
    // A pinned release is not the folder's content: the manifest's files are not what is served.
    if (state.releaseId !== state.contentReleaseId) return { releases };
    // The refreshed manifest is what the live release holds of each recorded file: one missing or
    // changed there leaves or differs, so the next `up` puts it back.
    const live = (state.releaseId !== undefined && stored.get(state.releaseId)) || new Map<string, StoredObject>();
    return { releases, ...refreshedManifest(decodeFileIndex(state.filesIndex), (file) => live.get(file)) };
  },

  async update(ctx, _id, olds, news) {
    return deploy(ctx, olds, news);
  },

  async delete(ctx, _id, state) {
    const { prefix } = declared(state);
    await unlessGone(() =>
      withBucket(ctx, state, async (bucket) => {
        const stored = byRelease(prefix, await bucket.list(`${prefix}${RELEASES_FOLDER}`));
        const recordedIds = state.releases ?? [];
        const own = await ownReleases(bucket, prefix, stored, recordedIds, ownerOfReleases(state, prefix), declared(state).concurrency);
        await bucket.deleteKeys(releaseKeys(prefix, own));
      }),
    );
  },
});
