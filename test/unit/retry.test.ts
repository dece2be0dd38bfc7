import { backoffDelay, retryAfterMs, retryPolicy } from "../../provider/client/retry";

const settings = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 20_000 };

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

describe("status lines of long waits", () => {
  function waitFor(statusCode: number, retryAfter: string | undefined, counter: number) {
    const lines: string[] = [];
    const tracker = { attempts: 1, operation: 'create bucket "site"', progress: (line: string) => lines.push(line) };
    jest.useFakeTimers();
    try {
      const done = jest.fn();
      const policy = retryPolicy({ maxRetries: 5, baseDelayMs: 50, maxDelayMs: 20_000 });
      const failure = Object.assign(new Error("throttled"), { statusCode, headers: retryAfter ? { "retry-after": retryAfter } : {} });
      policy(failure, { state: { counter }, opts: { retryOptions: { statusCodes: [429, 503] }, tracker } } as never, done);
      jest.runAllTimers();
      expect(done).toHaveBeenCalledWith(null);
    } finally {
      jest.useRealTimers();
    }
    return lines;
  }

  test("a wait of a second or more is reported with the operation, the cause and the retry count", () => {
    expect(waitFor(429, "3", 2)).toEqual(['create bucket "site": HTTP 429; retrying in 3.0s (retry 2 of 5)']);
  });

  test("short backoffs pass silently", () => {
    expect(waitFor(503, undefined, 1)).toEqual([]);
  });
});
