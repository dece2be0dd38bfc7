// What the edge gets from an origin. A storage origin is read from the bucket by key (default root
// object, origin path prefix, the subdomain routing tenant); a custom origin is proxied (proxy.ts).
import type { Readable } from "node:stream";
import type { ByteRange } from "../blobs";
import type { CdnStorageOriginGroup, EmulatorState } from "../state";
import { MAX_CACHED_ANSWER_BYTES } from "./cache";
import { objectExists, readObject, type EdgeObject } from "./objects";

export interface OriginAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The whole body, or its first part when `rest` streams the remainder (too big to buffer or cache). */
  body: Buffer;
  rest?: Readable;
  /** A stored object too big to buffer: `body` is empty and the bytes are streamed from disk when written. */
  stored?: { size: number; open: (range?: ByteRange) => Readable };
}

/** The storage origin's answer to a `GET` of `path` (URL-decoded, starting with `/`). */
export interface StorageRequest {
  path: string;
  /** The path as sent (percent-encoded), for a redirect's `Location`. */
  rawPath: string;
  /** `""` or `?…`, kept on a directory redirect. */
  query: string;
  /** Subdomain routing's folder, when the behavior has it and the host names a tenant. */
  tenant?: string;
}

function textAnswer(status: number, message: string, headers: Record<string, string> = {}): OriginAnswer {
  const body = Buffer.from(`${message}\n`);
  return { status, headers: { ...headers, "content-type": "text/plain; charset=utf-8" }, body };
}

async function objectAnswer(object: EdgeObject): Promise<OriginAnswer> {
  const headers: Record<string, string> = {
    "content-type": object.contentType,
    etag: `"${object.etag}"`,
    "last-modified": object.lastModified.toUTCString(),
  };
  if (object.cacheControl !== undefined) headers["cache-control"] = object.cacheControl;
  if (object.contentEncoding !== undefined) headers["content-encoding"] = object.contentEncoding;
  if (object.contentDisposition !== undefined) headers["content-disposition"] = object.contentDisposition;
  if (object.contentLanguage !== undefined) headers["content-language"] = object.contentLanguage;
  if (object.expires !== undefined) headers.expires = object.expires;
  if (object.size > MAX_CACHED_ANSWER_BYTES)
    return { status: 200, headers, body: Buffer.alloc(0), stored: { size: object.size, open: object.open } };
  return { status: 200, headers, body: await object.readAll() };
}

export async function storageAnswer(state: EmulatorState, group: CdnStorageOriginGroup, request: StorageRequest): Promise<OriginAnswer> {
  const prefix = [group.originPath.slice(1), request.tenant].filter((part) => part).join("/");
  const base = `${prefix === "" ? "" : `${prefix}/`}${request.path.slice(1)}`;
  const key = base === "" || base.endsWith("/") ? `${base}${group.defaultRootObject}` : base;
  const lookup = readObject(state, group.bucketId, key);
  if (lookup.kind === "found") return objectAnswer(lookup.object);
  if (lookup.kind === "no_bucket") return textAnswer(404, `Not Found: the origin bucket ${group.bucketId} no longer exists`);
  // A directory asked for without its slash: send the browser to it, so relative links resolve.
  if (!key.endsWith("/") && key === base && objectExists(state, group.bucketId, `${key}/${group.defaultRootObject}`)) {
    return textAnswer(301, "Moved Permanently", { location: `${request.rawPath}/${request.query}` });
  }
  return textAnswer(404, `Not Found: ${request.path}`);
}
