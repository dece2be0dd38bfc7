// examples/imported-certificate run end to end against the emulator, with a certificate made by
// the README's openssl command: the site served over HTTPS at www.example.com with exactly that
// certificate, one edited file deployed and purged, destroyed.
import { makeSiteCertificate } from "../harness/certificate";
import { expectSiteLifecycle, startExample, type ExampleRun } from "../harness/example";

let example: ExampleRun;
let certificatePem: string;

beforeAll(async () => {
  example = await startExample("imported-certificate");
  // As in the example's README.
  certificatePem = makeSiteCertificate(example.dir);
}, 120_000);
afterAll(() => example?.close());

test("www.example.com over HTTPS with the imported certificate; an edited file is one PUT and one purge; destroy", async () => {
  const first = await expectSiteLifecycle(example, {
    // Verified against the imported (self-signed) certificate itself: the edge serves exactly it.
    fetch: (_outputs, urlPath) => example.https("www.example.com", urlPath, certificatePem),
    edit: { file: "www/style.css", urlPath: "/style.css", body: "body { margin: 0; }\n", purged: "/style.css" },
    filesResource: "site-files",
    home: /imported certificate/,
  });
  expect(first.outputs.url).toBe(`http://www.example.com.localhost:${new URL(example.emu.edgeUrl).port}/`);
  expect(first.steps.map((step) => step.kind)).not.toContain("Certificate");
  expect(Date.parse(first.outputs.certificateExpires)).toBeGreaterThan(Date.now() + 80 * 24 * 3600_000);
}, 120_000);
