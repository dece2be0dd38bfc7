// A token bucket per plane, off until a test turns it on. Over the limit a request is refused
// before it runs, with the whole seconds until a token is back as `Retry-After`.
import { performance } from "node:perf_hooks";
import { PLANE_NAMES, type PlaneName } from "./plane";
import { ControlConfigError, asObject, optionalChoice, optionalNumber, spell, type Spelling } from "./control-config";

export interface RateLimitConfig {
  /** Tokens added per second. */
  requestsPerSecond: number;
  /** Bucket size: how many requests may arrive at once (default: requestsPerSecond rounded up, at least 1). */
  burst?: number;
  /** Limit only this plane; without it each plane gets its own bucket with these settings. */
  plane?: PlaneName;
}

export function readRateLimitConfig(value: unknown, spelling: Spelling): RateLimitConfig {
  const raw = asObject(value, "rate_limit");
  const field = (name: string) => spell(name, spelling);
  const requestsPerSecond = optionalNumber(raw[field("requestsPerSecond")], field("requestsPerSecond"), {
    min: 0,
    max: 1_000_000,
    minExclusive: true,
  });
  if (requestsPerSecond === undefined) throw new ControlConfigError(field("requestsPerSecond"), "is required");
  const burst = optionalNumber(raw.burst, "burst", { min: 1, max: 1_000_000, integer: true });
  const plane = optionalChoice(raw.plane, "plane", PLANE_NAMES);
  return { requestsPerSecond, ...(burst !== undefined && { burst }), ...(plane && { plane }) };
}

class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes a token, or answers the whole seconds until one is back. */
  take(): { retryAfterSeconds: number } | undefined {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond)) };
  }
}

export interface RateLimited {
  retryAfterSeconds: number;
  requestsPerSecond: number;
}

export class RateLimiter {
  private readonly buckets = new Map<PlaneName, { bucket: TokenBucket; requestsPerSecond: number }>();

  set(config: RateLimitConfig): void {
    const burst = config.burst ?? Math.max(1, Math.ceil(config.requestsPerSecond));
    for (const plane of config.plane ? [config.plane] : PLANE_NAMES) {
      this.buckets.set(plane, { bucket: new TokenBucket(config.requestsPerSecond, burst), requestsPerSecond: config.requestsPerSecond });
    }
  }

  clear(): void {
    this.buckets.clear();
  }

  /** Planes it was never set for (The Cloud's `api`) are never limited here. */
  take(plane: string): RateLimited | undefined {
    const limit = this.buckets.get(plane as PlaneName);
    const refused = limit?.bucket.take();
    return limit && refused ? { ...refused, requestsPerSecond: limit.requestsPerSecond } : undefined;
  }
}
