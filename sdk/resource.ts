import * as pulumi from "@pulumi/pulumi";
import shim = require("./shim");

/** Module of every resource type: `pulumi-nodejs:dynamic/mamutecloud:<Kind>`. */
export const MODULE = "mamutecloud";

/** The type of a kind's dynamic resources, as `dynamic.Resource` registers it. */
export function dynamicType(kind: string): string {
  return `pulumi-nodejs:dynamic/${MODULE}:${kind}`;
}

/**
 * The URN the engine gives this resource, for auto-names derived from it (the dynamic provider is
 * not told the URN). Without the parent's dependency: a component as a dependency stands for all
 * its children, which would make this resource depend on its siblings (a cycle).
 */
export function urnOf(kind: string, name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
  const urn = pulumi.createUrn(name, dynamicType(kind), parent);
  // A URN is always known, in a preview too, so the callback always runs.
  return pulumi.output(new Promise<string>((resolve) => urn.apply(resolve)));
}

/**
 * The props of a dynamic resource: every output key (undefined, so the SDK creates an Output for
 * it), the user's args, the kind (for the shim), the logical name and the URN (for auto-naming).
 */
export function resourceProps(
  kind: string,
  logicalName: string,
  args: object,
  outputs: readonly string[],
  urn?: pulumi.Input<string>,
): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const key of outputs) props[key] = undefined;
  return { ...props, ...args, __kind: kind, __logicalName: logicalName, ...(urn !== undefined && { __urn: urn }) };
}

/** The args with each secret input given made a secret, so the engine never stores it in plain text among the inputs. */
function withSecrets(args: object, secretInputs: readonly string[]): object {
  const props: Record<string, unknown> = { ...args };
  for (const key of secretInputs) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
  return props;
}

/** What every class of the dynamic SDK extends (the classes themselves are generated, in generated/). */
export abstract class MamuteResource extends pulumi.dynamic.Resource {
  protected constructor(
    kind: string,
    name: string,
    args: object,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
    secretOutputs: string[] = [],
    secretInputs: readonly string[] = [],
  ) {
    const options = secretOutputs.length ? pulumi.mergeOptions(opts, { additionalSecretOutputs: secretOutputs }) : opts;
    const props = resourceProps(kind, name, withSecrets(args, secretInputs), outputs, urnOf(kind, name, opts?.parent));
    super(shim, name, props, options, MODULE, kind);
  }
}
