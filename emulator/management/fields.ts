// Readers for request fields. Each failure is a 400 that names the field and states the rule, so
// a user (or the provider's error message) can see what to change without reading the emulator.
import { validationError, type JsonObject } from "./http";

/** JSON `null` and a missing key mean the same thing: the field was not given. */
export function isAbsent(body: JsonObject, field: string): boolean {
  return body[field] === undefined || body[field] === null;
}

export function requiredString(body: JsonObject, field: string): string {
  if (isAbsent(body, field)) throw validationError(field, "is required");
  return stringValue(body[field], field);
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  return isAbsent(body, field) ? undefined : stringValue(body[field], field);
}

function stringValue(value: unknown, field: string): string {
  if (typeof value !== "string") throw validationError(field, "must be a string");
  return value;
}

/** An integer in [min, max]; the rule text is shared by every way of breaking it. */
export function optionalInteger(body: JsonObject, field: string, min: number, max: number): number | undefined {
  if (isAbsent(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Query parameters are strings; an empty one counts as not given. */
export function queryInteger(query: URLSearchParams, field: string, min: number, max: number): number | undefined {
  const raw = query.get(field);
  if (raw === null || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw validationError(field, `must be an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

export function queryString(query: URLSearchParams, field: string): string | undefined {
  const raw = query.get(field);
  return raw === null || raw === "" ? undefined : raw;
}
