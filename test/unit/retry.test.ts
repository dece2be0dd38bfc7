import { backoffDelay, retryAfterMs } from "../../provider/client/retry";

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
