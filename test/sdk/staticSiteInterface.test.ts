// StaticSite has one interface in every language: schema.json's component (provider/staticSiteInterface.ts)
// is what YAML, Python, Go and Java programs see, and the TypeScript class (sdk/staticSite.ts) must
// take the same options with the same docs and give the same outputs. Its own options' TSDoc is read
// from the source with the TypeScript compiler and compared with the table; the options it passes
// through are typed and documented by the generated classes (Pick), from the same definitions.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { staticSiteAtomicSchema, staticSiteComponent, staticSiteDomainSchema } from "../../provider/staticSiteInterface";
import { packageSchema } from "../../provider/schema";
import { mamutecloud } from "../../provider/mamutecloud/backend";

const SOURCE = path.resolve(__dirname, "..", "..", "sdk", "staticSite.ts");
const file = ts.createSourceFile(SOURCE, fs.readFileSync(SOURCE, "utf8"), ts.ScriptTarget.Latest, true);
const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

/** Member name → its TSDoc text, of an interface or class of sdk/staticSite.ts. */
function documented(name: string): Record<string, string> {
  const found: Record<string, string> = {};
  file.forEachChild((node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === name) {
      for (const member of node.members) {
        if (!member.name || !ts.isIdentifier(member.name)) continue;
        const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
        const text = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join(" ");
        found[member.name.text] = normalize(text);
      }
    }
  });
  return found;
}

/** The keys of the `Pick<…, "a" | "b">` types StaticSiteArgs extends (the options it passes through). */
function passedThrough(): string[] {
  const keys: string[] = [];
  file.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === "PassedThrough") {
      node.type.forEachChild(function visit(child): void {
        if (ts.isLiteralTypeNode(child) && ts.isStringLiteral(child.literal)) keys.push(child.literal.text);
        child.forEachChild(visit);
      });
    }
  });
  return keys;
}

test("the TypeScript StaticSiteArgs has exactly the component's options, its own documented as schema.json documents them", () => {
  const own = documented("StaticSiteArgs");
  const passed = passedThrough();
  expect([...Object.keys(own), ...passed].sort()).toEqual(Object.keys(staticSiteComponent.inputs).sort());
  for (const [key, text] of Object.entries(own)) {
    expect({ key, text }).toEqual({ key, text: normalize(staticSiteComponent.inputs[key].description) });
  }
});

test("domain's and atomic's options, and their docs, are the component's", () => {
  const domain = documented("StaticSiteDomainArgs");
  expect(Object.keys(domain).sort()).toEqual(Object.keys(staticSiteDomainSchema.shape).sort());
  for (const [key, text] of Object.entries(domain)) {
    const property = (staticSiteDomainSchema.shape as Record<string, { description?: string }>)[key];
    expect({ key, text }).toEqual({ key, text: normalize(property.description ?? "") });
  }
  expect(Object.keys(staticSiteAtomicSchema.shape).sort()).toEqual(["keep", "release"]);
});

test("the class's outputs are the component's, documented alike", () => {
  const members = documented("StaticSite");
  for (const [key, output] of Object.entries(staticSiteComponent.outputs)) {
    expect({ key, text: members[key] }).toEqual({ key, text: normalize(output.description) });
  }
});

test("schema.json's StaticSite is a component with the table's options and outputs; those read when it runs are plain in TypeScript", () => {
  const spec = (packageSchema(mamutecloud, "0.0.0").resources as Record<string, any>)["mamutecloud:index:StaticSite"];
  expect(spec.isComponent).toBe(true);
  expect(Object.keys(spec.inputProperties).sort()).toEqual(Object.keys(staticSiteComponent.inputs).sort());
  expect(Object.keys(spec.properties).sort()).toEqual(Object.keys(staticSiteComponent.outputs).sort());
  const readInProgram = Object.entries(staticSiteComponent.inputs).flatMap(([key, input]) => (input.readInProgram ? [key] : []));
  expect(readInProgram.sort()).toEqual(["atomic", "domain", "errorDocument", "indexDocument", "path", "tenants"]);
  // The class's types for them take no Input.
  const source = fs.readFileSync(SOURCE, "utf8");
  for (const key of readInProgram) expect(source).not.toMatch(new RegExp(`^  ${key}\\?: pulumi\\.Input`, "m"));
});
