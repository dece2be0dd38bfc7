#!/usr/bin/env node
// `npm run sdks`: the Python, Go, Java and .NET SDKs, generated from schema.json by each language's
// own generator through the real CLI, `pulumi package gen-sdk schema.json --language L --out sdk`,
// into sdk/python, sdk/go, sdk/java and sdk/dotnet (git-ignored: they are a function of schema.json
// and the generator versions pinned in tools/pulumi/, so they are made, never edited or committed).
// `npm run pulumi:install` builds the CLI and the generators first (scripts/pulumi-install.js):
// Python's and Go's are the pulumi/pulumi language hosts, Java's is pulumi-java's and .NET's is
// pulumi-dotnet's.
//
// What the generators leave out, written here: Go's go.mod (module
// github.com/mamutecloud/pulumi-mamutecloud/sdk/go, with its go.sum from `go mod tidy`) and Java's
// pom.xml (Maven, where pulumi-java writes Gradle files; Maven Central's com.pulumi:pulumi).
//
// `npm run sdks -- --build` then builds what a user of each language builds: Python's wheel with pip
// (into .tmp/sdk-wheels), Go's packages with `go build`, Java's jar with Maven into the local Maven
// repository (`mvn install`, where examples/java finds it). The .NET SDK is generated only: building
// it needs the .NET SDK (`dotnet`), which these machines do not have.
//
// `--only python,go` limits both to some languages.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const zlib = require("node:zlib");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, ".pulumi", "bin");
const PULUMI = path.join(BIN, "pulumi");
const SCHEMA = path.join(ROOT, "schema.json");
const OUT = path.join(ROOT, "sdk");
const LANGUAGES = ["python", "go", "java", "dotnet"];

/** The Pulumi SDKs the generated ones build against: the CLI's release, and pulumi-java's for Java. */
const PULUMI_GO_SDK = "v3.248.0";
const PULUMI_JAVA_SDK = "1.17.0";
const GO_MODULE = "github.com/mamutecloud/pulumi-mamutecloud/sdk/go";

class SdkError extends Error {}

