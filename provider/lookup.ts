// Pieces the kinds' lookups (`get<Kind>` invokes) share: an object is found by its id or by its
// unique key, exactly one of the two.
import { z } from "zod";
import type { ApiClient } from "./client";
import { madeWithin } from "./pending";
import type { InputProperty, PropertyMap, ResourceDefinition } from "./resource";

export function idArg(kind: string): InputProperty {
  return { description: `The ${kind}'s id (its import id). Give this or the other arguments, not both.`, schema: z.string().min(1) };
}

/** The id given, or the one `byKey` finds from the unique `key` (`name`, `domain`). */
export async function idOrKey(
  kind: string,
  args: PropertyMap,
  key: string,
  byKey: (value: string) => Promise<string | undefined>,
): Promise<string> {
  const id = args.id;
  const value = args[key];
  if ((id === undefined) === (value === undefined)) {
    throw new Error(`get${kind} takes exactly one of id and ${key}`);
  }
  if (typeof id === "string") return id;
  const found = await byKey(String(value));
  if (found === undefined) throw new Error(`get${kind}: no ${kind} with ${key} "${value}"`);
  return found;
}

/**
 * A kind keyed by a unique name (Bucket's name, DnsZone's domain, CdnResource's name) finds its
 * objects one way: a create that left a trace adopts the object of that key made within the
 * attempt (pending.ts), and `get<Kind>` finds one by id or by that key. The definition spreads
 * what this returns.
 */
export function adoptByUniqueKey<T extends { id: string; created_at?: string }>(spec: {
  kind: string;
  /** The input that is unique, also the lookup's argument (`name`, `domain`). */
  key: string;
  keyArg: InputProperty;
  lookupDescription: string;
  /** The one object of this key, or undefined. */
  find(client: ApiClient, value: string): Promise<T | undefined>;
  outputsOf(found: T): PropertyMap;
}): Pick<ResourceDefinition, "findPending" | "lookup"> {
  return {
    async findPending(ctx, trace) {
      const found = await spec.find(ctx.client(), String(trace.key[spec.key]));
      return found && madeWithin(trace, found.created_at) ? { id: found.id, outs: spec.outputsOf(found) } : undefined;
    },
    lookup: {
      description: spec.lookupDescription,
      args: { id: idArg(spec.kind), [spec.key]: spec.keyArg },
      find: (ctx, args) => idOrKey(spec.kind, args, spec.key, async (value) => (await spec.find(ctx.client(), value))?.id),
    },
  };
}
