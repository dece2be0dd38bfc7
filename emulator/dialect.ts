// Dialects: the ways a real MamuteCloud may answer where the API documents are silent. The
// documents specify request bodies only; each dialect makes the management API answer one other
// way they allow, so a client can be proven against more than the emulator's own choice. Names are
// parsed here into one `Dialect` object that the few places producing answers consult (see
// management/dialect-answers.ts, http.ts sendError, auth.ts, router.ts, cdn-purge.ts,
// cdn-fields.ts, cdn-json.ts, tls/certificates.ts); the default dialect changes nothing.
import { ControlConfigError } from "./control-config";

export type ErrorShape = "default" | "message" | "detail" | "error-string" | "text";
export type ListEnvelope = "default" | "array" | "data" | "meta" | "items";
export type ApiKeyHeader = "both" | "authorization" | "x-api-key";
export type StoragePrefix = "both" | "/object-storage" | "/storage/object-storage";
export type PurgeTargets = "both" | "absolute" | "paths";

export interface Dialect {
  /** The names it was made from (`all` expanded), in the order of DIALECT_NAMES; empty for the default. */
  readonly names: readonly DialectName[];
  /** The error body's shape; statuses never change. */
  readonly errorShape: ErrorShape;
  /** How a list answer wraps its page. */
  readonly listEnvelope: ListEnvelope;
  /** A smaller maximum page size, and what a larger `?limit` gets. */
  readonly pageSize?: { readonly max: number; readonly over: "refuse" | "clamp" };
  /** Answers carry only the fields the documents name (see management/dialect-answers.ts). */
  readonly documentedFieldsOnly: boolean;
  /** `deployed` and `issued` are answered as other ready words. */
  readonly otherStatusWords: boolean;
  /** Certificates and CDN deploys end in a failure word instead of becoming ready. */
  readonly failingStatuses: boolean;
  readonly apiKeyHeader: ApiKeyHeader;
  readonly storagePrefix: StoragePrefix;
  readonly purgeTargets: PurgeTargets;
  /** `distribution_domain` (and `?distribution_name`) must be a bare label: `my-site`. */
  readonly distributionLabelOnly: boolean;
  /** List filters such as `?name=` and `?type=` are ignored: the whole list comes back. */
  readonly filtersIgnored: boolean;
}

export const DEFAULT_DIALECT: Dialect = Object.freeze({
  names: [],
  errorShape: "default",
  listEnvelope: "default",
  documentedFieldsOnly: false,
  otherStatusWords: false,
  failingStatuses: false,
  apiKeyHeader: "both",
  storagePrefix: "both",
  purgeTargets: "both",
  distributionLabelOnly: false,
  filtersIgnored: false,
});

/** The maximum page size of the `page-size-*` dialects (the default is 100). */
export const DIALECT_MAX_PAGE_SIZE = 5;

type Patch = Partial<Omit<Dialect, "names">>;

/**
 * Every dialect: the group it belongs to (at most one per group, as each group answers one
 * question one way) and what it changes. `all` takes the first of each group marked `inAll`.
 */
const DIALECTS = {
  "errors-message": { group: "errors", inAll: false, patch: { errorShape: "message" } },
  "errors-detail": { group: "errors", inAll: false, patch: { errorShape: "detail" } },
  // In `all`: `error` is a string where the default has an object, the likeliest to mislead a parser.
  "errors-string": { group: "errors", inAll: true, patch: { errorShape: "error-string" } },
  "errors-text": { group: "errors", inAll: false, patch: { errorShape: "text" } },
  // In `all`: no total and no page count, so a client can only stop at a short page.
  "list-array": { group: "lists", inAll: true, patch: { listEnvelope: "array" } },
  "list-data": { group: "lists", inAll: false, patch: { listEnvelope: "data" } },
  "list-meta": { group: "lists", inAll: false, patch: { listEnvelope: "meta" } },
  "list-items": { group: "lists", inAll: false, patch: { listEnvelope: "items" } },
  // In `all`: a client asking for big pages must fall back to the server's default.
  "page-size-refuse": { group: "page-size", inAll: true, patch: { pageSize: { max: DIALECT_MAX_PAGE_SIZE, over: "refuse" } } },
  "page-size-clamp": { group: "page-size", inAll: false, patch: { pageSize: { max: DIALECT_MAX_PAGE_SIZE, over: "clamp" } } },
  "documented-fields": { group: "documented-fields", inAll: true, patch: { documentedFieldsOnly: true } },
  "status-words": { group: "status-words", inAll: true, patch: { otherStatusWords: true } },
  // Not in `all`: nothing ever becomes ready under it, so no lifecycle could complete.
  "status-failures": { group: "status-failures", inAll: false, patch: { failingStatuses: true } },
  "auth-authorization": { group: "auth", inAll: false, patch: { apiKeyHeader: "authorization" } },
  // In `all` rather than `auth-authorization`: the provider sends `Authorization` by default.
  "auth-x-api-key": { group: "auth", inAll: true, patch: { apiKeyHeader: "x-api-key" } },
  "prefix-object-storage": { group: "prefix", inAll: false, patch: { storagePrefix: "/object-storage" } },
  // In `all`: the provider uses `/object-storage` by default.
  "prefix-storage": { group: "prefix", inAll: true, patch: { storagePrefix: "/storage/object-storage" } },
  // In `all`: the provider purges by path by default.
  "purge-absolute": { group: "purge", inAll: true, patch: { purgeTargets: "absolute" } },
  "purge-paths": { group: "purge", inAll: false, patch: { purgeTargets: "paths" } },
  "distribution-label": { group: "distribution-label", inAll: true, patch: { distributionLabelOnly: true } },
  "filters-ignored": { group: "filters-ignored", inAll: true, patch: { filtersIgnored: true } },
} as const satisfies Record<string, { group: string; inAll: boolean; patch: Patch }>;

