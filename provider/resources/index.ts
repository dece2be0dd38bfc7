import type { ResourceDefinition } from "../resource";
import { bucket } from "./bucket";
import { bucketCredential } from "./bucketCredential";

/** Every resource kind the provider serves, in schema order. */
export const definitions: readonly ResourceDefinition[] = [bucket, bucketCredential];
