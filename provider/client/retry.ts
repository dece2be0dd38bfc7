// The one place that decides whether a failed request is tried again, and when. undici's
// RetryHandler does the re-sending; this callback gives it our policy: capped exponential backoff
// with jitter, a server's Retry-After honoured (up to the same cap), and per-request lists of
// retryable statuses and error codes chosen by how safe the call is to repeat.
import type { RetryHandler } from "undici";
import type { RetrySettings } from "../config";

/**
 * `safe`: repeating the call cannot do harm (GET, PUT, DELETE, activate/deactivate, regenerate):
 * retried on 429, 502, 503, 504, timeouts and connection errors.
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

export function retryLists(mode: RetryMode): { statusCodes: number[]; errorCodes: string[] } {
  return mode === "safe"
    ? { statusCodes: [429, 502, 503, 504], errorCodes: connectionErrors }
    : { statusCodes: [429], errorCodes: notSentErrors };
}

/** Milliseconds to wait before retry number `attempt` (1-based) when the server gave no Retry-After. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  // Half fixed, half random: spreads clients apart without ever retrying immediately.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
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

export interface RetryTracker {
  attempts: number;
  /** For the status line of a long wait. */
  operation?: string;
  progress?: (message: string) => void;
}

/** Waits shorter than this pass without a status line. */
const REPORTED_WAIT_MS = 1000;

export function retryPolicy(settings: RetrySettings): RetryHandler.RetryCallback {
  return (err, { state, opts }, cb) => {
    const failure = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[]> };
    const options = opts.retryOptions ?? {};
    // Request options reach this callback untouched (retryOptions are rebuilt by undici), so the
    // attempt counter rides on the request.
    const tracker = (opts as { tracker?: RetryTracker }).tracker;
    if (tracker) tracker.attempts = state.counter;
    const retryable =
      failure.statusCode !== undefined
        ? (options.statusCodes ?? []).includes(failure.statusCode)
        : failure.code !== undefined && (options.errorCodes ?? []).includes(failure.code);
    if (!retryable || state.counter > settings.maxRetries) {
      cb(err);
      return;
    }
    const serverWait = retryAfterMs(failure.headers?.["retry-after"]);
    const delay = serverWait !== undefined ? Math.min(serverWait, settings.maxDelayMs) : backoffDelay(state.counter, settings);
    if (delay >= REPORTED_WAIT_MS && tracker?.progress) {
      const cause = failure.statusCode !== undefined ? `HTTP ${failure.statusCode}` : failure.code;
      tracker.progress(
        `${tracker.operation ?? "request"}: ${cause}; retrying in ${(delay / 1000).toFixed(1)}s (retry ${state.counter} of ${settings.maxRetries})`,
      );
    }
    setTimeout(() => cb(null), delay);
  };
}