export type DialectName = keyof typeof DIALECTS;

export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];

/** The names `all` stands for: one per group, every group that can combine with a working lifecycle. */
export const ALL_DIALECT_NAMES: readonly DialectName[] = DIALECT_NAMES.filter((name) => DIALECTS[name].inAll);

/** `"a,b"`, `["a", "b"]` or `["a,b"]` → the names, trimmed, empties dropped. */
function splitNames(value: unknown, field: string): string[] {
  const parts = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!parts || parts.some((part) => typeof part !== "string")) {
    throw new ControlConfigError(field, "must be a dialect name, a comma-separated list of them, or an array of them");
  }
  return (parts as string[])
    .flatMap((part) => part.split(","))
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/** A dialect's place in a table of dialects: its group (one name per group) and whether `all` takes it. */
export interface DialectEntry {
  readonly group: string;
  readonly inAll: boolean;
}

/**
 * The names given, checked against `table` and in its order (`default`, or nothing, is none;
 * `all` is every name marked `inAll` whose group no other given name answers). Throws
 * `ControlConfigError` for an unknown name or two of one group. Shared by every emulator's dialects.
 */
export function readDialectNames<Name extends string>(value: unknown, field: string, table: Readonly<Record<Name, DialectEntry>>): Name[] {
  if (value === undefined || value === null) return [];
  const known = Object.keys(table) as Name[];
  const given = splitNames(value, field);
  const byGroup = new Map<string, Name>();
  for (const name of given) {
    if (name === "default" || name === "all") continue;
    if (!(name in table)) {
      throw new ControlConfigError(field, `${JSON.stringify(name)} is not a dialect; use default, all, or any of ${known.join(", ")}`);
    }
    const dialectName = name as Name;
    const other = byGroup.get(table[dialectName].group);
    if (other !== undefined && other !== dialectName)
      throw new ControlConfigError(field, `${other} and ${name} answer the same question one way each; give one of them`);
    byGroup.set(table[dialectName].group, dialectName);
  }
  // `all` fills every group not named on its own: `all,errors-text` is `all` with plain-text errors.
  if (given.includes("all")) {
    for (const name of known) if (table[name].inAll && !byGroup.has(table[name].group)) byGroup.set(table[name].group, name);
  }
  const names = new Set(byGroup.values());
  return known.filter((name) => names.has(name));
}

/** The dialect object of the names given: `defaults` patched by each name's entry, frozen (`defaults` itself for none). */
export function buildDialect<Name extends string, D extends { readonly names: readonly Name[] }>(
  value: unknown,
  field: string,
  table: Readonly<Record<Name, DialectEntry & { readonly patch: Partial<D> }>>,
  defaults: D,
): D {
  const names = readDialectNames(value, field, table);
  if (names.length === 0) return defaults;
  return Object.freeze(Object.assign({}, defaults, ...names.map((name) => table[name].patch), { names }) as D);
}

/**
 * The dialect made of these names (`default`, or nothing, is the default; `all` is every name
 * of ALL_DIALECT_NAMES). Throws `ControlConfigError` for an unknown name or two of one group.
 */
export function readDialect(value: unknown, field = "dialect"): Dialect {
  return buildDialect<DialectName, Dialect>(value, field, DIALECTS, DEFAULT_DIALECT);
}

/** How a dialect reads back: its names, `default` when none. */
export function dialectJson(dialect: { readonly names: readonly string[] }): { dialect: string[] } {
  return { dialect: dialect.names.length ? [...dialect.names] : ["default"] };
}
