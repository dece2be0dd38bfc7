#!/usr/bin/env node
// `npm run demo`: the main job in one command. Starts the emulator, deploys examples/static-site
// with the user's own Pulumi CLI, and prints the URL to open; Ctrl+C stops the emulator.
//
// The stack lives in a file backend inside the example (PULUMI_BACKEND_URL for these commands only,
// so the user's `pulumi login` is untouched) with a fixed passphrase (the stack holds nothing but
// emulator state, and a prompt would stop the command). The provider is pointed at the emulator by
// environment variables, so no stack configuration is written. `up --refresh` lets a later run
// against a fresh emulator (whose state starts empty) drop what is gone and create it again.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "static-site");
const STATE_DIR = path.join(EXAMPLE, ".pulumi-state");
const STACK = "demo";
/** The first release that passes stack configuration to dynamic providers (the `configure` hook). */
const MIN_VERSION = [3, 139, 0];
const INSTALL =
  "Install or upgrade it: `curl -fsSL https://get.pulumi.com | sh` (Linux, macOS), `brew install pulumi/tap/pulumi`, " +
  "or `winget install pulumi` (Windows); see https://www.pulumi.com/docs/iac/download-install/";

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

/** Refuses, saying why and how to install one, unless a Pulumi CLI at least MIN_VERSION is on PATH. */
function checkPulumiCli() {
  const answer = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (answer.error) {
    const reason = answer.error.code === "ENOENT" ? "No Pulumi CLI (`pulumi`) was found on PATH" : `Running \`pulumi version\` failed: ${answer.error.message}`;
    throw new DemoError(`${reason}. The demo deploys with your Pulumi CLI, ${MIN_VERSION.join(".")} or newer. ${INSTALL}`);
  }
  const printed = `${answer.stdout}`.trim();
  const version = parseVersion(printed);
  if (answer.status !== 0 || !version) {
    throw new DemoError(`\`pulumi version\` did not print a version (exit ${answer.status}: ${printed || `${answer.stderr}`.trim()}). ${INSTALL}`);
  }
  if (!atLeast(version, MIN_VERSION)) {
    throw new DemoError(
      `Pulumi CLI ${printed} is older than ${MIN_VERSION.join(".")}, the first that passes stack configuration to dynamic providers ` +
        `such as this package's. ${INSTALL}`,
    );
  }
  return printed;
}

/** The environment of every `pulumi` command: the demo's backend and passphrase, the emulator's endpoints and key. */
function pulumiEnv(emu) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The user's own MamuteCloud settings would point the provider elsewhere.
    if (!key.startsWith("MAMUTECLOUD_") && key !== "PULUMI_CONFIG_PASSPHRASE_FILE") env[key] = value;
  }
  return {
    ...env,
    PULUMI_BACKEND_URL: `file://${STATE_DIR}`,
    PULUMI_CONFIG_PASSPHRASE: "mamutecloud-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    MAMUTECLOUD_ENDPOINT: emu.url,
    MAMUTECLOUD_S3_ENDPOINT: emu.s3Url,
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

async function main(argv) {
  const version = checkPulumiCli();
  const { parseArgs, UsageError } = require(path.join(ROOT, "dist", "emulator", "cli.js"));
  let options;
  try {
    options = parseArgs(argv);
  } catch (err) {
    throw err instanceof UsageError ? new DemoError(`${err.message} (the demo takes the emulator's flags, e.g. --port 4566)`) : err;
  }
  const { startEmulator } = require(path.join(ROOT, "dist", "emulator", "index.js"));
  const { help, ...emulatorOptions } = options;
  if (help) {
    console.log("Usage: npm run demo [-- <emulator flags, e.g. --port 4566>]: starts the emulator, deploys examples/static-site with your Pulumi CLI, prints the URL.");
    return;
  }
  const emu = await startEmulator(emulatorOptions);
  let deployed = false;
  // Ctrl+C while serving is the way to stop; during the deploy it is an interruption.
  const stop = async () => {
    await emu.close();
    process.exit(deployed ? 0 : 130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    console.log(`Emulator: management API ${emu.url}, S3 ${emu.s3Url}, CDN edge ${emu.edgeUrl}`);
    console.log(`Deploying examples/static-site with Pulumi ${version}, state in ${path.relative(process.cwd(), STATE_DIR) || "."}\n`);
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const env = pulumiEnv(emu);
    await pulumi(["stack", "select", "--create", STACK, "--non-interactive"], env);
    await pulumi(["up", "--yes", "--refresh", "--skip-preview", "--non-interactive", "--stack", STACK], env);
    const outputs = JSON.parse(await pulumi(["stack", "output", "--json", "--stack", STACK], env, true));
    const edge = new URL(emu.edgeUrl);
    const url = `http://${outputs.distributionDomain}.localhost:${edge.port}/`;
    console.log(`\nThe site is up. Open ${url}`);
    console.log(`  (or: curl -H "Host: ${outputs.distributionDomain}" ${emu.edgeUrl}/)`);
    console.log(`In production it would be ${outputs.url}`);
    console.log("\nTo change it: edit examples/static-site/www and, in another terminal,");
    console.log(`  cd examples/static-site && PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${env.PULUMI_CONFIG_PASSPHRASE} \\`);
    console.log(`    MAMUTECLOUD_ENDPOINT=${emu.url} MAMUTECLOUD_S3_ENDPOINT=${emu.s3Url} MAMUTECLOUD_API_KEY=${emu.apiKey} pulumi up --stack ${STACK}`);
    console.log("\nThe emulator keeps serving until Ctrl+C.");
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
