// A child object (a bucket's credential, a zone's record) is reached through its parent, so its
// resource id is `<parentId>/<childId>`: `read` works from the id alone (refresh, a future import).
import { z } from "zod";

/** A parent id as an input: it must not hold the separator, nor blanks (no id has them). */
export function parentIdSchema(what: string): z.ZodType<string> {
  return z.string().refine((value) => /^[^\s/]+$/.test(value), {
    message: `must be ${what}: non-empty, without "/" or spaces`,
  });
}

export function joinChildId(parentId: string, childId: string): string {
  return `${parentId}/${childId}`;
}

/** `[parentId, childId]`; `shape` is how the error describes the id, e.g. `<zoneId>/<recordId>`. */
export function splitChildId(id: string, kind: string, shape: string, example: string): [string, string] {
  const slash = id.indexOf("/");
  const parent = id.slice(0, slash);
  const child = id.slice(slash + 1);
  if (slash <= 0 || child === "" || child.includes("/")) {
    throw new Error(`"${id}" is not a ${kind} id: expected ${shape}, e.g. ${example}`);
  }
  return [parent, child];
}
