// The dynamic SDK's resource classes (`pulumi-mamutecloud`, sdk/generated/), generated from the
// definitions as the native SDK is: one file per kind (args, class), and types.ts for the named
// object types and literal unions. `npm run schema` writes them; a test fails when they are stale.
// What a class does in the program (SyncedFolder reading its folder) is a hand-written helper of
// sdk/folder.ts that the generated constructor calls (`computedByClass.dynamicHelper`).
//
// The types are those the hand-written 0.1 classes declared, so programs keep compiling: object
// types named without `Args` whose fields are Inputs, their outputs `Required<pulumi.Unwrap<…>>`,
// object types only ever output as plain interfaces, literal unions from `union`.
import { alwaysSet, classArgs, doc, fileOf, HEADER, inputDoc, typeText, type TypeSpec } from "../nativeSdk";
import { definitions } from "../resources";
import { secretProperties, type InputProperty, type OutputProperty, type ResourceDefinition } from "../resource";
import { outputDescription, resourceTypes, typeOf } from "../schema";
import { mamutecloud } from "./backend";

interface ObjectType {
  description?: string;
  properties: Record<string, TypeSpec & { description?: string }>;
  required?: string[];
}

const nameOf = (ref: string) => ref.split(":").pop()!;

let named: Record<string, ObjectType> | undefined;

/** The named object types by name, computed once per generation (every module asks for them). */
function objectTypes(): Record<string, ObjectType> {
  named ??= Object.fromEntries(
    Object.entries(resourceTypes(mamutecloud) as Record<string, ObjectType>).map(([token, type]) => [nameOf(token), type]),
  );
  return named;
}

/** Named object types reachable from some resource's inputs: they get Input fields. */
function inputTypes(types: Record<string, ObjectType>): Set<string> {
  const found = new Set<string>();
  const visit = (spec: TypeSpec | undefined): void => {
    if (!spec) return;
    if (spec.$ref) {
      const name = nameOf(spec.$ref);
      if (found.has(name)) return;
      found.add(name);
      for (const property of Object.values(types[name].properties)) visit(property);
    }
    visit(spec.items);
  };
  for (const definition of definitions) for (const input of Object.values(definition.inputs)) visit(typeOf(input.schema));
  return found;
}

type Mode = "input" | "plain" | "output";

/** The TypeScript type of a schema type as the dynamic SDK spells it. */
function tsType(spec: TypeSpec, mode: Mode, inputs: Set<string>): string {
  return typeText(spec, mode === "input", (name) => {
    if (mode === "output" && inputs.has(name)) return `Required<pulumi.Unwrap<${name}>>`;
    return mode === "input" ? `pulumi.Input<${name}>` : name;
  });
}

function propertyType(property: InputProperty | OutputProperty, mode: Mode, inputs: Set<string>): string {
  const union = "union" in property ? property.union : undefined;
  if (union) return mode === "input" ? `pulumi.Input<${union.name}>` : union.name;
  if ("undefinedAccepted" in property && property.undefinedAccepted && mode === "input") {
    return `pulumi.Input<${tsType(typeOf(property.schema), "plain", inputs)} | undefined>`;
  }
  return tsType(typeOf(property.schema), mode, inputs);
}

export function typesModule(): string {
  const types = objectTypes();
  const inputs = inputTypes(types);
  let text = `${HEADER}import type * as pulumi from "@pulumi/pulumi";\n`;
  for (const definition of definitions) {
    for (const property of Object.values(definition.inputs)) {
      if (!property.union) continue;
      text += `\n/** The values of ${definition.kind}'s \`${Object.entries(definition.inputs).find(([, p]) => p === property)![0]}\`. */\n`;
      text += `export type ${property.union.name} = ${property.union.values.map((value) => JSON.stringify(value)).join(" | ")};\n`;
    }
  }
  for (const [name, type] of Object.entries(types)) {
    const mode: Mode = inputs.has(name) ? "input" : "plain";
    const fields = Object.entries(type.properties).map(([key, p]) => {
      const optional = type.required?.includes(key) ? "" : "?";
      return `${p.description ? doc(p.description, "  ") : ""}  ${key}${optional}: ${tsType(p, mode, inputs)};\n`;
    });
    text += `\n${type.description ? doc(type.description, "") : ""}export interface ${name} {\n${fields.join("")}}\n`;
  }
  return text;
}

