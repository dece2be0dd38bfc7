// Dialects of The Cloud's emulator: each answers one question the reference leaves open the other
// way (README.md, "What the reference leaves open"). Names are read by the parser both emulators
// share (emulator/dialect.ts: groups, `all`, `default`); the default dialect changes nothing.
import { buildDialect } from "../../emulator/dialect";

export interface TheCloudDialect {
  /** The names it was made from (`all` expanded), in table order; empty for the default. */
  readonly names: readonly TheCloudDialectName[];
  readonly errorShape: "default" | "error-string" | "text";
  readonly lists: "array" | "wrapped" | "paged";
  readonly leanLists: boolean;
  readonly listChecksum: boolean;
  /** Status of a taken name: 409, or 400. */
  readonly clashStatus: 409 | 400;
  readonly nonEmptyStatus: 409 | 400;
  readonly tooLargeStatus: 413 | 400;
  /** Creates answer 200, deletes 200 with a message. */
  readonly ok200: boolean;
  readonly authKeysLimited: boolean;
  readonly authLimitPerRoute: boolean;
  readonly retryAfter: boolean;
  readonly rotateKeepsId: boolean;
  /** A soft delete lets the newest version not deleted become current. */
  readonly softDeleteReveals: boolean;
  /** Only current objects keep a bucket non-empty. */
  readonly softDeleteEmpties: boolean;
  readonly publicReadsWithoutKey: boolean;
  readonly reservedNamesAllowed: boolean;
  readonly completeRequiresParts: boolean;
  /** Multipart complete answers the upload, not the object. */
  readonly completeAnswersUpload: boolean;
  readonly partMinimum: boolean;
  readonly expireFromRule: boolean;
  readonly basePath: boolean;
}

export const DEFAULT_THECLOUD_DIALECT: TheCloudDialect = Object.freeze({
  names: [],
  errorShape: "default",
  lists: "array",
  leanLists: false,
  listChecksum: true,
  clashStatus: 409,
  nonEmptyStatus: 409,
  tooLargeStatus: 413,
  ok200: false,
  authKeysLimited: true,
  authLimitPerRoute: false,
  retryAfter: true,
  rotateKeepsId: false,
  softDeleteReveals: false,
  softDeleteEmpties: false,
  publicReadsWithoutKey: true,
  reservedNamesAllowed: false,
  completeRequiresParts: false,
  completeAnswersUpload: false,
  partMinimum: true,
  expireFromRule: false,
  basePath: false,
});

type Patch = Partial<Omit<TheCloudDialect, "names">>;

/** One per group; `all` takes the one marked `inAll` (every group has one: they all combine). */
const DIALECTS = {
  // In `all`: `error` is a string where the default has an object, the likeliest to mislead a parser.
  "error-string": { group: "errors", inAll: true, patch: { errorShape: "error-string" } },
  "error-text": { group: "errors", inAll: false, patch: { errorShape: "text" } },
  "wrapped-lists": { group: "lists", inAll: false, patch: { lists: "wrapped" } },
  // In `all`: a client must follow cursors.
  "paged-lists": { group: "lists", inAll: true, patch: { lists: "paged" } },
  "lean-lists": { group: "lean-lists", inAll: true, patch: { leanLists: true } },
  "list-no-checksum": { group: "list-checksum", inAll: true, patch: { listChecksum: false } },
  "clash-400": { group: "clash", inAll: true, patch: { clashStatus: 400 } },
  "nonempty-400": { group: "nonempty", inAll: true, patch: { nonEmptyStatus: 400 } },
  "too-large-400": { group: "too-large", inAll: true, patch: { tooLargeStatus: 400 } },
  "ok-200": { group: "statuses", inAll: true, patch: { ok200: true } },
  "auth-keys-unlimited": { group: "auth-keys", inAll: true, patch: { authKeysLimited: false } },
  "auth-limit-per-route": { group: "auth-budget", inAll: true, patch: { authLimitPerRoute: true } },
  "no-retry-after": { group: "retry-after", inAll: true, patch: { retryAfter: false } },
  "rotate-keeps-id": { group: "rotate", inAll: true, patch: { rotateKeepsId: true } },
  "soft-delete-reveals": { group: "soft-delete-current", inAll: true, patch: { softDeleteReveals: true } },
  "soft-delete-empties": { group: "soft-delete-empty", inAll: true, patch: { softDeleteEmpties: true } },
  "public-needs-key": { group: "public", inAll: true, patch: { publicReadsWithoutKey: false } },
  "reserved-names-allowed": { group: "reserved-names", inAll: true, patch: { reservedNamesAllowed: true } },
  "complete-requires-parts": { group: "complete-body", inAll: true, patch: { completeRequiresParts: true } },
  "complete-upload": { group: "complete-answer", inAll: true, patch: { completeAnswersUpload: true } },
  "parts-any-size": { group: "part-size", inAll: true, patch: { partMinimum: false } },
  "expire-from-rule": { group: "expiration", inAll: true, patch: { expireFromRule: true } },
  "base-path": { group: "base-path", inAll: true, patch: { basePath: true } },
} as const satisfies Record<string, { group: string; inAll: boolean; patch: Patch }>;

export type TheCloudDialectName = keyof typeof DIALECTS;

export const THECLOUD_DIALECT_NAMES = Object.keys(DIALECTS) as TheCloudDialectName[];

/** The names `all` stands for. */
export const ALL_THECLOUD_DIALECT_NAMES: readonly TheCloudDialectName[] = THECLOUD_DIALECT_NAMES.filter((name) => DIALECTS[name].inAll);

/** The dialect of these names; throws `ControlConfigError` for an unknown name or two of one group. */
export function readTheCloudDialect(value: unknown, field = "dialect"): TheCloudDialect {
  return buildDialect<TheCloudDialectName, TheCloudDialect>(value, field, DIALECTS, DEFAULT_THECLOUD_DIALECT);
}
