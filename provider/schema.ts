// The Pulumi package schema (schema.json) of a backend, generated from its resource definitions
// and configuration table: the same declarations that drive check and diff, so the schema cannot
// drift from the behaviour. `npm run schema` writes it; a test fails when the file is stale.
import { z } from "zod";
import { functionToken, typeToken, type Backend, type ComponentDefinition } from "./backend";
import type { Setting } from "./config";
import type { InputProperty, Lookup, OutputProperty, ResourceDefinition } from "./resource";

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

/** The package's object types as they are collected, and the namespace their references name. */
interface Collected {
  namespace: string;
  types: TypeCollector;
}

type JsonNode = Record<string, unknown>;

/**
 * The Pulumi type of a zod schema, read from its JSON Schema (input side, before transforms).
 * Objects with declared properties must be named (`.meta({ id: "CdnCustomOrigin" })`): Pulumi
 * types are referenced by name, and the name is what the SDKs show.
 */
export function typeOf(schema: z.ZodType, types: TypeCollector = {}, namespace = ""): TypeSpec {
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
      return { $ref: `#/types/${namespace}:index:${id}` };
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

function inputSpec(property: InputProperty, { types, namespace }: Collected): PropertySpec {
  return {
    ...typeOf(property.schema, types, namespace),
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
  { types, namespace }: Collected,
  description = outputDescription(property),
): PropertySpec {
  return { ...typeOf(property.schema, types, namespace), description, ...(property.secret ? { secret: true } : {}) };
}

function resourceSpec(definition: ResourceDefinition, types: Collected) {
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
function componentSpec(component: ComponentDefinition, types: Collected) {
  const outputs = Object.entries(component.outputs);
  return {
    isComponent: true,
    description: component.description,
    inputProperties: Object.fromEntries(
      Object.entries(component.inputs).map(([key, p]) => [
        key,
        { ...typeOf(p.schema, types.types, types.namespace), description: p.description },
      ]),
    ),
    requiredInputs: [],
    properties: Object.fromEntries(outputs.map(([key, p]) => [key, outputSpec(p, types)])),
    required: outputs
      .filter(([, p]) => p.required !== false)
      .map(([key]) => key)
      .sort(),
  };
}

/**
 * schema.json's object types that the resources refer to, by token: what the TypeScript SDKs
 * generate. Types only a component refers to (StaticSite's `domain`, `atomic`) are left to the
 * component's own hand-written TypeScript types.
 */
export function resourceTypes(backend: Pick<Backend, "name" | "definitions">): Record<string, ObjectTypeSpec> {
  const collected: Collected = { namespace: backend.name, types: {} };
  for (const definition of backend.definitions()) resourceSpec(definition, collected);
  return namedTypes(backend, collected.types);
}

function namedTypes(backend: Pick<Backend, "name">, types: TypeCollector): Record<string, ObjectTypeSpec> {
  return Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((id) => [typeToken(backend, id), types[id]]),
  );
}

/** The properties of an existing object: the resource's properties and its id. */
function lookupOutputs(definition: ResourceDefinition, types: Collected) {
  const { properties, required } = resourceSpec(definition, types);
  const unread = new Set(Object.entries(definition.outputs).flatMap(([key, p]) => (p.setByCreate ? [key] : [])));
  return {
    properties: {
      id: { type: "string", description: `The ${definition.kind}'s id${definition.lookupOnly ? "" : " (its import id)"}.` },
      ...Object.fromEntries(Object.entries(properties).filter(([key]) => !unread.has(key))),
    },
    required: ["id", ...required.filter((key) => !unread.has(key))],
  };
}

function functionSpec(definition: ResourceDefinition, lookup: Lookup, types: Collected) {
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

export function packageSchema(backend: Backend, version: string): Record<string, unknown> {
  const config = Object.fromEntries(Object.values(backend.settings).map((setting) => [setting.key, configSpec(setting)]));
  const collected: Collected = { namespace: backend.name, types: {} };
  const definitions = backend.definitions();
  const resources = Object.fromEntries([
    ...definitions
      .filter((definition) => !definition.lookupOnly)
      .map((definition) => [typeToken(backend, definition.kind), resourceSpec(definition, collected)]),
    ...backend.components().map(({ definition }) => [typeToken(backend, definition.kind), componentSpec(definition, collected)]),
  ]);
  const functions = Object.fromEntries(
    definitions.flatMap((definition) =>
      definition.lookup ? [[functionToken(backend, definition.kind), functionSpec(definition, definition.lookup, collected)]] : [],
    ),
  );
  const metadata = backend.metadata();
  return {
    name: backend.name,
    displayName: metadata.displayName,
    version,
    description: metadata.description,
    keywords: metadata.keywords,
    license: "Apache-2.0",
    publisher: backend.packageName,
    config: { variables: config },
    provider: { description: metadata.providerDescription, inputProperties: config },
    resources,
    functions,
    ...(Object.keys(collected.types).length ? { types: namedTypes(backend, collected.types) } : {}),
    language: metadata.language,
  };
}

/** schema.json's exact text (stable key order, trailing newline). */
export function schemaText(backend: Backend, version: string): string {
  return `${JSON.stringify(packageSchema(backend, version), null, 2)}\n`;
}
