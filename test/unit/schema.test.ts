import * as fs from "node:fs";
import * as path from "node:path";
import { packageSchema, schemaText } from "../../provider/schema";
import { mamutecloud } from "../../provider/mamutecloud/backend";
import { definitions } from "../../provider/resources";
import { METASCHEMA_PATH as metaschemaPath, packageValidator } from "../harness/metaschema";

const root = path.resolve(__dirname, "..", "..");
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const sharedMetaschema = path.resolve(root, "..", "shared", "pulumi-package-metaschema.json");

const validator = packageValidator;

test("the committed schema.json is what `npm run schema` generates (run it after changing a resource)", () => {
  const committed = fs.readFileSync(path.join(root, "schema.json"), "utf8");
  expect(committed).toBe(schemaText(mamutecloud, version));
});

test("schema.json is valid against Pulumi's package metaschema", () => {
  const validate = validator();
  const valid = validate(JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8")));
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
});

test("the metaschema check catches a broken schema", () => {
  const validate = validator();
  const broken = packageSchema(mamutecloud, version) as any;
  const [token] = Object.keys(broken.resources);
  broken.resources[token].inputProperties.oops = { type: "strng" };
  expect(validate(broken)).toBe(false);
});

test("every resource records its inputs, outputs, required, secret and replace-on-change properties", () => {
  const schema = packageSchema(mamutecloud, version) as any;
  for (const definition of definitions) {
    const spec = schema.resources[`mamutecloud:index:${definition.kind}`];
    expect(spec).toBeDefined();
    for (const [key, input] of Object.entries(definition.inputs)) {
      expect(spec.inputProperties[key].replaceOnChanges ?? false).toBe(input.replaceOnChange ?? false);
      expect(spec.inputProperties[key].secret ?? false).toBe(input.secret ?? false);
      expect(spec.properties[key]).toBeDefined();
      expect(spec.requiredInputs.includes(key)).toBe(input.required ?? false);
    }
    for (const [key, output] of Object.entries(definition.outputs)) {
      expect(spec.properties[key].secret ?? false).toBe(output.secret ?? false);
    }
  }
  expect(schema.config.variables.apiKey.secret).toBe(true);
  expect(schema.config.variables.apiKey.defaultInfo.environment).toEqual(["MAMUTECLOUD_API_KEY"]);
});

test("the vendored metaschema is the one in ../shared when that folder is present", () => {
  if (!fs.existsSync(sharedMetaschema)) return;
  expect(fs.readFileSync(metaschemaPath, "utf8")).toBe(fs.readFileSync(sharedMetaschema, "utf8"));
});
