// Bucket: `/storage/buckets`. Buckets are addressed by name (the name is the id) and the reference
// has no route that updates one but versioning (`PATCH …/versioning`), so a new name or a change of
// `public` replaces the bucket, while versioning changes in place. There is no route that reads one
// bucket either: a read finds it in the bucket list. A replacement deletes the old bucket, with every
// object in it when `forceDestroy` is set, so it is refused at preview unless `forceDestroy` is
// already true in the state; a delete without it deletes nothing from a bucket that holds objects.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../../../provider/adopt";
import { isConflict, type ApiClient } from "../../../provider/client";
import { unlessGone } from "../../../provider/gone";
import { adoptByUniqueKey } from "../../../provider/lookup";
import { GENERATED_NAME_INPUTS, keepGeneratedName } from "../../../provider/generatedName";
import {
  changedProperties,
  defineResource,
  isUnknown,
  present,
  replacementsOf,
  type CheckFailure,
  type PropertyMap,
} from "../../../provider/resource";
import { forgetShared, sharedRead } from "../../../provider/sharedRead";

const NAME_RULE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Names the reference's routes take for themselves (`/storage/buckets`, `/storage/versions/…`): a bucket so named could not be listed. */
export const RESERVED_NAMES = ["buckets", "versions", "multipart", "cluster"];

export const bucketName = z
  .string()
  .transform((name) => name.toLowerCase())
  .refine((name) => NAME_RULE.test(name), {
    message: 'must be 3-63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit; omit it to get a generated name',
  })
  .refine((name) => !RESERVED_NAMES.includes(name), {
    message: `must not be one of ${RESERVED_NAMES.join(", ")}: The Cloud's storage routes use those words (/storage/<word>/…)`,
  });

// Read by need: the name is what a bucket is known by; the rest is copied when the list says it
// (the reference documents no field of the list).
export const bucketResponse = z.object({
  name: z.string(),
  id: z.string().optional(),
  is_public: z.boolean().optional(),
  versioning_enabled: z.boolean().optional(),
  versioning: z.boolean().optional(),
  created_at: z.string().optional(),
});
export type ApiBucket = z.infer<typeof bucketResponse>;

const BUCKETS = "/storage/buckets";
export const bucketPath = (name: string) => `${BUCKETS}/${encodeURIComponent(name)}`;

function outputsOf(bucket: ApiBucket): PropertyMap {
  return present({
    name: bucket.name,
    public: bucket.is_public,
    versioning: bucket.versioning_enabled ?? bucket.versioning,
    bucketId: bucket.id,
    createdAt: bucket.created_at,
  });
}

/** Every bucket, one list shared by the reads that need it at once (a refresh reads each bucket from it). */
function listBuckets(client: ApiClient): Promise<ApiBucket[]> {
  return sharedRead(client, BUCKETS, () =>
    client.listAll({ operation: "list buckets", path: BUCKETS, item: bucketResponse, idOf: nameOf }),
  );
}

const nameOf = (raw: unknown) => (raw !== null && typeof raw === "object" ? String((raw as { name?: unknown }).name) : undefined);

export async function findBucket(client: ApiClient, name: string): Promise<ApiBucket | undefined> {
  return (await listBuckets(client)).find((bucket) => bucket.name === name);
}

/** The objects a bucket holds (latest versions), as many as its list shows. */
export async function objectCount(client: ApiClient, name: string): Promise<{ count: number; example?: string }> {
  const objects = await client.listAll({
    operation: `list the objects of bucket "${name}"`,
    path: `/storage/${encodeURIComponent(name)}`,
    item: z.object({ key: z.string() }).passthrough(),
    idOf: (raw) => (raw !== null && typeof raw === "object" ? String((raw as { key?: unknown }).key) : undefined),
  });
  return { count: objects.length, example: objects[0]?.key };
}

/**
 * A change that replaces the bucket deletes the old one, with its objects when forceDestroy is set
 * and not at all otherwise (the replacement would then stop half-way, the new bucket made and the
 * old one kept). Check cannot see the objects, so it asks for forceDestroy in the state first,
 * which makes the loss explicit.
 */
function refuseLosingObjects(inputs: PropertyMap, olds: PropertyMap, failures: CheckFailure[]): void {
  if (olds.name === undefined || olds.forceDestroy === true) return;
  // What the user changed: a generated name changes only because something else replaces the bucket.
  const replaced = replacementsOf(bucket, changedProperties(bucket, olds, inputs)).filter(
    (key) => !isUnknown(inputs[key]) && !(key === "name" && inputs.__autoname === true),
  );
  if (replaced.length === 0) return;
  failures.push({
    property: replaced[0],
    reason:
      `changing ${replaced.join(" and ")} replaces the bucket (The Cloud has no route that changes it in place), and the ` +
      "replacement deletes the old bucket with every object in it. To go ahead, first set forceDestroy: true and run " +
      "`pulumi up` (that changes nothing else), then make this change; or copy the objects to a new Bucket yourself.",
  });
}

