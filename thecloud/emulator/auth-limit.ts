// The reference's "5 requests per minute per IP" on `/auth/*`: a sliding window per budget (a
// client IP, or a client IP and route under `auth-limit-per-route`). A request is admitted while
// fewer than `requests` were admitted in the last `windowMs`; a refused one uses nothing up and
// learns when the oldest admitted request leaves the window. The clock is the emulator's, so tests
// move it instead of waiting.
import { ControlConfigError, asObject, optionalNumber, spell, type Spelling } from "../../emulator/control-config";

export interface AuthRateLimit {
  /** Requests admitted per window and budget; 0 turns the limit off. */
  requests: number;
  windowMs: number;
}

export const DEFAULT_AUTH_RATE_LIMIT: AuthRateLimit = { requests: 5, windowMs: 60_000 };
export const MAX_AUTH_REQUESTS = 1_000_000;
export const MAX_AUTH_WINDOW_MS = 86_400_000;

/** A setting from code (camelCase) or `/_emulator/auth-rate-limit` (snake_case); a field not given keeps `current`'s. */
export function readAuthRateLimit(value: unknown, spelling: Spelling, current: AuthRateLimit): AuthRateLimit {
  const raw = asObject(value, "auth_rate_limit");
  const requests = optionalNumber(raw.requests, "requests", { min: 0, max: MAX_AUTH_REQUESTS, integer: true });
  const windowField = spell("windowMs", spelling);
  const windowMs = optionalNumber(raw[windowField], windowField, { min: 1, max: MAX_AUTH_WINDOW_MS, integer: true });
  if (requests === undefined && windowMs === undefined) throw new ControlConfigError("requests", `give requests, ${windowField} or both`);
  return { requests: requests ?? current.requests, windowMs: windowMs ?? current.windowMs };
}

export class AuthRateLimiter {
  /** Admission times (ms) per budget, oldest first. */
  private readonly admitted = new Map<string, number[]>();

  constructor(
    private setting: AuthRateLimit,
    private readonly now: () => number,
  ) {}

  get limit(): AuthRateLimit {
    return { ...this.setting };
  }

  /** A new setting empties every window. */
  set(setting: AuthRateLimit): void {
    this.setting = { ...setting };
    this.admitted.clear();
  }

  clear(): void {
    this.admitted.clear();
  }

  /** Admits the request (undefined), or answers the whole seconds until this budget has room. */
  take(budget: string): { retryAfterSeconds: number } | undefined {
    const { requests, windowMs } = this.setting;
    if (requests === 0) return undefined;
    const now = this.now();
    const times = (this.admitted.get(budget) ?? []).filter((time) => time > now - windowMs);
    if (times.length < requests) {
      times.push(now);
      this.admitted.set(budget, times);
      return undefined;
    }
    this.admitted.set(budget, times);
    return { retryAfterSeconds: Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000)) };
  }
}
