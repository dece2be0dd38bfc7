// Buckets: names are checked as the reference states them (lowercase, no folding), unique across the emulator; the storage class is
// matched loosely, answered in one spelling, and fixed for the bucket's life.
import type { Bucket, EmulatorState, StorageClass } from "../state";
import { conflict, notFound, timestamp, validationError, type JsonObject } from "./http";
import { optionalString, requiredString } from "./fields";
import { paginate, parsePage } from "./pagination";
import type { Route } from "./router";

const STORAGE_CLASSES: readonly StorageClass[] = ["Standard", "InfrequentAccess", "Archive"];
export const DEFAULT_STORAGE_CLASS: StorageClass = "Standard";

/** The documented rule; upper case is refused rather than folded, as the reference says "lowercase". */
export function canonicalBucketName(raw: string): string {
  const name = raw;
  if (/[A-Z]/.test(name)) throw validationError("name", `must be lowercase (a-z, 0-9 and -); use "${name.toLowerCase()}"`);
  if (name.length < 3 || name.length > 63) throw validationError("name", "must be 3-63 characters");
  if (!/^[a-z0-9-]+$/.test(name)) throw validationError("name", "must contain only a-z, 0-9 and -");
  if (name.startsWith("-") || name.endsWith("-")) throw validationError("name", "must start and end with a letter or digit");
  return name;
}

/** `infrequent_access`, `Infrequent-Access` and `INFREQUENTACCESS` are all `InfrequentAccess`. */
export function canonicalStorageClass(raw: string): StorageClass {
  const loose = (value: string) => value.toLowerCase().replace(/[-_]/g, "");
  const match = STORAGE_CLASSES.find((storageClass) => loose(storageClass) === loose(raw));
  if (!match) throw validationError("storage_class", `must be one of ${STORAGE_CLASSES.join(", ")}`);
  return match;
}

export function bucketJson(bucket: Bucket, s3Url: string) {
  let sizeBytes = 0;
  for (const object of bucket.objects.values()) sizeBytes += object.size;
  return {
    id: bucket.id,
    name: bucket.name,
    storage_class: bucket.storageClass,
    region: "us-east-1",
    s3_endpoint: s3Url,
    object_count: bucket.objects.size,
    size_bytes: sizeBytes,
    created_at: timestamp(bucket.createdAt),
    updated_at: timestamp(bucket.updatedAt),
  };
}

/** The management API addresses buckets by id only (S3 also takes the name). */
export function bucketById(state: EmulatorState, bucketId: string): Bucket {
  const bucket = state.buckets.get(bucketId);
  if (!bucket) throw notFound(`bucket ${bucketId} not found`);
  return bucket;
}

function assertNameFree(state: EmulatorState, name: string, exceptBucketId?: string): void {
  for (const bucket of state.buckets.values()) {
    if (bucket.name === name && bucket.id !== exceptBucketId) {
      throw conflict(`name: bucket name ${name} is already taken`, "name");
    }
  }
}

function readStorageClass(body: JsonObject): StorageClass | undefined {
  const raw = optionalString(body, "storage_class");
  return raw === undefined ? undefined : canonicalStorageClass(raw);
}

export function bucketRoutes(state: EmulatorState, s3Url: () => string): Route[] {
  const json = (bucket: Bucket) => bucketJson(bucket, s3Url());
  return [
    {
      method: "POST",
      template: "/object-storage/buckets",
      handler: async (ctx) => {
        const body = await ctx.body();
        const name = canonicalBucketName(requiredString(body, "name"));
        const storageClass = readStorageClass(body) ?? DEFAULT_STORAGE_CLASS;
        assertNameFree(state, name);
        const now = state.now();
        const bucket: Bucket = {
          id: state.newId("bkt"),
          name,
          storageClass,
          createdAt: now,
          updatedAt: now,
          objects: new Map(),
          uploads: new Map(),
        };
        state.buckets.set(bucket.id, bucket);
        return { status: 201, body: json(bucket) };
      },
    },
    {
      method: "GET",
      template: "/object-storage/buckets",
      handler: (ctx) => {
        const page = parsePage(ctx.query);
        const buckets = [...state.buckets.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id));
        return { status: 200, body: paginate(buckets, page, json) };
      },
    },
    {
      method: "GET",
      template: "/object-storage/buckets/{bucketId}",
      handler: (ctx) => ({ status: 200, body: json(bucketById(state, ctx.params.bucketId)) }),
    },
    {
      method: "PUT",
      template: "/object-storage/buckets/{bucketId}",
      handler: async (ctx) => {
        const bucket = bucketById(state, ctx.params.bucketId);
        const body = await ctx.body();
        const name = canonicalBucketName(requiredString(body, "name"));
        const storageClass = readStorageClass(body);
        if (storageClass !== undefined && storageClass !== bucket.storageClass) {
          throw validationError("storage_class", `cannot be changed (the bucket is ${bucket.storageClass})`);
        }
        assertNameFree(state, name, bucket.id);
        if (name !== bucket.name) {
          bucket.name = name;
          bucket.updatedAt = state.now();
        }
        return { status: 200, body: json(bucket) };
      },
    },
    {
      method: "DELETE",
      template: "/object-storage/buckets/{bucketId}",
      handler: (ctx) => {
        const bucket = bucketById(state, ctx.params.bucketId);
        state.deleteBucket(bucket.id);
        return { status: 204 };
      },
    },
  ];
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
