// The trace a create leaves when its outcome stays unknown after its lookups (the answer was lost
// and the lookup failed too, or several objects could be the one it made). It becomes the
// resource's id, `pending:<base64url JSON>`, in an init failure, so the engine keeps the resource
// in state and the next operation resolves it through the definition's `findPending`:
// - `pulumi refresh` adopts what the attempt made (Read may change an id) or drops the resource;
// - `pulumi up` replaces it, deleting first: the delete removes what the attempt made, if anything,
//   and the create makes it again (Update cannot change an id, so adoption is refresh's alone);
// - `pulumi destroy` deletes what the attempt made, if anything.
import { ResourceInitError } from "./initError";
import type { PropertyMap } from "./properties";

export interface PendingCreate {
  /** What the definition looks the object up by (a name, a domain, a bucket id, …). */
  key: Record<string, string>;
  /** Earliest and latest `created_at` the attempt's object can carry (ms, tolerance included). */
  from: number;
  to: number;
  /** Ids known not to be this create's (a credential list before it, other creates' objects). */
  excluded?: string[];
  /** Ids that could each have been this create's: never adopted nor deleted by this stack. */
  ambiguous?: string[];
}

const PREFIX = "pending:";

export function pendingId(trace: PendingCreate): string {
  return PREFIX + Buffer.from(JSON.stringify(trace)).toString("base64url");
}

export function parsePendingId(id: string): PendingCreate | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  try {
    const trace = JSON.parse(Buffer.from(id.slice(PREFIX.length), "base64url").toString("utf8")) as PendingCreate;
    if (typeof trace.key === "object" && typeof trace.from === "number" && typeof trace.to === "number") return trace;
  } catch {
    // not ours: fall through
  }
  throw new Error(`"${id.slice(0, 60)}…" is not a pending-create id this provider wrote; run \`pulumi refresh\`.`);
}

/** Whether an object stamped `createdAt` can be the attempt's, by time alone. Whether an object was stamped within the window; never when the API does not say when (`createdAt` absent). */
export function madeWithin(trace: PendingCreate, createdAt: string | undefined): boolean {
  if (createdAt === undefined) return false;
  const stamped = Date.parse(createdAt);
  return stamped >= trace.from && stamped <= trace.to;
}

/** The error of a create that leaves a trace: the engine keeps the resource with `pending:…` as its id. */
export class PendingCreateError extends ResourceInitError {
  override name = "PendingCreateError";
  constructor(message: string, trace: PendingCreate, properties: PropertyMap = {}) {
    super(message, pendingId(trace), properties);
  }
}

/** What the next operations do with the trace, for the errors that leave one. */
export const SETTLED_NEXT =
  "The stack keeps a placeholder for it: the next `pulumi up` settles it (it deletes what this attempt made, if " +
  "anything, and creates it again), `pulumi refresh` adopts it, and `pulumi destroy` deletes it.";

/**
 * What a trace of a create without a unique key made, among `listed` (the objects under its key):
 * the one not known before the attempt (`excluded`) and stamped no later than its end. A trace
 * whose candidates could not be told apart settles only once someone has told them apart (removed
 * some: the ones left are someone else's); while all remain, and whenever several fit, `ambiguous`
 * gives the error, as nothing may be adopted or deleted on a guess.
 */
/** Not stamped after `to`; an object without a stamp may be the attempt's (what excluded it is the list taken before). */
function stampedBy(createdAt: string | undefined, to: number): boolean {
  return createdAt === undefined || !(Date.parse(createdAt) > to);
}

export function pendingAmong<T>(
  trace: PendingCreate,
  listed: T[],
  idOf: (found: T) => string,
  createdAt: (found: T) => string | undefined,
  ambiguous: (ids: string[]) => Error,
): T | undefined {
  if (trace.ambiguous) {
    const remaining = listed.filter((found) => trace.ambiguous?.includes(idOf(found)));
    if (remaining.length < trace.ambiguous.length) return undefined;
    throw ambiguous(trace.ambiguous);
  }
  const excluded = new Set(trace.excluded ?? []);
  const candidates = listed.filter((found) => !excluded.has(idOf(found)) && stampedBy(createdAt(found), trace.to));
  if (candidates.length > 1) throw ambiguous(candidates.map(idOf));
  return candidates[0];
}
