// Buckets (create, list, delete with or without force, versioning) and their lifecycle rules,
// with the expiration those rules drive against the emulator's clock.
import { isAbsent, optionalString, requiredString } from "../../emulator/management/fields";
import { RESERVED_BUCKET_NAMES } from "./router";
import type { Bucket, LifecycleRule, TheCloudState } from "./state";
import {
  ApiError,
  clash,
  created,
  deleted,
  iso,
  listBySerial,
  listReply,
  notFound,
  validationError,
  type Context,
  type JsonObject,
  type Reply,
} from "./http";

const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;
const MAX_PREFIX_BYTES = 1024;
const MAX_EXPIRATION_DAYS = 3650;
const DAY_MS = 86_400_000;

export function bucketJson(ctx: Pick<Context, "dialect">, bucket: Bucket, inList = false) {
  if (inList && ctx.dialect.leanLists) return { id: bucket.id, name: bucket.name, created_at: iso(bucket.createdAt) };
  return {
    id: bucket.id,
    name: bucket.name,
    is_public: bucket.isPublic,
    versioning_enabled: bucket.versioningEnabled,
    created_at: iso(bucket.createdAt),
  };
}

/** The bucket named by the path, or a 404. */
export function bucketOf(ctx: Pick<Context, "state" | "params">): Bucket {
  const bucket = ctx.state.buckets.get(ctx.params.bucket);
  if (!bucket) throw notFound(`bucket ${JSON.stringify(ctx.params.bucket)} not found`);
  return bucket;
}

function requiredBoolean(body: JsonObject, field: string): boolean {
  if (isAbsent(body, field)) throw validationError(field, "is required (true or false)");
  return booleanValue(body, field);
}

