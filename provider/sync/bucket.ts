// The S3 data plane as SyncedFolder uses it: one S3 client per operation over a keep-alive pool
// sized to the concurrency, uploads from disk (single PUTs signed and sent without the SDK's
// middleware, see signedPut.ts; multipart through lib-storage for large files), LIST for what is
// stored, HEAD for headers and ownership, batched deletes.
//
// Retries are ours, not the SDK's: a body streamed from disk cannot be replayed by the SDK, so each
// attempt opens the file again. Every error names the operation and the key, never a secret.
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { RetrySettings } from "../config";
import { backoffDelay } from "../client/retry";
import { redact } from "../redact";
import { isClockSkewError, offsetFrom, serverTimeOf } from "./clockSkew";
import { S3SyncError } from "./errors";
import { OWNER_METADATA } from "./owner";
import { forEachLimit } from "./pool";
import { signedPut, signerFor, type PutTarget } from "./signedPut";
import { PART_SIZE, hashOfEtag, isMultipart, md5Base64, type FileEntry, type ObjectHeaders } from "./manifest";

/** Parts of one multipart upload in flight at once (lib-storage holds each part in memory). */
const PARTS_IN_FLIGHT = 2;
/** Multipart uploads at once: with PARTS_IN_FLIGHT, memory stays at 32 MiB whatever the file sizes. */
export const MULTIPART_UPLOADS_AT_ONCE = 2;

export interface S3Access {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  concurrency: number;
  retry: RetrySettings;
  requestTimeoutMs: number;
}

export interface StoredObject {
  /** Comparable with a manifest hash; undefined for an ETag of another shape. */
  hash: string | undefined;
  size: number;
  /** LastModified, in ms since the epoch (S3's clock). */
  modified: number;
}

export interface StoredHeaders extends ObjectHeaders {
  owner: string | undefined;
}

export interface FileUpload {
  key: string;
  file: string;
  entry: FileEntry;
  headers: ObjectHeaders;
  owner: string;
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
  "SlowDown",
]);

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isRetryable(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status === 429 || status >= 500;
  const failure = err as { code?: string; name?: string };
  return RETRYABLE_CODES.has(failure.code ?? "") || RETRYABLE_CODES.has(failure.name ?? "") || /socket hang up/i.test(String(err));
}

export class SyncBucket {
  private readonly s3: S3Client;
  private readonly agent: http.Agent;
  private readonly putTarget: PutTarget;
  /** S3's clock minus ours, learned from a RequestTimeTooSkewed (clockSkew.ts). */
  private clockOffsetMs = 0;

