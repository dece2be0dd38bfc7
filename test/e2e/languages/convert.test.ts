// examples/python, go and java are what `pulumi convert --from yaml --language L` makes of
// examples/yaml-explicit/Pulumi.yaml today (scripts/convert-examples.js, with the real CLI, the YAML
// converter and each language's host): the program file byte for byte, and Pulumi.yaml's config and
// plugins sections. An edit to either side alone fails here; `npm run examples:convert` brings them back.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../harness/providerHost";

const convert = require(path.join(REPO_ROOT, "scripts", "convert-examples.js"));

let converted: Record<string, { program: string; project: Record<string, unknown> }>;
beforeAll(async () => {
  converted = await convert.convertAll();
}, 180_000);

test.each(["python", "go", "java"])("examples/%s is the conversion of examples/yaml-explicit", (language) => {
  const program = fs.readFileSync(path.join(REPO_ROOT, "examples", language, convert.PROGRAMS[language]), "utf8");
  expect(program).toBe(converted[language].program);
  const project = parse(fs.readFileSync(path.join(REPO_ROOT, "examples", language, "Pulumi.yaml"), "utf8"));
  for (const key of convert.PROJECT_SECTIONS) expect({ [key]: project[key] }).toEqual({ [key]: converted[language].project[key] });
  // Not an empty conversion: every resource of the YAML program is declared in the program.
  const source = parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml-explicit", "Pulumi.yaml"), "utf8"));
  for (const name of Object.keys(source.resources)) expect(program).toContain(`"${name}"`);
});
