// The login lockout: after `failures` failed logins in a row for an email, every login of that
// email (the right password too) is refused for `lockMs`; a good login before that starts the
// count again. Emails are compared without case. Bounded: the oldest emails are forgotten first.
import { ControlConfigError, asObject, optionalNumber, spell, type Spelling } from "../../emulator/control-config";

export interface LoginLockoutSetting {
  /** Failed logins in a row that lock an email; 0 turns the lockout off. */
  failures: number;
  lockMs: number;
}

export const DEFAULT_LOGIN_LOCKOUT: LoginLockoutSetting = { failures: 5, lockMs: 900_000 };
export const MAX_LOCK_MS = 86_400_000;
const MAX_EMAILS = 10_000;

export function readLoginLockout(value: unknown, spelling: Spelling, current: LoginLockoutSetting): LoginLockoutSetting {
  const raw = asObject(value, "login_lockout");
  const failures = optionalNumber(raw.failures, "failures", { min: 0, max: 1000, integer: true });
  const lockField = spell("lockMs", spelling);
  const lockMs = optionalNumber(raw[lockField], lockField, { min: 1, max: MAX_LOCK_MS, integer: true });
  if (failures === undefined && lockMs === undefined) throw new ControlConfigError("failures", `give failures, ${lockField} or both`);
  return { failures: failures ?? current.failures, lockMs: lockMs ?? current.lockMs };
}

export class LoginLockout {
  private readonly emails = new Map<string, { failures: number; lockedUntilMs: number }>();

  constructor(
    readonly setting: LoginLockoutSetting,
    private readonly now: () => number,
  ) {}

  clear(): void {
    this.emails.clear();
  }

  /** Milliseconds this email stays locked; 0 when it may try. */
  lockedForMs(email: string): number {
    const entry = this.emails.get(email.toLowerCase());
    if (!entry || entry.lockedUntilMs === 0) return 0;
    const left = entry.lockedUntilMs - this.now();
    if (left > 0) return left;
    this.emails.delete(email.toLowerCase());
    return 0;
  }

  failed(email: string): void {
    if (this.setting.failures === 0) return;
    const key = email.toLowerCase();
    const entry = this.emails.get(key) ?? { failures: 0, lockedUntilMs: 0 };
    entry.failures++;
    if (entry.failures >= this.setting.failures) entry.lockedUntilMs = this.now() + this.setting.lockMs;
    this.emails.delete(key);
    this.emails.set(key, entry);
    if (this.emails.size > MAX_EMAILS) this.emails.delete(this.emails.keys().next().value as string);
  }

  succeeded(email: string): void {
    this.emails.delete(email.toLowerCase());
  }
}
