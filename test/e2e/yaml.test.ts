// examples/yaml through the real `pulumi` CLI and the native plugin named by its `packages:` entry
// (the plugin folder of the installed package): a whole static site in a few lines of Pulumi YAML,
// `mamutecloud:StaticSite`, which the plugin constructs (Construct) by running the TypeScript
// component with native resources: the lifecycle of test/e2e/languages/site.ts, which the Python, Go
// and Java examples converted from this one share.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { linkPackage, replaceIn, useCliProject } from "./harness";
import { fullInventory } from "../harness/stack";
import { siteLifecycle } from "./languages/site";
import { REPO_ROOT } from "../harness/providerHost";

siteLifecycle({ example: "yaml", prepare: linkPackage });

test("examples/yaml declares the site in at most 15 lines of resources and outputs", () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");
  const lines = text.split("\n");
  const section = (name: string) => {
    const start = lines.indexOf(`${name}:`);
    const end = lines.findIndex((line, index) => index > start && /^\S/.test(line));
    return lines.slice(start, end === -1 ? undefined : end).filter((line) => line.trim() !== "");
  };
  expect(section("resources").length + section("outputs").length).toBeLessThanOrEqual(15);
  expect(Object.values(parse(text).resources).map((resource: any) => resource.type)).toEqual(["mamutecloud:StaticSite"]);
});

describe("a StaticSite the component refuses", () => {
  const fixture = useCliProject("yaml", ({ project }) => linkPackage(project));

  test("fails the preview with the component's own message, naming the option and the fix; nothing is created", async () => {
    const { emu, project } = fixture;
    await project.config({ "mamutecloud:apiKey": emu.apiKey }, ["mamutecloud:apiKey"]);
    // A zone's apex, where the site's CNAME cannot go.
    replaceIn(
      project,
      "Pulumi.yaml",
      "      errorDocument: 404.html",
      "      errorDocument: 404.html\n      domain:\n        name: example.com",
    );
    const before = await fullInventory(emu);
    const preview = await project.run(["preview", "--stack", project.stack], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout).toContain('StaticSite site: domain.name "example.com" is the apex of the zone example.com');
    expect(preview.stdout).toContain('e.g. domain.name "www.example.com"');
    expect(await fullInventory(emu)).toEqual(before);
  });
});
