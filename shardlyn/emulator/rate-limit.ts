// The `X-RateLimit-*` limit of `/v1`: a fixed window per client IP, aligned to the emulator's
// clock (windows start at multiples of `windowMs`), so tests move the clock instead of waiting.
// A refused request uses nothing up. With the limit off the headers still come, saying 1000.
import { ControlConfigError, asObject, optionalNumber, spell, type Spelling } from "../../emulator/control-config";

export interface RateLimit {
  /** Requests per window and client IP; 0 turns the limit off. */
  requests: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 0, windowMs: 60_000 };
export const MAX_RATE_REQUESTS = 1_000_000;
export const MAX_RATE_WINDOW_MS = 86_400_000;
/** What the headers say while the limit is off. */
const OFF = { requests: 1000, windowMs: 60_000 };
/** Client windows kept at most; the stale ones go first. */
const MAX_CLIENTS = 10_000;

/** The state of one client's window after a request. */
export interface Quota {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAtMs: number;
}

/** A setting from code (camelCase) or `/_emulator/settings` (snake_case, `rate_limit_` prefixed there); a field not given keeps `current`'s. */
export function readRateLimit(value: unknown, spelling: Spelling, current: RateLimit): RateLimit {
  const raw = asObject(value, "rate_limit");
  const requests = optionalNumber(raw.requests, "requests", { min: 0, max: MAX_RATE_REQUESTS, integer: true });
  const windowField = spell("windowMs", spelling);
  const windowMs = optionalNumber(raw[windowField], windowField, { min: 1, max: MAX_RATE_WINDOW_MS, integer: true });
  if (requests === undefined && windowMs === undefined) throw new ControlConfigError("requests", `give requests, ${windowField} or both`);
  return { requests: requests ?? current.requests, windowMs: windowMs ?? current.windowMs };
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private setting: RateLimit,
    private readonly now: () => number,
  ) {}

  get limit(): RateLimit {
    return { ...this.setting };
  }

  /** A new setting empties every window. */
  set(setting: RateLimit): void {
    this.setting = { ...setting };
    this.windows.clear();
  }

  clear(): void {
    this.windows.clear();
  }

  /** Admits one request of this client (or refuses it, using nothing up). */
  take(client: string): Quota {
    return this.quota(client, true);
  }

  /** The client's window as it stands, nothing used up. */
  peek(client: string): Quota {
    return this.quota(client, false);
  }

  private quota(client: string, take: boolean): Quota {
    const now = this.now();
    const { requests, windowMs } = this.setting.requests === 0 ? OFF : this.setting;
    const start = Math.floor(now / windowMs) * windowMs;
    if (this.setting.requests === 0) return { allowed: true, limit: requests, remaining: requests, resetAtMs: start + windowMs };
    let window = this.windows.get(client);
    if (!window || window.start !== start) window = { start, count: 0 };
    const allowed = window.count < requests;
    if (take && allowed) {
      window.count++;
      this.keep(client, window);
    }
    return { allowed, limit: requests, remaining: Math.max(0, requests - window.count), resetAtMs: start + windowMs };
  }

  private keep(client: string, window: { start: number; count: number }): void {
    this.windows.delete(client);
    this.windows.set(client, window);
    if (this.windows.size <= MAX_CLIENTS) return;
    for (const [other, kept] of this.windows) if (kept.start < window.start) this.windows.delete(other);
    while (this.windows.size > MAX_CLIENTS) this.windows.delete(this.windows.keys().next().value as string);
  }
}

/** The three headers; `X-RateLimit-Reset` is a Unix time in seconds, or seconds from now under `reset-seconds`. */
export function rateLimitHeaders(quota: Quota, nowMs: number, resetSeconds: boolean): Record<string, string> {
  return {
    "x-ratelimit-limit": String(quota.limit),
    "x-ratelimit-remaining": String(quota.remaining),
    "x-ratelimit-reset": String(
      resetSeconds ? Math.max(1, Math.ceil((quota.resetAtMs - nowMs) / 1000)) : Math.ceil(quota.resetAtMs / 1000),
    ),
  };
}
