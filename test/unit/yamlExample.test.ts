// The YAML program of the README (examples/yaml) checked against the schema the plugin serves, as
// Pulumi YAML's type checker would: every type, function, property and reference exists, and
// every required input is given: in seconds, in `npm test` (test/e2e/yaml.test.ts runs it through the real CLI).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { packageSchema } from "../../provider/schema";
import { mamutecloud } from "../../provider/mamutecloud/backend";

const root = path.resolve(__dirname, "..", "..");
const programText = fs.readFileSync(path.join(root, "examples", "yaml", "Pulumi.yaml"), "utf8");
const program = parse(programText);
const schema = packageSchema(mamutecloud, "0.0.0") as any;
/** A type as Pulumi YAML resolves it: `mamutecloud:StaticSite` is `mamutecloud:index:StaticSite`. */
const token = (type: string) => (type.split(":").length === 2 ? type.replace(":", ":index:") : type);

test("the native plugin's page shows the example program as it is", () => {
  expect(fs.readFileSync(path.join(root, "docs", "native-plugin.md"), "utf8")).toContain(`\`\`\`yaml\n${programText}\`\`\``);
});

test("the program uses the plugin folder of the installed package", () => {
  expect(program.runtime).toBe("yaml");
  expect(program.packages.mamutecloud).toBe("./node_modules/pulumi-mamutecloud/plugin");
});

test("every resource has a known type, known properties and its required inputs", () => {
  for (const [name, resource] of Object.entries<any>(program.resources)) {
    const spec = schema.resources[token(resource.type)];
    expect(`${name}: ${spec ? "known" : resource.type}`).toBe(`${name}: known`);
    for (const key of Object.keys(resource.properties ?? {})) expect(Object.keys(spec.inputProperties)).toContain(key);
    for (const key of spec.requiredInputs) expect(Object.keys(resource.properties ?? {})).toContain(key);
  }
});

test("every invoke names a function and its arguments; every ${x.y} reference resolves", () => {
  const outputsOf: Record<string, string[]> = {};
  for (const [name, resource] of Object.entries<any>(program.resources)) {
    outputsOf[name] = ["id", "urn", ...Object.keys(schema.resources[token(resource.type)].properties)];
  }
  for (const [name, variable] of Object.entries<any>(program.variables ?? {})) {
    const invoke = variable["fn::invoke"];
    const spec = schema.functions[invoke.function];
    expect(spec).toBeDefined();
    for (const key of Object.keys(invoke.arguments ?? {})) expect(Object.keys(spec.inputs.properties)).toContain(key);
    outputsOf[name] = Object.keys(spec.outputs.properties);
  }
  const references = [...programText.matchAll(/\$\{(\w+)\.(\w+)\}/g)];
  expect(references.length).toBeGreaterThan(0);
  for (const [, target, property] of references) expect(outputsOf[target] ?? []).toContain(property);
});
