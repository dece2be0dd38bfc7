// `npm run demo` and `npm run demo:destroy` as a user runs them, with the clone's real Pulumi CLI:
// the static site deployed through `pulumi up` against the emulator, the printed URL's site served
// at the edge, Ctrl+C stopping the emulator, and destroy leaving nothing of the stack. The demo's
// state goes into examples/static-site/.pulumi-state (as for a user); what the test made there is
// removed afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { edgeGet } from "../emulator/cdn-helpers";
import { cleanEnv } from "../harness/emulator";
import { REPO_ROOT } from "../harness/providerHost";

const EXAMPLE = path.join(REPO_ROOT, "examples", "static-site");
const MADE = [path.join(EXAMPLE, ".pulumi-state"), path.join(EXAMPLE, "Pulumi.demo.yaml")];
const existed = MADE.map((file) => fs.existsSync(file));

afterAll(() => {
  MADE.forEach((file, index) => existed[index] || fs.rmSync(file, { recursive: true, force: true }));
});

interface DemoRun {
  child: ChildProcess;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function npmRun(script: string, args: string[]): DemoRun {
  const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
    cwd: REPO_ROOT,
    // A user's own MamuteCloud settings must not reach the demo's stack.
    env: cleanEnv({ MAMUTECLOUD_API_KEY: "mamute-users-own-key", MAMUTECLOUD_ENDPOINT: "https://api.mamutecloud.com" }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

async function waitFor(run: DemoRun, pattern: RegExp, ms = 240_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no ${pattern} in the demo's output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("npm run demo: pulumi up of the static site, the printed URL served; Ctrl+C stops it; demo:destroy removes the stack", async () => {
  const demo = npmRun("demo", ["--port", "0"]);
  const [, host, port] = await waitFor(demo, /The site is up\. Open http:\/\/(r-[0-9a-f]+\.mamutecdn\.com)\.localhost:(\d+)\//);
  expect(demo.output()).toMatch(/Deploying examples\/static-site with Pulumi v3\.248\.0/);
  expect(demo.output()).toMatch(/\+ 6 created/);
  const edge = { edgeUrl: `http://127.0.0.1:${port}` } as Parameters<typeof edgeGet>[0];
  const home = await edgeGet(edge, { host, path: "/" });
  expect(home.status).toBe(200);
  expect(home.body).toContain("<h1>Hello from MamuteCloud</h1>");

  // Ctrl+C in a terminal: SIGINT to the whole foreground group (npm, the demo). The demo stops the
  // emulator and exits 0; npm ends by the signal itself.
  process.kill(-demo.child.pid!, "SIGINT");
  const stopped = await demo.exit;
  expect(stopped.code === 0 || stopped.signal === "SIGINT").toBe(true);
  await expect(edgeGet(edge, { host, path: "/" })).rejects.toThrow();

  const destroy = npmRun("demo:destroy", ["--port", "0"]);
  expect((await destroy.exit).code).toBe(0);
  expect(destroy.output()).toMatch(/- 6 deleted/);
  expect(destroy.output()).toContain("The demo's site is destroyed");
}, 600_000);
