// The process-wide request limiter: unlimited until a 429, then halved once per round of requests,
// paused for Retry-After, and growing back without 429s.
import { RequestLimiter } from "../../provider/client/limiter";

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await run();
  return Date.now() - started;
}

test("unlimited until the first 429, then half the rate measured over the last second", async () => {
  const limiter = new RequestLimiter();
  const sentAt = await limiter.acquire();
  expect(await timed(() => Promise.all(Array.from({ length: 19 }, () => limiter.acquire())))).toBeLessThan(50);
  expect(limiter.stats().rate).toBeUndefined();

  limiter.throttled(sentAt, undefined);
  expect(limiter.stats().rate).toBe(10);
  // 429s answering requests sent before that decrease belong to the same round: no second halving.
  limiter.throttled(sentAt, undefined);
  expect(limiter.stats()).toMatchObject({ rate: 10, throttled: 2, sent: 20 });
  // Five requests at 10/s after the bucket was emptied take about 0.4-0.5 s.
  expect(await timed(() => Promise.all(Array.from({ length: 5 }, () => limiter.acquire())))).toBeGreaterThanOrEqual(380);

  // A 429 on a request of the new round halves again.
  limiter.throttled(Date.now(), undefined);
  expect(limiter.stats().rate).toBeLessThanOrEqual(5);
});

test("Retry-After pauses every request; without 429s the rate grows back", async () => {
  const limiter = new RequestLimiter();
  const sentAt = await limiter.acquire();
  limiter.throttled(sentAt, 300);
  expect(await timed(() => limiter.acquire())).toBeGreaterThanOrEqual(290);
  const slowed = limiter.stats().rate!;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  limiter.succeeded();
  expect(limiter.stats().rate).toBeGreaterThanOrEqual(slowed + 1);
});
