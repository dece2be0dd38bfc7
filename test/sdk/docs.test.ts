// What a user's editor shows on hover: every output of every resource class has a doc comment,
// and the published declarations keep it.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const SDK = path.join(__dirname, "..", "..", "sdk");
const BUILT = path.join(__dirname, "..", "..", "dist", "sdk");

/** `Class.property` of each `declare readonly` output without a `/** … *\/` comment. */
function undocumentedOutputs(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || !node.name) return;
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !member.type?.getText(source).startsWith("pulumi.Output")) continue;
      const docs = ts.getJSDocCommentsAndTags(member);
      if (docs.length === 0) missing.push(`${node.name.text}.${member.name.getText(source)}`);
    }
  });
  return missing;
}

const classFiles = fs.readdirSync(SDK).filter((file) => file.endsWith(".ts") && /export class \w+ extends MamuteResource/.test(fs.readFileSync(path.join(SDK, file), "utf8")));

test("the SDK has resource classes to check", () => {
  expect(classFiles.length).toBeGreaterThanOrEqual(4);
});

test.each(classFiles)("every output of %s has a doc comment, in the source and the published .d.ts", (file) => {
  expect(undocumentedOutputs(path.join(SDK, file))).toEqual([]);
  expect(undocumentedOutputs(path.join(BUILT, file.replace(/\.ts$/, ".d.ts")))).toEqual([]);
});
