// Bucket: `/object-storage/buckets`. The name updates in place (rename); the storage class cannot
// change, so a new one replaces the bucket. A bucket that still holds files is never deleted
// unless `forceDestroy` is set: the API itself would delete the files with it.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { isConflict, isNotFound, UnexpectedResponseError, type ApiClient } from "../client";
import { dialectOf } from "../mamutecloud/dialect";
import { conflictAdvice, deleteIt, interruptedAdvice } from "../mamutecloud/conflict";
import { GENERATED_NAME_INPUTS, keepGeneratedName } from "../generatedName";
import { adoptByUniqueKey } from "../lookup";
import { untilEmpty } from "../wait";
import { unlessGone } from "../gone";
import { defineResource, isUnknown, present, type CheckFailure, type PropertyMap } from "../resource";

export const STORAGE_CLASSES = ["Standard", "InfrequentAccess", "Archive"] as const;
type StorageClass = (typeof STORAGE_CLASSES)[number];

const NAME_RULE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export const bucketName = z
  .string()
  .transform((name) => name.toLowerCase())
  .refine((name) => NAME_RULE.test(name), {
    message:
      'must be 3-63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit; ' + "omit it to get a generated name",
  });

const storageClass = z.string().transform((value, ctx): StorageClass => {
  const key = value.replace(/[-_\s]/g, "").toLowerCase();
  const match = STORAGE_CLASSES.find((candidate) => candidate.toLowerCase() === key);
  if (!match) {
    ctx.addIssue({ code: "custom", message: `must be one of ${STORAGE_CLASSES.join(", ")}` });
    return z.NEVER;
  }
  return match;
});

// Read by need: the id is what a bucket is known by, the name what a lookup finds it by; the rest
// is copied to outputs when the API says it (the documents promise only "bucket { id }").
export const bucketResponse = z.object({
  id: z.string(),
  name: z.string().optional(),
  storage_class: z.string().optional(),
  region: z.string().optional(),
  s3_endpoint: z.string().optional(),
  created_at: z.string().optional(),
});
type ApiBucket = z.infer<typeof bucketResponse>;

function outputsOf(bucket: ApiBucket): PropertyMap {
  return present({
    name: bucket.name,
    storageClass: bucket.storage_class,
    region: bucket.region,
    s3Endpoint: bucket.s3_endpoint,
    createdAt: bucket.created_at,
  });
}

/** How many files a first page of the file list shows, and one of their names; undefined when it is not a list. */
function filesOf(client: ApiClient, answer: unknown): { count: number; example?: string } | undefined {
  const page = dialectOf(client).readList(answer);
  if (!page) return undefined;
  const total = (answer as { pagination?: { total?: unknown }; meta?: { total?: unknown }; total?: unknown } | null) ?? {};
  const announced = [total.pagination?.total, total.meta?.total, total.total].find((value) => typeof value === "number") as
    number | undefined;
  const first = page.items[0] as Record<string, unknown> | undefined;
  const example = [first?.key, first?.name, first?.filename].find((value) => typeof value === "string") as string | undefined;
  return { count: Math.max(announced ?? 0, page.items.length), example };
}

const bucketPath = (id: string) => `/object-storage/buckets/${encodeURIComponent(id)}`;

async function findByName(client: ApiClient, name: string): Promise<ApiBucket | undefined> {
  const buckets = await client.listAll({ operation: "list buckets", path: "/object-storage/buckets", item: bucketResponse });
  // Checked here whatever the server did with the list: a lookup adopts only the bucket of this name.
  return buckets.find((bucket) => bucket.name === name);
}

/** `interrupted`: the advice for a create (interruptedAdvice), not for a rename. */
function nameTaken(name: string, found: ApiBucket | undefined, interrupted = ""): Error {
  const holder = found ? ` by bucket ${found.id}` : " (bucket names are unique across MamuteCloud)";
  return new CreateConflictError(
    `bucket name "${name}" is already taken${holder}. ${interrupted}${conflictAdvice("bucket")} ` +
      "Otherwise choose another name, or omit name to get a generated one.",
  );
}

/**
 * A storage class change replaces the bucket, and the old one is deleted with the old state's
 * forceDestroy: false there means a bucket that holds files is never deleted, and the replacement
 * is stuck half-way (new bucket made, old one kept, every later up failing). Check cannot see the
 * files, so it asks for forceDestroy in the state first, which makes the loss of the files explicit.
 */
function refuseLosingFiles(inputs: PropertyMap, olds: PropertyMap, failures: CheckFailure[]): void {
  const before = olds.storageClass;
  const after = inputs.storageClass;
  if (typeof before !== "string" || typeof after !== "string" || isUnknown(after) || before === after) return;
  if (olds.forceDestroy === true) return;
  failures.push({
    property: "storageClass",
    reason:
      `changing it from ${before} to ${after} replaces the bucket, and the replacement deletes the old bucket with every ` +
      "file in it (the API cannot move files between storage classes). To go ahead, first set forceDestroy: true and run " +
      "`pulumi up` (that changes nothing else), then change storageClass; or copy the files to a new Bucket yourself.",
  });
}

