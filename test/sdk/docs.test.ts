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

// The hand-written classes (StaticSite) and the generated ones.
const classFiles = ["", "generated"].flatMap((folder) =>
  fs
    .readdirSync(path.join(SDK, folder))
    .filter(
      (file) =>
        file.endsWith(".ts") &&
        /export (abstract )?class \w+ extends (MamuteResource|pulumi\.ComponentResource)\b/.test(
          fs.readFileSync(path.join(SDK, folder, file), "utf8"),
        ),
    )
    .map((file) => path.join(folder, file)),
);

test("the SDK has resource classes to check", () => {
  expect(classFiles.length).toBeGreaterThanOrEqual(12);
});

test.each(classFiles)("every output of %s has a doc comment, in the source and the published .d.ts", (file) => {
  expect(undocumentedOutputs(path.join(SDK, file))).toEqual([]);
  expect(undocumentedOutputs(path.join(BUILT, file.replace(/\.ts$/, ".d.ts")))).toEqual([]);
});
