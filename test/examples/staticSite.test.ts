// examples/static-site run end to end against the emulator: the StaticSite of ./www served at the
// distribution domain, one edited file deployed and purged, destroyed.
import { edgeGet } from "../emulator/cdn-helpers";
import { expectSiteLifecycle, startExample, type ExampleRun } from "../harness/example";

let example: ExampleRun;
beforeAll(async () => {
  example = await startExample("static-site");
}, 120_000);
afterAll(() => example?.close());

test("up serves ./www at the distribution domain; an edited file is one PUT and one purge; destroy leaves nothing", async () => {
  const first = await expectSiteLifecycle(example, {
    fetch: (outputs, urlPath) => edgeGet(example.emu, { host: outputs.distributionDomain, path: urlPath }),
    edit: { file: "www/style.css", urlPath: "/style.css", body: "h1 { color: teal; }\n", purged: "/style.css" },
    filesResource: "site-files",
    home: /<h1>Hello from MamuteCloud<\/h1>/,
  });
  // Against the emulator the url is its edge on this machine (opened in test/component and test/e2e).
  expect(first.outputs.url).toBe(`http://${first.outputs.distributionDomain}.localhost:${new URL(example.emu.edgeUrl).port}/`);
  expect(Object.keys(first.outputs).sort()).toEqual(["bucketId", "distributionDomain", "url"]);
}, 120_000);

test("a missing page gets the site's 404.html", async () => {
  const { distributionDomain } = (await example.up()).outputs;
  const missing = await edgeGet(example.emu, { host: distributionDomain, path: "/no/such/page" });
  expect(missing.status).toBe(404);
  expect(missing.body).toContain("<h1>Not found</h1>");
}, 120_000);
