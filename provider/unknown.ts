// The engine's unknown marker on its own (no zod, no definitions), so the native plugin can judge
// its configuration at CheckConfig without loading the resource definitions.

/** The engine's placeholder for a value not known yet (preview); `pulumi.runtime.unknownValue`. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value holds the marker anywhere. (resource.ts has the same test for the definitions.) */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}
