// examples/multi-tenant run end to end against the emulator: each tenant's folder served over
// HTTPS at its subdomain under one wildcard certificate, an edit to one tenant deployed and purged
// at that tenant's host only, destroyed.
import { expectSiteLifecycle, startExample, type ExampleRun } from "../harness/example";

let example: ExampleRun;
beforeAll(async () => {
  example = await startExample("multi-tenant");
}, 120_000);
afterAll(() => example?.close());

test("each tenant at <tenant>.example.com from its folder; an edit to acme is one PUT purged at acme's host; destroy", async () => {
  const first = await expectSiteLifecycle(example, {
    fetch: (_outputs, urlPath) => example.https("acme.example.com", urlPath),
    edit: {
      file: "tenants/acme/style.css",
      urlPath: "/style.css",
      body: "h1 { color: green; }\n",
      purged: "https://acme.example.com/style.css",
    },
    filesResource: "tenants-files-acme",
    home: /<h1>Acme<\/h1>/,
    config: { domain: "example.com" },
  });
  // Against the emulator each URL is its edge on this machine, at the host's `.localhost` name.
  const edge = new URL(example.emu.edgeUrl).port;
  expect(first.outputs.tenantUrls).toEqual({
    acme: `http://acme.example.com.localhost:${edge}/`,
    globex: `http://globex.example.com.localhost:${edge}/`,
  });
  expect(first.outputs.url).toBe(`http://www.example.com.localhost:${edge}/`);
  expect(first.steps.filter((step) => step.kind === "Bucket" || step.kind === "CdnResource" || step.kind === "Certificate")).toHaveLength(
    3,
  );
}, 120_000);

test("the other tenant and the root site are served from their own folders", async () => {
  await example.up({ domain: "example.com" });
  expect((await example.https("globex.example.com", "/")).body).toMatch(/<h1>Globex<\/h1>/);
  expect((await example.https("globex.example.com", "/style.css")).body).toContain("#1f618d");
  expect((await example.https("www.example.com", "/")).body).toMatch(/<h1>Our tenants<\/h1>/);
}, 120_000);
