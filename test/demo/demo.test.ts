// `npm run demo` (scripts/demo.js) up to the Pulumi CLI, which cannot be installed here: without a
// `pulumi` on PATH, or with one older than 3.139, it says so and how to install one and exits
// non-zero without starting anything; with one, it starts the emulator and calls the CLI in
// examples/static-site on a file backend there with a passphrase (so no prompt and no change to
// the user's login), the provider pointed at the emulator, then prints the URL. A stand-in
// `pulumi` records each call and, during `up`, checks that the emulator answers with that key.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/providerHost";

const DEMO = path.join(REPO_ROOT, "scripts", "demo.js");
const EXAMPLE = path.join(REPO_ROOT, "examples", "static-site");
const STATE_DIR = path.join(EXAMPLE, ".pulumi-state");

let bin: string;
let home: string;
const stateDirExisted = fs.existsSync(STATE_DIR);

beforeEach(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), "demo-bin-"));
  home = fs.mkdtempSync(path.join(os.tmpdir(), "demo-home-"));
});

afterEach(() => {
  fs.rmSync(bin, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

afterAll(() => {
  if (!stateDirExisted) fs.rmSync(STATE_DIR, { recursive: true, force: true });
});

/** A `pulumi` on PATH: prints `version`, logs every call to calls.jsonl, fails `up` when told to. */
function fakePulumi(version: string, options: { failUp?: boolean } = {}): string {
  const log = path.join(bin, "calls.jsonl");
  const script = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_") || k.startsWith("MAMUTECLOUD_")));
const record = (extra) => fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, cwd: process.cwd(), env, ...extra }) + "\\n");
(async () => {
  if (args[0] === "version") return console.log(${JSON.stringify(version)});
  if (args[0] === "up") {
    const key = { authorization: process.env.MAMUTECLOUD_API_KEY };
    const buckets = await fetch(process.env.MAMUTECLOUD_ENDPOINT + "/object-storage/buckets", { headers: key });
    const s3 = await fetch(process.env.MAMUTECLOUD_S3_ENDPOINT + "/");
    record({ bucketsStatus: buckets.status, s3Status: s3.status });
    if (${Boolean(options.failUp)}) { console.error("error: update failed"); process.exit(255); }
    return;
  }
  record({});
  if (args[0] === "stack" && args[1] === "output") {
    console.log(JSON.stringify({ url: "https://r-demo1234.mamutecdn.com/", distributionDomain: "r-demo1234.mamutecdn.com", bucketId: "b" }));
  }
})();
`;
  fs.writeFileSync(path.join(bin, "pulumi"), script, { mode: 0o755 });
  return log;
}

interface DemoRun {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

function startDemo(args: string[] = ["--port", "0"]): DemoRun {
  const env: NodeJS.ProcessEnv = {
    PATH: bin,
    HOME: home,
    // Settings of the user's own that must not reach the demo's stack.
    MAMUTECLOUD_API_KEY: "mamute-users-own-key",
    MAMUTECLOUD_ENDPOINT: "https://api.mamutecloud.com",
    PULUMI_CONFIG_PASSPHRASE_FILE: "/nonexistent/passphrase",
  };
  const child = spawn(process.execPath, [DEMO, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  // "close": after the output is all read.
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function waitFor(run: DemoRun, pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no ${pattern} in the demo's output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const readCalls = (log: string) => fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line));

test("without a Pulumi CLI it says so and how to install one, and exits non-zero", async () => {
  const run = startDemo();
  expect(await run.exit).toBe(1);
  expect(run.output()).toContain("demo: No Pulumi CLI (`pulumi`) was found on PATH");
  expect(run.output()).toContain("3.139.0 or newer");
  expect(run.output()).toContain("curl -fsSL https://get.pulumi.com | sh");
  expect(run.output()).not.toContain("Emulator:");
});

test("with a Pulumi CLI older than 3.139 it names both versions and how to upgrade, and exits non-zero", async () => {
  const log = fakePulumi("v3.138.2");
  const run = startDemo();
  expect(await run.exit).toBe(1);
  expect(run.output()).toContain("demo: Pulumi CLI v3.138.2 is older than 3.139.0, the first that passes stack configuration to dynamic providers");
  expect(run.output()).toContain("https://www.pulumi.com/docs/iac/download-install/");
  expect(run.output()).not.toContain("Emulator:");
  expect(fs.existsSync(log)).toBe(false);
});

test("with Pulumi 3.139 or newer it starts the emulator, deploys the example on a file backend inside it, prints the URL, and serves until Ctrl+C", async () => {
  const log = fakePulumi("v3.139.0");
  const run = startDemo();
  const [, url, port] = await waitFor(run, /Open (http:\/\/r-demo1234\.mamutecdn\.com\.localhost:(\d+)\/)/);
  await waitFor(run, /serving until Ctrl\+C/);

  const calls = readCalls(log);
  expect(calls.map((call) => call.args.join(" "))).toEqual([
    "stack select --create demo --non-interactive",
    "up --yes --refresh --skip-preview --non-interactive --stack demo",
    "stack output --json --stack demo",
  ]);
  for (const call of calls) {
    expect(call.cwd).toBe(EXAMPLE);
    expect(call.env.PULUMI_BACKEND_URL).toBe(`file://${STATE_DIR}`);
    expect(call.env.PULUMI_CONFIG_PASSPHRASE).toBeTruthy();
    expect(call.env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
    expect(call.env.MAMUTECLOUD_API_KEY).toMatch(/^mamute-/);
    expect(call.env.MAMUTECLOUD_API_KEY).not.toBe("mamute-users-own-key");
    expect(call.env.MAMUTECLOUD_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }
  expect(fs.statSync(STATE_DIR).isDirectory()).toBe(true);
  // During `up` the emulator answered the key it was given, and its S3 endpoint was up.
  const up = calls[1];
  expect(up.bucketsStatus).toBe(200);
  expect(up.s3Status).toBeGreaterThanOrEqual(200);
  // Nothing was written to the user's home (no `pulumi login`, no credentials).
  expect(fs.readdirSync(home)).toEqual([]);

  // The printed URL's port is the emulator's HTTP edge, still serving.
  const edge = await fetch(`http://127.0.0.1:${port}/`);
  expect(edge.status).toBe(421); // the edge's answer to a host no resource has
  expect(url).toContain(`:${port}/`);
  run.child.kill("SIGINT");
  expect(await run.exit).toBe(0);
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
});

test("a failed `pulumi up` stops the emulator and exits non-zero", async () => {
  const log = fakePulumi("v3.201.0", { failUp: true });
  const run = startDemo();
  expect(await run.exit).toBe(1);
  expect(run.output()).toContain("demo: `pulumi up --yes --refresh --skip-preview --non-interactive --stack demo` failed (exit 255)");
  expect(readCalls(log).map((call) => call.args[0])).toEqual(["stack", "up"]);
});
