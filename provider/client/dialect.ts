// A cloud's dialect: everything about how its management API answers that the API documents leave
// open, in one object the client takes, and what the client's messages name (its cloud's settings,
// its emulator). Documents that give request bodies and almost no answers (no error body, list
// envelope, page size, status words) are read with the tolerant readers here, which take every
// common form instead of the one an emulator happens to use; each cloud brings its own dialect
// (provider/<cloud>/dialect.ts) and no shared module changes.
//
// Everything here is pure (no I/O), so each reading is unit-tested with injected bodies
// (test/unit/dialect.test.ts).
import type { Setting } from "../config";
import type { SessionRoutes } from "./session";

/** What an error answer says, as far as it says it. */
export interface ApiErrorInfo {
  message?: string;
  /** The API's own error code (`conflict`, `validation_error`, …). */
  code?: string;
  /** The request field the API blamed. */
  field?: string;
  /** Who holds what a 409 refused (an object id or name), when the body says. */
  holder?: string;
}

/** One page of a list answer. */
export interface ListPage {
  items: unknown[];
  /** Pages in all, when the answer says. */
  totalPages?: number;
  /** Whether more pages follow, when the answer says (`has_more`, a `next` link, a `next_cursor`). */
  hasMore?: boolean;
  /** The cursor of the next page, for a list paged by cursor (`next_cursor`, `nextCursor`). */
  nextCursor?: string;
}

export type StatusKind = "ready" | "failed" | "pending";

/** How the API key is sent: the header and the value written into it. */
export interface AuthForm {
  /** The config value that selects this form (the `authHeader` setting), for a cloud that documents more than one. */
  setting: string;
  /** The header, lower case as sent. */
  header: string;
  /** The header as written in messages and commands: `Authorization`, `X-API-Key`. */
  headerName: string;
  /** How the form is shown in messages, with the key's prefix only: `Authorization: key-ab…`. */
  shown: string;
}

export interface ApiDialect {
  /** Its cloud's name, for messages. */
  cloud: string;
  /**
   * The error carried by a non-2xx answer, or undefined when the body is not an API answer at all
   * (an HTML page, S3's XML): then the endpoint setting points at another server.
   */
  parseError(text: string, contentType: string | undefined): ApiErrorInfo | undefined;
  /** The items of a list answer, in any envelope the API may use; undefined when it is not a list. */
  readList(json: unknown): ListPage | undefined;
  /**
   * `cursor`: the API pages, if at all, by cursor (`next_cursor`), so a page without one is the last
   * (a request for a page by number would only repeat the first). Default: pages by number, ended
   * as list.ts says.
   */
  paging?: "cursor";
  /** Items asked for per page; the server may refuse it (then its default page is walked). */
  pageSize: number;
  /**
   * The query of one page; `limit` undefined lets the server choose the page size. `cursor` is the
   * one the previous page gave (a list paged by cursor), undefined for the first page and for lists
   * paged by number.
   */
  pageQuery(page: number, limit: number | undefined, cursor: string | undefined): Record<string, string | number | undefined>;
  /** Whether a refused list request is the server refusing the page size. */
  refusesPageSize(status: number, error: ApiErrorInfo | undefined, firstPage: boolean): boolean;
  /** The documented ways to send an API key, the configured one first. */
  authForms(apiKey: string, configured: string): AuthForm[];
  /** The documented prefixes of the `prefixedRoutes`, the configured one first. */
  storagePrefixes(configured: string): string[];
  /**
   * The start of the routes whose prefix the documents disagree on (the configured
   * `storagePathPrefix`, else learned from the first 404); undefined when they agree.
   */
  prefixedRoutes?: string;
  /**
   * The group of routes the API limits on its own budget that `path` is in (an auth area limited
   * to a few requests a minute), undefined for the default budget. Each group gets a limiter of
   * its own, keyed by endpoint and group, so a 429 there never slows the other routes.
   */
  routeGroup?(path: string): string | undefined;
  /** The config namespace and settings (key → environment variable) that messages name. */
  settings: { namespace: string; table: Readonly<Record<string, Setting>> };
  /** What to check when an answer is not the API's: the endpoint setting, and what it must point at. */
  wrongEndpointHint: string;
  /** How to start its cloud's emulator, for the message when nothing listens on loopback. */
  emulatorCommand: string;
  /** The error for an operation that needs the API when no credential is configured. */
  missingCredential(): Error;
  /**
   * Whether a refusal that is not a 409 says the key is taken (an API that answers a name clash
   * with a 400 and a message): then it is handled as a conflict (the adopt rule, the messages).
   */
  isConflict?(status: number, error: ApiErrorInfo | undefined): boolean;
  /**
   * Sessions, for a cloud that signs users in (the config's `login`) and may also take a bearer
   * token: the routes, and how to read a refusal of one kind of credential as the route wanting
   * the other.
   */
  session?: SessionDialect;
  /** Whether a status word means the awaited state is reached, can never be, or not yet. */
  statusKind(word: string | undefined): StatusKind;
  /** Names of the fields every object carries: its id and its creation time. */
  fields: { id: string; createdAt: string };
}

