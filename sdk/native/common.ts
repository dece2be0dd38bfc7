// What every class of the native SDK shares (the classes themselves are generated).
import * as pulumi from "@pulumi/pulumi";
import { packageVersion } from "../../provider/version";

/** The plugin version the engine loads: this package's own, so SDK and plugin always match. */
const version = packageVersion();

/** Every output key present (undefined unless given), so the SDK makes an Output for each. */
export function resourceInputs(keys: readonly string[], args: object | undefined, secrets: readonly string[]): pulumi.Inputs {
  const inputs: pulumi.Inputs = Object.fromEntries(keys.map((key) => [key, undefined]));
  for (const [key, value] of Object.entries(args ?? {})) inputs[key] = secrets.includes(key) && value !== undefined ? pulumi.secret(value) : value;
  return inputs;
}

export function resourceOptions<O extends pulumi.ResourceOptions>(opts: O | undefined, secretOutputs: string[]): O {
  const extra: pulumi.CustomResourceOptions = { version };
  if (secretOutputs.length) extra.additionalSecretOutputs = secretOutputs;
  return pulumi.mergeOptions(opts, extra) as O;
}

export function invokeOptions(opts: pulumi.InvokeOptions | undefined): pulumi.InvokeOptions {
  return { version, ...opts };
}
