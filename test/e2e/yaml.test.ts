// examples/yaml through the real `pulumi` CLI and the native plugin named by its `packages:` entry
// (the plugin folder of the installed package): a whole static site in a few lines of Pulumi YAML,
// `mamutecloud:StaticSite`, which the plugin constructs (Construct) by running the TypeScript
// component with native resources. The site is served at the edge; one edited file is planned as
// the update of the site's files alone, uploads one object and purges its path.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { exampleLifecycle, expectSiteServed, linkPackage } from "./harness";
import { REPO_ROOT } from "../harness/providerHost";

const STYLE = "h1 { color: rebeccapurple; }\n";

exampleLifecycle({
  example: "yaml",
  prepare: (project) => linkPackage(project),
  edit: {
    apply: (project) => project.write("www/style.css", STYLE),
    planned: ["update site-files"],
    served: { path: "/style.css", body: STYLE },
  },
  async check(outputs, emu, project) {
    await expectSiteServed(emu, "<h1>Hello from MamuteCloud</h1>");
    expect(outputs.url).toBe(`http://${outputs.distributionDomain}.localhost:${new URL(emu.edgeUrl).port}/`);
    // The component and its children under it (their URNs' parent types), as a TypeScript StaticSite registers them.
    const types = (await project.resources()).map((resource) => resource.urn.split("::")[2]);
    const site = "mamutecloud:index:StaticSite";
    expect(types).toEqual(
      expect.arrayContaining([site, ...["Bucket", "BucketCredential", "CdnResource", "SyncedFolder"].map((kind) => `${site}$mamutecloud:index:${kind}`)]),
    );
  },
});

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