export const bucket = defineResource({
  kind: "Bucket",
  description: "A The Cloud storage bucket, with versioning and public reads as options.",
  inputs: {
    name: {
      description:
        "Bucket name: 3-63 characters of a-z, 0-9 and `-` (upper case is lowered), not `buckets`, `versions`, `multipart` or " +
        "`cluster`. Changing it replaces the bucket. Omitted: `<resource name>-<7 characters derived from the resource's URN>`, " +
        "kept across runs; a replacement derives a new one.",
      outputDescription: "The bucket's name (lower case), chosen or generated: its id in every route.",
      schema: bucketName,
      computed: true,
      replaceOnChange: true,
    },
    public: {
      description:
        "Whether anyone may read its objects without a key. Changing it replaces the bucket (the API has no route that changes it).",
      schema: z.boolean(),
      default: false,
      replaceOnChange: true,
    },
    versioning: {
      description: "Keep every version of each object; a delete then hides the latest version (a soft delete). Changes in place.",
      schema: z.boolean(),
      default: false,
    },
    forceDestroy: {
      description:
        "Delete the bucket even when it still holds objects, deleting them (and every version) too. When false (the default), " +
        "destroying a bucket that holds objects fails, names how many, and deletes nothing.",
      outputDescription: "Whether destroying the bucket also deletes the objects it holds.",
      schema: z.boolean(),
      default: false,
    },
  },
  outputs: {
    bucketId: { description: "The API's own id of the bucket (when it says).", schema: z.string(), required: false },
    createdAt: { description: "When the bucket was created, ISO 8601 (when the API says).", schema: z.string(), required: false },
  },

  internalInputs: GENERATED_NAME_INPUTS,

  refine(inputs, olds, failures, naming) {
    keepGeneratedName(bucket, inputs, olds, naming);
    refuseLosingObjects(inputs, olds, failures);
  },

  // A user-chosen name stays the same across a replacement of `public`: the old bucket must go first.
  deleteBeforeReplace: (olds, news) => isUnknown(news.name) || olds.name === news.name,

  async create(ctx, inputs) {
    const client = ctx.client();
    const { name } = inputs;
    forgetShared(client, BUCKETS);
    const created = await createAdopting({
      client,
      key: { name },
      what: `a bucket named "${name}"`,
      idOf: (found) => found.name,
      create: () =>
        client.call({
          operation: `create bucket "${name}"`,
          method: "POST",
          path: BUCKETS,
          body: { name, is_public: inputs.public },
          response: bucketResponse,
        }),
      lookup: async () => {
        forgetShared(client, BUCKETS);
        const found = await findBucket(client, name);
        return found ? [found] : [];
      },
      createdAt: (found) => found.created_at,
      marked: () => inputs.__nameFromUrn === true,
      conflict: (found) =>
        new CreateConflictError(
          `bucket name "${name}" is already taken${found?.id ? ` (bucket ${found.id})` : ""}: bucket names are unique across ` +
            "The Cloud. Choose another name, or omit name to get a generated one.",
        ),
    });
    forgetShared(client, BUCKETS);
    let versioning = created.versioning_enabled ?? created.versioning ?? false;
    if (inputs.versioning !== versioning) {
      await setVersioning(client, name, inputs.versioning);
      versioning = inputs.versioning;
    }
    return { id: name, outs: { ...outputsOf(created), public: created.is_public ?? inputs.public, versioning } };
  },

  async read(ctx, id) {
    const found = await findBucket(ctx.client(), id);
    return found ? outputsOf(found) : undefined;
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    if (olds.versioning !== news.versioning) await setVersioning(client, id, news.versioning);
    return { versioning: news.versioning };
  },

  async delete(ctx, id, state) {
    const client = ctx.client();
    if (state.forceDestroy !== true) {
      const held = await unlessGone(() => objectCount(client, id));
      if (held === undefined) return;
      if (held.count > 0) throw nonEmpty(id, held.count, held.example);
    }
    forgetShared(client, BUCKETS);
    try {
      await unlessGone(() =>
        client.call({
          operation: `delete bucket "${id}"`,
          method: "DELETE",
          path: bucketPath(id),
          query: state.forceDestroy === true ? { force: "true" } : undefined,
        }),
      );
    } catch (err) {
      // Listed empty, yet refused: what the list does not show (soft-deleted versions) keeps it.
      if (isConflict(err) || (err instanceof Error && /not empty|non-empty/i.test(err.message)))
        throw nonEmpty(id, undefined, undefined, err);
      throw err;
    }
  },

  ...adoptByUniqueKey({
    kind: "Bucket",
    key: "name",
    keyArg: { description: "The bucket's name.", schema: z.string().min(1) },
    lookupDescription: "An existing bucket, by name (its id).",
    find: async (client, name) => {
      const found = await findBucket(client, name);
      return found && { ...found, bucketId: found.id, id: found.name };
    },
    outputsOf: (found) => outputsOf({ ...found, id: found.bucketId }),
  }),
});

async function setVersioning(client: ApiClient, name: string, enabled: boolean): Promise<void> {
  await client.call({
    operation: `${enabled ? "enable" : "disable"} versioning of bucket "${name}"`,
    method: "PATCH",
    path: `${bucketPath(name)}/versioning`,
    body: { enabled },
    response: z.unknown(),
  });
}

function nonEmpty(name: string, count: number | undefined, example: string | undefined, cause?: unknown): Error {
  const held =
    count === undefined
      ? `still holds objects the object list does not show (${cause instanceof Error ? cause.message : "the API refused the delete"}; soft-deleted versions keep a versioned bucket non-empty)`
      : `still holds ${count} object${count === 1 ? "" : "s"}${example ? ` (such as "${example}")` : ""}`;
  return new Error(
    `bucket "${name}" ${held}, and forceDestroy is false, so nothing was deleted. Set forceDestroy: true on the Bucket and run ` +
      "`pulumi up` (that changes nothing else), then destroy it again; or empty it first.",
  );
}
