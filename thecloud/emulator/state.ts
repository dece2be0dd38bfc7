// The Cloud emulator's world: users, API keys, buckets with their object versions, lifecycle rules
// and unfinished multipart uploads. Plain data and the rules every route shares (which version is
// current, what a soft delete does, what deleting a bucket takes along); the routes live apart.
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import type { BlobStore, Segment } from "../../emulator/blobs";
import type { SavedState } from "../../emulator/data-dir";
import { DEFAULT_THECLOUD_DIALECT, type TheCloudDialect } from "./dialect";

export interface User {
  id: string;
  email: string;
  name: string;
  passwordSalt: string;
  /** scrypt of the password, hex. */
  passwordHash: string;
  createdAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  key: string;
  createdAt: Date;
  lastUsed: Date;
  /** Creation order, for lists and cursors. */
  seq: number;
}

export interface ObjectVersion {
  /** The object record's `id`: one per version. */
  id: string;
  /** `"null"` when written with versioning off, else a UUID. */
  versionId: string;
  segments: Segment[];
  size: number;
  contentType: string;
  /** sha256 hex of the bytes. */
  checksum: string;
  createdAt: Date;
  /** Soft-deleted (a delete marker on this version). */
  deleted: boolean;
  seq: number;
}

export interface Bucket {
  id: string;
  name: string;
  isPublic: boolean;
  versioningEnabled: boolean;
  createdAt: Date;
  /** By key: the versions kept, oldest first. */
  objects: Map<string, ObjectVersion[]>;
}

export interface LifecycleRule {
  id: string;
  bucket: string;
  prefix: string;
  expirationDays: number;
  createdAt: Date;
  seq: number;
}

export interface UploadPart {
  part: number;
  segment: Segment;
  checksum: string;
  createdAt: Date;
}

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  contentType: string;
  createdAt: Date;
  parts: Map<number, UploadPart>;
}

/** The user every emulator starts with. */
export const START_USER = { email: "user@thecloud.local", password: "thecloud", name: "Emulator User" } as const;

export const API_KEY_PREFIX = "thecloud_";

export function newApiKeyValue(): string {
  return `${API_KEY_PREFIX}${randomBytes(20).toString("hex")}`;
}

function hashPassword(password: string, salt: string): string {
  // A low cost: this guards nothing real, and logins should stay fast in tests.
  return scryptSync(password, salt, 32, { N: 1024 }).toString("hex");
}

export interface BucketContents {
  /** Keys with a current object. */
  objects: number;
  /** Keys whose versions are all soft-deleted (or none current). */
  softDeleted: number;
  /** Versions kept in all. */
  versions: number;
}

export class TheCloudState implements SavedState {
  onChange: () => void = () => undefined;
  /** By id. */
  readonly users = new Map<string, User>();
  /** By id, in creation order. */
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  /** By name. */
  readonly buckets = new Map<string, Bucket>();
  /** By id, in creation order. */
  readonly rules = new Map<string, LifecycleRule>();
  /** Unfinished multipart uploads, by id. */
  readonly uploads = new Map<string, Upload>();
  /** The user the emulator starts with, and the key it printed. */
  startUserId = "";
  startKeyId: string | null = null;
  /** Numbers records in creation order. */
  serial = 0;
  /** How the API answers where the reference is silent; not saved. */
  dialect: TheCloudDialect = DEFAULT_THECLOUD_DIALECT;
  /** Added to `clock()`: `/_emulator/clock` moves time forward; not saved. */
  clockOffsetMs = 0;

  constructor(
    readonly blobs: BlobStore,
    private readonly clock: () => number = Date.now,
  ) {}

  changed(): void {
    this.onChange();
  }

