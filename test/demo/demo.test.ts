// `npm run demo` (scripts/demo.js) before it deploys anything: without a Pulumi CLI, or with one
// older than 3.139, it says so and how to get one (the clone's own through `npm run
// pulumi:install`, or an installer) and exits non-zero without building or starting anything. The
// script runs from a copy of the repository's layout without .pulumi/bin, so only PATH can offer a
// CLI. The real run, with the clone's CLI, is test/e2e/demo.test.ts.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/providerHost";

let root: string;
let bin: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "demo-root-"));
  fs.mkdirSync(path.join(root, "scripts"));
  fs.copyFileSync(path.join(REPO_ROOT, "scripts", "demo.js"), path.join(root, "scripts", "demo.js"));
  bin = path.join(root, "bin");
  fs.mkdirSync(bin);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A `pulumi` on PATH that prints `version` and records any other call. */
function fakePulumi(version: string): string {
  const log = path.join(root, "calls.log");
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!${process.execPath}\nif (process.argv[2] === "version") console.log(${JSON.stringify(version)});\nelse require("fs").appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(" ") + "\\n");\n`,
    { mode: 0o755 },
  );
  return log;
}

function runDemo(): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(root, "scripts", "demo.js"), "--port", "0"], {
    env: { PATH: bin, HOME: root },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

test("without a Pulumi CLI it says so, names npm run pulumi:install and the installers, and exits before building", async () => {
  const { code, output } = await runDemo();
  expect(code).toBe(1);
  expect(output).toContain("demo: No Pulumi CLI (`pulumi`) was found on PATH");
  expect(output).toContain("3.139.0 or newer");
  expect(output).toContain("npm run pulumi:install");
  expect(output).toContain("curl -fsSL https://get.pulumi.com | sh");
  expect(output).not.toContain("Emulator:");
  expect(fs.existsSync(path.join(root, "dist"))).toBe(false);
});

test("with a Pulumi CLI older than 3.139 it names both versions and how to upgrade, and exits before building", async () => {
  const log = fakePulumi("v3.138.2");
  const { code, output } = await runDemo();
  expect(code).toBe(1);
  expect(output).toContain(
    "demo: Pulumi CLI v3.138.2 is older than 3.139.0, the first that passes stack configuration to dynamic providers",
  );
  expect(output).toContain("https://www.pulumi.com/docs/iac/download-install/");
  expect(output).not.toContain("Emulator:");
  expect(fs.existsSync(log)).toBe(false);
});
