// The adopt rule for creates. A create whose outcome is unknown (5xx, timeout, dropped connection)
// may have made the object: look it up by its unique key before trying again, and adopt what this
// create made. What existed before the first attempt is never adopted (that would hand someone
// else's object to this stack, and a later destroy would delete it): a found object counts as ours
// only if the API stamped it after the first attempt began, on the API's own clock.
import { MamuteApiError, type MamuteClient } from "./client";
import { backoffDelay } from "./client/retry";

/** Slack for the one-second resolution of the `Date` header the server clock is learned from. */
const CLOCK_SLACK_MS = 2000;

export interface AdoptingCreate<T> {
  client: MamuteClient;
  /** One create call. */
  create(): Promise<T>;
  /** The object with this create's unique key, if any (one lookup). */
  lookup(): Promise<T | undefined>;
  /** The API's `created_at` of an object. */
  createdAt(found: T): string;
  /** The error for a name already taken by an object this create did not make. */
  conflict(found: T | undefined, cause: MamuteApiError | undefined): Error;
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
  let lastError: MamuteApiError | undefined;
  let unknownOutcome = false;

  const isOurs = (found: T): boolean => {
    // serverNow() reflects the clock offset learned from the lookup that just answered.
    const startedOnServer = startedLocal + (client.serverNow() - Date.now());
    return Date.parse(spec.createdAt(found)) >= startedOnServer - CLOCK_SLACK_MS;
  };

  for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, settings));
    try {
      return await spec.create();
    } catch (err) {
      if (!(err instanceof MamuteApiError)) throw err;
      lastError = err;
      if (err.isConflict && !unknownOutcome) {
        // The API refused on the first real answer: the key is someone else's.
        throw spec.conflict(await spec.lookup().catch(() => undefined), err);
      }
      if (!err.outcomeUnknown && !err.isConflict) throw err;
      unknownOutcome = true;
      const found = await spec.lookup();
      if (found !== undefined) {
        if (isOurs(found)) return found;
        throw spec.conflict(found, err);
      }
      // Not made: the next attempt is safe.
    }
  }
  throw lastError;
}
