import type { ResourceDefinition } from "../resource";
import { bucket } from "./bucket";

/** Every resource kind the provider serves, in schema order. */
export const definitions: readonly ResourceDefinition[] = [bucket];
