#!/usr/bin/env node
// `npm run examples:convert`: the Python, Go and Java examples are converted from the YAML programs by
// the real CLI, `pulumi convert --from yaml --language L --generate-only`, as pulumi/pulumi-docker-build
// derives its examples: examples/python, go and java from examples/yaml (the site, one StaticSite), and
// examples/python-explicit, go-explicit and java-explicit from examples/yaml-explicit (every resource
// one by one). The program file is taken whole (__main__.py, main.go,
// src/main/java/generated_program/App.java), and of Pulumi.yaml the `config` and `plugins` sections;
// the rest of each example's project files (Pulumi.yaml's name and runtime, requirements.txt, go.mod,
// pom.xml, the site's www/) are its own, since they name the locally generated SDK (`npm run sdks`)
// where the converter names a published one. examples/yaml names the plugin of the installed package
// (`packages:`); it is converted from a copy that names the repository's plugin folder, as the
// converted examples do.
//
// `--check` converts again and fails when a program file or those sections differ from the conversion
// (test/e2e/languages/convert.test.ts runs it): edit the YAML program, then run this to update the others.
//
// The Python and Go language hosts are built at pulumi/pulumi 3.140 (scripts/pulumi-install.js says
// why). After writing the program, `pulumi convert` 3.248 asks the host to link the local SDKs it
// generated, an RPC those hosts predate; with no local SDK to link (this package is not parameterized)
// that step has nothing to do, so exactly that failure, "unknown method Link", is let through, and
// only once the program file is there.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, ".pulumi", "bin");
/** Each YAML program, and the suffix of the examples converted from it (examples/<language><suffix>). */
const SOURCES = { yaml: "", "yaml-explicit": "-explicit" };

/** The sections of Pulumi.yaml that the conversion carries over from the YAML program. */
const PROJECT_SECTIONS = ["config", "plugins"];

/** Each language's program file, as `pulumi convert` names it. */
const PROGRAMS = {
  python: "__main__.py",
  go: "main.go",
  java: path.join("src", "main", "java", "generated_program", "App.java"),
};
const LINK_UNSUPPORTED = "failed to link SDK to project: linking package: unknown method Link for service pulumirpc.LanguageRuntime";

/**
 * What the converter writes that the SDK it describes does not have, fixed after each conversion.
 * Go: the SDK generator names a lookup whose resource has the same name `Lookup<Kind>` (a
 * `Get<Kind>` would clash with the resource's getter), with `Lookup<Kind>OutputArgs` and
 * `Lookup<Kind>Result`; the program generator of the converter (pulumi-yaml 1.25) writes
 * `Get<Kind>OutputArgs` and `Get<Kind>Result` beside the right `Lookup<Kind>Output`, which does not compile.
 */
const FIXUPS = {
  go: (program) => program.replace(/\bmamutecloud\.Get(\w+?)(OutputArgs|Result)\b/g, "mamutecloud.Lookup$1$2"),
};

class ConvertError extends Error {}

/**
 * The YAML program as the converter reads it: examples/yaml-explicit itself; examples/yaml copied
 * two folders below the repository with its `packages:` entry turned into the repository's plugin
 * folder (`plugins:`), what the converted examples name.
 */
function sourceFolder(source) {
  const folder = path.join(ROOT, "examples", source);
  if (source !== "yaml") return { folder, done() {} };
  const copy = fs.mkdtempSync(path.join(ROOT, ".tmp", "convert-source-"));
  const project = YAML.parse(fs.readFileSync(path.join(folder, "Pulumi.yaml"), "utf8"));
  delete project.packages;
  project.plugins = { providers: [{ name: "mamutecloud", path: "../../plugin" }] };
  fs.writeFileSync(path.join(copy, "Pulumi.yaml"), YAML.stringify(project));
  return { folder: copy, done: () => fs.rmSync(copy, { recursive: true, force: true }) };
}

function convert(source, language, out) {
  return new Promise((resolve, reject) => {
    const args = ["convert", "--from", "yaml", "--language", language, "--generate-only", "--out", out, "--non-interactive"];
    const child = spawn(path.join(BIN, "pulumi"), args, {
      cwd: source,
      env: {
        ...process.env,
        PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
        PULUMI_HOME: path.join(ROOT, ".pulumi", "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (err) => reject(new ConvertError(`pulumi could not be run (${err.message}): run \`npm run pulumi:install\` first`)));
    child.on("close", (code) => {
      const program = path.join(out, PROGRAMS[language]);
      const linkOnly = language !== "java" && output.includes(LINK_UNSUPPORTED) && fs.existsSync(program);
      if (code === 0 || linkOnly) {
        const project = YAML.parse(fs.readFileSync(path.join(out, "Pulumi.yaml"), "utf8"));
        resolve({
          program: (FIXUPS[language] ?? ((text) => text))(fs.readFileSync(program, "utf8")),
          project: Object.fromEntries(PROJECT_SECTIONS.map((key) => [key, project[key]])),
        });
      } else reject(new ConvertError(`pulumi ${args.join(" ")} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

/**
 * Converts each YAML program to each language; returns the program file and project sections, by
 * the name of the example they belong to (`python`, `python-explicit`, …).
 */
async function convertAll(languages = Object.keys(PROGRAMS)) {
  const programs = {};
  fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
  for (const [name, suffix] of Object.entries(SOURCES)) {
    const source = sourceFolder(name);
    try {
      for (const language of languages) {
        // Two folders below the repository, as examples/<language> is: the YAML program's plugin path
        // (../../plugin) is resolved against the folder converted into.
        const out = fs.mkdtempSync(path.join(ROOT, ".tmp", `convert-${language}-`));
        try {
          programs[`${language}${suffix}`] = { language, source: name, ...(await convert(source.folder, language, out)) };
        } finally {
          fs.rmSync(out, { recursive: true, force: true });
        }
      }
    } finally {
      source.done();
    }
  }
  return programs;
}

async function main() {
  const check = process.argv.includes("--check");
  const converted = await convertAll();
  const drifted = [];
  for (const [example, { language, program, project }] of Object.entries(converted)) {
    const target = path.join(ROOT, "examples", example, PROGRAMS[language]);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current !== program) {
      if (check) drifted.push(path.relative(ROOT, target));
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, program);
        console.log(`wrote ${path.relative(ROOT, target)}`);
      }
    }
    // Pulumi.yaml keeps its comments and own keys: its sections are compared, and reported, not rewritten.
    const projectFile = path.join(ROOT, "examples", example, "Pulumi.yaml");
    const own = YAML.parse(fs.readFileSync(projectFile, "utf8"));
    for (const key of PROJECT_SECTIONS) {
      if (JSON.stringify(own[key]) !== JSON.stringify(project[key])) drifted.push(`${path.relative(ROOT, projectFile)} (${key})`);
    }
  }
  if (drifted.length) {
    throw new ConvertError(
      `${drifted.join(", ")} differ from the conversion of examples/yaml or examples/yaml-explicit: run \`npm run examples:convert\` (it rewrites the program files; copy Pulumi.yaml's ${PROJECT_SECTIONS.join(" and ")} by hand)`,
    );
  }
  console.log(
    check
      ? "examples/python, go and java (and their -explicit) are the conversions of examples/yaml (and yaml-explicit)."
      : "examples converted.",
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof ConvertError ? `examples:convert: ${err.message}` : err);
    process.exit(1);
  });
}

module.exports = { PROGRAMS, PROJECT_SECTIONS, SOURCES, convertAll, LINK_UNSUPPORTED };
