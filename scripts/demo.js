#!/usr/bin/env node
// `npm run demo`: the main job in one command. Checks for a Pulumi CLI first (this clone's, built by
// `npm run pulumi:install`, else the user's own on PATH), builds the package, starts the emulator,
// deploys examples/static-site with the real `pulumi up`, and prints the URL to open; Ctrl+C stops
// the emulator. `npm run demo:destroy` starts the emulator again and runs `pulumi destroy`.
//
// The stack lives in a file backend inside the example (PULUMI_BACKEND_URL for these commands only,
// so the user's `pulumi login` is untouched) with a fixed passphrase (the stack holds nothing but
// emulator state, and a prompt would stop the command), and the emulator keeps its state in the
// same folder, so a later `demo` or `demo:destroy` finds the stack's objects. The provider is
// pointed at the emulator by environment variables, so no stack configuration is written. `up
// --refresh` lets a run against an emulator whose state was removed drop what is gone.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "static-site");
const STATE_DIR = path.join(EXAMPLE, ".pulumi-state");
const EMULATOR_DIR = path.join(STATE_DIR, "emulator");
/** This clone's CLI and language hosts (`npm run pulumi:install`), and the PULUMI_HOME beside them. */
const REPO_PULUMI = path.join(ROOT, ".pulumi");
const STACK = "demo";
/** The first release that passes stack configuration to dynamic providers (the `configure` hook). */
const MIN_VERSION = [3, 139, 0];
const INSTALL =
  "Build this clone's own with `npm run pulumi:install` (needs Go), or install one: `curl -fsSL https://get.pulumi.com | sh` " +
  "(Linux, macOS), `brew install pulumi/tap/pulumi`, or `winget install pulumi` (Windows); see https://www.pulumi.com/docs/iac/download-install/";

class DemoError extends Error {}

/** `[major, minor, patch]` of `pulumi version`'s `v3.139.0`, or undefined when it is not one. */
function parseVersion(text) {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function atLeast(version, minimum) {
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i] > minimum[i];
  return true;
}

/** PATH and PULUMI_HOME for the CLI: this clone's first when it has one, so its language hosts are found too. */
function cliEnvironment() {
  const bin = path.join(REPO_PULUMI, "bin");
  if (!fs.existsSync(path.join(bin, "pulumi"))) return {};
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, PULUMI_HOME: path.join(REPO_PULUMI, "home") };
}

/** Refuses, saying why and how to get one, unless a Pulumi CLI at least MIN_VERSION is found. */
function checkPulumiCli(env) {
  const answer = spawnSync("pulumi", ["version"], { encoding: "utf8", env });
  if (answer.error) {
    const reason =
      answer.error.code === "ENOENT"
        ? "No Pulumi CLI (`pulumi`) was found on PATH"
        : `Running \`pulumi version\` failed: ${answer.error.message}`;
    throw new DemoError(`${reason}. The demo deploys with a Pulumi CLI, ${MIN_VERSION.join(".")} or newer. ${INSTALL}`);
  }
  const printed = `${answer.stdout}`.trim();
  const version = parseVersion(printed);
  if (answer.status !== 0 || !version) {
    throw new DemoError(
      `\`pulumi version\` did not print a version (exit ${answer.status}: ${printed || `${answer.stderr}`.trim()}). ${INSTALL}`,
    );
  }
  if (!atLeast(version, MIN_VERSION)) {
    throw new DemoError(
      `Pulumi CLI ${printed} is older than ${MIN_VERSION.join(".")}, the first that passes stack configuration to dynamic providers ` +
        `such as this package's. ${INSTALL}`,
    );
  }
  return printed;
}

/** The package's build and its link into node_modules, which the example's program requires. */
function build() {
  for (const [command, args] of [
    ["npm", ["run", "build", "--silent"]],
    [process.execPath, [path.join(__dirname, "link-self.js")]],
  ]) {
    const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) throw new DemoError(`\`${path.basename(command)} ${args.join(" ")}\` failed; its output is above.`);
  }
}

/** The environment of every `pulumi` command: the demo's backend and passphrase, the emulator's endpoints and key. */
function pulumiEnv(emu, cli) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The user's own MamuteCloud settings would point the provider elsewhere.
    if (!key.startsWith("MAMUTECLOUD_") && key !== "PULUMI_CONFIG_PASSPHRASE_FILE") env[key] = value;
  }
  return {
    ...env,
    ...cli,
    PULUMI_BACKEND_URL: `file://${STATE_DIR}`,
    PULUMI_CONFIG_PASSPHRASE: "mamutecloud-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The endpoint and the key are the whole configuration: the S3 endpoint comes from the bucket's answer.
    MAMUTECLOUD_ENDPOINT: emu.url,
    MAMUTECLOUD_API_KEY: emu.apiKey,
  };
}

