// The Cloud's resource kinds: a kind is served once it is listed here.
import type { ResourceDefinition } from "../../../provider/resource";
import { apiKey } from "./apiKey";
import { bucket } from "./bucket";
import { bucketLifecycleRule } from "./bucketLifecycleRule";
import { syncedFolder } from "./syncedFolder";

/** Every resource kind of The Cloud, in schema order. */
export const definitions: readonly ResourceDefinition[] = [bucket, bucketLifecycleRule, apiKey, syncedFolder];
