// A user's project with the package installed from `npm pack`, built once per package content and
// shared by every test file that needs it (an install takes most of a minute; the tarball's hash
// names the folder, so a changed package gets a fresh one and concurrent workers never share a
// half-made folder: each builds in its own and the first to finish publishes it by rename).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cleanEnv } from "./emulator";
import { REPO_ROOT } from "./providerHost";

const PREFIX = "mamutecloud-packed-";

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() });
}

export interface PackedProject {
  dir: string;
  /** The plugin folder inside the installed package. */
  pluginDir: string;
}

export function packedProject(): PackedProject {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mamutecloud-pack-"));
  try {
    // dist/ is built by `npm test` before jest runs; packing must not rebuild it.
    const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", scratch], REPO_ROOT)
      .trim()
      .split("\n")
      .pop()!;
    const hash = createHash("sha256")
      .update(fs.readFileSync(path.join(scratch, tarball)))
      .digest("hex")
      .slice(0, 16);
    const dir = path.join(os.tmpdir(), `${PREFIX}${hash}`);
    const result = { dir, pluginDir: path.join(dir, "node_modules", "pulumi-mamutecloud", "plugin") };
    if (fs.existsSync(path.join(dir, "ready"))) return result;

    const work = path.join(scratch, "project");
    fs.mkdirSync(work);
    fs.renameSync(path.join(scratch, tarball), path.join(work, tarball));
    fs.writeFileSync(
      path.join(work, "package.json"),
      JSON.stringify(
        {
          name: "mamutecloud-plugin-user",
          private: true,
          dependencies: { "@pulumi/pulumi": "~3.248.0", "pulumi-mamutecloud": `file:./${tarball}` },
        },
        null,
        2,
      ),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], work);
    fs.writeFileSync(path.join(work, "ready"), "");
    // Builds of other package contents may serve another checkout's run right now: only those a
    // day old go.
    for (const name of fs.readdirSync(os.tmpdir())) {
      const other = path.join(os.tmpdir(), name);
      if (name.startsWith(PREFIX) && Date.now() - fs.statSync(other).mtimeMs > 86_400_000)
        fs.rmSync(other, { recursive: true, force: true });
    }
    try {
      fs.renameSync(work, dir);
    } catch {
      // Another worker published the same package first: theirs is identical.
    }
    return result;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
