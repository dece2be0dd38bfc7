// The adopt rule for creates. A create whose outcome is unknown (5xx, timeout, dropped connection)
// may have made the object: look it up before trying again, and adopt what this create made.
// What existed before the attempt is never adopted (that would hand someone else's object to this
// stack, and a later destroy would delete it): a found object counts as this create's only if the
// API stamped it after the attempt began (on the clock of `created_at`, learned from the creates
// that answered), or, for objects without a unique key, if it is new since a list taken before.
// When the lookups fail, or several objects could be this create's, nothing is adopted and the
// create leaves a trace (pending.ts) that the next operation resolves.
// One more proof of ownership, whatever the time: a name derived from the resource's URN
// (naming.ts) is held only by objects this very resource made. Found holding it, an object was
// made by an earlier attempt of this create that the engine never heard back from (the provider
// host killed inside the create), and is adopted.
// And one more: a create answered 2xx whose body cannot be read (UnreadableAnswerError) certainly
// made its object, and a unique key has one holder, so the one object holding the key is it.
import { ApiError, UnreadableAnswerError, type ApiClient } from "./client";
import { backoffDelay } from "./client/retry";
import { statusLine } from "./progress";
import { PendingCreateError, SETTLED_NEXT, madeWithin, type PendingCreate } from "./pending";

export interface AdoptingCreate<T> {
  client: ApiClient;
  /** What a later lookup needs to find the object (kept in the trace). */
  key: Record<string, string>;
  /** What the create makes, for messages: `a bucket named "site"`. */
  what: string;
  /** One create call. */
  create(): Promise<T>;
  /** The objects this create may have made (one lookup): the one holding its unique key, or the new ones. */
  lookup(): Promise<T[]>;
  /** The API's `created_at` of an object; undefined when the API does not say (then time proves nothing). */
  createdAt(found: T): string | undefined;
  /** The API's id of an object, for messages and the trace. */
  idOf(found: T): string;
  /**
   * True when `lookup` already returns only objects that cannot predate the attempt (new since a
   * list taken before it): time then decides nothing.
   */
  newSinceBefore?: boolean;
  /**
   * True when the object found carries this create's ownership mark (the name derived from the
   * resource's URN): made by an earlier, interrupted attempt of this very create. Never for a
   * name the user chose.
   */
  marked?(found: T): boolean;
  /** Called on the object adopted, before anything else can run. */
  adopt?(found: T): void;
  /** Ids known not to be this create's, for the trace (with `newSinceBefore`). */
  excluded?(): Promise<string[]>;
  /** The error for a key already taken by an object this create did not make. */
  conflict(found: T | undefined, cause: ApiError | undefined): Error;
}

export class CreateConflictError extends Error {
  override name = "CreateConflictError";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function createAdopting<T>(spec: AdoptingCreate<T>): Promise<T> {
  const { client } = spec;
  const settings = client.config.retry;
  const startedLocal = Date.now();
  let unknownOutcome = false;
  let lastError: ApiError | undefined;

  /** The attempt so far: its key, its window on the `created_at` clock, what cannot be its object. */
  const trace = async (): Promise<PendingCreate> => {
    const from = client.stampTime(startedLocal);
    const to = client.stampTime(Date.now());
    const excluded = spec.excluded ? await spec.excluded() : undefined;
    return {
      key: spec.key,
      from: Math.floor(from.at - from.toleranceMs),
      to: Math.ceil(to.at + to.toleranceMs),
      ...(excluded && { excluded }),
    };
  };

  const adoptMarked = (found: T): T => {
    const message =
      `${capitalized(spec.what)} already exists (${spec.idOf(found)}, created ${spec.createdAt(found) ?? "at a time the API does not say"}) under the name derived ` +
      "from this resource's URN: an earlier `pulumi up` was interrupted while creating it. Adopting it.";
    statusLine(message);
    spec.adopt?.(found);
    return found;
  };

  // An API that does not stamp its objects leaves time no say: the objects holding the key before
  // the first attempt are listed instead, and never adopted (as a credential's are, always).
  const before =
    !spec.newSinceBefore && client.stampsObjects === false ? new Set((await spec.lookup()).map((found) => spec.idOf(found))) : undefined;
  const madeSince = (window: PendingCreate, found: T): boolean => {
    const createdAt = spec.createdAt(found);
    if (createdAt === undefined && before !== undefined) return !before.has(spec.idOf(found));
    return madeWithin(window, createdAt);
  };

  for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, settings));
    try {
      return await spec.create();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      lastError = err;
      if (err.isConflict && !unknownOutcome) {
        // The API refused on the first real answer: the key is someone else's.
        const found = await spec.lookup().catch(() => []);
        if (found.length === 1 && spec.marked?.(found[0])) return adoptMarked(found[0]);
        throw spec.conflict(found[0], err);
      }
      if (!err.outcomeUnknown && !err.isConflict) throw err;
      unknownOutcome = true;

      let candidates: T[];
      try {
        candidates = await spec.lookup();
      } catch (lookupError) {
        const why = lookupError instanceof Error ? lookupError.message : String(lookupError);
        throw new PendingCreateError(
          `${err.message}; the outcome is unknown and looking it up failed too (${why}). ${capitalized(spec.what)} ` +
            `may exist without this stack knowing its id. ${SETTLED_NEXT}`,
          await trace(),
        );
      }
      const window = await trace();
      const made = err instanceof UnreadableAnswerError;
      const ours =
        spec.newSinceBefore || (made && candidates.length === 1) ? candidates : candidates.filter((found) => madeSince(window, found));
      if (ours.length === 1) {
        spec.adopt?.(ours[0]);
        return ours[0];
      }
      if (ours.length > 1) {
        const ids = ours.map(spec.idOf);
        throw new PendingCreateError(
          `${err.message}; the outcome is unknown, and ${ids.length} objects appeared while it was made: ${ids.join(", ")}. ` +
            `One of them is probably ${spec.what} made by this create, the others someone else's, and nothing tells ` +
            "them apart, so none was adopted. Ask who else creates them which are theirs and delete the others; the next " +
            "`pulumi up` then leaves the ones still there alone and creates a new one. While all of them remain, every " +
            "`pulumi up` stops here rather than guess.",
          { ...window, ambiguous: ids },
        );
      }
      if (candidates.length === 1 && spec.marked?.(candidates[0])) return adoptMarked(candidates[0]);
      if (candidates.length > 0) throw spec.conflict(candidates[0], err);
      // Not made: the next attempt is safe.
    }
  }
  throw lastError;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
