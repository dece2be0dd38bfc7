#!/usr/bin/env node
// `npm run pulumi:install`: builds the Pulumi CLI, its language hosts and the other languages' SDK
// generators from their Go modules into .pulumi/bin (git-ignored), so the tests, `npm run demo`,
// `npm run sdks` and a user of this clone run the real `pulumi` without installing anything outside
// the repository but Go's module and build caches.
//
// Each tool group is a small Go module of ours under tools/pulumi/ that requires the tool at one
// pinned version; `go install` then builds it the ordinary way, from the Go module proxy. (The
// tools' own go.mod files carry `replace` directives, so `go install module@version` refuses them.)
//
// The pins: the CLI is github.com/pulumi/pulumi/pkg/v3 v3.248.0, the release whose @pulumi/pulumi
// this repository uses. The Node.js, Python and Go language hosts are modules of their own without
// version tags, so they are required by the pseudo-version of a pulumi/pulumi commit; the module
// proxy serves only commits somebody has required before, and none from the 3.248.0 release (it
// answers "403 This module version is not available" for v3.0.0-20260624180030-dc7edd58bc13), so
// they are built at the newest commit it serves, c93e5535978b (3.140.0, November 2024). A language
// host speaks a versioned gRPC protocol to the CLI and runs the program's own @pulumi/pulumi, which
// is what the engine's compatibility promise covers. YAML's host and converter (`pulumi convert
// --from yaml`) are pulumi-yaml v1.25.0.
//
// The SDK generators: `pulumi package gen-sdk --language L` asks L's language host to generate, so
// Python's and Go's SDKs come from the hosts above, Java's from pulumi-java's host and .NET's from
// pulumi-dotnet's. pulumi-java's Go module github.com/pulumi/pulumi-java/pkg is served at v1.17.0
// (November 2025) and refused (403) at v1.17.1, v1.17.2, v1.18.0, v1.18.1, v1.19.0, v1.20.0 and
// v1.21.0; its proxy list is refused too, so the version was found by asking for tags one at a time.
// pulumi-dotnet's github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 is served at v3.112.1
// (August 2026) and v3.110.0, v3.100.0, refused at v3.114.2, v3.114.0, v3.113.1, v3.113.0, v3.112.0,
// v3.111.1, v3.111.0, v3.90.0 and v3.71.1. Pulumi's releases ship a Python script beside the Python
// host, pulumi-language-python-exec, that no Go module carries: ours is tools/pulumi/python's.
//
// A second run takes about a second: a group is rebuilt only when its tool module or the Go version
// changed (.pulumi/bin/.built-<group> records both), and `go install` reuses Go's caches otherwise.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const TOOLS = path.join(ROOT, "tools", "pulumi");
const PULUMI_DIR = path.join(ROOT, ".pulumi");
const BIN = path.join(PULUMI_DIR, "bin");
const PULUMI_VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