function env() {
  return {
    ...process.env,
    PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
    PULUMI_HOME: path.join(ROOT, ".pulumi", "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    GOWORK: "off",
    NO_COLOR: "1",
  };
}

/** Runs a command; its output is shown only when it fails. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...env(), ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (err) =>
      reject(
        new SdkError(
          `${command} could not be run (${err.code === "ENOENT" ? `\`${command}\` is not installed or not on PATH` : err.message})`,
        ),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else
        reject(
          new SdkError(
            `${command} ${args.join(" ")} failed (exit ${code}) in ${path.relative(ROOT, options.cwd ?? ROOT) || "."}:\n${output.trim().split("\n").slice(-30).join("\n")}`,
          ),
        );
    });
  });
}

/** A 64×64 PNG of one colour (the package has no logo of its own yet). */
function logoPng() {
  const size = 64;
  const rows = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rows.set([0x8b, 0x5a, 0x2b], y * (size * 3 + 1) + 1 + x * 3);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * pulumi-dotnet's generator downloads the package's logo (`logoUrl`, or Pulumi's own from GitHub when
 * there is none) into the project. This machine reaches no such host, and a generator should not need
 * to: for .NET the schema is given with `logoUrl` on a server of ours on 127.0.0.1, for the run only.
 */
async function withLocalLogo(generate) {
  const png = logoPng();
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === "/logo.png" ? 200 : 404, { "content-type": "image/png" });
    response.end(request.url === "/logo.png" ? png : undefined);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-sdk-"));
  try {
    const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
    schema.logoUrl = `http://127.0.0.1:${server.address().port}/logo.png`;
    const file = path.join(dir, "schema.json");
    fs.writeFileSync(file, JSON.stringify(schema));
    return await generate(file);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function schemaVersion() {
  return JSON.parse(fs.readFileSync(SCHEMA, "utf8")).version;
}

function goMod() {
  return [
    "// Written by scripts/generate-sdks.js beside the generated SDK.",
    `module ${GO_MODULE}`,
    "",
    "go 1.25",
    "",
    `require github.com/pulumi/pulumi/sdk/v3 ${PULUMI_GO_SDK}`,
    "",
  ].join("\n");
}

function pomXml(version) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/generate-sdks.js beside the generated SDK: pulumi-java writes Gradle files, this builds it with Maven. -->
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.pulumi</groupId>
  <artifactId>mamutecloud</artifactId>
  <version>${version}</version>
  <name>mamutecloud</name>
  <description>Pulumi SDK for MamuteCloud, generated from schema.json by pulumi-java</description>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>11</maven.compiler.release>
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.pulumi</groupId>
      <artifactId>pulumi</artifactId>
      <version>${PULUMI_JAVA_SDK}</version>
    </dependency>
    <dependency>
      <groupId>com.google.code.findbugs</groupId>
      <artifactId>jsr305</artifactId>
      <version>3.0.2</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.1</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-jar-plugin</artifactId>
        <version>3.4.2</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-install-plugin</artifactId>
        <version>3.1.3</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.2</version>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

/** Writes what the generator leaves out, beside its output. */
async function complete(language) {
  const dir = path.join(OUT, language);
  if (language === "go") {
    fs.writeFileSync(path.join(dir, "go.mod"), goMod());
    await run("go", ["mod", "tidy"], { cwd: dir, env: { GOFLAGS: "-mod=mod" } });
  } else if (language === "java") {
    fs.writeFileSync(path.join(dir, "pom.xml"), pomXml(schemaVersion()));
  }
}

async function generate(language) {
  const gen = (schema) => run(PULUMI, ["package", "gen-sdk", schema, "--language", language, "--out", OUT]);
  if (language === "dotnet") await withLocalLogo(gen);
  else await gen(SCHEMA);
  await complete(language);
}

/** Builds the SDK as that language's users build it. */
async function build(language) {
  const dir = path.join(OUT, language);
  if (language === "python") {
    const wheels = path.join(ROOT, ".tmp", "sdk-wheels");
    fs.rmSync(wheels, { recursive: true, force: true });
    await run("python3", ["-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", wheels, dir]);
    return `wheel ${fs.readdirSync(wheels).join(", ")} in ${path.relative(ROOT, wheels)}`;
  }
  if (language === "go") {
    await run("go", ["build", "./..."], { cwd: dir });
    await run("go", ["vet", "./..."], { cwd: dir });
    return "go build and go vet passed";
  }
  if (language === "java") {
    await run("mvn", ["--batch-mode", "--no-transfer-progress", "--quiet", "install"], { cwd: dir });
    return `com.pulumi:mamutecloud:${schemaVersion()} installed in the local Maven repository`;
  }
  return "not built: building .NET needs the .NET SDK (dotnet), which this machine does not have";
}

function parseArgs(argv) {
  const options = { build: false, only: LANGUAGES };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--build") options.build = true;
    else if (argv[i] === "--only") options.only = (argv[++i] ?? "").split(",").filter(Boolean);
    else throw new SdkError(`unknown argument ${argv[i]} (use --build, --only python,go,java,dotnet)`);
  }
  const unknown = options.only.filter((language) => !LANGUAGES.includes(language));
  if (unknown.length || !options.only.length) throw new SdkError(`--only takes some of ${LANGUAGES.join(",")}`);
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const missing = [
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-language-go",
    "pulumi-language-java",
    "pulumi-language-dotnet",
  ].filter((tool) => !fs.existsSync(path.join(BIN, tool)));
  if (missing.length)
    throw new SdkError(`${missing.join(", ")} missing from ${path.relative(ROOT, BIN)}: run \`npm run pulumi:install\` first`);
  for (const language of options.only) {
    let started = Date.now();
    await generate(language);
    const files = fs.readdirSync(path.join(OUT, language), { recursive: true }).length;
    console.log(`sdk/${language}: generated (${files} files and folders) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (options.build) {
      started = Date.now();
      const result = await build(language);
      console.log(`sdk/${language}: ${result} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
  if (!options.build)
    console.log("Build them as each language's users do with `npm run sdks -- --build` (.NET is generated only: no .NET SDK here).");
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof SdkError ? `sdks: ${err.message}` : err);
    process.exit(1);
  });
}

module.exports = { LANGUAGES, PULUMI_GO_SDK, PULUMI_JAVA_SDK, GO_MODULE };
