// The Pulumi package schema (schema.json), generated from the resource definitions and the
// configuration table: the same declarations that drive check and diff, so the schema cannot
// drift from the behaviour. `npm run schema` writes it; a test fails when the file is stale.
import { z } from "zod";
import { settings, CONFIG_NAMESPACE, type Setting } from "./config";
import { definitions } from "./resources";
import type { InputProperty, Lookup, OutputProperty, ResourceDefinition } from "./resource";
import { staticSiteComponent, type ComponentDefinition } from "./staticSiteInterface";

export const typeToken = (kind: string) => `${CONFIG_NAMESPACE}:index:${kind}`;
export const functionToken = (kind: string) => `${CONFIG_NAMESPACE}:index:get${kind}`;

type TypeSpec = { type?: string; $ref?: string; items?: TypeSpec; additionalProperties?: TypeSpec; oneOf?: TypeSpec[] };

interface PropertySpec extends TypeSpec {
  description: string;
  secret?: boolean;
  replaceOnChanges?: boolean;
  willReplaceOnChanges?: boolean;
  default?: string | number | boolean;
  defaultInfo?: { environment: string[] };
  deprecationMessage?: string;
}

/** A named object type (schema `types`), from a zod object given `.meta({ id })`. */
interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, TypeSpec & { description?: string }>;
  required?: string[];
}

/** Object types met while converting properties, by name; becomes schema.json's `types`. */
export type TypeCollector = Record<string, ObjectTypeSpec>;

type JsonNode = Record<string, unknown>;

/**
 * The Pulumi type of a zod schema, read from its JSON Schema (input side, before transforms).
 * Objects with declared properties must be named (`.meta({ id: "CdnCustomOrigin" })`): Pulumi
 * types are referenced by name, and the name is what the SDKs show.
 */
export function typeOf(schema: z.ZodType, types: TypeCollector = {}): TypeSpec {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode;
  const defs = (json.$defs ?? {}) as Record<string, JsonNode>;
  const convert = (node: JsonNode): TypeSpec => {
    if (Array.isArray(node.anyOf)) return { oneOf: (node.anyOf as JsonNode[]).map(convert) };
    if (typeof node.$ref === "string") {
      const id = node.$ref.replace(/^#\/\$defs\//, "");
      if (!(id in types)) {
        const def = defs[id];
        const objectType: ObjectTypeSpec = { type: "object", properties: {} };
        types[id] = objectType; // before the properties: a type may refer to itself
        if (typeof def.description === "string") objectType.description = def.description;
        for (const [key, property] of Object.entries((def.properties ?? {}) as Record<string, JsonNode>)) {
          objectType.properties[key] = {
            ...convert(property),
            ...(typeof property.description === "string" ? { description: property.description } : {}),
          };
        }
        if (Array.isArray(def.required) && def.required.length) objectType.required = [...(def.required as string[])].sort();
      }
      return { $ref: `#/types/${CONFIG_NAMESPACE}:index:${id}` };
    }
    switch (node.type) {
      case "string":
      case "boolean":
      case "integer":
      case "number":
        return { type: node.type };
      case "array":
        return { type: "array", items: convert((node.items ?? {}) as JsonNode) };
      case "object":
        if (node.properties) {
          throw new Error("schema.json: an object type with properties needs a name: give its zod schema .meta({ id })");
        }
        return { type: "object", additionalProperties: { type: "string" } };
      default:
        throw new Error(`schema.json: cannot express JSON Schema type ${JSON.stringify(node.type)} as a Pulumi type`);
    }
  };
  return convert(json);
}

function inputSpec(property: InputProperty, types: TypeCollector): PropertySpec {
  return {
    ...typeOf(property.schema, types),
    description: property.description,
    ...(property.secret ? { secret: true } : {}),
    ...(property.replaceOnChange ? { replaceOnChanges: true, willReplaceOnChanges: true } : {}),
    ...(property.default !== undefined ? { default: property.default } : {}),
    ...(property.deprecated ? { deprecationMessage: property.deprecated } : {}),
  };
}

/** What an output holds: an input's `outputDescription` when it has one. */
export function outputDescription(property: InputProperty | OutputProperty): string {
  return ("outputDescription" in property && property.outputDescription) || property.description;
}

function outputSpec(
  property: InputProperty | OutputProperty,
  types: TypeCollector,
  description = outputDescription(property),
): PropertySpec {
  return { ...typeOf(property.schema, types), description, ...(property.secret ? { secret: true } : {}) };
}

function resourceSpec(definition: ResourceDefinition, types: TypeCollector) {
  const inputs = Object.entries(definition.inputs);
  const outputs = Object.entries(definition.outputs);
  const alwaysSetInputs = inputs.filter(([, p]) => p.required || p.default !== undefined || p.computed).map(([key]) => key);
  return {
    description: definition.description,
    properties: Object.fromEntries([
      ...inputs.map(([key, p]) => [key, outputSpec(p, types)]),
      ...outputs.map(([key, p]) => [key, outputSpec(p, types)]),
    ]),
    required: [...alwaysSetInputs, ...outputs.filter(([, p]) => p.required !== false).map(([key]) => key)].sort(),
    inputProperties: Object.fromEntries(inputs.map(([key, p]) => [key, inputSpec(p, types)])),
    requiredInputs: inputs.filter(([, p]) => p.required).map(([key]) => key),
  };
}

/** A component the plugin constructs (`Construct`): its options and outputs. */
function componentSpec(component: ComponentDefinition, types: TypeCollector) {
  const outputs = Object.entries(component.outputs);
  return {
    isComponent: true,
    description: component.description,
    inputProperties: Object.fromEntries(
      Object.entries(component.inputs).map(([key, p]) => [key, { ...typeOf(p.schema, types), description: p.description }]),
    ),
    requiredInputs: [],
    properties: Object.fromEntries(outputs.map(([key, p]) => [key, outputSpec(p, types)])),
    required: outputs
      .filter(([, p]) => p.required !== false)
      .map(([key]) => key)
      .sort(),
  };
}

/** The components the plugin constructs, each running the SDK's own component class. */
export const components: readonly ComponentDefinition[] = [staticSiteComponent];

/**
 * schema.json's object types that the resources refer to, by token: what the TypeScript SDKs
 * generate. Types only a component refers to (StaticSite's `domain`, `atomic`) are left to the
 * component's own hand-written TypeScript types.
 */
export function resourceTypes(): Record<string, ObjectTypeSpec> {
  const types: TypeCollector = {};
  for (const definition of definitions) resourceSpec(definition, types);
  return Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((id) => [typeToken(id), types[id]]),
  );
}

