// The generated SDKs: the native one (`pulumi-mamutecloud/native`) registering the native types with
// the engine, and the dynamic one (sdk/generated/) giving a program every property as an Output.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import { definitions } from "../../provider/resources";
import { classArgs, nativeSdkFiles } from "../../provider/nativeSdk";
import { dynamicSdkFiles } from "../../provider/mamutecloud/dynamicSdk";
import { mamutecloud } from "../../provider/mamutecloud/backend";
import { decodeFiles, manifestInputs } from "../../provider/sync/manifest";
import * as native from "../../sdk/native";

const root = path.resolve(__dirname, "..", "..");
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
beforeAll(captureRegistrations);

test("the committed sdk/native/ is what `npm run schema` generates (run it after changing a resource)", () => {
  for (const [name, text] of Object.entries(nativeSdkFiles(mamutecloud))) {
    expect(`${name}:\n${fs.readFileSync(path.join(root, "sdk", "native", name), "utf8")}`).toBe(`${name}:\n${text}`);
  }
});

test("the committed sdk/generated/ is what `npm run schema` generates, and holds nothing else", () => {
  const files = dynamicSdkFiles();
  for (const [name, text] of Object.entries(files)) {
    expect(`${name}:\n${fs.readFileSync(path.join(root, "sdk", "generated", name), "utf8")}`).toBe(`${name}:\n${text}`);
  }
  expect(fs.readdirSync(path.join(root, "sdk", "generated")).sort()).toEqual(Object.keys(files).sort());
});

test("native classes register the native type token, every property, the plugin version and their secret outputs", async () => {
  new native.Bucket("assets", { name: "assets" });
  new native.BucketCredential("key", { bucketId: "bkt_1" });
  const account = new native.Provider("other-account", { endpoint: "http://127.0.0.1:4000", apiKey: "mamute-0123456789" });
  new native.DnsZone("zone", { domain: "example.com" }, { provider: account });
  await settled();
  const bucket = registrationOf("assets");
  expect(bucket.type).toBe("mamutecloud:index:Bucket");
  expect(Object.keys(bucket.inputs).sort()).toEqual(["name"]);
  // The engine loads the plugin of this package's version: SDK and plugin always match.
  expect(bucket.version).toBe(version);
  expect(registrationOf("key").additionalSecretOutputs).toEqual(["secretAccessKey"]);
  const provider = registrationOf("other-account");
  expect(provider.type).toBe("pulumi:providers:mamutecloud");
  expect(provider.inputs.endpoint).toBe("http://127.0.0.1:4000");
  expect(registrationOf("zone").type).toBe("mamutecloud:index:DnsZone");
});

test("the native SyncedFolder reads the folder's manifest in the program, as the dynamic class does, and keeps the S3 secret secret", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "native-synced-folder-"));
  try {
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>hi</h1>");
    fs.writeFileSync(path.join(dir, "assets", "app-3f9a2b1c.js"), "1");
    fs.writeFileSync(path.join(dir, "notes.md"), "draft");
    new native.SyncedFolder("native-site", {
      bucket: "bkt_1",
      accessKeyId: "MCAK1",
      secretAccessKey: "s".repeat(40),
      path: dir,
      exclude: ["*.md"],
    });
    await settled();
    const site = registrationOf("native-site");
    expect(site.type).toBe("mamutecloud:index:SyncedFolder");
    expect(site.additionalSecretOutputs).toEqual(["secretAccessKey"]);
    const manifest = manifestInputs({ path: dir, exclude: ["*.md"] });
    expect(Object.keys(decodeFiles(site.inputs.files)).sort()).toEqual(["assets/app-3f9a2b1c.js", "index.html"]);
    expect({ files: site.inputs.files, headers: site.inputs.headers }).toEqual(manifest);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("every kind has a native class, and every lookup a get function", () => {
  for (const definition of definitions) {
    expect(typeof (native as Record<string, unknown>)[definition.kind]).toBe("function");
    expect(((native as Record<string, any>)[definition.kind] as { __pulumiType: string }).__pulumiType).toBe(
      `mamutecloud:index:${definition.kind}`,
    );
    if (definition.lookup) expect(typeof (native as Record<string, unknown>)[`get${definition.kind}`]).toBe("function");
  }
});

test.each(definitions.map((definition) => [definition.kind, definition] as const))(
  "%s: every input and output of the definition is an Output on the dynamic class's object a program gets",
  async (kind, definition) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-outputs-"));
    try {
      fs.writeFileSync(path.join(dir, "index.html"), "<h1>hi</h1>");
      // The required args only, any value: under mocks nothing is checked (the folder kinds read `path`).
      const required = Object.entries(classArgs(definition))
        .filter(([, input]) => input.required)
        .map(([key]) => key);
      const given = Object.fromEntries(required.map((key) => [key, key === "path" ? dir : "x"]));
      const Class = (require("../../sdk") as Record<string, new (name: string, args: object) => Record<string, unknown>>)[kind];
      const resource = new Class(`outputs-${kind}`, given);
      const fields = [...Object.keys(definition.inputs), ...Object.keys(definition.outputs)];
      expect(fields.filter((field) => !pulumi.Output.isInstance(resource[field]))).toEqual([]);
      await settled();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
