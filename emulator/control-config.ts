// Checks for the settings tests give the emulator (fault rules, rate limit), from code in
// camelCase or over `/_emulator` in snake_case: one reader, two spellings of the field names.
export class ControlConfigError extends Error {
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = "ControlConfigError";
  }
}

/** The spelling of a field: `delayMs` from code, `delay_ms` over HTTP. */
export type Spelling = "camel" | "snake";

export function spell(name: string, spelling: Spelling): string {
  return spelling === "camel" ? name : name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export type RawObject = Record<string, unknown>;

export function asObject(value: unknown, field: string): RawObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ControlConfigError(field, "must be an object");
  return value as RawObject;
}

export function optionalNumber(
  value: unknown,
  field: string,
  { min, max, integer, minExclusive }: { min: number; max: number; integer?: boolean; minExclusive?: boolean },
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (minExclusive ? value > min : value >= min) &&
    value <= max;
  if (!ok) {
    const kind = integer ? "an integer" : "a number";
    throw new ControlConfigError(
      field,
      `must be ${kind} ${minExclusive ? `above ${min}` : `from ${min}`} ${minExclusive ? "and at most" : "to"} ${max}`,
    );
  }
  return value as number;
}

export function optionalChoice<T extends string>(value: unknown, field: string, choices: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !choices.includes(value as T)) {
    throw new ControlConfigError(field, `must be one of ${choices.join(", ")}`);
  }
  return value as T;
}

export function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value === "") throw new ControlConfigError(field, "must be a non-empty string");
  return value;
}
