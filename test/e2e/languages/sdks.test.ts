// The SDKs `npm run sdks -- --build` generated just before this stage, from today's schema.json: each
// language's package under the names schema.json gives it, at the schema's version, with a class or
// module for every resource and function of the schema, and the plugin named so the engine loads ours.
// .NET's is generated only (no .NET SDK here): its logo came from the generator's local server, not
// the network.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/providerHost";

const sdks = require(path.join(REPO_ROOT, "scripts", "generate-sdks.js"));
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8"));
const SDK = path.join(REPO_ROOT, "sdk");
const read = (file: string) => fs.readFileSync(path.join(SDK, file), "utf8");
const kinds = Object.keys(schema.resources).map((token) => token.split(":")[2]);
const functions = Object.keys(schema.functions).map((token) => token.split(":")[2]);
const snake = (name: string) => name.replace(/[A-Z]/g, (letter, at) => `${at ? "_" : ""}${letter.toLowerCase()}`);
const camel = (name: string) => name[0].toLowerCase() + name.slice(1);

beforeAll(() => {
  for (const language of sdks.LANGUAGES) {
    if (!fs.existsSync(path.join(SDK, language))) throw new Error(`sdk/${language} is not generated: run \`npm run sdks -- --build\``);
  }
});

test("python: pulumi_mamutecloud at the schema's version, a module per resource and function", () => {
  const pyproject = read("python/pyproject.toml");
  expect(pyproject).toMatch(/name = "pulumi_mamutecloud"/);
  expect(pyproject).toContain(`version = "${schema.version}"`);
  expect(JSON.parse(read("python/pulumi_mamutecloud/pulumi-plugin.json"))).toMatchObject({
    resource: true,
    name: "mamutecloud",
    version: schema.version,
  });
  for (const kind of [...kinds, ...functions])
    expect(fs.existsSync(path.join(SDK, "python", "pulumi_mamutecloud", `${snake(kind)}.py`))).toBe(true);
});

test("go: its own module, the importBasePath of the schema, a file per resource and function", () => {
  expect(read("go/go.mod")).toContain(`module ${sdks.GO_MODULE}\n`);
  expect(read("go/go.mod")).toContain(`github.com/pulumi/pulumi/sdk/v3 ${sdks.PULUMI_GO_SDK}`);
  expect(schema.language.go.importBasePath).toBe(`${sdks.GO_MODULE}/mamutecloud`);
  expect(read("go/go.sum")).toContain("github.com/pulumi/pulumi/sdk/v3");
  for (const kind of [...kinds, ...functions]) expect(fs.existsSync(path.join(SDK, "go", "mamutecloud", `${camel(kind)}.go`))).toBe(true);
});

test("java: com.pulumi:mamutecloud at the schema's version, a class per resource, installed for Maven", () => {
  const pom = read("java/pom.xml");
  expect(pom).toContain(`<version>${schema.version}</version>`);
  expect(pom).toContain(`<version>${sdks.PULUMI_JAVA_SDK}</version>`);
  expect(read("java/src/main/resources/com/pulumi/mamutecloud/version.txt")).toBe(schema.version);
  for (const kind of kinds)
    expect(fs.existsSync(path.join(SDK, "java", "src", "main", "java", "com", "pulumi", "mamutecloud", `${kind}.java`))).toBe(true);
  const functionsClass = read("java/src/main/java/com/pulumi/mamutecloud/MamutecloudFunctions.java");
  for (const fn of functions) expect(functionsClass).toContain(` ${fn}(`);
  // What `mvn install` put in the local Maven repository, for examples/java.
  const m2 = path.join(
    process.env.HOME ?? "",
    ".m2",
    "repository",
    "com",
    "pulumi",
    "mamutecloud",
    schema.version,
    `mamutecloud-${schema.version}.jar`,
  );
  expect(fs.existsSync(m2)).toBe(true);
});

test(".NET: generated (not built: no .NET SDK here), a class per resource, the logo from the local server", () => {
  const project = read("dotnet/MamuteCloud.Pulumi.csproj");
  expect(project).toContain(`<Version>${schema.version}</Version>`);
  for (const kind of kinds) expect(read(`dotnet/${kind}.cs`)).toContain("namespace MamuteCloud.Pulumi");
  const logo = fs.readFileSync(path.join(SDK, "dotnet", "logo.png"));
  expect([logo.subarray(1, 4).toString("ascii"), logo.readUInt32BE(16), logo.readUInt32BE(20)]).toEqual(["PNG", 64, 64]);
});
