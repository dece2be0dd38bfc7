import {
  backoffDelay,
  isRetryableStatus,
  rateLimitResetMs,
  retryAfterMs,
  retryPolicy,
  throttleDelay,
  type RetryTracker,
} from "../../provider/client/retry";
import { RequestLimiter } from "../../provider/client/limiter";

const settings = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 20_000, rateLimitTimeoutMs: 300_000 };

test("backoff doubles, is capped, and is jittered within [half, full] of the ceiling", () => {
  expect(backoffDelay(1, settings, () => 0)).toBe(250);
  expect(backoffDelay(1, settings, () => 1)).toBe(500);
  expect(backoffDelay(3, settings, () => 1)).toBe(2000);
  expect(backoffDelay(10, settings, () => 1)).toBe(20_000);
  expect(backoffDelay(10, settings, () => 0)).toBe(10_000);
});

test("Retry-After is read as seconds or as an HTTP date", () => {
  expect(retryAfterMs("2")).toBe(2000);
  expect(retryAfterMs(["0.5"])).toBe(500);
  const now = Date.parse("2026-11-22T10:00:00Z");
  expect(retryAfterMs("Sun, 22 Nov 2026 10:00:03 GMT", now)).toBe(3000);
  expect(retryAfterMs(undefined)).toBeUndefined();
  expect(retryAfterMs("soon")).toBeUndefined();
});

test("X-RateLimit-Reset, whose unit no standard fixes, is read as Unix seconds, Unix milliseconds or seconds left", () => {
  const now = Date.parse("2026-12-04T10:00:00Z");
  expect(rateLimitResetMs(String(now / 1000 + 3), now)).toBe(3000);
  expect(rateLimitResetMs(String(now + 1500), now)).toBe(1500);
  expect(rateLimitResetMs("2", now)).toBe(2000);
  // A window that already ended: no wait (the limiter's backoff still spaces the retry).
  expect(rateLimitResetMs(String(now / 1000 - 5), now)).toBe(0);
  expect(rateLimitResetMs(undefined, now)).toBeUndefined();
  expect(rateLimitResetMs("soon", now)).toBeUndefined();
});

test("Retry-After gets up to half again of jitter, so waiting requests do not return in the same instant; capped", () => {
  expect(throttleDelay(1000, settings, () => 0)).toBe(1000);
  expect(throttleDelay(1000, settings, () => 1)).toBe(1500);
  expect(throttleDelay(60_000, settings, () => 0)).toBe(20_000);
});

test("what is retried: 429 always; any 5xx but 501 when the call is safe to repeat; a create only on 429", () => {
  expect([429, 500, 502, 503, 504, 507, 501, 400, 404, 409].filter((s) => isRetryableStatus("safe", s))).toEqual([
    429, 500, 502, 503, 504, 507,
  ]);
  expect([429, 500, 503].filter((s) => isRetryableStatus("create", s))).toEqual([429]);
});

describe("status lines of long waits", () => {
  async function waitFor(statusCode: number, retryAfter: string | undefined, errorsBefore: number) {
    const lines: string[] = [];
    const limiter = { throttled: () => undefined, acquire: async () => Date.now() } as unknown as RequestLimiter;
    const tracker: RetryTracker = {
      mode: "safe",
      limiter,
      attempts: 1 + errorsBefore,
      errors: errorsBefore,
      throttles: 0,
      firstSentAt: Date.now(),
      sentAt: Date.now(),
      operation: 'create bucket "site"',
      progress: (line: string) => lines.push(line),
    };
    jest.useFakeTimers();
    jest.spyOn(Math, "random").mockReturnValue(0);
    try {
      const done = jest.fn();
      const policy = retryPolicy({ maxRetries: 5, baseDelayMs: 500, maxDelayMs: 20_000, rateLimitTimeoutMs: 300_000 });
      const failure = Object.assign(new Error("failed"), { statusCode, headers: retryAfter ? { "retry-after": retryAfter } : {} });
      policy(failure, { opts: { tracker } } as never, done);
      await jest.runAllTimersAsync();
      expect(done).toHaveBeenCalledWith(null);
    } finally {
      jest.restoreAllMocks();
      jest.useRealTimers();
    }
    return lines;
  }

  test("a wait of a second or more is reported with the operation, the cause and the retry count", async () => {
    expect(await waitFor(429, "3", 0)).toEqual(['create bucket "site": HTTP 429; retrying in 3.0s (throttled 1 time)']);
    expect(await waitFor(503, undefined, 3)).toEqual(['create bucket "site": HTTP 503; retrying in 2.0s (retry 4 of 5)']);
  });

  test("short backoffs pass silently", async () => {
    expect(await waitFor(503, undefined, 0)).toEqual([]);
  });
});