/** A cloud's sessions beside its bearer tokens (see `ApiDialect.session`). */
export interface SessionDialect extends SessionRoutes {
  /** Whether this refusal of the bearer token says the route takes a session only. */
  wantsSession(status: number, error: ApiErrorInfo | undefined): boolean;
  /** Whether this refusal of a session's token says the route takes a bearer token only. */
  wantsToken(status: number, error: ApiErrorInfo | undefined): boolean;
  /**
   * What to do about a 401 or 403, given the kind of credential refused and whether the route
   * seems to want the other kind (the settings to set, named).
   */
  advice(status: number, refused: "token" | "session", wantsOther: boolean): string;
}

// ---- errors ---------------------------------------------------------------------------------------

/** A body this long or longer is a page, not an error message. */
const SHORT_TEXT = 500;

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number") return String(value);
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A field path from `field`, `loc` (FastAPI), `path` or `source.pointer` (JSON:API). */
function fieldOf(item: Record<string, unknown>): string | undefined {
  const loc = item.loc ?? item.path;
  if (Array.isArray(loc)) {
    // FastAPI prefixes the part of the request (`body`, `query`): not part of the field's name.
    const parts = loc.map(String).filter((part, index) => !(index === 0 && ["body", "query", "path"].includes(part)));
    return parts.length ? parts.join(".") : undefined;
  }
  const pointer = record(item.source)?.pointer;
  if (typeof pointer === "string") return pointer.replace(/^\/(data\/attributes\/)?/, "").replace(/\//g, ".") || undefined;
  return text(item.field) ?? text(item.param) ?? text(loc);
}

/** One item of `errors` or `detail`: a string, or an object with a message somewhere. */
function messageOfItem(item: unknown): { message?: string; field?: string } {
  const plain = text(item);
  if (plain !== undefined) return { message: plain };
  const object = record(item);
  if (!object) return {};
  const message = text(object.message) ?? text(object.msg) ?? text(object.detail) ?? text(object.title) ?? text(object.error);
  const field = fieldOf(object);
  return { message: message && field && !message.includes(field) ? `${field}: ${message}` : message, field };
}

function fromList(items: unknown[]): { message?: string; field?: string } {
  const read = items.map(messageOfItem).filter((item) => item.message !== undefined);
  if (read.length === 0) return {};
  return { message: read.map((item) => item.message).join("; "), field: read[0].field };
}

/** Who holds a taken key, from the usual names of such a field. */
function holderOf(...objects: Array<Record<string, unknown> | undefined>): string | undefined {
  for (const object of objects) {
    if (!object) continue;
    const holder =
      text(object.holder) ?? text(object.held_by) ?? text(object.existing_id) ?? text(object.conflicting_id) ?? text(object.existing);
    if (holder) return holder;
    const existing = record(object.existing) ?? record(object.conflict);
    const nested = existing && (text(existing.id) ?? text(existing.name));
    if (nested) return nested;
  }
  return undefined;
}

/** An error from a JSON body of any common shape; undefined fields where it says nothing. */
export function errorFromJson(json: unknown): ApiErrorInfo {
  if (Array.isArray(json)) return fromList(json);
  const body = record(json);
  if (!body) return { message: text(json) };
  const nested = record(body.error);
  const code = text(nested?.code) ?? text(nested?.type) ?? text(body.code) ?? text(body.error_code) ?? text(body.type);
  let message: string | undefined;
  let field: string | undefined;
  if (nested) {
    message = text(nested.message) ?? text(nested.detail) ?? text(nested.msg);
    field = text(nested.field) ?? fieldOf(nested);
    if (message === undefined && Array.isArray(nested.details)) ({ message, field = field } = fromList(nested.details));
  }
  message ??= text(body.error) ?? text(body.message) ?? text(body.error_description);
  if (message === undefined && body.detail !== undefined) {
    const detail = Array.isArray(body.detail) ? fromList(body.detail) : messageOfItem(body.detail);
    message = detail.message;
    field ??= detail.field;
  }
  if (message === undefined && Array.isArray(body.errors)) ({ message, field = field } = fromList(body.errors));
  if (message === undefined && record(body.errors)) {
    // `{"errors": {"name": ["is taken"]}}` (Rails): field → messages.
    const entries = Object.entries(record(body.errors)!);
    message = entries.map(([key, value]) => `${key}: ${[value].flat().map(String).join(", ")}`).join("; ") || undefined;
    field ??= entries[0]?.[0];
  }
  message ??= text(body.title);
  field ??= text(body.field) ?? text(body.param);
  return { message, code, field, holder: holderOf(nested, body) };
}

function looksLikeMarkup(body: string, contentType: string | undefined): boolean {
  const start = body.trimStart().slice(0, 100).toLowerCase();
  return (
    /\b(html|xml)\b/.test(contentType ?? "") ||
    start.startsWith("<!doctype") ||
    start.startsWith("<html") ||
    start.startsWith("<?xml") ||
    start.startsWith("<error>")
  );
}

export function parseErrorBody(body: string, contentType: string | undefined): ApiErrorInfo | undefined {
  const trimmed = body.trim();
  // No body at all: a bare status is how many APIs answer 404 or 409, and nothing says otherwise.
  if (trimmed === "") return {};
  try {
    return errorFromJson(JSON.parse(trimmed));
  } catch {
    // not JSON: a short line of text is a message; a page or a document is another server's
  }
  if (looksLikeMarkup(trimmed, contentType) || trimmed.length >= SHORT_TEXT) return undefined;
  return { message: trimmed.replace(/\s+/g, " ") };
}

// ---- lists ----------------------------------------------------------------------------------------

function positiveInt(...values: unknown[]): number | undefined {
  for (const value of values) {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
    if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/** Pages in all, and whether more follow, from a pagination block (`pagination`, `meta`, `meta.pagination`). */
function pagingOf(block: Record<string, unknown> | undefined): Omit<ListPage, "items"> {
  if (!block) return {};
  const inner = record(block.pagination) ?? record(block.page);
  if (inner) return { ...pagingOf(inner), ...pagingOf({ ...block, pagination: undefined, page: undefined }) };
  let totalPages = positiveInt(
    block.total_pages,
    block.totalPages,
    block.last_page,
    block.lastPage,
    block.pages,
    block.page_count,
    block.pageCount,
  );
  const total = positiveInt(block.total, block.total_count, block.totalCount, block.count);
  const size = positiveInt(block.limit, block.per_page, block.perPage, block.page_size, block.pageSize);
  if (totalPages === undefined && total !== undefined && size) totalPages = Math.ceil(total / size);
  const more = block.has_more ?? block.hasMore ?? block.has_next ?? block.hasNext;
  const cursorKey = ["next_cursor", "nextCursor"].find((key) => key in block);
  const cursor = cursorKey === undefined ? undefined : block[cursorKey];
  const nextCursor = typeof cursor === "string" && cursor !== "" ? cursor : undefined;
  const next = cursorKey !== undefined ? (nextCursor ?? null) : "next" in block ? block.next : undefined;
  const hasMore = typeof more === "boolean" ? more : next === null ? false : typeof next === "string" ? true : undefined;
  return {
    ...(totalPages !== undefined && { totalPages }),
    ...(hasMore !== undefined && { hasMore }),
    ...(nextCursor !== undefined && { nextCursor }),
  };
}

/** Where list answers keep their items, in the order tried. */
const ITEM_KEYS = ["data", "items", "results"] as const;

export function readListBody(json: unknown): ListPage | undefined {
  if (Array.isArray(json)) return { items: json };
  const body = record(json);
  if (!body) return undefined;
  for (const key of ITEM_KEYS) {
    const items = body[key];
    if (!Array.isArray(items)) continue;
    const paging = pagingOf(record(body.pagination) ?? record(body.meta) ?? record(body.page_info) ?? record(body.links));
    const top = pagingOf(body);
    return { items, ...top, ...paging };
  }
  return undefined;
}

// ---- status words ---------------------------------------------------------------------------------

/** Words that mean the awaited state is reached: a deployment, a certificate, a domain, a key. */
export const READY_WORDS = [
  "deployed",
  "active",
  "ready",
  "enabled",
  "issued",
  "available",
  "succeeded",
  "success",
  "completed",
  "complete",
  "online",
  "live",
];
/** Words that mean it can never be reached from here: stop waiting at once. */
export const FAILED_WORDS = [
  "failed",
  "failure",
  "error",
  "errored",
  "validation_failed",
  "validation_timed_out",
  "timed_out",
  "revoked",
  "expired",
  "rejected",
  "cancelled",
  "canceled",
];

/** `Validation Timed-Out` → `validation_timed_out`. */
export function normalStatus(word: string): string {
  return word
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

export function statusKindOf(word: string | undefined, ready = READY_WORDS, failed = FAILED_WORDS): StatusKind {
  if (word === undefined) return "pending";
  const normal = normalStatus(word);
  if (ready.includes(normal)) return "ready";
  if (failed.includes(normal)) return "failed";
  return "pending";
}

/**
 * Whether a refused list request is the server refusing the page size: a 400/422 that blames the
 * limit, or any refusal of the first page (which differs from a plain list only by the paging
 * asked); never an auth failure, a 404, a conflict, a throttle or a server failure.
 */
export function refusesPageSize(status: number, error: ApiErrorInfo | undefined, firstPage: boolean): boolean {
  if (status === 401 || status === 403 || status === 404 || status === 409 || status === 429 || status >= 500) return false;
  const blamesLimit = error?.field === "limit" || /\b(limit|page.?size|per.?page)\b/i.test(error?.message ?? "");
  return ((status === 400 || status === 422) && blamesLimit) || firstPage;
}

/**
 * How an API that documents no answer bodies and no paging is read: errors and lists in every
 * common form, a list whole unless it gives a `next_cursor`, then followed (a page asked by number
 * would only repeat the first). A dialect spreads it and adds what is its own.
 */
export const undocumentedAnswers = {
  parseError: parseErrorBody,
  readList: readListBody,
  paging: "cursor",
  pageSize: 100,
  pageQuery: (_page: number, limit: number | undefined, cursor: string | undefined) => ({ limit, cursor }),
  refusesPageSize,
} satisfies Partial<ApiDialect>;

// ---- authentication -------------------------------------------------------------------------------

/** The key as messages may show it: its documented prefix and a few characters, never more. */
export function keyPrefix(key: string): string {
  const dash = key.search(/[-_]/);
  return `${dash > 0 && dash < 12 ? key.slice(0, dash + 1) : ""}${key.slice(dash + 1, dash + 3)}…`;
}
