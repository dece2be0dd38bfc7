// What the folder kinds (SyncedFolder, SiteReleases) share: the inputs that describe a local folder
// and the bucket it goes to, the manifest (computed at check from `path` when the program gave
// none) and its outputs, reading what a state declares, and opening the bucket through the S3 data
// plane. Each kind's module holds only what it does with them. Over 400 lines on purpose: all of
// it is what both kinds share, and one module keeps each shared rule in one place.
import { z } from "zod";
import { emulatorEndpoints } from "../client";
import { settings, type ProviderConfig } from "../mamutecloud/config";
import { bucketResponse } from "./bucket";
import { registerSecret } from "../redact";
import {
  type CheckFailure,
  type Context,
  type InputProperty,
  type InputsOf,
  type OutputProperty,
  type PropertyMap,
  type ResourceDefinition,
} from "../resource";
import type { SyncBucket } from "../sync/bucket";
import {
  checkManifest,
  filesSchema,
  globList,
  globRules,
  headersSchema,
  manifestFromPath,
  nonEmpty,
  prefixSchema,
} from "../sync/folderInputs";
import { S3_ETAG } from "../sync/hashKinds";
import { ownerInput } from "../sync/owner";
import { S3_STORE, decodeFiles, manifestDigest } from "../sync/manifest";
import type { ServedAt } from "../sync/purge";

export { nonEmpty };
export { manifestOutputs, refreshedManifest } from "../sync/plan";

// Small files are latency-bound: measured with bench:sync, 48 in flight uploaded a 2,010-file site in
// 22-44% less time than 16 in three paired runs (multipart uploads stay limited to two at once whatever this is).
export const DEFAULT_CONCURRENCY = 48;

export const endpointSchema = z.string().refine((value) => /^https?:\/\/[^\s/]+/.test(value), {
  message: "must be an http(s) URL such as https://s3-us-east-1.mamutecloud.com",
});

/** For inputs that change nothing stored by themselves: they shaped the manifest (compared already) or say how to reach S3. */
export const ignoredByDiff = (): boolean => true;

/**
 * An import (or `.get()`) knows only the id: no credential to list the bucket with, and no manifest
 * to compare: the folder a folder kind deploys lives in the program.
 */
