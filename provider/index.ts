// Entry point of the installed package for the provider shim stored in Pulumi state: the shim
// requires this module at call time and delegates to it, so every resource runs the code of the
// installed package version (delete included), whatever version created it.
import type * as pulumi from "@pulumi/pulumi";
import { ApiClient } from "./client";
import type { ConfigSource } from "./config";
import { resolveConfig } from "./mamutecloud/config";
import { mamuteDialect } from "./mamutecloud/dialect";
import { dynamicProvider } from "./handlers";
import type { Context } from "./resource";
import { definitions } from "./resources";

let stackConfig: ConfigSource | undefined;
let client: ApiClient | undefined;

const context: Context = {
  // Built on first use, so a missing credential fails the first operation that needs the API,
  // not a preview that only validates inputs.
  client: () => (client ??= new ApiClient(resolveConfig(stackConfig), mamuteDialect)),
  config: () => resolveConfig(stackConfig),
};

/**
 * The dynamic provider's `configure` hook: the whole stack configuration, namespaced keys. The
 * host calls it once per resource kind with the same stack configuration, possibly while other
 * kinds are mid-operation, so it only records the source; the client is built once.
 */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = req.config;
}

// Spelled with Pulumi's own types, so this entry point's declarations reach no zod types: they
// type-check in a program without skipLibCheck or esModuleInterop (Pulumi's template has neither).
type KindProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

const providers = new Map<string, KindProvider>();

/** The check/diff/create/read/update/delete of one resource kind. */
export function resource(kind: unknown): KindProvider {
  const name = String(kind);
  let provider = providers.get(name);
  if (!provider) {
    const definition = definitions.find((candidate) => candidate.kind === name);
    if (!definition) {
      throw new Error(
        `pulumi-mamutecloud has no resource kind "${name}"; the installed package may be older than the one that created it.`,
      );
    }
    provider = dynamicProvider(definition, context);
    providers.set(name, provider);
  }
  return provider;
}

type Props = Record<string, unknown>;

// What the shim calls. The kind travels in every property bag (inputs and the outputs echoing them).
export const check = (olds: Props, news: Props) => resource(news.__kind).check(olds, news);
export const diff = (id: string, olds: Props, news: Props) => resource(news.__kind ?? olds.__kind).diff(id, olds, news);
export const create = (inputs: Props) => resource(inputs.__kind).create(inputs);
export const read = (id: string, props: Props) => resource(props.__kind).read(id, props);
export const update = (id: string, olds: Props, news: Props) => resource(news.__kind ?? olds.__kind).update(id, olds, news);
// `delete` is a reserved word for a declaration, not for an export name.
const remove = (id: string, props: Props) => resource(props.__kind).delete(id, props);
export { remove as delete };
