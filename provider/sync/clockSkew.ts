// S3 refuses a request signed more than 15 minutes from its own clock (403 RequestTimeTooSkewed).
// A laptop whose clock drifted, or a VM resumed from sleep, would then fail every upload of a sync.
// The answer carries S3's time (its `Date` header, and `ServerTime` in the body), so the sync learns
// the offset from it and signs the next attempt with S3's time, once: a second refusal after a
// correction is not a clock problem and is reported as it is.

/** Whether an S3 failure (the SDK's, or signedPut's shaped like it) is a refused clock. */
export function isClockSkewError(err: unknown): boolean {
  return (err as { name?: string })?.name === "RequestTimeTooSkewed";
}

/** S3's time at the moment it answered: the `Date` header, else the body's `ServerTime`. */
export function serverTimeOf(err: unknown): number | undefined {
  const failure = err as { $response?: { headers?: Record<string, unknown> }; ServerTime?: unknown };
  const headers = failure?.$response?.headers ?? {};
  const date = headers.date ?? headers.Date;
  for (const candidate of [date, failure?.ServerTime]) {
    const time = typeof candidate === "string" ? Date.parse(candidate) : candidate instanceof Date ? candidate.getTime() : NaN;
    if (Number.isFinite(time)) return time;
  }
  return undefined;
}

/** Server time minus this machine's: what to add to `Date.now()` to sign as S3 expects. */
export function offsetFrom(serverTime: number, localNow: number = Date.now()): number {
  // `Date` has whole seconds: aim at the middle of the second S3 meant.
  return serverTime + 500 - localNow;
}
