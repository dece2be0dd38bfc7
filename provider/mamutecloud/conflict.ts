// What a 409 can honestly say. The provider sees only that a unique key is taken, not by whom: the
// holder may be someone else's object, or this stack's own under another resource name (two
// resources swapping names, a resource renamed without `aliases`). So the message names the holder
// and points at the options that fix the stack's own case; it never advises deleting the holder,
// which may be a managed resource, except as the way back from one case the user alone can judge:
// the holder is this very resource, made by an interrupted create (interruptedAdvice).
import type { ApiClient } from "../client";

export function conflictAdvice(what: string): string {
  return (
    `If that ${what} is this stack's own under another resource name (a resource renamed without \`aliases\`, or two ` +
    `resources swapping names), add \`aliases\` to the renamed resource so Pulumi keeps it, or set ` +
    "`deleteBeforeReplace: true` on the resource so the old one is removed before the new one is made."
  );
}

/** `delete it (\`curl -X DELETE …\`)`: the removal of an object the API deletes at `path`. */
export function deleteIt(client: ApiClient, path: string): string {
  return `delete it (\`${client.deleteCommand(path)}\`)`;
}

/** The object holding the key, for `interruptedAdvice`. */
export interface Holder {
  /** The resource kind: `DnsRecord`. */
  kind: string;
  /** The provider's id of it (what an import takes): `zone_1/rec_2`. */
  id: string;
  createdAt: string | undefined;
  /** How to remove it, after "so": `delete it (\`curl -X DELETE …\`)` (ApiClient.deleteCommand). */
  removal: string;
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
    `If no resource of this stack has the id ${holder.id} (\`pulumi stack --show-ids\`) and an earlier \`pulumi up\` was ` +
    `interrupted while creating this resource, it is the object that run made (created ${holder.createdAt ?? "at a time the API does not say"}): with the ` +
    `native provider (type mamutecloud:index:${holder.kind}), adopt it by adding the resource option ` +
    `\`import: "${holder.id}"\` for one \`pulumi up\` (or run \`pulumi import mamutecloud:index:${holder.kind} ` +
    `<resource name> ${holder.id}\`); the dynamic provider (the classes of \`pulumi-mamutecloud\`) cannot import, so ` +
    `${holder.removal} and run \`pulumi up\` again, which creates it anew.`
  );
}
