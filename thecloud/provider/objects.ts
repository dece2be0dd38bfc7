// The Cloud's object API as its SyncedFolder uses it, through the shared API client (its key, its
// dialect, its limiter and retries): the object list of a bucket, HEAD for what the list may leave
// out (`X-Checksum-Sha256`), PUT of a file's bytes, multipart uploads for large files, and deletes.
//
// Assumptions (thecloud/emulator/README.md is the contract): the list of `GET /storage/:bucket` is
// the bucket's current objects, whole (the API has no prefix filter: the prefix is filtered here),
// each with `key`, `size_bytes`, `content_type` and `checksum` (SHA-256, hex), though a server may
// leave `checksum` out (then HEAD tells it); a PUT answers the object with its checksum; every part
// of a multipart upload but the last is at least 5 MiB; there is no route listing unfinished
// uploads, so the caller journals each one it starts (provider/sync/journal.ts).
//
// Every upload proves its bytes: the file is hashed as it is read, and bytes that are not the
// manifest's (the file changed since the program read it) are never completed or sent; the store's
// own checksum of what it received is compared too.
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import { z } from "zod";
import type { ApiClient } from "../../provider/client";
import { isNotFound } from "../../provider/client";
import { sha256FromHex } from "../../provider/sync/hashKinds";

/** Files larger than this go up as multipart uploads of parts of this size (the last one smaller); at least 5 MiB, the API's minimum. */
export const PART_SIZE = 8 * 1024 * 1024;
/** Parts of one multipart upload in flight at once (each held in memory). */
const PARTS_IN_FLIGHT = 2;

/** An object as the list (or a HEAD) shows it; the hash in the manifest's form (base64url SHA-256). */
export interface TheCloudObject {
  hash: string | undefined;
  /** -1 when the list did not say. */
  size: number;
  contentType: string | undefined;
}

const objectItem = z
  .object({
    key: z.string(),
    size_bytes: z.number().optional(),
    content_type: z.string().optional(),
    checksum: z.string().optional(),
  })
  .passthrough();

/** What a PUT or a multipart complete answers; `complete-upload` servers answer the upload instead (no checksum). */
const objectAnswer = z.object({ checksum: z.string().optional(), key: z.string().optional() }).passthrough();
const uploadAnswer = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).passthrough();
const partAnswer = z.object({ checksum: z.string().optional() }).passthrough();

export class ChangedWhileUploadingError extends Error {
  override name = "ChangedWhileUploadingError";
}

/** Journal hooks for multipart uploads: each id is recorded before its first part, and dropped once it ends. */
export interface UploadRecorder {
  started(uploadId: string): void;
  ended(uploadId: string): void;
}

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

export class TheCloudObjects {
  constructor(
    readonly client: ApiClient,
    readonly bucket: string,
  ) {}

  private objectPath(key: string): string {
    return `/storage/${encodeURIComponent(this.bucket)}/${encodeKey(key)}`;
  }

  /** Every current object under `prefix`: key → hash, size, content type. */
  async list(prefix: string): Promise<Map<string, TheCloudObject>> {
    const items = await this.client.listAll({
      operation: `list the objects of bucket "${this.bucket}"`,
      path: `/storage/${encodeURIComponent(this.bucket)}`,
      item: objectItem,
      idOf: (raw) => (raw !== null && typeof raw === "object" ? String((raw as { key?: unknown }).key) : undefined),
    });
    const objects = new Map<string, TheCloudObject>();
    for (const item of items) {
      if (!item.key.startsWith(prefix)) continue;
      objects.set(item.key, { hash: sha256FromHex(item.checksum), size: item.size_bytes ?? -1, contentType: item.content_type });
    }
    return objects;
  }

  /** The object's checksum, size and content type from a HEAD, or undefined when there is none. */
  async head(key: string): Promise<TheCloudObject | undefined> {
    const headers = await this.client.head({
      operation: `read the checksum of "${key}" in bucket "${this.bucket}"`,
      path: this.objectPath(key),
    });
    if (!headers) return undefined;
    const etag = headers.etag?.replace(/^(W\/)?"|"$/g, "");
    const size = Number(headers["content-length"]);
    return {
      hash: sha256FromHex(headers["x-checksum-sha256"]) ?? sha256FromHex(etag),
      size: Number.isInteger(size) ? size : -1,
      contentType: headers["content-type"],
    };
  }

