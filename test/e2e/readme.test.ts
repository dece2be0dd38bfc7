// The README's first 60 lines, copied in order into a shell, run the main job against the emulator:
// the install block, then the walkthrough (a new project beside the clone, the emulator started in
// the background, the three-line program, endpoint and key, `pulumi up`, the URL fetched, a file
// edited, `up` again). What this test changes, and only that:
// - the clone: `git clone` and `npm ci && npm run build` would fetch from GitHub and rebuild this
//   very checkout under the running tests, so the install block is checked to be exactly the README's
//   and replaced by its result, the tarball `npm pack` writes, in a folder named like the clone;
// - the ports: the emulator gets `--port <free>` and every 468x of the README becomes that port plus
//   the same offset, so the test never collides with an emulator a developer runs on 4680;
// - the environment: this repository's Pulumi CLI first on PATH and a PULUMI_HOME of its own (as
//   `npm run pulumi:install` users do), npm told to prefer its cache, no MAMUTECLOUD_* from the shell.
// Afterwards the test checks what the user would see in the browser: the new stylesheet served at
// the stack's url, and destroys the stack.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { cliEnv } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";
import { browse } from "../emulator/cdn-helpers";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const FIRST_SCREEN = README.split("\n").slice(0, 60).join("\n");

function bashBlocks(text: string): string[] {
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Whether nothing listens on any of `count` ports from `first` on 127.0.0.1. */
async function freeRun(first: number, count: number): Promise<boolean> {
  for (let port = first; port < first + count; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

async function freePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20000 + Math.floor(Math.random() * 20000);
    if (await freeRun(first, 4)) return first;
  }
  throw new Error("no four free ports in a row on 127.0.0.1");
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-readme-"));
});
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the README's first 60 lines, run in order, deploy the static site to the emulator, and an edit shows after the second up", async () => {
  const [install, walkthrough, ...rest] = bashBlocks(FIRST_SCREEN);
  expect(rest).toEqual([]);
  expect(install).toBe(
    "git clone https://github.com/mamutecloud/pulumi-mamutecloud.git && cd pulumi-mamutecloud\n" +
      "npm ci && npm run build && npm pack     # writes pulumi-mamutecloud-0.1.0.tgz\n",
  );
  // The install block's result: the tarball in the clone's folder (dist/ was built before the suite).
  const clone = path.join(work, "pulumi-mamutecloud");
  fs.mkdirSync(clone);
  const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", clone], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  expect(packed.trim().split("\n").pop()).toBe("pulumi-mamutecloud-0.1.0.tgz");

  const port = await freePorts();
  const ported = walkthrough
    .replace("npx mamutecloud-emulator --api-key", `npx mamutecloud-emulator --port ${port} --api-key`)
    .replace(/\b468([0-3])\b/g, (_all, offset) => String(port + Number(offset)));
  expect(ported).not.toBe(walkthrough);
  // Then what the user checks in the browser after the second up, and the cleanup the README gives.
  const script = [
    "set -euo pipefail",
    "cd pulumi-mamutecloud",
    ported,
    'echo "URL=$(pulumi stack output url)"',
    // What a plain reload fetches: the edited stylesheet (purged at the edge by the second up).
    'echo "CSS=$(curl -s "$(pulumi stack output url)style.css")"',
    "pulumi destroy --yes",
  ].join("\n");
  const home = path.join(work, ".pulumi-home");
  const env = {
    ...cliEnv(home, "file://unused", undefined),
    npm_config_prefer_offline: "true",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };

  let output = "";
  // Its own process group, so that the emulator the README starts with `&` (npx and the node under
  // it) goes with the shell, whatever happens: the group is killed once the shell exits.
  const child = spawn("bash", ["-c", script], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // the group is gone already
      }
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`the README's walkthrough failed (exit ${code}):\n${output.slice(-6000)}`);

  // `curl "$(pulumi stack output url)"` printed the page.
  expect(output).toContain('<link rel="stylesheet" href="style.css"><h1>Hello</h1>');
  const url = /^URL=(\S+)$/m.exec(output)?.[1];
  expect(url).toMatch(new RegExp(`^http://r-[0-9a-f]+\\.mamutecdn\\.com\\.localhost:${port + 2}/$`));
  expect(output).toContain("CSS=h1 { color: teal }");
  expect(output).toMatch(/Resources:\s+- \d+ deleted/);
  // After the destroy the site is served no more; then the emulator goes with the shell's group.
  const after = await browse(`${url}style.css`).catch(() => undefined);
  expect(after === undefined || after.status === 421).toBe(true);
  const deadline = Date.now() + 10_000;
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(alive()).toBe(false);
}, 600_000);