/** The properties of an existing object: the resource's properties and its id. */
function lookupOutputs(definition: ResourceDefinition, types: TypeCollector) {
  const { properties, required } = resourceSpec(definition, types);
  const unread = new Set(Object.entries(definition.outputs).flatMap(([key, p]) => (p.setByCreate ? [key] : [])));
  return {
    properties: {
      id: { type: "string", description: `The ${definition.kind}'s id (its import id).` },
      ...Object.fromEntries(Object.entries(properties).filter(([key]) => !unread.has(key))),
    },
    required: ["id", ...required.filter((key) => !unread.has(key))],
  };
}

function functionSpec(definition: ResourceDefinition, lookup: Lookup, types: TypeCollector) {
  const args = Object.entries(lookup.args);
  return {
    description: lookup.description,
    inputs: {
      properties: Object.fromEntries(args.map(([key, p]) => [key, outputSpec(p, types, p.description)])),
      required: args.filter(([, p]) => p.required).map(([key]) => key),
    },
    outputs: lookupOutputs(definition, types),
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
  const types: TypeCollector = {};
  const resources = Object.fromEntries([
    ...definitions.map((definition) => [typeToken(definition.kind), resourceSpec(definition, types)]),
    ...components.map((component) => [typeToken(component.kind), componentSpec(component, types)]),
  ]);
  const functions = Object.fromEntries(
    definitions.flatMap((definition) =>
      definition.lookup ? [[functionToken(definition.kind), functionSpec(definition, definition.lookup, types)]] : [],
    ),
  );
  return {
    name: CONFIG_NAMESPACE,
    displayName: "MamuteCloud",
    version,
    description:
      "Buckets, bucket-scoped S3 credentials, synced folders, CDN resources, custom domains, certificates, DNS zones and records on MamuteCloud, as code. " +
      "Served by the native plugin shipped in the pulumi-mamutecloud npm package (the same package also serves them as dynamic resources).",
    keywords: ["pulumi", "mamutecloud", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-mamutecloud",
    config: { variables: config },
    provider: {
      description: "The MamuteCloud provider. Every setting can also come from its environment variable.",
      inputProperties: config,
    },
    resources,
    functions,
    ...(Object.keys(types).length
      ? {
          types: Object.fromEntries(
            Object.keys(types)
              .sort()
              .map((id) => [typeToken(id), types[id]]),
          ),
        }
      : {}),
    // No nodejs packageName: TypeScript programs use the SDK inside pulumi-mamutecloud (`/native`),
    // and an SDK generated under that name would shadow the package itself.
    // The other languages' SDKs are generated from this schema by `npm run sdks` (scripts/generate-sdks.js)
    // into sdk/python, sdk/go, sdk/java and sdk/dotnet, under these names.
    language: {
      nodejs: { dependencies: { "@pulumi/pulumi": ">=3.139.0" } },
      python: { packageName: "pulumi_mamutecloud", pyproject: { enabled: true }, respectSchemaVersion: true },
      go: { importBasePath: "github.com/mamutecloud/pulumi-mamutecloud/sdk/go/mamutecloud", respectSchemaVersion: true },
      // Java keeps the default package, com.pulumi.mamutecloud: pulumi-java 1.17's program generator (`pulumi
      // convert`) writes com.pulumi.<package>.inputs imports whatever basePackage says. No Gradle files:
      // scripts/sdk-overlays/java/pom.xml builds it with Maven.
      java: { buildFiles: "none" },
      csharp: { rootNamespace: "MamuteCloud", namespaces: { mamutecloud: "Pulumi" }, respectSchemaVersion: true },
    },
  };
}

/** schema.json's exact text (stable key order, trailing newline). */
export function schemaText(version: string): string {
  return `${JSON.stringify(packageSchema(version), null, 2)}\n`;
}