export function refuseReadByIdAlone(kind: string, id: string, state: Pick<FolderProps, "accessKeyId">, firstUp: string): void {
  if (state.accessKeyId !== undefined) return;
  throw new Error(
    `${kind} "${id}" cannot be imported or read by id alone (it needs the credential and the local folder): ` +
      `declare it in the program instead, and its first \`pulumi up\` ${firstUp}`,
  );
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

/**
 * What a folder kind's operations read of its checked inputs, or of a state (old outputs), where
 * any of them may be missing: the shared inputs, and the CDN inputs each kind declares its own way.
 */
export type FolderProps = Partial<InputsOf<typeof folderInputs>> & { cdnResourceId?: string; cdnBaseUrl?: string; __owner?: unknown };

export function declared(props: FolderProps): Declared {
  const prefix = props.prefix ?? "";
  return {
    bucket: props.bucket ?? "",
    prefix,
    files: decodeFiles(props.files),
    headers: props.headers ?? {},
    folder: props.path ?? ".",
    concurrency: props.concurrency ?? DEFAULT_CONCURRENCY,
    cdnResourceId: props.cdnResourceId,
    served: props.cdnBaseUrl !== undefined ? { prefix, baseUrl: props.cdnBaseUrl } : undefined,
  };
}

function configOf(ctx: Context): ProviderConfig {
  // The backend that runs these kinds resolves MamuteCloud's configuration (provider/mamutecloud/config.ts).
  return (ctx.config ? ctx.config() : ctx.client().config) as ProviderConfig;
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
  props: Pick<FolderProps, "bucket" | "s3Endpoint">,
  bucketAnswer: () => Promise<string | undefined> = async () => undefined,
): Promise<string> {
  if (props.s3Endpoint) return props.s3Endpoint.replace(/\/+$/, "");
  if (config.s3EndpointSet !== false) return config.s3Endpoint;
  const answered = await bucketAnswer();
  if (answered) return answered.replace(/\/+$/, "");
  const emulator = (await emulatorEndpoints(config.endpoint))?.s3Endpoint;
  if (emulator) return emulator.replace(/\/+$/, "");
  if (config.endpoint === settings.endpoint.default) return config.s3Endpoint;
  throw new S3EndpointUnknownError(
    `the S3 endpoint of bucket ${props.bucket} is not known: the API's answer for the bucket gave none and ` +
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

async function openBucket(ctx: Context, props: FolderProps): Promise<SyncBucket> {
  const config = configOf(ctx);
  // The AWS SDK prints a notice on Node 20 about its releases after January 2027 into every `up`'s
  // output (seen through the real CLI); it concerns SDK versions this package does not pin, so the
  // SDK's own switch turns off that notice, unless the user set it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Loaded here, not at the top: a preview or a no-change `up` never needs the AWS SDK.
  const { SyncBucket } = await import("../sync/bucket");
  const { bucket, concurrency } = declared(props);
  const secretAccessKey = props.secretAccessKey ?? "";
  registerSecret(secretAccessKey);
  return new SyncBucket({
    endpoint: await s3EndpointFor(config, props, () => bucketS3Endpoint(ctx, bucket)),
    bucket,
    accessKeyId: props.accessKeyId ?? "",
    secretAccessKey,
    concurrency,
    retry: config.retry,
    requestTimeoutMs: config.requestTimeoutMs,
  });
}

export async function withBucket<T>(ctx: Context, props: FolderProps, run: (bucket: SyncBucket) => Promise<T>): Promise<T> {
  const bucket = await openBucket(ctx, props);
  try {
    return await run(bucket);
  } finally {
    bucket.close();
  }
}

export const folderInputs = {
  bucket: {
    description:
      "Id of the bucket (a Bucket's `id`). Changing it replaces the SyncedFolder: its files are deleted from the old bucket, then uploaded to the new one.",
    outputDescription: "Id of the bucket the files are in.",
    schema: nonEmpty("a bucket id").refine((value) => !/[\s/]/.test(value), { message: 'must be a bucket id, without "/" or spaces' }),
    required: true,
    replaceOnChange: true,
  },
  accessKeyId: {
    description: "S3 access key id of a credential that opens the bucket (a BucketCredential's `accessKeyId`).",
    outputDescription: "Access key id of the credential that uploads.",
    schema: nonEmpty("an S3 access key id"),
    required: true,
  },
  secretAccessKey: {
    description: "S3 secret access key of that credential (a BucketCredential's `secretAccessKey`). Kept secret in state.",
    outputDescription: "Its secret; always secret in state.",
    schema: nonEmpty("an S3 secret access key"),
    required: true,
    secret: true,
  },
  prefix: {
    description:
      'Folder in the bucket the files go under (`"site"` → keys `site/...`); default the bucket\'s root. Changing it moves the files.',
    outputDescription: "The prefix as stored: empty, or a folder ending in `/`.",
    schema: prefixSchema,
    default: "",
  },
  path: {
    description:
      "The local folder (a relative path resolves against the program's folder). The SDK classes read it when the program runs; " +
      "given without `files` and `headers` (a program in YAML, Python, Go, Java, .NET), the plugin reads it at each check.",
    outputDescription: "The local folder as given.",
    schema: nonEmpty("a folder path"),
    required: true,
  },
  include: {
    description: "Globs of the files to upload, relative to path; default every file. Applied where the manifest is computed.",
    outputDescription: "Globs of the files uploaded, as given.",
    schema: globList,
  },
  exclude: {
    description:
      "Globs of files to leave out; default `**/.git/**`, `**/.DS_Store`, `**/Thumbs.db`. Applied where the manifest is computed.",
    outputDescription: "Globs of the files left out, as given.",
    schema: globList,
  },
  cacheControl: {
    description:
      "Glob → Cache-Control, first match in the order written wins. Unmatched: fingerprinted assets (`app-3f9a2b1c.js`) " +
      "`public, max-age=31536000, immutable`; every other file (pages, unfingerprinted CSS, scripts, images) " +
      "`public, max-age=0, s-maxage=86400, must-revalidate`: browsers revalidate it, the CDN keeps it until purged.",
    outputDescription: "Glob → Cache-Control rules, as given.",
    schema: globRules,
  },
  contentTypes: {
    description: "Glob → Content-Type, first match wins; unmatched files get the type of their extension (text with `charset=utf-8`).",
    outputDescription: "Glob → Content-Type rules, as given.",
    schema: globRules,
  },
  concurrency: {
    description: "Files uploaded at once (1-64), each over a kept-alive connection.",
    outputDescription: "Files uploaded at once.",
    schema: z.number().int().min(1).max(64),
    default: DEFAULT_CONCURRENCY,
  },
  s3Endpoint: {
    description:
      "S3 endpoint of the bucket. Default the provider's `mamutecloud:s3Endpoint`; unset, the bucket's own (the API's answer " +
      "for it, asked at each sync), else the emulator's (against an endpoint on loopback), else the production one for the " +
      "production API.",
    outputDescription: "The S3 endpoint given; undefined when it is found as above.",
    schema: endpointSchema,
  },
  files: {
    description:
      'The manifest: one line per file, `"<path>\\t<hash> <size> <headers code>"`, sorted, after a first line `"@files 1"` ' +
      "(one string, so that it crosses the engine's wire as one value whatever the file count). The TypeScript classes compute it " +
      "when the program runs; when neither it nor `headers` is given, the plugin computes both from `path` (with include, exclude, " +
      "cacheControl and contentTypes) at check, so `pulumi preview --diff` still lists the files added, changed and removed. " +
      "Give both, or neither.",
    outputDescription: 'The manifest: one line per file, `"<path>\\t<hash> <size> <headers code>"`, the hash being the object\'s S3 ETag.',
    schema: filesSchema(S3_ETAG, 'the entry must be "<hash> <size> <headers code>" as the SyncedFolder class computes it'),
    // Always set after check: given, or computed from `path` (refineFolder).
    computed: true,
    // Held once, in the inputs; filesDigest and filesIndex stand for it in the outputs.
    inputOnly: true,
  },
  headers: {
    description:
      'Headers codes of the manifest → "<content type>|<cache-control>". Computed with `files`: by the TypeScript classes, or by ' +
      "the plugin from `path` when neither is given.",
    outputDescription: 'Headers codes of `files` → `"<content type>|<cache-control>"`.',
    schema: headersSchema(),
    computed: true,
  },
} satisfies Record<string, InputProperty>;

export const folderOutputs = {
  filesDigest: {
    description: "SHA-256 of the manifest last synced (base64url): a new manifest with the same digest needs no S3 request.",
    schema: z.string(),
  },
  filesIndex: {
    description: "The files last synced and their headers codes, compressed (the manifest itself is kept once, in the inputs).",
    schema: z.string(),
  },
} satisfies Record<string, OutputProperty>;

/**
 * Diff of a folder kind: what is stored depends on the bucket, prefix and manifest; the credential
 * must be recorded for later operations. The rest shaped the manifest (already compared) or says how
 * to reach S3.
 */
export const folderSame: NonNullable<ResourceDefinition["same"]> = {
  files: (_old, next, olds) => olds.filesDigest === manifestDigest(next as string),
  path: ignoredByDiff,
  include: ignoredByDiff,
  exclude: ignoredByDiff,
  cacheControl: ignoredByDiff,
  contentTypes: ignoredByDiff,
  concurrency: ignoredByDiff,
  s3Endpoint: ignoredByDiff,
  headers: ignoredByDiff,
};

/** The inputs the manifest is read from, beside the folder's content. */
const MANIFEST_SOURCES = ["path", "include", "exclude", "cacheControl", "contentTypes"] as const;

/**
 * What check adds across a folder kind's properties: the owner mark (kept like an input), the
 * manifest when only `path` was given (sync/folderInputs.ts), and a manifest that holds together.
 */
export function refineFolder(inputs: PropertyMap, olds: PropertyMap, failures: CheckFailure[]): void {
  const owner = ownerInput(inputs, olds);
  if (owner !== undefined) inputs.__owner = owner;
  else delete inputs.__owner;
  manifestFromPath(inputs, failures, { sources: MANIFEST_SOURCES, profile: S3_STORE });
  checkManifest(inputs, failures, S3_ETAG, "S3's");
}

/** The inputs the SDK classes compute in the program (the manifest), and how. */
export const folderComputedByClass = {
  inputs: ["files", "headers"],
  helper: "withFolderManifest",
  dynamicHelper: "syncedFolderProps",
  readInProgram: ["path", "include", "exclude", "cacheControl", "contentTypes"],
} satisfies ResourceDefinition["computedByClass"];
