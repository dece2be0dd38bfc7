// What every class of a native SDK shares (the classes themselves are generated), for the package
// that ships them: the plugin version the engine loads is that package's own, so SDK and plugin
// always match. Each native SDK's `common.ts` makes its set with its package's name.
import * as pulumi from "@pulumi/pulumi";
import { packageVersion } from "../provider/version";

export function nativeCommon(packageName: string) {
  const version = packageVersion(packageName);
  return {
    /** Every output key present (undefined unless given), so the SDK makes an Output for each. */
    resourceInputs(keys: readonly string[], args: object | undefined, secrets: readonly string[]): pulumi.Inputs {
      const inputs: pulumi.Inputs = Object.fromEntries(keys.map((key) => [key, undefined]));
      for (const [key, value] of Object.entries(args ?? {})) {
        inputs[key] = secrets.includes(key) && value !== undefined ? pulumi.secret(value) : value;
      }
      return inputs;
    },
    resourceOptions<O extends pulumi.ResourceOptions>(opts: O | undefined, secretOutputs: string[]): O {
      const extra: pulumi.CustomResourceOptions = { version };
      if (secretOutputs.length) extra.additionalSecretOutputs = secretOutputs;
      return pulumi.mergeOptions(opts, extra) as O;
    },
    invokeOptions(opts: pulumi.InvokeOptions | undefined): pulumi.InvokeOptions {
      return { version, ...opts };
    },
  };
}
