// Captures what SDK classes register with the engine, under `pulumi.runtime.setMocks`, including
// the registration options the mocks API does not show (additionalSecretOutputs): the engine
// applies those, so the test can only check that the class asks for them.
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

export interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
  additionalSecretOutputs: string[];
  /** The plugin version the registration asks the engine for ("" for none). */
  version: string;
  /** The URNs the registration says it depends on (what the engine orders it after). */
  dependencies: string[];
}

export const registrations: Registration[] = [];
const secretOutputsByName = new Map<string, string[]>();
const versionByName = new Map<string, string>();
const dependenciesByName = new Map<string, string[]>();

const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: any) {
  secretOutputsByName.set(req.getName(), req.getAdditionalsecretoutputsList());
  versionByName.set(req.getName(), req.getVersion());
  dependenciesByName.set(req.getName(), req.getDependenciesList());
  return original.call(this, req, callback);
};

export async function captureRegistrations(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          additionalSecretOutputs: secretOutputsByName.get(args.name) ?? [],
          version: versionByName.get(args.name) ?? "",
          dependencies: dependenciesByName.get(args.name) ?? [],
        });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
}

/** Resolves when every registration made so far has reached the mocks. */
export function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50)).then(() => pulumi.runtime.disconnect().catch(() => undefined));
}

export function registrationOf(name: string): Registration {
  const found = registrations.find((r) => r.name === name);
  if (!found) throw new Error(`no registration named ${name}`);
  return found;
}
