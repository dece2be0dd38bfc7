import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";
import { decodeFiles } from "../../provider/sync/manifest";

let dir: string;

// What the SDK puts on the wire for each resource: a secret travels wrapped in Pulumi's secret signature.
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const wire = new Map<string, Record<string, any>>();
const register = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: any) {
  wire.set(req.getName(), req.getObject().toJavaScript());
  return register.call(this, req, callback);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "synced-folder-sdk-"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "index.html"), "<h1>hi</h1>");
  fs.writeFileSync(path.join(dir, "assets", "app-3f9a2b1c.js"), "1");
  fs.writeFileSync(path.join(dir, "notes.md"), "draft");
  await captureRegistrations();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("SyncedFolder registers the folder's manifest as inputs, and asks the engine to keep the S3 secret secret", async () => {
  new mamutecloud.SyncedFolder("site", {
    bucket: "bkt_0123456789abcdef",
    accessKeyId: "MCAK7Q2X9L4M0B8N3V5C",
    secretAccessKey: "s".repeat(40),
    path: dir,
    exclude: ["*.md"],
    prefix: "www",
  });
  await settled();
  const site = registrationOf("site");
  expect(site.type).toBe("pulumi-nodejs:dynamic/mamutecloud:SyncedFolder");
  expect(site.additionalSecretOutputs).toEqual(["secretAccessKey"]);
  // Given as a plain string, the secret still goes to the engine as a secret input.
  expect(Object.values(wire.get("site")?.secretAccessKey ?? {})).toContain(SECRET_SIGNATURE);
  expect(wire.get("site")?.accessKeyId).toBe("MCAK7Q2X9L4M0B8N3V5C");
  expect(site.inputs).toMatchObject({
    bucket: "bkt_0123456789abcdef",
    prefix: "www",
    path: dir,
    __kind: "SyncedFolder",
    __logicalName: "site",
  });
  expect(Object.keys(decodeFiles(site.inputs.files)).sort()).toEqual(["assets/app-3f9a2b1c.js", "index.html"]);
  const [, size, code] = decodeFiles(site.inputs.files)["index.html"].split(" ");
  expect(size).toBe("11");
  expect(site.inputs.headers[code]).toBe("text/html; charset=utf-8|public, max-age=0, s-maxage=86400, must-revalidate");
});

test("a folder that does not exist fails in the program, naming path, before anything is registered", () => {
  expect(
    () => new mamutecloud.SyncedFolder("missing", { bucket: "b", accessKeyId: "a", secretAccessKey: "s", path: path.join(dir, "nope") }),
  ).toThrow(/SyncedFolder path ".*nope" does not exist/);
});
