// What a 409 can honestly say. The provider sees only that a unique key is taken, not by whom: the
// holder may be someone else's object, or this stack's own under another resource name (two
// resources swapping names, a resource renamed without `aliases`). So the message names the holder
// and points at the options that fix the stack's own case; it never advises deleting the holder,
// which may be a managed resource.
export function conflictAdvice(what: string): string {
  return (
    `If that ${what} is this stack's own under another resource name (a resource renamed without \`aliases\`, or two ` +
    `resources swapping names), add \`aliases\` to the renamed resource so Pulumi keeps it, or set ` +
    "`deleteBeforeReplace: true` on the resource so the old one is removed before the new one is made."
  );
}

/** The object holding the key, for `interruptedAdvice`. */
export interface Holder {
  /** The resource kind: `DnsRecord`. */
  kind: string;
  /** The provider's id of it (what an import takes): `zone_1/rec_2`. */
  id: string;
  createdAt: string;
  /** A command that deletes it (MamuteClient.deleteCommand). */
  deleteCommand: string;
}

/**
 * The other case a 409 may be: this very resource, made by an earlier `pulumi up` that was
 * interrupted inside the create (the engine never got the id). Nothing proves it for a name the
 * user chose (any other stack may hold that name too), so it is the user's call; this says how to
 * make it. The dynamic provider cannot import (pulumi/pulumi#3550: the dynamic host reads only
 * resources it has state for); the native plugin can, through the `import` resource option.
 */
export function interruptedAdvice(holder: Holder): string {
  return (
    `If an earlier \`pulumi up\` was interrupted while creating this resource, that object (${holder.id}, created ` +
    `${holder.createdAt}) is this stack's: with the native provider (type mamutecloud:index:${holder.kind}), adopt it by ` +
    `adding the resource option \`import: "${holder.id}"\` for one \`pulumi up\` (or run \`pulumi import ` +
    `mamutecloud:index:${holder.kind} <resource name> ${holder.id}\`); the dynamic provider (the classes of ` +
    "`pulumi-mamutecloud`) cannot import, so delete it (`" +
    `${holder.deleteCommand}\`) and run \`pulumi up\` again, which creates it anew.`
  );
}