/** Runs `pulumi <args>` in the example with the user's terminal, or captures its stdout. */
function pulumi(args, env, capture = false) {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd: EXAMPLE, env, stdio: ["inherit", capture ? "pipe" : "inherit", "inherit"] });
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new DemoError(`\`pulumi ${args.join(" ")}\` failed (${signal ?? `exit ${code}`}); its output is above.`));
    });
  });
}

async function startEmulatorFor(argv) {
  const { parseArgs, UsageError } = require(path.join(ROOT, "dist", "emulator", "cli.js"));
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    throw err instanceof UsageError ? new DemoError(`${err.message} (the demo takes the emulator's flags, e.g. --port 4690)`) : err;
  }
  const { startEmulator } = require(path.join(ROOT, "dist", "emulator", "index.js"));
  const { help, ...emulatorOptions } = options;
  fs.mkdirSync(EMULATOR_DIR, { recursive: true });
  return startEmulator({ dataDir: EMULATOR_DIR, ...emulatorOptions });
}

async function main(argv) {
  const destroy = argv[0] === "destroy";
  const emulatorArgs = destroy ? argv.slice(1) : argv;
  if (emulatorArgs.includes("--help") || emulatorArgs.includes("-h")) {
    console.log(
      "Usage: npm run demo [-- <emulator flags, e.g. --port 4690>]: starts the emulator, deploys examples/static-site with `pulumi up`, prints the URL.\n" +
        "       npm run demo:destroy [-- <emulator flags>]: starts the emulator on the demo's state and runs `pulumi destroy`.",
    );
    return;
  }
  const cli = cliEnvironment();
  const version = checkPulumiCli({ ...process.env, ...cli });
  build();
  const emu = await startEmulatorFor(emulatorArgs);
  const env = pulumiEnv(emu, cli);
  if (destroy) {
    try {
      await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK], env);
      console.log("\nThe demo's site is destroyed; the emulator holds nothing of it.");
    } finally {
      await emu.close();
    }
    return;
  }
  let deployed = false;
  // Ctrl+C while serving is the way to stop; during the deploy it is an interruption.
  const stop = async () => {
    await emu.close();
    process.exit(deployed ? 0 : 130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    console.log(
      `Emulator: management API ${emu.url}, S3 ${emu.s3Url}, CDN edge ${emu.edgeUrl} (state in ${path.relative(ROOT, EMULATOR_DIR)})`,
    );
    console.log(`Deploying examples/static-site with Pulumi ${version}, stack state in ${path.relative(ROOT, STATE_DIR)}\n`);
    await pulumi(["stack", "select", "--create", STACK, "--non-interactive"], env);
    await pulumi(["up", "--yes", "--refresh", "--skip-preview", "--non-interactive", "--stack", STACK], env);
    const outputs = JSON.parse(await pulumi(["stack", "output", "--json", "--stack", STACK], env, true));
    // The stack's url is the emulator edge's `.localhost` address: it opens in a browser on this machine.
    const https = `https://${outputs.distributionDomain}.localhost:${new URL(emu.edgeHttpsUrl).port}/`;
    console.log(`\nThe site is up. Open ${outputs.url}`);
    console.log(`  (or: curl ${outputs.url}; over HTTPS ${https} once the browser trusts ${emu.caCertificatePath})`);
    console.log("\nTo change it: edit examples/static-site/www and, in another terminal,");
    const cliPath = cli.PATH ? `PATH=${path.join(REPO_PULUMI, "bin")}:$PATH PULUMI_HOME=${cli.PULUMI_HOME} ` : "";
    console.log(
      `  cd examples/static-site && ${cliPath}PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${env.PULUMI_CONFIG_PASSPHRASE} \\`,
    );
    console.log(`    MAMUTECLOUD_ENDPOINT=${emu.url} MAMUTECLOUD_API_KEY=${emu.apiKey} pulumi up --stack ${STACK}`);
    console.log("\nThe emulator keeps serving until Ctrl+C; `npm run demo:destroy` removes the site afterwards.");
    deployed = true;
  } catch (err) {
    await emu.close();
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof DemoError ? `demo: ${err.message}` : err);
    process.exit(1);
  });
}

module.exports = { parseVersion, atLeast, MIN_VERSION };
