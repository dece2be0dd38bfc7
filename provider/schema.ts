// The Pulumi package schema (schema.json), generated from the resource definitions and the
// configuration table: the same declarations that drive check and diff, so the schema cannot
// drift from the behaviour. `npm run schema` writes it; a test fails when the file is stale.
import { z } from "zod";
import { settings, CONFIG_NAMESPACE, type Setting } from "./config";
import { definitions } from "./resources";
import type { InputProperty, Lookup, OutputProperty, ResourceDefinition } from "./resource";

export const typeToken = (kind: string) => `${CONFIG_NAMESPACE}:index:${kind}`;
export const functionToken = (kind: string) => `${CONFIG_NAMESPACE}:index:get${kind}`;

type TypeSpec = { type: string; items?: TypeSpec; additionalProperties?: TypeSpec };

interface PropertySpec extends TypeSpec {
  description: string;
  secret?: boolean;
  replaceOnChanges?: boolean;
  willReplaceOnChanges?: boolean;
  default?: string | number | boolean;
  defaultInfo?: { environment: string[] };
  deprecationMessage?: string;
}

/** The Pulumi type of a zod schema, read from its JSON Schema (input side, before transforms). */
export function typeOf(schema: z.ZodType): TypeSpec {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const convert = (node: Record<string, unknown>): TypeSpec => {
    switch (node.type) {
      case "string":
      case "boolean":
      case "integer":
      case "number":
        return { type: node.type };
      case "array":
        return { type: "array", items: convert((node.items ?? {}) as Record<string, unknown>) };
      case "object":
        return { type: "object", additionalProperties: { type: "string" } };
      default:
        throw new Error(`schema.json: cannot express JSON Schema type ${JSON.stringify(node.type)} as a Pulumi type`);
    }
  };
  return convert(json);
}

function inputSpec(property: InputProperty): PropertySpec {
  return {
    ...typeOf(property.schema),
    description: property.description,
    ...(property.secret ? { secret: true } : {}),
    ...(property.replaceOnChange ? { replaceOnChanges: true, willReplaceOnChanges: true } : {}),
    ...(property.default !== undefined ? { default: property.default } : {}),
    ...(property.deprecated ? { deprecationMessage: property.deprecated } : {}),
  };
}

function outputSpec(property: InputProperty | OutputProperty): PropertySpec {
  return { ...typeOf(property.schema), description: property.description, ...(property.secret ? { secret: true } : {}) };
}

function resourceSpec(definition: ResourceDefinition) {
  const inputs = Object.entries(definition.inputs);
  const outputs = Object.entries(definition.outputs);
  const alwaysSetInputs = inputs
    .filter(([, p]) => p.required || p.default !== undefined || p.computed)
    .map(([key]) => key);
  return {
    description: definition.description,
    properties: Object.fromEntries([
      ...inputs.map(([key, p]) => [key, outputSpec(p)]),
      ...outputs.map(([key, p]) => [key, outputSpec(p)]),
    ]),
    required: [...alwaysSetInputs, ...outputs.filter(([, p]) => p.required !== false).map(([key]) => key)].sort(),
    inputProperties: Object.fromEntries(inputs.map(([key, p]) => [key, inputSpec(p)])),
    requiredInputs: inputs.filter(([, p]) => p.required).map(([key]) => key),
  };
}

/** The properties of an existing object: the resource's properties and its id. */
function lookupOutputs(definition: ResourceDefinition) {
  const { properties, required } = resourceSpec(definition);
  return {
    properties: { id: { type: "string", description: `The ${definition.kind}'s id (its import id).` }, ...properties },
    required: ["id", ...required],
  };
}

function functionSpec(definition: ResourceDefinition, lookup: Lookup) {
  const args = Object.entries(lookup.args);
  return {
    description: lookup.description,
    inputs: {
      properties: Object.fromEntries(args.map(([key, p]) => [key, outputSpec(p)])),
      required: args.filter(([, p]) => p.required).map(([key]) => key),
    },
    outputs: lookupOutputs(definition),
  };
}

function configSpec(setting: Setting): PropertySpec {
  return {
    type: setting.type,
    description: setting.description,
    ...(setting.secret ? { secret: true } : {}),
    ...(setting.default !== undefined && setting.type === "string" ? { default: setting.default } : {}),
    defaultInfo: { environment: [setting.env] },
  };
}

export function packageSchema(version: string): Record<string, unknown> {
  const config = Object.fromEntries(Object.values(settings).map((setting) => [setting.key, configSpec(setting)]));
  return {
    name: CONFIG_NAMESPACE,
    displayName: "MamuteCloud",
    version,
    description:
      "Buckets, bucket-scoped S3 credentials, DNS zones and records on MamuteCloud, as code. " +
      "Served by the native plugin shipped in the pulumi-mamutecloud npm package (the same package also serves them as dynamic resources).",
    keywords: ["pulumi", "mamutecloud", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-mamutecloud",
    config: { variables: config },
    provider: {
      description: "The MamuteCloud provider. Every setting can also come from its environment variable.",
      inputProperties: config,
    },
    resources: Object.fromEntries(definitions.map((definition) => [typeToken(definition.kind), resourceSpec(definition)])),
    functions: Object.fromEntries(
      definitions.flatMap((definition) =>
        definition.lookup ? [[functionToken(definition.kind), functionSpec(definition, definition.lookup)]] : [],
      ),
    ),
    // No nodejs packageName: TypeScript programs use the SDK inside pulumi-mamutecloud (`/native`),
    // and an SDK generated under that name would shadow the package itself.
    language: { nodejs: { dependencies: { "@pulumi/pulumi": ">=3.139.0" } } },
  };
}

/** schema.json's exact text (stable key order, trailing newline). */
export function schemaText(version: string): string {
  return `${JSON.stringify(packageSchema(version), null, 2)}\n`;
}
