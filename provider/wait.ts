// The one way a resource waits for the API to reach a state (a CDN deployment, a certificate's
// issuance, a custom domain's activation): poll with backoff until a condition holds or a timeout
// the user set runs out, show progress while it waits, and fail with an error that says what was
// awaited, for how long, and what the API said last.
//
// Progress goes to the native plugin's reporter when one runs the operation (provider/progress.ts),
// else through `pulumi.log.info`. In the dynamic provider host that call has no engine
// connection (the host ignores the engine address it is started with: pulumi/pulumi#6065), so it
// falls back to a line on the host's stdout, and the Pulumi CLI (3.146 and later, pulumi/pulumi#18253)
// passes the stdout and stderr of a dynamic provider through to its output as info messages. If a
// later SDK connects the host to the engine, the same call becomes a structured engine log.
import { z } from "zod";
import { statusLine } from "./progress";

const UNITS_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds of a duration such as `20m`, `1h30m`, `90s`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match || text.trim() === "") return undefined;
  const [, h, m, s] = match;
  return Number(h ?? 0) * UNITS_MS.h + Number(m ?? 0) * UNITS_MS.m + Number(s ?? 0) * UNITS_MS.s;
}

/** A timeout input in milliseconds; `fallback` (a valid duration) when it is absent or invalid. */
export function durationMs(value: unknown, fallback: string): number {
  return (typeof value === "string" ? parseDuration(value) : undefined) ?? parseDuration(fallback) ?? 0;
}

/** `1h2m3s` style, for messages; sub-second precision is noise in a wait. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s || (!h && !m) ? `${s}s` : ""];
  return parts.join("");
}

/** Input schema of a wait timeout: a positive duration string, kept in its canonical lower-case form. */
export const durationSchema = z
  .string()
  .transform((text) => text.trim().toLowerCase())
  .refine((text) => (parseDuration(text) ?? 0) > 0, {
    message: 'must be a positive duration of hours, minutes and seconds, e.g. "20m", "1h30m" or "90s"',
  });

export interface WaitSpec<T> {
  /** What is awaited, as a phrase: `CDN resource cdn_1 (my-site) to be deployed`. */
  what: string;
  /** One observation of the object (its own API retries already applied). */
  poll(): Promise<T>;
  /** The status to show and to report on timeout. */
  status(observed: T): string;
  /** True once the awaited state is reached. */
  done(observed: T): boolean;
  /** A reason the awaited state can never be reached from here (stop at once), or undefined. */
  failed?(observed: T): string | undefined;
  /** More to say on timeout, from the last observation (e.g. the validation records still missing). */
  detail?(last: T): string | undefined;
  timeoutMs: number;
  /** First delay between polls; grows ×1.5 per poll up to `maxIntervalMs`. Default 1s. */
  intervalMs?: number;
  /** Default 15s: a real CDN takes minutes; more frequent polls only spend rate limit. */
  maxIntervalMs?: number;
  /** Where progress lines go. Default the plugin's status line, else `pulumi.log.info`. */
  log?(message: string): void;
}

/** The wait ran out of time. The caller decides what survives (usually a ResourceInitError). */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly what: string,
    readonly elapsedMs: number,
    readonly lastStatus: string | undefined,
  ) {
    super(message);
  }
}

/** The awaited state can never be reached (e.g. a certificate whose validation failed). */
export class WaitFailedError extends Error {
  override name = "WaitFailedError";
}

/** A progress line at least this often (or 4 times over a shorter timeout), and on every status change. */
const PROGRESS_EVERY_MS = 15_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The native plugin reports on the resource's row (an ephemeral status line with its URN); the
// dynamic host installs no reporter, so there the line takes the path described above.
const defaultLog = statusLine;

/** Polls until `done`; returns the last observation. */
export async function waitUntil<T>(spec: WaitSpec<T>): Promise<T> {
  const log = spec.log ?? defaultLog;
  const started = Date.now();
  const deadline = started + spec.timeoutMs;
  // A short timeout polls more often, so it still gets several looks before it gives up.
  let delay = Math.min(spec.intervalMs ?? 1000, Math.max(50, spec.timeoutMs / 10));
  const maxDelay = spec.maxIntervalMs ?? 15_000;
  let lastStatus: string | undefined;
  let last: T | undefined;
  let lastLogged = started;
  let first = true;
  const progressEvery = Math.min(PROGRESS_EVERY_MS, spec.timeoutMs / 4);

  for (;;) {
    last = await spec.poll();
    const status = spec.status(last);
    const elapsed = Date.now() - started;
    if (spec.done(last)) {
      if (!first) log(`${spec.what}: ${status} after ${formatDuration(elapsed)}`);
      return last;
    }
    const failure = spec.failed?.(last);
    if (failure !== undefined) {
      throw new WaitFailedError(`gave up waiting for ${spec.what} after ${formatDuration(elapsed)}: ${failure} (status ${status})`);
    }
    if (first) {
      log(`waiting for ${spec.what} (status ${status}, timeout ${formatDuration(spec.timeoutMs)})`);
      lastLogged = Date.now();
    } else if (status !== lastStatus || Date.now() - lastLogged >= progressEvery) {
      log(`still waiting for ${spec.what}: status ${status}, ${formatDuration(elapsed)} elapsed of ${formatDuration(spec.timeoutMs)}`);
      lastLogged = Date.now();
    }
    first = false;
    lastStatus = status;

    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = spec.detail?.(last);
      throw new WaitTimeoutError(
        `timed out after ${formatDuration(Date.now() - started)} waiting for ${spec.what}; last status: ${status}` +
          (detail ? `; ${detail}` : ""),
        spec.what,
        Date.now() - started,
        status,
      );
    }
    // Jittered, and never past the deadline: the last poll lands on it.
    await sleep(Math.min(remaining, delay * (0.75 + Math.random() * 0.5)));
    delay = Math.min(maxDelay, delay * 1.5);
  }
}

/**
 * How long a zone's or bucket's delete lets the records or files this same update is deleting
 * beside it go first. A program that names its zone or bucket by a literal id (the program
 * `pulumi import` generates does) gives the engine no dependency, so it deletes both at once.
 */
export const CONTENTS_GRACE_MS = 15_000;

/**
 * Looks at a container's contents until `isEmpty` holds or `graceMs` runs out; returns the last
 * look, so the caller refuses with what is still there.
 */
export async function untilEmpty<T>(
  what: string,
  look: () => Promise<T>,
  isEmpty: (observed: T) => boolean,
  graceMs = CONTENTS_GRACE_MS,
): Promise<T> {
  const started = Date.now();
  let observed = await look();
  let delay = 250;
  while (!isEmpty(observed) && Date.now() - started < graceMs) {
    if (delay === 250) statusLine(`${what} is not empty yet; waiting up to ${formatDuration(graceMs)} for deletes running beside it`);
    await sleep(Math.min(delay, Math.max(0, graceMs - (Date.now() - started))));
    delay = Math.min(2000, delay * 2);
    observed = await look();
  }
  return observed;
}
