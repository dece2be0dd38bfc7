// One request limiter per API endpoint and route group for the whole process (a group is a set of
// routes the API limits on its own budget, such as an auth area at a few requests a minute: its
// 429s must not slow every other call). The provider host is one process per
// stack operation and every resource of the stack shares it, so this is where a stack as a whole
// learns the API's rate limit: unlimited until the first 429, then a token bucket whose rate is
// halved on throttling and grows back by a quarter (at least 1 request/s) per second without one,
// with a shared pause for the server's Retry-After. Written here rather than taken from
// @smithy/core's adaptive limiter: that one is a 6.7 MB runtime dependency, ignores Retry-After,
// and restarts at 0.5 req/s when the first 429 comes before it has measured anything.

/** Lowest rate the limiter slows to, requests per second. */
const MIN_RATE = 1;
/** Share of the rate added back per second without throttling, and the least added. */
const RECOVERY_SHARE = 0.25;
const RECOVERY_MIN = 1;
/** Above this the limit is lifted altogether. */
const UNLIMITED_ABOVE = 1000;
/** Window over which the rate actually sent is measured. */
const WINDOW_MS = 1000;

export interface LimiterStats {
  /** Requests sent (attempts, retries included). */
  sent: number;
  /** 429 answers seen. */
  throttled: number;
  /** Current rate, requests per second; undefined while unlimited. */
  rate: number | undefined;
}

export class RequestLimiter {
  private rate: number | undefined;
  private tokens = 0;
  private refilledAt = 0;
  private resumeAt = 0;
  private decreasedAt = 0;
  private increasedAt = 0;
  private readonly recentSends: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private sentCount = 0;
  private throttledCount = 0;

  private readonly now = Date.now;

  /** Resolves when a request may go out; returns the time it was sent, for `throttled`. */
  async acquire(): Promise<number> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
    const sentAt = this.now();
    this.sentCount++;
    this.recentSends.push(sentAt);
    while (this.recentSends.length > 0 && this.recentSends[0] < sentAt - WINDOW_MS) this.recentSends.shift();
    return sentAt;
  }

  /**
   * A 429. Slows down once per round: answers to requests sent before the last decrease reflect
   * the old rate and do not halve it again. Everyone pauses for the server's Retry-After.
   */
  throttled(sentAt: number, retryAfterMs: number | undefined): void {
    this.throttledCount++;
    const now = this.now();
    if (retryAfterMs !== undefined) this.resumeAt = Math.max(this.resumeAt, now + retryAfterMs);
    // Strictly after: a request sent in the very millisecond of the decrease may have left before it.
    if (sentAt > this.decreasedAt) {
      const measured = this.recentSends.filter((at) => at >= now - WINDOW_MS).length;
      this.refill(now);
      this.rate = Math.max(MIN_RATE, 0.5 * Math.min(this.rate ?? Infinity, Math.max(measured, MIN_RATE)));
      this.tokens = Math.min(this.tokens, 1);
      this.decreasedAt = now;
      this.increasedAt = now;
    }
    this.drain();
  }

  /** An answer that was not a 429: the rate creeps back up. */
  succeeded(): void {
    if (this.rate === undefined) return;
    const now = this.now();
    this.refill(now);
    this.rate += ((now - this.increasedAt) / 1000) * Math.max(RECOVERY_MIN, this.rate * RECOVERY_SHARE);
    this.increasedAt = now;
    if (this.rate > UNLIMITED_ABOVE) this.rate = undefined;
  }

  stats(): LimiterStats {
    return { sent: this.sentCount, throttled: this.throttledCount, rate: this.rate };
  }

  private refill(now: number): void {
    if (this.rate !== undefined) {
      const capacity = Math.max(1, this.rate);
      this.tokens = Math.min(capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    }
    this.refilledAt = now;
  }

  private drain(): void {
    if (this.timer) return;
    while (this.waiting.length > 0) {
      const now = this.now();
      if (now < this.resumeAt) return this.wake(this.resumeAt - now);
      this.refill(now);
      if (this.rate !== undefined) {
        if (this.tokens < 1) return this.wake(((1 - this.tokens) / this.rate) * 1000);
        this.tokens -= 1;
      }
      this.waiting.shift()!();
    }
  }

  private wake(ms: number): void {
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.drain();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }
}

const limiters = new Map<string, RequestLimiter>();

/** The process-wide limiter of an API endpoint's route group (the default group when none is given). */
export function limiterFor(endpoint: string, group = ""): RequestLimiter {
  const key = `${endpoint}\n${group}`;
  let limiter = limiters.get(key);
  if (!limiter) limiters.set(key, (limiter = new RequestLimiter()));
  return limiter;
}
