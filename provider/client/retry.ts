// The one place that decides whether a failed request is tried again, and when. undici's
// RetryHandler does the re-sending; this callback gives it our policy: capped exponential backoff
// with jitter, per-request lists of what is retryable chosen by how safe the call is to repeat,
// and 429s apart: they do not spend the error-retry count, they are bounded by time, and each
// retry waits the server's Retry-After plus jitter, so the waiting requests do not all come back
// in the same instant. Every attempt goes through the process-wide limiter.
import type { RetryHandler } from "undici";
import type { RetrySettings } from "../config";
import type { RequestLimiter } from "./limiter";

/**
 * `safe`: repeating the call cannot do harm (GET, PUT, DELETE, activate/deactivate, regenerate):
 * retried on 429, any 5xx but 501, timeouts and connection errors.
 * `create`: repeating could duplicate an object, so it is retried only when the API certainly did
 * not apply it (429, connection refused); everything else surfaces for the adopt rule.
 */
export type RetryMode = "safe" | "create";

const connectionErrors = [
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
];

/** Errors that prove the request never reached the server. */
const notSentErrors = ["ECONNREFUSED", "ENOTFOUND", "UND_ERR_CONNECT_TIMEOUT"];

/** Statuses undici hands to the policy (other answers go straight back); the policy decides per mode. */
const POLICY_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

/**
 * What undici may retry for a call of `mode`. On loopback a refused connection is not retried:
 * nothing listens on this machine's port (the emulator is not running), and no backoff changes
 * that, so the user hears it at once instead of after a minute of retries.
 */
export function retryLists(mode: RetryMode, loopback = false): { statusCodes: number[]; errorCodes: string[] } {
  const errorCodes = mode === "safe" ? connectionErrors : notSentErrors;
  return { statusCodes: POLICY_STATUSES, errorCodes: loopback ? errorCodes.filter((code) => code !== "ECONNREFUSED") : errorCodes };
}

export function isRetryableStatus(mode: RetryMode, status: number): boolean {
  if (status === 429) return true;
  // 501 is "not implemented": asking again cannot change it.
  return mode === "safe" && status >= 500 && status !== 501;
}

/** Milliseconds to wait before retry number `attempt` (1-based) when the server gave no Retry-After. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  // Half fixed, half random: spreads clients apart without ever retrying immediately.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A server's Retry-After plus up to half again, capped: waiting requests spread out. */
export function throttleDelay(retryAfter: number, settings: RetrySettings, random: () => number = Math.random): number {
  return Math.round(Math.min(settings.maxDelayMs, retryAfter * (1 + random() / 2)));
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * `X-RateLimit-Reset` as milliseconds to wait, for a 429 without Retry-After. Its unit is not
 * standard: a value that reads as a time (Unix seconds, or milliseconds) is when the window ends;
 * a small one is the seconds left. Undefined when absent or not a number.
 */
export function rateLimitResetMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Number(Array.isArray(header) ? header[0] : header);
  if (header === undefined || !Number.isFinite(value) || value < 0) return undefined;
  if (value > 1e12) return Math.max(0, value - now);
  if (value > 1e9) return Math.max(0, value * 1000 - now);
  return value * 1000;
}

/**
 * The wait a 429 without Retry-After implies: until its rate-limit window resets, when its headers
 * say the window is spent (`X-RateLimit-Remaining: 0`, or no count at all); capped as a backoff is,
 * since the window may be long and other requests' answers speak for it too.
 */
function windowEndMs(headers: Record<string, string | string[]> | undefined, settings: RetrySettings): number | undefined {
  const remaining = headers?.["x-ratelimit-remaining"];
  if (remaining !== undefined && Number(Array.isArray(remaining) ? remaining[0] : remaining) > 0) return undefined;
  const reset = rateLimitResetMs(headers?.["x-ratelimit-reset"]);
  return reset === undefined ? undefined : Math.min(reset, settings.maxDelayMs);
}

/** What one request carries across its attempts (request options reach the policy untouched). */
export interface RetryTracker {
  mode: RetryMode;
  /** The endpoint is this machine: a refused connection is not retried (see retryLists). */
  loopback?: boolean;
  limiter: RequestLimiter;
  /** Attempts sent so far. */
  attempts: number;
  /** Failures other than 429 so far: what `maxRetries` bounds. */
  errors: number;
  /** 429s so far. */
  throttles: number;
  /** When the first attempt went out; 429s are retried until `rateLimitTimeoutMs` after it. */
  firstSentAt: number;
  /** When the latest attempt went out. */
  sentAt: number;
  /** For the status line of a long wait. */
  operation?: string;
  progress?: (message: string) => void;
}

/** Waits shorter than this pass without a status line. */
const REPORTED_WAIT_MS = 1000;

export function retryPolicy(settings: RetrySettings): RetryHandler.RetryCallback {
  return (err, { opts }, cb) => {
    const failure = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[]> };
    const tracker = (opts as { tracker?: RetryTracker }).tracker;
    if (!tracker) return cb(err);
    const status = failure.statusCode;
    let delay: number | undefined;
    const throttled = status === 429;
    const outOfTime = () => throttled && Date.now() - tracker.firstSentAt > settings.rateLimitTimeoutMs;
    if (throttled) {
      tracker.throttles++;
      const asked = retryAfterMs(failure.headers?.["retry-after"]);
      // The server will refuse every request until past the time budget (an account locked for
      // fifteen minutes): waiting in vain helps no one, the error says how long it asked.
      if (asked !== undefined && Date.now() - tracker.firstSentAt + asked > settings.rateLimitTimeoutMs) return cb(err);
      const serverWait = asked ?? windowEndMs(failure.headers, settings);
      tracker.limiter.throttled(tracker.sentAt, serverWait);
      delay = serverWait !== undefined ? throttleDelay(serverWait, settings) : backoffDelay(tracker.throttles, settings);
    } else {
      tracker.errors++;
      const retryable =
        status !== undefined
          ? isRetryableStatus(tracker.mode, status)
          : failure.code !== undefined && retryLists(tracker.mode, tracker.loopback).errorCodes.includes(failure.code);
      if (retryable && tracker.errors <= settings.maxRetries) delay = backoffDelay(tracker.errors, settings);
    }
    if (delay === undefined || outOfTime()) return cb(err);
    if (delay >= REPORTED_WAIT_MS && tracker.progress) {
      const cause = status !== undefined ? `HTTP ${status}` : failure.code;
      const count = throttled
        ? `throttled ${tracker.throttles} time${tracker.throttles === 1 ? "" : "s"}`
        : `retry ${tracker.errors} of ${settings.maxRetries}`;
      tracker.progress(`${tracker.operation ?? "request"}: ${cause}; retrying in ${(delay / 1000).toFixed(1)}s (${count})`);
    }
    setTimeout(() => {
      tracker.limiter.acquire().then((sentAt) => {
        // The wait for the limiter counts too: a 429 is not retried past its time budget.
        if (outOfTime()) return cb(err);
        tracker.sentAt = sentAt;
        tracker.attempts++;
        cb(null);
      });
    }, delay);
  };
}
