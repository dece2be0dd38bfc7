// examples/python, go and java are what `pulumi convert --from yaml --language L` makes of
// examples/yaml (the site), and examples/<language>-explicit what it makes of examples/yaml-explicit, today (scripts/convert-examples.js, with the real CLI, the YAML
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

const EXAMPLES = ["python", "go", "java"].flatMap((language) =>
  Object.entries(convert.SOURCES as Record<string, string>).map(([source, suffix]) => ({
    language,
    source,
    example: `${language}${suffix}`,
  })),
);

test.each(EXAMPLES)("examples/$example is the conversion of examples/$source", ({ language, source, example }) => {
  const program = fs.readFileSync(path.join(REPO_ROOT, "examples", example, convert.PROGRAMS[language]), "utf8");
  expect(program).toBe(converted[example].program);
  const project = parse(fs.readFileSync(path.join(REPO_ROOT, "examples", example, "Pulumi.yaml"), "utf8"));
  for (const key of convert.PROJECT_SECTIONS) expect({ [key]: project[key] }).toEqual({ [key]: converted[example].project[key] });
  // Not an empty conversion: every resource of the YAML program is declared in the program.
  const yaml = parse(fs.readFileSync(path.join(REPO_ROOT, "examples", source, "Pulumi.yaml"), "utf8"));
  for (const name of Object.keys(yaml.resources)) expect(program).toContain(`"${name}"`);
});
