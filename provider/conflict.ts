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
