// SyncedFolder: a local folder kept in a bucket under a prefix, through The Cloud's object API.
// The manifest (path → SHA-256, size, headers code) is an input, computed from `path` at check (the
// native SDK and YAML give only `path`), so a preview lists exactly the files added, changed and
// removed; the state's outputs hold its digest (a no-change `up` compares digests and sends nothing)
// and a compressed index of paths and headers codes. How a sync, a refresh and a delete go is
// ../folderSync.ts; this module declares the kind.
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  ResourceInitError,
  defineResource,
  isUnknown,
  type InputProperty,
  type InputsOf,
  type InternalKeys,
  type OutputProperty,
  type PropertyMap,
} from "../../../provider/resource";
import {
  checkManifest,
  filesSchema,
  globList,
  globRules,
  headersSchema,
  manifestFromPath,
  nonEmpty,
  prefixSchema,
} from "../../../provider/sync/folderInputs";
import { SHA256 } from "../../../provider/sync/hashKinds";
import { decodeFiles, manifestDigest, type StoreProfile } from "../../../provider/sync/manifest";
import { manifestOutputs } from "../../../provider/sync/plan";
import { DEFAULT_CONCURRENCY, deleteFolder, readFolder, syncFolder, type Target } from "../folderSync";
import { bucketName } from "./bucket";

/** The Cloud's objects: SHA-256 checksums, and a content type but no Cache-Control. */
const STORE: StoreProfile = { hash: SHA256, cacheControl: false };

/** The inputs the manifest is read from, beside the folder's content. */
const MANIFEST_SOURCES = ["path", "include", "exclude", "contentTypes"] as const;

const ignoredByDiff = (): boolean => true;

const inputs = {
  bucket: {
    description:
      "The bucket's name (a Bucket's `name`). Changing it replaces the SyncedFolder: the files go to the new bucket, then leave the old one.",
    outputDescription: "The bucket the files are in.",
    schema: bucketName,
    required: true,
    replaceOnChange: true,
  },
  prefix: {
    description:
      'Folder in the bucket the files go under (`"site"` → keys `site/...`); default the bucket\'s root. Changing it moves the ' +
      "files in place: every file is uploaded under the new prefix (the API has no copy), then the old keys are deleted.",
    outputDescription: "The prefix as stored: empty, or a folder ending in `/`.",
    schema: prefixSchema,
    default: "",
  },
  path: {
    description:
      "The local folder (a relative path resolves against the program's folder). The plugin reads it at each check, and " +
      "computes `files` and `headers` from it when they are not given.",
    outputDescription: "The local folder as given.",
    schema: nonEmpty("a folder path"),
    required: true,
  },
  include: {
    description: "Globs of the files to upload, relative to path; default every file.",
    outputDescription: "Globs of the files uploaded, as given.",
    schema: globList,
  },
  exclude: {
    description: "Globs of files to leave out; default `**/.git/**`, `**/.DS_Store`, `**/Thumbs.db`.",
    outputDescription: "Globs of the files left out, as given.",
    schema: globList,
  },
  contentTypes: {
    description:
      "Glob → Content-Type, first match wins; unmatched files get the type of their extension (text with `charset=utf-8`). " +
      "The Cloud keeps a content type on each object and no Cache-Control.",
    outputDescription: "Glob → Content-Type rules, as given.",
    schema: globRules,
  },
  concurrency: {
    description: "Files uploaded at once (1-64); files over 1 MiB go two at a time whatever this is.",
    outputDescription: "Files uploaded at once.",
    schema: z.number().int().min(1).max(64),
    default: DEFAULT_CONCURRENCY,
  },
  files: {
    description:
      'The manifest: one line per file, `"<path>\\t<sha256> <size> <headers code>"`, sorted, after a first line `"@files 1"`, the ' +
      "SHA-256 of the content in base64url (43 characters). Computed from `path` (with include, exclude and contentTypes) at " +
      "check when neither it nor `headers` is given, so `pulumi preview --diff` lists the files added, changed and removed. " +
      "Give both, or neither.",
    outputDescription: 'The manifest: one line per file, `"<path>\\t<sha256> <size> <headers code>"`.',
    schema: filesSchema(SHA256, 'the entry must be "<sha256 in base64url> <size> <headers code>", as the provider computes it from path'),
    computed: true,
    inputOnly: true,
  },
  headers: {
    description: 'Headers codes of the manifest → "<content type>|". Computed with `files`.',
    outputDescription: 'Headers codes of `files` → `"<content type>|"`.',
    schema: headersSchema(false),
    computed: true,
  },
} satisfies Record<string, InputProperty>;

