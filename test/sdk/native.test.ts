// The native SDK (`pulumi-mamutecloud/native`): generated from the definitions, registering the
// native types with the engine, and in agreement with the dynamic SDK's hand-written classes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import { definitions } from "../../provider/resources";
import { classArgs, nativeSdkFiles } from "../../provider/nativeSdk";
import { buildManifest } from "../../provider/sync/manifest";
import * as native from "../../sdk/native";

const root = path.resolve(__dirname, "..", "..");
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
beforeAll(captureRegistrations);

test("the committed sdk/native/ is what `npm run schema` generates (run it after changing a resource)", () => {
  for (const [name, text] of Object.entries(nativeSdkFiles())) {
    expect(`${name}:\n${fs.readFileSync(path.join(root, "sdk", "native", name), "utf8")}`).toBe(`${name}:\n${text}`);
  }
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
    new native.SyncedFolder("native-site", { bucket: "bkt_1", accessKeyId: "MCAK1", secretAccessKey: "s".repeat(40), path: dir, exclude: ["*.md"] });
    await settled();
    const site = registrationOf("native-site");
    expect(site.type).toBe("mamutecloud:index:SyncedFolder");
    expect(site.additionalSecretOutputs).toEqual(["secretAccessKey"]);
    const manifest = buildManifest({ path: dir, exclude: ["*.md"] });
    expect(Object.keys(site.inputs.files).sort()).toEqual(["assets/app-3f9a2b1c.js", "index.html"]);
    expect({ files: site.inputs.files, headers: site.inputs.headers }).toEqual(manifest);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("every kind has a native class, and every lookup a get function", () => {
  for (const definition of definitions) {
    expect(typeof (native as Record<string, unknown>)[definition.kind]).toBe("function");
    expect(((native as Record<string, any>)[definition.kind] as { __pulumiType: string }).__pulumiType).toBe(`mamutecloud:index:${definition.kind}`);
    if (definition.lookup) expect(typeof (native as Record<string, unknown>)[`get${definition.kind}`]).toBe("function");
  }
});

/**
 * Property names (and whether optional) of an interface and of a class's declared fields in one SDK
 * file; members of what they extend, here or in a sibling file (`CertificateResource`, `FolderArgs`),
 * count too.
 */
function declared(file: string, interfaceName: string, className: string) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const args: Record<string, boolean> = {};
  const fields: string[] = [];
  const siblingOf = new Map<string, string>();
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith("./")) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) siblingOf.set(element.name.text, path.join(path.dirname(file), `${node.moduleSpecifier.text}.ts`));
      }
    }
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    if (ts.isClassDeclaration(node) && node.name?.text === className) {
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
          fields.push((member.name as ts.Identifier).text);
        }
      }
      const base = node.heritageClauses?.[0]?.types[0]?.expression;
      const baseFile = base && ts.isIdentifier(base) ? siblingOf.get(base.text) : undefined;
      if (base && ts.isIdentifier(base) && baseFile) fields.push(...declared(baseFile, "", base.text).fields);
    }
  });
  // An interface's own members win over those it extends (SiteReleasesArgs over FolderArgs), which
  // may be imported from a sibling file.
  const addMembers = (name: string) => {
    const node = interfaces.get(name);
    const sibling = siblingOf.get(name);
    if (!node && sibling) Object.assign(args, declared(sibling, name, "").args);
    if (!node) return;
    for (const base of node.heritageClauses?.flatMap((clause) => clause.types) ?? []) addMembers(base.expression.getText(source));
    for (const member of node.members) {
      if (ts.isPropertySignature(member)) args[(member.name as ts.Identifier).text] = member.questionToken === undefined;
    }
  };
  addMembers(interfaceName);
  return { args, fields };
}

test.each(definitions.map((definition) => [definition.kind, definition] as const))(
  "%s: the dynamic SDK's args, required args and outputs agree with the definition (as the native SDK's do)",
  (kind, definition) => {
    const file = path.join(root, "sdk", `${kind[0].toLowerCase()}${kind.slice(1)}.ts`);
    const { args, fields } = declared(file, `${kind}Args`, kind);
    // Inputs the classes compute in the program (SyncedFolder's manifest) are no args of either.
    const required = Object.fromEntries(Object.entries(classArgs(definition)).map(([key, input]) => [key, input.required ?? false]));
    expect(args).toEqual(required);
    expect(fields.sort()).toEqual([...Object.keys(definition.inputs), ...Object.keys(definition.outputs)].sort());
    const generated = declared(path.join(root, "sdk", "native", path.basename(file)), `${kind}Args`, kind);
    expect(generated.args).toEqual(required);
    expect(generated.fields.sort()).toEqual(fields.sort());
  },
);

test.each(definitions.map((definition) => [definition.kind] as const))(
  "%s: every output the dynamic class declares is an Output on the object a program gets",
  async (kind) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-outputs-"));
    try {
      fs.writeFileSync(path.join(dir, "index.html"), "<h1>hi</h1>");
      const file = path.join(root, "sdk", `${kind[0].toLowerCase()}${kind.slice(1)}.ts`);
      const { args, fields } = declared(file, `${kind}Args`, kind);
      // The required args only, any value: under mocks nothing is checked (the folder kinds read `path`).
      const required = Object.keys(args).filter((key) => args[key]);
      const given = Object.fromEntries(required.map((key) => [key, key === "path" ? dir : "x"]));
      const Class = (require("../../sdk") as Record<string, new (name: string, args: object) => Record<string, unknown>>)[kind];
      const resource = new Class(`outputs-${kind}`, given);
      expect(fields.filter((field) => !pulumi.Output.isInstance(resource[field]))).toEqual([]);
      await settled();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