export const bucket = defineResource({
  kind: "Bucket",
  description: "A MamuteCloud object storage bucket.",
  inputs: {
    name: {
      description:
        "Bucket name: 3-63 characters of a-z, 0-9 and `-` (upper case is lowered). Changing it renames the bucket in place. " +
        "Omitted: `<resource name>-<7 characters derived from the resource's URN>`, kept across runs; a replacement derives a new one.",
      outputDescription: "The bucket's name (lower case), chosen or generated; S3 also accepts it in place of the id.",
      schema: bucketName,
      computed: true,
    },
    storageClass: {
      description: "`Standard`, `InfrequentAccess` or `Archive` (case and `-`/`_` ignored). Changing it replaces the bucket.",
      outputDescription: "`Standard`, `InfrequentAccess` or `Archive`, in the API's spelling.",
      schema: storageClass,
      default: "Standard",
      replaceOnChange: true,
      union: { name: "StorageClass", values: STORAGE_CLASSES },
    },
    forceDestroy: {
      description:
        "Delete the bucket even when it still holds files, deleting them too. When false (the default), destroying a " +
        "bucket that holds files fails and deletes nothing.",
      outputDescription: "Whether destroying the bucket also deletes the files it holds.",
      schema: z.boolean(),
      default: false,
    },
  },
  outputs: {
    region: { description: "Region of the bucket (when the API says).", schema: z.string(), required: false, typedAsSet: true },
    s3Endpoint: {
      description: "S3 endpoint that serves the bucket, path-style (when the API says).",
      schema: z.string(),
      required: false,
      typedAsSet: true,
    },
    createdAt: {
      description: "When the bucket was created, ISO 8601 (when the API says).",
      schema: z.string(),
      required: false,
      typedAsSet: true,
    },
  },

  internalInputs: GENERATED_NAME_INPUTS,

  refine(inputs, olds, failures, naming) {
    refuseLosingFiles(inputs, olds, failures);
    keepGeneratedName(bucket, inputs, olds, naming);
  },

  // A user-chosen name stays the same across a replacement: the old bucket must go first.
  deleteBeforeReplace: (olds, news) => isUnknown(news.name) || olds.name === news.name,

  async create(ctx, inputs) {
    const client = ctx.client();
    const { name } = inputs;
    const created = await createAdopting({
      client,
      key: { name },
      what: `a bucket named "${name}"`,
      idOf: (found) => found.id,
      create: () =>
        client.call({
          operation: `create bucket "${name}"`,
          method: "POST",
          path: "/object-storage/buckets",
          body: { name, storage_class: inputs.storageClass },
          response: bucketResponse,
        }),
      lookup: async () => {
        const found = await findByName(client, name);
        return found ? [found] : [];
      },
      createdAt: (found) => found.created_at,
      // Found by its name: a name derived from this resource's URN is this resource's.
      marked: () => inputs.__nameFromUrn === true,
      conflict: (found) =>
        nameTaken(
          name,
          found,
          found &&
            `${interruptedAdvice({ kind: "Bucket", id: found.id, createdAt: found.created_at, removal: deleteIt(client, bucketPath(found.id)) })} `,
        ),
    });
    return { id: created.id, outs: outputsOf(created) };
  },

  async read(ctx, id) {
    const found = await ctx
      .client()
      .find({ operation: `read bucket ${id}`, method: "GET", path: bucketPath(id), response: bucketResponse });
    return found && outputsOf(found);
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    if (olds.name === news.name) return {};
    try {
      const renamed = await client.call({
        operation: `rename bucket ${id} from "${olds.name}" to "${news.name}"`,
        method: "PUT",
        path: bucketPath(id),
        body: { name: news.name },
        response: bucketResponse,
      });
      return outputsOf(renamed);
    } catch (err) {
      if (isConflict(err)) throw nameTaken(news.name, await findByName(client, news.name).catch(() => undefined));
      if (isNotFound(err)) {
        throw new Error(
          `cannot rename bucket "${olds.name}" (${id}): it no longer exists (${err.message}). Run \`pulumi refresh\` to drop it ` +
            "from the stack; the next `pulumi up` creates it again.",
        );
      }
      throw err;
    }
  },

  ...adoptByUniqueKey({
    kind: "Bucket",
    key: "name",
    keyArg: { description: "The bucket's name.", schema: bucketName },
    lookupDescription: "An existing bucket, by id or by name.",
    find: findByName,
    outputsOf,
  }),

  async delete(ctx, id, state) {
    const client = ctx.client();
    if (state.forceDestroy !== true) {
      const operation = `list files of bucket ${id}`;
      const look = async () => {
        const answer = await client.find({
          operation,
          method: "GET",
          path: `${bucketPath(id)}/files`,
          query: { page: 1, limit: 1 },
          response: z.unknown(),
        });
        if (answer === undefined) return undefined; // the bucket is already gone
        // Whatever the envelope: when the answer cannot be read as a list, nothing is deleted.
        const files = filesOf(client, answer);
        if (!files) throw new UnexpectedResponseError(operation, "not a list of files; the bucket was not deleted", "MamuteCloud");
        return files;
      };
      const files = await untilEmpty(`bucket "${state.name}" (${id})`, look, (left) => left === undefined || left.count === 0);
      if (files === undefined) return;
      const { count, example } = files;
      if (count > 0) {
        throw new Error(
          `bucket "${state.name}" (${id}) still holds ${count} file${count === 1 ? "" : "s"}` +
            `${example ? ` (e.g. ${example})` : ""} and forceDestroy is false, so it was not deleted and nothing in it was touched. ` +
            "To delete it with its files, set forceDestroy: true and run `pulumi up` before destroying; or empty it first.",
        );
      }
    }
    await unlessGone(() => client.call({ operation: `delete bucket "${state.name}" (${id})`, method: "DELETE", path: bucketPath(id) }));
  },
});
