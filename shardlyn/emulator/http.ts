// How Shardlyn's emulator reads requests and writes answers: the `{"error": "<message>"}` body,
// the capped JSON body, lists in the dialect's envelope (bare, `{data}`, or cursor pages). The
// error is the shared `ApiError` (emulator/management/http.ts), written in its `error-string` shape.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApiError,
  errorCodeForStatus,
  readBodyText,
  sendError,
  sendJson,
  sendNoContent,
  validationError,
  type JsonObject,
} from "../../emulator/management/http";
import { queryInteger } from "../../emulator/management/fields";
import type { ShardlynDialect } from "./dialect";
import type { ShardlynState } from "./state";

export { ApiError, validationError, type JsonObject };

/** JSON request bodies are small documents. */
export const MAX_JSON_BYTES = 64 * 1024;

/** `lists-paged`: the default page, and the largest `?limit=`. */
export const PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Who a request authenticated as. */
export interface Principal {
  userId: string;
  kind: "jwt" | "api_token";
}

export interface Context {
  req: IncomingMessage;
  state: ShardlynState;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Undefined on a public route. */
  principal: Principal | undefined;
  /** Read once per request (it can change at runtime). */
  dialect: ShardlynDialect;
  /** The JSON body (read whole before the handler runs), parsed on demand. */
  json(): Promise<JsonObject>;
}

/** What a handler answers: `body` undefined is no body (`204`, or `201` under `create-bare`). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An error of this status with the message as is (its code is never answered). */
export function fail(status: number, message: string, headers: Record<string, string> = {}): ApiError {
  return new ApiError(status, errorCodeForStatus(status), message, undefined, headers);
}

/** The body's text, at most MAX_JSON_BYTES (`413` as soon as `Content-Length` or the bytes so far pass it). */
export async function readJsonText(req: IncomingMessage): Promise<string> {
  const tooLarge = () => fail(413, `body: must be at most ${MAX_JSON_BYTES / 1024} KiB of JSON`);
  const declared = req.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > MAX_JSON_BYTES) throw tooLarge();
  return readBodyText(req, MAX_JSON_BYTES, tooLarge);
}

/** `{"error": "<message>"}`; a request whose body was not read closes its connection. */
export function sendShardlynError(res: ServerResponse, error: ApiError): void {
  if (res.req && !res.req.complete) res.setHeader("connection", "close");
  sendError(res, error, "error-string");
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body !== undefined) return sendJson(res, reply.status, reply.body);
  if (reply.status === 204) return sendNoContent(res);
  res.writeHead(reply.status, { "content-length": "0" });
  res.end();
}

const CURSOR_PREFIX = "s1:";

function afterCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const seq = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : "";
  if (!/^\d{1,15}$/.test(seq))
    throw validationError("cursor", "is not a cursor this emulator issued (use next_cursor of the previous page)");
  return Number(seq);
}

/**
 * A list in the dialect's envelope; `items` in creation order (`seq` increasing). A cursor names
 * the last item's `seq`, so items added or removed between pages shift nothing.
 */
export function listReply<T extends { seq: number }>(ctx: Context, items: readonly T[], json: (item: T) => unknown): Reply {
  switch (ctx.dialect.lists) {
    case "array":
      return { status: 200, body: items.map(json) };
    case "enveloped":
      return { status: 200, body: { data: items.map(json) } };
    case "paged": {
      const limit = queryInteger(ctx.query, "limit", 1, MAX_PAGE_SIZE) ?? PAGE_SIZE;
      const cursor = ctx.query.get("cursor");
      const after = cursor === null || cursor === "" ? 0 : afterCursor(cursor);
      const rest = items.filter((item) => item.seq > after);
      const page = rest.slice(0, limit);
      const next = rest.length > page.length ? Buffer.from(`${CURSOR_PREFIX}${page[page.length - 1].seq}`).toString("base64url") : null;
      return { status: 200, body: { data: page.map(json), next_cursor: next } };
    }
  }
}
