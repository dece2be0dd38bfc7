// SyncedFolder: a local folder kept in a bucket under a prefix, through the S3 data plane. The SDK
// computes the folder's manifest when the program runs (provider/sync/manifest.ts); it is an input,
// so a preview lists the files added, changed and removed, and the provider never re-reads the
// folder to decide anything. The manifest is kept in the state's inputs only; the outputs hold its
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
import { emulatorEndpoints, isNotFound } from "../client";
import { bucketResponse } from "./bucket";
import { settings, type ProviderConfig } from "../config";
import { registerSecret } from "../redact";
import { ResourceInitError, type Context, type PropertyMap, type ResourceDefinition } from "../resource";
import type { FileUpload, StoredObject, SyncBucket } from "../sync/bucket";
import { S3SyncError } from "../sync/errors";
import { ownerInput, ownerOf, stillOwn } from "../sync/owner";
import { forEachLimit } from "../sync/pool";
import {
  MAX_KEY_BYTES,
  decodeFileIndex,
  encodeFileIndex,
  formatEntry,
  isMultipart,
  manifestDigest,
  parseEntry,
  parseHeaders,
  type FileEntry,
} from "../sync/manifest";
import { purgeKeys, type ServedAt } from "../sync/purge";

// Small files are latency-bound: measured with bench:sync, 48 in flight uploaded a 2,010-file site in
// 22-44% less time than 16 in three paired runs (multipart uploads stay limited to two at once whatever this is).
export const DEFAULT_CONCURRENCY = 48;

const nonEmpty = (what: string) => z.string().refine((value) => value.trim() !== "", { message: `must be ${what}, not empty` });

/** A manifest path: relative, `/`-separated, no empty, `.` or `..` segments, no control characters. */
function isRelativePath(value: string): boolean {
  return value !== "" && !/[\\\u0000-\u001f]/.test(value) && !value.split("/").some((s) => s === "" || s === "." || s === "..");
}

/** `site`, `/site/` → `site/`; empty stays empty (the bucket's root). */
const prefixSchema = z
  .string()
  .transform((value) => {
    const folder = value.replace(/^\/+|\/+$/g, "");
    return folder === "" ? "" : `${folder}/`;
  })
  .refine((value) => value === "" || isRelativePath(value.slice(0, -1)), {
    message: 'must be a folder path such as "site" or "tenants/abc", without empty, "." or ".." segments',
  });

const filesSchema = z
  .record(
    z.string(),
    z.string().refine((value) => parseEntry(value) !== undefined, {
      message: 'each file must be "<hash> <size> <headers code>" as the SyncedFolder class computes it',
    }),
  )
  .superRefine((files, ctx) => {
    for (const file of Object.keys(files)) {
      if (!isRelativePath(file)) {
        ctx.addIssue({ code: "custom", message: `"${file}" is not a relative path with / separators, without empty, "." or ".." segments` });
      }
    }
  });

const headersSchema = z.record(z.string().regex(/^[A-Za-z0-9_-]{6}$/), z.string().regex(/^[^|]*\|[^|\r\n]*$/, {
  message: 'each headers entry must be "<content type>|<cache-control>"',
}));

const globList = z.array(nonEmpty("a glob"));
const globRules = z.record(z.string(), nonEmpty("a header value"));

const endpointSchema = z.string().refine((value) => /^https?:\/\/[^\s/]+/.test(value), {
  message: "must be an http(s) URL such as https://s3-us-east-1.mamutecloud.com",
});

/** For inputs that change nothing stored by themselves: they shaped the manifest (compared already) or say how to reach S3. */
export const ignoredByDiff = (): boolean => true;

export interface SyncPlan {
  /** Relative paths to upload. */
  uploads: string[];
  /** Keys to delete. */
  deletes: string[];
}

/** What the last sync recorded in the outputs: its prefix, and each file's headers code. */
export interface Recorded {
  prefix: string;
  codes: ReadonlyMap<string, string>;
}

/**
 * What turns the stored state into the declared one: files that were not recorded with the same
 * headers code, or whose stored object (as LISTed) has another hash or size, and keys recorded
 * that the new manifest lacks. Hashes come from the LIST, never from state, so a file changed out
 * of band is put back even without a refresh.
 */