  /** Deletes an object (a soft delete on a versioned bucket). False when it was not there. */
  async delete(key: string): Promise<boolean> {
    try {
      await this.client.call({ operation: `delete "${key}" from bucket "${this.bucket}"`, method: "DELETE", path: this.objectPath(key) });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Aborts an unfinished multipart upload; one already gone (completed, aborted) is not an error. */
  async abort(uploadId: string, key: string): Promise<void> {
    try {
      await this.client.call({
        operation: `abort the unfinished upload of "${key}" (upload ${uploadId})`,
        method: "DELETE",
        path: `/storage/multipart/abort/${encodeURIComponent(uploadId)}`,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Uploads one file as `key`: a PUT of its bytes, or a multipart upload above PART_SIZE. The bytes
   * sent must hash to `hash` (the manifest's), and the store must say it received them.
   */
  async upload(
    upload: { key: string; file: string; hash: string; size: number; contentType: string },
    recorder: UploadRecorder,
  ): Promise<void> {
    if (upload.size > PART_SIZE) return this.multipart(upload, recorder);
    const bytes = await fs.promises.readFile(upload.file);
    if (bytes.length !== upload.size || createHash("sha256").update(bytes).digest("base64url") !== upload.hash) throw this.changed(upload);
    const answer = await this.client.call({
      operation: `upload "${upload.key}" to bucket "${this.bucket}"`,
      method: "PUT",
      path: this.objectPath(upload.key),
      content: { bytes, type: upload.contentType },
      response: objectAnswer,
    });
    this.checkStored(upload, sha256FromHex(answer.checksum));
  }

  private changed(upload: { key: string; file: string }): Error {
    return new ChangedWhileUploadingError(
      `upload "${upload.key}": ${upload.file} changed after the program read it (its bytes are not the manifest's); ` +
        "nothing of it was stored. Run `pulumi up` again to upload it as it is now",
    );
  }

  /** The store's checksum of what it received, when it gave one, must be the manifest's. */
  private checkStored(upload: { key: string; hash: string }, stored: string | undefined): void {
    if (stored !== undefined && stored !== upload.hash) {
      throw new Error(
        `upload "${upload.key}" to bucket "${this.bucket}": the store computed another SHA-256 of what it received than the ` +
          "file's; the bytes were damaged on the way. Run `pulumi up` again to upload it again",
      );
    }
  }

  private async multipart(
    upload: { key: string; file: string; hash: string; size: number; contentType: string },
    recorder: UploadRecorder,
  ) {
    const init = await this.client.call({
      operation: `start a multipart upload of "${upload.key}" to bucket "${this.bucket}"`,
      method: "POST",
      path: `/storage/multipart/init/${encodeURIComponent(this.bucket)}/${encodeKey(upload.key)}`,
      body: { content_type: upload.contentType },
      response: uploadAnswer,
    });
    const uploadId = init.id;
    recorder.started(uploadId);
    let completed = false;
    try {
      const parts = await this.sendParts(upload, uploadId);
      const answer = await this.client.call({
        operation: `complete the multipart upload of "${upload.key}" (upload ${uploadId})`,
        method: "POST",
        path: `/storage/multipart/complete/${encodeURIComponent(uploadId)}`,
        // Always named: a server may refuse an empty body (it then cannot tell which parts are meant).
        body: { parts },
        response: objectAnswer,
      });
      completed = true;
      // A server that answers the upload rather than the object: the object's checksum from a HEAD.
      this.checkStored(upload, sha256FromHex(answer.checksum) ?? (await this.head(upload.key))?.hash ?? upload.hash);
    } catch (err) {
      if (!completed) await this.abort(uploadId, upload.key).catch(() => undefined);
      throw err;
    } finally {
      // Completed or aborted: either way nothing is left to abort. (Killed, it stays in the journal.)
      recorder.ended(uploadId);
    }
  }

  /**
   * The parts, read in order (the whole file's SHA-256 is computed on the way), PARTS_IN_FLIGHT at
   * a time: a part is read only once a slot is free, so at most that many are held in memory.
   */
  private async sendParts(upload: { key: string; file: string; hash: string; size: number }, uploadId: string): Promise<number[]> {
    const count = Math.ceil(upload.size / PART_SIZE);
    const whole: Hash = createHash("sha256");
    const handle = await fs.promises.open(upload.file, "r");
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const numbers: number[] = [];
    try {
      for (let part = 1; part <= count && !failure; part++) {
        while (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight);
        if (failure) break;
        const length = Math.min(PART_SIZE, upload.size - (part - 1) * PART_SIZE);
        const bytes = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(bytes, 0, length, (part - 1) * PART_SIZE);
        if (bytesRead !== length) throw this.changed(upload);
        whole.update(bytes);
        // The last part is sent only once the whole file is known to be the manifest's.
        if (part === count) {
          const more = (await handle.read(Buffer.alloc(1), 0, 1, upload.size)).bytesRead;
          if (more !== 0 || whole.digest("base64url") !== upload.hash) throw this.changed(upload);
        }
        const sending: Promise<void> = this.sendPart(uploadId, upload.key, part, bytes)
          .catch((error: unknown) => void (failure ??= { error }))
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
        numbers.push(part);
      }
    } finally {
      await Promise.all(inFlight);
      await handle.close();
    }
    if (failure) throw failure.error;
    return numbers;
  }

  private async sendPart(uploadId: string, key: string, part: number, bytes: Buffer): Promise<void> {
    const answer = await this.client.call({
      operation: `upload part ${part} of "${key}" (upload ${uploadId})`,
      method: "PUT",
      path: `/storage/multipart/upload/${encodeURIComponent(uploadId)}/parts`,
      query: { part },
      content: { bytes, type: "application/octet-stream" },
      response: partAnswer,
    });
    const stored = answer.checksum?.toLowerCase();
    if (stored !== undefined && /^[0-9a-f]{64}$/.test(stored) && stored !== createHash("sha256").update(bytes).digest("hex")) {
      throw new Error(
        `upload part ${part} of "${key}" (upload ${uploadId}): the store received other bytes than were sent; run \`pulumi up\` again`,
      );
    }
  }
}