  nowMs(): number {
    return this.clock() + this.clockOffsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  newId(): string {
    return randomUUID();
  }

  nextSeq(): number {
    return ++this.serial;
  }

  addUser(email: string, password: string, name: string): User {
    const salt = randomBytes(16).toString("hex");
    const user: User = {
      id: this.newId(),
      email,
      name,
      passwordSalt: salt,
      passwordHash: hashPassword(password, salt),
      createdAt: this.now(),
    };
    this.users.set(user.id, user);
    return user;
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  passwordMatches(user: User, password: string): boolean {
    const given = Buffer.from(hashPassword(password, user.passwordSalt), "hex");
    const saved = Buffer.from(user.passwordHash, "hex");
    return given.length === saved.length && timingSafeEqual(given, saved);
  }

  addApiKey(userId: string, name: string, key = newApiKeyValue()): ApiKeyRecord {
    const now = this.now();
    const record: ApiKeyRecord = { id: this.newId(), userId, name, key, createdAt: now, lastUsed: now, seq: this.nextSeq() };
    this.apiKeys.set(record.id, record);
    return record;
  }

  apiKeyByValue(key: string): ApiKeyRecord | undefined {
    for (const record of this.apiKeys.values()) if (record.key === key) return record;
    return undefined;
  }

  /** The version a GET answers: the latest unless soft-deleted (or, `soft-delete-reveals`, the newest not deleted). */
  current(versions: readonly ObjectVersion[] | undefined): ObjectVersion | undefined {
    if (!versions || versions.length === 0) return undefined;
    if (this.dialect.softDeleteReveals) {
      for (let i = versions.length - 1; i >= 0; i--) if (!versions[i].deleted) return versions[i];
      return undefined;
    }
    const latest = versions[versions.length - 1];
    return latest.deleted ? undefined : latest;
  }

  /** Adds a version as a PUT or a completed upload does: versioning off replaces the `"null"` version. */
  putVersion(
    bucket: Bucket,
    key: string,
    content: Omit<ObjectVersion, "id" | "versionId" | "createdAt" | "deleted" | "seq">,
  ): ObjectVersion {
    const versions = bucket.objects.get(key) ?? [];
    const version: ObjectVersion = {
      ...content,
      id: this.newId(),
      versionId: bucket.versioningEnabled ? this.newId() : "null",
      createdAt: this.now(),
      deleted: false,
      seq: this.nextSeq(),
    };
    if (!bucket.versioningEnabled) {
      const replaced = versions.findIndex((old) => old.versionId === "null");
      if (replaced >= 0) this.blobs.release(versions.splice(replaced, 1)[0].segments);
    }
    versions.push(version);
    bucket.objects.set(key, versions);
    return version;
  }

  /**
   * The soft delete of DELETE and of lifecycle expiration: false when the key has no current
   * object. Versioning on: the current version is marked deleted. Off: a current `"null"` version
   * is removed with its bytes (another current version is marked deleted). Unless the dialect lets
   * an older version become current, the latest left is marked deleted too.
   */
  softDelete(bucket: Bucket, key: string): boolean {
    const versions = bucket.objects.get(key);
    const current = this.current(versions);
    if (!versions || !current) return false;
    if (!bucket.versioningEnabled && current.versionId === "null") {
      versions.splice(versions.indexOf(current), 1);
      this.blobs.release(current.segments);
    } else {
      current.deleted = true;
    }
    const latest = versions[versions.length - 1];
    if (latest && !this.dialect.softDeleteReveals) latest.deleted = true;
    if (versions.length === 0) bucket.objects.delete(key);
    return true;
  }

  contents(bucket: Bucket): BucketContents {
    const contents: BucketContents = { objects: 0, softDeleted: 0, versions: 0 };
    for (const versions of bucket.objects.values()) {
      contents.versions += versions.length;
      if (this.current(versions)) contents.objects++;
      else contents.softDeleted++;
    }
    return contents;
  }

  /** Removes the bucket with its objects, versions, lifecycle rules and unfinished uploads. */
  deleteBucket(bucket: Bucket): void {
    for (const versions of bucket.objects.values()) for (const version of versions) this.blobs.release(version.segments);
    for (const [id, rule] of this.rules) if (rule.bucket === bucket.name) this.rules.delete(id);
    for (const [id, upload] of this.uploads) if (upload.bucket === bucket.name) this.deleteUpload(id);
    this.buckets.delete(bucket.name);
  }

  deleteUpload(id: string): void {
    const upload = this.uploads.get(id);
    if (!upload) return;
    this.blobs.release([...upload.parts.values()].map((part) => part.segment));
    this.uploads.delete(id);
  }

  /** Empties everything; the caller then adds the starting user and key again. */
  clear(): void {
    for (const bucket of [...this.buckets.values()]) this.deleteBucket(bucket);
    for (const id of [...this.uploads.keys()]) this.deleteUpload(id);
    this.users.clear();
    this.apiKeys.clear();
    this.rules.clear();
    this.startKeyId = null;
    this.clockOffsetMs = 0;
  }

  /** Every blob the state names, so the rest of objects/ (left by a crash) can go. */
  namedBlobs(): Set<string> {
    const named = new Set<string>();
    for (const bucket of this.buckets.values())
      for (const versions of bucket.objects.values())
        for (const version of versions) for (const segment of version.segments) named.add(segment.blob);
    for (const upload of this.uploads.values()) for (const part of upload.parts.values()) named.add(part.segment.blob);
    return named;
  }
}
