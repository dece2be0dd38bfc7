// examples/imported-certificate run end to end against the emulator, with a certificate made by
// the README's openssl command: the site served over HTTPS at www.example.com with exactly that
// certificate, one edited file deployed and purged, destroyed.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectSiteLifecycle, startExample, type ExampleRun } from "../harness/example";

let example: ExampleRun;
let certificatePem: string;

beforeAll(async () => {
  example = await startExample("imported-certificate");
  fs.mkdirSync(path.join(example.dir, "certs"));
  // As in the example's README.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "90",
      "-subj",
      "/CN=www.example.com",
      "-addext",
      "subjectAltName=DNS:www.example.com",
      "-keyout",
      "certs/site.key",
      "-out",
      "certs/site.crt",
    ],
    { cwd: example.dir, stdio: "ignore" },
  );
  certificatePem = fs.readFileSync(path.join(example.dir, "certs", "site.crt"), "utf8");
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
