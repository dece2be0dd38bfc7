// examples/custom-domain (every resource explicit) run end to end against the emulator: its
// resources come up in dependency order, ./www is served at www.example.com over HTTPS verified
// with the emulator's CA, a second run changes nothing, one edited file is one PUT and one purge,
// and destroy removes everything.
import { listAll } from "../harness/emulator";
import { expectSiteLifecycle, startExample, type ExampleRun } from "../harness/example";

let example: ExampleRun;
beforeAll(async () => {
  example = await startExample("custom-domain");
}, 120_000);
afterAll(() => example?.close());

test("the resources come up in dependency order; the CNAME points at the distribution domain; a second run changes nothing", async () => {
  const { emu, engine } = example;
  const first = await example.up();
  expect(first.steps.map((step) => `${step.kind}:${step.name}:${step.op}`).sort()).toEqual([
    "Bucket:site:create",
    "BucketCredential:deployer:create",
    "CdnCustomDomain:www:create",
    "CdnResource:cdn:create",
    "Certificate:certificate:create",
    "CertificateValidation:certificate-validation:create",
    "DnsRecord:certificate-validation-record:create",
    "DnsRecord:www-cname:create",
    "DnsZone:zone:create",
    "SyncedFolder:files:create",
  ]);
  // The validation waits for its record, the custom domain for the validation, the CNAME for the custom domain.
  const at = (name: string) => first.steps.findIndex((step) => step.name === name);
  expect(at("certificate-validation-record")).toBeLessThan(at("certificate-validation"));
  expect(at("certificate-validation")).toBeLessThan(at("www"));
  expect(at("cdn")).toBeLessThan(at("www"));
  expect(at("www")).toBeLessThan(at("www-cname"));
  expect(engine.get("certificate-validation").outputs.status).toBe("issued");
  expect(engine.get("www").outputs).toMatchObject({ status: "active", certificateId: engine.get("certificate").id });

  const served = await example.https("www.example.com", "/");
  expect(served.status).toBe(200);
  const cname = (await listAll(emu, `/dns/zones/${engine.get("zone").id}/records`)).find(
    (record) => record.name === "www.example.com." && record.type === "CNAME",
  );
  const distribution = String(engine.get("cdn").outputs.distributionDomain);
  expect(cname.values).toEqual([`${distribution}.`]);
  expect((await example.https(distribution, "/")).body).toBe(served.body);

  emu.resetRequests();
  const second = await example.up();
  expect(second.steps.every((step) => step.op === "same")).toBe(true);
  expect(second.deleted).toEqual([]);
  expect(emu.requests().total).toBe(0);
}, 120_000);

test("up, edit one file, up, destroy: the site fetched over HTTPS at www.example.com after each step", async () => {
  await expectSiteLifecycle(example, {
    fetch: (_outputs, urlPath) => example.https("www.example.com", urlPath),
    edit: { file: "www/style.css", urlPath: "/style.css", body: "body { margin: 1rem; }\n", purged: "/style.css" },
    filesResource: "files",
    home: /<h1>Hello from the custom domain<\/h1>/,
  });
}, 120_000);
