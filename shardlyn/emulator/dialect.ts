// Dialects of Shardlyn's emulator: each answers one question the reference leaves open the other
// way (README.md, "What the reference leaves open"). Names are read by the parser every emulator
// shares (emulator/dialect.ts: groups, `all`, `default`); the default dialect changes nothing.
import { buildDialect } from "../../emulator/dialect";

export interface ShardlynDialect {
  /** The names it was made from (`all` expanded), in table order; empty for the default. */
  readonly names: readonly ShardlynDialectName[];
  /** How a record's name reads back. */
  readonly recordNames: "relative" | "full" | "fqdn";
  readonly externalIds: boolean;
  /** A record create answers `201` with no body. */
  readonly createBare: boolean;
  /** A record PUT needs type, name, content and ttl. */
  readonly putWhole: boolean;
  readonly txtQuoted: boolean;
  readonly lists: "array" | "enveloped" | "paged";
  /** The external provider's refusal is answered `403` rather than `502`. */
  readonly external403: boolean;
  /** API token `expires_at` a day short of `created_at + expires_in` (the reference's example). */
  readonly tokenExpiryShort: boolean;
  readonly autoConfigWhole: boolean;
  /** `X-RateLimit-Reset` in seconds from now rather than a Unix time. */
  readonly resetSeconds: boolean;
  /** A rate-limit `429` also carries `Retry-After`. */
  readonly retryAfter: boolean;
}

export const DEFAULT_SHARDLYN_DIALECT: ShardlynDialect = Object.freeze({
  names: [],
  recordNames: "relative",
  externalIds: false,
  createBare: false,
  putWhole: false,
  txtQuoted: false,
  lists: "array",
  external403: false,
  tokenExpiryShort: false,
  autoConfigWhole: false,
  resetSeconds: false,
  retryAfter: false,
});

type Patch = Partial<Omit<ShardlynDialect, "names">>;

/** One name per group; `all` takes the one marked `inAll` of each group. */
const DIALECTS = {
  "names-full": { group: "names", inAll: false, patch: { recordNames: "full" } },
  // In `all`: a trailing dot is the likeliest to break a client comparing names.
  "names-fqdn": { group: "names", inAll: true, patch: { recordNames: "fqdn" } },
  "external-ids": { group: "ids", inAll: true, patch: { externalIds: true } },
  "create-bare": { group: "create-answer", inAll: true, patch: { createBare: true } },
  "put-whole": { group: "put-fields", inAll: true, patch: { putWhole: true } },
  "txt-quoted": { group: "txt", inAll: true, patch: { txtQuoted: true } },
  "lists-enveloped": { group: "lists", inAll: false, patch: { lists: "enveloped" } },
  // In `all`: a client must follow cursors.
  "lists-paged": { group: "lists", inAll: true, patch: { lists: "paged" } },
  "external-403": { group: "external-refusal", inAll: true, patch: { external403: true } },
  "token-expiry-short": { group: "token-expiry", inAll: true, patch: { tokenExpiryShort: true } },
  "auto-config-whole": { group: "auto-config", inAll: true, patch: { autoConfigWhole: true } },
  "reset-seconds": { group: "rate-limit-reset", inAll: true, patch: { resetSeconds: true } },
  // Not in `all`: without it a client must back off from X-RateLimit-Reset alone.
  "retry-after": { group: "retry-after", inAll: false, patch: { retryAfter: true } },
} as const satisfies Record<string, { group: string; inAll: boolean; patch: Patch }>;

export type ShardlynDialectName = keyof typeof DIALECTS;

export const SHARDLYN_DIALECT_NAMES = Object.keys(DIALECTS) as ShardlynDialectName[];

/** The names `all` stands for. */
export const ALL_SHARDLYN_DIALECT_NAMES: readonly ShardlynDialectName[] = SHARDLYN_DIALECT_NAMES.filter((name) => DIALECTS[name].inAll);

/** The dialect of these names; throws `ControlConfigError` for an unknown name or two of one group. */
export function readShardlynDialect(value: unknown, field = "dialect"): ShardlynDialect {
  return buildDialect<ShardlynDialectName, ShardlynDialect>(value, field, DIALECTS, DEFAULT_SHARDLYN_DIALECT);
}
