// The seam between the shared core and a cloud. A cloud brings a backend: its package's names, its
// configuration table and resolver, its client dialect, its resource definitions and components,
// what its schema says of itself, and the shapes of the secrets it issues. Everything else (the
// definition machinery, adopt, pending traces, naming, waits, the limiter, retries, redaction, the
// folder sync's planning, schema and SDK generation, the native plugin server) is shared and names
// no cloud (test/unit/core.test.ts holds it so).
//
// The native plugin starts lean (test/plugin/startModules.test.ts): what its first requests need
// (names, settings, the config resolver) is plain data here; the rest is loaded on first use.
import type { z } from "zod";
import type { ApiDialect } from "./client/dialect";
import type { ClientConfig, ConfigSource, Setting } from "./config";
import type { OutputProperty, ResourceDefinition } from "./resource";

/** An option of a component the plugin constructs (schema `isComponent`). */
export interface ComponentInput {
  description: string;
  schema: z.ZodType;
  /**
   * Read when the component runs (a folder, a host name others are derived from), so it must be
   * known then: the TypeScript class types it as a plain value, and Construct refuses an unknown
   * one by name. Not `plain` in schema.json: Go's SDK would make an optional plain string a
   * `*string`, which programs converted by `pulumi convert` do not write.
   */
  readInProgram?: boolean;
}

export interface ComponentDefinition {
  kind: string;
  description: string;
  inputs: Record<string, ComponentInput>;
  outputs: Record<string, OutputProperty>;
}

/** What schema.json says of the package beyond its resources: its metadata and each language's settings. */
export interface PackageMetadata {
  displayName: string;
  description: string;
  keywords: string[];
  /** The provider resource's description. */
  providerDescription: string;
  /** The provider class's doc comment in the TypeScript SDK. */
  providerClassDoc: string;
  language: Record<string, unknown>;
}

/** How the plugin builds a component: the SDK's component class, run in the plugin's process (plugin/construct.ts). */
export type ComponentConstructor = (name: string, inputs: Record<string, unknown>, options: Record<string, unknown>) => unknown;

export interface Backend {
  /** The Pulumi package name: the config namespace and the tokens' package (`<name>:index:<Kind>`). */
  name: string;
  /** The npm package that serves it (`pulumi-<name>`), for messages and the plugin's version. */
  packageName: string;
  /** The settings, in the order the schema and the docs list them. */
  settings: Readonly<Record<string, Setting>>;
  /** Stack config, then the environment, then defaults; throws a ConfigError naming the setting. */
  resolveConfig(stack: ConfigSource | undefined, env?: NodeJS.ProcessEnv): ClientConfig;
  /** The client dialect (loaded on first use). */
  dialect(): ApiDialect;
  /** The resource kinds (loaded on first use). */
  definitions(): readonly ResourceDefinition[];
  /** The components the plugin constructs, with how to construct each (loaded on first use). */
  components(): ReadonlyArray<{ definition: ComponentDefinition; construct: () => ComponentConstructor }>;
  /** schema.json's metadata. */
  metadata(): PackageMetadata;
}

export const typeToken = (backend: Pick<Backend, "name">, kind: string) => `${backend.name}:index:${kind}`;
export const functionToken = (backend: Pick<Backend, "name">, kind: string) => `${backend.name}:index:get${kind}`;