const outputs = {
  filesDigest: {
    description: "SHA-256 of the manifest last synced (base64url): a new manifest with the same digest needs no request.",
    schema: z.string(),
  },
  filesIndex: {
    description: "The files last synced and their headers codes, compressed (the manifest itself is kept once, in the inputs).",
    schema: z.string(),
  },
} satisfies Record<string, OutputProperty>;

/** The resource's mark in the journal: from its URN, kept like an input; the bucket and prefix for state without one. */
function ownerOf(props: { __owner?: unknown; bucket?: string; prefix?: string }): string {
  return typeof props.__owner === "string" && props.__owner !== "" ? props.__owner : `${props.bucket ?? ""}/${props.prefix ?? ""}`;
}

function ownerInput(inputs: PropertyMap, olds: PropertyMap): string | undefined {
  const urn = inputs.__urn;
  if (typeof urn === "string" && urn.startsWith("urn:pulumi:") && !isUnknown(urn)) {
    return `urn-${createHash("sha256").update(urn).digest("base64url").slice(0, 22)}`;
  }
  return typeof olds.__owner === "string" ? olds.__owner : undefined;
}

function targetOf(props: Partial<InputsOf<typeof inputs>> & InternalKeys): Target {
  return {
    bucket: props.bucket ?? "",
    prefix: props.prefix ?? "",
    files: decodeFiles(props.files),
    headers: props.headers ?? {},
    folder: props.path ?? ".",
    concurrency: props.concurrency ?? DEFAULT_CONCURRENCY,
    owner: ownerOf(props),
  };
}

export const syncedFolder = defineResource({
  kind: "SyncedFolder",
  description:
    "A local folder kept in a bucket under a prefix: uploads only added and changed files (multipart above 8 MiB), deletes " +
    "only files it uploaded. The plugin reads the folder at check, so a preview lists the files added, changed and removed.",
  inputs,
  outputs,
  internalInputs: ["__owner"],

  refine(checked, olds, failures) {
    const owner = ownerInput(checked, olds);
    if (owner !== undefined) checked.__owner = owner;
    else delete checked.__owner;
    manifestFromPath(checked, failures, { sources: MANIFEST_SOURCES, profile: STORE });
    checkManifest(checked, failures, SHA256, "The Cloud's");
  },

  same: {
    files: (_old, next, olds) => olds.filesDigest === manifestDigest(next as string),
    headers: ignoredByDiff,
    path: ignoredByDiff,
    include: ignoredByDiff,
    exclude: ignoredByDiff,
    contentTypes: ignoredByDiff,
    concurrency: ignoredByDiff,
  },

  async create(ctx, checked) {
    const id = `${checked.bucket}/${checked.prefix}`;
    const landed = new Set<string>();
    const target = targetOf(checked);
    try {
      return { id, outs: await syncFolder(ctx, undefined, target, landed) };
    } catch (err) {
      if (landed.size === 0) throw err;
      // Keep what landed in the stack, so a destroy removes it and the next `up` sends only the rest.
      const kept = Object.fromEntries(Object.entries(target.files).filter(([file]) => landed.has(`${target.prefix}${file}`)));
      const reason = err instanceof Error ? err.message : String(err);
      throw new ResourceInitError(
        `${reason}. ${landed.size} of ${Object.keys(target.files).length} files were uploaded and are kept in the stack; ` +
          "the next `pulumi up` uploads the others",
        id,
        manifestOutputs(kept, SHA256),
      );
    }
  },

  // A failed create keeps its real id (`<bucket>/<prefix>`) with the files that landed, never a trace.
  findPending: async () => undefined,

  async read(ctx, id, state) {
    if (state.filesIndex === undefined) {
      throw new Error(
        `SyncedFolder "${id}" cannot be imported or read by id alone (the folder it deploys lives in the program): ` +
          "declare it in the program instead, and its first `pulumi up` uploads the folder",
      );
    }
    return readFolder(ctx, state, targetOf(state));
  },

  async update(ctx, _id, olds, news) {
    return syncFolder(ctx, olds, targetOf(news), new Set());
  },

  async delete(ctx, _id, state) {
    await deleteFolder(ctx, state, targetOf(state));
  },
});