  constructor(private readonly access: S3Access) {
    const agentOptions = { keepAlive: true, maxSockets: access.concurrency + MULTIPART_UPLOADS_AT_ONCE * PARTS_IN_FLIGHT };
    this.agent = access.endpoint.startsWith("https:") ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.putTarget = {
      endpoint: new URL(access.endpoint),
      agent: this.agent,
      signer: signerFor(access.accessKeyId, access.secretAccessKey),
      timeoutMs: access.requestTimeoutMs,
      now: () => new Date(Date.now() + this.clockOffsetMs),
    };
    this.s3 = new S3Client({
      endpoint: access.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
      maxAttempts: 1,
      // Content-MD5 (single PUTs) and the ETag check (multipart) already prove every byte; the
      // SDK's default CRC32 on top would cost CPU per byte and an aws-chunked body per request.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: {
        httpAgent: this.agent as http.Agent,
        httpsAgent: this.agent as https.Agent,
        connectionTimeout: Math.min(access.requestTimeoutMs, 10_000),
        requestTimeout: access.requestTimeoutMs,
      },
    });
  }

  close(): void {
    this.s3.destroy();
    this.agent.destroy();
  }

  /** Signs from now on with S3's time: our own PUTs and the SDK's calls alike. */
  private correctClock(serverTime: number): void {
    this.clockOffsetMs = offsetFrom(serverTime);
    this.s3.config.systemClockOffset = this.clockOffsetMs;
  }

  private async attempt<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let clockCorrected = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        // Once per call, at once and outside the retry budget: the clock is ours to fix, not S3's load.
        const serverTime = !clockCorrected && isClockSkewError(err) ? serverTimeOf(err) : undefined;
        if (serverTime !== undefined) {
          this.correctClock(serverTime);
          clockCorrected = true;
          attempt--;
          continue;
        }
        if (attempt > this.access.retry.maxRetries || !isRetryable(err)) throw this.failure(operation, err);
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.access.retry)));
      }
    }
  }

  private failure(operation: string, err: unknown): Error {
    if (err instanceof S3SyncError) return err;
    const status = statusOf(err);
    const code =
      err instanceof S3ServiceException || status !== undefined
        ? (err as Error).name
        : ((err as { code?: string })?.code ?? (err as Error)?.name);
    const message = err instanceof Error ? err.message : String(err);
    let hint = "";
    if (code === "NoSuchBucket") hint = ` Bucket "${this.access.bucket}" does not exist: bucket takes a Bucket's id.`;
    if (code === "InvalidAccessKeyId" || code === "SignatureDoesNotMatch" || code === "AccessDenied") {
      hint = ` The S3 credential was refused: check accessKeyId and secretAccessKey (a BucketCredential of this bucket, active).`;
    }
    if (code === "ENOTFOUND" || code === "ECONNREFUSED" || code === "EAI_AGAIN") {
      hint =
        ` Nothing answers at ${this.access.endpoint}: the S3 endpoint is mamutecloud:s3Endpoint (MAMUTECLOUD_S3_ENDPOINT), ` +
        "else the bucket's own s3Endpoint; against the emulator, check that it is running (`npx mamutecloud-emulator`).";
    }
    if (code === "RequestTimeTooSkewed") {
      hint =
        " This machine's clock is more than 15 minutes from S3's, even after signing with S3's own time once: set the clock right (NTP).";
    }
    const where = `bucket ${this.access.bucket} at ${this.access.endpoint}`;
    return new S3SyncError(redact(`${operation} in ${where} failed: ${status ? `HTTP ${status} ` : ""}${code}: ${message}.${hint}`), code);
  }

  /** Every object under the prefix: key → hash and size. */
  async list(prefix: string): Promise<Map<string, StoredObject>> {
    const objects = new Map<string, StoredObject>();
    let token: string | undefined;
    do {
      const page = await this.attempt(`list objects under "${prefix}"`, () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: this.access.bucket, Prefix: prefix || undefined, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined)
          objects.set(object.Key, { hash: hashOfEtag(object.ETag), size: object.Size ?? 0, modified: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  /** The headers and owner mark of an object, or undefined when there is none. */
  async head(key: string): Promise<StoredHeaders | undefined> {
    const head = await this.attempt(`read the headers of "${key}"`, async () => {
      try {
        return await this.s3.send(new HeadObjectCommand({ Bucket: this.access.bucket, Key: key }));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    });
    return head && { contentType: head.ContentType ?? "", cacheControl: head.CacheControl ?? "", owner: head.Metadata?.[OWNER_METADATA] };
  }

  /**
   * Uploads one file, streamed from disk. The object must come out with the manifest's hash: a
   * single PUT carries it as Content-MD5 (S3 refuses other bytes), a multipart upload's ETag is
   * checked after, so a file changed since the program read it fails instead of lying in state.
   */
  async upload(item: FileUpload): Promise<void> {
    const params = {
      Bucket: this.access.bucket,
      Key: item.key,
      ContentType: item.headers.contentType,
      CacheControl: item.headers.cacheControl || undefined,
      Metadata: { [OWNER_METADATA]: item.owner },
    };
    const changed = () =>
      new S3SyncError(
        `upload "${item.key}": ${item.file} changed while it was being uploaded; run \`pulumi up\` again to upload it as it is now`,
      );
    await this.attempt(`upload "${item.key}"`, async () => {
      if (!isMultipart(item.entry.size)) {
        const headers: Record<string, string> = {
          "content-type": item.headers.contentType,
          "content-md5": md5Base64(item.entry.hash),
          [`x-amz-meta-${OWNER_METADATA}`]: item.owner,
        };
        if (item.headers.cacheControl) headers["cache-control"] = item.headers.cacheControl;
        try {
          await signedPut(this.putTarget, this.access.bucket, item.key, item.file, item.entry.size, headers);
        } catch (err) {
          if ((err as Error).name === "BadDigest") throw changed();
          throw err;
        }
        return;
      }
      const upload = new Upload({
        client: this.s3,
        params: { ...params, Body: fs.createReadStream(item.file) },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      const done = await upload.done();
      if (hashOfEtag((done as { ETag?: string }).ETag) !== item.entry.hash) throw changed();
    });
  }

  /**
   * Uploads files, `concurrency` at a time; of those, at most MULTIPART_UPLOADS_AT_ONCE large ones,
   * so memory is bounded by the settings, never by the sizes of the files.
   */
  async uploadAll(uploads: readonly FileUpload[], landed: (upload: FileUpload) => void = () => undefined): Promise<void> {
    const { concurrency } = this.access;
    const one = async (upload: FileUpload) => {
      await this.upload(upload);
      landed(upload);
    };
    // Largest first: a few big files started last would finish alone, long after the rest.
    const bySize = [...uploads].sort((a, b) => b.entry.size - a.entry.size);
    const large = bySize.filter((upload) => isMultipart(upload.entry.size));
    if (large.length === 0 || concurrency <= MULTIPART_UPLOADS_AT_ONCE) {
      await forEachLimit(bySize, concurrency, one);
      return;
    }
    const small = bySize.filter((upload) => !isMultipart(upload.entry.size));
    await Promise.all([
      forEachLimit(large, MULTIPART_UPLOADS_AT_ONCE, one),
      forEachLimit(small, concurrency - MULTIPART_UPLOADS_AT_ONCE, one),
    ]);
  }

  /**
   * Copies an object inside the bucket, server-side (no byte passes through here), with these
   * headers and owner mark instead of the source's.
   */
  async copy(from: string, to: string, headers: ObjectHeaders, owner: string): Promise<void> {
    const source = `${this.access.bucket}/${from.split("/").map(encodeURIComponent).join("/")}`;
    await this.attempt(`copy "${from}" to "${to}"`, () =>
      this.s3.send(
        new CopyObjectCommand({
          Bucket: this.access.bucket,
          Key: to,
          CopySource: source,
          MetadataDirective: "REPLACE",
          ContentType: headers.contentType,
          CacheControl: headers.cacheControl || undefined,
          Metadata: { [OWNER_METADATA]: owner },
        }),
      ),
    );
  }

  /** Deletes keys, 1,000 per request (S3's limit). A key already gone is not an error. */
  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const answer = await this.attempt(`delete ${batch.length} object(s) such as "${batch[0]}"`, () =>
        this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.access.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ),
      );
      const failed = answer.Errors ?? [];
      if (failed.length) {
        const first = failed[0];
        throw new S3SyncError(
          `delete ${failed.length} object(s) in bucket ${this.access.bucket} failed, e.g. "${first.Key}": ${first.Code}: ${first.Message}`,
        );
      }
    }
  }

  /**
   * Aborts multipart uploads to these keys left by a run that was killed (their parts use storage
   * and nothing else would ever finish or remove them). Returns how many were aborted.
   */
  async abortUnfinished(prefix: string, keys: ReadonlySet<string>, startedBefore: Date): Promise<number> {
    const stale: Array<{ Key: string; UploadId: string }> = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.attempt(`list unfinished uploads under "${prefix}"`, () =>
        this.s3.send(
          new ListMultipartUploadsCommand({
            Bucket: this.access.bucket,
            Prefix: prefix || undefined,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        ),
      );
      for (const upload of page.Uploads ?? []) {
        if (upload.Key && upload.UploadId && keys.has(upload.Key) && (upload.Initiated ?? new Date(0)) < startedBefore) {
          stale.push({ Key: upload.Key, UploadId: upload.UploadId });
        }
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    for (const upload of stale) {
      await this.attempt(`abort the unfinished upload of "${upload.Key}"`, () =>
        this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.access.bucket, ...upload })),
      );
    }
    return stale.length;
  }
}