/** What each tool module builds: the module whose version it pins, and the commands. */
const GROUPS = [
  {
    dir: "cli",
    what: "the Pulumi CLI",
    module: "github.com/pulumi/pulumi/pkg/v3",
    commands: { pulumi: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
  },
  {
    dir: "hosts",
    what: "the Node.js, Python and Go language hosts",
    module: "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
    versionModule: "github.com/pulumi/pulumi/sdk/v3",
    commands: {
      "pulumi-language-nodejs": "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
      "pulumi-language-python": "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3",
      "pulumi-language-go": "github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3",
    },
  },
  {
    dir: "yaml",
    what: "the YAML language host and converter",
    module: "github.com/pulumi/pulumi-yaml",
    commands: {
      "pulumi-language-yaml": "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
      "pulumi-converter-yaml": "github.com/pulumi/pulumi-yaml/cmd/pulumi-converter-yaml",
    },
  },
  {
    dir: "java",
    what: "the Java language host and SDK generator",
    module: "github.com/pulumi/pulumi-java/pkg",
    versionVariable: "github.com/pulumi/pulumi-java/pkg/version.Version",
    commands: { "pulumi-language-java": "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java" },
  },
  {
    dir: "dotnet",
    what: "the .NET language host (it generates the .NET SDK; running .NET needs the .NET SDK)",
    module: "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3",
    versionVariable: "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3/version.Version",
    commands: { "pulumi-language-dotnet": "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3" },
  },
];

/** Files of ours copied beside the binaries: the Python host's executor (see above). */
const COPIED = { "pulumi-language-python-exec": path.join(TOOLS, "python", "pulumi-language-python-exec") };

/**
 * What Pulumi's releases ship beside the CLI, written by us: the dynamic-provider plugin starts the
 * program's own @pulumi/pulumi dynamic provider (resolved from the folder the engine starts it in,
 * the program's), and this package's native plugin runs this clone's build.
 */
const SHIMS = {
  "pulumi-resource-pulumi-nodejs": [
    "#!/bin/sh",
    "# Pulumi's dynamic-provider plugin: the program's own @pulumi/pulumi serves dynamic resources.",
    `exec node "$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")" "$@"`,
  ],
  "pulumi-resource-mamutecloud": [
    "#!/bin/sh",
    "# This clone's native plugin (npm run build makes dist/), for programs that use the native SDK.",
    `exec "${path.join(ROOT, "plugin", "pulumi-resource-mamutecloud")}" "$@"`,
  ],
};

class InstallError extends Error {}

/** `version` of `module` in a go.mod's require lines. */
function pinnedVersion(goMod, module) {
  const match = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[.]/g, "\\.")}\\s+(\\S+)`, "m").exec(goMod);
  if (!match) throw new InstallError(`tools/pulumi: no version of ${module} is pinned in its go.mod`);
  return match[1];
}

/** The semver a binary reports (`pulumi version`): the release a pseudo-version builds on, or the tag. */
function reportedVersion(version) {
  const pseudo = /^(v\d+\.\d+\.\d+)-(?:0\.)?\d{14}-[0-9a-f]{12}$/.exec(version);
  return pseudo ? pseudo[1] : version;
}

function goVersion() {
  const answer = spawnSync("go", ["version"], { encoding: "utf8" });
  if (answer.error || answer.status !== 0) {
    throw new InstallError(
      "Go is needed to build the Pulumi CLI from its modules (`go` was not found on PATH). Install Go 1.25 or newer: https://go.dev/doc/install",
    );
  }
  return answer.stdout.trim();
}

/** What a group's build depends on: the Go version and its tool module. */
function fingerprint(go, group) {
  const hash = crypto.createHash("sha256").update(go);
  for (const file of ["go.mod", "go.sum", "tools.go"]) hash.update(fs.readFileSync(path.join(TOOLS, group.dir, file)));
  return hash.digest("hex");
}

function stampFile(group) {
  return path.join(BIN, `.built-${group.dir}`);
}

function upToDate(group, stamp) {
  try {
    if (fs.readFileSync(stampFile(group), "utf8") !== stamp) return false;
  } catch {
    return false;
  }
  return Object.keys(group.commands).every((command) => fs.existsSync(path.join(BIN, command)));
}

/** The go command's own words for a failed download: the module, the version and the registry's answer. */
function registryAnswer(output) {
  const lines = output.split("\n");
  const reading = lines.findIndex((line) => /reading https?:\/\//.test(line) || /: (unknown revision|invalid version)/.test(line));
  if (reading < 0) return undefined;
  return lines
    .slice(reading, reading + 2)
    .map((line) => line.trim())
    .join(" ");
}

/** `go install` of one group, with a progress line every 20 s (packages compiled, elapsed). */
function build(group, index) {
  const goMod = fs.readFileSync(path.join(TOOLS, group.dir, "go.mod"), "utf8");
  const version = pinnedVersion(goMod, group.module);
  const reported = reportedVersion(pinnedVersion(goMod, group.versionModule ?? group.module));
  const label = `[${index + 1}/${GROUPS.length}] ${group.what}: ${group.module} ${version}`;
  console.log(`${label}: building (the first build downloads and compiles for several minutes; later ones reuse Go's caches)`);
  const started = Date.now();
  const args = [
    "install",
    "-v",
    "-ldflags",
    `-X ${group.versionVariable ?? PULUMI_VERSION_VARIABLE}=${reported}`,
    ...Object.values(group.commands),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, {
      cwd: path.join(TOOLS, group.dir),
      env: { ...process.env, GOBIN: BIN, GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly`.trim(), GOWORK: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let compiled = 0;
    const collect = (chunk) => {
      const text = chunk.toString();
      output = (output + text).slice(-64 * 1024);
      compiled += text.split("\n").filter((line) => /^[\w.-]+(\/[\w.@~-]+)*$/.test(line.trim()) && line.trim()).length;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const ticker = setInterval(
      () => console.log(`${label}: ${compiled} packages built, ${Math.round((Date.now() - started) / 1000)} s`),
      20_000,
    );
    child.on("error", (err) => {
      clearInterval(ticker);
      reject(new InstallError(`${label}: could not run go (${err.message})`));
    });
    child.on("exit", (code) => {
      clearInterval(ticker);
      if (code === 0) {
        console.log(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
        return;
      }
      const answer = registryAnswer(output);
      reject(
        new InstallError(
          answer
            ? `${label}: a module could not be had from the Go module proxy: ${answer}`
            : `${label}: go install failed (exit ${code}):\n${output.trim().split("\n").slice(-20).join("\n")}`,
        ),
      );
    });
  });
}

function writeShims() {
  for (const [name, lines] of Object.entries(SHIMS)) {
    fs.writeFileSync(path.join(BIN, name), `${lines.join("\n")}\n`, { mode: 0o755 });
  }
  for (const [name, source] of Object.entries(COPIED)) {
    fs.copyFileSync(source, path.join(BIN, name));
    fs.chmodSync(path.join(BIN, name), 0o755);
  }
}

async function main() {
  const go = goVersion();
  fs.mkdirSync(BIN, { recursive: true });
  fs.rmSync(path.join(BIN, ".built"), { force: true }); // the single stamp of earlier versions
  const stale = GROUPS.filter((group) => !upToDate(group, fingerprint(go, group)));
  writeShims();
  if (stale.length === 0) {
    console.log(`Pulumi CLI, language hosts and SDK generators in ${path.relative(process.cwd(), BIN) || BIN} are up to date.`);
    return;
  }
  for (const group of stale) {
    fs.rmSync(stampFile(group), { force: true });
    await build(group, GROUPS.indexOf(group));
    fs.writeFileSync(stampFile(group), fingerprint(go, group));
  }
  const printed = spawnSync(path.join(BIN, "pulumi"), ["version"], { encoding: "utf8" }).stdout.trim();
  console.log(
    `Pulumi ${printed} and its language hosts are in ${BIN}. Use them with:\n  export PATH="${BIN}:$PATH" PULUMI_HOME="${path.join(PULUMI_DIR, "home")}"`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof InstallError ? `pulumi:install: ${err.message}` : err);
    process.exit(1);
  });
}

module.exports = { BIN, PULUMI_DIR, GROUPS, pinnedVersion, reportedVersion, registryAnswer };
