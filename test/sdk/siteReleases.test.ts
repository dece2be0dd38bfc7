import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";
import { decodeFiles } from "../../provider/sync/manifest";

let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-releases-sdk-"));
  fs.writeFileSync(path.join(dir, "index.html"), "<h1>hi</h1>");
  await captureRegistrations();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("SiteReleases registers the manifest, keep and the rollback release as inputs, and keeps the S3 secret secret", async () => {
  new mamutecloud.SiteReleases("site", {
    bucket: "bkt_0123456789abcdef",
    accessKeyId: "MCAK7Q2X9L4M0B8N3V5C",
    secretAccessKey: "s".repeat(40),
    cdnResourceId: "cdn_0123456789abcdef",
    path: dir,
    keep: 3,
    release: "0123456789abcdef",
  });
  await settled();
  const site = registrationOf("site");
  expect(site.type).toBe("pulumi-nodejs:dynamic/mamutecloud:SiteReleases");
  expect(site.additionalSecretOutputs).toEqual(["secretAccessKey"]);
  expect(site.inputs).toMatchObject({
    cdnResourceId: "cdn_0123456789abcdef",
    keep: 3,
    release: "0123456789abcdef",
    __kind: "SiteReleases",
  });
  expect(Object.keys(decodeFiles(site.inputs.files))).toEqual(["index.html"]);
});