function booleanValue(body: JsonObject, field: string): boolean {
  if (typeof body[field] !== "boolean") throw validationError(field, "must be true or false");
  return body[field] as boolean;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export async function createBucket(ctx: Context): Promise<Reply> {
  const body = await ctx.json();
  const name = requiredString(body, "name");
  if (name.length < 3 || name.length > 63) throw validationError("name", "must be 3-63 characters");
  if (!BUCKET_NAME.test(name)) {
    throw validationError("name", "must be 3-63 characters of a-z, 0-9 and -, starting and ending with a letter or a digit");
  }
  if (RESERVED_BUCKET_NAMES.includes(name) && !ctx.dialect.reservedNamesAllowed) {
    throw validationError("name", `${name} is reserved: /storage/${name}/… is a route (reserved: ${RESERVED_BUCKET_NAMES.join(", ")})`);
  }
  const isPublic = isAbsent(body, "is_public") ? false : booleanValue(body, "is_public");
  if (ctx.state.buckets.has(name)) throw clash(ctx.dialect, "name", `bucket ${JSON.stringify(name)} already exists`);
  const bucket: Bucket = {
    id: ctx.state.newId(),
    name,
    isPublic,
    versioningEnabled: false,
    createdAt: ctx.state.now(),
    objects: new Map(),
  };
  ctx.state.buckets.set(name, bucket);
  return created(ctx, bucketJson(ctx, bucket));
}

export function listBuckets(ctx: Context): Reply {
  const buckets = [...ctx.state.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return listReply(
    ctx,
    buckets,
    (bucket) => bucket.name,
    (bucket) => bucketJson(ctx, bucket, true),
  );
}

function forceOf(query: URLSearchParams): boolean {
  const force = query.get("force");
  if (force === null || force === "" || force === "false" || force === "0") return false;
  if (force === "true" || force === "1") return true;
  throw validationError("force", "must be true or false");
}

export function deleteBucket(ctx: Context): Reply {
  const force = forceOf(ctx.query);
  const bucket = bucketOf(ctx);
  const contents = ctx.state.contents(bucket);
  const blocking = ctx.dialect.softDeleteEmpties ? contents.objects : contents.versions;
  if (!force && blocking > 0) {
    const what = ctx.dialect.softDeleteEmpties
      ? plural(contents.objects, "object")
      : `${plural(contents.objects, "object")} and ${plural(contents.softDeleted, "soft-deleted object")} (${plural(contents.versions, "version")} in all)`;
    const message = `bucket ${JSON.stringify(bucket.name)} is not empty: ${what}; delete them or pass ?force=true`;
    throw ctx.dialect.nonEmptyStatus === 409 ? new ApiError(409, "conflict", message) : new ApiError(400, "validation_error", message);
  }
  ctx.state.deleteBucket(bucket);
  return deleted(ctx, "bucket");
}

export async function setVersioning(ctx: Context): Promise<Reply> {
  const bucket = bucketOf(ctx);
  bucket.versioningEnabled = requiredBoolean(await ctx.json(), "enabled");
  return { status: 200, body: bucketJson(ctx, bucket) };
}

function ruleJson(ctx: Context, rule: LifecycleRule, inList = false) {
  if (inList && ctx.dialect.leanLists) return { id: rule.id, prefix: rule.prefix, expiration_days: rule.expirationDays };
  return { id: rule.id, bucket: rule.bucket, prefix: rule.prefix, expiration_days: rule.expirationDays, created_at: iso(rule.createdAt) };
}

export async function createRule(ctx: Context): Promise<Reply> {
  const bucket = bucketOf(ctx);
  const body = await ctx.json();
  const prefix = optionalString(body, "prefix") ?? "";
  if (Buffer.byteLength(prefix) > MAX_PREFIX_BYTES) throw validationError("prefix", `must be at most ${MAX_PREFIX_BYTES} bytes`);
  if (isAbsent(body, "expiration_days")) throw validationError("expiration_days", "is required");
  const days = body.expiration_days;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > MAX_EXPIRATION_DAYS) {
    throw validationError("expiration_days", `must be an integer from 1 to ${MAX_EXPIRATION_DAYS}`);
  }
  const rule: LifecycleRule = {
    id: ctx.state.newId(),
    bucket: bucket.name,
    prefix,
    expirationDays: days,
    createdAt: ctx.state.now(),
    seq: ctx.state.nextSeq(),
  };
  ctx.state.rules.set(rule.id, rule);
  return created(ctx, ruleJson(ctx, rule));
}

export function listRules(ctx: Context): Reply {
  const bucket = bucketOf(ctx);
  const rules = [...ctx.state.rules.values()].filter((rule) => rule.bucket === bucket.name);
  return listBySerial(ctx, rules, (rule) => ruleJson(ctx, rule, true));
}

export function deleteRule(ctx: Context): Reply {
  const bucket = bucketOf(ctx);
  const rule = ctx.state.rules.get(ctx.params.id);
  if (!rule || rule.bucket !== bucket.name)
    throw notFound(`lifecycle rule ${JSON.stringify(ctx.params.id)} not found in bucket ${JSON.stringify(bucket.name)}`);
  ctx.state.rules.delete(rule.id);
  return deleted(ctx, "lifecycle rule");
}

/**
 * Soft-deletes every current object a rule says is due at the emulator's clock: `expiration_days`
 * after its current version's `created_at` (under `expire-from-rule`, after the later of that and
 * the rule's). Answers how many expired.
 */
export function runLifecycle(state: TheCloudState): number {
  const now = state.nowMs();
  let expired = 0;
  for (const rule of [...state.rules.values()]) {
    const bucket = state.buckets.get(rule.bucket);
    if (!bucket) continue;
    for (const [key, versions] of [...bucket.objects]) {
      if (!key.startsWith(rule.prefix)) continue;
      const current = state.current(versions);
      if (!current) continue;
      const from = state.dialect.expireFromRule
        ? Math.max(current.createdAt.getTime(), rule.createdAt.getTime())
        : current.createdAt.getTime();
      if (from + rule.expirationDays * DAY_MS <= now && state.softDelete(bucket, key)) expired++;
    }
  }
  if (expired > 0) state.changed();
  return expired;
}