export function planSync(
  olds: Recorded | undefined,
  news: { prefix: string; files: Record<string, string> },
  stored: ReadonlyMap<string, Pick<StoredObject, "hash" | "size">>,
): SyncPlan {
  const oldCodes = new Map([...(olds?.codes ?? [])].map(([file, code]) => [`${olds?.prefix ?? ""}${file}`, code]));
  const uploads = Object.entries(news.files)
    .filter(([file, value]) => {
      const key = `${news.prefix}${file}`;
      const entry = parseEntry(value);
      const found = stored.get(key);
      return !entry || oldCodes.get(key) !== entry.code || found?.hash !== entry.hash || found.size !== entry.size;
    })
    .map(([file]) => file);
  const newKeys = new Set(Object.keys(news.files).map((file) => `${news.prefix}${file}`));
  const deletes = [...oldCodes.keys()].filter((key) => !newKeys.has(key));
  return { uploads, deletes };
}

/**
 * An import (or `.get()`) knows only the id: no credential to list the bucket with, and no manifest
 * to compare: the folder a folder kind deploys lives in the program.
 */
export function refuseReadByIdAlone(kind: string, id: string, state: PropertyMap, firstUp: string): void {
  if (typeof state.accessKeyId === "string") return;
  throw new Error(
    `${kind} "${id}" cannot be imported or read by id alone (it needs the credential and the local folder): ` +
      `declare it in the program instead, and its first \`pulumi up\` ${firstUp}`,
  );
}

/** The outputs that stand for the manifest (kept in the inputs only). */
export function manifestOutputs(files: Record<string, string>): { filesDigest: string; filesIndex: string } {
  return { filesDigest: manifestDigest(files), filesIndex: encodeFileIndex(files) };
}

/**
 * The manifest as stored: each recorded file (path → headers code) that `found` finds, with the
 * stored hash and size, and the outputs that stand for it.
 */
export function refreshedManifest(
  codes: ReadonlyMap<string, string>,
  found: (file: string) => Pick<StoredObject, "hash" | "size"> | undefined,
): { files: Record<string, string>; filesDigest: string; filesIndex: string } {
  const files: Record<string, string> = {};
  for (const [file, code] of codes) {
    const object = found(file);
    if (object) files[file] = formatEntry({ hash: object.hash ?? "unknown-etag", size: object.size, code });
  }
  return { files, ...manifestOutputs(files) };
}

function recorded(state: PropertyMap): Recorded {
  return { prefix: typeof state.prefix === "string" ? state.prefix : "", codes: decodeFileIndex(state.filesIndex) };
}

export interface Declared {
  bucket: string;
  prefix: string;
  files: Record<string, string>;
  headers: Record<string, string>;
  folder: string;
  concurrency: number;
  cdnResourceId: string | undefined;
  served: ServedAt | undefined;
}

export function declared(props: PropertyMap): Declared {
  return {
    bucket: String(props.bucket),
    prefix: typeof props.prefix === "string" ? props.prefix : "",
    files: (props.files ?? {}) as Record<string, string>,
    headers: (props.headers ?? {}) as Record<string, string>,
    folder: String(props.path ?? "."),
    concurrency: typeof props.concurrency === "number" ? props.concurrency : DEFAULT_CONCURRENCY,
    cdnResourceId: typeof props.cdnResourceId === "string" ? props.cdnResourceId : undefined,
    served: typeof props.cdnBaseUrl === "string" ? { prefix: typeof props.prefix === "string" ? props.prefix : "", baseUrl: props.cdnBaseUrl } : undefined,
  };
}

function configOf(ctx: Context): ProviderConfig {
  return ctx.config ? ctx.config() : ctx.client().config;
}

/**
 * Where the bucket's S3 plane is, from the most specific source that says: the resource's own
 * `s3Endpoint`, the `mamutecloud:s3Endpoint` setting, the bucket's own answer now (asked at each
 * operation, so that a moved endpoint or a restarted emulator is followed, never a stale copy in
 * state), the emulator (an endpoint on loopback tells its S3 port), and the documented production
 * endpoint only for the production API. With none of them a guess would upload elsewhere (or fail
 * with ENOTFOUND naming nothing): a clear error instead.
 */
