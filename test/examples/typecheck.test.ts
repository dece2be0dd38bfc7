// Every example is a project a user can copy: a Pulumi.yaml for Node.js, an index.ts that
// type-checks against the package as built, a README with its commands; the gitops workflow
// previews pull requests, deploys main and checks drift on a schedule.
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import * as ts from "typescript";
import { REPO_ROOT } from "../harness/providerHost";

const EXAMPLES = path.join(REPO_ROOT, "examples");
// The Node.js examples (runtime nodejs); examples/yaml (a YAML program for the native plugin) is checked
// against the plugin's schema by test/unit/yamlExample.test.ts; examples/python, go, java and
// yaml-explicit run through the real CLI in `npm run test:languages` (test/e2e/languages).
const runtimeOf = (name: string) => {
  const project = yaml.load(fs.readFileSync(path.join(EXAMPLES, name, "Pulumi.yaml"), "utf8")) as { runtime: string | { name: string } };
  return typeof project.runtime === "string" ? project.runtime : project.runtime.name;
};
/**
 * The packages an example installs: The Cloud's examples (`thecloud-…`) pulumi-thecloud, the site
 * across two clouds pulumi-mamutecloud and pulumi-shardlyn, the others pulumi-mamutecloud.
 */
const packagesOf = (name: string) =>
  name.startsWith("thecloud-")
    ? ["pulumi-thecloud"]
    : name === "cross-cloud-site"
      ? ["pulumi-mamutecloud", "pulumi-shardlyn"]
      : ["pulumi-mamutecloud"];
/** Its Pulumi project name: MamuteCloud's examples are `mamutecloud-<folder>`, The Cloud's their folder's name. */
const projectOf = (name: string) => (name.startsWith("thecloud-") || name === "cross-cloud-site" ? name : `mamutecloud-${name}`);
const names = fs
  .readdirSync(EXAMPLES)
  .filter((name) => fs.statSync(path.join(EXAMPLES, name)).isDirectory() && runtimeOf(name) === "nodejs");

// One compiler host for every example, so the declarations they share (lib, @pulumi/pulumi) are parsed once.
const parsed = new Map<string, ts.SourceFile | undefined>();
const baseHost = ts.createCompilerHost({});
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile: (fileName, languageVersion, onError) => {
    const key = `${fileName}:${JSON.stringify(languageVersion)}`;
    if (!parsed.has(key)) parsed.set(key, baseHost.getSourceFile(fileName, languageVersion, onError));
    return parsed.get(key);
  },
};

/** Each example's tsconfig, read as `tsc -p` reads it. */
function configOf(dir: string): ts.ParsedCommandLine | undefined {
  return ts.getParsedCommandLineOfConfigFile(
    path.join(dir, "tsconfig.json"),
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
}

let checked: ts.Diagnostic[] | undefined;

/**
 * `tsc -p dir --noEmit` for one example: its config's errors and the type errors of its files,
 * formatted as tsc prints them. Every example has the same compiler options (a test holds them
 * equal), so one program checks them all at once, each file resolving its imports from its own
 * folder: the declarations they share (lib, @pulumi/pulumi, the packages) are checked once.
 */
function typeErrors(dir: string): string {
  const config = configOf(dir);
  if (!config) return `${dir}/tsconfig.json could not be read`;
  checked ??= (() => {
    const roots = names.flatMap((name) => configOf(path.join(EXAMPLES, name))?.fileNames ?? []);
    const program = ts.createProgram({ rootNames: roots, options: config.options, host });
    return [...ts.getPreEmitDiagnostics(program)];
  })();
  const own = checked.filter((diagnostic) => diagnostic.file === undefined || diagnostic.file.fileName.startsWith(`${dir}${path.sep}`));
  return ts.formatDiagnostics([...config.errors, ...own], {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => dir,
    getNewLine: () => "\n",
  });
}

test("every Node.js example is compiled with the same options (so one program checks them all)", () => {
  const options = names.map((name) => {
    const dir = path.join(EXAMPLES, name);
    return JSON.stringify(configOf(dir)?.options).split(dir).join("<example>");
  });
  expect(new Set(options).size).toBe(1);
});

test("every example folder, every language, has a README with its commands and a program; the Node.js and YAML ones install the packed package", () => {
  const all = fs.readdirSync(EXAMPLES).filter((name) => fs.statSync(path.join(EXAMPLES, name)).isDirectory());
  for (const name of all) {
    const dir = path.join(EXAMPLES, name);
    expect([name, fs.readFileSync(path.join(dir, "README.md"), "utf8")]).toEqual([name, expect.stringMatching(/pulumi up/)]);
    const runtime = runtimeOf(name);
    const program: Record<string, () => boolean> = {
      nodejs: () => fs.existsSync(path.join(dir, "index.ts")),
      yaml: () => /^resources:/m.test(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")),
      python: () => fs.existsSync(path.join(dir, "__main__.py")),
      go: () => fs.existsSync(path.join(dir, "main.go")),
      java: () => fs.existsSync(path.join(dir, "pom.xml")) && fs.existsSync(path.join(dir, "src", "main", "java")),
    };
    expect([name, runtime, program[runtime]?.() ?? false]).toEqual([name, runtime, true]);
    // What a user installs: the tarball `npm pack` makes (`npm run example -- <name>` writes it), never the repository's folder.
    // (The Python, Go and Java examples and yaml-explicit use the SDK `npm run sdks` generates and this clone's plugin.)
    if (runtime !== "nodejs" && !fs.existsSync(path.join(dir, "package.json"))) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const pkg of packagesOf(name)) expect([name, manifest.dependencies[pkg]]).toEqual([name, `file:../../.tmp/${pkg}.tgz`]);
  }
});

test("the examples are the ones the README lists", () => {
  expect(names.sort()).toEqual([
    "basic",
    "cross-cloud-site",
    "custom-domain",
    "gitops",
    "imported-certificate",
    "multi-tenant",
    "state-bucket",
    "static-site",
    "thecloud-assets",
  ]);
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  for (const name of names) expect(readme).toContain(`(examples/${name})`);
});

test.each(names)(
  "examples/%s has Pulumi.yaml, index.ts and a README, and type-checks",
  (name) => {
    const dir = path.join(EXAMPLES, name);
    const project = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Record<string, string>;
    expect(project).toMatchObject({ name: projectOf(name), runtime: "nodejs" });
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toMatch(/pulumi up/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@pulumi/pulumi", ...packagesOf(name)]);
    expect(typeErrors(dir)).toBe("");
  },
  180_000,
);

test("the gitops workflow previews pull requests, deploys main and checks drift with refresh --expect-no-changes", () => {
  const workflow = yaml.load(fs.readFileSync(path.join(EXAMPLES, "gitops", ".github", "workflows", "site.yml"), "utf8")) as any;
  expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
  expect(workflow.on.push.branches).toEqual(["main"]);
  const commands = (job: string) =>
    workflow.jobs[job].steps
      .map((step: any) => step.run)
      .filter(Boolean)
      .join("\n");
  expect(workflow.jobs.preview.if).toContain("pull_request");
  expect(commands("preview")).toMatch(/^pulumi preview /m);
  expect(workflow.jobs.deploy.if).toContain("refs/heads/main");
  expect(commands("deploy")).toMatch(/^pulumi up .*--yes/m);
  expect(workflow.jobs.drift.if).toContain("schedule");
  expect(commands("drift")).toMatch(/^pulumi refresh .*--expect-no-changes/m);
  // A drift check never runs beside a deploy.
  expect(workflow.jobs.drift.concurrency.group).toBe(workflow.jobs.deploy.concurrency.group);
});
