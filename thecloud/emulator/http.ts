// How The Cloud's emulator reads requests and writes answers: the error body in the dialect's shape,
// statuses of creates and deletes, list envelopes and cursors, the capped JSON body. Errors are
// the shared `ApiError` (emulator/management/http.ts) with The Cloud's codes in upper case.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApiError,
  readBodyText,
  sendError,
  sendJson,
  sendNoContent,
  validationError,
  type ErrorCode,
  type JsonObject,
} from "../../emulator/management/http";
import type { TheCloudDialect } from "./dialect";
import type { TheCloudState } from "./state";

export { ApiError, validationError, type JsonObject };

/** JSON request bodies are small documents. */
export const MAX_JSON_BYTES = 64 * 1024;

/** The largest object body or part. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;

/** The page size of `paged-lists`: small, so a client meets paging at once. */
export const PAGE_SIZE = 2;

/** The principal a request authenticated as. */
export interface Principal {
  userId: string;
  keyId: string;
}

export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  state: TheCloudState;
  /** Path parameters, percent-decoded: `bucket`, `key`, `id`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Undefined on a public route called without a key. */
  principal: Principal | undefined;
  /** Read per request (it can change at runtime). */
  dialect: TheCloudDialect;
  /** The JSON body, read on demand; at most MAX_JSON_BYTES. */
  json(): Promise<JsonObject>;
}

/** What a handler answers; `body` undefined is `204`. Undefined when the handler wrote the answer itself (object bytes). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function notFound(message: string): ApiError {
  return new ApiError(404, "not_found", message);
}

export function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message);
}

/** A taken name: `409` (or `400` under `clash-400`). */
export function clash(dialect: TheCloudDialect, field: string, message: string): ApiError {
  return dialect.clashStatus === 409 ? new ApiError(409, "conflict", message) : validationError(field, `is taken (${message})`);
}

/** Over a size limit: `413` (or `400` under `too-large-400`). */
export function tooLarge(dialect: TheCloudDialect, field: string, rule: string): ApiError {
  return dialect.tooLargeStatus === 413 ? new ApiError(413, "payload_too_large", `${field}: ${rule}`) : validationError(field, rule);
}

/** A create: `201` (or `200` under `ok-200`). */
export function created(ctx: Context, body: unknown): Reply {
  return { status: ctx.dialect.ok200 ? 200 : 201, body };
}

/** A delete: `204` (or `200` `{"message": "<thing> deleted"}` under `ok-200`). */
export function deleted(ctx: Context, thing: string): Reply {
  return ctx.dialect.ok200 ? { status: 200, body: { message: `${thing} deleted` } } : { status: 204 };
}

const CURSOR_PREFIX = "c1:";

function cursorOf(sortKey: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${sortKey}`, "utf8").toString("base64url");
}

function afterCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!text.startsWith(CURSOR_PREFIX))
    throw validationError("cursor", "is not a cursor this emulator issued (use next_cursor of the previous page)");
  return text.slice(CURSOR_PREFIX.length);
}

/**
 * A list in the dialect's envelope. `items` are in list order and `sortKey` increases along it
 * (a cursor names the last item's key, so items added or removed between pages shift nothing).
 */
export function listReply<T>(ctx: Context, items: readonly T[], sortKey: (item: T) => string, json: (item: T) => unknown): Reply {
  switch (ctx.dialect.lists) {
    case "array":
      return { status: 200, body: items.map(json) };
    case "wrapped":
      return { status: 200, body: { data: items.map(json) } };
    case "paged": {
      const cursor = ctx.query.get("cursor");
      const after = cursor === null || cursor === "" ? undefined : afterCursor(cursor);
      const rest = after === undefined ? items : items.filter((item) => sortKey(item) > after);
      const page = rest.slice(0, PAGE_SIZE);
      const more = rest.length > page.length;
      return { status: 200, body: { data: page.map(json), next_cursor: more ? cursorOf(sortKey(page[page.length - 1])) : null } };
    }
  }
}

/** A creation serial as a sort key that orders as text: oldest first, or newest first. */
function serialKey(seq: number, newestFirst: boolean): string {
  return String(newestFirst ? Number.MAX_SAFE_INTEGER - seq : seq).padStart(16, "0");
}

/** Records in creation order (`items` already in it, oldest first or newest first), in the dialect's envelope. */
export function listBySerial<T extends { seq: number }>(
  ctx: Context,
  items: readonly T[],
  json: (item: T) => unknown,
  newestFirst = false,
): Reply {
  return listReply(ctx, items, (item) => serialKey(item.seq, newestFirst), json);
}

/** The request's `Content-Length`, when it gives one. */
export function contentLength(req: IncomingMessage): number | undefined {
  const value = req.headers["content-length"];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * A client that sent `Expect: 100-continue` is told to send its body only once every check that
 * needs no body has passed (the server does not answer it by itself: index.ts), so a refused upload
 * is never sent.
 */
export function continueIfExpected(req: IncomingMessage, res: ServerResponse): void {
  if (/^100-continue$/i.test(String(req.headers.expect ?? "").trim()) && !res.headersSent) res.writeContinue();
}

/** The JSON body's text, capped: `413` as soon as `Content-Length` or the bytes so far pass MAX_JSON_BYTES. */
export async function readJsonText(req: IncomingMessage, res: ServerResponse, dialect: TheCloudDialect): Promise<string> {
  const limit = () => tooLarge(dialect, "body", `must be at most ${MAX_JSON_BYTES / 1024} KiB of JSON`);
  if ((contentLength(req) ?? 0) > MAX_JSON_BYTES) throw limit();
  continueIfExpected(req, res);
  return readBodyText(req, MAX_JSON_BYTES, limit);
}

/** A timestamp as every answer writes it. */
export function iso(date: Date): string {
  return date.toISOString();
}

/**
 * The error in the dialect's shape, The Cloud's code in upper case (`NOT_FOUND`); `field` is
 * never answered. A request whose body was not read closes its connection (nothing drains a body
 * that may be gigabytes).
 */
export function sendTheCloudError(res: ServerResponse, error: ApiError, dialect: TheCloudDialect): void {
  if (res.req && !res.req.complete) res.setHeader("connection", "close");
  const headers = { ...error.headers };
  if (!dialect.retryAfter) delete headers["retry-after"];
  const upper = new ApiError(error.status, error.code.toUpperCase() as Uppercase<ErrorCode>, error.message, undefined, headers);
  sendError(res, upper, dialect.errorShape);
}

/** A reply as JSON (or `204`), with its headers. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (res.req && !res.req.complete) res.setHeader("connection", "close");
  if (reply.body === undefined) sendNoContent(res);
  else sendJson(res, reply.status, reply.body);
}
