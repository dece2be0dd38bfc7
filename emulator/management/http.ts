// JSON in and out for the management API. Every body, error and request id is written here, so
// each route answers in the one shape the README documents (or the one its dialect chooses).
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { ErrorShape } from "../dialect";

export type ErrorCode =
  | "invalid_json"
  | "validation_error"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "rate_limited"
  | "internal_error"
  | "bad_gateway"
  | "service_unavailable"
  | "gateway_timeout"
  | "not_implemented"
  | "payload_too_large"
  | "injected_fault";

/** A failure a handler throws; the plane turns it into the documented error body. The Cloud's emulator writes the codes in upper case. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | Uppercase<ErrorCode>,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A 400 whose message starts with the field, as the contract promises: `name: must be …`. */
export function validationError(field: string, rule: string): ApiError {
  return new ApiError(400, "validation_error", `${field}: ${rule}`, field);
}

export function notFound(message: string, field?: string): ApiError {
  return new ApiError(404, "not_found", message, field);
}

export function conflict(message: string, field?: string): ApiError {
  return new ApiError(409, "conflict", message, field);
}

/** The error code a bare HTTP status maps to (used for injected faults and the rate limit). */
export function errorCodeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "validation_error";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 429:
      return "rate_limited";
    case 500:
      return "internal_error";
    case 501:
      return "not_implemented";
    case 502:
      return "bad_gateway";
    case 503:
      return "service_unavailable";
    case 504:
      return "gateway_timeout";
    default:
      return "injected_fault";
  }
}

/** Every management response carries one, errors and `/_emulator` answers included. */
export function ensureRequestId(res: ServerResponse): void {
  if (!res.hasHeader("x-request-id")) res.setHeader("x-request-id", `req_${randomBytes(8).toString("hex")}`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  ensureRequestId(res);
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendNoContent(res: ServerResponse): void {
  ensureRequestId(res);
  res.writeHead(204);
  res.end();
}

/** The error in the shape the dialect answers; the status and headers never change. */
export function sendError(res: ServerResponse, error: ApiError, shape: ErrorShape = "default"): void {
  switch (shape) {
    case "default": {
      const body: { code: string; message: string; field?: string } = { code: error.code, message: error.message };
      if (error.field !== undefined) body.field = error.field;
      return sendJson(res, error.status, { error: body }, error.headers);
    }
    case "message":
      return sendJson(res, error.status, { message: error.message }, error.headers);
    case "detail":
      return sendJson(res, error.status, { detail: error.message }, error.headers);
    case "error-string":
      return sendJson(res, error.status, { error: error.message }, error.headers);
    case "text":
      return sendText(res, error.status, "text/plain; charset=utf-8", error.message, error.headers);
  }
}

/** Request bodies are small JSON documents; anything bigger is a client bug, not an upload. */
const MAX_BODY_BYTES = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** The raw request body, refused past 1 MiB (or `maxBytes`, with the error `tooLarge` makes). */
export async function readBodyText(
  req: IncomingMessage,
  maxBytes = MAX_BODY_BYTES,
  tooLarge: () => ApiError = () => new ApiError(400, "invalid_json", "body: must be at most 1 MiB of JSON"),
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The request body as a JSON object. An empty body reads as `{}` (so `POST …/credentials` needs
 * none and a missing field is reported by name); anything that is not a JSON object is `400`.
 */
export function parseJsonObject(text: string): JsonObject {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "body: is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ApiError(400, "invalid_json", "body: must be a JSON object");
  }
  return parsed as JsonObject;
}

/** Timestamps are ISO 8601 UTC with milliseconds, which is exactly what toISOString gives. */
export function timestamp(date: Date): string {
  return date.toISOString();
}
