// Pieces the kinds' lookups (`get<Kind>` invokes) share: an object is found by its id or by its
// unique key, exactly one of the two.
import { z } from "zod";
import type { InputProperty, PropertyMap } from "./resource";

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