export async function s3EndpointFor(
  config: ProviderConfig,
  props: PropertyMap,
  bucketAnswer: () => Promise<string | undefined> = async () => undefined,
): Promise<string> {
  if (typeof props.s3Endpoint === "string" && props.s3Endpoint !== "") return props.s3Endpoint.replace(/\/+$/, "");
  if (config.s3EndpointSet !== false) return config.s3Endpoint;
  const answered = await bucketAnswer();
  if (answered) return answered.replace(/\/+$/, "");
  const emulator = (await emulatorEndpoints(config.endpoint))?.s3Endpoint;
  if (emulator) return emulator.replace(/\/+$/, "");
  if (config.endpoint === settings.endpoint.default) return config.s3Endpoint;
  throw new S3EndpointUnknownError(
    `the S3 endpoint of bucket ${String(props.bucket)} is not known: the API's answer for the bucket gave none and ` +
      "mamutecloud:s3Endpoint is not set. Set it: `pulumi config set mamutecloud:s3Endpoint https://…` " +
      "(or the MAMUTECLOUD_S3_ENDPOINT environment variable), or give the resource's s3Endpoint",
  );
}

/** The bucket's `s3_endpoint` as the API answers now (undefined when it gives none, or no credential is set). */
async function bucketS3Endpoint(ctx: Context, bucketId: string): Promise<string | undefined> {
  let client;
  try {
    client = ctx.client();
  } catch {
    return undefined; // no API credential: the other sources decide
  }
  const found = await client.find({
    operation: `read bucket ${bucketId} (where its S3 endpoint is)`,
    method: "GET",
    path: `/object-storage/buckets/${encodeURIComponent(bucketId)}`,
    response: bucketResponse,
  });
  return found?.s3_endpoint;
}

export class S3EndpointUnknownError extends Error {
  override name = "S3EndpointUnknownError";
}

async function openBucket(ctx: Context, props: PropertyMap): Promise<SyncBucket> {
  const config = configOf(ctx);
  // The AWS SDK prints a notice on Node 20 about its releases after January 2027 into every `up`'s
  // output (seen through the real CLI); it concerns SDK versions this package does not pin, so the
  // SDK's own switch turns off that notice, unless the user set it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Loaded here, not at the top: a preview or a no-change `up` never needs the AWS SDK.
  const { SyncBucket } = await import("../sync/bucket");
  const secretAccessKey = String(props.secretAccessKey ?? "");
  registerSecret(secretAccessKey);
  return new SyncBucket({
    endpoint: await s3EndpointFor(config, props, () => bucketS3Endpoint(ctx, String(props.bucket))),
    bucket: String(props.bucket),
    accessKeyId: String(props.accessKeyId ?? ""),
    secretAccessKey,
    concurrency: typeof props.concurrency === "number" ? props.concurrency : DEFAULT_CONCURRENCY,
    retry: config.retry,
    requestTimeoutMs: config.requestTimeoutMs,
  });
}

