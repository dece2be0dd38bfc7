// The README's and docs/' examples, copied together into one program as a user would: they
// type-check against the SDK, and no two declare the same variable, the same resource or the same
// zone. The README is short (under 20 KB) with its walkthrough on the first screen, and every
// relative link of the README, docs/ and the examples' READMEs reaches a file and a heading that exist.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const IMPORT = 'import * as mamutecloud from "pulumi-mamutecloud";';

// In reading order (a page's examples may use what an earlier page declared), then any other page.
const ORDER = [
  "install",
  "local-emulator",
  "testing",
  "configuration",
  "bucket",
  "bucket-credential",
  "dns-zone",
  "dns-record",
  "certificate",
  "certificate-validation",
  "imported-certificate",
  "cdn-resource",
  "cdn-custom-domain",
  "synced-folder",
  "site-releases",
  "static-site",
  "custom-domain",
  "api-assumptions",
  "reliability",
  "native-plugin",
  "adopt",
  "how-it-behaves",
  "layout",
];
const DOCS = fs
  .readdirSync(path.join(ROOT, "docs"))
  .filter((name) => name.endsWith(".md"))
  .sort((a, b) => (ORDER.indexOf(a.slice(0, -3)) + 1 || 999) - (ORDER.indexOf(b.slice(0, -3)) + 1 || 999))
  .map((name) => path.join("docs", name));

/** Every ```ts block of the README and docs/ that declares resources, without its import line. */
function stackSnippets(): string[] {
  const text = ["README.md", ...DOCS].map((file) => fs.readFileSync(path.join(ROOT, file), "utf8")).join("\n");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
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
  const records = [
    ...code.matchAll(/new mamutecloud\.DnsRecord\(\s*"[^"]+",\s*\{\s*zoneId:\s*([\w.]+),\s*name:\s*"([^"]+)",\s*type:\s*"(\w+)"/g),
  ].map(([, zone, name, type]) => ({ owner: `${zone} ${name}`, type }));
  expect(records.length).toBeGreaterThanOrEqual(5);
  const clashes = records
    .filter((record) => record.type === "CNAME")
    .filter((cname) => records.filter((other) => other.owner === cname.owner).length > 1)
    .map((cname) => cname.owner);
  expect(clashes).toEqual([]);
});

const readme = () => fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

test("the README is under 20 KB; the reference is in docs/, one page per resource, each linked from it", () => {
  expect(Buffer.byteLength(readme())).toBeLessThan(20 * 1024);
  const kinds = [
    "bucket",
    "bucket-credential",
    "dns-zone",
    "dns-record",
    "certificate",
    "certificate-validation",
    "imported-certificate",
    "cdn-resource",
    "cdn-custom-domain",
    "synced-folder",
    "site-releases",
    "static-site",
    "configuration",
  ];
  for (const page of kinds) expect([page, readme().includes(`(docs/${page}.md)`)]).toEqual([page, true]);
  for (const page of DOCS) expect([page, readme().includes(`(${page.split(path.sep).join("/")})`)]).toEqual([page, true]);
});

test("the first 60 lines are the whole first hour: install, emulator, a three-line program, endpoint and key, up, open, edit, up", () => {
  const first = readme().split("\n").slice(0, 60).join("\n");
  const blocks = [...first.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
  const commands = blocks.join("");
  expect(commands).toMatch(/^npm ci && npm run build && npm pack/m);
  expect(commands).toMatch(/^npm install \.\.\/pulumi-mamutecloud\/pulumi-mamutecloud-0\.1\.0\.tgz @pulumi\/pulumi$/m);
  expect(commands).toMatch(/^npx mamutecloud-emulator --api-key (mamute-\w+) &/m);
  // Only the endpoint and the key: the S3 endpoint comes from the bucket's answer.
  expect(commands.match(/^pulumi config set .*$/gm)).toEqual([
    "pulumi config set mamutecloud:endpoint http://127.0.0.1:4680",
    "pulumi config set --secret mamutecloud:apiKey mamute-0123456789abcdef0123456789abcdef01234567",
  ]);
  expect(commands.match(/^pulumi up --yes/gm)).toHaveLength(2);
  expect(commands).toMatch(/^curl "\$\(pulumi stack output url\)"/m);
  // The edit between the two ups is a file of the site.
  expect(commands).toMatch(/^pulumi up --yes.*\n(?:.*\n)*echo .* > www\/style\.css\npulumi up --yes/m);
  // The program is three lines, and type-checks against the SDK.
  const program = /cat > index\.ts <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(commands)?.[1];
  expect(program?.split("\n")).toHaveLength(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-readme-program-"));
  try {
    fs.writeFileSync(path.join(dir, "index.ts"), program!);
    const checked = ts.createProgram([path.join(dir, "index.ts")], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2020,
      skipLibCheck: true,
      types: [],
      baseUrl: ROOT,
      paths: { "pulumi-mamutecloud": ["sdk/index.ts"] },
    });
    const errors = ts
      .getPreEmitDiagnostics(checked)
      .filter((d) => d.file?.fileName.startsWith(dir))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks). */
function anchorsIn(file: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1]));
  }
  return anchors;
}

test("every relative link of the README, docs/ and the examples' READMEs reaches a file, and a heading when it names one", () => {
  const examples = fs.readdirSync(path.join(ROOT, "examples")).map((name) => path.join("examples", name, "README.md"));
  const files = ["README.md", ...DOCS, ...examples, path.join("emulator", "README.md")].filter((file) =>
    fs.existsSync(path.join(ROOT, file)),
  );
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    let text = fs.readFileSync(path.join(ROOT, file), "utf8");
    text = text.replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      checked++;
      const [where, anchor] = target.split("#");
      const full = where === "" ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), where);
      if (!fs.existsSync(full)) broken.push(`${file}: ${target} (no such file)`);
      else if (anchor && full.endsWith(".md") && !anchorsIn(full).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  expect(checked).toBeGreaterThan(40);
  expect(broken).toEqual([]);
});