export function resourceModule(definition: ResourceDefinition): string {
  const { kind } = definition;
  const inputs = inputTypes(objectTypes());
  const computed = definition.computedByClass;
  const inProgram = new Set(computed?.readInProgram ?? []);
  const args = classArgs(definition);
  const anyRequired = Object.values(args).some((p) => p.required);
  const keys = [...Object.keys(definition.inputs), ...Object.keys(definition.outputs)];
  const secretInputs = Object.entries(definition.inputs)
    .filter(([, p]) => p.secret)
    .map(([key]) => key);
  const set = alwaysSet(definition);

  let text = `\nexport interface ${kind}Args {\n`;
  for (const [key, p] of Object.entries(args)) {
    text += `${inputDoc(p, "  ")}  ${key}${p.required ? "" : "?"}: ${propertyType(p, inProgram.has(key) ? "plain" : "input", inputs)};\n`;
  }
  text += "}\n\n";
  text += doc(definition.description, "");
  text += `export class ${kind} extends MamuteResource {\n`;
  const properties: Array<[string, InputProperty | OutputProperty]> = [
    ...Object.entries(definition.inputs),
    ...Object.entries(definition.outputs),
  ];
  for (const [key, p] of properties) {
    const description = outputDescription(p);
    const deprecated = "deprecated" in p ? p.deprecated : undefined;
    const always = set.has(key) || ("typedAsSet" in p && p.typedAsSet);
    const type = propertyType(p, "output", inputs);
    text += `${doc(description, "  ", deprecated)}  declare readonly ${key}: pulumi.Output<${always ? type : `${type} | undefined`}>;\n`;
  }
  const props = computed ? `${computed.dynamicHelper}(name, args)` : "args";
  const secrets = secretProperties(definition);
  text += `\n  constructor(name: string, args: ${kind}Args${anyRequired || definition.argsRequired ? "" : " = {}"}, opts?: pulumi.CustomResourceOptions) {\n`;
  text += `    super(${JSON.stringify(kind)}, name, ${props}, ${JSON.stringify(keys)}, opts, ${JSON.stringify(secrets)}, ${JSON.stringify(secretInputs)});\n`;
  text += "  }\n}\n";

  const used = [...new Set([...text.matchAll(/\b([A-Z]\w*)\b/g)].map((match) => match[1]))].filter(
    (name) => name in objectTypes() || definitions.some((d) => Object.values(d.inputs).some((p) => p.union?.name === name)),
  );
  let imports = `import type * as pulumi from "@pulumi/pulumi";\n`;
  if (computed) imports += `import { ${computed.dynamicHelper} } from "../folder";\n`;
  imports += `import { MamuteResource } from "../resource";\n`;
  if (used.length) imports += `import type { ${used.sort().join(", ")} } from "./types";\n`;
  return `${HEADER}${imports}${text}`;
}

/** What sdk/index.ts re-exports: every class with its args, and every type of types.ts. */
export function indexModule(): string {
  let text = HEADER;
  for (const definition of definitions) {
    text += `export { ${definition.kind}, type ${definition.kind}Args } from "./${fileOf(definition.kind)}";\n`;
  }
  const unions = definitions.flatMap((definition) => Object.values(definition.inputs).flatMap((p) => (p.union ? [p.union.name] : [])));
  text += `export type { ${[...unions, ...Object.keys(objectTypes())].join(", ")} } from "./types";\n`;
  return text;
}

/** Every generated file of sdk/generated/, by name. */
export function dynamicSdkFiles(): Record<string, string> {
  return {
    "index.ts": indexModule(),
    "types.ts": typesModule(),
    ...Object.fromEntries(definitions.map((definition) => [`${fileOf(definition.kind)}.ts`, resourceModule(definition)])),
  };
}
