// The README's examples, copied together into one program as a user would: they type-check against
// the SDK, and no two declare the same variable, the same resource or the same zone.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const IMPORT = 'import * as mamutecloud from "pulumi-mamutecloud";';

/** Every ```ts block of the README that declares resources, without its import line. */
function stackSnippets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1])
    .filter((block) => block.includes("new mamutecloud."))
    .map((block) => block.replace(IMPORT, ""));
}

test("the README has examples to check", () => {
  expect(stackSnippets().length).toBeGreaterThanOrEqual(4);
});

test("the README's examples type-check together in one program", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-readme-"));
  try {
    const file = path.join(dir, "index.ts");
    fs.writeFileSync(file, [IMPORT, ...stackSnippets()].join("\n"));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2020,
      skipLibCheck: true,
      types: [],
      typeRoots: [path.join(ROOT, "node_modules", "@types")],
      baseUrl: ROOT,
      paths: { "pulumi-mamutecloud": ["sdk/index.ts"] },
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file?.fileName === file || diagnostic.file === undefined)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    expect(errors).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("no two README examples declare the same resource or the same zone", () => {
  const code = stackSnippets().join("\n");
  const resources = [...code.matchAll(/new mamutecloud\.(\w+)\(\s*"([^"]+)"/g)].map((match) => `${match[1]} ${match[2]}`);
  expect(resources.length).toBeGreaterThan(0);
  expect(resources.filter((key, index) => resources.indexOf(key) !== index)).toEqual([]);
  const domains = [...code.matchAll(/new mamutecloud\.DnsZone\([^)]*domain:\s*"([^"]+)"/g)].map((match) => match[1]);
  expect(domains.filter((domain, index) => domains.indexOf(domain) !== index)).toEqual([]);
});

test("the README's DNS records could all exist together: a CNAME shares its name with no other record", () => {
  const code = stackSnippets().join("\n");
  const records = [...code.matchAll(/new mamutecloud\.DnsRecord\(\s*"[^"]+",\s*\{\s*zoneId:\s*([\w.]+),\s*name:\s*"([^"]+)",\s*type:\s*"(\w+)"/g)].map(
    ([, zone, name, type]) => ({ owner: `${zone} ${name}`, type }),
  );
  expect(records.length).toBeGreaterThanOrEqual(5);
  const clashes = records
    .filter((record) => record.type === "CNAME")
    .filter((cname) => records.filter((other) => other.owner === cname.owner).length > 1)
    .map((cname) => cname.owner);
  expect(clashes).toEqual([]);
});
