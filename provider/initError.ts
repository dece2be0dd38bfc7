// The error of a create that made its object but could not finish (resource.ts re-exports it).
import type { PropertyMap } from "./properties";

/**
 * Thrown by a create that made its object but could not finish (a follow-up call failed). The
 * provider host turns `id` and `properties` into ErrorResourceInitFailed, so the engine keeps the
 * object in state and the next `up` repairs it instead of orphaning it.
 */
export class ResourceInitError extends Error {
  override name = "ResourceInitError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: PropertyMap,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}
