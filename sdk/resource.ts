import * as pulumi from "@pulumi/pulumi";
import shim = require("./shim");

/** Module of every resource type: `pulumi-nodejs:dynamic/mamutecloud:<Kind>`. */
export const MODULE = "mamutecloud";

/**
 * The props of a dynamic resource: every output key (undefined, so the SDK creates an Output for
 * it), the user's args, the kind (for the shim) and the logical name (for auto-naming).
 */
export function resourceProps(kind: string, logicalName: string, args: object, outputs: readonly string[]): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const key of outputs) props[key] = undefined;
  return { ...props, ...args, __kind: kind, __logicalName: logicalName };
}

export abstract class MamuteResource extends pulumi.dynamic.Resource {
  protected constructor(
    kind: string,
    name: string,
    args: object,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
    secretOutputs: string[] = [],
  ) {
    const options = secretOutputs.length ? pulumi.mergeOptions(opts, { additionalSecretOutputs: secretOutputs }) : opts;
    super(shim, name, resourceProps(kind, name, args, outputs), options, MODULE, kind);
  }
}