export async function withBucket<T>(ctx: Context, props: PropertyMap, run: (bucket: SyncBucket) => Promise<T>): Promise<T> {
  const bucket = await openBucket(ctx, props);
  try {
    return await run(bucket);
  } finally {
    bucket.close();
  }
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
  lastSync: unknown,
): Promise<string[]> {
  const since = typeof lastSync === "string" ? Date.parse(lastSync) - CLOCK_SLACK_MS : -Infinity;
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
  lastSync: unknown,
): Promise<string[]> {
  const since = typeof lastSync === "string" ? Date.parse(lastSync) - CLOCK_SLACK_MS : -Infinity;
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
function interruptedSince(olds: PropertyMap | undefined, prefix: string, stored: ReadonlyMap<string, StoredObject>): boolean {
  if (!olds || typeof olds.filesDigest !== "string") return false;
  const last = recorded(olds);
  // Another prefix: every path is new anyway, and the old one was not listed.
  if (last.prefix !== prefix) return false;
  return refreshedManifest(last.codes, (file) => stored.get(`${prefix}${file}`)).filesDigest !== olds.filesDigest;
}

/**
 * Applies the plan from `olds` (undefined on create) to `news`: uploads, then deletes (so a page
 * is never left linking to a file already removed), then the CDN purge of every key touched.
 */
async function sync(ctx: Context, olds: PropertyMap | undefined, news: PropertyMap, landed = new Set<string>()): Promise<PropertyMap> {
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
      return { key: `${target.prefix}${file}`, file: path.join(folder, file), entry, headers: parseHeaders(target.headers[entry.code]), owner };
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

export const syncedFolder: ResourceDefinition = {
  kind: "SyncedFolder",
  description:
    "A local folder kept in a bucket under a prefix: uploads only added and changed files, deletes only files it uploaded, " +
    "and purges the changed paths on a CDN resource. The SyncedFolder class computes the folder's manifest when the program runs.",
  inputs: {
    bucket: {
      description: "Id of the bucket (a Bucket's `id`). Changing it replaces the SyncedFolder: its files are deleted from the old bucket, then uploaded to the new one.",
      schema: nonEmpty("a bucket id").refine((value) => !/[\s/]/.test(value), { message: "must be a bucket id, without \"/\" or spaces" }),
      required: true,
      replaceOnChange: true,
    },
    accessKeyId: {
      description: "S3 access key id of a credential that opens the bucket (a BucketCredential's `accessKeyId`).",
      schema: nonEmpty("an S3 access key id"),
      required: true,
    },
    secretAccessKey: {
      description: "S3 secret access key of that credential (a BucketCredential's `secretAccessKey`). Kept secret in state.",
      schema: nonEmpty("an S3 secret access key"),
      required: true,
      secret: true,
    },
    prefix: {
      description: 'Folder in the bucket the files go under (`"site"` → keys `site/...`); default the bucket\'s root. Changing it moves the files.',
      schema: prefixSchema,
      default: "",
    },
    path: {
      description: "The local folder, as given to the SyncedFolder class (relative paths resolve against the program's folder).",
      schema: nonEmpty("a folder path"),
      required: true,
    },
    include: {
      description: "Globs of the files to upload, relative to path; default every file. Applied by the SyncedFolder class.",
      schema: globList,
    },
    exclude: {
      description: "Globs of files to leave out; default `**/.git/**`, `**/.DS_Store`, `**/Thumbs.db`. Applied by the SyncedFolder class.",
      schema: globList,
    },
    cacheControl: {
      description:
        "Glob → Cache-Control, first match in the order written wins. Unmatched: fingerprinted assets (`app-3f9a2b1c.js`) " +
        "`public, max-age=31536000, immutable`; every other file (pages, unfingerprinted CSS, scripts, images) " +
        "`public, max-age=0, s-maxage=86400, must-revalidate`: browsers revalidate it, the CDN keeps it until purged.",
      schema: globRules,
    },
    contentTypes: {
      description: "Glob → Content-Type, first match wins; unmatched files get the type of their extension (text with `charset=utf-8`).",
      schema: globRules,
    },
    concurrency: {
      description: "Files uploaded at once (1-64), each over a kept-alive connection.",
      schema: z.number().int().min(1).max(64),
      default: DEFAULT_CONCURRENCY,
    },
    cdnResourceId: {
      description: "Id of a CDN resource serving the bucket: after each sync, exactly the paths of the files uploaded or deleted are purged.",
      schema: nonEmpty("a CDN resource id"),
    },
    cdnBaseUrl: {
      description:
        "Where the CDN serves the folder's root, when not at `/<prefix>`: a path (`/`) or a URL (`https://acme.example.com/`, a " +
        "tenant's folder under subdomain routing), ending in `/`. The purged paths are this plus each file's path in the folder.",
      schema: z.string().regex(/^(?:https?:\/\/[^/\s]+)?\/(?:\S*\/)?$/, 'must be a path or an http(s) URL ending in "/", e.g. "https://acme.example.com/"'),
    },
    s3Endpoint: {
      description:
        "S3 endpoint of the bucket. Default the provider's `mamutecloud:s3Endpoint`; unset, the bucket's own (the API's answer " +
        "for it, asked at each sync), else the emulator's (against an endpoint on loopback), else the production one for the " +
        "production API.",
      schema: endpointSchema,
    },
    files: {
      description: 'The manifest, computed by the SyncedFolder class: relative path → "<hash> <size> <headers code>".',
      schema: filesSchema,
      required: true,
      // Held once, in the inputs; filesDigest and filesIndex stand for it in the outputs.
      inputOnly: true,
    },
    headers: {
      description: 'Headers codes of the manifest → "<content type>|<cache-control>".',
      schema: headersSchema,
      required: true,
    },
  },
  outputs: {
    filesDigest: {
      description: "SHA-256 of the manifest last synced (base64url): a new manifest with the same digest needs no S3 request.",
      schema: z.string(),
    },
    filesIndex: {
      description: "The files last synced and their headers codes, compressed (the manifest itself is kept once, in the inputs).",
      schema: z.string(),
    },
    syncedAt: {
      description: "When the last sync that changed the bucket began (ISO 8601); objects written since may be left by an interrupted run.",
      schema: z.string(),
      required: false,
    },
  },

  // The owner mark, from the URN (sync/owner.ts): kept after a refresh like an input.
  internalInputs: ["__owner"],

  refine(inputs, olds, failures) {
    const owner = ownerInput(inputs, olds);
    if (owner !== undefined) inputs.__owner = owner;
    else delete inputs.__owner;
    const files = inputs.files as Record<string, string> | undefined;
    const headers = inputs.headers as Record<string, string> | undefined;
    if (!files || typeof files !== "object" || !headers || typeof headers !== "object") return;
    const prefix = typeof inputs.prefix === "string" ? inputs.prefix : "";
    for (const [file, value] of Object.entries(files)) {
      const entry = parseEntry(value);
      if (entry && headers[entry.code] === undefined) {
        failures.push({ property: "headers", reason: `has no entry "${entry.code}" that file "${file}" refers to` });
        return;
      }
      if (Buffer.byteLength(prefix + file) > MAX_KEY_BYTES) {
        failures.push({ property: "files", reason: `"${prefix}${file}" is longer than S3's ${MAX_KEY_BYTES}-byte key limit` });
        return;
      }
    }
  },

  computedByClass: { inputs: ["files", "headers"], helper: "withFolderManifest" },

  // What is stored depends on the bucket, prefix and manifest; the credential must be recorded for
  // later operations. The rest shaped the manifest (already compared) or says how to reach S3.
  same: {
    files: (_old, next, olds) => olds.filesDigest === manifestDigest(next as Record<string, string>),
    path: ignoredByDiff,
    include: ignoredByDiff,
    exclude: ignoredByDiff,
    cacheControl: ignoredByDiff,
    contentTypes: ignoredByDiff,
    concurrency: ignoredByDiff,
    cdnResourceId: ignoredByDiff,
    cdnBaseUrl: ignoredByDiff,
    s3Endpoint: ignoredByDiff,
    headers: ignoredByDiff,
  },

  upgrade: upgradeFolderState,

  // A bucket given by id after being given by name is the same bucket: clear it before filling it.
  deleteBeforeReplace: () => true,

  async create(ctx, inputs) {
    const id = `${inputs.bucket}/${inputs.prefix ?? ""}`;
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
    let stored;
    try {
      stored = await withBucket(ctx, state, (bucket) => bucket.list(prefix));
    } catch (err) {
      if (err instanceof S3SyncError && err.code === "NoSuchBucket") return undefined; // its files went with it
      throw err;
    }
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
    let deleted: string[];
    try {
      deleted = await withBucket(ctx, state, async (bucket) => {
        const stored = await bucket.list(target.prefix);
        const owner = ownerOf(state, target.prefix);
        const owned = await stillOwnKeys(bucket, keys.filter((key) => stored.has(key)), stored, owner, target.prefix, target.concurrency, state.syncedAt);
        const orphans = await ownOrphans(bucket, stored, new Set(keys), owner, target.concurrency, state.syncedAt);
        await bucket.deleteKeys([...owned, ...orphans]);
        return [...owned, ...orphans];
      });
    } catch (err) {
      if (err instanceof S3SyncError && err.code === "NoSuchBucket") return;
      throw err;
    }
    if (!target.cdnResourceId || deleted.length === 0) return;
    try {
      await purgeKeys(ctx.client(), target.cdnResourceId, deleted, target.served);
    } catch (err) {
      // A CDN resource destroyed first has nothing left to purge.
      if (!isNotFound(err)) throw err;
    }
  },
};
