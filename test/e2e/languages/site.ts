// What examples/yaml and the Python, Go and Java site examples converted from it share (one StaticSite
// of ./www, which the plugin constructs by running the TypeScript component), run through the real
// CLI with that language's host (and the SDK `npm run sdks -- --build` generated and built), as its
// README tells a user: up; the site served at the edge and the
// component's children under it; a preview shows no change; refresh; one edited file is planned as
// the update of the site's files alone, uploads one object and purges its path; destroy leaves
// nothing. (test/e2e/harness.ts's `exampleLifecycle` runs the steps.)
import { exampleLifecycle, expectSiteServed } from "../harness";
import type { CliProject } from "../../harness/cli";
import { requireGeneratedSdk, type Language } from "./explicit";

const STYLE = "h1 { color: darkgreen; }\n";
const SITE = "mamutecloud:index:StaticSite";

export function siteLifecycle(spec: { example: Language | "yaml"; prepare?: (project: CliProject) => Promise<void> | void }): void {
  exampleLifecycle({
    example: spec.example,
    async prepare(project) {
      if (spec.example !== "yaml") requireGeneratedSdk(spec.example);
      await spec.prepare?.(project);
    },
    // The key as a secret of the stack, as a user keeps it.
    secretConfig: (emu) => ({ "mamutecloud:apiKey": emu.apiKey }),
    edit: {
      apply: (project) => project.write("www/style.css", STYLE),
      planned: ["update site-files"],
      served: { path: "/style.css", body: STYLE },
    },
    async check(outputs, emu, project) {
      await expectSiteServed(emu, "<h1>Hello from MamuteCloud</h1>");
      expect(outputs.url).toBe(`http://${outputs.distributionDomain}.localhost:${new URL(emu.edgeUrl).port}/`);
      const types = (await project.resources()).map((resource) => resource.urn.split("::")[2]);
      expect(types).toEqual(
        expect.arrayContaining([
          SITE,
          ...["Bucket", "BucketCredential", "CdnResource", "SyncedFolder"].map((kind) => `${SITE}$mamutecloud:index:${kind}`),
        ]),
      );
    },
  });
}
